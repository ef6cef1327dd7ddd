// The bulletin board: decides what may be appended, in which phase, and appends it to a store.
// Every submission is checked completely before it is written; a rejected one changes nothing.
import { baseMul, decodePublicKey, decodeScalar, encodePoint, encodeScalar, randomScalar, type Point, type Scalar } from '../crypto/group.js';
import { checkBallot } from '../ballot/validate.js';
import { BallotError } from '../ballot/types.js';
import { selectionGroups } from '../manifest/layout.js';
import { validateManifest } from '../manifest/validate.js';
import type { Manifest, SelectionGroup } from '../manifest/types.js';
import { countResults } from '../tally/rules.js';
import { addToSums, emptySums } from '../tally/tally.js';
import { checkDecryptionShare, combineShares, decodeSums, encodeSums } from '../tally/decrypt.js';
import { checkTrusteeKey, jointPublicKey, readyContext, TAG_READY } from '../keyceremony/trustee.js';
import { verificationKey } from '../crypto/threshold.js';
import { decodeSchnorr, verifySchnorr } from '../crypto/proofs/schnorr.js';
import { decodeCiphertext } from '../crypto/elgamal.js';
import { makeEvent, MAX_CREDENTIAL_WEIGHT, MAX_REASON_LENGTH, MAX_TOTAL_WEIGHT, type BoardEvent, type CredentialEntry, type CredentialsPayload, type DecryptionSharePayload, type EventType, type PayloadByType, type TallyPayload, type TrusteeKeyPayload, type TrusteeSharesPayload } from '../record/events.js';
import { signReceipt, type Receipt } from './receipt.js';
import { DuplicateBallot, SequenceConflict, type BoardStore } from './store.js';

export type Phase = 'setup' | 'open' | 'closed' | 'tallied' | 'decrypted';

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
  trusteeKeys: Map<string, TrusteeKeyPayload>;
  trusteeShares: Map<string, TrusteeSharesPayload>;
  ready: Map<string, string>;
  jointKey: Point | null;
  credentials: Map<string, number> | null;
  eligibleWeight: number;
  revoked: Set<string>;
  ballots: number;
  tally: TallyPayload | null;
  decryptionShares: DecryptionSharePayload[];
}

/** Applies an already-accepted event to the state (no proof checks: the board checked it on the way in). */
function apply(state: BoardState, e: BoardEvent): void {
  // A concurrent refresh and append can both see the same event; apply each one once.
  if (e.seq <= state.headSeq) return;
  state.headSeq = e.seq;
  state.headHash = e.hash;
  state.headTime = e.time;
  switch (e.type) {
    case 'trustee-key': { const p = e.payload as TrusteeKeyPayload; state.trusteeKeys.set(p.trustee, p); break; }
    case 'trustee-shares': { const p = e.payload as TrusteeSharesPayload; state.trusteeShares.set(p.trustee, p); break; }
    case 'trustee-ready': { const p = e.payload as PayloadByType['trustee-ready']; state.ready.set(p.trustee, p.verificationKey); break; }
    case 'joint-key': state.jointKey = decodePublicKey((e.payload as PayloadByType['joint-key']).publicKey); break;
    case 'credentials': {
      const p = e.payload as CredentialsPayload;
      state.credentials = new Map(p.credentials.map((c) => [c.key, c.weight]));
      state.eligibleWeight = p.totalWeight;
      break;
    }
    case 'credential-revoked': state.revoked.add((e.payload as PayloadByType['credential-revoked']).key); break;
    case 'poll-opened': state.phase = 'open'; break;
    case 'ballot': state.ballots++; break;
    case 'poll-closed': state.phase = 'closed'; break;
    case 'tally': state.tally = e.payload as TallyPayload; state.phase = 'tallied'; break;
    case 'decryption-share': state.decryptionShares.push(e.payload as DecryptionSharePayload); break;
    case 'result': state.phase = 'decrypted'; break;
    case 'election': break;
  }
}

