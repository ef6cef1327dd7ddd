// The batch check and the single check accept and reject exactly the same ballots (differential
// fuzzing): honest ballots mixed with forgeries a voter can make and sign — identity points, a branch
// challenge or a response set to 0, commitments and responses changed, a group's proof lifted from
// another ballot or another election, a ballot twice — and one bad proof among a thousand good ones.
// A batch that fails names the same ballots with the same messages as ballot-by-ballot checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkBallot, checkBallots, type BallotPublicContext, type BallotCheckResult } from '../src/ballot/check.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import type { BallotJson } from '../src/ballot/types.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { baseMul, encodePoint, ORDER, randomScalar } from '../src/crypto/group.js';
import { hashHex } from '../src/crypto/hash.js';
import { pack, CHALLENGE_LIMIT } from '../src/crypto/proofs/packed.js';
import { selectionGroups } from '../src/manifest/layout.js';
import { validateManifest } from '../src/manifest/validate.js';
import type { GroupBackend } from '../src/crypto/backend.js';
import { allBackends } from './helpers/backends.js';
import { keyed } from './helpers/election.js';
import { packProof, resign, signAnswers, unpackProof } from './helpers/ballot-forge.js';

const manifest = validateManifest(keyed({
  id: 'batch-test', title: 'Batch test', description: '', languages: ['en'],
  questions: [
    { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'ann', label: 'Ann' }, { id: 'bob', label: 'Bob' }], allowBlank: true, absoluteMajority: false },
    { type: 'approval', id: 'projects', title: 'Projects', options: [{ id: 'p1', label: 'P1' }, { id: 'p2', label: 'P2' }, { id: 'p3', label: 'P3' }], min: 0, max: 2, winners: 1 },
    { type: 'motion', id: 'fee', title: 'Fee', quorum: { num: 1, den: 2 }, threshold: { num: 1, den: 2 }, strict: true },
  ],
  trustees: [{ id: 't1', name: 'T1' }],
  threshold: 1,
}));
const groups = selectionGroups(manifest);
const ELECTION = hashHex('test/election', 'batch-test');
const OTHER = hashHex('test/election', 'batch-test-other');
const h = baseMul(randomScalar());
const ctx: BallotPublicContext = { electionHash: ELECTION, publicKey: encodePoint(h), groups };
const pick = (k: number) => groups.map((g, gi) => g.optionIds.map((_, i) => (g.max === 1 ? (i === (k + gi) % (g.optionIds.length + (g.min === 0 ? 1 : 0)) ? 1 : 0) : (k >> i) & 1 && i < 2 ? 1 : 0)));
const voters = Array.from({ length: 6 }, () => credentialKeys(ELECTION, newCredential()));
const honest: BallotJson[] = voters.map((v, k) => encryptBallot(ELECTION, h, groups, pick(k), v).ballot);
const otherVoter = credentialKeys(OTHER, newCredential());
const foreign = encryptBallot(OTHER, h, groups, pick(1), otherVoter).ballot;
const IDENTITY_TEXT = 'A'.repeat(43);

