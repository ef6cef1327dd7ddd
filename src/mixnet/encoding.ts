// Packed canonical encodings of the mixnet's inputs, outputs and proof (docs/spec.md §18.6):
// points as their 32-byte ristretto255 encodings, scalars as 32 bytes little-endian < q, counts
// big-endian. One value, one encoding: decoding refuses wrong lengths and counts, non-canonical or
// identity points and unreduced scalars.
import type { GroupBackend } from '../crypto/backend.js';
import { isIdentityBytes } from '../crypto/backend.js';
import { pointBytes, type Scalar } from '../crypto/group.js';
import type { Ciphertext } from '../crypto/elgamal.js';
import { readScalar, writeScalar } from './scalars.js';

/** One ElGamal ciphertext (α, β) = (g^r, M·pk^r) as two 32-byte encodings. */
export interface EncodedCiphertext { alpha: Uint8Array; beta: Uint8Array }
/** A row: the k ciphertexts of one ballot's answer, shuffled together. */
export type Row = EncodedCiphertext[];

/** The packed form of a ciphertext of src/crypto/elgamal.ts (no copy: the points keep their encodings). */
export const encodedCiphertext = (ct: Ciphertext): EncodedCiphertext => ({ alpha: pointBytes(ct.alpha), beta: pointBytes(ct.beta) });

/** At most 2^24 rows of at most 1024 ciphertexts, and at most 2^24 ciphertexts in all (1 GiB packed). */
export const MAX_ROWS = 1 << 24;
export const MAX_WIDTH = 1024;
export const MAX_CIPHERTEXTS = 1 << 24;

export class MixnetFormatError extends Error {
  override name = 'MixnetFormatError';
}

/** Is b a canonical, non-identity ristretto255 encoding? */
export const isGoodPoint = (be: GroupBackend, b: Uint8Array): boolean =>
  b instanceof Uint8Array && b.length === 32 && !isIdentityBytes(b) && be.isValid(b);

/**
 * How points are checked: 'decode' decodes each (isValid) here; 'shape' checks only 32 bytes and not the
 * identity, for the verifier, whose every point is a term of one msm, which decodes each canonically and
 * throws otherwise (src/crypto/backend.ts): decoding twice would cost a quarter of the check.
 */
export type PointCheck = 'decode' | 'shape';

const pointOk = (be: GroupBackend, b: Uint8Array, check: PointCheck): boolean =>
  check === 'decode' ? isGoodPoint(be, b) : b instanceof Uint8Array && b.length === 32 && !isIdentityBytes(b);

/**
 * Checks rows (all of one width k >= 1, every component a canonical non-identity point) and returns
 * them packed: α_{1,1} β_{1,1} … α_{1,k} β_{1,k} α_{2,1} … (64·N·k bytes). Throws MixnetFormatError.
 */
export function packRows(be: GroupBackend, rows: unknown, what: string, check: PointCheck = 'decode'): { count: number; width: number; packed: Uint8Array } {
  if (!Array.isArray(rows)) throw new MixnetFormatError(`${what}: expected an array of rows`);
  const count = rows.length;
  if (count > MAX_ROWS) throw new MixnetFormatError(`${what}: more than ${MAX_ROWS} rows`);
  if (count === 0) return { count: 0, width: 0, packed: new Uint8Array(0) };
  const width = Array.isArray(rows[0]) ? rows[0].length : -1;
  if (width < 1 || width > MAX_WIDTH) throw new MixnetFormatError(`${what}: row 0 must hold 1 to ${MAX_WIDTH} ciphertexts`);
  if (count * width > MAX_CIPHERTEXTS) throw new MixnetFormatError(`${what}: more than ${MAX_CIPHERTEXTS} ciphertexts`);
  const packed = new Uint8Array(64 * count * width);
  for (let i = 0; i < count; i++) {
    const row = rows[i] as unknown;
    if (!Array.isArray(row) || row.length !== width) throw new MixnetFormatError(`${what}: row ${i} does not hold ${width} ciphertexts like row 0`);
    for (let j = 0; j < width; j++) {
      const ct = row[j] as Partial<EncodedCiphertext> | null;
      if (typeof ct !== 'object' || ct === null) throw new MixnetFormatError(`${what}: row ${i} column ${j} is not a ciphertext`);
      for (const [part, p] of [['alpha', ct.alpha], ['beta', ct.beta]] as const) {
        if (!(p instanceof Uint8Array) || !pointOk(be, p, check)) throw new MixnetFormatError(`${what}: row ${i} column ${j} ${part} is not ${check === 'decode' ? 'a canonical non-identity ristretto255 point' : '32 bytes, not the identity'}`);
      }
      packed.set(ct.alpha!, 64 * (i * width + j));
      packed.set(ct.beta!, 64 * (i * width + j) + 32);
    }
  }
  return { count, width, packed };
}

