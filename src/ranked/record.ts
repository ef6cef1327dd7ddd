// The ranked questions on the record (docs/spec.md §20): the rows of the counted ballots, the chain of
// mixes, the trustees' decryption of the last mix, and the count of the decrypted rankings. One rule
// set: the board runs it before it appends an event, the verifier on the record (src/verify/ranked.ts),
// and the trustee's tool before it shuffles or decrypts. What they keep between events (RankedProgress)
// is what a later check reads, as bytes: the last mix's output rows and each trustee's D points, not the
// events themselves (at 100,000 ballots the events are hundreds of megabytes).
import { backend, type GroupBackend } from '../crypto/backend.js';
import type { CiphertextJson } from '../crypto/elgamal.js';
import { EncodingError, fromBase64Url, fromHex, toBase64Url } from '../crypto/encoding.js';
import { encodePoint, neg, pointBytes, toScalarBytes, type Point } from '../crypto/group.js';
import { encodedPoint, verifyChaumPedersenEncoded, type EncodedPoint } from '../crypto/proofs/encoded.js';
import { decodeSchnorr } from '../crypto/proofs/schnorr.js';
import { lagrangeAtZero } from '../crypto/threshold.js';
import { canonicalJson } from '../crypto/encoding.js';
import { decodeRanking, type RankedSlot } from '../ballot/ranked.js';
import { checkShuffle, proofSize, type Row } from '../mixnet/index.js';
import type { Manifest, RankedQuestion } from '../manifest/types.js';
import type { MixDecryptionPayload, MixPayload, RankedResultPayload } from '../record/events.js';
import { checkPayloadSignature } from '../record/signature.js';
import { tieSeed } from '../tally/tie-break.js';
import { countRanked } from './count.js';
import type { RankedResult } from './types.js';
import { alphaAt, betaAt, packJsonRow, packJsonRows, rowsJson, rowsOf, type PackedRows } from './packed.js';

export const TAG_MIX_DECRYPTION = 'trustee/mix-decryption';
export const mixDecryptionContext = (election: string, trustee: string, index: number, question: string, row: number, column: number) =>
  ({ election, trustee, index, question, row, column });

/** What every rule needs of the election: all of it on the record before the poll opened. */
export interface RankedEnv { electionHash: string; manifest: Manifest; jointKey: Point; slots: readonly RankedSlot[] }

/** An accepted mix, as later checks need it: who (a mixer mixes once) and where (its place in `mixes`). */
export interface MixFact { mixer: string; position: number }
/** An accepted mix decryption, as the count needs it: the trustee, its index and, per ranked question,
 *  its D points (32 bytes each, ciphertext (i, j) of the last mix at 32·(i·width + j)). */
export interface ShareFact { trustee: string; index: number; D: Uint8Array[] }

/** The ranked events accepted so far, in record order, reduced to what a later check reads. */
export interface RankedProgress {
  mixes: MixFact[];
  /** The last accepted mix's output, one table per ranked question: the next mix's input, and the
   *  rows the trustees decrypt (null before the first mix). */
  lastRows: PackedRows[] | null;
  shares: ShareFact[];
  result: RankedResultPayload | null;
}

export const newRankedProgress = (): RankedProgress => ({ mixes: [], lastRows: null, shares: [], result: null });

/** An accepted mix (checkMix passed it, or the board's own record holds it) into the progress. */
export function addMix(progress: RankedProgress, slots: readonly RankedSlot[], p: MixPayload): void {
  progress.mixes.push({ mixer: p.mixer, position: p.position });
  progress.lastRows = slots.map((slot, q) => packJsonRows(p.shuffles[q]!.rows, slot.width, `mix of ${p.mixer}, question ${slot.questionId}`));
}

/** An accepted mix decryption (checkMixDecryption passed it) into the progress: its D points alone. */
export function addMixDecryption(progress: RankedProgress, slots: readonly RankedSlot[], p: MixDecryptionPayload): void {
  const D = slots.map((slot, q) => {
    const rows = p.shares[q]!;
    const out = new Uint8Array(32 * slot.width * rows.length);
    rows.forEach((row, i) => row.forEach((s, j) => out.set(fromBase64Url(s.D, 32, 'D'), 32 * (i * slot.width + j))));
    return out;
  });
  progress.shares.push({ trustee: p.trustee, index: p.index, D });
}

