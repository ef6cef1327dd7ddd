// The forum signature vector of docs/spec.md §21.2: signing with a fixed random source gives the stated
// key and signature; the challenge is recomputed from the stated transcript with node:crypto alone; the
// same signature is worth nothing for another body, another action or another signer.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { sha512 } from '@noble/hashes/sha2.js';
import { withRandomSource, baseMul, encodePoint, decodeScalar, neg, multiMulPublic, G, encodeScalar } from '../src/crypto/group.js';
import { newSigningKey } from '../src/record/signature.js';
import { checkForumSignature, signForumPayload } from '../src/forum/signature.js';
import { canonicalJson } from '../src/crypto/encoding.js';
import type { Body } from '../src/meeting/types.js';

/** Deterministic bytes: SHA-512("veche forum vector " ‖ counter), as many as asked. */
function vectorRng(): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 64) out.set(sha512(new TextEncoder().encode(`veche forum vector ${counter++}`)).slice(0, n - off), off);
    return out;
  };
}

const V = {
  body: 'board',
  secret: 'oJyMlevhG8S4r9T8JuV2t3i_ZUdd3saLz_-5Wv4s-QE',
  key: 'aIdTBwHdoaXl_lF8nqTAdvtTb2Dm_Op3lfim1E5nKx0',
  action: 'endorse' as const,
  payload: { proposal: '0b7e5f4c-5d1e-4a43-9a59-3b8e2f1c0d9a', by: 'm2', nonce: 'AAAAAAAAAAAAAAAAAAAAAA' },
  commitment: 'AO3lqKmKUf-f77IjQgVJNY4GwcavzzawxahxAthf8Uk',
  signature: { c: 'A8m9vkgYtuLITkSAY72QyPK20I7PIcgha7t31yRSJwE', z: 'P31N8RWCdh7EEo3N8y9KcnQZ-Ihi5_rlDJPswnjLqAs' },
};

it('the forum signature vector', () => {
  const { pair, signed } = withRandomSource(() => {
    const pair = newSigningKey();
    return { pair, signed: signForumPayload(V.body, V.action, V.payload, pair.secret) };
  }, vectorRng());
  const x = decodeScalar(pair.secret);
  const A = multiMulPublic([G, baseMul(x)], [decodeScalar(signed.signature.z), neg(decodeScalar(signed.signature.c))]);
  if (process.env.PRINT_VECTOR) console.log(JSON.stringify({ secret: pair.secret, key: pair.key, commitment: encodePoint(A), signature: signed.signature }));
  assert.equal(pair.secret, V.secret);
  assert.equal(pair.key, V.key);
  assert.deepEqual(signed.signature, V.signature);
  assert.equal(encodePoint(A), V.commitment);
  // SHA-512("veche/v2/forum/signature" 0x00 canonicalJson(transcript)), little-endian, mod q.
  const transcript = { context: { body: V.body, signer: 'm2' }, statement: { X: V.key }, message: { action: V.action, payload: V.payload }, commitment: V.commitment };
  const digest = createHash('sha512').update(Buffer.concat([Buffer.from('veche/v2/forum/signature'), Buffer.from([0]), Buffer.from(canonicalJson(transcript))])).digest();
  const q = 2n ** 252n + 27742317777372353535851937790883648493n;
  assert.equal(encodeScalar(BigInt('0x' + Buffer.from(digest).reverse().toString('hex')) % q), V.signature.c);

  const body = { id: V.body, members: [{ id: 'm2', name: 'M2', weight: 1, key: V.key }, { id: 'm3', name: 'M3', weight: 1, key: newSigningKey().key }], officers: [] } as unknown as Body;
  assert.equal(checkForumSignature(body, V.action, signed as never), null);
  assert.notEqual(checkForumSignature({ ...body, id: 'other' }, V.action, signed as never), null, 'another body');
  assert.notEqual(checkForumSignature(body, 'withdraw-endorsement', signed as never), null, 'another action');
  assert.notEqual(checkForumSignature(body, V.action, { ...signed, by: 'm3' } as never), null, 'another signer');
  assert.notEqual(checkForumSignature(body, V.action, { ...signed, nonce: 'BBBBBBBBBBBBBBBBBBBBBB' } as never), null, 'another nonce');
});
