// The mixnet's transcript, generators, permutation and encodings (docs/spec.md §18.3-§6, §8):
// a proof whose Fiat–Shamir hash leaves out any one public input is refused; the generators are
// RFC 9496 element derivations that noble and libsodium compute alike; the permutation is uniform; and
// the fixed test vectors (a seeded random stream → fixed output and proof bytes) hold on every backend.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from '@noble/hashes/sha2.js';
import { shake256 } from '@noble/hashes/sha3.js';
import { backend, nobleBackend, setBackend } from '../src/crypto/backend.js';
import { loadSodiumBackend } from '../src/crypto/backend-sodium.js';
import { fromHex, toHex, utf8 } from '../src/crypto/encoding.js';
import { shuffle, checkShuffle, prepareGenerators, encodeRows, decodeRows, MixnetFormatError, type Row, type ShuffleContext } from '../src/mixnet/index.js';
import { deriveGenerators, generatorSeed, nobleDerive } from '../src/mixnet/generators.js';
import { decodeProof, encodeProof, packRows, unpackRows } from '../src/mixnet/encoding.js';
import { proveShuffle, randomScalarFrom } from '../src/mixnet/proof.js';
import { bufferedRandom, isPermutation, randomPermutation, uniformBelow, type RandomBytes } from '../src/mixnet/permutation.js';
import { TRANSCRIPT, transcriptWithout, type TranscriptPart } from '../src/mixnet/transcript.js';
import { allBackends } from './helpers/backends.js';

const CTX: ShuffleContext = { election: '5a'.repeat(32), question: 'ranked-1', mixer: 'trustee-1', position: 0 };

/** A seeded random stream (SHAKE256 of the label): the test vectors' only source of randomness. */
function stream(label: string): RandomBytes {
  const bytes = shake256(utf8(label), { dkLen: 1 << 16 });
  let at = 0;
  return (n) => {
    if (at + n > bytes.length) throw new Error('test stream exhausted');
    const out = bytes.slice(at, at + n);
    at += n;
    return out;
  };
}

/** The key and rows of a vector: x, then for row i column j the randomness, encrypting g^(i·k + j + 1). */
function vectorInput(label: string, n: number, k: number) {
  const be = backend();
  const random = stream(label);
  const x = randomScalarFrom(random);
  const pk = be.baseMul(x);
  const rows: Row[] = Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, j) => {
    const r = randomScalarFrom(random);
    return { alpha: be.baseMul(r), beta: be.add(be.baseMul(BigInt(i * k + j + 1)), be.mul(pk, r)) };
  }));
  return { x, pk, rows, random };
}

before(async () => { assert.equal(await prepareGenerators(), 'sodium'); setBackend(await loadSodiumBackend()); });
after(() => setBackend(nobleBackend()));

test('a proof whose challenge leaves out any one public input or commitment is refused', () => {
  const be = backend();
  const parts: TranscriptPart[] = ['context', 'count', 'generators', 'publicKey', 'width', 'inputs', 'outputs', 'c', 'cHat', 'tHat', 't1', 't2', 't3', 't4'];
  const { pk, rows } = vectorInput('omission', 4, 2);
  const input = packRows(be, rows, 'rows');
  // A re-encryption and permutation made by hand, as shuffle() makes it, so its proof can be made with any transcript.
  const random = stream('omission-prover');
  const permutation = randomPermutation(4, random);
  const randomness = permutation.map(() => [randomScalarFrom(random), randomScalarFrom(random)]);
  const outputs = new Uint8Array(input.packed.length);
  permutation.forEach((from, i) => {
    for (let j = 0; j < 2; j++) {
      const src = 64 * (from * 2 + j), dst = 64 * (i * 2 + j), rho = randomness[i]![j]!;
      outputs.set(be.add(input.packed.subarray(src, src + 32), be.baseMul(rho)), dst);
      outputs.set(be.add(input.packed.subarray(src + 32, src + 64), be.mul(pk, rho)), dst + 32);
    }
  });
  const seed = generatorSeed(CTX);
  const statement = { context: CTX, publicKey: pk, seed, count: 4, width: 2, inputs: input.packed, outputs };
  const generators = deriveGenerators(seed, 4);
  const prove = (omit: TranscriptPart | null) => encodeProof(proveShuffle(be, statement, generators, { permutation, randomness }, random, transcriptWithout(omit)));
  const out = unpackRows(outputs, 4, 2);
  // The control: this hand-made shuffle, proved with the full transcript, passes.
  assert.deepEqual(checkShuffle(CTX, pk, rows, out, prove(null)), { ok: true });
  assert.equal(TRANSCRIPT.statement(statement).length, 64);
  for (const part of parts) {
    const check = checkShuffle(CTX, pk, rows, out, prove(part));
    assert.deepEqual(check, { ok: false, reason: 'the proof of shuffle does not hold' }, `a proof hashed without ${part} must be refused`);
  }
});

