// The key ceremony's cryptography: share encryption (hashed ElGamal + HMAC) bound to the recipient's
// key, Feldman commitments, verification keys, the joint key, the trustee-key checks, and the v2
// ceremony: commitment round, signed events, complaints judged from public data.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { add, baseMul, decodePoint, decodeScalar, encodePoint, encodeScalar, ORDER, pointMul, randomScalar, toScalarBytes } from '../src/crypto/group.js';
import { toBase64Url } from '../src/crypto/encoding.js';
import { decryptShare, encryptShare, evalCommitments, evalPolynomial, randomPolynomial, verificationKey, type EncryptedShare } from '../src/crypto/threshold.js';
import { encodeSchnorr } from '../src/crypto/proofs/schnorr.js';
import { proveChaumPedersen } from '../src/crypto/proofs/chaum-pedersen.js';
import {
  checkTrusteeKey, commitTrusteeKey, complaintContext, finishKeyCeremony, jointPublicKey, judgeComplaint, keyCommitment, makeShares, newTrustee, revealTrusteeKey,
  shareContext, TAG_COMPLAINT, type CeremonyOutcome, type TrusteeSecret,
} from '../src/keyceremony/trustee.js';
import { applyCeremonyEvent, checkCeremonyEvent, newCeremonyState, trusteesAtFault, type CeremonyEvent } from '../src/keyceremony/ceremony.js';
import { checkPayloadSignature, signPayload, signingSecret } from '../src/record/signature.js';
import { makeRoles } from '../src/demo/roles.js';
import { demoManifestDraft } from '../src/manifest/demo.js';
import type { TrusteeComplaintPayload, TrusteeKeyPayload, TrusteeSharesPayload } from '../src/record/events.js';

const ELECTION = 'e'.repeat(64);
const OTHER = 'f'.repeat(64);

/** Flips one bit of a base64url field, keeping it canonical base64url of the same length. */
function flip(text: string, byte: number): string {
  const b = Buffer.from(text, 'base64url');
  b[byte]! ^= 1;
  return b.toString('base64url');
}

