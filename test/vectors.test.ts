// Checks the code against the committed test vectors in test/vectors/ (made by scripts/generate-vectors.ts,
// never regenerated here). Hashes, HMAC and base64url are also recomputed with node:crypto and Buffer,
// so those vectors do not rest on the code under test alone.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { canonicalJson, EncodingError, fromBase64Url, toBase64Url, toHex } from '../src/crypto/encoding.js';
import { hashHex, hashToScalar, taggedBytes } from '../src/crypto/hash.js';
import {
  baseMul, Point, decodePoint, decodePublicKey, decodeScalar, encodePoint, encodeScalar, G, ORDER, pointMul, scalarOf, toScalarBytes,
  withRandomSource,
} from '../src/crypto/group.js';
import { addCiphertexts, decodeCiphertext, encodeCiphertext, encrypt, scaleCiphertext } from '../src/crypto/elgamal.js';
import { decodeSchnorr, encodeSchnorr, proveSchnorr, verifySchnorr } from '../src/crypto/proofs/schnorr.js';
import { proveChaumPedersen, verifyChaumPedersen } from '../src/crypto/proofs/chaum-pedersen.js';
import { decodeDisjunctive, encodeDisjunctive, proveDisjunctive, verifyDisjunctive } from '../src/crypto/proofs/disjunctive.js';
import { decryptShare, encryptShare, evalCommitments, lagrangeAtZero, openShare } from '../src/crypto/threshold.js';
import { credentialKeys, normalizeCredential } from '../src/credentials/credentials.js';
import {
  commitTrusteeKey, complaintContext, finishKeyCeremony, jointPublicKey, judgeComplaint, keyCommitment, makeShares, revealTrusteeKey, TAG_COMPLAINT,
  type TrusteeSecret,
} from '../src/keyceremony/trustee.js';
import { applyCeremonyEvent, checkCeremonyEvent, newCeremonyState, type CeremonyEvent } from '../src/keyceremony/ceremony.js';
import { signCredentialList, signRevocation, checkCredentialList } from '../src/credentials/authority.js';
import { checkCredentialsAdded, signCredentialsAdded } from '../src/credentials/additions.js';
import { checkPayloadSignature, signPayload, TAG_EVENT_SIGNATURE } from '../src/record/signature.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { checkBallot } from '../src/ballot/check.js';
import { auditBallot } from '../src/ballot/audit.js';
import { trackingCode } from '../src/ballot/tracking.js';
import { signReceipt, verifyReceipt } from '../src/board/receipt.js';
import { combineShares, decodeSums, makeDecryptionShare } from '../src/tally/decrypt.js';
import { countResults } from '../src/tally/rules.js';
import { encodeChoices } from '../src/manifest/layout.js';
import { validateManifest } from '../src/manifest/validate.js';
import { eventHash, type BoardEvent } from '../src/record/events.js';
import { linesSource, verifyRecord } from '../src/verify/verifier.js';
import type { Choices, SelectionGroup } from '../src/manifest/types.js';

// Compiled to dist/test/, run from there; the vectors stay in the source tree.
const VECTORS = (() => {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const dir of [join(here, 'vectors'), join(here, '..', '..', 'test', 'vectors')]) if (existsSync(join(dir, 'hash.json'))) return dir;
  throw new Error('test/vectors not found');
})();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (name: string): any => JSON.parse(readFileSync(join(VECTORS, name), 'utf8'));

/** Runs `fn` with randomScalar returning exactly the listed nonces, in order, and all of them. */
function replay<T>(nonces: string[], fn: () => T): T {
  let i = 0;
  const out = withRandomSource(fn, (length) => {
    assert.equal(length, 64);
    const s = nonces[i++];
    assert.ok(s !== undefined, 'the code drew more nonces than the vector lists');
    const bytes = new Uint8Array(64);
    bytes.set(toScalarBytes(decodeScalar(s)));
    return bytes;
  });
  assert.equal(i, nonces.length, 'the code drew fewer nonces than the vector lists');
  return out;
}

const hexBytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const leToBigInt = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
const sha = (alg: 'sha256' | 'sha512', bytes: Uint8Array) => new Uint8Array(createHash(alg).update(bytes).digest());
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));
/** taggedBytes, H and Hq rebuilt with Buffer and node:crypto, from spec §2. */
const nodeTagged = (tag: string, value: unknown) => new Uint8Array(Buffer.concat([Buffer.from(`veche/v2/${tag}`, 'utf8'), Buffer.from([0]), Buffer.from(canonicalJson(value), 'utf8')]));
const nodeH = (tag: string, value: unknown) => Buffer.from(sha('sha256', nodeTagged(tag, value))).toString('hex');
const nodeHq = (tag: string, value: unknown) => leToBigInt(sha('sha512', nodeTagged(tag, value))) % ORDER;

describe('vectors: encodings', () => {
  const v = load('encoding.json');
  test('canonical JSON', () => {
    for (const c of v.canonicalJson) {
      assert.equal(canonicalJson(JSON.parse(c.input)), c.canonical, c.name);
      assert.equal(canonicalJson(JSON.parse(c.canonical)), c.canonical, `${c.name}: canonical form is a fixed point`);
    }
    for (const c of v.canonicalJsonRejected) assert.throws(() => canonicalJson(JSON.parse(c.input)), EncodingError, c.name);
  });
  test('base64url', () => {
    for (const c of v.base64url) {
      assert.equal(toBase64Url(hexBytes(c.hex)), c.text);
      assert.equal(Buffer.from(c.hex, 'hex').toString('base64url'), c.text);
      assert.equal(toHex(fromBase64Url(c.text, 32)), c.hex);
    }
    for (const c of v.base64urlRejected) assert.throws(() => fromBase64Url(c.text, 32), EncodingError, c.why);
  });
});

describe('vectors: hashes', () => {
  test('every tag: tagged bytes, SHA-256 hex, SHA-512 mod q', () => {
    const v = load('hash.json');
    for (const c of v.cases) {
      const bytes = taggedBytes(c.tag, c.value);
      assert.equal(toHex(bytes), c.taggedBytesHex, c.tag);
      assert.equal(Buffer.from(bytes).toString('hex'), Buffer.from(nodeTagged(c.tag, c.value)).toString('hex'));
      assert.equal(hashHex(c.tag, c.value), c.hashHex);
      assert.equal(Buffer.from(sha('sha256', bytes)).toString('hex'), c.hashHex);
      assert.equal(encodeScalar(hashToScalar(c.tag, c.value)), c.hashToScalar);
      assert.equal((leToBigInt(sha('sha512', bytes)) % ORDER).toString(), c.hashToScalarDecimal);
    }
  });
});

