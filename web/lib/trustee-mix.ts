// A trustee's two ranked steps as the trustee page runs them (spec §20.3, §20.4), in a web worker
// (web/workers/trustee-mix.ts): the record is checked whole for this trustee with the verifier's own
// modules (checkBoardForTrustee: every ballot, the counted set of §20.1, every earlier shuffle's proof
// and signature), then the step is made by the CLI's own functions (src/ranked/trustee.ts) and signed
// there. Fail closed: any doubt is a MixRefusal with a code the page names, and nothing is made.
// No page, storage or network here, so node tests run it as it is.
import { BoardCheckError, checkBoardForTrustee } from '../../src/keyceremony/board-check.js';
import type { TrusteeSecret } from '../../src/keyceremony/trustee.js';
import { mixesNeeded } from '../../src/ranked/record.js';
import { makeMix, makeMixDecryption } from '../../src/ranked/trustee.js';
import type { MixDecryptionPayload, MixPayload } from '../../src/record/events.js';
import { rankedStepOf } from '../../src/verify/ranked.js';

export type RankedStep = 'shuffle' | 'decrypt-mix';

/** Why a step was refused; the page has a text for each (trustee.mixRefused.CODE). */
export type RefusalCode =
  | 'record' // the record does not verify for another reason (or rewrote what this trustee saw)
  | 'mix-rows' // an earlier shuffle has other rows than its input: counted ballots dropped (or rows added)
  | 'mix-broken' // an earlier shuffle's proof or its mixer's signature does not verify
  | 'mix-decryption-broken' // a decryption of the last shuffle on the record does not verify
  | 'no-ranked' | 'not-closed' | 'already-mixed' | 'already-decrypted' | 'mixes-done' | 'mixes-missing' | 'result-published' | 'no-share' | 'other-election';

export class MixRefusal extends Error {
  override name = 'MixRefusal';
  constructor(readonly code: RefusalCode, message: string, readonly detail: Record<string, string | number> = {}) {
    super(message);
  }
}

/** A BoardCheckError's message, named: the earlier shuffles are the part of the record this step stands on. */
export function classifyBoardRefusal(message: string): MixRefusal {
  // The verifier's words (src/ranked/record.ts checkMix): "mix of T, question Q: N rows in, M out".
  const rows = /mix\.shuffles: mix of ([a-z0-9-]+), question ([a-z0-9-]+): (\d+) rows in, (\d+) out/.exec(message);
  if (rows) return new MixRefusal('mix-rows', message, { mixer: rows[1]!, question: rows[2]!, rowsIn: Number(rows[3]), rowsOut: Number(rows[4]) });
  const broken = /(?:mix\.shuffles|trustees\.signatures): mix of ([a-z0-9-]+)/.exec(message);
  if (broken) return new MixRefusal('mix-broken', message, { mixer: broken[1]! });
  if (/mix\.decryption:|trustees\.signatures: mix decryption of/.test(message)) return new MixRefusal('mix-decryption-broken', message);
  return new MixRefusal('record', message);
}

export interface StepDone {
  step: RankedStep;
  /** The signed payload to post: a mix, or a mix decryption. */
  payload: MixPayload | MixDecryptionPayload;
  /** The secret with the record's head noted as seen (kept before posting, as every step does). */
  secret: TrusteeSecret;
  /** This mix's place (0-based) and how many are needed; rows shuffled or decrypted per question. */
  position: number;
  needed: number;
  rows: number[];
  /** How long the shuffle with its proof, or the decryption with its proofs, took (ms; the record check not included). */
  ms: number;
}

export type StepPhase = 'check' | 'shuffle' | 'decrypt';

/** What a step reports as it goes: the phase, with the events read of the record (check) or the rows (shuffle, decrypt). */
export interface StepProgress { phase: StepPhase; read?: number; total?: number; rows?: number }

/** The lines as the verifier reads them, reporting how far it got (about every 1 %; a tally's recount
 *  reads them a second time). Only the iteration is observed: the lines are the same. */
function observedLines(lines: string[], onRead: (read: number) => void): string[] {
  const observed = lines.slice();
  const every = Math.max(1, Math.ceil(lines.length / 100));
  Object.defineProperty(observed, Symbol.iterator, {
    value: function* () {
      for (let i = 0; i < lines.length; i++) {
        if (i % every === 0) onRead(i);
        yield lines[i]!;
      }
      onRead(lines.length);
    },
  });
  return observed;
}

