// Meetings as the server runs them: each submitted event is checked by the record's own rules
// (checkMeetingEvent) against the state, appended, and announced to every listener (the live stream).
// After a vote-closed the board appends the motion's result in the same step, computed from the votes.
import { validateBody } from './body.js';
import { GENESIS_PREV, makeMeetingEvent } from './events.js';
import { MeetingError } from './problem.js';
import { applyMeetingEvent, checkMeetingEvent, computeResult, initialMeetingState, validateMeeting, type MeetingState } from './state.js';
import { BodyExists, SequenceConflict, type MeetingStore } from './store.js';
import { meetingView, type MeetingView } from './view.js';
import type { Body, CarriedProxy, MeetingEvent, MeetingEventType, MeetingPayload, MeetingPayloadByType } from './types.js';

type Listener = (e: MeetingEvent) => void;

export class LiveMeeting {
  private queue: Promise<unknown> = Promise.resolve();
  private listeners = new Set<Listener>();

  private constructor(readonly store: MeetingStore, readonly id: string, private st: MeetingState) {}

  get state(): Readonly<MeetingState> { return this.st; }

  /** Reads the meeting from the store, checking every event again: a store changed behind the board is refused. */
  static async load(store: MeetingStore, id: string): Promise<LiveMeeting> {
    const [genesis] = await store.events(id, 0, 1);
    if (!genesis) throw new MeetingError('unknown-meeting', `no meeting "${id}"`);
    const m = new LiveMeeting(store, id, initialMeetingState(genesis as MeetingEvent<'meeting'>));
    await m.refresh();
    return m;
  }

  static async create(store: MeetingStore, payload: MeetingPayload): Promise<LiveMeeting> {
    const genesis = makeMeetingEvent(0, GENESIS_PREV, 'meeting', validateMeeting(payload), new Date().toISOString());
    try {
      await store.append(payload.id, genesis, payload.body.id);
    } catch (e) {
      if (e instanceof SequenceConflict || (e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new MeetingError('exists', `a meeting "${payload.id}" already exists`);
      throw e;
    }
    return new LiveMeeting(store, payload.id, initialMeetingState(genesis));
  }

  /** Catches up with events appended by another process sharing the store. */
  async refresh(): Promise<void> {
    for (;;) {
      const batch = await this.store.events(this.id, this.st.headSeq + 1, 1000);
      for (const e of batch) {
        const bad = checkMeetingEvent(this.st, e.type, e.payload, e.time);
        if (bad) throw new Error(`meeting ${this.id}: the stored event ${e.seq} breaks the rules (${bad.message})`);
        applyMeetingEvent(this.st, e);
        this.announce(e);
      }
      if (batch.length < 1000) return;
    }
  }

  subscribe(f: Listener): () => void {
    this.listeners.add(f);
    return () => { this.listeners.delete(f); };
  }

  private announce(e: MeetingEvent): void {
    for (const f of this.listeners) { try { f(e); } catch { /* a listener's failure is its own */ } }
  }

  /** Checks and appends a signed event; returns what was appended (with a vote-closed, also the result). */
  submit(type: string, payload: unknown): Promise<MeetingEvent[]> {
    const run = async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.refresh();
          if (type === 'motion-result' || type === 'meeting') throw new MeetingError('not-allowed', `${type} is not submitted: the board makes it`);
          // Checked at the very time the event gets: a vote's deadline is judged as the verifier will judge it.
          const time = this.nextTime();
          const bad = checkMeetingEvent(this.st, type, payload, time);
          if (bad) throw new MeetingError(bad.code, bad.message);
          const out = [await this.append(type as MeetingEventType, payload as MeetingPayloadByType[MeetingEventType], time)];
          if (type === 'vote-closed') {
            const result = computeResult(this.st, this.st.motions.get(this.st.resultDue!)!);
            const resultTime = this.nextTime();
            const resultBad = checkMeetingEvent(this.st, 'motion-result', result, resultTime);
            if (resultBad) throw new Error(`internal: ${resultBad.message}`);
            out.push(await this.append('motion-result', result, resultTime));
          }
          return out;
        } catch (e) {
          // Another process appended first: catch up and check again against the new state.
          if (!(e instanceof SequenceConflict) || attempt >= 20) throw e;
        }
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The board time of the next event: now, never earlier than the last event's (spec §9.1). */
  private nextTime(): string {
    const now = new Date().toISOString();
    if (now.length !== 24) throw new Error('the clock reads a time outside the years 0000-9999');
    return now > this.st.headTime ? now : this.st.headTime;
  }

  private async append<T extends MeetingEventType>(type: T, payload: MeetingPayloadByType[T], time: string): Promise<MeetingEvent> {
    const e = makeMeetingEvent(this.st.headSeq + 1, this.st.headHash, type, payload, time);
    await this.store.append(this.id, e);
    applyMeetingEvent(this.st, e);
    this.announce(e);
    return e;
  }

  /** What the chair's, a member's and the projector's screens show (src/meeting/view.ts). */
  view(): MeetingView { return meetingView(this.st); }
}

/** Bodies and their meetings over one store. */
export class Meetings {
  private live = new Map<string, Promise<LiveMeeting>>();

  constructor(readonly store: MeetingStore) {}

  async createBody(input: unknown): Promise<Body> {
    const body = validateBody(input);
    try { await this.store.putBody(body, false); } catch (e) {
      if (e instanceof BodyExists) throw new MeetingError('exists', e.message);
      throw e;
    }
    return body;
  }

  /** A new version of a body (members, keys, rules): for its next meetings; a meeting keeps the body it opened with. */
  async replaceBody(id: string, input: unknown): Promise<Body> {
    const body = validateBody(input);
    if (body.id !== id) throw new MeetingError('malformed', `the body's id is "${body.id}", not "${id}"`);
    if (!(await this.store.getBody(id))) throw new MeetingError('unknown-body', `no body "${id}"`);
    await this.store.putBody(body, true);
    return body;
  }

  async body(id: string): Promise<Body> {
    const body = await this.store.getBody(id);
    if (!body) throw new MeetingError('unknown-body', `no body "${id}"`);
    return body;
  }

  /** Opens a meeting's record: the body as it is now, and the standing proxies still in force at the
   *  body's last meeting that the body's current rules and members still allow. */
  async createMeeting(input: { id: string; title: string; body: string; chair: string; secretaries: string[] }): Promise<LiveMeeting> {
    const body = await this.body(input.body);
    const carried = await this.standingProxies(body);
    const payload: MeetingPayload = { id: input.id, title: input.title, body, chair: input.chair, secretaries: input.secretaries, proxies: [] };
    for (const c of carried) {
      try { validateMeeting({ ...payload, proxies: [...payload.proxies, c] }); payload.proxies.push(c); } catch { /* no longer allowed: dropped */ }
    }
    const m = LiveMeeting.create(this.store, payload);
    this.live.set(input.id, m);
    m.catch(() => this.live.delete(input.id));
    return m;
  }

  private async standingProxies(body: Body): Promise<CarriedProxy[]> {
    const list = await this.store.meetings(body.id);
    const last = list[list.length - 1];
    if (!last) return [];
    const m = await this.meeting(last.id);
    return [...m.state.proxies.values()].flatMap((x) => (x.carry ? [x.carry] : []));
  }

  meeting(id: string): Promise<LiveMeeting> {
    let m = this.live.get(id);
    if (!m) {
      m = LiveMeeting.load(this.store, id);
      this.live.set(id, m);
      m.catch(() => this.live.delete(id));
    }
    return m.then(async (x) => { await x.refresh(); return x; });
  }
}
