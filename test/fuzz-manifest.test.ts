// Fuzzing the manifest reader (parseManifestJson), the first thing an admin's file meets: arbitrary
// text, arbitrary JSON, mutated real manifests (as values and as text), hostile numbers and shapes.
// It must return a manifest or throw a ManifestError, nothing else; what it returns must be a clean,
// canonically encodable manifest (the board hashes it) that validates again to itself.
import { testDemoManifest } from './helpers/election.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManifestError, parseManifestJson, validateManifest } from '../src/manifest/validate.js';

import { canonicalJson } from '../src/crypto/encoding.js';
import { check, FuzzStats, mutatedArb, regressions, runs } from './helpers/fuzz.js';
import { smallManifest, tinyManifest } from './helpers/election-fixture.js';

const stats = new FuzzStats('manifest reader');
let accepted = 0;
const seeds = [testDemoManifest(), smallManifest(), tinyManifest()];

function mustBeManifestOrError(text: string): void {
  stats.executions++;
  let m;
  try {
    m = parseManifestJson(text);
  } catch (e) {
    if (!(e instanceof ManifestError)) throw new Error(`not a ManifestError: ${(e as Error)?.name}: ${(e as Error)?.message}`);
    stats.rejected++;
    return;
  }
  accepted++;
  assert.equal(Object.getPrototypeOf(m), Object.prototype);
  assert.deepEqual(validateManifest(JSON.parse(canonicalJson(m))), m);
}

test('real manifests are accepted (so the refusals below mean something)', () => {
  for (const m of seeds) assert.deepEqual(parseManifestJson(JSON.stringify(m)), m);
});

test('arbitrary text and arbitrary JSON', () => {
  const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)));
  check('manifest-text', fc.property(text, mustBeManifestOrError), runs(500));
});

test('mutated real manifests (as values)', () => {
  check('manifest-text', fc.property(fc.constantFrom(...seeds).chain((m) => mutatedArb(m, 3)), (v) => {
    let text: string;
    try { text = JSON.stringify(v) ?? 'undefined'; } catch { return; }
    mustBeManifestOrError(text);
  }), runs(600), (a) => JSON.stringify(a[0]));
});

test('mutated real manifests (as text)', () => {
  const texts = seeds.map((m) => JSON.stringify(m, null, 1));
  const arb = fc.record({ t: fc.nat({ max: texts.length - 1 }), pos: fc.nat(), len: fc.nat({ max: 12 }), insert: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('1e400', '-0', '9007199254740993', '0.5', '"__proto__":{},', '"id":"x",', '[', '{', '\\u0000', '\ufeff')) });
  check('manifest-text', fc.property(arb, ({ t, pos, len, insert }) => {
    const text = texts[t]!;
    const p = pos % text.length;
    mustBeManifestOrError(text.slice(0, p) + insert + text.slice(p + len));
  }), runs(600), (a) => { const { t, pos, len, insert } = a[0]; const text = texts[t]!; const p = pos % text.length; return text.slice(0, p) + insert + text.slice(p + len); });
});

test('hostile numbers, shapes and keys', () => {
  const base = JSON.stringify(tinyManifest());
  const cases = [
    base.replace('"threshold":1', '"threshold":1e400'),
    base.replace('"threshold":1', '"threshold":9007199254740993'),
    base.replace('"threshold":1', '"threshold":-0'),
    base.replace('"threshold":1', '"threshold":1.0'),
    base.replace('"threshold":1', '"threshold":0.9999999999999999999'),
    base.replace('"threshold":1', '"threshold":"1"'),
    base.replace('"threshold":1', '"threshold":[1]'),
    base.replace('"threshold":1', '"threshold":null'),
    base.replace('{', '{"__proto__":{"polluted":1},'),
    base.replace('"questions":[{', '"questions":[{"__proto__":{"type":"choice"},'),
    base.replace('"id":"tiny"', '"id":"tiny","id":"other"'),
    base.replace('"id":"tiny"', '"id":"constructor"'),
    base.replace('"description":""', `"description":"${'x'.repeat(5_000_000)}"`),
    base.replace('"description":""', `"description":${'['.repeat(100_000)}${']'.repeat(100_000)}`),
    '['.repeat(1_000_000),
    '{"a":'.repeat(200_000),
    `"${'\\u0000'.repeat(10_000)}"`,
    '\ufeff\ufeff' + base,
    base + '\u0000',
  ];
  for (const c of cases) mustBeManifestOrError(c);
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
});

test('saved regression inputs', (t) => {
  const saved = regressions('manifest-text');
  for (const r of saved) mustBeManifestOrError(r.input as string);
  t.diagnostic(`${saved.length} saved inputs replayed`);
});

test('figures', (t) => {
  assert.ok(stats.rejected > 0);
  t.diagnostic(`${stats.summary()}; ${accepted} accepted (each re-validated to itself)`);
});