describe('spec and vectors cover every domain tag in the code', () => {
  test('each tag in src/ is in docs/spec.md and in hash.json', () => {
    const root = join(VECTORS, '..', '..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const ent of readdirSync(dir, { withFileTypes: true })) {
        if (ent.isDirectory()) walk(join(dir, ent.name));
        else if (ent.name.endsWith('.ts')) files.push(join(dir, ent.name));
      }
    };
    walk(join(root, 'src'));
    const tags = new Set<string>();
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:hashHex|hashToScalar|taggedBytes)\('([^']+)'|TAG_[A-Z_]+ = '([^']+)'/g)) tags.add(m[1] ?? m[2]!);
    }
    assert.ok(tags.size >= 17, `found only ${[...tags].join(', ')}`);
    const spec = readFileSync(join(root, 'docs', 'spec.md'), 'utf8');
    const hashed = new Set(load('hash.json').cases.map((c: { tag: string }) => c.tag));
    for (const tag of tags) {
      assert.ok(spec.includes(`| \`${tag}\` |`), `docs/spec.md §2 does not list the tag ${tag}`);
      assert.ok(hashed.has(tag), `test/vectors/hash.json has no case for the tag ${tag}`);
    }
  });
});

describe('vectors: group', () => {
  const v = load('group.json');
  test('order, generator, multiples (RFC 9496 A.1)', () => {
    assert.equal(ORDER.toString(), v.order);
    assert.equal(ORDER, 2n ** 252n + 27742317777372353535851937790883648493n);
    assert.equal(encodePoint(G), v.generator.base64url);
    for (const m of v.multiples) {
      assert.equal(toHex(baseMul(BigInt(m.k)).toBytes()), m.hex);
      assert.equal(Buffer.from(m.hex, 'hex').toString('base64url'), m.base64url);
      assert.equal(encodePoint(decodePoint(m.base64url)), m.base64url);
    }
    for (const m of v.largeMultiples) assert.equal(encodePoint(baseMul(BigInt(m.k))), m.base64url);
  });
  test('invalid encodings are refused (RFC 9496 A.2)', () => {
    for (const b of v.badPoints) {
      assert.equal(Buffer.from(b.hex, 'hex').toString('base64url'), b.base64url);
      assert.throws(() => decodePoint(b.base64url), EncodingError, `${b.why}: ${b.hex}`);
    }
    assert.equal(decodePoint(v.identityAsPublicKey.base64url).is0(), true);
    assert.throws(() => decodePublicKey(v.identityAsPublicKey.base64url), EncodingError);
  });
  test('scalars', () => {
    for (const s of v.scalars) {
      assert.equal(encodeScalar(BigInt(s.value)), s.base64url);
      assert.equal(toHex(toScalarBytes(BigInt(s.value))), s.hex);
      assert.equal(decodeScalar(s.base64url), BigInt(s.value));
    }
    for (const s of v.badScalars) assert.throws(() => decodeScalar(s.base64url), EncodingError, s.why);
  });
});

describe('vectors: ElGamal', () => {
  test('encryption with fixed r, sum, scaling, decryption', () => {
    const v = load('elgamal.json');
    const x = decodeScalar(v.secretKey);
    const h = decodePoint(v.publicKey);
    assert.ok(baseMul(x).equals(h));
    const cts = v.cases.map((c: { m: number; r: string; ciphertext: [string, string] }) => {
      const { ct } = encrypt(h, c.m, decodeScalar(c.r));
      assert.deepEqual(encodeCiphertext(ct), c.ciphertext);
      assert.ok(ct.beta.subtract(pointMul(ct.alpha, x)).equals(baseMul(BigInt(c.m))), 'decrypts to g^m');
      return ct;
    });
    assert.deepEqual(encodeCiphertext(cts.reduce(addCiphertexts)), v.sum.ciphertext);
    assert.deepEqual(encodeCiphertext(scaleCiphertext(cts[2], scalarOf(v.scaled.factor))), v.scaled.ciphertext);
    for (const c of [v.sum, v.scaled]) {
      const ct = decodeCiphertext(c.ciphertext);
      assert.ok(ct.beta.subtract(pointMul(ct.alpha, x)).equals(baseMul(BigInt(c.m))));
    }
  });
});

describe('vectors: proofs', () => {
  test('Schnorr', () => {
    for (const c of load('schnorr.json').cases) {
      const x = decodeScalar(c.secret);
      const X = decodePoint(c.X);
      assert.ok(baseMul(x).equals(X));
      const proof = replay(c.nonces, () => proveSchnorr(c.tag, c.context, x, X, c.message));
      assert.deepEqual(encodeSchnorr(proof), c.proof, c.name);
      assert.equal(encodeScalar(hashToScalar(c.tag, c.transcript)), c.proof.c, 'challenge = hash of the transcript');
      assert.equal(c.transcript.commitment, encodePoint(baseMul(decodeScalar(c.nonces[0]))));
      assert.ok(verifySchnorr(c.tag, c.context, X, decodeSchnorr(c.proof), c.message));
    }
  });
  test('Chaum–Pedersen', () => {
    for (const c of load('chaum-pedersen.json').cases) {
      const [x, X, B, Y] = [decodeScalar(c.secret), decodePoint(c.X), decodePoint(c.B), decodePoint(c.Y)];
      assert.ok(pointMul(B, x).equals(Y));
      const proof = replay(c.nonces, () => proveChaumPedersen(c.tag, c.context, x, X, B, Y));
      assert.deepEqual(encodeSchnorr(proof), c.proof);
      assert.equal(encodeScalar(hashToScalar(c.tag, c.transcript)), c.proof.c);
      assert.ok(verifyChaumPedersen(c.tag, c.context, X, B, Y, decodeSchnorr(c.proof)));
    }
  });
  test('disjunctive', () => {
    const v = load('disjunctive.json');
    for (const c of v.cases) {
      const h = decodePoint(c.publicKey);
      const { ct } = encrypt(h, c.m, decodeScalar(c.r));
      assert.deepEqual(encodeCiphertext(ct), c.ciphertext);
      const proof = replay(c.nonces, () => proveDisjunctive(c.tag, c.context, h, ct, decodeScalar(c.r), c.values, c.index));
      assert.deepEqual(encodeDisjunctive(proof), c.proof, c.name);
      assert.equal(encodeScalar(hashToScalar(c.tag, c.transcript)), c.challenge);
      assert.equal(proof.c.reduce((a, b) => (a + b) % ORDER, 0n), decodeScalar(c.challenge), 'branch challenges sum to the challenge');
      assert.ok(verifyDisjunctive(c.tag, c.context, h, ct, c.values, decodeDisjunctive(c.proof, c.values.length)));
    }
  });
});

