// A mixer's shuffle: re-encrypt every row under the election key, permute the rows (one permutation
// for all k columns) and prove it (proof.ts). Rows in and out are checked and packed by encoding.ts;
// the proof is returned in its packed encoding, as checkShuffle (verify.ts) reads it.
import { randomBytes } from '@noble/hashes/utils.js';
import { backend, isIdentityBytes, type GroupBackend } from '../crypto/backend.js';
import type { Scalar } from '../crypto/group.js';
import { checkContext, type ShuffleContext } from './context.js';
import { encodeProof, isGoodPoint, MixnetFormatError, packRows, unpackRows, type Row } from './encoding.js';
import { deriveGenerators, generatorSeed } from './generators.js';
import { bufferedRandom, randomPermutation, type RandomBytes } from './permutation.js';
import { proveShuffle, randomScalarFrom } from './proof.js';
import { packScalars } from './scalars.js';

export interface ShuffleResult {
  rows: Row[];
  proof: Uint8Array;
}

export interface ShuffleOptions {
  /** TEST ONLY (fixed test vectors): the source of every random byte. Defaults to the CSPRNG. */
  randomBytes?: RandomBytes;
  backend?: GroupBackend;
}

/**
 * Shuffles `rows` (N rows of k ciphertexts under `publicKey`) and proves it. An empty input gives an
 * empty output and the 6-byte empty proof; a single row is re-encrypted and proved like any other.
 * Throws MixnetFormatError on bad input (and then changes nothing).
 */
export function shuffle(ctx: ShuffleContext, publicKey: Uint8Array, rows: Row[], options: ShuffleOptions = {}): ShuffleResult {
  const be = options.backend ?? backend();
  const random = options.randomBytes ?? bufferedRandom(randomBytes);
  const context = checkContext(ctx);
  if (!isGoodPoint(be, publicKey)) throw new MixnetFormatError('public key: not a canonical non-identity ristretto255 point');
  // Every input point is decoded canonically once, as a q of the re-encryption's mulAddMany (which
  // throws on a bad one); here only the shapes. On any refusal the full check names the bad point.
  const named = (): never => { packRows(be, rows, 'input rows'); throw new MixnetFormatError('input rows: a point is not a canonical ristretto255 encoding'); };
  const input = (() => { try { return packRows(be, rows, 'input rows', 'shape'); } catch { return named(); } })();
  const { count: n, width: k } = input;
  if (n === 0) return { rows: [], proof: encodeProof({ count: 0, width: 0, c: [], cHat: [], tHat: [], t1: new Uint8Array(32), t2: new Uint8Array(32), t3: new Uint8Array(32), t4: [], s1: 0n, s2: 0n, s3: 0n, s4: [], sHat: [], sPrime: [] }) };

  const permutation = randomPermutation(n, random);
  // ρ for every output row and column, in that order; then all re-encryptions in two batches:
  // α' = α·g^ρ and β' = β·pk^ρ (the backend's mulAddMany, constant time in ρ).
  const cts = n * k;
  const randomness: Scalar[][] = new Array(n);
  const rhos: Scalar[] = new Array(cts);
  const alphas = new Uint8Array(32 * cts), betas = new Uint8Array(32 * cts);
  for (let i = 0; i < n; i++) {
    randomness[i] = new Array(k);
    for (let j = 0; j < k; j++) {
      const src = 64 * (permutation[i]! * k + j), at = i * k + j;
      randomness[i]![j] = rhos[at] = randomScalarFrom(random);
      alphas.set(input.packed.subarray(src, src + 32), 32 * at);
      betas.set(input.packed.subarray(src + 32, src + 64), 32 * at);
    }
  }
  const reencrypt = (count: number, rho: Uint8Array, alpha: Uint8Array, beta: Uint8Array) => ({
    alpha: be.mulAddMany(count, { a: rho, q: alpha }),
    beta: be.mulAddMany(count, { p: publicKey, b: rho, q: beta }),
  });
  const out = (() => {
    try { return reencrypt(cts, packScalars(rhos), alphas, betas); } catch (e) { if (/canonical/.test((e as Error).message)) named(); throw e; }
  })();
  const outputs = new Uint8Array(64 * cts);
  for (let at = 0; at < cts; at++) {
    let alpha = out.alpha.subarray(32 * at, 32 * at + 32), beta = out.beta.subarray(32 * at, 32 * at + 32);
    // An identity component (probability ~2^-252) would be refused by every verifier: draw again.
    while (isIdentityBytes(alpha) || isIdentityBytes(beta)) {
      const rho = randomScalarFrom(random);
      const again = reencrypt(1, packScalars([rho]), alphas.subarray(32 * at, 32 * at + 32), betas.subarray(32 * at, 32 * at + 32));
      randomness[Math.floor(at / k)]![at % k] = rho;
      alpha = again.alpha; beta = again.beta;
    }
    outputs.set(alpha, 64 * at);
    outputs.set(beta, 64 * at + 32);
  }
  const seed = generatorSeed(context);
  const generators = deriveGenerators(seed, n, be);
  const proof = proveShuffle(be, { context, publicKey, seed, count: n, width: k, inputs: input.packed, outputs }, generators, { permutation, randomness }, random);
  return { rows: unpackRows(outputs, n, k), proof: encodeProof(proof) };
}
