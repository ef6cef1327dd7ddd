// The bulletin board: decides what may be appended, in which phase, and appends it to a store.
// Every submission is checked completely before it is written; a rejected one changes nothing.
import { baseMul, decodePublicKey, decodeScalar, encodePoint, encodeScalar, randomScalar, type Point, type Scalar } from '../crypto/group.js';
import { checkBallot, type BallotPublicContext } from '../ballot/check.js';
import { scheduleProblem } from '../manifest/schedule.js';
import { BallotError, type BallotJson } from '../ballot/types.js';
import { checkThread } from './check-thread.js';
import { selectionGroups } from '../manifest/layout.js';
import { validateManifest } from '../manifest/validate.js';
import type { Manifest, SelectionGroup } from '../manifest/types.js';
import { countResults } from '../tally/rules.js';
import { tieSeed } from '../tally/tie-break.js'; // tieBreak (spec §12.1)
import { addToSums, emptySums } from '../tally/tally.js';
import { checkDecryptionShare, combineShares, decodeSums, encodeSums } from '../tally/decrypt.js';
import { applyCeremonyEvent, checkCeremonyEvent, dueJointKey, isCeremonyEvent, newCeremonyState, type CeremonyEvent, type CeremonyState } from '../keyceremony/ceremony.js';
import { checkCredentialList, checkRevocation } from '../credentials/authority.js';
import { applyCredentialsAdded, checkCredentialsAdded } from '../credentials/additions.js';
import { checkPayloadSignature } from '../record/signature.js';
import { decodeCiphertext } from '../crypto/elgamal.js';
import { encodeEvent, makeEvent, type BoardEvent, type CredentialsAddedPayload, type CredentialsPayload, type DecryptionSharePayload, type EventType, type PayloadByType, type RevocationPayload, type TallyPayload } from '../record/events.js';
import { signReceipt, type Receipt } from './receipt.js';
// ranked (spec §20) -->
import { rankedSlots, type RankedSlot } from '../ballot/ranked.js';
import { addMix, addMixDecryption, checkMix, checkMixDecryption, countedRows, inputJson, newRankedProgress, nextMixInput, packBallotRows, rankedOutcome, type RankedEnv, type RankedProgress } from '../ranked/record.js';
import type { PackedRows } from '../ranked/packed.js';
import type { CiphertextJson } from '../crypto/elgamal.js';
import type { MixDecryptionPayload, MixPayload, RankedResultPayload } from '../record/events.js';
// <-- ranked
import { DuplicateBallot, SequenceConflict, type BoardStore } from './store.js';

export type Phase = 'setup' | 'open' | 'closed' | 'tallied' | 'decrypted';

/** Sums counted ballots elsewhere (the job queue, src/verify/queue/board-tally.ts): record lines with
 *  their credentials' weights in, the sums as on the record out. */
export type TallySummer = (ballots: AsyncIterable<{ line: string; weight: number }>, ctx: BallotPublicContext, progress?: (done: number, total: number) => void) => Promise<CiphertextJson[][]>;

