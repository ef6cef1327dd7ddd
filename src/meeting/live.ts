// Meetings as the server runs them: each submitted event is checked by the record's own rules
// (checkMeetingEvent) against the state, appended, and announced to every listener (the live stream).
// After a named vote's vote-closed the board appends the motion's result in the same step, computed
// from the votes; a secret vote's election closes its poll before the vote-closed and tallies after it.
import { validateBody } from './body.js';
import { GENESIS_PREV, makeMeetingEvent } from './events.js';
import { MeetingError } from './problem.js';
import { applyMeetingEvent, checkMeetingEvent, computeResult, initialMeetingState, secretResult, validateMeeting, type MeetingState, type MotionState } from './state.js';
import { electionCounts, listProblem, secretElectionIdOf, secretManifest } from './secret.js';
import { canonicalJson } from '../crypto/encoding.js';
import { BoardError, type Board } from '../board/board.js';
import type { CredentialsPayload, ResultPayload } from '../record/events.js';
import { BodyExists, SequenceConflict, type MeetingSession, type MeetingStore } from './store.js';
import { meetingView, type MeetingView } from './view.js';
import type { Body, CarriedProxy, MeetingEvent, MeetingEventType, MeetingPayload, MeetingPayloadByType } from './types.js';

/** Election manifests found equal to the one a meeting's record gives, with the meeting and motion they were checked for. */
const checkedManifests = new WeakMap<object, string>();

type Listener = (e: MeetingEvent) => void;

/** How many races for the next seq one submission may lose before it answers 409: to other processes
 *  on a store without a lock (SQLite shared against its purpose), or to a writer that does not take it. */
const RACES_LOST_MAX = 100;

/** The server's elections (src/server/elections.ts): a secret motion's election is made and run by the
 *  same Board code as any other (§19 M7). */
export interface SecretElections {
  create(manifest: unknown): Promise<{ board: Board }>;
  current(id: string): Promise<Board>;
}

/** A step of a secret vote's election that another process (or an earlier attempt) took first is done. */
const unlessDone = (step: Promise<unknown>): Promise<void> =>
  step.then(() => undefined, (e: unknown) => { if (!(e instanceof BoardError && e.code === 'wrong-phase')) throw e; });

/** The board time just after `t` (24-character form). */
const justAfter = (t: string): string => new Date(Date.parse(t) + 1).toISOString();

export class LiveMeeting {
  private queue: Promise<unknown> = Promise.resolve();
  private listeners = new Set<Listener>();
  private pendingCatchUp: Promise<void> | null = null;
  /** The locked session of the attempt running now (stores shared by processes), and the events it
   *  appended: applied to the state at once, announced only once the session has committed. */
  private session: MeetingSession | null = null;
  private unannounced: MeetingEvent[] = [];
  /** The last seq announced: a state rebuilt from the store does not announce an event twice. */
  private announcedSeq = 0;
  /** The closing and tallying of a secret vote's election, while one runs here. */
  private tallying: Promise<void> | null = null;

  private constructor(readonly store: MeetingStore, readonly id: string, private st: MeetingState, private elections: SecretElections | null = null) {}

  /** Gives the meeting the server's elections (secret votes); without them a secret motion is refused. */
  useElections(elections: SecretElections | null): this { this.elections = elections; return this; }

  get state(): Readonly<MeetingState> { return this.st; }

