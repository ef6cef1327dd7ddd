// Benchmark data only: a v2 ballot made with the group backend's arithmetic (native libsodium) instead of
// the booth's noble Points, so that a record of 10^5 ballots can be built in minutes rather than hours
// (the booth's code takes ~33 ms a demo ballot here, this ~5 ms). It is the protocol of
// src/ballot/encrypt.ts and src/crypto/proofs/branches.ts (same statement, weights, challenge, layout and
// signature, all taken from src/ballot/context.ts and the proof modules); only where the points come from
// differs. It is never used to check anything, and it cannot make the benchmark lie: every ballot it makes
// goes through Board.castBallot, which runs the one ballot check and refuses anything that is not a valid
// ballot, and the verifier checks them all again. The booth's own ballots remain bench/record.ts's default.
import type { GroupBackend } from '../src/crypto/backend.js';
import { toBase64Url } from '../src/crypto/encoding.js';
import { add, mod, mul, randomScalar, sub, type Scalar } from '../src/crypto/group.js';
import { CHALLENGE_LIMIT, pack } from '../src/crypto/proofs/packed.js';
import { signatureChallenge } from '../src/crypto/proofs/signature.js';
import type { CiphertextJson } from '../src/crypto/elgamal.js';
import type { SelectionGroup } from '../src/manifest/types.js';
import { hashToScalar } from '../src/crypto/hash.js';
import { normalizeCredential } from '../src/credentials/credentials.js';
import { ballotChallenge, contentMessage, isOneHot, oneHotWeights, proofValues, signatureContext, TAG_SIGNATURE } from '../src/ballot/context.js';
import type { BallotJson, EncryptedGroupJson } from '../src/ballot/types.js';

const mod128 = (x: bigint): bigint => ((x % CHALLENGE_LIMIT) + CHALLENGE_LIMIT) % CHALLENGE_LIMIT;

interface Committed { points: Uint8Array[]; respond(c: bigint): { challenges: bigint[]; responses: Scalar[] } }

/** branches.ts commitBranches on the backend: a proof that C = Enc_h(values[sel]; R). */
function commit(be: GroupBackend, h: Uint8Array, R: Scalar, values: Scalar[], sel: number): Committed {
  const w = randomScalar();
  const cs: bigint[] = new Array(values.length);
  const zs: Scalar[] = new Array(values.length);
  const points: Uint8Array[] = new Array(2 * values.length);
  for (let j = 0; j < values.length; j++) {
    if (j === sel) {
      points[2 * j] = be.baseMul(w);
      points[2 * j + 1] = be.mul(h, w);
      continue;
    }
    const c = randomScalar() & (CHALLENGE_LIMIT - 1n);
    const z = randomScalar();
    cs[j] = c;
    zs[j] = z;
    const e = sub(z, mul(c, R));
    points[2 * j] = be.baseMul(e);
    points[2 * j + 1] = be.add(be.mul(h, e), be.baseMul(mul(sub(values[j]!, values[sel]!), c)));
  }
  return {
    points,
    respond(c) {
      let rest = c;
      for (let j = 0; j < values.length; j++) if (j !== sel) rest -= cs[j]!;
      cs[sel] = mod128(rest);
      zs[sel] = add(w, mul(cs[sel]!, R));
      return { challenges: cs.slice(0, values.length - 1), responses: zs };
    },
  };
}

/** A ballot for the credential (its text), with `selections` (one 0/1 vector per group), under key h. */
export function backendBallot(be: GroupBackend, electionHash: string, h: Uint8Array, groups: SelectionGroup[], selections: number[][], credential: string): BallotJson {
  // credentials.ts credentialKeys, with the key from the backend.
  const x = hashToScalar('credential', { election: electionHash, credential: normalizeCredential(credential) });
  const key = toBase64Url(be.baseMul(x));
  const g1 = be.baseMul(1n);
  const made = groups.map((group, g) => {
    const vector = selections[g]!;
    const rs = vector.map(() => randomScalar());
    const ct = vector.map((m, i): CiphertextJson => {
      const hr = be.mul(h, rs[i]!);
      return [toBase64Url(be.baseMul(rs[i]!)), toBase64Url(m ? be.add(g1, hr) : hr)];
    });
    const rho = isOneHot(group) ? oneHotWeights(electionHash, key, group, ct) : null;
    const values = proofValues(group, rho);
    let proofs: Committed[];
    if (isOneHot(group)) {
      const chosen = vector.indexOf(1);
      const R = rs.reduce((acc, r, i) => add(acc, mul(rho![i]!, r)), 0n);
      proofs = [commit(be, h, R, values[0]!, chosen < 0 ? vector.length : chosen)];
    } else {
      const sum = vector.reduce((a, b) => a + b, 0);
      proofs = [...vector.map((v, i) => commit(be, h, rs[i]!, values[i]!, v)), commit(be, h, rs.reduce(add, 0n), values[vector.length]!, sum - group.min)];
    }
    return { ct, proofs, points: proofs.flatMap((p) => p.points) };
  });
  const c = ballotChallenge(electionHash, key, toBase64Url(h), groups, made.map((m) => ({ ct: m.ct, commitments: toBase64Url(concat(m.points)) })));
  const answers: EncryptedGroupJson[] = made.map((m) => {
    const responded = m.proofs.map((p) => p.respond(c));
    return { ct: m.ct, proof: pack(m.points, responded.flatMap((r) => r.challenges), responded.flatMap((r) => r.responses)) };
  });
  // signature.ts signCommitted.
  const w = randomScalar();
  const R = be.baseMul(w);
  const e = signatureChallenge(TAG_SIGNATURE, signatureContext(electionHash), key, contentMessage(electionHash, key, answers), toBase64Url(R));
  return { election: electionHash, credential: key, answers, signature: pack([R], [], [mod(w + e * x)]) };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