export class BoardError extends Error {
  override name = 'BoardError';
  /** code: a stable machine-readable reason (also the HTTP layer's error code). */
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** What the board needs to know to judge the next submission, rebuilt from its events. */
export interface BoardState {
  manifest: Manifest;
  electionHash: string;
  boardKey: string;
  groups: SelectionGroup[];
  phase: Phase;
  headSeq: number;
  headHash: string;
  headTime: string;
  /** The key ceremony so far (src/keyceremony/ceremony.ts). */
  ceremony: CeremonyState;
  jointKey: Point | null;
  credentials: Map<string, number> | null;
  eligibleWeight: number;
  revoked: Set<string>;
  /** Revoked credentials that a credentials-added event replaced (spec §6.4). */
  replaced: Set<string>;
  ballots: number;
  /** Each credential's last ballot so far (superseded ones are marked on the board page, spec §10). */
  lastBallot: Map<string, { seq: number; time: string }>;
  tally: TallyPayload | null;
  decryptionShares: DecryptionSharePayload[];
  // ranked (spec §20) -->
  rankedSlots: RankedSlot[];
  ranked: RankedProgress;
  // <-- ranked
}

/** Applies an already-accepted event to the state (no proof checks: the board checked it on the way in). */
function apply(state: BoardState, e: BoardEvent): void {
  // A concurrent refresh and append can both see the same event; apply each one once.
  if (e.seq <= state.headSeq) return;
  state.headSeq = e.seq;
  state.headHash = e.hash;
  state.headTime = e.time;
  if (isCeremonyEvent(e.type)) {
    applyCeremonyEvent(state.ceremony, state.electionHash, e.type, e.payload);
    state.jointKey = state.ceremony.jointKey;
    return;
  }
  switch (e.type) {
    case 'credentials': {
      const p = e.payload as CredentialsPayload;
      state.credentials = new Map(p.credentials.map((c) => [c.key, c.weight]));
      state.eligibleWeight = p.totalWeight;
      break;
    }
    case 'credential-revoked': state.revoked.add((e.payload as PayloadByType['credential-revoked']).key); break;
    case 'credentials-added': state.eligibleWeight += applyCredentialsAdded(e.payload as CredentialsAddedPayload, state.credentials!, state.replaced); break;
    case 'poll-opened': state.phase = 'open'; break;
    case 'ballot':
      state.ballots++;
      state.lastBallot.set((e.payload as PayloadByType['ballot']).credential, { seq: e.seq, time: e.time });
      break;
    case 'poll-closed': state.phase = 'closed'; break;
    case 'tally': state.tally = e.payload as TallyPayload; state.phase = 'tallied'; break;
    case 'decryption-share': state.decryptionShares.push(e.payload as DecryptionSharePayload); break;
    case 'result': state.phase = 'decrypted'; break;
    // ranked (spec §20) -->
    case 'mix': addMix(state.ranked, state.rankedSlots, e.payload as MixPayload); break;
    case 'mix-decryption': addMixDecryption(state.ranked, state.rankedSlots, e.payload as MixDecryptionPayload); break;
    case 'ranked-result': state.ranked.result = e.payload as RankedResultPayload; break;
    // <-- ranked
    case 'election': break;
  }
}

function initialState(genesis: BoardEvent): BoardState {
  if (genesis.type !== 'election') throw new Error('board: first event is not an election');
  const { manifest, boardKey } = genesis.payload as PayloadByType['election'];
  return {
    manifest, electionHash: genesis.hash, boardKey, groups: selectionGroups(manifest), phase: 'setup',
    headSeq: genesis.seq, headHash: genesis.hash, headTime: genesis.time, ceremony: newCeremonyState(),
    jointKey: null, credentials: null, eligibleWeight: 0, revoked: new Set(), replaced: new Set(), ballots: 0, lastBallot: new Map(), tally: null, decryptionShares: [],
    rankedSlots: rankedSlots(manifest), ranked: newRankedProgress(), // ranked
  };
}

// Keyed by the public key too: if two processes race to create one election, each writes its own
// secret, and the one whose genesis event won is the one later found.
const BOARD_KEY_SETTING = (election: string, boardKey: string) => `board-secret:${election}:${boardKey}`;

/** Tries of an append before a board waits for the store's cross-process lock (see exclusive()). */
const UNLOCKED_TRIES = 3;

/** Submissions run in one group-commit session at most (see runSessions()). */
const SESSION_BATCH = 512;

/** A submission waiting for a group-commit session: its work, the tracking code of its ballot if any. */
interface SessionTask {
  run: () => Promise<unknown>;
  code?: string;
  tries: number;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class Board {
  private queue: Promise<unknown> = Promise.resolve();
  // Group commit (stores with groupCommit): submissions waiting for the next session, and the tracking
  // codes already on the board among those of the running session.
  private sessionQueue: SessionTask[] = [];
  private sessionRunning = false;
  private sessionCodes: Set<string> | null = null;
  // While this process holds the election's lock, no new proof or signature check starts in this thread:
  // the session's round trips are answered at once, so the lock is held for them alone, and the checks
  // run while another process holds it.
  private holdingLock: Promise<void> | null = null;
  // Checks waiting for their turn (checksAllowed()), and whether the next turn is scheduled.
  private checkTurns: (() => void)[] = [];
  private checkTurnDue = false;

  // Two states under group commit: `state`, where a session checks and chains its submissions, and
  // `shown` (board.current), the committed events alone. A session's events reach `shown` only after the
  // store committed them, so no reader (the public head, the ballot count, a page's "has the record
  // moved?") ever sees an event that a failed commit then takes back. Without group commit they are one.
  private state: BoardState;
  private shown: BoardState;
  private sessionOpen = false;
  /** Events applied to `state` in the open session, in order: published to `shown` after the commit. */
  private sessionEvents: BoardEvent[] = [];

  private constructor(readonly store: BoardStore, readonly electionId: string, genesis: BoardEvent, private readonly boardSecret: Scalar) {
    this.state = initialState(genesis);
    this.shown = store.groupCommit ? initialState(genesis) : this.state;
  }

  /** Creates a new election on the board from a manifest (validated here). */
  static async create(store: BoardStore, manifestInput: unknown, time?: string): Promise<Board> {
    const manifest = validateManifest(manifestInput);
    if (await store.head(manifest.id)) throw new BoardError('exists', `an election with id "${manifest.id}" already exists`);
    const secret = randomScalar();
    const boardKey = encodePoint(baseMul(secret));
    await store.setSetting(BOARD_KEY_SETTING(manifest.id, boardKey), encodeScalar(secret));
    const genesis = makeEvent(0, '0'.repeat(64), 'election', { manifest, boardKey }, time);
    try {
      await store.append(manifest.id, genesis);
    } catch (e) {
      if (e instanceof SequenceConflict) throw new BoardError('exists', `an election with id "${manifest.id}" already exists`);
      throw e;
    }
    return new Board(store, manifest.id, genesis, secret);
  }

  static async load(store: BoardStore, electionId: string): Promise<Board> {
    const [genesis] = await store.events(electionId, { limit: 1 });
    if (!genesis) throw new BoardError('unknown-election', `no election "${electionId}" on this board`);
    const secretText = await store.getSetting(BOARD_KEY_SETTING(electionId, (genesis.payload as PayloadByType['election']).boardKey));
    if (!secretText) throw new BoardError('no-board-key', 'the board signing key of this election is missing');
    const board = new Board(store, electionId, genesis, decodeScalar(secretText));
    await board.refresh();
    return board;
  }

  /** The state of the committed record (under group commit, without the open session's events). */
  get current(): Readonly<BoardState> {
    return this.shown;
  }

  /** Applies an event to the working state; outside a session it is committed, and shown at once. */
  private applyWorking(e: BoardEvent): void {
    // Only the next event: a refresh that read before a reload() rebuilt the state skips, the next reads on.
    if (e.seq !== this.state.headSeq + 1) return;
    apply(this.state, e);
    if (this.shown === this.state) return;
    if (this.sessionOpen) this.sessionEvents.push(e);
    else this.publish([e]);
  }

  /** Committed events onto `shown`, which is never ahead of `state` and never skips an event. */
  private publish(events: BoardEvent[]): void {
    for (const e of events) {
      if (e.seq <= this.shown.headSeq) continue;
      if (e.seq !== this.shown.headSeq + 1) throw new Error(`board: event ${e.seq} published after ${this.shown.headSeq}`);
      apply(this.shown, e);
    }
  }

  /** Catches up with events appended by other processes sharing the store. */
  async refresh(): Promise<void> {
    for (;;) {
      // stateOnly: only apply() reads them (a store may send a ballot's credential without its proofs).
      const batch = await this.store.events(this.electionId, { fromSeq: this.state.headSeq + 1, limit: 5000, stateOnly: true });
      for (const e of batch) this.applyWorking(e);
      if (batch.length < 5000) return;
    }
  }

  /** Runs `f` alone in this process; on a conflict with another process, catches up and tries again. */
  private exclusive<T>(f: () => Promise<T>, trackingCode?: string): Promise<T> {
    if (this.store.groupCommit && this.store.exclusive) {
      return new Promise<T>((resolve, reject) => {
        this.sessionQueue.push({ run: f, ...(trackingCode !== undefined ? { code: trackingCode } : {}), tries: 0, resolve: resolve as (v: unknown) => void, reject });
        if (!this.sessionRunning) void this.runSessions();
      });
    }
    // A conflict means another process appended first: catch up and try again. A store shared by
    // processes may offer a cross-process lock; after a few lost races the board retries under it, so
    // that a busy process cannot make the others lose every race. Not sooner: holding a lock across
    // the round trips of catching up and appending, while the event loop also checks proofs, costs
    // more than an occasional lost race (bench/load.ts --servers 2, bench/pg-append.ts).
    const locked = this.store.exclusive
      ? () => this.store.exclusive!(this.electionId, async () => { await this.refresh(); return f(); })
      : f;
    const run = async (): Promise<T> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await (attempt < UNLOCKED_TRIES ? f() : locked());
        } catch (e) {
          if (!(e instanceof SequenceConflict) || attempt >= 50) throw e;
          await this.refresh();
        }
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Group commit: the submissions waiting in this process run one after another in one session of the
   * store (one transaction holding the election's lock across processes): the board catches up with
   * what others committed, each submission is checked against the state the ones before it left and
   * chained, and the store writes and commits them together when the session ends. Only then does each
   * caller get its answer (a receipt is never handed out for an uncommitted ballot). A session that
   * fails wrote nothing: the state is rebuilt from the store and its submissions run again once.
   */
  private async runSessions(): Promise<void> {
    this.sessionRunning = true;
    try {
      while (this.sessionQueue.length > 0) {
        const batch = this.sessionQueue.splice(0, SESSION_BATCH);
        const outcomes: { ok: boolean; value: unknown }[] = [];
        // The tracking codes already on the board when the session began (a ballot of those is a duplicate).
        let before = new Set<string>();
        try {
          const codes = batch.flatMap((t) => (t.code !== undefined ? [t.code] : []));
          let released = () => {};
          try {
            await this.store.exclusive!(this.electionId, async (session) => {
              this.sessionOpen = true;
              this.sessionEvents = [];
              // Checks pause while the lock is ours and another process waits for it, so that the lock is
              // held for the round trips alone; not while it is awaited (a waiting process keeps checking
              // what will fill its next batch), nor when nobody waits (a lone process keeps its core busy).
              if (session?.othersWaiting) this.holdingLock = new Promise<void>((resolve) => { released = resolve; });
              await this.refresh();
              this.sessionCodes = await this.store.knownTrackingCodes?.(this.electionId, codes) ?? new Set();
              before = new Set(this.sessionCodes);
              for (const t of batch) {
                try { outcomes.push({ ok: true, value: await t.run() }); } catch (err) { outcomes.push({ ok: false, value: err }); }
              }
            }, { after: this.state.headSeq, codes }).finally(() => { this.holdingLock = null; released(); });
          } finally {
            this.sessionOpen = false;
          }
          // Committed: now readers may see the session's events (before any caller has its answer).
          const committed = this.sessionEvents;
          this.sessionEvents = [];
          this.publish(committed);
        } catch (err) {
          this.sessionEvents = [];
          this.sessionCodes = null;
          try { await this.reload(); } catch { /* the next session tries again */ }
          // A commit may land though the store reports a failure (the writer thread's or the database's
          // answer lost after its COMMIT): a ballot this session chained that is on the board now gets its
          // event, so its receipt, instead of a retry that would call it a duplicate.
          const landed = await this.landedBallots(batch.filter((t, k) => outcomes[k]?.ok && t.code !== undefined && !before.has(t.code))).catch(() => new Map<SessionTask, BoardEvent>());
          const again = batch.filter((t) => !landed.has(t) && t.tries++ < 1);
          for (const t of batch) {
            if (landed.has(t)) t.resolve(landed.get(t));
            else if (!again.includes(t)) t.reject(err);
          }
          this.sessionQueue.unshift(...again);
          continue;
        }
        this.sessionCodes = null;
        batch.forEach((t, k) => (outcomes[k]!.ok ? t.resolve(outcomes[k]!.value) : t.reject(outcomes[k]!.value)));
      }
    } finally {
      this.sessionRunning = false;
    }
  }

  /** Of these ballot submissions, the ones whose ballot is on the board (committed), with its event. */
  private async landedBallots(tasks: SessionTask[]): Promise<Map<SessionTask, BoardEvent>> {
    const landed = new Map<SessionTask, BoardEvent>();
    for (const t of tasks) {
      const ref = await this.store.findBallot(this.electionId, t.code!);
      const [e] = ref ? await this.store.events(this.electionId, { fromSeq: ref.seq, limit: 1 }) : [];
      if (e && e.hash === ref!.hash) landed.set(t, e);
    }
    return landed;
  }

  /**
   * Waits for this check's turn: one expensive (synchronous) check per turn of the event loop, and none
   * while this process holds the election's lock (group commit). Without turns, the checks released
   * together would run back to back in one microtask drain, and the answer granting the lock would wait
   * behind all of them (a lock held for their sum, across every process).
   */
  private checksAllowed(): Promise<void> {
    return new Promise<void>((resolve) => { this.checkTurns.push(resolve); this.nextCheckTurn(); });
  }

  private nextCheckTurn(): void {
    if (this.checkTurnDue || this.checkTurns.length === 0) return;
    this.checkTurnDue = true;
    setImmediate(() => {
      this.checkTurnDue = false;
      if (this.holdingLock) { void this.holdingLock.then(() => this.nextCheckTurn()); return; }
      this.checkTurns.shift()!();
      this.nextCheckTurn();
    });
  }

  /** Rebuilds the state from the store (after a group-commit session that wrote nothing). */
  private async reload(): Promise<void> {
    const [genesis] = await this.store.events(this.electionId, { limit: 1 });
    if (!genesis) throw new BoardError('unknown-election', `no election "${this.electionId}" on this board`);
    const one = this.shown === this.state;
    this.state = initialState(genesis);
    if (one) this.shown = this.state;
    await this.refresh(); // onto `shown` too, from where it stood (it holds committed events only)
  }

  private async append<T extends EventType>(type: T, payload: PayloadByType[T], trackingCode?: string): Promise<BoardEvent<T>> {
    // In a group-commit session, a ballot already on the board is refused before it is chained.
    if (trackingCode !== undefined && this.sessionCodes?.has(trackingCode)) throw new DuplicateBallot('this ballot is already on the board');
    // Event times never go backwards, even if the clock does (the verifier checks this).
    const now = new Date().toISOString();
    // Event times are the 24-character form (years 0000-9999, spec §9.1); the board writes no other.
    if (now.length !== 24) throw new BoardError('clock', 'the clock reads a time outside the years 0000-9999; refusing to append');
    const time = now > this.state.headTime ? now : this.state.headTime;
    // The schedule, checked on the time the event will carry, by the verifier's own rule (spec §5.1): no
    // opening before `opens` or after `closes`, no ballot at or after `closes` (even before the close is on
    // the board), no early close unless allowed.
    const late = scheduleProblem(this.state.manifest, type, time);
    if (late) throw new BoardError('schedule', late);
    const e = makeEvent(this.state.headSeq + 1, this.state.headHash, type, payload, time);
    await this.store.append(this.electionId, e, trackingCode);
    if (trackingCode !== undefined) this.sessionCodes?.add(trackingCode);
    this.applyWorking(e);
    return e;
  }

  private requirePhase(...phases: Phase[]): void {
    if (!phases.includes(this.state.phase)) {
      const why: Record<Phase, string> = { setup: 'the poll is not open yet', open: 'the poll is open', closed: 'the poll is closed', tallied: 'the tally is done', decrypted: 'the result is published' };
      throw new BoardError('wrong-phase', `not allowed now: ${why[this.state.phase]}`);
    }
  }

  private trusteeIndex(id: unknown): number {
    const i = this.state.manifest.trustees.findIndex((t) => t.id === id);
    if (i < 0) throw new BoardError('unknown-trustee', `no trustee "${String(id)}" in this election`);
    return i + 1;
  }

  // ---- key ceremony -------------------------------------------------------------------------------

  /** A trustee's signed contribution to the key ceremony, checked by the same rules as the verifier's.
   *  After the last trustee-ready (and no complaint) the board appends the joint key at once. */
  submitCeremonyEvent(type: Exclude<CeremonyEvent, 'joint-key'>, payload: unknown): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('setup');
      if (!isCeremonyEvent(type) || type === ('joint-key' as string)) throw new BoardError('malformed', `not a trustee event: ${String(type)}`);
      const st = this.state;
      const bad = checkCeremonyEvent(st.ceremony, st.electionHash, st.manifest, type, payload);
      if (bad) throw new BoardError(bad.code, bad.message);
      const e = await this.append(type, payload as PayloadByType[typeof type]);
      const joint = dueJointKey(st.ceremony, st.manifest);
      if (joint !== null) {
        const jointBad = checkCeremonyEvent(st.ceremony, st.electionHash, st.manifest, 'joint-key', { publicKey: joint });
        if (jointBad) throw new Error(`internal: ${jointBad.message}`);
        await this.append('joint-key', { publicKey: joint });
      }
      return e;
    });
  }