describe('vectors: credentials', () => {
  test('derivation and refusals', () => {
    const v = load('credential.json');
    for (const c of v.cases) {
      assert.equal(normalizeCredential(c.typed), c.normalized);
      const k = credentialKeys(v.election, c.typed);
      assert.equal(encodeScalar(k.secret), c.secret);
      assert.equal(k.key, c.publicKey);
      assert.equal(encodeScalar(hashToScalar('credential', { election: v.election, credential: c.normalized })), c.secret);
    }
    for (const bad of v.rejected) assert.throws(() => credentialKeys(v.election, bad), /credential/, bad);
  });

  const v = load('credential.json');
  /** The authority's signature of a payload: the transcript rebuilt with node:crypto, and the Schnorr equation g^z = A · X^c. */
  function checkAuthoritySignature(d: any, type: string) {
    const X = decodePoint(v.authority.signingKey);
    assert.deepEqual(d.transcript.context, { election: v.election, role: 'credential-authority', signer: null });
    assert.deepEqual(d.transcript.statement, { X: v.authority.signingKey });
    const { signature, ...rest } = d.payload;
    assert.deepEqual(d.transcript.message, { type, payload: rest });
    assert.equal(d.transcript.commitment, encodePoint(baseMul(decodeScalar(d.nonces[0]))));
    assert.equal(encodeScalar(nodeHq(TAG_EVENT_SIGNATURE, d.transcript)), signature.c);
    assert.ok(baseMul(decodeScalar(signature.z)).equals(decodePoint(d.transcript.commitment).add(pointMul(X, decodeScalar(signature.c)))));
    assert.ok(verifySchnorr(TAG_EVENT_SIGNATURE, d.transcript.context, X, decodeSchnorr(signature), d.transcript.message));
  }

  const manifestOf = () => ({ credentialAuthority: { name: 'Credential authority', signingKey: v.authority.signingKey }, trustees: [] }) as never;
  test('the credential list signed by the authority', () => {
    assert.equal(encodePoint(baseMul(decodeScalar(v.authority.signingSecret))), v.authority.signingKey);
    const l = v.signedList;
    const list = l.voters.map((x: any) => {
      assert.equal(credentialKeys(v.election, x.credential).key, x.key);
      return { key: x.key, weight: x.weight };
    }).sort((a: any, b: any) => (a.key < b.key ? -1 : 1));
    assert.deepEqual(l.payload.credentials, list);
    assert.equal(l.payload.totalWeight, list.reduce((a: number, c: any) => a + c.weight, 0));
    assert.deepEqual(replay(l.nonces, () => signCredentialList(v.election, list, { secret: v.authority.signingSecret })), l.payload);
    checkAuthoritySignature(l, 'credentials');
    assert.equal(checkCredentialList(v.election, manifestOf(), l.payload), null);
    // Another weight, or the list under another election, is no longer signed.
    const heavier = { ...l.payload, credentials: l.payload.credentials.map((c: any, i: number) => (i === 0 ? { ...c, weight: c.weight + 1 } : c)), totalWeight: l.payload.totalWeight + 1 };
    assert.equal(checkCredentialList(v.election, manifestOf(), heavier)?.check, 'credentials.signature');
    assert.equal(checkCredentialList('0'.repeat(64), manifestOf(), l.payload)?.check, 'credentials.signature');
  });
  test('a revocation signed by the authority', () => {
    const r = v.signedRevocation;
    assert.deepEqual(replay(r.nonces, () => signRevocation(v.election, r.payload.key, r.payload.reason, { secret: v.authority.signingSecret })), r.payload);
    checkAuthoritySignature(r, 'credential-revoked');
    const signer = { role: 'credential-authority' as const, id: null };
    assert.equal(checkPayloadSignature(v.election, manifestOf(), signer, 'credential-revoked', r.payload), null);
    assert.match(checkPayloadSignature(v.election, manifestOf(), signer, 'credential-revoked', { ...r.payload, reason: 'other' }) ?? '', /not signed/);
    assert.match(checkPayloadSignature(v.election, manifestOf(), signer, 'credentials', r.payload) ?? '', /not signed/, 'bound to its event type');
  });
  test('credentials added after the list, signed by the authority (spec §6.4)', () => {
    const a = v.signedAddition;
    const entries = a.voters.map((x: any) => {
      assert.equal(credentialKeys(v.election, x.credential).key, x.key);
      return x.replaces ? { key: x.key, weight: x.weight, replaces: x.replaces } : { key: x.key, weight: x.weight };
    });
    assert.deepEqual(a.payload.credentials, [...entries].sort((p: any, q: any) => (p.key < q.key ? -1 : 1)));
    assert.equal(a.payload.addedWeight, entries.filter((e: any) => !e.replaces).reduce((s: number, e: any) => s + e.weight, 0));
    assert.deepEqual(replay(a.nonces, () => signCredentialsAdded(v.election, entries, { secret: v.authority.signingSecret })), a.payload);
    checkAuthoritySignature(a, 'credentials-added');
    // Judged after the vector's list and revocation: accepted; before the revocation, or with its key listed already, refused.
    const listed = new Map<string, number>(v.signedList.payload.credentials.map((c: any) => [c.key, c.weight]));
    const revokedKey = v.signedRevocation.payload.key;
    const so = (revoked: boolean) => ({ weight: (k: string) => listed.get(k), revoked: (k: string) => revoked && k === revokedKey, replaced: () => false, eligibleWeight: v.signedList.payload.totalWeight });
    assert.equal(checkCredentialsAdded(v.election, manifestOf(), a.payload, so(true)), null);
    assert.equal(checkCredentialsAdded(v.election, manifestOf(), a.payload, so(false))?.code, 'not-revoked');
    assert.equal(checkCredentialsAdded(v.election, manifestOf(), { ...a.payload, addedWeight: a.payload.addedWeight + 1 }, so(true))?.check, 'credentials.additions');
    assert.match(checkPayloadSignature(v.election, manifestOf(), { role: 'credential-authority', id: null }, 'credentials', a.payload) ?? '', /not signed/, 'bound to its event type');
  });
});