  /** Reads the meeting from the store, checking every event again: a store changed behind the board is
   *  refused. Settles what a process that stopped in the middle of a close left owed (settleDue). */
  static async load(store: MeetingStore, id: string, elections: SecretElections | null = null): Promise<LiveMeeting> {
    const [genesis] = await store.events(id, 0, 1);
    if (!genesis) throw new MeetingError('unknown-meeting', `no meeting "${id}"`);
    const m = new LiveMeeting(store, id, initialMeetingState(genesis as MeetingEvent<'meeting'>), elections);
    await m.catchUp();
    await m.serial(() => m.settleDue());
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

  /** Catches up with events appended by another process sharing the store (after the submissions queued before). */
  refresh(): Promise<void> { return this.serial(() => this.catchUp()); }

  /** A notice that event `seq` is in the store (another process appended it): one catch-up is queued,
   *  however many notices come before it runs. */
  noticed(seq: number): Promise<void> {
    if (seq <= this.st.headSeq) return Promise.resolve();
    return (this.pendingCatchUp ??= this.serial(async () => { this.pendingCatchUp = null; await this.catchUp(); }));
  }

  /** Reads the events after the head from the store and takes each that checks; a stored event that
   *  breaks the rules (a store changed behind the board) stops here: it is neither taken nor announced. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const from = this.st.headSeq + 1;
      const batch = this.session ? await this.session.events(from, 1000) : await this.store.events(this.id, from, 1000);
      for (const e of batch) {
        if (e.seq !== this.st.headSeq + 1) throw new Error(`meeting ${this.id}: the store gave event ${e.seq} after ${this.st.headSeq}`);
        const bad = checkMeetingEvent(this.st, e.type, e.payload, e.time);
        if (bad) throw new Error(`meeting ${this.id}: the stored event ${e.seq} breaks the rules (${bad.message})`);
        applyMeetingEvent(this.st, e);
        if (e.seq > this.announcedSeq) this.announce(e);
      }
      if (batch.length < 1000) return;
    }
  }

  /** The state rebuilt from the store (a session that applied events did not commit them). */
  private async reload(): Promise<void> {
    const [genesis] = await this.store.events(this.id, 0, 1);
    if (!genesis) throw new MeetingError('unknown-meeting', `no meeting "${this.id}"`);
    this.st = initialMeetingState(genesis as MeetingEvent<'meeting'>);
    await this.catchUp();
  }

  subscribe(f: Listener): () => void {
    this.listeners.add(f);
    return () => { this.listeners.delete(f); };
  }

  private announce(e: MeetingEvent): void {
    this.announcedSeq = e.seq;
    for (const f of this.listeners) { try { f(e); } catch { /* a listener's failure is its own */ } }
  }

  /**
   * Runs one attempt `f` (catch up, check, append) so that no other process appends between its check
   * and its append: where the store is shared (exclusive()), in one transaction holding the meeting's
   * lock, so a busy process cannot starve another; its events are announced once committed, and if it
   * does not commit the state goes back to the store's. A refusal (MeetingError) still commits what
   * the attempt appended before it (a result the record owed). On a store of one process `f` runs as
   * it is. A lost race (a writer that took no lock) is tried again after a growing, jittered pause.
   */
  private async locked<T>(f: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.lockedOnce(f);
      } catch (e) {
        if (!(e instanceof SequenceConflict) || attempt >= RACES_LOST_MAX) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * (attempt + 1))));
      }
    }
  }

  private async lockedOnce<T>(f: () => Promise<T>): Promise<T> {
    if (!this.store.exclusive) return f();
    const pending: MeetingEvent[] = [];
    let outcome: { ok: true; value: T } | { ok: false; refusal: MeetingError };
    try {
      outcome = await this.store.exclusive(this.id, async (session) => {
        this.session = session;
        this.unannounced = pending;
        try {
          return { ok: true as const, value: await f() };
        } catch (e) {
          if (e instanceof MeetingError) return { ok: false as const, refusal: e };
          throw e;
        } finally {
          this.session = null;
          this.unannounced = [];
        }
      });
    } catch (e) {
      if (pending.length > 0) await this.reload();
      throw e;
    }
    for (const e of pending) this.announce(e);
    if (!outcome.ok) throw outcome.refusal;
    return outcome.value;
  }

  /** A named vote's result, computed from the votes, when it is due (the record's next event must be it):
   *  appended and returned; null when none is due (a secret vote's result waits for its tellers). */
  private async appendDueResult(): Promise<MeetingEvent | null> {
    const due = this.st.resultDue === null ? undefined : this.st.motions.get(this.st.resultDue);
    if (!due) return null;
    if (due.mode === 'secret') return this.appendEmptySecretResult(due);
    const result = computeResult(this.st, due);
    const time = this.nextTime();
    const bad = checkMeetingEvent(this.st, 'motion-result', result, time);
    if (bad) throw new Error(`internal: ${bad.message}`);
    return this.append('motion-result', result, time);
  }

  /** A secret vote nobody registered for (§19 M7.4): no list could be signed, so its election never
   *  opened; the result is the empty one, appended with the close. Null while the result waits for the
   *  tellers (someone registered), or when a list is on the election anyway (the normal rules hold). */
  private async appendEmptySecretResult(due: MotionState): Promise<MeetingEvent | null> {
    if (due.credentials.size > 0 || !this.elections) return null;
    const board = await this.electionOf(due.id);
    if (board.current.credentials !== null) return null;
    const result = secretResult(this.st, due, { for: 0, against: 0, abstain: 0 }, { electionHash: board.current.electionHash, resultHash: null });
    const time = this.nextTime();
    const bad = checkMeetingEvent(this.st, 'motion-result', result, time);
    if (bad) throw new Error(`internal: ${bad.message}`);
    return this.append('motion-result', result, time);
  }

  /** What a process that stopped between a vote's close and its result left owed: a named vote's
   *  result is appended; a secret vote's election is closed and tallied (tallyDueElection). Another
   *  process doing it first is a lost race: its result is the one on the record. */
  private async settleDue(): Promise<void> {
    await this.locked(async () => { await this.catchUp(); await this.appendDueResult(); }).catch((e: unknown) => { if (!(e instanceof SequenceConflict)) throw e; });
    await this.tallyDueElection().catch((e: unknown) => { process.stderr.write(`veche: meeting ${this.id}: ${(e as Error).message}\n`); });
  }

  /** A secret vote closed on the record (its result due) whose election is still open, or closed and
   *  not tallied (a process stopped in between, or one older than the close-first order): the poll is
   *  closed and the tally made. Idempotent; one at a time here; a step another process took first is done. */
  private tallyDueElection(): Promise<void> {
    const due = this.st.resultDue === null ? undefined : this.st.motions.get(this.st.resultDue);
    if (!due || due.mode !== 'secret' || !this.elections) return Promise.resolve();
    return (this.tallying ??= (async () => {
      try {
        const board = await this.electionOf(due.id);
        if (board.current.phase === 'open') await unlessDone(board.closePoll());
        if (board.current.phase === 'closed') await unlessDone(board.computeTally());
      } finally {
        this.tallying = null;
      }
    })());
  }

  /** Checks and appends a signed event; returns what was appended (with a vote-closed, also the result). */
  submit(type: string, payload: unknown): Promise<MeetingEvent[]> {
    const attempt = async (): Promise<MeetingEvent[]> => {
      await this.catchUp();
      // A named vote closed by a process that stopped before appending its result: the result first.
      await this.appendDueResult();
      if (type === 'motion-result' || type === 'meeting') throw new MeetingError('not-allowed', `${type} is not submitted: the board makes it`);
      // Checked at the very time the event gets: a vote's deadline is judged as the verifier will judge it.
      let time = this.nextTime();
      const bad = checkMeetingEvent(this.st, type, payload, time);
      if (bad) throw new MeetingError(bad.code, bad.message);
      const pollClosed = await this.secretStep(type, payload as Record<string, unknown>);
      if (pollClosed !== null) {
        // A secret vote's close comes strictly after its election's poll-closed, so every ballot is
        // earlier than the meeting's close (the verifier's late-ballot check, §19 M7).
        const now = this.nextTime();
        time = now > pollClosed ? now : justAfter(pollClosed);
        const late = checkMeetingEvent(this.st, type, payload, time);
        if (late) throw new MeetingError(late.code, late.message);
      }
      const out = [await this.append(type as MeetingEventType, payload as MeetingPayloadByType[MeetingEventType], time)];
      const result = type === 'vote-closed' ? await this.appendDueResult() : null;
      if (result) out.push(result);
      return out;
    };
    return this.serial(async () => {
      let out: MeetingEvent[];
      try {
        out = await this.locked(attempt);
      } catch (e) {
        // Refused (a secret result is due, say): a tally owed by a process that stopped is made
        // meanwhile, without holding up the answer.
        void this.tallyDueElection().catch(() => { /* tried again at the next submission */ });
        throw e;
      }
      // A secret vote just closed (or one closed by a process that stopped before tallying): the board
      // tallies; the result waits for the tellers (publishSecretResult).
      await this.tallyDueElection();
      return out;
    });
  }

  // ---- secret votes (§19 M7) ----------------------------------------------------------------------

  private secretMotion(motion: unknown): MotionState | null {
    const m = typeof motion === 'string' ? this.st.motions.get(motion) : undefined;
    return m?.mode === 'secret' ? m : null;
  }

  private async electionOf(motion: string): Promise<Board> {
    if (!this.elections) throw new MeetingError('no-tellers', 'this server runs no secret votes');
    const board = await this.elections.current(secretElectionIdOf(this.id, motion));
    // The election is a draft until a teller commits, and an admin may edit a draft's manifest (PUT
    // …/manifest, the forum's ballot placement): the meeting acts only on the election its record gives
    // (§19 M7.1), never on one edited under the same id (a threshold of 1, another trustee, …).
    const manifest = board.current.manifest;
    const tie = `${this.st.meetingHash} ${motion}`;
    if (checkedManifests.get(manifest) !== tie) {
      const m = this.st.motions.get(motion);
      if (!m || canonicalJson(manifest) !== canonicalJson(secretManifest(this.st, m))) {
        throw new MeetingError('exists', `the election ${board.electionId} is not the one this meeting's record gives (its manifest was changed): the secret vote on ${motion} cannot go on in it`);
      }
      checkedManifests.set(manifest, tie);
    }
    return board;
  }

  /** What the election must do before a checked event of a secret motion is appended. For a
   *  vote-closed: its poll closes first (so the election takes no ballot once the meeting has closed the
   *  vote), and the poll-closed's time is returned; otherwise null. */
  private async secretStep(type: string, p: Record<string, unknown>): Promise<string | null> {
    if (type === 'motion-put' && p.mode === 'secret') {
      if (!this.elections) throw new MeetingError('no-tellers', 'this server runs no secret votes');
      const manifest = secretManifest(this.st, { id: p.motion as string, title: p.title as string, majority: p.majority as MotionState['majority'] });
      try {
        await this.elections.create(manifest);
      } catch (e) {
        // Made already by an attempt that lost a race on the meeting's record: the same manifest is the same election.
        const existing = await this.elections.current(manifest.id).catch(() => null);
        if (!existing || canonicalJson(existing.current.manifest) !== canonicalJson(manifest)) throw new MeetingError('exists', `the election ${manifest.id} cannot be made: ${(e as Error).message}`);
      }
      return null;
    }
    const m = this.secretMotion(p.motion);
    if (!m) return null;
    const board = await this.electionOf(m.id);
    const phase = board.current.phase;
    if (type === 'vote-opened' && !board.current.jointKey) throw new MeetingError('tellers-not-ready', `the tellers have not finished the key ceremony of ${board.electionId}`);
    if (type === 'credential-registered' && (board.current.credentials !== null || phase !== 'setup')) throw new MeetingError('vote-closed', `the chair has signed the credential list of ${m.id}: registration is over`);
    if (type === 'vote-closed') {
      // Nobody registered (a boycott, or the time ran out first): no list can be signed; the vote closes
      // with the election never opened and its result is the empty one (appendEmptySecretResult, M7.4).
      if (phase === 'setup' && board.current.credentials === null && m.credentials.size === 0) return null;
      if (phase === 'setup') throw new MeetingError('wrong-phase', `the poll of ${board.electionId} is not open: the chair signs the credential list first`);
      // Closed already: by an attempt that stopped (or lost the race) before the meeting's close was stored.
      if (phase === 'open') await unlessDone(board.closePoll());
      const [closed] = await board.store.events(board.electionId, { types: ['poll-closed'], limit: 1 });
      if (!closed) throw new Error(`the poll of ${board.electionId} did not close`);
      return closed.time;
    }
    return null;
  }

  /** The chair's signed credential list (§6.1) for a secret motion: exactly the registrations with the
   *  roll's weights; the election gets it and its poll opens. */
  submitCredentialList(motion: string, list: unknown): Promise<void> {
    return this.serial(async () => {
      await this.catchUp();
      const m = this.secretMotion(motion);
      if (!m) throw new MeetingError('unknown-motion', `no secret motion ${motion}`);
      if (m.status !== 'open') throw new MeetingError(m.status === 'put' ? 'wrong-phase' : 'vote-closed', `the vote on ${motion} is not open`);
      const credentials = (list as { credentials?: unknown } | null)?.credentials;
      if (!Array.isArray(credentials)) throw new MeetingError('malformed', 'a signed credential list {credentials, totalWeight, signature}');
      const bad = listProblem(this.st, m, { credentials } as CredentialsPayload);
      if (bad) throw new MeetingError('wrong-list', bad);
      const board = await this.electionOf(motion);
      try {
        await board.submitCredentials(list as CredentialsPayload);
        await board.openPoll();
      } catch (e) {
        throw new MeetingError('wrong-list', (e as Error).message);
      }
    });
  }

  /** Once `threshold` tellers have decrypted: the election's result and the motion-result tied to it. */
  publishSecretResult(motion: string): Promise<MeetingEvent> {
    return this.serial(async () => {
      await this.catchUp();
      // The tally a process that stopped after the close still owes (the tellers decrypt the tally).
      await this.tallyDueElection();
      return this.locked(async () => {
        await this.catchUp();
        const m = this.secretMotion(motion);
        if (!m || this.st.resultDue !== motion) throw new MeetingError('wrong-phase', `no secret vote on ${motion} awaits its result`);
        const empty = await this.appendEmptySecretResult(m);
        if (empty) return empty;
        const board = await this.electionOf(motion);
        if (board.current.phase !== 'decrypted') {
          try { await board.publishResult(); } catch (e) { throw new MeetingError('not-decrypted', `the tellers have not decrypted ${board.electionId} yet: ${(e as Error).message}`); }
        }
        const [result] = await board.store.events(board.electionId, { types: ['result'], limit: 1 });
        if (!result) throw new Error('the election result is missing');
        const payload = secretResult(this.st, m, electionCounts(result.payload as ResultPayload), { electionHash: board.current.electionHash, resultHash: result.hash });
        const time = this.nextTime();
        const bad = checkMeetingEvent(this.st, 'motion-result', payload, time);
        if (bad) throw new MeetingError(bad.code, bad.message);
        return this.append('motion-result', payload, time);
      });
    });
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const result = this.queue.then(f, f);
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
    if (this.session) {
      await this.session.append(e);
      applyMeetingEvent(this.st, e);
      this.unannounced.push(e); // announced once the session commits (lockedOnce)
    } else {
      await this.store.append(this.id, e);
      applyMeetingEvent(this.st, e);
      this.announce(e);
    }
    return e;
  }

  /** What the chair's, a member's and the projector's screens show (src/meeting/view.ts). */
  view(): MeetingView { return meetingView(this.st); }
}

