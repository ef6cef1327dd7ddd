// The ranked part of a ballot (docs/spec.md §8.7): each ranked answer is a row of k ElGamal ciphertexts
// of points that embed the ranking (an injective, invertible encoding: the ranking's bytes are the
// point's own canonical encoding), each with a proof of knowledge of its randomness r (Schnorr on
// α = g^r) under the ballot's one challenge, so that a row copied from another ballot cannot be proved
// by a voter who does not know its r. The rows are what the mixnet (src/mixnet/) shuffles.
import { Point, pointBytes, add, mul, randomScalar, baseMul, type Scalar } from '../crypto/group.js';
import type { GroupBackend } from '../crypto/backend.js';
import { isIdentityBytes } from '../crypto/backend.js';
import { encrypt, encodeCiphertext, type CiphertextJson } from '../crypto/elgamal.js';
import { fromBase64Url } from '../crypto/encoding.js';
import { G_BYTES } from '../crypto/proofs/branches.js';
import type { LinearCheck } from '../crypto/proofs/linear.js';
import { pack, pointsText, unpack } from '../crypto/proofs/packed.js';
import type { Choices, Manifest } from '../manifest/types.js';
import { encodeRankings } from '../manifest/layout.js';
import { BallotError } from './types.js';

/** Preferences (one byte each: candidate index + 1; 0 ends the ranking) one point carries. */
export const PREFERENCES_PER_POINT = 30;
/** Tries of the counter before an encoding gives up (each succeeds with probability about 1/4). */
const TRIES = 8192;

/** What the ballot needs of one ranked question: its id, its number of candidates, its row width k. */
export interface RankedSlot { questionId: string; candidates: number; width: number }

export const rowWidth = (candidates: number): number => Math.ceil(candidates / PREFERENCES_PER_POINT);

/** The ranked questions of the ballot, in manifest order. */
export function rankedSlots(manifest: Manifest): RankedSlot[] {
  return manifest.questions.flatMap((q) => (q.type === 'ranked' ? [{ questionId: q.id, candidates: q.candidates.length, width: rowWidth(q.candidates.length) }] : []));
}

/**
 * The k points of a ranking (candidate indices, most preferred first). Point j's encoding is
 * b[0] = 2·(t mod 128), b[1..30] = preference bytes 30j…30j+29, b[31] = ⌊t/128⌋, for the first counter
 * t in 0…8191 that makes b the canonical encoding of a point other than the identity. The bytes are
 * checked by @noble/curves' decoder; nothing here computes on the curve.
 */
export function encodeRanking(ranking: readonly number[], slot: RankedSlot): Point[] {
  const bytes = new Uint8Array(slot.width * PREFERENCES_PER_POINT);
  if (ranking.length > slot.candidates) throw new Error(`ranking: ${ranking.length} preferences for ${slot.candidates} candidates`);
  ranking.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= slot.candidates) throw new Error(`ranking: ${String(c)} is not a candidate index`);
    bytes[i] = c + 1;
  });
  return Array.from({ length: slot.width }, (_, j) => embed(bytes.subarray(PREFERENCES_PER_POINT * j, PREFERENCES_PER_POINT * (j + 1))));
}

function embed(payload: Uint8Array): Point {
  const b = new Uint8Array(32);
  b.set(payload, 1);
  for (let t = 0; t < TRIES; t++) {
    b[0] = 2 * (t % 128);
    b[31] = Math.floor(t / 128);
    if (isIdentityBytes(b)) continue;
    try { return Point.fromBytes(b.slice()); } catch { /* not a canonical encoding: next t */ }
  }
  throw new Error('ranking: no counter gives a point (probability below 2^-3000)');
}

/** The ranking a row's decrypted points carry, or null if they are not an encoding of one (§8.7). The
 *  indices are as written: a repeated or unknown candidate is for the count to refuse, and show. */
export function decodeRanking(points: readonly Uint8Array[]): number[] | null {
  const prefs: number[] = [];
  let ended = false;
  for (const b of points) {
    if (b.length !== 32) return null;
    for (let i = 1; i <= PREFERENCES_PER_POINT; i++) {
      if (b[i] === 0) ended = true;
      else if (ended) return null; // a preference after the end: not a ranking this encoding writes
      else prefs.push(b[i]! - 1);
    }
  }
  return prefs;
}

/** One ranked answer as the ballot carries it: k ciphertexts and the packed proofs (A_1…A_k, z_1…z_k). */
export interface EncryptedRankedJson { ct: CiphertextJson[]; proof: string }