describe('vectors: key ceremony, share encryption, complaints, threshold decryption', () => {
  const v = load('threshold.json');
  const manifest = validateManifest(v.manifest);
  const identity = (tr: any): TrusteeSecret => ({ version: 'veche/trustee-secret/v2', trustee: tr.id, signing: { secret: tr.signingSecret, key: tr.signingKey } });
  /** The ceremony replayed from the vector's nonces: round 0 to 3. */
  const replayed = () => {
    const round0 = v.trustees.map((tr: any) => replay(tr.commitNonces, () => commitTrusteeKey(identity(tr), v.election, manifest)));
    const keys = round0.map((r: any) => revealTrusteeKey(r.secret));
    const shares = round0.map((r: any, i: number) => replay(v.trustees[i].sharesNonces, () => makeShares(r.secret, keys)));
    const finished = round0.map((r: any, i: number) => replay(v.trustees[i].finishNonces, () => finishKeyCeremony(r.secret, keys, shares)));
    return { round0, keys, shares, finished };
  };

  test('the manifest names each trustee\'s signing key, made from its signing secret', () => {
    assert.equal(manifest.threshold, v.threshold);
    v.trustees.forEach((tr: any, i: number) => {
      assert.equal(manifest.trustees[i]!.id, tr.id);
      assert.equal(manifest.trustees[i]!.signingKey, tr.signingKey);
      assert.equal(encodePoint(baseMul(decodeScalar(tr.signingSecret))), tr.signingKey);
    });
  });

  test('the ceremony (commit, reveal, shares, ready) reproduces every published value', () => {
    const { round0, keys, shares, finished } = replayed();
    round0.forEach((r: any, i: number) => {
      const tr = v.trustees[i];
      assert.deepEqual(r.commitment, tr.commitment);
      assert.deepEqual(r.secret.coefficients, tr.coefficients);
      assert.equal(r.secret.encryptionSecret, tr.encryptionSecret);
      assert.deepEqual(keys[i], tr.key);
      // The commitment is H_trustee/key-commitment({election, key}) of the signed key it reveals next.
      assert.deepEqual(tr.keyCommitment.hashed, { election: v.election, key: tr.key });
      assert.equal(nodeH('trustee/key-commitment', tr.keyCommitment.hashed), tr.keyCommitment.hash);
      assert.equal(keyCommitment(v.election, tr.key), tr.keyCommitment.hash);
      assert.equal(tr.commitment.commitment, tr.keyCommitment.hash);
      // The draws: a_0..a_{t-1} and e come first.
      assert.deepEqual(tr.commitNonces.slice(0, v.threshold), tr.coefficients);
      assert.equal(tr.commitNonces[v.threshold], tr.encryptionSecret);
    });
    shares.forEach((s: any, i: number) => {
      assert.deepEqual(plain(s), v.trustees[i].shares);
      // Each share opens for its recipient only in the context that names the recipient's encryption key.
      for (const [to, ctx] of Object.entries(v.trustees[i].shareContexts) as [string, any][]) {
        const recipient = v.trustees.find((t: any) => t.id === to);
        assert.deepEqual(ctx, { election: v.election, from: v.trustees[i].id, to, key: recipient.key.encryptionKey });
        assert.equal(encodeScalar(decryptShare(ctx, decodeScalar(recipient.encryptionSecret), s.shares[to])), v.trustees[i].polynomialAt[String(recipient.index)]);
        assert.throws(() => decryptShare({ ...ctx, key: v.trustees[i].key.encryptionKey }, decodeScalar(recipient.encryptionSecret), s.shares[to]), /authentication failed/);
      }
    });
    finished.forEach((f: any, i: number) => {
      assert.equal(f.kind, 'ready');
      assert.equal(f.secret.share, v.trustees[i].share);
      assert.deepEqual(f.ready, v.trustees[i].ready);
      // s_l = Σ_i P_i(l)
      const sum = v.trustees.reduce((acc: bigint, tr: any) => (acc + decodeScalar(tr.polynomialAt[String(i + 1)])) % ORDER, 0n);
      assert.equal(encodeScalar(sum), v.trustees[i].share);
    });
    assert.equal(encodePoint(jointPublicKey(keys)), v.jointPublicKey);
    assert.ok(baseMul(decodeScalar(v.jointSecret)).equals(decodePoint(v.jointPublicKey)));
  });

  test('every trustee event is signed with the key the manifest names; the board\'s rules accept the ceremony', () => {
    const cs = newCeremonyState();
    const events: [CeremonyEvent, any][] = [
      ...v.trustees.map((tr: any) => ['trustee-commitment', tr.commitment]),
      ...v.trustees.map((tr: any) => ['trustee-key', tr.key]),
      ...v.trustees.map((tr: any) => ['trustee-shares', tr.shares]),
      ...v.trustees.map((tr: any) => ['trustee-ready', tr.ready]),
      ['joint-key', { publicKey: v.jointPublicKey }],
    ];
    for (const [type, payload] of events) {
      if (type !== 'joint-key') {
        assert.equal(checkPayloadSignature(v.election, manifest, { role: 'trustee', id: payload.trustee }, type, payload), null, `${type} of ${payload.trustee}`);
        // Signed by another trustee's key, or for another event type, it fails.
        const other = payload.trustee === 't1' ? 't2' : 't1';
        assert.notEqual(checkPayloadSignature(v.election, manifest, { role: 'trustee', id: other }, type, payload), null);
        assert.notEqual(checkPayloadSignature(v.election, manifest, { role: 'trustee', id: payload.trustee }, 'trustee-complaint', payload), null);
      }
      assert.equal(checkCeremonyEvent(cs, v.election, manifest, type, payload), null, type);
      applyCeremonyEvent(cs, v.election, type, payload);
    }
    assert.equal(encodePoint(cs.jointKey!), v.jointPublicKey);
    // A revealed key that is not the one committed to is refused.
    const early = newCeremonyState();
    for (const [type, payload] of events.slice(0, 3)) applyCeremonyEvent(early, v.election, type, payload);
    assert.equal(checkCeremonyEvent(early, v.election, manifest, 'trustee-key', v.trustees[1].key), null);
    early.commitments.set('t2', v.trustees[0].commitment.commitment);
    assert.equal(checkCeremonyEvent(early, v.election, manifest, 'trustee-key', v.trustees[1].key)?.check, 'trustees.commitments');
  });

  test('one event signature in detail', () => {
    const d = v.signature;
    const tr = v.trustees.find((t: any) => t.id === d.signer.id);
    const payload = tr.commitment;
    const { signature, ...unsigned } = payload;
    assert.equal(d.tag, 'event/signature');
    assert.deepEqual(d.context, { election: v.election, role: 'trustee', signer: tr.id });
    assert.deepEqual(d.message, { type: d.type, payload: unsigned });
    assert.equal(d.signingKey, tr.signingKey);
    // The commitment's signature is the last draw of round 0.
    assert.equal(d.nonce, tr.commitNonces.at(-1));
    assert.equal(d.commitment, encodePoint(baseMul(decodeScalar(d.nonce))));
    assert.deepEqual(d.transcript, { context: d.context, statement: { X: d.signingKey }, message: d.message, commitment: d.commitment });
    assert.equal(encodeScalar(nodeHq('event/signature', d.transcript)), d.challenge);
    assert.deepEqual(d.proof, signature);
    assert.equal(d.proof.c, d.challenge);
    // z = w + c·x
    assert.equal(d.proof.z, encodeScalar((decodeScalar(d.nonce) + decodeScalar(d.challenge) * decodeScalar(tr.signingSecret)) % ORDER));
    assert.deepEqual(replay([d.nonce], () => signPayload(v.election, d.signer, d.type, unsigned, decodeScalar(tr.signingSecret))), payload);
    assert.ok(verifySchnorr(TAG_EVENT_SIGNATURE, d.context, decodePoint(d.signingKey), decodeSchnorr(d.proof), d.message));
  });

  test('a complaint against a bad share: the payload, S and its proof, and the judgement (the sender is at fault)', () => {
    const c = v.complaint;
    const { round0, keys, shares } = replayed();
    const [from, to] = [v.trustees.find((t: any) => t.id === c.from), v.trustees.find((t: any) => t.id === c.to)];
    assert.deepEqual(c.shareContext, { election: v.election, from: from.id, to: to.id, key: to.key.encryptionKey });
    assert.equal(c.wrongValue, encodeScalar((decodeScalar(from.polynomialAt[String(to.index)]) + 1n) % ORDER));
    // The bad shares payload: the share for `to` re-encrypted with the wrong value, then signed.
    const E = decodePoint(to.key.encryptionKey);
    const badShares = replay(c.badSharesNonces, () => signPayload(v.election, { role: 'trustee', id: from.id }, 'trustee-shares', {
      trustee: from.id,
      shares: { ...from.shares.shares, [to.id]: encryptShare(c.shareContext, E, decodeScalar(c.wrongValue)) },
    }, decodeScalar(from.signingSecret)));
    assert.deepEqual(plain(badShares), c.badShares);
    assert.equal(checkPayloadSignature(v.election, manifest, { role: 'trustee', id: from.id }, 'trustee-shares', c.badShares), null);
    // The recipient's round 3 finds the fault and complains, revealing S = R^e.
    const cheated = shares.map((s: any) => (s.trustee === from.id ? c.badShares : s));
    const outcome = replay(c.complainNonces, () => finishKeyCeremony(round0[to.index - 1].secret, keys, cheated));
    assert.equal(outcome.kind, 'complaints');
    assert.deepEqual(outcome.kind === 'complaints' ? outcome.complaints : null, [c.payload]);
    assert.equal(c.payload.trustee, to.id);
    assert.equal(c.payload.against, from.id);
    assert.equal(c.R, c.badShares.shares[to.id].R);
    assert.equal(c.payload.S, c.S);
    assert.ok(pointMul(decodePoint(c.R), decodeScalar(to.encryptionSecret)).equals(decodePoint(c.S)));
    // Its Chaum–Pedersen proof that log_g E = log_R S, transcript rebuilt with node:crypto.
    const w = decodeScalar(c.complainNonces[0]);
    assert.deepEqual(c.proofTranscript, {
      context: { election: v.election, trustee: to.id, against: from.id },
      statement: { X: to.key.encryptionKey, B: c.R, Y: c.S },
      commitment: [encodePoint(baseMul(w)), encodePoint(pointMul(decodePoint(c.R), w))],
    });
    assert.deepEqual(c.proofTranscript.context, complaintContext(v.election, to.id, from.id));
    assert.equal(encodeScalar(nodeHq('trustee/complaint', c.proofTranscript)), c.payload.proof.c);
    assert.ok(verifyChaumPedersen(TAG_COMPLAINT, c.proofTranscript.context, E, decodePoint(c.R), decodePoint(c.S), decodeSchnorr(c.payload.proof)));
    // Anyone opens the share with S: the value does not match the sender's commitments at the recipient's index.
    assert.equal(encodeScalar(openShare(c.shareContext, decodePoint(c.S), c.badShares.shares[to.id])), c.opened);
    assert.equal(c.opened, c.wrongValue);
    const expected = evalCommitments(from.key.commitments.map((k: string) => decodePoint(k)), to.index);
    assert.equal(encodePoint(expected), c.expected);
    assert.ok(!baseMul(decodeScalar(c.opened)).equals(expected));
    assert.ok(baseMul(decodeScalar(from.polynomialAt[String(to.index)])).equals(expected));
    assert.deepEqual(judgeComplaint(v.election, c.payload, to.key, from.key, c.badShares), c.judgement);
    assert.equal(c.judgement.atFault, from.id);
    // The board's rules: the complaint is accepted as an event, names the sender at fault, and no joint key follows.
    const cs = newCeremonyState();
    const events: [CeremonyEvent, any][] = [
      ...v.trustees.map((tr: any) => ['trustee-commitment', tr.commitment]),
      ...v.trustees.map((tr: any) => ['trustee-key', tr.key]),
      ...cheated.map((s: any) => ['trustee-shares', s]),
      ['trustee-complaint', c.payload],
    ];
    for (const [type, payload] of events) {
      assert.equal(checkCeremonyEvent(cs, v.election, manifest, type, payload), null, type);
      applyCeremonyEvent(cs, v.election, type, payload);
    }
    assert.deepEqual(cs.complaints.map((x) => [x.payload.trustee, x.atFault]), [[to.id, from.id]]);
    assert.equal(checkCeremonyEvent(cs, v.election, manifest, 'trustee-ready', v.trustees[to.index - 1].ready)?.code, 'duplicate', 'a complainer cannot also be ready');
  });

  test('a false complaint puts the complainer at fault', () => {
    const f = v.falseComplaint;
    const [from, to] = [v.trustees.find((t: any) => t.id === f.from), v.trustees.find((t: any) => t.id === f.to)];
    const enc = from.shares.shares[to.id];
    const R = decodePoint(enc.R);
    const S = pointMul(R, decodeScalar(to.encryptionSecret));
    assert.equal(f.payload.S, encodePoint(S));
    const made = replay(f.nonces, () => signPayload(v.election, { role: 'trustee', id: to.id }, 'trustee-complaint', {
      trustee: to.id,
      against: from.id,
      S: encodePoint(S),
      proof: encodeSchnorr(proveChaumPedersen(TAG_COMPLAINT, complaintContext(v.election, to.id, from.id), decodeScalar(to.encryptionSecret), decodePoint(to.key.encryptionKey), R, S)),
    }, decodeScalar(to.signingSecret)));
    assert.deepEqual(made, f.payload);
    assert.deepEqual(judgeComplaint(v.election, f.payload, to.key, from.key, from.shares), f.judgement);
    assert.equal(f.judgement.atFault, to.id);
    // A made-up S (without a valid proof) also puts the complainer at fault.
    const forged = { ...f.payload, S: encodePoint(baseMul(decodeScalar(to.encryptionSecret))) };
    assert.equal(judgeComplaint(v.election, forged, to.key, from.key, from.shares).atFault, to.id);
  });

  test('Lagrange coefficients at 0 recombine the joint secret', () => {
    for (const l of v.lagrange) {
      const lambdas = l.indices.map((i: number) => lagrangeAtZero(l.indices, i));
      assert.deepEqual(lambdas.map(encodeScalar), l.coefficients);
      const s = l.indices.reduce((acc: bigint, i: number, k: number) => (acc + lambdas[k] * decodeScalar(v.trustees[i - 1].share)) % ORDER, 0n);
      assert.equal(encodeScalar(s), v.jointSecret);
    }
  });

  test('share encryption (hashed ElGamal + HMAC-SHA-256), bound to the recipient\'s key', () => {
    const e = v.shareEncryption;
    const E = decodePoint(e.recipientKey);
    const recipient = v.trustees.find((t: any) => t.id === e.context.to);
    assert.equal(e.context.key, recipient.key.encryptionKey);
    assert.equal(e.recipientKey, recipient.key.encryptionKey);
    const encrypted = replay(e.nonces, () => encryptShare(e.context, E, decodeScalar(e.share)));
    assert.deepEqual(encrypted, e.encrypted);
    const k = sha('sha512', nodeTagged('share-key', { context: e.context, R: e.R, S: e.S }));
    assert.equal(toHex(k.slice(0, 32)), e.mask);
    assert.equal(toHex(k.slice(32)), e.macKey);
    const data = Buffer.from(e.encrypted.data, 'base64url');
    const share = Buffer.from(toScalarBytes(decodeScalar(e.share)));
    assert.equal(Buffer.from(data.map((b, i) => b ^ share[i]!)).toString('hex'), e.mask, 'data = share XOR mask');
    const mac = createHmac('sha256', Buffer.from(e.macKey, 'hex')).update(nodeTagged('share-mac', { R: e.R, data: e.encrypted.data })).digest('base64url');
    assert.equal(mac, e.encrypted.mac);
    assert.equal(encodeScalar(decryptShare(e.context, decodeScalar(recipient.encryptionSecret), e.encrypted)), e.share);
  });

  test('decryption shares (signed) and their combination', () => {
    const d = v.decryption;
    for (const s of d.shares) {
      const tr = v.trustees.find((t: any) => t.id === s.trustee);
      const secret: TrusteeSecret = { ...identity(tr), election: v.election, index: tr.index, threshold: v.threshold, coefficients: tr.coefficients, encryptionSecret: tr.encryptionSecret, key: tr.key, share: tr.share };
      assert.deepEqual(replay(s.nonces, () => makeDecryptionShare(secret, d.sums)), s.payload);
      assert.equal(checkPayloadSignature(v.election, manifest, { role: 'trustee', id: tr.id }, 'decryption-share', s.payload), null);
    }
    const used = d.combinedWith.map((i: number) => d.shares[i - 1].payload);
    assert.deepEqual(combineShares(decodeSums(d.sums), used, 10), d.counts);
    assert.deepEqual(d.counts, d.plaintexts);
  });
});

