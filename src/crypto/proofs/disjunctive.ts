// Disjunctive Chaum–Pedersen proof (Cramer–Damgård–Schoenmakers) that a ciphertext (α, β) under
// key h encrypts one of the public values v_0..v_{k-1}: branch i shows log_g α = log_h (β / g^{v_i}).
// Transcript: hashToScalar(tag, {context, statement: {h, ciphertext, values}, commitment: [[A_i, B_i]...]})
// and the branch challenges must sum to it.
import { hashToScalar } from '../hash.js';
import { add, baseMul, decodeScalar, encodePoint, encodeScalar, fixedBase, G, mul, multiMulPublic, neg, pointBytes, pointMul, randomScalar, scalarOf, sub, type Point, type Scalar } from '../group.js';
import { backend } from '../backend.js';
import { verifyDisjunctiveEncoded, type EncodedPoint } from './encoded.js';
import { encodeCiphertext, type Ciphertext } from '../elgamal.js';

export interface DisjunctiveProof { c: Scalar[]; z: Scalar[] }
export interface DisjunctiveProofJson { c: string[]; z: string[] }

function challenge(tag: string, context: unknown, h: Point, ct: Ciphertext, values: number[], commitments: [Point, Point][]): Scalar {
  return hashToScalar(tag, {
    context,
    statement: { h: encodePoint(h), ciphertext: encodeCiphertext(ct), values },
    commitment: commitments.map(([a, b]) => [encodePoint(a), encodePoint(b)]),
  });
}

/** Proves that ct = Enc_h(values[index]; r). */
export function proveDisjunctive(tag: string, context: unknown, h: Point, ct: Ciphertext, r: Scalar, values: number[], index: number): DisjunctiveProof {
  if (index < 0 || index >= values.length) throw new Error('disjunctive proof: plaintext not among the values');
  const hf = fixedBase(h);
  const cs: Scalar[] = new Array(values.length);
  const zs: Scalar[] = new Array(values.length);
  const commitments: [Point, Point][] = new Array(values.length);
  const w = randomScalar();
  for (let i = 0; i < values.length; i++) {
    if (i === index) {
      commitments[i] = [baseMul(w), pointMul(hf, w)];
    } else {
      // Simulated branch: pick the challenge and response, solve for the commitments. Knowing r and
      // the plaintext m, the verifier's A_i = g^z α^{-c}, B_i = h^z β^{-c} g^{v_i c} are
      // g^{z-cr} and h^{z-cr} g^{(v_i-m)c}: the same points from the fixed bases alone (~5x faster).
      const c = randomScalar();
      const z = randomScalar();
      cs[i] = c;
      zs[i] = z;
      const e = sub(z, mul(c, r));
      commitments[i] = [baseMul(e), pointMul(hf, e).add(baseMul(mul(scalarOf(values[i]! - values[index]!), c)))];
    }
  }
  const c = challenge(tag, context, h, ct, values, commitments);
  let rest = c;
  for (let i = 0; i < values.length; i++) if (i !== index) rest = sub(rest, cs[i]!);
  cs[index] = rest;
  zs[index] = add(w, mul(rest, r));
  return { c: cs, z: zs };
}

/** A_i = g^{z_i} α^{-c_i},  B_i = h^{z_i} β^{-c_i} g^{v_i c_i}. */
function branchCommitments(h: Point, ct: Ciphertext, v: number, c: Scalar, z: Scalar): [Point, Point] {
  const nc = neg(c);
  return [multiMulPublic([G, ct.alpha], [z, nc]), multiMulPublic([h, ct.beta, G], [z, nc, mul(scalarOf(v), c)])];
}

export function verifyDisjunctive(tag: string, context: unknown, h: Point, ct: Ciphertext, values: number[], proof: DisjunctiveProof): boolean {
  if (proof.c.length !== values.length || proof.z.length !== values.length || values.length === 0) return false;
  if (backend().name !== 'noble') {
    const enc = (p: Point): EncodedPoint => ({ text: encodePoint(p), bytes: pointBytes(p) });
    return verifyDisjunctiveEncoded(tag, context, enc(h), enc(ct.alpha), enc(ct.beta), values, proof.c, proof.z);
  }
  const commitments = values.map((v, i) => branchCommitments(h, ct, v, proof.c[i]!, proof.z[i]!));
  const c = challenge(tag, context, h, ct, values, commitments);
  let sum = 0n;
  for (const ci of proof.c) sum = add(sum, ci);
  return sum === c;
}

export const encodeDisjunctive = (p: DisjunctiveProof): DisjunctiveProofJson => ({ c: p.c.map(encodeScalar), z: p.z.map(encodeScalar) });

export function decodeDisjunctive(json: unknown, branches: number, what = 'proof'): DisjunctiveProof {
  const o = json as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || Object.keys(o).length !== 2 || !Array.isArray(o.c) || !Array.isArray(o.z)) {
    throw new TypeError(`${what}: expected {c: [...], z: [...]}`);
  }
  if (o.c.length !== branches || o.z.length !== branches) throw new TypeError(`${what}: expected ${branches} branches`);
  return { c: o.c.map((s, i) => decodeScalar(s, `${what}.c[${i}]`)), z: o.z.map((s, i) => decodeScalar(s, `${what}.z[${i}]`)) };
}
