// The ballot check (docs/spec.md §8.4), written once: the board runs it on each submission, the verifier
// on batches of ballots. A ballot is read strictly (exact fields, canonical encodings, every point decoded
// as canonical ristretto255 before it is hashed or multiplied), its challenges are recomputed, and its
// proof and signature equations gathered into a LinearCheck. One ballot or many, the equations are then
// tested as one multi-scalar multiplication with fresh random 128-bit weights; a batch that fails is
// checked again ballot by ballot, and a ballot that fails has its equations tested one by one, so the
// report names the ballot and the proof.
import { backend, isIdentityBytes, type GroupBackend } from '../crypto/backend.js';
import { decodeCiphertext, type Ciphertext, type CiphertextJson } from '../crypto/elgamal.js';
import { fromBase64Url, toBase64Url } from '../crypto/encoding.js';
import { pointBytes, type Point } from '../crypto/group.js';
import { branchEquations, type CombinedCiphertext } from '../crypto/proofs/branches.js';
import { allHold, firstFailure, LinearCheck } from '../crypto/proofs/linear.js';
import { pointsText, unpack } from '../crypto/proofs/packed.js';
import { signatureChallenge, signatureEquation } from '../crypto/proofs/signature.js';
import type { SelectionGroup } from '../manifest/types.js';
import { ballotChallenge, branchCounts, contentMessage, isOneHot, oneHotWeights, proofShape, proofValues, signatureContext, TAG_SIGNATURE, type GroupStatement } from './context.js';
import { BallotError, type BallotJson } from './types.js';
import { trackingCode } from './tracking.js';
import { rankedEquations, readRanked, type RankedSlot } from './ranked.js'; // ranked

/** What a ballot check needs of the election, all of it public and on the record. */
export interface BallotPublicContext {
  electionHash: string;
  /** The election key, as on the record (base64url) or decoded. */
  publicKey: string | Point;
  groups: SelectionGroup[];
  /** ranked (spec §8.7): the election's ranked questions; absent or empty when it has none. */
  ranked?: RankedSlot[];
}

export interface CheckedBallot {
  ballot: BallotJson;
  trackingCode: string;
  credential: string;
  /** The ciphertexts per group and option, decoded when first asked for. */
  readonly ciphertexts: Ciphertext[][];
}

export type BallotCheckResult =
  | { ok: true; credential: string; trackingCode: string }
  | { ok: false; message: string };

const SIGNATURE_FAILS = 'ballot signature does not verify with the credential';

/** A ballot read and its equations gathered, not yet tested. */
interface PreparedBallot { ballot: BallotJson; credential: string; trackingCode: string; check: LinearCheck }

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function exactKeys(x: unknown, keys: string[], what: string): Record<string, unknown> {
  if (!isObject(x)) throw new BallotError('malformed', `${what}: expected an object`);
  const have = Object.keys(x);
  if (have.length !== keys.length || !keys.every((k) => Object.prototype.hasOwnProperty.call(x, k))) {
    throw new BallotError('malformed', `${what}: expected exactly the fields ${[...keys].sort().join(', ')}`);
  }
  return x;
}