/** Checks the record for this trustee, then makes the step; throws MixRefusal on any doubt. */
export async function makeRankedStep(step: RankedStep, secret: TrusteeSecret, lines: string[], onProgress: (p: StepProgress) => void = () => {}): Promise<StepDone> {
  const onPhase = (phase: StepPhase, rows: number) => onProgress({ phase, rows });
  onProgress({ phase: 'check', read: 0, total: lines.length });
  let checked: Awaited<ReturnType<typeof checkBoardForTrustee>>;
  try {
    checked = await checkBoardForTrustee(secret, observedLines(lines, (read) => onProgress({ phase: 'check', read, total: lines.length })));
  } catch (e) {
    if (e instanceof BoardCheckError) throw classifyBoardRefusal(e.message);
    throw e;
  }
  const st = checked.verification.state;
  const manifest = st.manifest;
  if (!manifest || !st.jointKey) throw new MixRefusal('not-closed', 'the key ceremony is not finished on this record');
  if (secret.election !== undefined && secret.election !== st.electionHash) throw new MixRefusal('other-election', `this secret is for election ${secret.election}`);
  const r = rankedStepOf(st);
  if (r.env.slots.length === 0) throw new MixRefusal('no-ranked', 'this election has no ranked question');
  if (st.phase !== 'closed' && st.phase !== 'tallied') throw new MixRefusal('not-closed', `the poll is ${st.phase}: shuffles and their decryption come after it closes, before the result`);
  if (r.progress.result) throw new MixRefusal('result-published', 'the ranked result is already published');
  const needed = mixesNeeded(manifest);
  const done = r.progress.mixes.length;
  if (step === 'shuffle') {
    if (r.progress.mixes.some((x) => x.mixer === secret.trustee)) throw new MixRefusal('already-mixed', `trustee ${secret.trustee} has already shuffled`);
    if (done >= needed || r.progress.shares.length > 0) throw new MixRefusal('mixes-done', `the ${needed} shuffles are done`);
    const input = r.nextInput();
    onPhase('shuffle', input.reduce((n, q) => n + q.length, 0));
    const started = performance.now();
    const payload = makeMix(checked.secret, r.env, done, input);
    return { step, payload, secret: checked.secret, position: done, needed, rows: input.map((q) => q.length), ms: performance.now() - started };
  }
  if (done < needed) throw new MixRefusal('mixes-missing', `${done} of ${needed} shuffles are on the board`, { done, needed });
  if (!checked.secret.share) throw new MixRefusal('no-share', 'this trustee has not finished the key ceremony in this browser');
  if (r.progress.shares.some((x) => x.trustee === secret.trustee)) throw new MixRefusal('already-decrypted', `trustee ${secret.trustee} has already decrypted the last shuffle`);
  const last = r.lastMix();
  onPhase('decrypt', last.shuffles.reduce((n, q) => n + q.rows.length, 0));
  const started = performance.now();
  const payload = makeMixDecryption(checked.secret, r.env, last);
  return { step, payload, secret: checked.secret, position: done, needed, rows: last.shuffles.map((s) => s.rows.length), ms: performance.now() - started };
}

/** Where the ranked steps stand, read from the record's mix events (only to show the page's status and
 *  buttons: every step checks the whole record before it acts). */
export interface RankedStatus { mixers: string[]; decrypted: string[]; published: boolean }

export function rankedStatusOf(lines: readonly string[]): RankedStatus {
  const status: RankedStatus = { mixers: [], decrypted: [], published: false };
  for (const line of lines) {
    let e: { type?: unknown; payload?: { mixer?: unknown; trustee?: unknown } };
    try { e = JSON.parse(line) as typeof e; } catch { continue; }
    if (e.type === 'mix' && typeof e.payload?.mixer === 'string') status.mixers.push(e.payload.mixer);
    else if (e.type === 'mix-decryption' && typeof e.payload?.trustee === 'string') status.decrypted.push(e.payload.trustee);
    else if (e.type === 'ranked-result') status.published = true;
  }
  return status;
}
