// The independent generators h_0..h_N of the proof of shuffle, derived by hash-to-group so that no one
// knows a discrete logarithm between any two of them or g (docs/spec.md §18.3):
//   seed = SHA-256("veche/v2/mixnet/generators" || 0x00 || canonicalJson(context))
//   h_i  = Derive(SHA-512("veche/v2/mixnet/generator" || 0x00 || seed || u32be(i)))
// where Derive is ristretto255's element derivation from 64 uniform bytes (RFC 9496 §4.3.4). Every
// group backend has it for many inputs at once (fromHashMany: libsodium's crypto_core_ristretto255_from_hash
// in the native addon and in libsodium WASM, noble's ristretto255_hasher.deriveToCurve), each checked
// against noble; the noble backend uses libsodium's WASM derivation (~10x faster than noble's) once
// prepareGenerators() has loaded it and checked that it gives noble's bytes.
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { ristretto255_hasher } from '@noble/curves/ed25519.js';
import { utf8, toHex } from '../crypto/encoding.js';
import { PROTOCOL } from '../crypto/hash.js';
import { backend, type GroupBackend } from '../crypto/backend.js';
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

/**
 * h_0..h_count, each a 32-byte canonical ristretto255 encoding: by the backend's fromHashMany (one call
 * for all), or by `using` one at a time (the tests' cross-check with noble's derivation).
 */
export function deriveGenerators(seed: Uint8Array, count: number, using: Derive | GroupBackend = backend()): Uint8Array[] {
  if (seed.length !== 32) throw new Error('generators: the seed is 32 bytes');
  const input = new Uint8Array(GENERATOR_TAG.length + 36);
  input.set(GENERATOR_TAG, 0);
  input.set(seed, GENERATOR_TAG.length);
  const view = new DataView(input.buffer);
  const uniform = new Uint8Array(64 * (count + 1));
  for (let i = 0; i <= count; i++) {
    view.setUint32(GENERATOR_TAG.length + 32, i, false);
    uniform.set(sha512(input), 64 * i);
  }
  const out: Uint8Array[] = new Array(count + 1);
  const one = typeof using === 'function' ? using : using.name === 'noble' ? derive : null;
  if (one) {
    for (let i = 0; i <= count; i++) out[i] = one(uniform.subarray(64 * i, 64 * i + 64));
    return out;
  }
  const packed = (using as GroupBackend).fromHashMany(uniform);
  for (let i = 0; i <= count; i++) out[i] = packed.subarray(32 * i, 32 * i + 32);
  return out;
}

/** Which derivation the noble backend uses: 'noble' until prepareGenerators() has loaded libsodium's (the other backends use their own fromHashMany). */
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
