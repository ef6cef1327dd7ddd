// The meeting signature vector of docs/spec.md §19 M2.2: signing with a fixed random source gives the
// stated key and signature; the challenge is recomputed from the stated transcript with node:crypto alone.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { sha512 } from '@noble/hashes/sha2.js';
import { withRandomSource, baseMul, encodePoint, decodeScalar, neg, multiMulPublic, G, encodeScalar } from '../src/crypto/group.js';
import { newSigningKey } from '../src/record/signature.js';
import { signMeetingPayload, checkMeetingSignature } from '../src/meeting/signature.js';
import { canonicalJson } from '../src/crypto/encoding.js';
import type { Body } from '../src/meeting/types.js';

/** Deterministic bytes: SHA-512("veche meeting vector" ‖ counter), as many as asked. */
function vectorRng(): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 64) out.set(sha512(new TextEncoder().encode(`veche meeting vector ${counter++}`)).slice(0, n - off), off);
    return out;
  };
}

const MEETING_VECTOR = {
  meeting: 'ab'.repeat(32),
  secret: '9T0GTWQeQ_C5Ea-dnz9EyORndXJUBv3WyTNHXhmoqgg',
  key: '-Oe14h3mI9ZNG_CRUyGuAMlav_FzxnBrvp8dzVxeg0g',
  type: 'named-vote',
  payload: { motion: 'budget', votes: [{ member: 'm2', for: 1, against: 0, abstain: 0 }], by: 'm2' },
  commitment: 'IkGS9CEe2BWFBeJs_DUadEF7RJ4TyeXK6QW4D1QgdAE',
  signature: { c: 'nSoI_6S97psp6RxszEP16E-momgC_KjzKyQs5cH3GgM', z: 'SU5fKstv5EDPRIdwddk25ZTGrV0N1EWl9qIIjo9COQ8' },
};

it('the meeting signature vector', () => {
  const rng = vectorRng();
  const { pair, signed } = withRandomSource(() => {
    const pair = newSigningKey();
    const signed = signMeetingPayload(MEETING_VECTOR.meeting, 'named-vote', MEETING_VECTOR.payload, pair.secret);
    return { pair, signed };
  }, rng);
  const x = decodeScalar(pair.secret);
  const c = decodeScalar(signed.signature.c);
  const z = decodeScalar(signed.signature.z);
  const A = multiMulPublic([G, baseMul(x)], [z, neg(c)]);
  if (process.env.PRINT_VECTOR) console.log(JSON.stringify({ secret: pair.secret, key: pair.key, commitment: encodePoint(A), signature: signed.signature }));
  assert.equal(pair.secret, MEETING_VECTOR.secret);
  assert.equal(pair.key, MEETING_VECTOR.key);
  assert.deepEqual(signed.signature, MEETING_VECTOR.signature);
  assert.equal(encodePoint(A), MEETING_VECTOR.commitment);
  // The challenge from the transcript, with node:crypto: SHA-512("veche/v2/meeting/signature" 0x00 canonical), little-endian mod q.
  const transcript = { context: { meeting: MEETING_VECTOR.meeting, signer: 'm2' }, statement: { X: MEETING_VECTOR.key }, message: { type: 'named-vote', payload: MEETING_VECTOR.payload }, commitment: MEETING_VECTOR.commitment };
  const digest = createHash('sha512').update(Buffer.concat([Buffer.from('veche/v2/meeting/signature'), Buffer.from([0]), Buffer.from(canonicalJson(transcript))])).digest();
  const q = 2n ** 252n + 27742317777372353535851937790883648493n;
  const challenge = BigInt('0x' + Buffer.from(digest).reverse().toString('hex')) % q;
  assert.equal(encodeScalar(challenge), MEETING_VECTOR.signature.c);
  // And it checks as a body member's signature; a changed vote does not.
  const body = { members: [{ id: 'm2', name: 'M2', weight: 1, key: MEETING_VECTOR.key }], officers: [] } as unknown as Body;
  assert.equal(checkMeetingSignature(MEETING_VECTOR.meeting, body, 'named-vote', signed as never), null);
  assert.notEqual(checkMeetingSignature(MEETING_VECTOR.meeting, body, 'named-vote', { ...signed, votes: [{ member: 'm2', for: 0, against: 1, abstain: 0 }] } as never), null);
});
