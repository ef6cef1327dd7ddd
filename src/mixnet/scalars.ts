// Scalars as 32 little-endian bytes, written into and read from packed buffers without a copy per
// scalar (the proof and the multi-scalar multiplications move millions of them).
import { ORDER, type Scalar } from '../crypto/group.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Writes s (0 <= s < q) at out[offset..offset+32) little-endian. */
export function writeScalar(out: Uint8Array, offset: number, s: Scalar): void {
  const hex = s.toString(16).padStart(64, '0');
  for (let i = 0; i < 32; i++) out[offset + i] = parseInt(hex.slice(62 - 2 * i, 64 - 2 * i), 16);
}

/** The scalar at bytes[offset..offset+32) little-endian, or null when it is not < q (not canonical). */
export function readScalar(bytes: Uint8Array, offset: number): Scalar | null {
  let hex = '0x';
  for (let i = 31; i >= 0; i--) hex += HEX[bytes[offset + i]!]!;
  const s = BigInt(hex);
  return s < ORDER ? s : null;
}

/** The unsigned little-endian integer of bytes[offset..offset+length). */
export function readUnsignedLE(bytes: Uint8Array, offset: number, length: number): bigint {
  let hex = '0x';
  for (let i = length - 1; i >= 0; i--) hex += HEX[bytes[offset + i]!]!;
  return BigInt(hex);
}
