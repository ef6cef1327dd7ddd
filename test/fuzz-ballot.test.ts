// Fuzzing the ballot validator (the board's and the verifier's gate): arbitrary values, ballot-shaped
// junk, mutated real ballots, mutated ballots re-signed by their own voter, and mutated JSON text must
// all be refused with a BallotError: never accepted, never another exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkBallot, type BallotPublicContext } from '../src/ballot/check.js';
import { BallotError, type BallotJson } from '../src/ballot/types.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { trackingCode } from '../src/ballot/tracking.js';
import { signAnswers } from './helpers/ballot-forge.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { baseMul, randomScalar } from '../src/crypto/group.js';
import { canonicalJson, toHex } from '../src/crypto/encoding.js';
import { selectionGroups } from '../src/manifest/layout.js';
import { check, deepArray, FuzzStats, hostileValue, mutatedArb, regressions, runs, withOwnKey } from './helpers/fuzz.js';
import { simpleSelections, smallManifest } from './helpers/election-fixture.js';

const electionHash = toHex(crypto.getRandomValues(new Uint8Array(32)));
const publicKey = baseMul(randomScalar());
const ctx: BallotPublicContext = { electionHash, publicKey, groups: selectionGroups(smallManifest()) };
const voters = [0, 1, 2].map(() => credentialKeys(electionHash, newCredential()));
const ballots: BallotJson[] = voters.map((v, i) => encryptBallot(electionHash, publicKey, ctx.groups, simpleSelections(ctx.groups, i), v).ballot);
const stats = new FuzzStats('ballot validator');
const codes = new Map<string, number>();

const canonical = (v: unknown): string | null => { try { return canonicalJson(v); } catch { return null; } };
const ORIGINALS = new Set(ballots.map((b) => canonicalJson(b)));

/** The property of every input: a BallotError, unless it is (canonically) one of the real ballots. */
function mustRefuse(input: unknown): void {
  stats.executions++;
  let accepted;
  try {
    accepted = checkBallot(input, ctx);
  } catch (e) {
    if (!(e instanceof BallotError)) throw new Error(`not a BallotError: ${(e as Error)?.name}: ${(e as Error)?.message}`);
    stats.rejected++;
    codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
    return;
  }
  // Accepted: only right if the "mutation" left a real ballot as it was.
  const same = canonical(input);
  assert.ok(same !== null && ORIGINALS.has(same), 'a mutated ballot was accepted');
  assert.equal(accepted.trackingCode, trackingCode(input as BallotJson));
}

test('the real ballots are accepted (so the refusals below mean something)', () => {
  for (const b of ballots) assert.equal(checkBallot(structuredClone(b), ctx).credential, b.credential);
});

test('arbitrary values are refused with a BallotError', () => {
  check('ballot', fc.property(fc.oneof(fc.jsonValue(), fc.anything(), hostileValue), (v) => mustRefuse(v)), runs(300));
});

test('ballot-shaped junk (the right fields, wrong contents) is refused', () => {
  const b = ballots[0]!;
  const field = <T>(real: T) => fc.oneof({ arbitrary: fc.constant(real), weight: 2 }, { arbitrary: hostileValue, weight: 1 });
  const group = (g: number) => fc.record({ ct: field(b.answers[g]!.ct), proof: fc.oneof(field(b.answers[g]!.proof), fc.constant(ballots[1]!.answers[g]!.proof)) });
  const shaped = fc.record({
    election: field(b.election),
    credential: fc.oneof(field(b.credential), fc.constant(ballots[1]!.credential)),
    answers: fc.oneof(fc.tuple(group(0), group(1)), field(b.answers), fc.constant(ballots[1]!.answers)),
    signature: fc.oneof(field(b.signature), fc.constant(ballots[2]!.signature)),
  });
  check('ballot', fc.property(shaped, (v) => mustRefuse(v)), runs(300));
});

test('mutated real ballots are refused', () => {
  check('ballot', fc.property(fc.constantFrom(...ballots).chain((b) => mutatedArb(b, 4)), (v) => mustRefuse(v)), runs(500));
});