/** Bodies and their meetings over one store. */
export class Meetings {
  private live = new Map<string, Promise<LiveMeeting>>();

  constructor(readonly store: MeetingStore, private elections: SecretElections | null = null) {}

  /** Where the store is shared by several processes (its notices): each meeting open here catches up
   *  as soon as another process appends to it, so that its stream announces the event at once. A stored
   *  event that breaks the rules is not announced; `warn` says so, once per meeting and seq. Returns a
   *  function that stops following. */
  followNotices(warn: (message: string) => void = (m) => process.stderr.write(m + '\n')): () => void {
    const notices = this.store.notices;
    if (!notices) return () => {};
    const warned = new Set<string>();
    const catchUp = (id: string, step: (m: LiveMeeting) => Promise<void>) => {
      const live = this.live.get(id);
      if (!live) return; // not open here: it is read, and checked, when first asked for
      live.then(step).catch((e: unknown) => {
        const message = `veche: ${(e as Error).message}`;
        if (!warned.has(message)) { warned.add(message); warn(message); }
      });
    };
    return notices.follow(
      (id, seq) => catchUp(id, (m) => m.noticed(seq)),
      () => { for (const id of this.live.keys()) catchUp(id, (m) => m.refresh()); },
    );
  }

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
  async createMeeting(input: { id: string; title: string; body: string; chair: string; secretaries: string[]; tellers?: string[]; threshold?: number }): Promise<LiveMeeting> {
    const body = await this.body(input.body);
    const carried = await this.standingProxies(body);
    const tellers = input.tellers ?? [];
    const payload: MeetingPayload = { id: input.id, title: input.title, body, chair: input.chair, secretaries: input.secretaries, proxies: [], tellers, threshold: input.threshold ?? (tellers.length === 0 ? 0 : Math.floor(tellers.length / 2) + 1) };
    for (const c of carried) {
      try { validateMeeting({ ...payload, proxies: [...payload.proxies, c] }); payload.proxies.push(c); } catch { /* no longer allowed: dropped */ }
    }
    const m = LiveMeeting.create(this.store, payload).then((x) => x.useElections(this.elections));
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
      m = LiveMeeting.load(this.store, id, this.elections);
      this.live.set(id, m);
      m.catch(() => this.live.delete(id));
    }
    return m.then(async (x) => { await x.refresh(); return x; });
  }
}