describe('share encryption', () => {
  const e = randomScalar();
  const E = baseMul(e);
  const ctx = shareContext(ELECTION, 't1', 't2', encodePoint(E));

  test('the recipient decrypts any share', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: ORDER - 1n }), (share) => {
      const enc = encryptShare(ctx, E, share);
      assert.equal(decryptShare(ctx, e, enc), share);
      assert.notEqual(enc.data, toBase64Url(toScalarBytes(share)), 'the share is not in the clear');
    }), { numRuns: 20 });
  });

  test('any changed bit of R, data or mac is detected', () => {
    const share = randomScalar();
    const enc = encryptShare(ctx, E, share);
    fc.assert(fc.property(fc.constantFrom<keyof EncryptedShare>('R', 'data', 'mac'), fc.nat(31), (field, byte) => {
      const tampered = { ...enc, [field]: flip(enc[field], byte) };
      // A changed R may not even be a point; either way nothing is returned.
      assert.throws(() => decryptShare(ctx, e, tampered), /authentication failed|not a valid ristretto255|non-canonical/);
    }), { numRuns: 60 });
  });

  test('it only opens for the recipient, in its own context', () => {
    const enc = encryptShare(ctx, E, randomScalar());
    assert.throws(() => decryptShare(ctx, randomScalar(), enc), /authentication failed/, 'another key');
    assert.throws(() => decryptShare(shareContext(ELECTION, 't2', 't1', encodePoint(E)), e, enc), /authentication failed/, 'from/to swapped');
    assert.throws(() => decryptShare(shareContext(OTHER, 't1', 't2', encodePoint(E)), e, enc), /authentication failed/, 'another election');
    assert.throws(() => decryptShare(shareContext(ELECTION, 't3', 't2', encodePoint(E)), e, enc), /authentication failed/, 'another sender');
    assert.throws(() => decryptShare(shareContext(ELECTION, 't1', 't2', encodePoint(baseMul(randomScalar()))), e, enc), /authentication failed/, 'another recipient key');
  });

  test('a share encrypted for another recipient key does not open', () => {
    // The sender used a key that is not the recipient's (say, one a board put in its place): even when the
    // ciphertext is made to E, a context naming another key does not open in the recipient's own context.
    const other = encodePoint(baseMul(randomScalar()));
    const forOther = encryptShare(shareContext(ELECTION, 't1', 't2', other), E, 5n);
    assert.throws(() => decryptShare(ctx, e, forOther), /authentication failed/);
    assert.equal(decryptShare(shareContext(ELECTION, 't1', 't2', other), e, forOther), 5n, 'it opens only in the context it was made in');
    // Encrypted to another key altogether: the recipient's secret does not open it in any context.
    const f = randomScalar();
    const toF = encryptShare(shareContext(ELECTION, 't1', 't2', encodePoint(baseMul(f))), baseMul(f), 5n);
    assert.throws(() => decryptShare(shareContext(ELECTION, 't1', 't2', encodePoint(baseMul(f))), e, toF), /authentication failed/);
    assert.throws(() => decryptShare(ctx, e, toF), /authentication failed/);
  });

  test('a share moved from one encryption to another fails (data and mac belong to their R)', () => {
    const a = encryptShare(ctx, E, 1n);
    const b = encryptShare(ctx, E, 2n);
    assert.throws(() => decryptShare(ctx, e, { R: a.R, data: b.data, mac: b.mac }), /authentication failed/);
    assert.throws(() => decryptShare(ctx, e, { R: a.R, data: a.data, mac: b.mac }), /authentication failed/);
  });

  test('malformed fields are refused', () => {
    const enc = encryptShare(ctx, E, 5n);
    assert.throws(() => decryptShare(ctx, e, { ...enc, mac: enc.mac + 'A' }));
    assert.throws(() => decryptShare(ctx, e, { ...enc, data: enc.data.slice(1) }));
    assert.throws(() => decryptShare(ctx, e, { ...enc, R: 'not a point' }));
  });
});

describe('Feldman commitments and verification keys', () => {
  test('g^{P(x)} = Π K_j^{x^j} for every x', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 100 }), (t, at) => {
      const poly = randomPolynomial(t);
      assert.ok(baseMul(evalPolynomial(poly, at)).equals(evalCommitments(poly.map(baseMul), at)));
      assert.ok(!baseMul(add(evalPolynomial(poly, at), 1n)).equals(evalCommitments(poly.map(baseMul), at)), 'a wrong share does not match');
    }), { numRuns: 20 });
  });

  test('verification key of l = g^{Σ_i P_i(l)}; the joint key = g^{Σ_i P_i(0)}', () => {
    const polys = [randomPolynomial(2), randomPolynomial(2), randomPolynomial(2)];
    const commitments = polys.map((p) => p.map(baseMul));
    for (const l of [1, 2, 3]) {
      const s = polys.reduce((acc, p) => add(acc, evalPolynomial(p, l)), 0n);
      assert.ok(verificationKey(commitments, l).equals(baseMul(s)));
    }
    const keys = commitments.map((cs) => ({ commitments: cs.map(encodePoint) }) as TrusteeKeyPayload);
    assert.ok(jointPublicKey(keys).equals(baseMul(polys.reduce((acc, p) => add(acc, p[0]!), 0n))));
  });
});

/** A 2-of-3 election: the demo draft's trustees t1..t3 with fresh signing keys, as src/demo/roles.ts makes them. */
function ceremony() {
  const roles = makeRoles(demoManifestDraft());
  const { manifest, trustees: identities } = roles;
  const committed = identities.map((s) => commitTrusteeKey(s, ELECTION, manifest));
  const secrets = committed.map((c) => c.secret);
  const keys = secrets.map(revealTrusteeKey);
  return { manifest, identities, committed, secrets, keys };
}