test('generators: RFC 9496 element derivation of the seeded hashes, the same from noble and libsodium, bound to the context', () => {
  const seed = generatorSeed(CTX);
  const fast = deriveGenerators(seed, 6);
  assert.deepEqual(fast.map(toHex), deriveGenerators(seed, 6, nobleDerive).map(toHex));
  assert.equal(new Set(fast.map(toHex)).size, 7);
  for (const h of fast) assert.ok(backend().isValid(h));
  // A prefix: h_0..h_2 do not depend on how many are derived.
  assert.deepEqual(deriveGenerators(seed, 2).map(toHex), fast.slice(0, 3).map(toHex));
  for (const ctx of [{ ...CTX, position: 1 }, { ...CTX, mixer: 'trustee-2' }, { ...CTX, question: 'other' }, { ...CTX, election: '5b'.repeat(32) }]) {
    assert.notEqual(toHex(deriveGenerators(generatorSeed(ctx), 0)[0]!), toHex(fast[0]!));
  }
  assert.equal(toHex(seed), VECTOR.seed);
  assert.deepEqual(fast.slice(0, 3).map(toHex), VECTOR.generators);
});

test('the permutation is uniform and rejection sampling has no modulo bias', () => {
  // All 6 permutations of 3 equally often: 6000 draws, each count within 5 standard deviations of 1000.
  const counts = new Map<string, number>();
  for (let i = 0; i < 6000; i++) { const p = randomPermutation(3); assert.ok(isPermutation(p)); counts.set(p.join(), (counts.get(p.join()) ?? 0) + 1); }
  assert.equal(counts.size, 6);
  for (const c of counts.values()) assert.ok(Math.abs(c - 1000) < 5 * Math.sqrt(6000 * (1 / 6) * (5 / 6)), `count ${c}`);
  // bound 3: 2^32 mod 3 = 1, so 0xffffffff lies above the last full multiple and is drawn again.
  const fed = [[0xff, 0xff, 0xff, 0xff], [0, 0, 0, 5]];
  assert.equal(uniformBelow(3, () => Uint8Array.from(fed.shift()!)), 2);
  assert.equal(fed.length, 0);
  assert.ok(!isPermutation([0, 0, 1]) && !isPermutation([0, 2]) && isPermutation([]));
  assert.equal(randomPermutation(1).join(), '0');
});