  submitTrusteeCommitment(payload: PayloadByType['trustee-commitment']): Promise<BoardEvent> { return this.submitCeremonyEvent('trustee-commitment', payload); }
  submitTrusteeKey(payload: PayloadByType['trustee-key']): Promise<BoardEvent> { return this.submitCeremonyEvent('trustee-key', payload); }
  submitTrusteeShares(payload: PayloadByType['trustee-shares']): Promise<BoardEvent> { return this.submitCeremonyEvent('trustee-shares', payload); }
  submitTrusteeComplaint(payload: PayloadByType['trustee-complaint']): Promise<BoardEvent> { return this.submitCeremonyEvent('trustee-complaint', payload); }
  submitTrusteeReady(payload: PayloadByType['trustee-ready']): Promise<BoardEvent> { return this.submitCeremonyEvent('trustee-ready', payload); }

  // ---- credentials and poll ------------------------------------------------------------------------

  /** The public credential list, signed by the credential authority named in the manifest. */
  submitCredentials(payload: CredentialsPayload): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('setup');
      if (this.state.credentials) throw new BoardError('duplicate', 'the credential list is already published and cannot change');
      const bad = checkCredentialList(this.state.electionHash, this.state.manifest, payload);
      if (bad) throw new BoardError(bad.check === 'credentials.signature' ? 'bad-signature' : 'malformed', `credentials: ${bad.message}`);
      return this.append('credentials', payload);
    });
  }

  /** A revocation, signed by the credential authority: neither the admin nor the board can revoke alone.
   *  `unlessVoted`: refused 'already-voted' if the credential has cast a ballot, checked in the same
   *  exclusive section as the append, so no ballot lands between the check and the revocation. */
  async revokeCredential(payload: RevocationPayload, opts: { unlessVoted?: boolean } = {}): Promise<BoardEvent> {
    // Another process sharing the store may have published the list since this board last looked.
    // Or added the credential since (spec §6.4): a key this board does not know is looked up again.
    if (!this.state.credentials || !this.state.credentials.has(payload?.key)) await this.exclusive(() => this.refresh());
    // The signature is checked before taking the lock (it needs no state but the list, which only grows);
    // inside, what another process may have changed since: the phase, and the key revoked meanwhile.
    await this.checksAllowed();
    const st = this.state;
    if (!st.credentials) throw new BoardError('unknown-credential', 'no credential list yet');
    const bad = checkRevocation(st.electionHash, st.manifest, payload, (k) => st.credentials!.has(k), (k) => st.revoked.has(k));
    if (bad) throw new BoardError(bad.code, bad.message);
    return this.exclusive(async () => {
      this.requirePhase('setup', 'open');
      if (this.state.revoked.has(payload.key)) throw new BoardError('duplicate', 'credential already revoked');
      if (opts.unlessVoted && this.state.lastBallot.has(payload.key)) throw new BoardError('already-voted', 'this credential has cast a ballot: it is not revoked');
      return this.append('credential-revoked', payload);
    });
  }

  // -- credentials added after the list (spec §6.4), signed by the credential authority
  /** A late voter, or a new credential for a revoked one: setup or open, after the list. Checked (with
   *  its signature) inside the lock, since it depends on every key listed or revoked so far. */
  addCredentials(payload: CredentialsAddedPayload): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('setup', 'open');
      const st = this.state;
      if (!st.credentials) throw new BoardError('wrong-phase', 'no credential list yet: publish the list first');
      const bad = checkCredentialsAdded(st.electionHash, st.manifest, payload, {
        weight: (k) => st.credentials!.get(k), revoked: (k) => st.revoked.has(k), replaced: (k) => st.replaced.has(k), eligibleWeight: st.eligibleWeight,
      });
      if (bad) throw new BoardError(bad.code, `credentials added: ${bad.message}`);
      return this.append('credentials-added', payload);
    });
  }
  // -- end credentials added

  openPoll(): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('setup');
      if (!this.state.jointKey) throw new BoardError('wrong-phase', 'the key ceremony is not finished');
      if (!this.state.credentials) throw new BoardError('wrong-phase', 'no credentials published');
      return this.append('poll-opened', {});
    });
  }

  closePoll(): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('open');
      return this.append('poll-closed', {});
    });
  }

  // ---- ballots -------------------------------------------------------------------------------------

  /** Checks a ballot completely, appends it, and returns the signed receipt. Every refusal is a rejected
   *  promise (async: nothing throws synchronously at a caller that chains .then/.catch). */
  async castBallot(input: unknown): Promise<{ receipt: Receipt; event: BoardEvent }> {
    // Another process sharing the store may have opened the poll since this board last looked.
    if (this.state.phase !== 'open') await this.exclusive(() => this.refresh());
    // The expensive proof checks run before taking the lock; phase and credential are re-checked inside.
    // check thread (issue 10 point 8) -->
    const thread = checkThread();
    if (thread) {
      const st = this.state;
      if (st.phase !== 'open') this.requirePhase('open');
      const r = await thread.check(input, { electionHash: st.electionHash, publicKey: encodePoint(st.jointKey!), groups: st.groups, ranked: st.rankedSlots });
      if (!r.ok) throw r.code !== null ? new BoardError(r.code, r.message) : new Error(r.message);
      return this.castChecked(r);
    }
    // <-- check thread
    await this.checksAllowed();
    const checked = (() => {
      const st = this.state;
      if (st.phase !== 'open') this.requirePhase('open');
      try {
        return checkBallot(input, { electionHash: st.electionHash, publicKey: st.jointKey!, groups: st.groups, ranked: st.rankedSlots }); // ranked: st.rankedSlots
      } catch (e) {
        if (e instanceof BallotError) throw new BoardError(e.code, e.message);
        throw e;
      }
    })();
    return this.castChecked(checked);
  }

  /** Appends a checked ballot (in the session: phase and credential checked again) and signs its receipt. */
  private async castChecked(checked: { ballot: BallotJson; trackingCode: string; credential: string }): Promise<{ receipt: Receipt; event: BoardEvent }> {
    const e = await this.exclusive(async () => {
      this.requirePhase('open');
      if (!this.state.credentials!.has(checked.credential)) throw new BoardError('unknown-credential', 'this credential is not on the list of voters');
      if (this.state.revoked.has(checked.credential)) throw new BoardError('revoked-credential', 'this credential was revoked');
      try {
        return await this.append('ballot', checked.ballot, checked.trackingCode);
      } catch (err) {
        if (err instanceof DuplicateBallot) throw new BoardError('duplicate', 'this ballot is already on the board');
        throw err;
      }
    }, checked.trackingCode);
    // Signed once the event is stored (committed, in group commit), outside the lock: it needs no state.
    const receipt = signReceipt(this.boardSecret, decodePublicKey(this.state.boardKey), { election: this.state.electionHash, trackingCode: checked.trackingCode, seq: e.seq, hash: e.hash });
    return { receipt, event: e };
  }

  // ---- tally and result ----------------------------------------------------------------------------

  /** Sums the last ballot of every unrevoked credential, streaming the ballots from the store; with a
   *  summer (the job queue, src/verify/queue/board-tally.ts), the sums are made there instead. */
  computeTally(progress?: (done: number, total: number) => void, summer?: TallySummer): Promise<BoardEvent> {
    // tally on the queue (issue 10 point 7) -->
    // Ranked questions' answers are not summed by the jobs' shape check: such elections sum here.
    if (summer && this.state.rankedSlots.length === 0) return this.computeTallyWith(summer, progress);
    // <-- tally on the queue
    return this.exclusive(async () => {
      this.requirePhase('closed');
      const st = this.state;
      // Two streamed passes, so a large board is never held in memory: first which ballot of each
      // credential is the last, then the weighted sum of those.
      const countedSeqs = await this.countedSeqs();
      const sums = emptySums(st.groups);
      let counted = 0;
      let castWeight = 0;
      for await (const e of this.ballotEvents()) {
        if (!countedSeqs.has(e.seq)) continue;
        const ballot = e.payload as PayloadByType['ballot'];
        const weight = st.credentials!.get(ballot.credential)!;
        addToSums(sums, ballot.answers.map((a) => a.ct.map((c) => decodeCiphertext(c))), weight);
        counted++;
        castWeight += weight;
        progress?.(counted, countedSeqs.size);
      }
      return this.append('tally', { ballots: counted, castWeight, eligibleWeight: st.eligibleWeight, sums: encodeSums(sums) });
    });
  }

  /** The sequence numbers of the ballots the tally counts: each credential's last, revoked ones left out. */
  private async countedSeqs(): Promise<Set<number>> {
    const last = new Map<string, number>();
    for await (const b of this.ballotEvents()) last.set((b.payload as { credential: string }).credential, b.seq);
    for (const credential of this.state.revoked) last.delete(credential);
    return new Set(last.values());
  }

  // tally on the queue (issue 10 point 7) -->
  /** The tally with its sums made by `summer`. Once the poll is closed the ballots cannot change, so the
   *  sums (minutes on a large board) are made without holding the election's lock, and the tally is
   *  appended under it if the board is still closed (another process may have tallied meanwhile). */
  private async computeTallyWith(summer: TallySummer, progress?: (done: number, total: number) => void): Promise<BoardEvent> {
    await this.exclusive(async () => { await this.refresh(); this.requirePhase('closed'); });
    const st = this.state;
    const countedSeqs = await this.countedSeqs();
    let counted = 0;
    let castWeight = 0;
    const ballots = async function* (board: Board): AsyncGenerator<{ line: string; weight: number }> {
      for await (const e of board.ballotEvents()) {
        if (!countedSeqs.has(e.seq)) continue;
        const weight = st.credentials!.get((e.payload as PayloadByType['ballot']).credential)!;
        counted++;
        castWeight += weight;
        yield { line: encodeEvent(e), weight };
      }
    };
    const sums = await summer(ballots(this), { electionHash: st.electionHash, publicKey: encodePoint(st.jointKey!), groups: st.groups }, progress);
    // The summer's answer is checked for shape and points before it goes on the board.
    const decoded = decodeSums(sums);
    if (decoded.length !== st.groups.length || decoded.some((row, g) => row.length !== st.groups[g]!.optionIds.length)) throw new Error('tally: the summer returned sums of the wrong shape');
    return this.exclusive(async () => {
      this.requirePhase('closed');
      return this.append('tally', { ballots: counted, castWeight, eligibleWeight: this.state.eligibleWeight, sums: encodeSums(decoded) });
    });
  }
  // <-- tally on the queue

  submitDecryptionShare(payload: DecryptionSharePayload): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('tallied');
      const index = this.trusteeIndex(payload?.trustee);
      if (payload.index !== index) throw new BoardError('malformed', `trustee ${payload.trustee} has index ${index}`);
      if (this.state.decryptionShares.some((s) => s.trustee === payload.trustee)) throw new BoardError('duplicate', `trustee ${payload.trustee} already sent a decryption share`);
      if (Object.keys(payload).sort().join(',') !== 'index,shares,signature,trustee') throw new BoardError('malformed', 'expected exactly {trustee, index, shares, signature}');
      const unsigned = checkPayloadSignature(this.state.electionHash, this.state.manifest, { role: 'trustee', id: payload.trustee }, 'decryption-share', payload);
      if (unsigned) throw new BoardError('bad-signature', `decryption share of ${payload.trustee}: ${unsigned}`);
      const vk = this.state.ceremony.ready.get(payload.trustee)!;
      const problem = checkDecryptionShare(this.state.electionHash, vk, decodeSums(this.state.tally!.sums), payload);
      if (problem) throw new BoardError('bad-proof', `decryption share of ${payload.trustee}: ${problem}`);
      return this.append('decryption-share', payload);
    });
  }

  /** Combines the first `threshold` decryption shares and publishes counts and outcomes. */
  publishResult(): Promise<BoardEvent<'result'>> {
    return this.exclusive(async () => {
      this.requirePhase('tallied');
      const st = this.state;
      const t = st.manifest.threshold;
      if (st.decryptionShares.length < t) throw new BoardError('wrong-phase', `${t} decryption shares needed, ${st.decryptionShares.length} received`);
      if (st.rankedSlots.length > 0 && !st.ranked.result) throw new BoardError('wrong-phase', 'the ranked questions are not counted yet: mix, decrypt the mix, publish the ranked result first'); // ranked
      const used = st.decryptionShares.slice(0, t);
      const tally = st.tally!;
      const counts = combineShares(decodeSums(tally.sums), used, tally.castWeight);
      const results = countResults(st.manifest, counts, tally.castWeight, tally.eligibleWeight, st.manifest.tieBreak?.method === 'seed' ? tieSeed(st.electionHash, encodePoint(st.jointKey!)) : undefined); // tieBreak (spec §12.1)
      return this.append('result', { trustees: used.map((s) => s.trustee), counts, ballots: tally.ballots, castWeight: tally.castWeight, eligibleWeight: tally.eligibleWeight, results });
    });
  }

  // ---- ranked questions: mixes, their decryption, the count (spec §20) -->

  private rankedEnv(): RankedEnv {
    const st = this.state;
    if (!st.jointKey) throw new BoardError('wrong-phase', 'no joint key');
    return { electionHash: st.electionHash, manifest: st.manifest, jointKey: st.jointKey, slots: st.rankedSlots };
  }

  /** The counted ballots' ranked rows per question (spec §20.1), streamed from the store; of each
   *  credential's last ballot its packed rows alone are held, not the event. */
  private async countedRankedRows(): Promise<PackedRows[]> {
    const st = this.state;
    const last = new Map<string, { seq: number; rows: Uint8Array }>();
    for await (const b of this.ballotEvents()) {
      const p = b.payload as PayloadByType['ballot'];
      last.set(p.credential, { seq: b.seq, rows: packBallotRows(st.rankedSlots, p.ranked!.map((r) => r.ct)) });
    }
    for (const credential of st.revoked) last.delete(credential);
    return countedRows(st.rankedSlots, [...last.entries()].map(([credential, x]) => ({ seq: x.seq, weight: st.credentials!.get(credential)!, rows: x.rows })));
  }

  /** The next mix's input (packed): the counted rows, or the last mix's output. */
  private async mixInput(): Promise<PackedRows[]> {
    const counted = this.state.ranked.lastRows ? null : await this.countedRankedRows();
    return nextMixInput(() => counted!, this.state.ranked);
  }

  /** What the next mixer shuffles, as the record writes rows. */
  async nextMixInput(): Promise<CiphertextJson[][][]> {
    return inputJson(await this.mixInput());
  }

  /** A trustee's signed shuffle of the next mix input, with its proofs (spec §20.3). */
  submitMix(payload: unknown): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('closed', 'tallied');
      const bad = checkMix(this.rankedEnv(), this.state.ranked, await this.mixInput(), payload);
      if (bad) throw new BoardError(bad.code, bad.message);
      return this.append('mix', payload as MixPayload);
    });
  }

  /** A trustee's signed decryption share of the last mix (spec §20.4). */
  submitMixDecryption(payload: unknown): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('closed', 'tallied');
      const trustee = (payload as { trustee?: unknown } | null)?.trustee;
      const vk = typeof trustee === 'string' ? this.state.ceremony.ready.get(trustee) : undefined;
      const bad = checkMixDecryption(this.rankedEnv(), this.state.ranked, vk, payload);
      if (bad) throw new BoardError(bad.code, bad.message);
      return this.append('mix-decryption', payload as MixDecryptionPayload);
    });
  }

  /** Decrypts the last mix with the first `threshold` shares, decodes and counts (spec §20.5). */
  publishRankedResult(): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('closed', 'tallied');
      if (this.state.ranked.result) throw new BoardError('duplicate', 'the ranked result is already published');
      let outcome: RankedResultPayload;
      try { outcome = rankedOutcome(this.rankedEnv(), this.state.ranked); } catch (e) { throw new BoardError('wrong-phase', (e as Error).message); }
      return this.append('ranked-result', outcome);
    });
  }
  // <-- ranked

  private async *ballotEvents(pageSize = 2000): AsyncGenerator<BoardEvent> {
    for (let from = 0; ;) {
      const page = await this.store.events(this.electionId, { fromSeq: from, types: ['ballot'], limit: pageSize });
      yield* page;
      if (page.length < pageSize) return;
      from = page[page.length - 1]!.seq + 1;
    }
  }

  /** The whole record, in order, in pages (so a large board is never held in memory at once). */
  async *record(pageSize = 2000): AsyncGenerator<BoardEvent> {
    for (let from = 0; ; from += pageSize) {
      const page = await this.store.events(this.electionId, { fromSeq: from, limit: pageSize });
      yield* page;
      if (page.length < pageSize) return;
    }
  }
}
