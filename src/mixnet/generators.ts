// The independent generators h_0..h_N of the proof of shuffle, derived by hash-to-group so that no one
// knows a discrete logarithm between any two of them or g (docs/spec.md §18.3):
//   seed = SHA-256("veche/v2/mixnet/generators" || 0x00 || canonicalJson(context))
//   h_i  = Derive(SHA-512("veche/v2/mixnet/generator" || 0x00 || seed || u32be(i)))
// where Derive is ristretto255's element derivation from 64 uniform bytes (RFC 9496 §4.3.4). Both
// noble (ristretto255_hasher.deriveToCurve) and libsodium (crypto_core_ristretto255_from_hash)
// implement it; libsodium's is ~10x faster, so it is used once prepareGenerators() has loaded it and
// checked that it gives noble's bytes.
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { ristretto255_hasher } from '@noble/curves/ed25519.js';
import { utf8, toHex } from '../crypto/encoding.js';
import { PROTOCOL } from '../crypto/hash.js';
import { contextJson, type ShuffleContext } from './context.js';

export type Derive = (uniform: Uint8Array) => Uint8Array;

/** noble's element derivation (RFC 9496 §4.3.4). */
export const nobleDerive: Derive = (uniform) => ristretto255_hasher.deriveToCurve!(uniform).toBytes();
let derive: Derive = nobleDerive;
let preparing: Promise<string> | null = null;

const tag = (name: string) => utf8(`${PROTOCOL}/${name}\u0000`);
const SEED_TAG = tag('mixnet/generators');
const GENERATOR_TAG = tag('mixnet/generator');

/** The generators' seed for a context (32 bytes). */
export function generatorSeed(ctx: ShuffleContext): Uint8Array {
  const body = utf8(contextJson(ctx));
  const bytes = new Uint8Array(SEED_TAG.length + body.length);
  bytes.set(SEED_TAG, 0);
  bytes.set(body, SEED_TAG.length);
  return sha256(bytes);
}

/** h_0..h_count, each a 32-byte canonical ristretto255 encoding (`using` only for the tests' cross-check). */
export function deriveGenerators(seed: Uint8Array, count: number, using: Derive = derive): Uint8Array[] {
  if (seed.length !== 32) throw new Error('generators: the seed is 32 bytes');
  const input = new Uint8Array(GENERATOR_TAG.length + 36);
  input.set(GENERATOR_TAG, 0);
  input.set(seed, GENERATOR_TAG.length);
  const view = new DataView(input.buffer);
  const out: Uint8Array[] = new Array(count + 1);
  for (let i = 0; i <= count; i++) {
    view.setUint32(GENERATOR_TAG.length + 32, i, false);
    out[i] = using(sha512(input));
  }
  return out;
}

/** Which derivation runs: 'noble' until prepareGenerators() has loaded libsodium's. */
export const generatorImplementation = (): 'noble' | 'sodium' => (derive === nobleDerive ? 'noble' : 'sodium');

/**
 * Loads libsodium's element derivation (WASM) and installs it after checking it against noble on a few
 * inputs; keeps noble's when libsodium is absent or disagrees. Resolves to the implementation in use.
 */
export function prepareGenerators(): Promise<'noble' | 'sodium'> {
  return (preparing ??= (async () => {
    try {
      // A computed specifier keeps bundlers (the browser booth) from pulling libsodium in.
      const spec = 'libsodium-wrappers-sumo';
      const mod = (await import(spec)) as { default?: unknown };
      const sodium = (mod.default ?? mod) as { ready: Promise<void>; crypto_core_ristretto255_from_hash(h: Uint8Array): Uint8Array };
      await sodium.ready;
      const candidate: Derive = (uniform) => sodium.crypto_core_ristretto255_from_hash(uniform);
      for (let i = 0; i < 8; i++) {
        const uniform = sha512(new Uint8Array([i]));
        if (i === 7) uniform.fill(0xff);
        if (toHex(candidate(uniform)) !== toHex(nobleDerive(uniform))) return 'noble';
      }
      derive = candidate;
      return 'sodium';
    } catch {
      return 'noble';
    }
  })()).then(generatorImplementation);
}
