// The verifier's fast ballot check (encoded points, libsodium or noble) accepts exactly the ballots the
// reference checkBallot accepts: honest ballots, and forgeries made by changing any one field.
import { testDemoManifest } from './helpers/election.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { allBackends } from './helpers/backends.js';
import { baseMul, encodePoint, encodeScalar, randomScalar, ORDER } from '../src/crypto/group.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { checkBallot } from '../src/ballot/validate.js';

import { selectionGroups } from '../src/manifest/layout.js';
import { fastBallotValid, checkBallotForRecord } from '../src/verify/ballot-fast.js';

const manifest = testDemoManifest();
const groups = selectionGroups(manifest);
const electionHash = 'ab'.repeat(32);
const secret = randomScalar();
const publicKey = baseMul(secret);
const voter = () => { const s = randomScalar(); const P = baseMul(s); return { secret: s, publicKey: P, key: encodePoint(P) }; };
const selections = () => groups.map((g) => g.optionIds.map((_, i) => (i === 0 && g.min >= 1 ? 1 : 0)));
const ctx = { electionHash, publicKey: encodePoint(publicKey), groups };
const refAccepts = (b: unknown) => { try { checkBallot(b, { electionHash, publicKey, groups }); return true; } catch { return false; } };

/** Every path to a string leaf of the ballot, and the leaf. */
function leaves(x: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: string }[] {
  if (typeof x === 'string') return [{ path, value: x }];
  if (Array.isArray(x)) return x.flatMap((v, i) => leaves(v, [...path, i]));
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [];
}
function setAt(x: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(x) as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path[path.length - 1]!] = value;
  return copy;
}

test('fast ballot check = reference check, on honest ballots and single-field forgeries, every backend', async () => {
  const backends = await allBackends();
  const v = voter();
  const honest = encryptBallot(electionHash, publicKey, groups, selections(), v).ballot;
  const other = encryptBallot(electionHash, publicKey, groups, selections(), voter()).ballot;
  assert.ok(refAccepts(honest));
  for (const be of backends) assert.equal(fastBallotValid(honest, ctx, be), true, be.name);
  const all = leaves(honest);
  const otherLeaves = new Map(leaves(other).map((l) => [l.path.join('/'), l.value]));
  const replacements = (value: string, path: string) => [
    otherLeaves.get(path) ?? value, // the same field from another voter's ballot (valid encoding)
    encodeScalar((BigInt(value.length) * 7n + 1n) % ORDER), // another valid scalar
    encodePoint(baseMul(randomScalar())), // another valid point
    value.slice(0, -1) + (value.endsWith('A') ? 'B' : 'A'), // one character changed
    '', 5, null,
  ];
  fc.assert(fc.property(fc.integer({ min: 0, max: all.length - 1 }), fc.integer({ min: 0, max: 6 }), (leaf, kind) => {
    const { path, value } = all[leaf]!;
    const forged = setAt(honest, path, replacements(value, path.join('/'))[kind]);
    const expected = refAccepts(forged);
    for (const be of backends) assert.equal(fastBallotValid(forged, ctx, be), expected, `${be.name} ${path.join('/')} kind ${kind}`);
  }), { numRuns: 60 });
  // Structural forgeries: swapped ciphertexts, missing and extra fields, a whole answer from another ballot.
  const swapped = structuredClone(honest);
  [swapped.answers[0]!.ct[0], swapped.answers[0]!.ct[1]] = [swapped.answers[0]!.ct[1]!, swapped.answers[0]!.ct[0]!];
  const borrowed = structuredClone(honest);
  borrowed.answers[1] = other.answers[1]!;
  const extra = { ...structuredClone(honest), extra: 1 };
  const { signature: _s, ...unsigned } = structuredClone(honest);
  const identityCredential = { ...structuredClone(honest), credential: encodePoint(baseMul(0n)) };
  for (const forged of [swapped, borrowed, extra, unsigned, identityCredential, [], null, 'ballot']) {
    assert.equal(refAccepts(forged), false);
    for (const be of backends) assert.equal(fastBallotValid(forged, ctx, be), false);
    for (const be of backends.slice(1)) assert.equal(checkBallotForRecord(forged, ctx, be).ok, false);
  }
  // The verifier's result carries the reference's words for a rejection.
  const r = checkBallotForRecord(swapped, ctx, backends[1]!);
  let refMessage = '';
  try { checkBallot(swapped, { electionHash, publicKey, groups }); } catch (e) { refMessage = (e as Error).message; }
  assert.deepEqual(r, { ok: false, message: refMessage });
});