function initialState(genesis: BoardEvent): BoardState {
  if (genesis.type !== 'election') throw new Error('board: first event is not an election');
  const { manifest, boardKey } = genesis.payload as PayloadByType['election'];
  return {
    manifest, electionHash: genesis.hash, boardKey, groups: selectionGroups(manifest), phase: 'setup',
    headSeq: genesis.seq, headHash: genesis.hash, headTime: genesis.time, trusteeKeys: new Map(), trusteeShares: new Map(), ready: new Map(),
    jointKey: null, credentials: null, eligibleWeight: 0, revoked: new Set(), ballots: 0, tally: null, decryptionShares: [],
  };
}

// Keyed by the public key too: if two processes race to create one election, each writes its own
// secret, and the one whose genesis event won is the one later found.
const BOARD_KEY_SETTING = (election: string, boardKey: string) => `board-secret:${election}:${boardKey}`;

/** Tries of an append before a board waits for the store's cross-process lock (see exclusive()). */
const UNLOCKED_TRIES = 3;

export class Board {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly store: BoardStore, readonly electionId: string, private state: BoardState, private readonly boardSecret: Scalar) {}

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
    return new Board(store, manifest.id, initialState(genesis), secret);
  }

  static async load(store: BoardStore, electionId: string): Promise<Board> {
    const [genesis] = await store.events(electionId, { limit: 1 });
    if (!genesis) throw new BoardError('unknown-election', `no election "${electionId}" on this board`);
    const secretText = await store.getSetting(BOARD_KEY_SETTING(electionId, (genesis.payload as PayloadByType['election']).boardKey));
    if (!secretText) throw new BoardError('no-board-key', 'the board signing key of this election is missing');
    const board = new Board(store, electionId, initialState(genesis), decodeScalar(secretText));
    await board.refresh();
    return board;
  }

  get current(): Readonly<BoardState> {
    return this.state;
  }

  /** Catches up with events appended by other processes sharing the store. */
  async refresh(): Promise<void> {
    for (;;) {
      const batch = await this.store.events(this.electionId, { fromSeq: this.state.headSeq + 1, limit: 5000 });
      for (const e of batch) apply(this.state, e);
      if (batch.length < 5000) return;
    }
  }

  /** Runs `f` alone in this process; on a conflict with another process, catches up and tries again. */
  private exclusive<T>(f: () => Promise<T>): Promise<T> {
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

  private async append<T extends EventType>(type: T, payload: PayloadByType[T], trackingCode?: string): Promise<BoardEvent<T>> {
    // Event times never go backwards, even if the clock does (the verifier checks this).
    const now = new Date().toISOString();
    const e = makeEvent(this.state.headSeq + 1, this.state.headHash, type, payload, now > this.state.headTime ? now : this.state.headTime);
    await this.store.append(this.electionId, e, trackingCode);
    apply(this.state, e);
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

  submitTrusteeKey(payload: TrusteeKeyPayload): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('setup');
      const index = this.trusteeIndex(payload?.trustee);
      if (this.state.trusteeKeys.has(payload.trustee)) throw new BoardError('duplicate', `trustee ${payload.trustee} already published a key`);
      if (payload.index !== index) throw new BoardError('malformed', `trustee ${payload.trustee} has index ${index}`);
      const clean: TrusteeKeyPayload = { trustee: payload.trustee, index, commitments: payload.commitments, proofs: payload.proofs, encryptionKey: payload.encryptionKey, encryptionProof: payload.encryptionProof };
      const problem = checkTrusteeKey(this.state.electionHash, this.state.manifest.threshold, clean);
      if (problem) throw new BoardError('bad-proof', `trustee key of ${payload.trustee}: ${problem}`);
      return this.append('trustee-key', clean);
    });
  }

  submitTrusteeShares(payload: TrusteeSharesPayload): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('setup');
      this.trusteeIndex(payload?.trustee);
      const trustees = this.state.manifest.trustees;
      if (this.state.trusteeKeys.size !== trustees.length) throw new BoardError('wrong-phase', 'every trustee must publish a key before shares are exchanged');
      if (this.state.trusteeShares.has(payload.trustee)) throw new BoardError('duplicate', `trustee ${payload.trustee} already sent shares`);
      const others = trustees.map((t) => t.id).filter((id) => id !== payload.trustee).sort();
      const have = Object.keys(payload.shares ?? {}).sort();
      if (have.join('\n') !== others.join('\n')) throw new BoardError('malformed', `shares must be addressed to exactly: ${others.join(', ')}`);
      const shares: TrusteeSharesPayload['shares'] = {};
      for (const id of others) {
        const s = payload.shares[id]!;
        if (typeof s?.R !== 'string' || typeof s.data !== 'string' || typeof s.mac !== 'string' || Object.keys(s).length !== 3) throw new BoardError('malformed', `share for ${id}: expected {R, data, mac}`);
        shares[id] = { R: s.R, data: s.data, mac: s.mac };
      }
      return this.append('trustee-shares', { trustee: payload.trustee, shares });
    });
  }

  submitTrusteeReady(payload: PayloadByType['trustee-ready']): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('setup');
      const index = this.trusteeIndex(payload?.trustee);
      const trustees = this.state.manifest.trustees;
      if (this.state.trusteeShares.size !== trustees.length) throw new BoardError('wrong-phase', 'every trustee must send shares first');
      if (this.state.ready.has(payload.trustee)) throw new BoardError('duplicate', `trustee ${payload.trustee} is already ready`);
      const expected = verificationKey(trustees.map((t) => this.state.trusteeKeys.get(t.id)!.commitments.map((c) => decodePublicKey(c))), index);
      let ok = false;
      try {
        ok = decodePublicKey(payload.verificationKey).equals(expected)
          && verifySchnorr(TAG_READY, readyContext(this.state.electionHash, payload.trustee, index), expected, decodeSchnorr(payload.proof));
      } catch { ok = false; }
      if (!ok) throw new BoardError('bad-proof', `trustee ${payload.trustee}: verification key or its proof is wrong`);
      const e = await this.append('trustee-ready', { trustee: payload.trustee, verificationKey: payload.verificationKey, proof: payload.proof });
      if (this.state.ready.size === trustees.length) {
        const keys = trustees.map((t) => this.state.trusteeKeys.get(t.id)!);
        await this.append('joint-key', { publicKey: encodePoint(jointPublicKey(keys)) });
      }
      return e;
    });
  }

  // ---- credentials and poll ------------------------------------------------------------------------

  submitCredentials(payload: { credentials: CredentialEntry[] }): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('setup');
      if (this.state.credentials) throw new BoardError('duplicate', 'the credential list is already published and cannot change');
      const list = payload?.credentials;
      if (!Array.isArray(list) || list.length === 0) throw new BoardError('malformed', 'credentials: expected a non-empty list');
      let total = 0;
      const clean: CredentialEntry[] = [];
      for (const [i, c] of list.entries()) {
        try { decodePublicKey(c?.key, `credentials[${i}].key`); } catch (err) { throw new BoardError('malformed', (err as Error).message); }
        if (!Number.isSafeInteger(c.weight) || c.weight < 1 || c.weight > MAX_CREDENTIAL_WEIGHT) throw new BoardError('malformed', `credentials[${i}].weight: a whole number from 1 to ${MAX_CREDENTIAL_WEIGHT}`);
        if (i > 0 && !(list[i - 1]!.key < c.key)) throw new BoardError('malformed', 'credentials: keys must be sorted and distinct');
        total += c.weight;
        clean.push({ key: c.key, weight: c.weight });
      }
      if (!Number.isSafeInteger(total) || total > MAX_TOTAL_WEIGHT) throw new BoardError('malformed', 'credentials: total weight too large');
      return this.append('credentials', { credentials: clean, totalWeight: total });
    });
  }

  revokeCredential(key: string, reason: string): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('setup', 'open');
      if (!this.state.credentials?.has(key)) throw new BoardError('unknown-credential', 'no such credential');
      if (this.state.revoked.has(key)) throw new BoardError('duplicate', 'credential already revoked');
      return this.append('credential-revoked', { key, reason: String(reason).slice(0, MAX_REASON_LENGTH) });
    });
  }

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
    const checked = (() => {
      const st = this.state;
      if (st.phase !== 'open') this.requirePhase('open');
      try {
        return checkBallot(input, { electionHash: st.electionHash, publicKey: st.jointKey!, groups: st.groups });
      } catch (e) {
        if (e instanceof BallotError) throw new BoardError(e.code, e.message);
        throw e;
      }
    })();
    return this.exclusive(async () => {
      this.requirePhase('open');
      if (!this.state.credentials!.has(checked.credential)) throw new BoardError('unknown-credential', 'this credential is not on the list of voters');
      if (this.state.revoked.has(checked.credential)) throw new BoardError('revoked-credential', 'this credential was revoked');
      let e: BoardEvent;
      try {
        e = await this.append('ballot', checked.ballot, checked.trackingCode);
      } catch (err) {
        if (err instanceof DuplicateBallot) throw new BoardError('duplicate', 'this ballot is already on the board');
        throw err;
      }
      const receipt = signReceipt(this.boardSecret, decodePublicKey(this.state.boardKey), { election: this.state.electionHash, trackingCode: checked.trackingCode, seq: e.seq, hash: e.hash });
      return { receipt, event: e };
    });
  }

  // ---- tally and result ----------------------------------------------------------------------------

  /** Sums the last ballot of every unrevoked credential, streaming the ballots from the store. */
  computeTally(progress?: (done: number, total: number) => void): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('closed');
      const st = this.state;
      // Two streamed passes, so a large board is never held in memory: first which ballot of each
      // credential is the last, then the weighted sum of those.
      const last = new Map<string, number>();
      for await (const b of this.ballotEvents()) last.set((b.payload as { credential: string }).credential, b.seq);
      for (const credential of st.revoked) last.delete(credential);
      const countedSeqs = new Set(last.values());
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

  submitDecryptionShare(payload: DecryptionSharePayload): Promise<BoardEvent> {
    return this.exclusive(async () => {
      this.requirePhase('tallied');
      const index = this.trusteeIndex(payload?.trustee);
      if (payload.index !== index) throw new BoardError('malformed', `trustee ${payload.trustee} has index ${index}`);
      if (this.state.decryptionShares.some((s) => s.trustee === payload.trustee)) throw new BoardError('duplicate', `trustee ${payload.trustee} already sent a decryption share`);
      const vk = decodePublicKey(this.state.ready.get(payload.trustee)!);
      const problem = checkDecryptionShare(this.state.electionHash, vk, decodeSums(this.state.tally!.sums), payload);
      if (problem) throw new BoardError('bad-proof', `decryption share of ${payload.trustee}: ${problem}`);
      return this.append('decryption-share', { trustee: payload.trustee, index, shares: payload.shares.map((row) => row.map((p) => ({ D: p.D, proof: { c: p.proof.c, z: p.proof.z } }))) });
    });
  }

  /** Combines the first `threshold` decryption shares and publishes counts and outcomes. */
  publishResult(): Promise<BoardEvent<'result'>> {
    return this.exclusive(async () => {
      this.requirePhase('tallied');
      const st = this.state;
      const t = st.manifest.threshold;
      if (st.decryptionShares.length < t) throw new BoardError('wrong-phase', `${t} decryption shares needed, ${st.decryptionShares.length} received`);
      const used = st.decryptionShares.slice(0, t);
      const tally = st.tally!;
      const counts = combineShares(decodeSums(tally.sums), used, tally.castWeight);
      const results = countResults(st.manifest, counts, tally.castWeight, tally.eligibleWeight);
      return this.append('result', { trustees: used.map((s) => s.trustee), counts, ballots: tally.ballots, castWeight: tally.castWeight, eligibleWeight: tally.eligibleWeight, results });
    });
  }

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