const single = (b: unknown, be: GroupBackend): BallotCheckResult => {
  try {
    const c = checkBallot(b, ctx, be);
    return { ok: true, credential: c.credential, trackingCode: c.trackingCode };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
};

/** A forgery of ballot k by its own voter (re-signed), or by someone who cannot sign (not re-signed). */
type Forgery = (k: number, n: number, resigned: boolean) => unknown;
const voterOf = (k: number) => voters[k % voters.length]!;
const edit = (k: number, resigned: boolean, f: (b: BallotJson) => void): BallotJson => {
  const b = structuredClone(honest[k % honest.length]!);
  f(b);
  return resigned ? resign(b, voterOf(k)) : b;
};
const editProof = (k: number, n: number, resigned: boolean, f: (parts: ReturnType<typeof unpackProof>, at: number) => void) => edit(k, resigned, (b) => {
  const g = n % groups.length;
  const parts = unpackProof(b.answers[g]!.proof, groups[g]!);
  f(parts, Math.floor(n / groups.length));
  b.answers[g]!.proof = packProof(parts);
});
const forgeries: Record<string, Forgery> = {
  honest: (k) => structuredClone(honest[k % honest.length]!),
  'identity ciphertext point': (k, n, r) => edit(k, r, (b) => { const g = b.answers[n % groups.length]!; g.ct[n % g.ct.length]![n % 2] = IDENTITY_TEXT; }),
  'identity commitment': (k, n, r) => editProof(k, n, r, (p, at) => { const list = p.points[at % p.points.length]!; list[at % list.length] = new Uint8Array(32); }),
  'identity signature commitment': (k) => { const b = structuredClone(honest[k % honest.length]!); b.signature = IDENTITY_TEXT + b.signature.slice(43); return b; },
  'branch challenge 0': (k, n, r) => editProof(k, n, r, (p, at) => { const list = p.challenges[at % p.challenges.length]!; if (list.length) list[at % list.length] = 0n; }),
  'branch challenge 2^128 − 1': (k, n, r) => editProof(k, n, r, (p, at) => { const list = p.challenges[at % p.challenges.length]!; if (list.length) list[at % list.length] = CHALLENGE_LIMIT - 1n; }),
  'response 0': (k, n, r) => editProof(k, n, r, (p, at) => { const list = p.responses[at % p.responses.length]!; list[at % list.length] = 0n; }),
  'response + 1': (k, n, r) => editProof(k, n, r, (p, at) => { const list = p.responses[at % p.responses.length]!; list[at % list.length] = (list[at % list.length]! + 1n) % ORDER; }),
  'commitments of two branches swapped': (k, n, r) => editProof(k, n, r, (p, at) => { const list = p.points[at % p.points.length]!; list.reverse(); }),
  'a group lifted from another ballot': (k, n, r) => edit(k, r, (b) => { const g = n % groups.length; b.answers[g] = structuredClone(honest[(k + 1) % honest.length]!.answers[g]!); }),
  'a group lifted from another election': (k, n, r) => edit(k, r, (b) => { const g = n % groups.length; b.answers[g] = structuredClone(foreign.answers[g]!); }),
  'a whole ballot from another election, re-addressed and re-signed': () => signAnswers(ELECTION, otherVoter, structuredClone(foreign.answers)),
  'signature of another ballot': (k) => ({ ...structuredClone(honest[k % honest.length]!), signature: honest[(k + 1) % honest.length]!.signature }),
  'a byte of a proof flipped': (k, n, r) => edit(k, r, (b) => { const g = b.answers[n % groups.length]!; const bytes = Buffer.from(g.proof, 'base64url'); bytes[n % bytes.length]! ^= 1 << (n % 8); g.proof = bytes.toString('base64url'); }),
};
const names = Object.keys(forgeries);

test('batch and single checks agree on honest ballots and every kind of forgery, on every backend', async () => {
  const backends = await allBackends();
  const fast = backends[backends.length - 1]!;
  for (const b of honest) assert.equal(single(b, fast).ok, true, 'an honest ballot is refused');
  const entry = fc.tuple(fc.constantFrom(...names), fc.nat({ max: 5 }), fc.nat({ max: 200 }), fc.boolean());
  fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), fc.boolean(), (entries, duplicate) => {
    const batch = entries.map(([name, k, n, r]) => forgeries[name]!(k, n, r));
    if (duplicate) batch.push(structuredClone(batch[0]));
    const expected = batch.map((b) => single(b, fast));
    assert.deepEqual(checkBallots(batch, ctx, fast), expected);
    // Every forgery kind is refused (honest ones, and a duplicate, are the verifier's uniqueness check).
    entries.forEach(([name], i) => { if (name !== 'honest') assert.equal(expected[i]!.ok, false, `${name} accepted`); });
  }), { numRuns: 30 });
  // noble and libsodium WASM give the same answers on a smaller run.
  for (const be of backends.slice(0, -1)) {
    const batch = names.map((name, i) => forgeries[name]!(i, 7 * i + 3, i % 2 === 0));
    assert.deepEqual(checkBallots(batch, ctx, be), batch.map((b) => single(b, fast)), be.name);
  }
});

test('a branch challenge of 2^128 or more has no encoding; a 17-byte challenge field is a text of the wrong length', () => {
  assert.throws(() => pack([new Uint8Array(32)], [CHALLENGE_LIMIT], [1n]), /below 2\^128/);
  assert.throws(() => pack([], [], [ORDER]), /below q/);
  const b = structuredClone(honest[0]!);
  const bytes = Buffer.from(b.answers[1]!.proof, 'base64url');
  const at = 32 * (4 * 3 + 2 * 3); // after the approval group's commitments: its first challenge
  const longer = Buffer.concat([bytes.subarray(0, at + 16), Buffer.from([1]), bytes.subarray(at + 16)]);
  b.answers[1]!.proof = longer.toString('base64url');
  assert.throws(() => checkBallot(resign(b, voters[0]!), ctx), /proof: expected/);
});

test('one bad proof among a thousand good ballots: the batch names that ballot alone', async () => {
  const backends = await allBackends();
  const be = backends[backends.length - 1]!;
  const batch: unknown[] = Array.from({ length: 1000 }, (_, i) => honest[i % honest.length]!);
  const bad = editProof(3, 1, true, (p) => { p.responses[0]![1] = (p.responses[0]![1]! + 1n) % ORDER; });
  batch[617] = bad;
  const results = checkBallots(batch, ctx, be);
  const refused = results.flatMap((r, i) => (r.ok ? [] : [i]));
  assert.deepEqual(refused, [617]);
  assert.match((results[617] as { message: string }).message, /projects, option p1: the proof that it encrypts 0 or 1 fails/);
  assert.ok(checkBallots(batch.filter((_, i) => i !== 617).slice(0, 200), ctx, be).every((r) => r.ok));
});
