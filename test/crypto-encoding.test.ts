// Encodings and hashes: one value has exactly one encoding, and everything else is refused.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson, EncodingError, fromBase64Url, fromHex, toBase64Url, toHex } from '../src/crypto/encoding.js';
import { hashHex, hashToScalar, taggedBytes } from '../src/crypto/hash.js';
import {
  baseMul, decodePoint, decodePublicKey, decodeScalar, encodePoint, encodeScalar, IDENTITY, ORDER, randomScalar, scalarFromWideBytes,
  toScalarBytes, withRandomSource,
} from '../src/crypto/group.js';

/** JSON values canonical JSON accepts: safe integers only. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null), fc.boolean(), fc.maxSafeInteger(), fc.integer(), fc.string({ unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 4 }),
    // ("__proto__" keys are covered by the vectors; fast-check builds them differently from JSON.parse.)
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }).filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;

const le = (bytes: Uint8Array) => bytes.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);

describe('canonical JSON', () => {
  test('parses back to the same value, is a fixed point, and ignores key order', () => {
    fc.assert(fc.property(jsonValue, (v) => {
      const text = canonicalJson(v);
      assert.deepEqual(JSON.parse(text), v);
      assert.equal(canonicalJson(JSON.parse(text)), text);
      const reordered = JSON.parse(text, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x));
      assert.equal(canonicalJson(reordered), text);
      assert.ok(!/[\n\r\t ]/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '')), 'no whitespace outside strings');
    }), { numRuns: 300 });
  });

  test('agrees with JSON.stringify on sorted, integer-only values', () => {
    fc.assert(fc.property(jsonValue, (v) => {
      const sorted = JSON.parse(JSON.stringify(v), (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
      assert.equal(canonicalJson(v), JSON.stringify(sorted));
    }), { numRuns: 300 });
  });

  test('refuses what has no single encoding', () => {
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    class Thing { a = 1; }
    const refused: [string, unknown][] = [
      ['fraction', 0.5], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['2^53', 2 ** 53], ['-(2^53)', -(2 ** 53)],
      ['bigint', 1n], ['undefined', undefined], ['function', () => 1], ['symbol', Symbol('s')],
      ['Date', new Date(0)], ['Map', new Map()], ['Uint8Array', new Uint8Array(2)], ['class instance', new Thing()],
      ['sparse array', sparse], ['undefined in an array', [undefined]], ['fraction deep inside', { a: [{ b: 1.5 }] }],
    ];
    for (const [what, v] of refused) assert.throws(() => canonicalJson(v), EncodingError, what);
  });

  test('absent and undefined fields are the same; null-prototype objects are plain', () => {
    assert.equal(canonicalJson({ a: 1, b: undefined }), '{"a":1}');
    const o = Object.create(null) as Record<string, number>;
    o.b = 2;
    o.a = 1;
    assert.equal(canonicalJson(o), '{"a":1,"b":2}');
    assert.equal(canonicalJson(-0), '0');
  });

  test('nesting: 64 levels below the root are allowed, 65 are not', () => {
    const nest = (n: number): unknown => (n === 0 ? 0 : [nest(n - 1)]);
    assert.equal(canonicalJson(nest(64)), '['.repeat(64) + '0' + ']'.repeat(64));
    assert.throws(() => canonicalJson(nest(65)), EncodingError);
  });
});

describe('base64url and hex', () => {
  test('round trip for any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 70 }), (bytes) => {
      const text = toBase64Url(bytes);
      assert.equal(text, Buffer.from(bytes).toString('base64url'));
      assert.deepEqual(fromBase64Url(text, bytes.length), bytes);
      assert.deepEqual(fromHex(toHex(bytes), bytes.length), bytes);
    }));
  });

  test('any text of the right length decodes only if it is the canonical encoding of its bytes', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= '.split('');
    fc.assert(fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 43, maxLength: 43 }), (chars) => {
      const text = chars.join('');
      let bytes: Uint8Array | null = null;
      try { bytes = fromBase64Url(text, 32); } catch (e) { assert.ok(e instanceof EncodingError); }
      if (bytes) assert.equal(toBase64Url(bytes), text);
      else assert.ok(/[+/= ]/.test(text) || !'AEIMQUYcgkosw048'.includes(text[42]!), 'a canonical text was refused');
    }), { numRuns: 500 });
  });

  test('wrong lengths, padding, foreign characters and non-strings are refused', () => {
    const good = toBase64Url(new Uint8Array(32).fill(7));
    for (const bad of [good + '=', good.slice(1), good + 'A', good.replace(/.$/, 'x'), ` ${good.slice(1)}`, `${good.slice(0, 10)}.${good.slice(11)}`]) {
      assert.throws(() => fromBase64Url(bad, 32), EncodingError, bad);
    }
    for (const bad of [null, undefined, 42, new Uint8Array(32), [good]]) assert.throws(() => fromBase64Url(bad, 32), EncodingError);
    for (const bad of ['AB', 'ab'.repeat(31) + 'AB', 'ab'.repeat(31) + 'g0', 12]) assert.throws(() => fromHex(bad, 32), EncodingError);
  });
});

describe('points and scalars', () => {
  test('random 32 bytes: a point decodes only from its own canonical encoding', () => {
    let valid = 0;
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
      const text = toBase64Url(bytes);
      try {
        const p = decodePoint(text);
        valid++;
        assert.equal(encodePoint(p), text);
      } catch (e) {
        assert.ok(e instanceof EncodingError);
      }
    }), { numRuns: 400 });
    // About 1 in 8 random strings are valid encodings (canonical, non-negative, square): both paths ran.
    assert.ok(valid > 0 && valid < 400);
  });

  test('every point has one encoding: the same bytes with the unused top bit set are refused', () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: ORDER - 1n }), (k) => {
      const high = Uint8Array.from(baseMul(k).toBytes());
      high[31]! |= 0x80;
      assert.throws(() => decodePoint(toBase64Url(high)), EncodingError);
    }), { numRuns: 50 });
  });

  test('the identity is a point but never a public key', () => {
    const text = encodePoint(IDENTITY);
    assert.equal(text, 'A'.repeat(43));
    assert.ok(decodePoint(text).is0());
    assert.throws(() => decodePublicKey(text), EncodingError);
    assert.throws(() => decodePoint(42), EncodingError);
  });

  test('scalars: 32 bytes little-endian, accepted exactly when < q', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
      const x = le(bytes);
      const text = toBase64Url(bytes);
      if (x < ORDER) assert.equal(decodeScalar(text), x);
      else assert.throws(() => decodeScalar(text), EncodingError);
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: ORDER - 1n }), (x) => {
      assert.equal(decodeScalar(encodeScalar(x)), x);
      assert.equal(le(toScalarBytes(x)), x);
    }));
    for (const x of [ORDER, ORDER + 1n, 2n ** 256n - 1n]) assert.throws(() => decodeScalar(toBase64Url(toScalarBytesWide(x))), EncodingError);
  });

  test('wide reduction: 64 bytes little-endian mod q', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (bytes) => {
      assert.equal(scalarFromWideBytes(bytes), le(bytes) % ORDER);
    }));
  });
});

function toScalarBytesWide(x: bigint): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) { b[i] = Number(x & 0xffn); x >>= 8n; }
  return b;
}

describe('domain-separated hashes', () => {
  test('the tag, the separator and the canonical encoding are all hashed', () => {
    fc.assert(fc.property(jsonValue, fc.constantFrom('event', 'credential', 'ballot/option', 'ballot/sum', 'trustee/decryption'), (v, tag) => {
      const bytes = taggedBytes(tag, v);
      assert.equal(Buffer.from(bytes).toString('utf8'), `veche/v2/${tag}\u0000${canonicalJson(v)}`);
      assert.notEqual(hashHex(tag, v), hashHex(`${tag}x`, v));
      assert.notEqual(hashToScalar(tag, v), hashToScalar('other', v));
      assert.ok(hashToScalar(tag, v) < ORDER);
      assert.match(hashHex(tag, v), /^[0-9a-f]{64}$/);
    }), { numRuns: 100 });
  });

  test('the same content in another key order hashes the same; a different content does not', () => {
    assert.equal(hashHex('event', { a: 1, b: [2, 3] }), hashHex('event', { b: [2, 3], a: 1 }));
    assert.notEqual(hashHex('event', { a: 1, b: [2, 3] }), hashHex('event', { a: 1, b: [3, 2] }));
    assert.notEqual(hashHex('event', '1'), hashHex('event', 1));
  });

  test('a value that cannot be encoded canonically cannot be hashed', () => {
    assert.throws(() => hashHex('event', { a: 0.5 }), EncodingError);
    assert.throws(() => hashToScalar('event', { a: 1n }), EncodingError);
  });
});

describe('withRandomSource (test-only hook)', () => {
  test('replaces the CSPRNG only inside fn, and restores it on error', () => {
    const fixed = () => { const b = new Uint8Array(64); b[0] = 5; return b; };
    assert.equal(withRandomSource(() => randomScalar(), fixed), 5n);
    assert.throws(() => withRandomSource(() => { throw new Error('inside'); }, fixed), /inside/);
    assert.notEqual(randomScalar(), 5n);
    assert.throws(() => withRandomSource(() => Promise.resolve(1), fixed), /synchronous/);
    assert.notEqual(randomScalar(), 5n);
  });

  test('a zero draw is skipped: randomScalar never returns 0', () => {
    const draws = [new Uint8Array(64), new Uint8Array(64)];
    draws[1]![0] = 9;
    let i = 0;
    assert.equal(withRandomSource(() => randomScalar(), () => draws[i++]!), 9n);
    assert.equal(i, 2);
  });
});

test('fromBase64Url accepts exactly the canonical texts (checked against Buffer on any text of the right length)', () => {
  const chars = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', '=', '+', '/', 'é', '\ud800'];
  fc.assert(fc.property(fc.integer({ min: 0, max: 70 }), fc.array(fc.constantFrom(...chars), { maxLength: 100 }), (length, picked) => {
    const need = Math.ceil((length * 4) / 3);
    const text = (picked.join('') + 'A'.repeat(need)).slice(0, need);
    const canonical = /^[A-Za-z0-9_-]*$/.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text && Buffer.from(text, 'base64url').length === length;
    let got: Uint8Array | null = null;
    try { got = fromBase64Url(text, length); } catch (e) { assert.ok(e instanceof EncodingError); }
    assert.equal(got !== null, canonical, JSON.stringify(text));
    if (got) assert.equal(Buffer.from(got).toString('hex'), Buffer.from(text, 'base64url').toString('hex'));
  }), { numRuns: 3000 });
  // Trailing bits that are not zero: the same bytes under Buffer, refused here.
  assert.throws(() => fromBase64Url('AB', 1), /non-canonical/);
  assert.throws(() => fromBase64Url('AAB', 2), /non-canonical/);
  assert.equal(toBase64Url(new Uint8Array(10000).fill(7)), Buffer.from(new Uint8Array(10000).fill(7)).toString('base64url'));
});