/** Why a ranked event is refused: the board's error code, and the verifier's check. */
export interface Problem { code: string; check: 'phase.order' | 'trustees.signatures' | 'mix.shuffles' | 'mix.decryption' | 'ranked.rankings' | 'ranked.count'; message: string }

/** Shuffles needed: `threshold` trustees, each once. Any coalition that could link every shuffle is a
 *  coalition that could decrypt single ballots anyway (spec §20.2). */
export const mixesNeeded = (m: Manifest): number => m.threshold;

/** A counted ballot (the last valid one of an unrevoked credential): its place, its weight, and its
 *  ranked rows as packBallotRows packs them. */
export interface CountedBallot { seq: number; weight: number; rows: Uint8Array }

/** A ballot's ranked rows (`ranked[q]` = its row for question q), one question after another, packed. */
export function packBallotRows(slots: readonly RankedSlot[], ranked: readonly CiphertextJson[][]): Uint8Array {
  const out = new Uint8Array(64 * slots.reduce((n, s) => n + s.width, 0));
  let at = 0;
  slots.forEach((slot, q) => { packJsonRow(ranked[q], slot.width, `ranked question ${slot.questionId}`, out, at); at += 64 * slot.width; });
  return out;
}

/** The first mix's input, per ranked question: the counted ballots' rows in record order, each row
 *  repeated `weight` times (a weight is a number of votes; the shuffle unlinks the copies too). */
export function countedRows(slots: readonly RankedSlot[], ballots: readonly CountedBallot[]): PackedRows[] {
  const sorted = [...ballots].sort((a, b) => a.seq - b.seq);
  const count = sorted.reduce((n, b) => n + b.weight, 0);
  let offset = 0;
  return slots.map((slot) => {
    const size = 64 * slot.width;
    const bytes = new Uint8Array(size * count);
    let at = 0;
    for (const b of sorted) for (let w = 0; w < b.weight; w++, at += size) bytes.set(b.rows.subarray(offset, offset + size), at);
    offset += size;
    return { count, width: slot.width, bytes };
  });
}

/** The input of the next mix: the counted rows (`counted()`, asked for the first mix alone), else the
 *  last mix's output. */
export const nextMixInput = (counted: () => PackedRows[], progress: RankedProgress): PackedRows[] => progress.lastRows ?? counted();

/** Rows as the record writes them, per question (a trustee's shuffle input, src/ranked/trustee.ts). */
export const inputJson = (input: readonly PackedRows[]): CiphertextJson[][][] => input.map(rowsJson);

/** What a trustee decrypts (makeMixDecryption): the last mix's rows, per question, as on the record. */
export interface MixedRows { shuffles: { question: string; rows: CiphertextJson[][] }[] }

