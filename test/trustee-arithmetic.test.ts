// The trustee page's arithmetic (web/lib/trustee-mix-arithmetic.ts), bundled as its worker bundles it:
// libsodium's operations with noble's Pippenger for large multi-scalar multiplications. The composed
// backend must compute and refuse exactly what noble and libsodium do, on both sides of the threshold.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

interface Be { name: string; msm(p: Uint8Array, k: Uint8Array): Uint8Array; mulAddMany(n: number, parts: { a?: Uint8Array; p?: Uint8Array; b?: Uint8Array; q?: Uint8Array; vartime?: boolean }): Uint8Array; baseMul(k: bigint): Uint8Array; mul(p: Uint8Array, k: bigint): Uint8Array }
interface Mod {
  loadArithmetic(): Promise<{ name: string }>;
  backend(): Be;
  nobleBackend(): Be;
  NOBLE_MSM_FROM: number;
  trusteeBackend(b: Be): Be;
}

async function bundle(): Promise<{ m: Mod; done: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'veche-trustee-arith2-'));
  const out = join(dir, 'arith.mjs');
  writeFileSync(join(dir, 'entry.ts'), [
    `export { loadArithmetic, NOBLE_MSM_FROM, trusteeBackend } from ${JSON.stringify(join(ROOT, 'web', 'lib', 'trustee-mix-arithmetic.ts'))};`,
    `export { backend, nobleBackend } from ${JSON.stringify(join(ROOT, 'src', 'crypto', 'backend.ts'))};`,
  ].join('\n'));
  await build({ entryPoints: [join(dir, 'entry.ts')], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error', nodePaths: [join(ROOT, 'node_modules')] });
  return { m: (await import(pathToFileURL(out).href)) as Mod, done: () => rmSync(dir, { recursive: true, force: true }) };
}

const scalarBytes = (k: bigint): Uint8Array => { const b = new Uint8Array(32); for (let i = 0; i < 32; i++) { b[i] = Number(k & 255n); k >>= 8n; } return b; };
const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

describe('the trustee page\'s arithmetic: libsodium with noble\'s Pippenger for large msm', () => {
  it('gives noble\'s bytes and refusals: msm below and above the threshold, zero scalars and the identity included; the variable-time fixed-base products', async () => {
    const { m, done } = await bundle();
    try {
      assert.deepEqual(await m.loadArithmetic(), { name: 'sodium' });
      const be = m.backend(), noble = m.nobleBackend();
      assert.equal(be.name, 'sodium');
      for (const n of [3, m.NOBLE_MSM_FROM - 1, m.NOBLE_MSM_FROM, m.NOBLE_MSM_FROM + 17]) {
        const points = new Uint8Array(32 * n), scalars = new Uint8Array(32 * n);
        for (let i = 0; i < n; i++) {
          // The identity at 1, a zero scalar at 2, the largest scalar at 3, else spread values.
          points.set(i === 1 ? new Uint8Array(32) : noble.baseMul(BigInt(i) * 7919n + 3n), 32 * i);
          scalars.set(scalarBytes(i === 2 ? 0n : i === 3 ? ORDER - 1n : (BigInt(i) * 0x9e3779b97f4a7c15n ** 3n) % ORDER), 32 * i);
        }
        assert.deepEqual(be.msm(points, scalars), noble.msm(points, scalars), `${n} terms`);
        // A non-canonical point (all 0xff) is refused with the same words, with a zero scalar too.
        for (const k of [5n, 0n]) {
          const bad = points.slice(); bad.fill(0xff, 32 * (n - 1));
          const ks = scalars.slice(); ks.set(scalarBytes(k), 32 * (n - 1));
          assert.throws(() => be.msm(bad, ks), /msm: not a canonical ristretto255 point/, `${n} terms, scalar ${k}`);
          assert.throws(() => noble.msm(bad, ks), /msm: not a canonical ristretto255 point/);
        }
        // A non-canonical scalar (the group order itself) is refused too.
        const big = scalars.slice(); big.set(scalarBytes(ORDER), 0);
        assert.throws(() => be.msm(points, big), /msm/);
      }
      // mulAddMany's variable-time fixed-base products (noble, a table of p kept while p is the same):
      // g^a·p^b, p^b alone and g^a alone, zero scalars included, for two points p in turn.
      const n = 6;
      const a = new Uint8Array(32 * n), b = new Uint8Array(32 * n);
      for (let i = 0; i < n; i++) {
        a.set(scalarBytes(i === 0 ? 0n : (BigInt(i) * 0xdeadbeefcafen ** 4n) % ORDER), 32 * i);
        b.set(scalarBytes(i === 1 ? 0n : i === 2 ? ORDER - 1n : (BigInt(i) * 0x1234567n ** 9n) % ORDER), 32 * i);
      }
      for (const p of [noble.baseMul(99n), noble.baseMul(12345n), noble.baseMul(99n)]) {
        for (const parts of [{ a, p, b }, { p, b }, { a, p, b: new Uint8Array(32 * n) }]) {
          assert.deepEqual(be.mulAddMany(n, { ...parts, vartime: true }), noble.mulAddMany(n, parts));
        }
      }
      // A bad p, a wrong length, a non-canonical scalar: refused.
      assert.throws(() => be.mulAddMany(n, { a, p: new Uint8Array(32).fill(0xff), b, vartime: true }), /mulAddMany: not a canonical ristretto255 point/);
      assert.throws(() => be.mulAddMany(n + 1, { a, p: noble.baseMul(5n), b, vartime: true }), /mulAddMany: a must hold n entries/);
      const bigB = b.slice(); bigB.set(scalarBytes(ORDER), 32 * 3);
      assert.throws(() => be.mulAddMany(n, { a, p: noble.baseMul(5n), b: bigB, vartime: true }), /canonical/);
      // Only over libsodium's backend.
      assert.throws(() => m.trusteeBackend(noble), /libsodium's backend expected/);
    } finally {
      done();
    }
  });
});
