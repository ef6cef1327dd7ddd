// Canonical encodings: every hashed or signed value is turned into bytes exactly one way.

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_INDEX = new Map([...B64URL].map((ch, i) => [ch, i]));

// Pure implementations, no Buffer: the same modules run in the voter's browser.

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!;
  }
  if (bytes.length - i === 1) {
    const n = bytes[i]! << 16;
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]!;
  } else if (bytes.length - i === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]!;
  }
  return out;
}

/** Strict base64url decoding: only the canonical encoding of exactly `length` bytes is accepted. */
export function fromBase64Url(text: unknown, length: number, what = 'value'): Uint8Array {
  if (typeof text !== 'string') throw new EncodingError(`${what}: expected a base64url string`);
  const expectedChars = Math.ceil((length * 4) / 3);
  if (text.length !== expectedChars) throw new EncodingError(`${what}: expected ${length} bytes of base64url (${expectedChars} characters), got ${text.length} characters`);
  for (const ch of text) if (!B64URL_INDEX.has(ch)) throw new EncodingError(`${what}: invalid base64url character`);
  const bytes = new Uint8Array(length);
  let acc = 0;
  let bits = 0;
  let j = 0;
  for (const ch of text) {
    acc = ((acc << 6) | B64URL_INDEX.get(ch)!) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (j < length) bytes[j++] = (acc >> bits) & 0xff;
    }
  }
  // Reject non-canonical trailing bits so that one value has one text.
  if (bytes.length !== length || toBase64Url(bytes) !== text) throw new EncodingError(`${what}: non-canonical base64url`);
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