function decoding<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BallotError) throw e;
    throw new BallotError('malformed', `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function point(text: unknown, be: GroupBackend, what: string): Uint8Array {
  const bytes = fromBase64Url(text, 32, what);
  if (!be.isValid(bytes)) throw new Error(`${what}: not a valid ristretto255 encoding`);
  return bytes;
}

// The election key's bytes, one object per key text, so that a batch shares one h term.
const keys = new Map<string, Uint8Array>();
function keyOf(ctx: BallotPublicContext, be: GroupBackend): { text: string; bytes: Uint8Array } {
  const text = typeof ctx.publicKey === 'string' ? ctx.publicKey : toBase64Url(pointBytes(ctx.publicKey));
  let bytes = keys.get(text);
  if (!bytes) {
    bytes = point(text, be, 'election key');
    if (isIdentityBytes(bytes)) throw new Error('election key: the identity is not a key');
    if (keys.size > 16) keys.clear();
    keys.set(text, bytes);
  }
  return { text, bytes };
}

/** Reads the ballot and gathers its equations; throws a BallotError (malformed, wrong-election). */
function prepareBallot(input: unknown, ctx: BallotPublicContext, be: GroupBackend): PreparedBallot {
  const slots = ctx.ranked ?? []; // ranked
  const b = exactKeys(input, ['election', 'credential', 'answers', 'signature', ...(slots.length > 0 ? ['ranked'] : [])], 'ballot');
  if (b.election !== ctx.electionHash) throw new BallotError('wrong-election', 'ballot is for another election');
  const credential = b.credential as string;
  const X = decoding('ballot.credential', () => point(credential, be, 'credential'));
  if (isIdentityBytes(X)) throw new BallotError('malformed', 'ballot.credential: identity element is not a valid key');
  if (!Array.isArray(b.answers) || b.answers.length !== ctx.groups.length) {
    throw new BallotError('malformed', `ballot.answers: expected ${ctx.groups.length} answer groups`);
  }
  const h = decoding('election key', () => keyOf(ctx, be));
  const sig = decoding('ballot.signature', () => unpack(b.signature, { points: 1, challenges: 0, scalars: 1 }, be, 'signature'));
  const groups = ctx.groups.map((group, g) => {
    const what = `ballot.answers[${g}]`;
    const a = exactKeys((b.answers as unknown[])[g], ['ct', 'proof'], what);
    const n = group.optionIds.length;
    if (!Array.isArray(a.ct) || a.ct.length !== n) throw new BallotError('malformed', `${what}: expected ${n} ciphertexts`);
    return decoding(what, () => {
      const cts = (a.ct as unknown[]).map((c, i) => {
        if (!Array.isArray(c) || c.length !== 2) throw new Error(`ct[${i}]: expected [alpha, beta]`);
        return [point(c[0], be, `ct[${i}][0]`), point(c[1], be, `ct[${i}][1]`)] as const;
      });
      return { ct: a.ct as CiphertextJson[], cts, proof: unpack(a.proof, proofShape(group), be, 'proof') };
    });
  });

  const ranked = slots.length > 0 ? readRanked(b.ranked, slots, be) : []; // ranked
  const statements: GroupStatement[] = groups.map((x) => ({ ct: x.ct, commitments: pointsText(x.proof) }));
  const c = ballotChallenge(ctx.electionHash, credential, h.text, ctx.groups, statements, ranked.map((r) => r.statement));
  const ballot = input as BallotJson;
  const check = new LinearCheck();
  rankedEquations(check, ranked, c); // ranked
  const e = signatureChallenge(TAG_SIGNATURE, signatureContext(ctx.electionHash), credential, contentMessage(ctx.electionHash, credential, ballot.answers, slots.length > 0 ? ballot.ranked : undefined), pointsText(sig));
  signatureEquation(check, SIGNATURE_FAILS, X, sig.points[0]!, sig.scalars[0]!, e);
  ctx.groups.forEach((group, g) => {
    const { ct, cts, proof } = groups[g]!;
    const rho = isOneHot(group) ? oneHotWeights(ctx.electionHash, credential, group, ct) : null;
    const values = proofValues(group, rho);
    const counts = branchCounts(group);
    const alphas = cts.map((x) => x[0]);
    const betas = cts.map((x) => x[1]);
    const where = `question ${group.questionId}, ${group.rowId}`;
    const statementsOf: [string, CombinedCiphertext][] = isOneHot(group)
      ? [[`${where}: the proof that ${group.min === 0 ? 'at most' : 'exactly'} one option is selected fails`, { alphas, betas, weights: rho! }]]
      : [
        ...group.optionIds.map((id, i): [string, CombinedCiphertext] => [`${where}, option ${id}: the proof that it encrypts 0 or 1 fails`, { alphas: [alphas[i]!], betas: [betas[i]!], weights: [1n] }]),
        [`${where}: the proof that between ${group.min} and ${group.max} options are selected fails`, { alphas, betas, weights: alphas.map(() => 1n) }],
      ];
    let p = 0, ch = 0;
    statementsOf.forEach(([what, C], k) => {
      const nb = counts[k]!;
      branchEquations(check, what, h.bytes, C, values[k]!, proof.points.slice(2 * p, 2 * (p + nb)), proof.challenges.slice(ch, ch + nb - 1), proof.scalars.slice(p, p + nb), c);
      p += nb;
      ch += nb - 1;
    });
  });
  return { ballot, credential, trackingCode: trackingCode(ballot), check };
}

function checked(p: PreparedBallot): CheckedBallot {
  let decoded: Ciphertext[][] | null = null;
  return {
    ballot: p.ballot, trackingCode: p.trackingCode, credential: p.credential,
    get ciphertexts() { return (decoded ??= p.ballot.answers.map((a) => a.ct.map((c) => decodeCiphertext(c)))); },
  };
}

/** Tests one prepared ballot's equations; throws bad-signature or bad-proof naming the failing one. */
function testOne(p: PreparedBallot, be: GroupBackend): void {
  if (allHold([p.check], be)) return;
  const what = firstFailure(p.check, be) ?? 'a proof equation fails';
  throw new BallotError(what === SIGNATURE_FAILS ? 'bad-signature' : 'bad-proof', what);
}

/** Checks one ballot completely (the board: each submission on its own); throws a BallotError. */
export function checkBallot(input: unknown, ctx: BallotPublicContext, be: GroupBackend = backend()): CheckedBallot {
  const p = prepareBallot(input, ctx, be);
  testOne(p, be);
  return checked(p);
}

const failed = (err: unknown): BallotCheckResult => ({ ok: false, message: (err as Error).message });

/** Checks many ballots with one multi-scalar multiplication; a failed batch is checked ballot by ballot. */
export function checkBallots(inputs: unknown[], ctx: BallotPublicContext, be: GroupBackend = backend()): BallotCheckResult[] {
  const results: BallotCheckResult[] = new Array(inputs.length);
  const prepared: { at: number; p: PreparedBallot }[] = [];
  inputs.forEach((input, at) => {
    try {
      prepared.push({ at, p: prepareBallot(input, ctx, be) });
    } catch (err) {
      if (!(err instanceof BallotError)) throw err;
      results[at] = failed(err);
    }
  });
  const batchHolds = prepared.length > 0 && allHold(prepared.map((x) => x.p.check), be);
  for (const { at, p } of prepared) {
    if (!batchHolds) {
      try { testOne(p, be); } catch (err) { results[at] = failed(err); continue; }
    }
    results[at] = { ok: true, credential: p.credential, trackingCode: p.trackingCode };
  }
  return results;
}
