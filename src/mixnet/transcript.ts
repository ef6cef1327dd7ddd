// The Fiat–Shamir transcript of the proof of shuffle (docs/spec.md §18.4). Every public input is
// hashed: the context, the public key, the generators' seed, the counts, every input and output
// ciphertext (statement digest D), the permutation commitment (digest U, from which the u_i are drawn),
// and every other commitment (the challenge c). Binary, because the statement holds ~10^5-10^6 points.
import { sha512 } from '@noble/hashes/sha2.js';
import { shake256 } from '@noble/hashes/sha3.js';
import { canonicalJson, toBase64Url, toHex, utf8 } from '../crypto/encoding.js';
import { PROTOCOL } from '../crypto/hash.js';
import { mod, scalarFromWideBytes, type Scalar } from '../crypto/group.js';
import type { ShuffleContext } from './context.js';
import { readUnsignedLE } from './scalars.js';

const tag = (name: string) => utf8(`${PROTOCOL}/${name}\u0000`);
const STATEMENT_TAG = tag('mixnet/statement');
const U_DIGEST_TAG = tag('mixnet/permutation-commitment');
const U_TAG = tag('mixnet/u');
const CHALLENGE_TAG = tag('mixnet/challenge');

/**
 * Each u_i is 32 bytes of the XOF's output, little-endian, mod q: at least 251 bits of min-entropy, so a
 * prover who commits to a non-permutation passes the u-test with probability ≤ ~16·N/q per query
 * (docs/spec.md §18.4.3). As wide as q, because the width costs nothing here: every exponent the
 * verifier uses is a full scalar anyway (its random weights make it one).
 */
export const U_BYTES = 32;

export interface Statement {
  context: ShuffleContext;
  publicKey: Uint8Array;
  seed: Uint8Array;
  count: number;
  width: number;
  /** The input rows packed (encoding.ts packRows), 64·N·k bytes. */
  inputs: Uint8Array;
  /** The output rows packed. */
  outputs: Uint8Array;
}

/** The commitments hashed into the challenge c, in this order. */
export interface Commitments {
  cHat: Uint8Array[];
  tHat: Uint8Array[];
  t1: Uint8Array;
  t2: Uint8Array;
  t3: Uint8Array;
  t4: [Uint8Array, Uint8Array][];
}

export interface Transcript {
  /** D = SHA-512(tag || canonicalJson(header) || inputs || outputs). */
  statement(s: Statement): Uint8Array;
  /** U = SHA-512(tag || D || c_1 … c_N) and u_1..u_N from SHAKE256(tag || U). */
  challenges(statementDigest: Uint8Array, c: Uint8Array[]): { digest: Uint8Array; u: bigint[] };
  /** c = SHA-512(tag || U || ĉ_1..ĉ_N || t̂_1..t̂_N || t_1 || t_2 || t_3 || t_{4,α,1} || t_{4,β,1} …) mod q. */
  challenge(uDigest: Uint8Array, t: Commitments): Scalar;
}

/** The parts of the statement and the proof that the transcript hashes. */
export type TranscriptPart = 'context' | 'count' | 'generators' | 'publicKey' | 'width' | 'inputs' | 'outputs' | 'c' | 'cHat' | 'tHat' | 't1' | 't2' | 't3' | 't4';

/**
 * TEST ONLY: the transcript with one part left out of its hash (null: none, which is TRANSCRIPT).
 * A test makes a proof with such a transcript and shows that checkShuffle refuses it; were the real
 * transcript to leave that part out too, the proof would pass and the test would fail.
 */
export function transcriptWithout(omit: TranscriptPart | null): Transcript {
  const has = (part: TranscriptPart) => part !== omit;
  return {
    statement(s) {
      const header: Record<string, unknown> = {};
      if (has('context')) header.context = { election: s.context.election, mixer: s.context.mixer, position: s.context.position, question: s.context.question };
      if (has('count')) header.count = s.count;
      if (has('generators')) header.generators = toHex(s.seed);
      if (has('publicKey')) header.publicKey = toBase64Url(s.publicKey);
      if (has('width')) header.width = s.width;
      const h = sha512.create().update(STATEMENT_TAG).update(utf8(canonicalJson(header)));
      if (has('inputs')) h.update(s.inputs);
      if (has('outputs')) h.update(s.outputs);
      return h.digest();
    },
    challenges(statementDigest, c) {
      const h = sha512.create().update(U_DIGEST_TAG).update(statementDigest);
      if (has('c')) for (const ci of c) h.update(ci);
      const digest = h.digest();
      const n = c.length;
      const stream = shake256(concat(U_TAG, digest), { dkLen: Math.max(U_BYTES * n, 1) });
      const u: bigint[] = new Array(n);
      for (let i = 0; i < n; i++) u[i] = mod(readUnsignedLE(stream, U_BYTES * i, U_BYTES));
      return { digest, u };
    },
    challenge(uDigest, t) {
      const h = sha512.create().update(CHALLENGE_TAG).update(uDigest);
      if (has('cHat')) for (const p of t.cHat) h.update(p);
      if (has('tHat')) for (const p of t.tHat) h.update(p);
      if (has('t1')) h.update(t.t1);
      if (has('t2')) h.update(t.t2);
      if (has('t3')) h.update(t.t3);
      if (has('t4')) for (const [a, b] of t.t4) h.update(a).update(b);
      return scalarFromWideBytes(h.digest());
    },
  };
}

/** The transcript: every part hashed. */
export const TRANSCRIPT: Transcript = transcriptWithout(null);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