describe('vectors: ballot and receipt', () => {
  const v = load('ballot.json');
  test('encryption reproduces the ballot; it checks and audits', () => {
    const manifest = validateManifest(v.manifest);
    const groups: SelectionGroup[] = v.groups;
    const voter = credentialKeys(v.election, v.credential);
    assert.equal(voter.key, v.credentialKey);
    const selections = encodeChoices(manifest, v.choices as Choices);
    assert.deepEqual(selections, v.selections);
    const h = decodePoint(v.publicKey);
    const made = replay(v.nonces, () => encryptBallot(v.election, h, groups, selections, voter));
    assert.deepEqual(plain(made.ballot), v.ballot);
    assert.equal(made.trackingCode, v.trackingCode);
    assert.equal(trackingCode(v.ballot), v.trackingCode);
    assert.equal(hashHex('ballot/tracking', v.ballot), v.trackingCode);
    assert.deepEqual(made.secrets.randomness, v.randomness);
    const checked = checkBallot(v.ballot, { electionHash: v.election, publicKey: h, groups });
    assert.equal(checked.trackingCode, v.trackingCode);
    assert.ok(auditBallot(v.ballot, h, { selections: v.selections, randomness: v.randomness }));
    // Each ciphertext decrypts, with the election secret, to the selection.
    const x = decodeScalar(v.electionSecretKey);
    checked.ciphertexts.forEach((row: { alpha: InstanceType<typeof Point>; beta: InstanceType<typeof Point> }[], g: number) => row.forEach((ct, i) => assert.ok(ct.beta.subtract(pointMul(ct.alpha, x)).equals(baseMul(BigInt(v.selections[g][i]))))));
  });
  test('a second verifier written from docs/spec.md §4.4–§8 alone accepts the ballot and derives the same values', () => {
    // Nothing from src/ballot or src/crypto/proofs: the layout, transcripts and equations as the spec states them.
    const d = v.derived;
    const b = v.ballot;
    const h = decodePoint(v.publicKey);
    const groups: SelectionGroup[] = v.groups;
    const H128 = (tag: string, value: unknown) => leToBigInt(sha('sha512', nodeTagged(tag, value)).subarray(0, 16));
    const pt = (bytes: Uint8Array) => Point.fromBytes(bytes);
    const mulP = (p: InstanceType<typeof Point>, k: bigint) => (k % ORDER === 0n ? Point.ZERO : p.multiply(k % ORDER));
    const L = 1n << 128n;
    const parsed = groups.map((g, gi) => {
      const n = g.optionIds.length;
      const oneHot = g.max === 1;
      const branches = oneHot ? [n + (g.min === 0 ? 1 : 0)] : [...g.optionIds.map(() => 2), g.max - g.min + 1];
      const B = branches.reduce((x, y) => x + y, 0);
      const bytes = new Uint8Array(Buffer.from(b.answers[gi].proof, 'base64url'));
      assert.equal(bytes.length, 64 * B + 16 * (B - branches.length) + 32 * B, 'packed length');
      const points = Array.from({ length: 2 * B }, (_, i) => bytes.subarray(32 * i, 32 * i + 32));
      const cs = Array.from({ length: B - branches.length }, (_, i) => leToBigInt(bytes.subarray(64 * B + 16 * i, 64 * B + 16 * i + 16)));
      const zs = Array.from({ length: B }, (_, i) => leToBigInt(bytes.subarray(64 * B + 16 * (B - branches.length) + 32 * i, 64 * B + 16 * (B - branches.length) + 32 * i + 32)));
      assert.deepEqual(points.map((p) => toBase64Url(p)), d.groups[gi].commitments);
      assert.deepEqual(cs.map(String), d.groups[gi].challenges);
      const ct = b.answers[gi].ct.map(([a, bb]: string[]) => [decodePoint(a), decodePoint(bb)]);
      let rho: bigint[] | null = null;
      if (oneHot) {
        const seed = nodeH('ballot/one-hot', { election: b.election, credential: b.credential, question: g.questionId, row: g.rowId, ct: b.answers[gi].ct });
        assert.equal(seed, d.groups[gi].oneHotSeed);
        rho = g.optionIds.map((_, i) => nodeHq('ballot/one-hot-weight', { seed, option: i }));
        assert.deepEqual(rho.map((x) => encodeScalar(x)), d.groups[gi].rho);
      }
      return { g, oneHot, branches, points, cs, zs, ct, rho, commitments: toBase64Url(bytes.subarray(0, 64 * B)) };
    });
    const c = H128('ballot/challenge', { election: b.election, credential: b.credential, key: v.publicKey, answers: parsed.map((x, gi) => ({ question: x.g.questionId, row: x.g.rowId, min: x.g.min, max: x.g.max, ct: b.answers[gi].ct, commitments: x.commitments })) });
    assert.equal(String(c), d.challenge);
    for (const x of parsed) {
      // The proofs in layout order: (weights on the option ciphertexts, values).
      const proofs: [bigint[], bigint[]][] = x.oneHot
        ? [[x.rho!, [...x.rho!, ...(x.g.min === 0 ? [0n] : [])]]]
        : [...x.g.optionIds.map((_, i): [bigint[], bigint[]] => [x.g.optionIds.map((__, j) => (i === j ? 1n : 0n)), [0n, 1n]]), [x.g.optionIds.map(() => 1n), Array.from({ length: x.g.max - x.g.min + 1 }, (_, k) => BigInt(x.g.min + k))]];
      let p = 0, ch = 0;
      proofs.forEach(([w, values], k) => {
        const nb = x.branches[k]!;
        const alpha = x.ct.reduce((acc: InstanceType<typeof Point>, [a]: InstanceType<typeof Point>[], i: number) => acc.add(mulP(a!, w[i]!)), Point.ZERO);
        const beta = x.ct.reduce((acc: InstanceType<typeof Point>, [, bb]: InstanceType<typeof Point>[], i: number) => acc.add(mulP(bb!, w[i]!)), Point.ZERO);
        const written = x.cs.slice(ch, ch + nb - 1);
        const all = [...written, (((c - written.reduce((s2, y) => s2 + y, 0n)) % L) + L) % L];
        for (let j = 0; j < nb; j++) {
          const [A, B2, z] = [pt(x.points[2 * (p + j)]!), pt(x.points[2 * (p + j) + 1]!), x.zs[p + j]!];
          assert.ok(mulP(G, z).equals(A.add(mulP(alpha, all[j]!))), `g^z = A·α^c, ${x.g.rowId} proof ${k} branch ${j}`);
          assert.ok(mulP(h, z).equals(B2.add(mulP(beta.subtract(mulP(G, values[j]!)), all[j]!))), `h^z = B·(β/g^v)^c, ${x.g.rowId} proof ${k} branch ${j}`);
        }
        p += nb; ch += nb - 1;
      });
    }
    const message = nodeH('ballot/content', { election: b.election, credential: b.credential, answers: b.answers });
    assert.equal(message, d.message);
    const sig = new Uint8Array(Buffer.from(b.signature, 'base64url'));
    assert.equal(sig.length, 64);
    const R = toBase64Url(sig.subarray(0, 32));
    const e = nodeHq('ballot/signature', { context: { election: b.election }, statement: { X: b.credential }, message, commitment: R });
    assert.equal(encodeScalar(e), d.signatureChallenge);
    assert.ok(mulP(G, leToBigInt(sig.subarray(32))).equals(decodePoint(R).add(mulP(decodePoint(b.credential), e))), 'g^z = R·X^e');
  });
  test('receipt', () => {
    const r = v.receipt;
    const secret = decodeScalar(r.boardSecret);
    const made = replay(r.nonces, () => signReceipt(secret, baseMul(secret), { election: v.election, trackingCode: v.trackingCode, seq: r.seq, hash: r.hash }));
    assert.deepEqual(made, r.receipt);
    assert.ok(verifyReceipt(r.receipt, r.boardKey));
    assert.equal(verifyReceipt({ ...r.receipt, seq: r.seq + 1 }, r.boardKey), false);
  });
});