/** A ranked answer encrypted, its proofs committed and waiting for the ballot's challenge. */
export interface RankedCommitted {
  ct: CiphertextJson[];
  commitments: Uint8Array[];
  respond(c: Scalar): EncryptedRankedJson;
  randomness: Scalar[];
}

export function encryptRanking(publicKey: Point, slot: RankedSlot, ranking: readonly number[]): RankedCommitted {
  const points = encodeRanking(ranking, slot);
  const rs: Scalar[] = [];
  const ct: CiphertextJson[] = points.map((M) => {
    const r = randomScalar();
    rs.push(r);
    // Enc(M; r) = (g^r, M·h^r): encrypt() of the zero exponent gives (g^r, h^r), to which M is added.
    const e = encrypt(publicKey, 0n, r).ct;
    return encodeCiphertext({ alpha: e.alpha, beta: e.beta.add(M) });
  });
  const nonces = rs.map(() => randomScalar());
  const commitments = nonces.map((a) => pointBytes(baseMul(a)));
  return {
    ct, commitments, randomness: rs,
    respond: (c) => ({ ct, proof: pack(commitments, [], nonces.map((a, j) => add(a, mul(c, rs[j]!)))) }),
  };
}

/** What the ballot's challenge hashes of each ranked answer (§8.7). */
export interface RankedStatement { question: string; ct: CiphertextJson[]; commitments: string }

/** A ranked answer read from a ballot: its α's bytes and its proof, checked canonical. */
export interface RankedRead { statement: RankedStatement; alphas: Uint8Array[]; A: Uint8Array[]; z: Scalar[] }

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Reads the ballot's `ranked` field strictly (one answer per slot, exactly {ct, proof}, k ciphertexts,
 *  canonical points, responses < q); throws BallotError malformed. */
export function readRanked(input: unknown, slots: readonly RankedSlot[], be: GroupBackend): RankedRead[] {
  if (!Array.isArray(input) || input.length !== slots.length) throw new BallotError('malformed', `ballot.ranked: expected ${slots.length} ranked answers`);
  return slots.map((slot, q) => {
    const what = `ballot.ranked[${q}]`;
    const a = input[q] as unknown;
    if (!isObject(a) || Object.keys(a).length !== 2 || !Object.hasOwn(a, 'ct') || !Object.hasOwn(a, 'proof')) throw new BallotError('malformed', `${what}: expected exactly the fields ct, proof`);
    if (!Array.isArray(a.ct) || a.ct.length !== slot.width) throw new BallotError('malformed', `${what}: expected ${slot.width} ciphertexts`);
    try {
      const alphas = (a.ct as unknown[]).map((c, j) => {
        if (!Array.isArray(c) || c.length !== 2) throw new Error(`ct[${j}]: expected [alpha, beta]`);
        const [alpha, beta] = [fromBase64Url(c[0], 32, `ct[${j}][0]`), fromBase64Url(c[1], 32, `ct[${j}][1]`)];
        // The mixnet takes no identity component (src/mixnet/encoding.ts): refused here, where the voter can be told.
        if (!be.isValid(alpha) || !be.isValid(beta) || isIdentityBytes(alpha) || isIdentityBytes(beta)) throw new Error(`ct[${j}]: not two canonical ristretto255 points other than the identity`);
        return alpha;
      });
      const proof = unpack(a.proof, { points: slot.width, challenges: 0, scalars: slot.width }, be, 'proof');
      return { statement: { question: slot.questionId, ct: a.ct as CiphertextJson[], commitments: pointsText(proof) }, alphas, A: proof.points, z: proof.scalars };
    } catch (e) {
      throw new BallotError('malformed', `${what}: ${(e as Error).message}`);
    }
  });
}

/** Adds z_j·g − A_j − c·α_j = 0 for every ciphertext of every ranked answer. */
export function rankedEquations(check: LinearCheck, read: readonly RankedRead[], c: Scalar): void {
  for (const r of read) {
    r.alphas.forEach((alpha, j) => {
      check.add(`question ${r.statement.question}, ciphertext ${j}: the proof of knowledge of its randomness fails`, [G_BYTES, r.A[j]!, alpha], [r.z[j]!, -1n, -c]);
    });
  }
}

/** The ranked part of encryptBallot's input from a voter's choices; undefined without ranked questions. */
export function rankedChoicesOf(manifest: Manifest, choices: Choices): { slots: RankedSlot[]; rankings: number[][] } | undefined {
  const slots = rankedSlots(manifest);
  return slots.length === 0 ? undefined : { slots, rankings: encodeRankings(manifest, choices) };
}
