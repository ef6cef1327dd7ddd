// Board and verifier side: is this ballot well formed, bound to this election and credential,
// signed, and does every proof hold? Fails closed: anything unexpected is a rejection.
import { decodeCiphertext, addCiphertexts, ZERO_CIPHERTEXT, type Ciphertext } from '../crypto/elgamal.js';
import { decodePublicKey, type Point } from '../crypto/group.js';
import { hashHex } from '../crypto/hash.js';
import { decodeDisjunctive, verifyDisjunctive } from '../crypto/proofs/disjunctive.js';
import { decodeSchnorr, verifySchnorr } from '../crypto/proofs/schnorr.js';
import type { SelectionGroup } from '../manifest/types.js';
import { optionContext, range, signatureContext, sumContext, TAG_CONTENT, TAG_OPTION_PROOF, TAG_SIGNATURE, TAG_SUM_PROOF } from './context.js';
import { BallotError, type BallotJson } from './types.js';
import { trackingCode } from './tracking.js';

export interface BallotCheckContext {
  electionHash: string;
  publicKey: Point;
  groups: SelectionGroup[];
}

export interface CheckedBallot {
  ballot: BallotJson;
  trackingCode: string;
  credential: string;
  /** Decoded ciphertexts per group and option, ready for the tally. */
  ciphertexts: Ciphertext[][];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function exactKeys(x: unknown, keys: string[], what: string): Record<string, unknown> {
  if (!isObject(x)) throw new BallotError('malformed', `${what}: expected an object`);
  const have = Object.keys(x).sort();
  const want = [...keys].sort();
  if (have.length !== want.length || have.some((k, i) => k !== want[i])) {
    throw new BallotError('malformed', `${what}: expected exactly the fields ${want.join(', ')}`);
  }
  return x;
}

function decoding<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new BallotError('malformed', `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Checks everything that can be checked from the ballot alone and the election's public data. */
export function checkBallot(input: unknown, ctx: BallotCheckContext): CheckedBallot {
  const b = exactKeys(input, ['election', 'credential', 'answers', 'signature'], 'ballot');
  if (b.election !== ctx.electionHash) throw new BallotError('wrong-election', 'ballot is for another election');
  const credential = b.credential;
  const credentialKey = decoding('ballot.credential', () => decodePublicKey(credential, 'credential'));
  if (!Array.isArray(b.answers) || b.answers.length !== ctx.groups.length) {
    throw new BallotError('malformed', `ballot.answers: expected ${ctx.groups.length} answer groups`);
  }
  const ballot = input as BallotJson;
  const signature = decoding('ballot.signature', () => decodeSchnorr(b.signature, 'signature'));
  const parsed = ctx.groups.map((group, g) => {
    const what = `ballot.answers[${g}]`;
    const a = exactKeys((b.answers as unknown[])[g], ['ct', 'proofs', 'sum'], what);
    const n = group.optionIds.length;
    if (!Array.isArray(a.ct) || a.ct.length !== n || !Array.isArray(a.proofs) || a.proofs.length !== n) {
      throw new BallotError('malformed', `${what}: expected ${n} ciphertexts and ${n} proofs`);
    }
    return decoding(what, () => ({
      cts: (a.ct as unknown[]).map((c, i) => decodeCiphertext(c, `ct[${i}]`)),
      proofs: (a.proofs as unknown[]).map((p, i) => decodeDisjunctive(p, 2, `proofs[${i}]`)),
      sum: decodeDisjunctive(a.sum, group.max - group.min + 1, 'sum'),
    }));
  });

  // The signature first: it is cheap and rejects a ballot not made by the credential's holder.
  const message = hashHex(TAG_CONTENT, { election: ctx.electionHash, credential, answers: ballot.answers });
  if (!verifySchnorr(TAG_SIGNATURE, signatureContext(ctx.electionHash), credentialKey, signature, message)) {
    throw new BallotError('bad-signature', 'ballot signature does not verify with the credential');
  }
  const ciphertexts: Ciphertext[][] = [];
  ctx.groups.forEach((group, g) => {
    const { cts, proofs, sum } = parsed[g]!;
    cts.forEach((ct, i) => {
      if (!verifyDisjunctive(TAG_OPTION_PROOF, optionContext(ctx.electionHash, credential as string, group, i), ctx.publicKey, ct, [0, 1], proofs[i]!)) {
        throw new BallotError('bad-proof', `question ${group.questionId}, ${group.rowId}, option ${group.optionIds[i]}: the proof that it encrypts 0 or 1 fails`);
      }
    });
    const total = cts.reduce(addCiphertexts, ZERO_CIPHERTEXT);
    if (!verifyDisjunctive(TAG_SUM_PROOF, sumContext(ctx.electionHash, credential as string, group), ctx.publicKey, total, range(group.min, group.max), sum)) {
      throw new BallotError('bad-proof', `question ${group.questionId}, ${group.rowId}: the proof that between ${group.min} and ${group.max} options are selected fails`);
    }
    ciphertexts.push(cts);
  });
  return { ballot, trackingCode: trackingCode(ballot), credential: credential as string, ciphertexts };
}