describe('vectors: a complete election record', () => {
  const v = load('record.json');
  const lines = readFileSync(join(VECTORS, 'record.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
  const events = lines.map((l) => JSON.parse(l) as BoardEvent);

  test('the verifier accepts it, and its counts are the plaintext choices', async () => {
    const { report } = await verifyRecord(linesSource(lines));
    assert.deepEqual(report.failedChecks, []);
    assert.equal(report.ok, true);
    assert.equal(events.length, v.events);
    assert.equal(events[0]!.hash, v.electionHash);
    assert.equal(eventHash(events[0]!), v.electionHash);
    const manifest = validateManifest((events[0]!.payload as { manifest: unknown }).manifest);

    // Recount in the clear: last ballot of each voter, revoked voters dropped, weighted.
    const last = new Map<string, Choices>();
    for (const b of v.ballots) last.set(b.voter, b.choices);
    let counts: number[][] | null = null;
    let cast = 0;
    for (const voter of v.voters) {
      const choices = last.get(voter.id);
      if (!choices || v.revoked.includes(voter.id)) continue;
      const vec = encodeChoices(manifest, choices);
      counts = counts ? counts.map((row, g) => row.map((n, i) => n + voter.weight * vec[g]![i]!)) : vec.map((row) => row.map((x) => x * voter.weight));
      cast += voter.weight;
    }
    const eligible = v.voters.reduce((a: number, x: { weight: number }) => a + x.weight, 0);
    const result = events.at(-1)!;
    assert.equal(result.type, 'result');
    assert.deepEqual((result.payload as { counts: number[][] }).counts, counts);
    assert.deepEqual(result.payload, plain(v.result));
    assert.deepEqual(plain(countResults(manifest, counts!, cast, eligible)), v.result.results);
  });

  test('credentials derive to the listed keys; receipts point at the ballots', () => {
    const list = events.find((e) => e.type === 'credentials')!.payload as { credentials: { key: string; weight: number }[] };
    for (const voter of v.voters) {
      assert.equal(credentialKeys(v.electionHash, voter.credential).key, voter.key);
      assert.ok(list.credentials.some((c) => c.key === voter.key && c.weight === voter.weight));
    }
    for (const b of v.ballots) assert.equal(trackingCode(events[b.seq]!.payload as never), b.trackingCode);
  });

  test('the v2 key ceremony and the signed events are in the record, each signed by its signer\'s key in the manifest', () => {
    const manifest = validateManifest((events[0]!.payload as { manifest: unknown }).manifest);
    const n = manifest.trustees.length;
    const types = events.map((e) => e.type);
    assert.deepEqual(types.slice(1, 4 * n + 3), [
      ...Array(n).fill('trustee-commitment'), ...Array(n).fill('trustee-key'), ...Array(n).fill('trustee-shares'), ...Array(n).fill('trustee-ready'), 'joint-key', 'credentials',
    ]);
    let signed = 0;
    for (const e of events) {
      const p = e.payload as { trustee?: string };
      const signer = e.type === 'credentials' || e.type === 'credential-revoked' ? { role: 'credential-authority' as const, id: null }
        : e.type.startsWith('trustee-') || e.type === 'decryption-share' ? { role: 'trustee' as const, id: p.trustee! } : null;
      if (!signer) continue;
      assert.equal(checkPayloadSignature(v.electionHash, manifest, signer, e.type, e.payload), null, `${e.type} at ${e.seq}`);
      signed++;
    }
    assert.equal(signed, 4 * n + 1 + 1 + 2, 'ceremony, list, revocation, two decryption shares');
    // Each commitment is the hash of the key its trustee reveals.
    for (const e of events.filter((x) => x.type === 'trustee-key')) {
      const commitment = events.find((x) => x.type === 'trustee-commitment' && (x.payload as { trustee: string }).trustee === (e.payload as { trustee: string }).trustee)!;
      assert.equal((commitment.payload as { commitment: string }).commitment, nodeH('trustee/key-commitment', { election: v.electionHash, key: e.payload }));
    }
  });

  /** Changes the record with `change`, then rebuilds seq/prev/hash of every event as a forger would. */
  function forged(change: (events: BoardEvent[]) => void): string[] {
    const copy = lines.map((l) => JSON.parse(l) as BoardEvent);
    change(copy);
    let prev = '0'.repeat(64);
    return copy.map((ev, seq) => {
      const body = { seq, prev, time: ev.time, type: ev.type, payload: ev.payload };
      const hash = eventHash(body);
      prev = hash;
      return canonicalJson({ ...body, hash });
    });
  }

  test('event times: exactly the board\'s toISOString form, never going back', async () => {
    assert.ok((await verifyRecord(linesSource(forged(() => {})))).report.ok, 'rebuilding an unchanged record changes nothing');
    const at = v.ballots[0].seq;
    for (const time of ['2025-01-01T00:00:00Z', '2025-01-01T00:00:00.5Z', '2025-02-30T00:00:00.000Z', '2025-01-01 00:00:00.000Z']) {
      const { report } = await verifyRecord(linesSource(forged((evs) => { for (const ev of evs) ev.time = time; })));
      assert.ok(report.failedChecks.includes('chain.time'), time);
    }
    const { report } = await verifyRecord(linesSource(forged((evs) => { evs[at]!.time = evs[0]!.time.replace(/^\d{4}/, '1999'); })));
    assert.deepEqual(report.failedChecks.filter((c) => c !== 'record.complete'), ['chain.time']);
  });

  test('credential weights beyond the board\'s bounds are refused by the verifier too', async () => {
    const { report } = await verifyRecord(linesSource(forged((evs) => {
      const list = evs.find((ev) => ev.type === 'credentials')!.payload as { credentials: { weight: number }[]; totalWeight: number };
      list.credentials[0]!.weight = 2 ** 40;
      list.totalWeight = list.credentials.reduce((a, c) => a + c.weight, 0);
    })));
    assert.ok(report.failedChecks.includes('credentials.list'));
  });

  test('a changed ballot breaks verification, even with the hash chain rebuilt', async () => {
    const i = v.ballots[0].seq;
    // Swap the first two ciphertexts of the first group (a vote moved from one candidate to another).
    const e = JSON.parse(lines[i]!);
    const cts = e.payload.answers[0].ct;
    [cts[0], cts[1]] = [cts[1], cts[0]];
    const changed = lines.slice();
    changed[i] = canonicalJson(e);
    const broken = await verifyRecord(linesSource(changed));
    assert.equal(broken.report.ok, false);
    assert.ok(broken.report.failedChecks.includes('chain.hashes'));
    // A board rewriting history re-hashes every later event: the chain then holds, the ballot's signature cannot.
    let prev = events[i - 1]!.hash;
    for (let j = i; j < changed.length; j++) {
      const ev = JSON.parse(changed[j]!);
      ev.prev = prev;
      ev.hash = eventHash(ev);
      prev = ev.hash;
      changed[j] = canonicalJson(ev);
    }
    const rewritten = await verifyRecord(linesSource(changed));
    assert.equal(rewritten.report.ok, false);
    assert.ok(!rewritten.report.failedChecks.includes('chain.hashes'));
    assert.ok(rewritten.report.failedChecks.includes('ballots.valid'));
  });
});