export function lastMix(progress: RankedProgress, slots: readonly RankedSlot[]): MixedRows {
  if (!progress.lastRows) throw new Error('no mix on the record yet');
  return { shuffles: slots.map((slot, q) => ({ question: slot.questionId, rows: rowsJson(progress.lastRows![q]!) })) };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const exact = (x: unknown, keys: string[]): x is Record<string, unknown> => isObject(x) && Object.keys(x).sort().join(',') === [...keys].sort().join(',');

/** Rows as the mixnet takes them; throws on anything but [[α, β] × k] × N of 32-byte base64url texts. */
export const toRows = (rows: unknown, width: number, what: string): Row[] => rowsOf(packJsonRows(rows, width, what));

const trusteeIndex = (m: Manifest, id: unknown): number => m.trustees.findIndex((t) => t.id === id) + 1;

/** The mix's checks (spec §20.3), in order; null if it may be appended. `input` = nextMixInput(…). */
export function checkMix(env: RankedEnv, progress: RankedProgress, input: readonly PackedRows[], payload: unknown): Problem | null {
  const m = env.manifest;
  if (env.slots.length === 0) return { code: 'wrong-phase', check: 'phase.order', message: 'this election has no ranked question to mix' };
  if (!exact(payload, ['mixer', 'position', 'shuffles', 'signature'])) return { code: 'malformed', check: 'mix.shuffles', message: 'a mix is exactly {mixer, position, shuffles, signature}' };
  const p = payload as unknown as MixPayload;
  if (trusteeIndex(m, p.mixer) === 0) return { code: 'unknown-trustee', check: 'phase.order', message: `mix by ${String(p.mixer)}, who is not a trustee of this election (the mixers are the trustees)` };
  if (progress.shares.length > 0 || progress.result) return { code: 'wrong-phase', check: 'phase.order', message: 'mix after the decryption of the mixed rows began' };
  if (progress.mixes.length >= mixesNeeded(m)) return { code: 'wrong-phase', check: 'phase.order', message: `the ${mixesNeeded(m)} mixes are done` };
  if (progress.mixes.some((x) => x.mixer === p.mixer)) return { code: 'duplicate', check: 'phase.order', message: `trustee ${p.mixer} already mixed` };
  if (p.position !== progress.mixes.length) return { code: 'malformed', check: 'phase.order', message: `mix at position ${String(p.position)}, expected ${progress.mixes.length}` };
  const unsigned = checkPayloadSignature(env.electionHash, m, { role: 'trustee', id: p.mixer }, 'mix', p);
  if (unsigned) return { code: 'bad-signature', check: 'trustees.signatures', message: `mix of ${p.mixer}: ${unsigned}` };
  if (!Array.isArray(p.shuffles) || p.shuffles.length !== env.slots.length) return { code: 'malformed', check: 'mix.shuffles', message: `a mix holds ${env.slots.length} shuffles, one per ranked question` };
  const key = pointBytes(env.jointKey);
  for (let q = 0; q < env.slots.length; q++) {
    const slot = env.slots[q]!;
    const s = p.shuffles[q] as unknown;
    const where = `mix of ${p.mixer}, question ${slot.questionId}`;
    if (!exact(s, ['question', 'rows', 'proof']) || s.question !== slot.questionId) return { code: 'malformed', check: 'mix.shuffles', message: `${where}: expected {question: "${slot.questionId}", rows, proof}` };
    const rowsIn: Row[] = rowsOf(input[q]!);
    let rowsOut: Row[], proof: Uint8Array;
    try {
      rowsOut = toRows(s.rows, slot.width, 'output');
      if (rowsOut.length !== rowsIn.length) return { code: 'bad-proof', check: 'mix.shuffles', message: `${where}: ${rowsIn.length} rows in, ${rowsOut.length} out` };
      proof = fromBase64Url(s.proof, proofSize(rowsIn.length, slot.width), 'proof');
    } catch (e) {
      return { code: 'malformed', check: 'mix.shuffles', message: `${where}: ${(e as Error).message}` };
    }
    const ctx = { election: env.electionHash, question: slot.questionId, mixer: p.mixer, position: p.position };
    const r = checkShuffle(ctx, key, rowsIn, rowsOut, proof, backend());
    if (!r.ok) return { code: 'bad-proof', check: 'mix.shuffles', message: `${where}: ${r.reason}` };
  }
  return null;
}

/** A trustee's decryption share of the last mix (spec §20.4); `vk` its verification key. */
export function checkMixDecryption(env: RankedEnv, progress: RankedProgress, vk: Point | undefined, payload: unknown): Problem | null {
  const m = env.manifest;
  if (progress.mixes.length < mixesNeeded(m) || progress.result) return { code: 'wrong-phase', check: 'phase.order', message: `decryption of the mixed rows needs ${mixesNeeded(m)} mixes first (${progress.mixes.length} on the record), and comes before the ranked result` };
  if (!exact(payload, ['trustee', 'index', 'shares', 'signature'])) return { code: 'malformed', check: 'mix.decryption', message: 'a mix decryption is exactly {trustee, index, shares, signature}' };
  const p = payload as unknown as MixDecryptionPayload;
  const index = trusteeIndex(m, p.trustee);
  if (index === 0 || p.index !== index) return { code: 'unknown-trustee', check: 'phase.order', message: `mix decryption by ${String(p.trustee)} (index ${String(p.index)}): not that trustee of this election` };
  if (progress.shares.some((s) => s.trustee === p.trustee)) return { code: 'duplicate', check: 'phase.order', message: `trustee ${p.trustee} already decrypted the mix` };
  const unsigned = checkPayloadSignature(env.electionHash, m, { role: 'trustee', id: p.trustee }, 'mix-decryption', p);
  if (unsigned) return { code: 'bad-signature', check: 'trustees.signatures', message: `mix decryption of ${p.trustee}: ${unsigned}` };
  if (!vk) return { code: 'bad-proof', check: 'mix.decryption', message: `trustee ${p.trustee} has no verification key` };
  const last = progress.lastRows!;
  if (!Array.isArray(p.shares) || p.shares.length !== env.slots.length) return { code: 'malformed', check: 'mix.decryption', message: 'one list of row shares per ranked question expected' };
  const be = backend();
  const key = encodedPoint(pointBytes(vk));
  for (let q = 0; q < env.slots.length; q++) {
    const slot = env.slots[q]!;
    const rows = last[q]!;
    const part = p.shares[q];
    if (!Array.isArray(part) || part.length !== rows.count) return { code: 'malformed', check: 'mix.decryption', message: `question ${slot.questionId}: ${rows.count} rows to decrypt` };
    for (let i = 0; i < rows.count; i++) {
      const row = part[i];
      if (!Array.isArray(row) || row.length !== slot.width) return { code: 'malformed', check: 'mix.decryption', message: `question ${slot.questionId}, row ${i}: ${slot.width} shares expected` };
      for (let j = 0; j < slot.width; j++) {
        const s = row[j] as unknown;
        const where = `mix decryption of ${p.trustee}, question ${slot.questionId}, row ${i}, column ${j}`;
        if (!exact(s, ['D', 'proof'])) return { code: 'malformed', check: 'mix.decryption', message: `${where}: expected {D, proof}` };
        try {
          if (!shareProofHolds(be, mixDecryptionContext(env.electionHash, p.trustee, index, slot.questionId, i, j), key, alphaAt(rows, i, j), s.D, s.proof)) {
            return { code: 'bad-proof', check: 'mix.decryption', message: `${where}: the decryption proof does not verify` };
          }
        } catch (e) {
          return { code: 'malformed', check: 'mix.decryption', message: `${where}: ${(e as Error).message}` };
        }
      }
    }
  }
  return null;
}

/** Does D's proof hold for α (spec §20.4)? Throws on a bad encoding: D (text) first, then α, then the
 *  proof. The backend checks the encodings (isValid: noble's canonical decoding, on every backend) and
 *  the proof on the bytes: no point is decoded to be encoded again. */
function shareProofHolds(be: GroupBackend, context: unknown, vk: EncodedPoint, alpha: Uint8Array, dText: unknown, proofJson: unknown): boolean {
  const D = fromBase64Url(dText, 32, 'D');
  if (!be.isValid(D)) throw new EncodingError('D: not a valid ristretto255 encoding');
  if (!be.isValid(alpha)) throw new EncodingError('alpha: not a valid ristretto255 encoding');
  const { c, z } = decodeSchnorr(proofJson);
  return verifyChaumPedersenEncoded(TAG_MIX_DECRYPTION, context, vk, encodedPoint(alpha), encodedPoint(D), c, z, be);
}

const INVALID_ENCODING = 'the decrypted points are not an encoded ranking';

/** The ranked result from the first `threshold` decryption shares (spec §20.5): every row of the last
 *  mix decrypted, decoded, and each question counted by its method, ties by the record's seed. */
export function rankedOutcome(env: RankedEnv, progress: RankedProgress): RankedResultPayload {
  const m = env.manifest;
  const t = m.threshold;
  const used = progress.shares.slice(0, t);
  if (used.length < t) throw new Error(`${t} decryptions of the mixed rows needed, ${used.length} on the record`);
  const indices = used.map((s) => s.index);
  const lambdas = indices.map((i) => lagrangeAtZero(indices, i));
  const be = backend();
  const scalars = new Uint8Array(32 * (t + 1));
  scalars.set(toScalarBytes(1n), 0);
  lambdas.forEach((l, k) => scalars.set(toScalarBytes(neg(l)), 32 * (k + 1)));
  const last = progress.lastRows!;
  const seed = fromHex(tieSeed(env.electionHash, encodePoint(env.jointKey)), 32, 'tie-break seed');
  const questions = env.slots.map((slot, q) => {
    const question = m.questions.find((x) => x.id === slot.questionId) as RankedQuestion;
    const rows = last[q]!, k = rows.width;
    // M = β · Π D_l^{-λ_l}: one msm of β and the t points on the backend (public data: variable time).
    const points = new Uint8Array(32 * (t + 1));
    const rankings = Array.from({ length: rows.count }, (_, i) => decodeRanking(Array.from({ length: k }, (_, j) => {
      points.set(betaAt(rows, i, j), 0);
      used.forEach((s, l) => points.set(s.D[q]!.subarray(32 * (i * k + j), 32 * (i * k + j) + 32), 32 * (l + 1)));
      return be.msm(points, scalars);
    })));
    const counted = countRanked({
      candidates: question.candidates.map((c) => c.id), seats: question.seats, method: question.method,
      rankings: rankings.map((r) => r ?? INVALID_ENCODING as unknown as number[]), rankAll: question.mustRankAll,
      tieBreak: { seed, question: question.id },
    });
    const result: RankedResult = { ...counted, invalid: counted.invalid.map((x) => (rankings[x.index] === null ? { index: x.index, reason: INVALID_ENCODING } : x)) };
    // The record holds canonical JSON: no undefined fields.
    return { question: slot.questionId, rankings, result: JSON.parse(JSON.stringify(result)) as RankedResult };
  });
  return { trustees: used.map((s) => s.trustee), questions };
}

/** The ranked-result event checked against the decryption and the count (spec §20.5). */
export function checkRankedResult(env: RankedEnv, progress: RankedProgress, payload: unknown): Problem | null {
  if (progress.result) return { code: 'duplicate', check: 'phase.order', message: 'a second ranked result' };
  let expected: RankedResultPayload;
  try {
    expected = rankedOutcome(env, progress);
  } catch (e) {
    return { code: 'wrong-phase', check: 'ranked.rankings', message: (e as Error).message };
  }
  if (!exact(payload, ['trustees', 'questions'])) return { code: 'malformed', check: 'ranked.rankings', message: 'a ranked result is exactly {trustees, questions}' };
  const p = payload as unknown as RankedResultPayload;
  const same = (a: unknown, b: unknown): boolean => { try { return canonicalJson(a) === canonicalJson(b); } catch { return false; } };
  if (!same(p.trustees, expected.trustees) || !Array.isArray(p.questions) || p.questions.length !== expected.questions.length) return { code: 'malformed', check: 'ranked.rankings', message: 'the ranked result names other trustees or questions than the decryption' };
  for (let q = 0; q < expected.questions.length; q++) {
    const got = p.questions[q] as unknown, want = expected.questions[q]!;
    if (!exact(got, ['question', 'rankings', 'result']) || got.question !== want.question || !same(got.rankings, want.rankings)) {
      return { code: 'bad-proof', check: 'ranked.rankings', message: `question ${want.question}: the published rankings are not what the mixed rows decrypt to` };
    }
    if (!same(got.result, want.result)) return { code: 'bad-proof', check: 'ranked.count', message: `question ${want.question}: the published count is not the count of the decrypted rankings by ${want.result.method}` };
  }
  return null;
}

/** Base64url of a proof (the mix event's form). */
export const proofText = (bytes: Uint8Array): string => toBase64Url(bytes);
