// Ciphertext rows kept as bytes (the mixnet's packing, src/mixnet/encoding.ts: α then β, 32 bytes
// each, row after row): what the ranked checks keep between events. A row of the record's JSON costs
// ~250 bytes a ciphertext in V8, its packing 64; at national scale that is the verifier's memory.
import type { CiphertextJson } from '../crypto/elgamal.js';
import { fromBase64Url, toBase64Url } from '../crypto/encoding.js';
import { unpackRows, type Row } from '../mixnet/encoding.js';

/** `count` rows of `width` ciphertexts; ciphertext (i, j) at byte 64·(i·width + j). */
export interface PackedRows { count: number; width: number; bytes: Uint8Array }

/** Rows as the record writes them, checked to be [[α, β] × width] × N of 32-byte base64url texts
 *  (throws, naming `what`, row and column), packed. Not checked here: that the points are the group's. */
export function packJsonRows(rows: unknown, width: number, what: string): PackedRows {
  if (!Array.isArray(rows)) throw new Error(`${what}: expected an array of rows`);
  const bytes = new Uint8Array(64 * width * rows.length);
  rows.forEach((row: unknown, i) => packJsonRow(row, width, `${what}: row ${i}`, bytes, 64 * width * i));
  return { count: rows.length, width, bytes };
}

/** One row into `out` at `at` (64·width bytes). */
export function packJsonRow(row: unknown, width: number, what: string, out: Uint8Array, at: number): void {
  if (!Array.isArray(row) || row.length !== width) throw new Error(`${what} must hold ${width} ciphertexts`);
  row.forEach((c: unknown, j) => {
    if (!Array.isArray(c) || c.length !== 2) throw new Error(`${what} column ${j}: expected [alpha, beta]`);
    out.set(fromBase64Url(c[0], 32, `${what} column ${j} alpha`), at + 64 * j);
    out.set(fromBase64Url(c[1], 32, `${what} column ${j} beta`), at + 64 * j + 32);
  });
}

/** The rows as the mixnet takes them (views into the packing, not copies). */
export const rowsOf = (p: PackedRows): Row[] => unpackRows(p.bytes, p.count, p.width);

/** The rows as the record writes them (for a trustee's shuffle, src/ranked/trustee.ts). */
export function rowsJson(p: PackedRows): CiphertextJson[][] {
  return Array.from({ length: p.count }, (_, i) => Array.from({ length: p.width }, (_, j): CiphertextJson => {
    const at = 64 * (i * p.width + j);
    return [toBase64Url(p.bytes.subarray(at, at + 32)), toBase64Url(p.bytes.subarray(at + 32, at + 64))];
  }));
}

export const alphaAt = (p: PackedRows, i: number, j: number): Uint8Array => p.bytes.subarray(64 * (i * p.width + j), 64 * (i * p.width + j) + 32);
export const betaAt = (p: PackedRows, i: number, j: number): Uint8Array => p.bytes.subarray(64 * (i * p.width + j) + 32, 64 * (i * p.width + j) + 64);