test('mutated ballots re-signed by their own voter (the voter is the attacker) fail their proofs', () => {
  // Besides generic mutations, leaf swaps: a string replaced by another string of any real ballot, so
  // that everything still decodes and the proofs themselves are what must fail.
  const leaves: string[] = [];
  const collect = (v: unknown): void => { if (typeof v === 'string') leaves.push(v); else if (v && typeof v === 'object') Object.values(v).forEach(collect); };
  ballots.forEach((b) => collect(b.answers));
  const leafSwap = (answers: unknown) => fc.array(fc.tuple(fc.nat(), fc.nat({ max: leaves.length - 1 })), { minLength: 1, maxLength: 3 }).map((swaps) => {
    const copy = structuredClone(answers);
    const slots: [Record<string | number, unknown>, string | number][] = [];
    const walk = (v: unknown): void => { if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { if (typeof x === 'string') slots.push([v as Record<string, unknown>, k]); else walk(x); } };
    walk(copy);
    for (const [at, leaf] of swaps) { const [obj, key] = slots[at % slots.length]!; obj[key] = leaves[leaf]; }
    return copy;
  });
  const arb = fc.nat({ max: ballots.length - 1 }).chain((i) => fc.oneof(mutatedArb(ballots[i]!.answers, 2), leafSwap(ballots[i]!.answers)).map((answers) => ({ i, answers })));
  // fc.assert, not check(): the input depends on this run's keys, so it cannot be kept as a regression.
  fc.assert(fc.property(arb, ({ i, answers }) => {
    const voter = voters[i]!;
    // Answers that cannot even be hashed cannot be signed; they are covered by the tests above.
    // Unchanged answers, re-signed, are a valid new ballot of the same voter (a re-vote): not a mutation.
    const text = canonical(answers);
    fc.pre(text !== null && text !== canonicalJson(ballots[i]!.answers));
    mustRefuse(signAnswers(electionHash, voter, answers as BallotJson['answers']));
  }), { numRuns: runs(40) });
});

test('mutated JSON text of a ballot (as the server receives it) is refused or unparseable', () => {
  const texts = ballots.map((b) => JSON.stringify(b));
  const arb = fc.record({ t: fc.nat({ max: texts.length - 1 }), pos: fc.nat(), len: fc.nat({ max: 8 }), insert: fc.string({ maxLength: 6 }) });
  check('ballot-text', fc.property(arb, ({ t, pos, len, insert }) => {
    const text = texts[t]!;
    const p = pos % text.length;
    const mutated = text.slice(0, p) + insert + text.slice(p + len);
    let value: unknown;
    try { value = JSON.parse(mutated); } catch { return; }
    mustRefuse(value);
  }), runs(400));
});

test('hostile shapes: deep nesting, prototype keys, huge arrays', () => {
  const b = ballots[0]!;
  const cases: unknown[] = [
    deepArray(100_000),
    { ...b, answers: deepArray(100_000) },
    { ...b, answers: [{ ...b.answers[0]!, ct: [deepArray(50_000)] }, b.answers[1]] },
    Object.assign(withOwnKey('__proto__', { election: electionHash }), { credential: b.credential, answers: b.answers, signature: b.signature }),
    JSON.parse(`{"__proto__":{"polluted":1},"election":"${b.election}","credential":"${b.credential}","answers":${JSON.stringify(b.answers)},"signature":${JSON.stringify(b.signature)}}`),
    { ...b, answers: new Array(1_000_000).fill(b.answers[0]) },
    { ...b, answers: [{ ...b.answers[0]!, ct: new Array(1_000_000).fill(b.answers[0]!.ct[0]) }, b.answers[1]] },
    { ...b, signature: { R: b.signature.slice(0, 43), z: b.signature.slice(43) } },
    { ...b, signature: b.signature + 'A' },
    { ...b, answers: [b.answers[0], b.answers[1], b.answers[1]] },
    { ...b, answers: [b.answers[1], b.answers[0]] },
  ];
  for (const c of cases) mustRefuse(c);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('saved regression inputs are refused', (t) => {
  const saved = [...regressions('ballot'), ...regressions('ballot-text')];
  for (const r of saved) {
    if (r.target === 'ballot-text') {
      let v: unknown;
      try { v = JSON.parse(r.input as string); } catch { continue; }
      mustRefuse(v);
    } else mustRefuse(r.input);
  }
  t.diagnostic(`${saved.length} saved inputs replayed`);
});

test('figures', (t) => {
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
  assert.ok(stats.rejected > 0);
  t.diagnostic(`${stats.summary()}; by reason: ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}`);
});
