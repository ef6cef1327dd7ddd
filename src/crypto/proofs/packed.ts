// The packed proof encoding (docs/spec.md §4.4): one base64url text of fixed layout — every commitment
// point (32 bytes, canonical ristretto255), then every written branch challenge (16 bytes, little-endian,
// so always < 2^128), then every response (32 bytes, little-endian, < q). The layout is fixed by the
// statement's shape, so a text of any other length is refused, and each value has one encoding: the
// canonical form is unique.
import type { GroupBackend } from '../backend.js';
import { fromBase64Url, toBase64Url, EncodingError } from '../encoding.js';
import { ORDER, type Scalar } from '../group.js';

export const POINT_BYTES = 32;
export const CHALLENGE_BYTES = 16;
export const SCALAR_BYTES = 32;
export const CHALLENGE_LIMIT = 1n << 128n;

export interface PackedShape { points: number; challenges: number; scalars: number }

export const packedLength = (s: PackedShape): number => POINT_BYTES * s.points + CHALLENGE_BYTES * s.challenges + SCALAR_BYTES * s.scalars;

export interface Unpacked {
  /** The commitment points, each a view of 32 bytes, each checked canonical. */
  points: Uint8Array[];
  /** The bytes of all the points, as hashed. */
  pointBytes: Uint8Array;
  challenges: bigint[];
  scalars: Scalar[];
}

function readLE(bytes: Uint8Array, at: number, length: number): bigint {
  let x = 0n;
  for (let i = length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[at + i]!);
  return x;
}

/** Decodes a packed text of exactly `shape`; every point must be canonical, every response < q. */
export function unpack(text: unknown, shape: PackedShape, be: GroupBackend, what = 'proof'): Unpacked {
  const bytes = fromBase64Url(text, packedLength(shape), what);
  const points: Uint8Array[] = new Array(shape.points);
  for (let i = 0; i < shape.points; i++) {
    const p = bytes.subarray(POINT_BYTES * i, POINT_BYTES * (i + 1));
    if (!be.isValid(p)) throw new EncodingError(`${what}: commitment ${i} is not a canonical ristretto255 point`);
    points[i] = p;
  }
  let at = POINT_BYTES * shape.points;
  const challenges: bigint[] = new Array(shape.challenges);
  for (let i = 0; i < shape.challenges; i++, at += CHALLENGE_BYTES) challenges[i] = readLE(bytes, at, CHALLENGE_BYTES);
  const scalars: Scalar[] = new Array(shape.scalars);
  for (let i = 0; i < shape.scalars; i++, at += SCALAR_BYTES) {
    const z = readLE(bytes, at, SCALAR_BYTES);
    if (z >= ORDER) throw new EncodingError(`${what}: response ${i} is not reduced mod q`);
    scalars[i] = z;
  }
  return { points, pointBytes: bytes.subarray(0, POINT_BYTES * shape.points), challenges, scalars };
}

function writeLE(out: Uint8Array, at: number, length: number, x: bigint): void {
  for (let i = 0; i < length; i++) { out[at + i] = Number(x & 0xffn); x >>= 8n; }
}

/** The packed text; refuses a challenge >= 2^128 or a response >= q (there is no second encoding). */
export function pack(points: Uint8Array[], challenges: bigint[], scalars: Scalar[]): string {
  const out = new Uint8Array(packedLength({ points: points.length, challenges: challenges.length, scalars: scalars.length }));
  points.forEach((p, i) => {
    if (p.length !== POINT_BYTES) throw new Error('pack: a point is 32 bytes');
    out.set(p, POINT_BYTES * i);
  });
  let at = POINT_BYTES * points.length;
  for (const c of challenges) {
    if (c < 0n || c >= CHALLENGE_LIMIT) throw new Error('pack: a branch challenge must be below 2^128');
    writeLE(out, at, CHALLENGE_BYTES, c);
    at += CHALLENGE_BYTES;
  }
  for (const z of scalars) {
    if (z < 0n || z >= ORDER) throw new Error('pack: a response must be below q');
    writeLE(out, at, SCALAR_BYTES, z);
    at += SCALAR_BYTES;
  }
  return toBase64Url(out);
}

/** The base64url text of the points' bytes (what the ballot challenge hashes). */
export const pointsText = (u: Unpacked): string => toBase64Url(u.pointBytes);