const ready = (o: CeremonyOutcome) => {
  if (o.kind !== 'ready') throw new Error(`expected ready, got ${o.kind}`);
  return o;
};
const complaintsOf = (o: CeremonyOutcome) => {
  if (o.kind !== 'complaints') throw new Error(`expected complaints, got ${o.kind}`);
  return o.complaints;
};

/** t1's shares with the share for `to` replaced, signed again by t1 (a trustee sending a bad share). */
function withBadShare(secret: TrusteeSecret, honest: TrusteeSharesPayload, to: string, share: EncryptedShare): TrusteeSharesPayload {
  return signPayload(ELECTION, { role: 'trustee', id: secret.trustee }, 'trustee-shares', { trustee: secret.trustee, shares: { ...honest.shares, [to]: share } }, signingSecret(secret.signing));
}

describe('key ceremony (v2)', () => {
  const { manifest, identities, committed, secrets, keys } = ceremony();
  const ids = manifest.trustees.map((t) => t.id);
  const t = manifest.threshold;
  const shares = secrets.map((s) => makeShares(s, keys));

  test('honest run: commit, reveal, shares, ready; any 2 shares rebuild the joint secret', () => {
    for (const s of shares) assert.deepEqual(Object.keys(s.shares).sort(), ids.filter((id) => id !== s.trustee));
    const done = secrets.map((s) => ready(finishKeyCeremony(s, keys, shares)));
    const h = jointPublicKey(keys);
    const sl = done.map((d) => decodeScalar(d.secret.share!));
    done.forEach((d, i) => assert.ok(decodePoint(d.ready.verificationKey).equals(baseMul(sl[i]!))));
    // s = 2·s_1 − s_2 (λ for {1, 2} is 2 and −1): the joint secret behind h.
    assert.ok(baseMul(add(2n * sl[0]! % ORDER, ORDER - sl[1]!)).equals(h));
    // The board's (and the verifier's) rules accept every event, and the joint key follows.
    const cs = newCeremonyState();
    const events: [CeremonyEvent, unknown][] = [
      ...committed.map((c) => ['trustee-commitment', c.commitment] as [CeremonyEvent, unknown]),
      ...keys.map((k) => ['trustee-key', k] as [CeremonyEvent, unknown]),
      ...shares.map((x) => ['trustee-shares', x] as [CeremonyEvent, unknown]),
      ...done.map((d) => ['trustee-ready', d.ready] as [CeremonyEvent, unknown]),
      ['joint-key', { publicKey: encodePoint(h) }],
    ];
    for (const [type, payload] of events) {
      assert.equal(checkCeremonyEvent(cs, ELECTION, manifest, type, payload), null, type);
      applyCeremonyEvent(cs, ELECTION, type, payload);
    }
    assert.ok(cs.jointKey!.equals(h));
  });

  test('round 0 commits to the exact signed key revealed in round 1', () => {
    committed.forEach((c, i) => {
      assert.equal(c.commitment.trustee, ids[i]);
      assert.equal(c.commitment.commitment, keyCommitment(ELECTION, keys[i]!));
      assert.notEqual(keyCommitment(OTHER, keys[i]!), c.commitment.commitment, 'bound to the election');
    });
    // The key is drawn once, at commitment: revealing it again gives the same payload.
    assert.deepEqual(revealTrusteeKey(secrets[0]!), keys[0]);
    // A trustee file is used for one election; the manifest must name its signing key; it must be a trustee.
    assert.throws(() => commitTrusteeKey(secrets[0]!, ELECTION, manifest), /already holds a key/);
    assert.throws(() => commitTrusteeKey({ ...identities[0]!, signing: newTrustee('t1').signing }, ELECTION, manifest), /another signing key/);
    assert.throws(() => commitTrusteeKey(newTrustee('t9'), ELECTION, manifest), /no trustee "t9"/);
    assert.throws(() => revealTrusteeKey(identities[0]!), /not committed/);
    // A key other than the one committed to is refused by the ceremony rules.
    const cs = newCeremonyState();
    for (const c of committed) applyCeremonyEvent(cs, ELECTION, 'trustee-commitment', c.commitment);
    const again = commitTrusteeKey(identities[0]!, ELECTION, manifest);
    assert.equal(checkCeremonyEvent(cs, ELECTION, manifest, 'trustee-key', revealTrusteeKey(again.secret))?.check, 'trustees.commitments');
    assert.equal(checkCeremonyEvent(cs, ELECTION, manifest, 'trustee-key', keys[0]), null);
  });

  test('every event is signed by its trustee; a changed or re-attributed payload is not', () => {
    const signer = (id: string) => ({ role: 'trustee' as const, id });
    for (const [type, p] of [['trustee-commitment', committed[0]!.commitment], ['trustee-key', keys[0]!], ['trustee-shares', shares[0]!]] as const) {
      assert.equal(checkPayloadSignature(ELECTION, manifest, signer('t1'), type, p), null, type);
      assert.match(checkPayloadSignature(ELECTION, manifest, signer('t2'), type, p) ?? '', /not signed by the trustee t2/);
      assert.match(checkPayloadSignature(OTHER, manifest, signer('t1'), type, p) ?? '', /not signed/);
      assert.match(checkPayloadSignature(ELECTION, manifest, signer('t1'), 'trustee-ready', p) ?? '', /not signed/);
    }
    assert.match(checkPayloadSignature(ELECTION, manifest, signer('t1'), 'trustee-key', { ...keys[0]!, index: 2 }) ?? '', /not signed/);
    const { signature: _s, ...unsigned } = keys[0]!;
    assert.equal(checkPayloadSignature(ELECTION, manifest, signer('t1'), 'trustee-key', unsigned), 'unsigned');
  });

  test('published keys check; a proof moved to another index, trustee or election does not', () => {
    for (const k of keys) assert.equal(checkTrusteeKey(ELECTION, t, k), null);
    assert.match(checkTrusteeKey(OTHER, t, keys[0]!) ?? '', /coefficient 0/);
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, index: 2 }) ?? '', /coefficient 0/);
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, trustee: 't2' }) ?? '', /coefficient 0/);
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, proofs: [...keys[0]!.proofs].reverse() }) ?? '', /coefficient 0/);
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, encryptionProof: keys[1]!.encryptionProof }) ?? '', /encryption key/);
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, encryptionKey: keys[1]!.encryptionKey }) ?? '', /encryption key/);
    assert.match(checkTrusteeKey(ELECTION, 3, keys[0]!) ?? '', /expected 3/);
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, commitments: [keys[0]!.commitments[0]!, 'A'.repeat(43)] }) ?? '', /identity/);
    // A rogue key K = g^k / K_other (to cancel another trustee's key) comes with no valid proof.
    const rogue = baseMul(randomScalar()).subtract(decodePoint(keys[1]!.commitments[0]));
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, commitments: [encodePoint(rogue), keys[0]!.commitments[1]!] }) ?? '', /coefficient 0/);
  });

  test('a complaint against a bad share puts the sender at fault, judged from public data', () => {
    // t1 sends t2 a properly encrypted but wrong value, and signs it.
    const coefficients = secrets[0]!.coefficients!.map((c) => decodeScalar(c));
    const E2 = decodePoint(keys[1]!.encryptionKey);
    const wrong = encryptShare(shareContext(ELECTION, 't1', 't2', keys[1]!.encryptionKey), E2, add(evalPolynomial(coefficients, 2), 1n));
    const bad = withBadShare(secrets[0]!, shares[0]!, 't2', wrong);
    const cheated = [bad, shares[1]!, shares[2]!];
    const [complaint, ...more] = complaintsOf(finishKeyCeremony(secrets[1]!, keys, cheated));
    assert.equal(more.length, 0, 'one complaint, against t1 only');
    assert.equal(complaint!.trustee, 't2');
    assert.equal(complaint!.against, 't1');
    assert.equal(checkPayloadSignature(ELECTION, manifest, { role: 'trustee', id: 't2' }, 'trustee-complaint', complaint), null);
    // S = R^{e_2} is revealed, not e_2.
    assert.ok(decodePoint(complaint!.S).equals(pointMul(decodePoint(wrong.R), decodeScalar(secrets[1]!.encryptionSecret!))));
    assert.ok(!JSON.stringify(complaint).includes(secrets[1]!.encryptionSecret!));
    // Judged from the record alone: the complaint, the two keys and t1's shares.
    const publicData = JSON.parse(JSON.stringify({ complaint, complainer: keys[1], accused: keys[0], sent: bad }));
    const verdict = judgeComplaint(ELECTION, publicData.complaint, publicData.complainer, publicData.accused, publicData.sent);
    assert.equal(verdict.atFault, 't1');
    assert.match(verdict.reason, /does not match the sender's public commitments/);
    // t3 is not affected.
    assert.equal(finishKeyCeremony(secrets[2]!, keys, cheated).kind, 'ready');
    // Through the ceremony rules: the complaint is accepted, t1 is at fault, t2 cannot be ready, no joint key.
    const cs = newCeremonyState();
    const events: [CeremonyEvent, unknown][] = [
      ...committed.map((c) => ['trustee-commitment', c.commitment] as [CeremonyEvent, unknown]),
      ...keys.map((k) => ['trustee-key', k] as [CeremonyEvent, unknown]),
      ...cheated.map((x) => ['trustee-shares', x] as [CeremonyEvent, unknown]),
      ['trustee-complaint', complaint],
    ];
    for (const [type, payload] of events) {
      assert.equal(checkCeremonyEvent(cs, ELECTION, manifest, type, payload), null, type);
      applyCeremonyEvent(cs, ELECTION, type, payload);
    }
    assert.deepEqual(trusteesAtFault(cs), ['t1']);
    assert.equal(checkCeremonyEvent(cs, ELECTION, manifest, 'trustee-complaint', complaint)?.code, 'duplicate');
    // A tampered ciphertext (the MAC fails) is a fault of the sender too.
    const tampered = withBadShare(secrets[0]!, shares[0]!, 't2', { ...shares[0]!.shares.t2!, data: flip(shares[0]!.shares.t2!.data, 3) });
    const [c2] = complaintsOf(finishKeyCeremony(secrets[1]!, keys, [tampered, shares[1]!, shares[2]!]));
    const v2 = judgeComplaint(ELECTION, c2!, keys[1]!, keys[0]!, tampered);
    assert.equal(v2.atFault, 't1');
    assert.match(v2.reason, /does not open/);
    // A missing share is reported, not skipped.
    assert.throws(() => finishKeyCeremony(secrets[1]!, keys, [shares[0]!, shares[1]!]), /no share from trustee t3/);
  });

  test('a share encrypted for another recipient key does not open: the sender is at fault', () => {
    // t1 encrypts t2's share to t3's key (in a context naming it): t2 cannot open it and complains.
    const value = evalPolynomial(secrets[0]!.coefficients!.map((c) => decodeScalar(c)), 2);
    const misdirected = encryptShare(shareContext(ELECTION, 't1', 't2', keys[2]!.encryptionKey), decodePoint(keys[2]!.encryptionKey), value);
    const bad = withBadShare(secrets[0]!, shares[0]!, 't2', misdirected);
    const [complaint] = complaintsOf(finishKeyCeremony(secrets[1]!, keys, [bad, shares[1]!, shares[2]!]));
    const verdict = judgeComplaint(ELECTION, complaint!, keys[1]!, keys[0]!, bad);
    assert.equal(verdict.atFault, 't1');
    assert.match(verdict.reason, /does not open/);
    // The right value to the right key, but in a context naming another key: also refused.
    const wrongContext = encryptShare(shareContext(ELECTION, 't1', 't2', keys[2]!.encryptionKey), decodePoint(keys[1]!.encryptionKey), value);
    const bad2 = withBadShare(secrets[0]!, shares[0]!, 't2', wrongContext);
    const [c2] = complaintsOf(finishKeyCeremony(secrets[1]!, keys, [bad2, shares[1]!, shares[2]!]));
    assert.equal(judgeComplaint(ELECTION, c2!, keys[1]!, keys[0]!, bad2).atFault, 't1');
  });

  test('a false complaint puts the complainer at fault', () => {
    // t3 complains about the good share from t2, revealing the true S with a valid proof.
    const e3 = decodeScalar(secrets[2]!.encryptionSecret!);
    const E3 = decodePoint(keys[2]!.encryptionKey);
    const R = decodePoint(shares[1]!.shares.t3!.R);
    const complain = (S: ReturnType<typeof pointMul>, proofSecret = e3): TrusteeComplaintPayload => signPayload(ELECTION, { role: 'trustee', id: 't3' }, 'trustee-complaint', {
      trustee: 't3', against: 't2', S: encodePoint(S),
      proof: encodeSchnorr(proveChaumPedersen(TAG_COMPLAINT, complaintContext(ELECTION, 't3', 't2'), proofSecret, E3, R, S)),
    }, signingSecret(secrets[2]!.signing));
    const honest = judgeComplaint(ELECTION, complain(pointMul(R, e3)), keys[2]!, keys[1]!, shares[1]!);
    assert.deepEqual(honest, { atFault: 't3', reason: 'the share opens and matches the commitments: a false complaint' });
    // A made-up S (so that the share would not open) cannot come with a valid proof.
    const f = randomScalar();
    const madeUp = judgeComplaint(ELECTION, complain(pointMul(R, f), f), keys[2]!, keys[1]!, shares[1]!);
    assert.equal(madeUp.atFault, 't3');
    assert.match(madeUp.reason, /proof that S = R\^e does not verify/);
    // A proof made for another pair of trustees does not carry over.
    const moved = { ...complain(pointMul(R, e3)), against: 't1' };
    assert.equal(judgeComplaint(ELECTION, moved, keys[2]!, keys[0]!, shares[0]!).atFault, 't3');
    // Through the ceremony rules: the complaint is a valid event, and it names t3.
    const cs = newCeremonyState();
    for (const c of committed) applyCeremonyEvent(cs, ELECTION, 'trustee-commitment', c.commitment);
    for (const k of keys) applyCeremonyEvent(cs, ELECTION, 'trustee-key', k);
    for (const x of shares) applyCeremonyEvent(cs, ELECTION, 'trustee-shares', x);
    const c = complain(pointMul(R, e3));
    assert.equal(checkCeremonyEvent(cs, ELECTION, manifest, 'trustee-complaint', c), null);
    applyCeremonyEvent(cs, ELECTION, 'trustee-complaint', c);
    assert.deepEqual(trusteesAtFault(cs), ['t3']);
  });

  test('the trustee secret never appears in what a trustee publishes', () => {
    const published = JSON.stringify([committed[0]!.commitment, keys[0], shares[0], ready(finishKeyCeremony(secrets[0]!, keys, shares)).ready]);
    for (const c of secrets[0]!.coefficients!) assert.ok(!published.includes(c));
    assert.ok(!published.includes(secrets[0]!.encryptionSecret!));
    assert.ok(!published.includes(secrets[0]!.signing.secret));
    assert.ok(!published.includes(encodeScalar(evalPolynomial(secrets[0]!.coefficients!.map((c) => decodeScalar(c)), 2))));
  });
});