/** Rows from their packing (views into `packed`, not copies). */
export function unpackRows(packed: Uint8Array, count: number, width: number): Row[] {
  const rows: Row[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const row: Row = new Array(width);
    for (let j = 0; j < width; j++) {
      const at = 64 * (i * width + j);
      row[j] = { alpha: packed.subarray(at, at + 32), beta: packed.subarray(at + 32, at + 64) };
    }
    rows[i] = row;
  }
  return rows;
}

/** Rows as bytes: u32be(N) || u16be(k) || packed (k = 0 when N = 0). */
export function encodeRows(be: GroupBackend, rows: Row[]): Uint8Array {
  const { count, width, packed } = packRows(be, rows, 'rows');
  const out = new Uint8Array(6 + packed.length);
  new DataView(out.buffer).setUint32(0, count, false);
  new DataView(out.buffer).setUint16(4, width, false);
  out.set(packed, 6);
  return out;
}

export function decodeRows(be: GroupBackend, bytes: Uint8Array): Row[] {
  if (!(bytes instanceof Uint8Array) || bytes.length < 6) throw new MixnetFormatError('rows: shorter than the 6-byte header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, false);
  const width = view.getUint16(4, false);
  if (count > MAX_ROWS || width > MAX_WIDTH || count * width > MAX_CIPHERTEXTS || (count === 0) !== (width === 0)) throw new MixnetFormatError('rows: bad count or width');
  if (bytes.length !== 6 + 64 * count * width) throw new MixnetFormatError(`rows: expected ${6 + 64 * count * width} bytes for ${count} rows of ${width}, got ${bytes.length}`);
  const rows = unpackRows(bytes.slice(6), count, width);
  packRows(be, rows, 'rows'); // every point checked
  return rows;
}

/**
 * The proof of a shuffle of N rows of width k (docs/spec.md §18.5): the permutation commitment
 * c_1..c_N, the commitment chain ĉ_1..ĉ_N, the commitments t̂_1..t̂_N, t_1, t_2, t_3 and t_4 (one pair
 * per column), and the responses s_1, s_2, s_3, s_4 (one per column), ŝ_1..ŝ_N, s'_1..s'_N.
 */
export interface ShuffleProof {
  count: number;
  width: number;
  c: Uint8Array[];
  cHat: Uint8Array[];
  tHat: Uint8Array[];
  t1: Uint8Array;
  t2: Uint8Array;
  t3: Uint8Array;
  /** [t_{4,α,j}, t_{4,β,j}] for column j. */
  t4: [Uint8Array, Uint8Array][];
  s1: Scalar;
  s2: Scalar;
  s3: Scalar;
  s4: Scalar[];
  sHat: Scalar[];
  sPrime: Scalar[];
}

/** The size in bytes of the proof for N rows of width k: 6 + 160·N + 192 + 96·k (6 when N = 0). */
export const proofSize = (count: number, width: number): number => (count === 0 ? 6 : 6 + 160 * count + 192 + 96 * width);

export function encodeProof(p: ShuffleProof): Uint8Array {
  const { count: n, width: k } = p;
  const out = new Uint8Array(proofSize(n, k));
  const view = new DataView(out.buffer);
  view.setUint32(0, n, false);
  view.setUint16(4, n === 0 ? 0 : k, false);
  if (n === 0) return out;
  let at = 6;
  const point = (b: Uint8Array) => { out.set(b, at); at += 32; };
  const scalar = (s: Scalar) => { writeScalar(out, at, s); at += 32; };
  p.c.forEach(point); p.cHat.forEach(point); p.tHat.forEach(point);
  point(p.t1); point(p.t2); point(p.t3);
  for (const [a, b] of p.t4) { point(a); point(b); }
  scalar(p.s1); scalar(p.s2); scalar(p.s3);
  p.s4.forEach(scalar); p.sHat.forEach(scalar); p.sPrime.forEach(scalar);
  return out;
}

/**
 * Decodes a proof for `count` rows of `width`; throws MixnetFormatError naming the first thing wrong.
 * Points are views into `bytes`, each checked not the identity and (check 'decode') canonical.
 */
export function decodeProof(be: GroupBackend, bytes: unknown, count: number, width: number, check: PointCheck = 'decode'): ShuffleProof {
  if (!(bytes instanceof Uint8Array)) throw new MixnetFormatError('proof: expected bytes');
  if (bytes.length < 6) throw new MixnetFormatError('proof: shorter than the 6-byte header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, false);
  const k = view.getUint16(4, false);
  if (n !== count) throw new MixnetFormatError(`proof: made for ${n} rows, not ${count}`);
  if (k !== (count === 0 ? 0 : width)) throw new MixnetFormatError(`proof: made for rows of width ${k}, not ${width}`);
  const size = proofSize(n, k);
  if (bytes.length !== size) throw new MixnetFormatError(`proof: expected ${size} bytes, got ${bytes.length}`);
  const proof: ShuffleProof = { count: n, width: k, c: [], cHat: [], tHat: [], t1: bytes, t2: bytes, t3: bytes, t4: [], s1: 0n, s2: 0n, s3: 0n, s4: [], sHat: [], sPrime: [] };
  if (n === 0) return proof;
  let at = 6;
  const point = (what: string): Uint8Array => {
    const b = bytes.subarray(at, at + 32);
    if (!pointOk(be, b, check)) throw new MixnetFormatError(`proof: ${what} is not ${check === 'decode' ? 'a canonical non-identity ristretto255 point' : 'a point other than the identity'}`);
    at += 32;
    return b;
  };
  const scalar = (what: string): Scalar => {
    const s = readScalar(bytes, at);
    if (s === null) throw new MixnetFormatError(`proof: ${what} is not a scalar below the group order`);
    at += 32;
    return s;
  };
  for (let i = 0; i < n; i++) proof.c.push(point(`c[${i}]`));
  for (let i = 0; i < n; i++) proof.cHat.push(point(`ĉ[${i}]`));
  for (let i = 0; i < n; i++) proof.tHat.push(point(`t̂[${i}]`));
  proof.t1 = point('t1'); proof.t2 = point('t2'); proof.t3 = point('t3');
  for (let j = 0; j < k; j++) proof.t4.push([point(`t4[${j}].α`), point(`t4[${j}].β`)]);
  proof.s1 = scalar('s1'); proof.s2 = scalar('s2'); proof.s3 = scalar('s3');
  for (let j = 0; j < k; j++) proof.s4.push(scalar(`s4[${j}]`));
  for (let i = 0; i < n; i++) proof.sHat.push(scalar(`ŝ[${i}]`));
  for (let i = 0; i < n; i++) proof.sPrime.push(scalar(`s'[${i}]`));
  return proof;
}