test('the buffered CSPRNG hands out each byte once and asks the platform for at most a chunk a call', () => {
  let next = 0;
  const asked: number[] = [];
  const source = (n: number) => { asked.push(n); return Uint8Array.from({ length: n }, () => next++ & 0xff); };
  const random = bufferedRandom(source, 16);
  const got = [...random(5), ...random(40), ...random(11), ...random(1)];
  assert.ok(asked.every((n) => n <= 16), `asked ${asked}`);
  assert.equal(new Set(got.map((_, i) => i)).size, got.length);
  // In order and without repeats: the first 5 from the first chunk, 40 straight through, then the chunk's rest.
  assert.deepEqual(got.slice(0, 5), [0, 1, 2, 3, 4]);
  assert.deepEqual(got.slice(5, 45), Array.from({ length: 40 }, (_, i) => 16 + i));
  assert.deepEqual(got.slice(45, 56), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  assert.equal(got[56], 56);
});

test('rows encode one way and decode only from that encoding', () => {
  const be = backend();
  const { rows } = vectorInput('rows', 3, 2);
  const bytes = encodeRows(be, rows);
  assert.equal(bytes.length, 6 + 3 * 2 * 64);
  assert.equal(toHex(encodeRows(be, decodeRows(be, bytes))), toHex(bytes));
  assert.throws(() => decodeRows(be, bytes.subarray(0, bytes.length - 1)), MixnetFormatError);
  const bad = bytes.slice(); bad.fill(0, 6 + 64, 6 + 96);
  assert.throws(() => decodeRows(be, bad), /row 0 column 1 alpha/);
  assert.equal(toHex(encodeRows(be, [])), '000000000000');
  assert.throws(() => decodeRows(be, Uint8Array.from([0, 0, 0, 0, 0, 1])), /bad count or width/);
});

// The vector (docs/spec.md §18.8): key, rows and shuffle all from stream('veche mixnet vector 1').
const VECTOR = {
  seed: '2e6259b98c665dd6a283f864adcdc777d416a2d3fcca7e8554c76fc40b57ceb2',
  generators: [
    '58a86587324c6aba88740cb9aff1c2abeed835306815ddf2d3d7569b45f1096e',
    '48ac82f8fe66df2624e01563598ae41848db27730740ffd351132fd533e9cd22',
    'd6c1e008b5d822bc79d0c75673b11e773e07dfa19df53eecfbfc6766fe898b3d',
  ],
  D: 'e377d04f5cc51f60281908ece950265fe9ac8e0aebf14e1af0a20ac64b4a7997f8c6c481e576ea96064a4e8207ff15579e6843232397413a770967a7f4d0062d',
  U: 'a6d92c5fe7f08e87307236188eef694664cea65b83ab7a99bf0641fabb3b75f847f427d4dbe8c514e229446d3ff5af61dc7efb361fbaa885b589401336e01725',
  u: ['148c467186fda104d407d092b08952a1ab151474d3b961a4e090aedb3cdaf35', 'df7c3a937cdadf2d21e37f03182e0302b6ea957887d771517cb69f57b7b5742'],
  c: 'fe084c1c7e139bc8f51ab21a3df9f30cb7c0884a8ca2a2faf45e22ff64e4ad2',
  pk: '7ca0fc1df9cba8784d97745f52366247cc8730f0343c319d2d4fa2cdc63f2c40',
  rows: '0000000200013a38402be358b9f520ad9c2fe794efa10ff3a391cd9d3358ba22d7e555b96614f042699d9613d1ca4b0f99e4764ead7547ea6949c79e3a79eef69546bc20de6732e407403a195a84601d5b2ab1fb4f2e3cac4f510f4ac9fe149e2d413f737e5f0c499429dd88fb93f18ef42c0a27cf1b8226e3760095f5072eebd44e8c80844c',
  output: '000000020001c60901ba7456305d6032d304be19972febda50215e5451e84ac153453630e0677eb598706c8c5fdcee23eb25c09addddb60c53879261d33642ba202c44ca224bfaa2d5333fb0538d0c3ad27e2cffd0d3da01b66635e810f6242f695637f773375019618db23e9d24a4b58691dc2459d6071f4a5a16c6b7874a0ac9f2ebcff817',
  proof: '00000002000146b1864149969aa062cad3f4871d5797822eb14789fb187e7dcbbeaf79ab1a137c10e766959a8b907f4a22afb3c48820f2e33d7fb35b126545d2e9ed1c18351f76a14545a80360cce2eb96eeb65b9e4ff2f6d05f23b8f8646ca0f23a226a05779e1fe40d5f3ce5d1d0e3b03b8b46314b722f658cc4a9bc3e1ffc7731be70c06f1e79e8b25f8e957920d8ff070b19c6dde07dfe9522f3ce50986a32a30a34c53bb877a23ff1f08d9ed4b67d590bf2da1c265e2e128f8f4767ca7d2d4b4e6e22450a5f31017e098cb1a5042fb5c67dd4c7d5ec4ebeee19f99b5e6547129f2e0809ae1257dd836ee443b67ae19d29ad893e34661e8eabc0048c4ddb534c1e1eab5afe54f0e7c0cfd69b398233c934f790139d86767ce2f6448c852647453a35a044b42cc891ec20b7926b01cec3e8d77959a795262f383274be5a0227e4424ca261e0a8d91e594bb2b5c47e2763d693404f588a6d404ccbbe7689f6e84eaf5c4c27dad4acc32ebc8bb7ae5056ba46f150fe251c02126e92d1cc282e64503362260cf9e7c6ec7a416766eac4694a303e7cc2ab5c0297bc570524c47d920db4dcc308c5597a660436ecde9e3127cd0dbfb0d3cdf03e333c53946979dae0acb6c0f802d584de899db146df1b464534fe2f7bf5dc04839c7fb0ed3bfefd4e094241e502295499f4df1bd39ed5a827d174ae6537fdc8c64fb98921e292202ebfdce0050da427900f7e7d1b731f3c241280f47d75953b5544fd5ea6d86245a491133fa50d2e0299682a15dd455bd7ecd588e3638b4c5042e6bbf020a448ff52e525365100d48e6b96c4885133a2af5fd08c96f9be523723c5c1d3f5585d19414f34705102',
};

test('test vector: fixed random stream → fixed output and proof bytes, identical on every backend', async () => {
  const seen: string[] = [];
  for (const be of await allBackends()) {
    setBackend(be);
    const { pk, rows, random } = vectorInput('veche mixnet vector 1', 2, 1);
    const ctx = CTX;
    const out = shuffle(ctx, pk, rows, { randomBytes: random });
    const got = { pk: toHex(pk), rows: toHex(encodeRows(be, rows)), output: toHex(encodeRows(be, out.rows)), proof: toHex(out.proof) };
    if (process.env.MIXNET_PRINT_VECTORS) console.log(JSON.stringify({ backend: be.name, ...got, seed: toHex(generatorSeed(ctx)), generators: deriveGenerators(generatorSeed(ctx), 2).map(toHex) }, null, 1));
    assert.deepEqual(checkShuffle(ctx, pk, rows, out.rows, out.proof), { ok: true });
    seen.push(JSON.stringify(got));
    assert.equal(got.pk, VECTOR.pk, `${be.name}: public key`);
    assert.equal(got.rows, VECTOR.rows, `${be.name}: rows`);
    assert.equal(got.output, VECTOR.output, `${be.name}: output`);
    assert.equal(got.proof, VECTOR.proof, `${be.name}: proof`);
  }
  assert.equal(new Set(seen).size, 1);
  // The intermediate values of docs/spec.md §18.8, for a second implementation to find its mistakes.
  const be = backend();
  const rows = decodeRows(be, fromHex(VECTOR.rows, VECTOR.rows.length / 2));
  const out = decodeRows(be, fromHex(VECTOR.output, VECTOR.output.length / 2));
  const proof = decodeProof(be, fromHex(VECTOR.proof, VECTOR.proof.length / 2), 2, 1);
  const statement = { context: CTX, publicKey: fromHex(VECTOR.pk, 32), seed: generatorSeed(CTX), count: 2, width: 1, inputs: packRows(be, rows, 'in').packed, outputs: packRows(be, out, 'out').packed };
  const D = TRANSCRIPT.statement(statement);
  const { digest: U, u } = TRANSCRIPT.challenges(D, proof.c);
  assert.equal(toHex(D), VECTOR.D);
  assert.equal(toHex(U), VECTOR.U);
  assert.deepEqual(u.map((x) => x.toString(16)), VECTOR.u);
  assert.equal(TRANSCRIPT.challenge(U, proof).toString(16), VECTOR.c);
  // A width-3 vector by its digest: 3 rows.
  for (const be of await allBackends()) {
    setBackend(be);
    const { pk, rows, random } = vectorInput('veche mixnet vector 2', 3, 3);
    const out = shuffle(CTX, pk, rows, { randomBytes: random });
    if (process.env.MIXNET_PRINT_VECTORS) console.log(be.name, toHex(sha256(out.proof)), toHex(sha256(encodeRows(be, out.rows))));
    assert.equal(toHex(sha256(out.proof)), VECTOR_2_PROOF_SHA256, `${be.name}: width-3 proof`);
    assert.equal(toHex(sha256(encodeRows(be, out.rows))), VECTOR_2_OUTPUT_SHA256, `${be.name}: width-3 output`);
  }
});

const VECTOR_2_PROOF_SHA256 = 'c4aa11773930f5222a34ac8a8f9547b4b4afb1c41f011b0b4e6db8c31752fc46';
const VECTOR_2_OUTPUT_SHA256 = '83dbb9c108e6c347a33870654d3597f06663141ad76e86b6a01c5e4306be3b05';
