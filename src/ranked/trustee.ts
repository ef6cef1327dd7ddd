// A trustee's two ranked steps, on its own machine: shuffle the rows it is given (re-encrypt, permute,
// prove; src/mixnet/) and, once the mixes are done, decrypt the last mix's rows with Chaum–Pedersen
// proofs. Both are signed with the trustee's signing key (spec §20.3, §20.4).
import { backend } from '../crypto/backend.js';
import { decodeScalar, pointBytes } from '../crypto/group.js';
import { fromBase64Url, toBase64Url } from '../crypto/encoding.js';
import { encodeSchnorr } from '../crypto/proofs/schnorr.js';
import { encodedPoint, proveChaumPedersenEncoded } from '../crypto/proofs/encoded.js';
import { shuffle } from '../mixnet/index.js';
import type { CiphertextJson } from '../crypto/elgamal.js';
import { trusteeElection, type TrusteeSecret } from '../keyceremony/trustee.js';
import type { MixDecryptionPayload, MixPayload } from '../record/events.js';
import { signPayload, signingSecret } from '../record/signature.js';
import { mixDecryptionContext, TAG_MIX_DECRYPTION, toRows, type MixedRows, type RankedEnv } from './record.js';

/** The trustee's shuffle of `input` (nextMixInput of the record it checked) at `position`. */
export function makeMix(secret: TrusteeSecret, env: RankedEnv, position: number, input: CiphertextJson[][][]): MixPayload {
  const key = pointBytes(env.jointKey);
  const shuffles = env.slots.map((slot, q) => {
    const ctx = { election: env.electionHash, question: slot.questionId, mixer: secret.trustee, position };
    const out = shuffle(ctx, key, toRows(input[q], slot.width, 'input'), { backend: backend() });
    return {
      question: slot.questionId,
      rows: out.rows.map((row) => row.map((c): CiphertextJson => [toBase64Url(c.alpha), toBase64Url(c.beta)])),
      proof: toBase64Url(out.proof),
    };
  });
  return signPayload(env.electionHash, { role: 'trustee', id: secret.trustee }, 'mix', { mixer: secret.trustee, position, shuffles }, signingSecret(secret.signing));
}

/** D = α^{s_l} for every ciphertext of the last mix, each with its proof. */
export function makeMixDecryption(secret: TrusteeSecret, env: RankedEnv, last: MixedRows): MixDecryptionPayload {
  if (!secret.share) throw new Error('this trustee has not finished the key ceremony');
  const { election, index } = trusteeElection(secret);
  if (election !== env.electionHash) throw new Error('this trustee secret is for another election');
  const s = decodeScalar(secret.share);
  // On the group backend (native or libsodium where there is one): two multiplications a ciphertext.
  const be = backend();
  const vk = encodedPoint(be.baseMul(s));
  const shares = last.shuffles.map((sh) => sh.rows.map((row, i) => row.map((ct, j) => {
    const alpha = encodedPoint(fromBase64Url(ct[0], 32, 'alpha'));
    if (!be.isValid(alpha.bytes)) throw new Error(`question ${sh.question}, row ${i}, column ${j}: alpha is not a group element`);
    const D = encodedPoint(be.mul(alpha.bytes, s));
    const proof = proveChaumPedersenEncoded(TAG_MIX_DECRYPTION, mixDecryptionContext(election, secret.trustee, index, sh.question, i, j), s, vk, alpha, D, be);
    return { D: D.text, proof: encodeSchnorr(proof) };
  })));
  return signPayload(election, { role: 'trustee', id: secret.trustee }, 'mix-decryption', { trustee: secret.trustee, index, shares }, signingSecret(secret.signing));
}
