// The ballot check of src/ballot/validate.ts on the ballot's own encodings, through the active group
// backend: no point is turned into a noble Point (decoding one costs ~0.1 ms, and a demo ballot has 41).
// It answers only "valid or not"; on a rejection the caller runs the reference checkBallot, whose
// message is the one reported, so both paths give the same report. test/perf-ballot.test.ts checks that
// this accepts exactly what checkBallot accepts, forgeries included.
import { backend, isIdentityBytes, type GroupBackend } from '../crypto/backend.js';
import { fromBase64Url } from '../crypto/encoding.js';
import { hashHex } from '../crypto/hash.js';
import { decodeDisjunctive } from '../crypto/proofs/disjunctive.js';
import { decodeSchnorr } from '../crypto/proofs/schnorr.js';
import { verifyDisjunctiveEncoded, verifySchnorrEncoded, encodedPoint, type EncodedPoint } from '../crypto/proofs/encoded.js';
import { checkBallot } from '../ballot/validate.js';
import { optionContext, range, signatureContext, sumContext, TAG_CONTENT, TAG_OPTION_PROOF, TAG_SIGNATURE, TAG_SUM_PROOF } from '../ballot/context.js';
import { trackingCode } from '../ballot/tracking.js';
import type { BallotJson } from '../ballot/types.js';
import { decodePublicKey } from '../crypto/group.js';
import type { SelectionGroup } from '../manifest/types.js';

export interface FastBallotContext {
  electionHash: string;
  /** The election key as on the record (base64url). */
  publicKey: string;
  groups: SelectionGroup[];
}

export type BallotCheckResult =
  | { ok: true; credential: string; trackingCode: string }
  | { ok: false; message: string };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function hasExactKeys(x: unknown, keys: string[]): x is Record<string, unknown> {
  if (!isObject(x)) return false;
  const have = Object.keys(x);
  return have.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(x, k));
}

function point(text: unknown, be: GroupBackend): EncodedPoint {
  const bytes = fromBase64Url(text, 32);
  if (!be.isValid(bytes)) throw new Error('not a point');
  return { text: text as string, bytes };
}

/** True when checkBallot would accept the ballot; false (never an exception) otherwise. */
export function fastBallotValid(input: unknown, ctx: FastBallotContext, be: GroupBackend = backend()): boolean {
  try {
    if (!hasExactKeys(input, ['election', 'credential', 'answers', 'signature'])) return false;
    if (input.election !== ctx.electionHash) return false;
    const credential = point(input.credential, be);
    if (isIdentityBytes(credential.bytes)) return false;
    const answers = input.answers;
    if (!Array.isArray(answers) || answers.length !== ctx.groups.length) return false;
    const signature = decodeSchnorr(input.signature);
    const h = encodedPoint(fromBase64Url(ctx.publicKey, 32));
    const parsed = ctx.groups.map((group, g) => {
      const a = answers[g] as unknown;
      const n = group.optionIds.length;
      if (!hasExactKeys(a, ['ct', 'proofs', 'sum']) || !Array.isArray(a.ct) || a.ct.length !== n || !Array.isArray(a.proofs) || a.proofs.length !== n) throw new Error('shape');
      return {
        cts: (a.ct as unknown[]).map((c) => {
          if (!Array.isArray(c) || c.length !== 2) throw new Error('ciphertext');
          return [point(c[0], be), point(c[1], be)] as const;
        }),
        proofs: (a.proofs as unknown[]).map((p) => decodeDisjunctive(p, 2)),
        sum: decodeDisjunctive(a.sum, group.max - group.min + 1),
      };
    });
    const message = hashHex(TAG_CONTENT, { election: ctx.electionHash, credential: credential.text, answers });
    if (!verifySchnorrEncoded(TAG_SIGNATURE, signatureContext(ctx.electionHash), credential, signature.c, signature.z, message, be)) return false;
    for (let g = 0; g < ctx.groups.length; g++) {
      const group = ctx.groups[g]!;
      const { cts, proofs, sum } = parsed[g]!;
      for (let i = 0; i < cts.length; i++) {
        const [a, b] = cts[i]!;
        const context = optionContext(ctx.electionHash, credential.text, group, i);
        if (!verifyDisjunctiveEncoded(TAG_OPTION_PROOF, context, h, a, b, [0, 1], proofs[i]!.c, proofs[i]!.z, be)) return false;
      }
      const total = [encodedPoint(be.sum(cts.map((ct) => ct[0].bytes))), encodedPoint(be.sum(cts.map((ct) => ct[1].bytes)))] as const;
      if (!verifyDisjunctiveEncoded(TAG_SUM_PROOF, sumContext(ctx.electionHash, credential.text, group), h, total[0], total[1], range(group.min, group.max), sum.c, sum.z, be)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * The check the verifier records for one ballot: the fast path decides; a rejection is explained by the
 * reference checkBallot (so the report's words are the same), and if the reference accepts what the fast
 * path rejected, the ballot is still rejected (fail closed) and the disagreement is named.
 */
export function checkBallotForRecord(input: unknown, ctx: FastBallotContext, be: GroupBackend = backend()): BallotCheckResult {
  if (be.name === 'noble') {
    // Without a faster backend the Point-based reference is the faster path (it decodes each point once).
    try {
      const checked = checkBallot(input, { electionHash: ctx.electionHash, publicKey: decodePublicKey(ctx.publicKey), groups: ctx.groups });
      return { ok: true, credential: checked.credential, trackingCode: checked.trackingCode };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  }
  if (fastBallotValid(input, ctx, be)) {
    const ballot = input as BallotJson;
    return { ok: true, credential: ballot.credential, trackingCode: trackingCode(ballot) };
  }
  try {
    checkBallot(input, { electionHash: ctx.electionHash, publicKey: decodePublicKey(ctx.publicKey), groups: ctx.groups });
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  return { ok: false, message: 'the fast ballot check rejects this ballot but the reference check accepts it (a bug in veche: please report it)' };
}
