// Canonical encodings: every hashed or signed value is turned into bytes exactly one way.

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Character code -> 6-bit value, -1 for anything else (a ballot decodes ~100 of these texts: table lookups).
const B64URL_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64URL_VALUE[B64URL.charCodeAt(i)] = i;

// Pure implementations, no Buffer: the same modules run in the voter's browser.

// The alphabet's character codes; the output is written as bytes and read back as one string by a
// windows-1252 ("latin1") TextDecoder, which maps ASCII to itself: ~4x faster than building the string
// by concatenation for a ballot's 3 KB of commitments (hashed as text).
const B64URL_CODES = Uint8Array.from(B64URL, (c) => c.charCodeAt(0));
const ASCII = new TextDecoder('latin1');

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil((n * 4) / 3));
  let j = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const x = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[j++] = B64URL_CODES[x >> 18]!; out[j++] = B64URL_CODES[(x >> 12) & 63]!;
    out[j++] = B64URL_CODES[(x >> 6) & 63]!; out[j++] = B64URL_CODES[x & 63]!;
  }
  if (n - i === 1) {
    const x = bytes[i]! << 16;
    out[j++] = B64URL_CODES[x >> 18]!; out[j++] = B64URL_CODES[(x >> 12) & 63]!;
  } else if (n - i === 2) {
    const x = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out[j++] = B64URL_CODES[x >> 18]!; out[j++] = B64URL_CODES[(x >> 12) & 63]!; out[j++] = B64URL_CODES[(x >> 6) & 63]!;
  }
  return ASCII.decode(out);
}

const sextet = (text: string, i: number): number => {
  const code = text.charCodeAt(i);
  return code < 128 ? B64URL_VALUE[code]! : -1;
};

/** Strict base64url decoding: only the canonical encoding of exactly `length` bytes is accepted. */
export function fromBase64Url(text: unknown, length: number, what = 'value'): Uint8Array {
  if (typeof text !== 'string') throw new EncodingError(`${what}: expected a base64url string`);
  const expectedChars = Math.ceil((length * 4) / 3);
  if (text.length !== expectedChars) throw new EncodingError(`${what}: expected ${length} bytes of base64url (${expectedChars} characters), got ${text.length} characters`);
  const bytes = new Uint8Array(length);
  let j = 0;
  let i = 0;
  for (; i + 3 < text.length; i += 4) {
    const a = sextet(text, i), b = sextet(text, i + 1), c = sextet(text, i + 2), d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) throw new EncodingError(`${what}: invalid base64url character`);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[j++] = n >> 16; bytes[j++] = (n >> 8) & 0xff; bytes[j++] = n & 0xff;
  }
  const rest = text.length - i; // 0, 2 or 3 characters: 0, 1 or 2 bytes
  if (rest > 0) {
    const a = sextet(text, i), b = sextet(text, i + 1), c = rest === 3 ? sextet(text, i + 2) : 0;
    if ((a | b | c) < 0) throw new EncodingError(`${what}: invalid base64url character`);
    // Reject non-canonical trailing bits so that one value has one text.
    if (rest === 2 ? (b & 15) !== 0 : (c & 3) !== 0) throw new EncodingError(`${what}: non-canonical base64url`);
    const n = (a << 18) | (b << 12) | (c << 6);
    bytes[j++] = n >> 16;
    if (rest === 3) bytes[j++] = (n >> 8) & 0xff;
  }
  return bytes;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]!;
  return out;
}

export function fromHex(text: unknown, length: number, what = 'value'): Uint8Array {
  if (typeof text !== 'string' || text.length !== length * 2 || !/^[0-9a-f]*$/.test(text)) {
    throw new EncodingError(`${what}: expected ${length} bytes as lowercase hex`);
  }
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

export class EncodingError extends Error {
  override name = 'EncodingError';
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * Canonical JSON (a subset of RFC 8785): objects with keys sorted by UTF-16 code units, no whitespace,
 * strings as JSON.stringify writes them, numbers only as safe integers. Floats, NaN, undefined,
 * functions, sparse arrays and non-plain objects are refused, so there is exactly one encoding.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, 0);
  return out.join('');
}

function write(value: unknown, out: string[], depth: number): void {
  if (depth > 64) throw new EncodingError('canonical JSON: nesting deeper than 64');
  if (value === null) { out.push('null'); return; }
  switch (typeof value) {
    case 'boolean': out.push(value ? 'true' : 'false'); return;
    case 'string': out.push(JSON.stringify(value)); return;
    case 'number':
      if (!Number.isSafeInteger(value)) throw new EncodingError(`canonical JSON: ${value} is not a safe integer`);
      out.push(Object.is(value, -0) ? '0' : String(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          if (!(i in value)) throw new EncodingError('canonical JSON: sparse array');
          write(value[i], out, depth + 1);
        }
        out.push(']');
        return;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new EncodingError('canonical JSON: only plain objects');
      const keys = Object.keys(value).sort();
      out.push('{');
      let first = true;
      for (const key of keys) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) continue; // absent and undefined are the same field
        if (!first) out.push(',');
        first = false;
        out.push(JSON.stringify(key), ':');
        write(v, out, depth + 1);
      }
      out.push('}');
      return;
    }
    default:
      throw new EncodingError(`canonical JSON: cannot encode ${typeof value}`);
  }
}
