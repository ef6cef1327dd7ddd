// Scalars as 32 little-endian bytes, written into and read from packed buffers without a copy per
// scalar (the proof and the multi-scalar multiplications move millions of them).
import { ORDER, type Scalar } from '../crypto/group.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
// The value of each hexadecimal digit's character code (toString(16) writes lowercase).
const NIBBLE = new Uint8Array(128);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;

/** Writes s (0 <= s < q) at out[offset..offset+32) little-endian. */
export function writeScalar(out: Uint8Array, offset: number, s: Scalar): void {
  const hex = s.toString(16).padStart(64, '0');
  for (let i = 0; i < 32; i++) out[offset + i] = (NIBBLE[hex.charCodeAt(62 - 2 * i)]! << 4) | NIBBLE[hex.charCodeAt(63 - 2 * i)]!;
}

/** The scalars packed, 32 bytes each little-endian (what the backend's batch operations take). */
export function packScalars(xs: readonly Scalar[]): Uint8Array {
  const out = new Uint8Array(32 * xs.length);
  for (let i = 0; i < xs.length; i++) writeScalar(out, 32 * i, xs[i]!);
  return out;
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
