// Writes the test vectors in test/vectors/ (run: npm run vectors). The vectors are committed; the test
// (test/vectors.test.ts) checks the code against them and never regenerates them. Every nonce comes from a
// seeded generator through the test-only withRandomSource hook and is written into the vector, in the order
// the code draws it, so the crypto vectors are the same on every run. The election record cannot be: the
// board stamps each event with the current time, so record.jsonl changes whenever it is regenerated.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha512 } from '@noble/hashes/sha2.js';
import { canonicalJson, toBase64Url, toHex } from '../src/crypto/encoding.js';
import { hashHex, hashToScalar, taggedBytes } from '../src/crypto/hash.js';
import {
  baseMul, decodePoint, decodeScalar, encodePoint, encodeScalar, G, mul, neg, ORDER, pointMul, scalarFromWideBytes, scalarOf, toScalarBytes,
  withRandomSource, type Point, type Scalar,
} from '../src/crypto/group.js';
import { addCiphertexts, encodeCiphertext, encrypt, scaleCiphertext, type Ciphertext } from '../src/crypto/elgamal.js';
import { encodeSchnorr, proveSchnorr } from '../src/crypto/proofs/schnorr.js';
import { proveChaumPedersen } from '../src/crypto/proofs/chaum-pedersen.js';
import { encodeDisjunctive, proveDisjunctive } from '../src/crypto/proofs/disjunctive.js';
import { encryptShare, evalCommitments, evalPolynomial, lagrangeAtZero, openShare } from '../src/crypto/threshold.js';
import { credentialKeys, issueCredentials } from '../src/credentials/credentials.js';
import { signCredentialList, signRevocation } from '../src/credentials/authority.js';
import { signCredentialsAdded } from '../src/credentials/additions.js';
import {
  coefficientContext, commitTrusteeKey, complaintContext, finishKeyCeremony, jointPublicKey, judgeComplaint, keyCommitment, makeShares, revealTrusteeKey,
  shareContext, TAG_COEFFICIENT, TAG_COMPLAINT, TAG_KEY_COMMITMENT, type TrusteeSecret,
} from '../src/keyceremony/trustee.js';
import { applyCeremonyEvent, checkCeremonyEvent, newCeremonyState, type CeremonyEvent } from '../src/keyceremony/ceremony.js';
import { signatureContext, signPayload, TAG_EVENT_SIGNATURE, unsignedPayload, type SigningKeyPair } from '../src/record/signature.js';
import type { TrusteeComplaintPayload } from '../src/record/events.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { ballotChallenge, branchCounts, contentMessage, isOneHot, oneHotWeights, proofShape, proofValues, TAG_CHALLENGE, TAG_ONE_HOT, TAG_ONE_HOT_WEIGHT, TAG_SIGNATURE } from '../src/ballot/context.js';
import { unpack, pointsText } from '../src/crypto/proofs/packed.js';
import { signatureChallenge } from '../src/crypto/proofs/signature.js';
import { nobleBackend } from '../src/crypto/backend.js';
import type { SelectionGroup } from '../src/manifest/types.js';
import type { BallotJson } from '../src/ballot/types.js';

// The challenge-form CDS proof of §4.3 keeps vectors of its own, with contexts shaped as v1 ballots had them.
const TAG_OPTION_PROOF = 'test/option';
const TAG_SUM_PROOF = 'test/sum';
const optionContext = (election: string, credential: string, group: SelectionGroup, option: number) => ({ election, credential, question: group.questionId, row: group.rowId, option: group.optionIds[option]! });
const sumContext = (election: string, credential: string, group: SelectionGroup) => ({ election, credential, question: group.questionId, row: group.rowId, min: group.min, max: group.max });
import { signReceipt } from '../src/board/receipt.js';
import { combineShares, decodeSums, decryptionContext, makeDecryptionShare, TAG_DECRYPTION } from '../src/tally/decrypt.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { validateManifest } from '../src/manifest/validate.js';
import { demoManifestDraft } from '../src/manifest/demo.js';
import { completeManifest, type ManifestDraft } from '../src/manifest/signers.js';
import { makeRoles, runKeyCeremony } from '../src/demo/roles.js';
import type { Choices, Manifest } from '../src/manifest/types.js';
import { Board } from '../src/board/board.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { writeRecord } from '../src/record/export.js';

const OUT = fileURLToPath(new URL('../test/vectors/', import.meta.url));

// ---- deterministic randomness ---------------------------------------------------------------------

/** Runs `fn` with randomScalar drawing SHA-512("veche/v2/test/rng" 0x00 {seed, counter}); returns the nonces drawn. */
function seeded<T>(seed: string, fn: () => T): { out: T; nonces: string[] } {
  let counter = 0;
  const nonces: string[] = [];
  const out = withRandomSource(fn, (length) => {
    if (length !== 64) throw new Error('unexpected draw');
    const bytes = sha512(taggedBytes('test/rng', { seed, counter: counter++ }));
    nonces.push(encodeScalar(scalarFromWideBytes(bytes)));
    return bytes;
  });
  return { out, nonces };
}

/** A fixed secret scalar for a vector, named so anyone can see it is not special. */
const fixedSecret = (name: string): Scalar => hashToScalar('test/secret', { name });
const ELECTION = hashHex('test/election', { name: 'vectors' });
/** A signing key pair from a fixed secret (in a real election each signer draws its own). */
const fixedSigning = (name: string): SigningKeyPair => { const s = fixedSecret(name); return { secret: encodeScalar(s), key: encodePoint(baseMul(s)) }; };

const enc = encodePoint;
const sc = encodeScalar;
const hex = (p: Point) => toHex(p.toBytes());

function write(name: string, value: unknown): void {
  writeFileSync(join(OUT, name), JSON.stringify(value, null, 2) + '\n');
  console.log(`wrote test/vectors/${name}`);
}

// ---- encodings --------------------------------------------------------------------------------------

function encodingVectors() {
  const deep = (n: number) => '['.repeat(n) + '0' + ']'.repeat(n);
  const accepted: [string, string][] = [
    ['key order by UTF-16 code units', '{"b":1,"a":2,"aa":3,"B":4,"":5,"a\\u0000":6}'],
    ['UTF-16 order differs from code point order (U+E000 after U+1F600)', '{"\\ue000":1,"\\ud83d\\ude00":2}'],
    ['negative zero is 0', '[-0,0,-1]'],
    ['integers written plainly', '[1.0,1e2,9007199254740991,-9007199254740991]'],
    ['string escapes as JSON.stringify', '"\\u0000\\u0008\\t\\n\\u000b\\f\\r\\u001f \\"\\\\/\\u007f\\u2028é😀"'],
    ['lone surrogates are escaped', '["\\ud800","\\udfff","\\udfff\\ud800"]'],
    ['nested, empty and literal values', '{"z":[{},[],null,true,false,""],"y":{"b":{"d":1,"c":2}}}'],
    ['"__proto__" is an ordinary key', '{"__proto__":1,"a":2}'],
    ['64 levels of nesting', deep(64)],
  ];
  const rejected: [string, string][] = [
    ['fraction', '1.5'],
    ['overflow to Infinity', '1e400'],
    ['integer above 2^53 - 1', '9007199254740992'],
    ['integer below -(2^53 - 1)', '-9007199254740992'],
    ['fraction inside an object', '{"a":[0.1]}'],
    ['65 levels of nesting', deep(65)],
  ];
  const b64: { hex: string; text: string }[] = [
    new Uint8Array(32),
    Uint8Array.from({ length: 32 }, (_, i) => i),
    new Uint8Array(32).fill(0xff),
    Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff),
  ].map((b) => ({ hex: toHex(b), text: toBase64Url(b) }));
  const valid = b64[1]!.text;
  const last = valid.slice(0, 42);
  const b64Rejected = [
    { why: 'padding', text: valid + '=' },
    { why: 'too short', text: valid.slice(0, 42) },
    { why: 'standard base64 alphabet (+)', text: '+' + valid.slice(1) },
    { why: 'standard base64 alphabet (/)', text: '/' + valid.slice(1) },
    { why: 'non-canonical trailing bits', text: last + 'B' },
    { why: 'whitespace', text: ' ' + valid.slice(1) },
    { why: 'empty', text: '' },
  ];
  write('encoding.json', {
    description: 'Canonical JSON (src/crypto/encoding.ts): `input` is JSON text; JSON.parse(input) encodes to `canonical`, or is refused. base64url: 32-byte values and texts refused for 32 bytes.',
    canonicalJson: accepted.map(([name, input]) => ({ name, input, canonical: canonicalJson(JSON.parse(input)) })),
    canonicalJsonRejected: rejected.map(([name, input]) => ({ name, input })),
    base64url: b64,
    base64urlRejected: b64Rejected,
  });
}

// ---- hashes -----------------------------------------------------------------------------------------

function hashVectors() {
  const cases: { tag: string; value: unknown }[] = [
    { tag: 'event', value: { seq: 0, prev: '0'.repeat(64), time: '2025-01-01T00:00:00.000Z', type: 'poll-opened', payload: {} } },
    { tag: 'credential', value: { election: ELECTION, credential: 'ABCDE-FGHJK-MNPQR-STVWX-YZ012' } },
    { tag: 'ballot/content', value: { election: ELECTION, credential: enc(G), answers: [] } },
    { tag: 'ballot/tracking', value: { election: ELECTION } },
    { tag: 'ballot/challenge', value: { election: ELECTION, credential: enc(G), key: enc(G), answers: [] } },
    { tag: 'ballot/one-hot', value: { election: ELECTION, credential: enc(G), question: 'q', row: 'q', ct: [] } },
    { tag: 'ballot/one-hot-weight', value: { seed: '0'.repeat(64), option: 0 } },
    { tag: 'ballot/signature', value: { context: { election: ELECTION }, statement: { X: enc(G) }, message: 'm', commitment: enc(G) } },
    { tag: 'trustee/coefficient', value: { context: coefficientContext(ELECTION, 't1', 1, 0) } },
    { tag: 'trustee/encryption-key', value: null },
    { tag: 'trustee/ready', value: 0 },
    { tag: 'trustee/decryption', value: 'text' },
    { tag: 'trustee/mix-decryption', value: { context: { election: ELECTION, trustee: 't1', index: 1, question: 'council', row: 0, column: 0 }, statement: { X: enc(G), B: enc(G), Y: enc(G) }, commitment: [enc(G), enc(G)] } },
    { tag: 'board/receipt', value: [1, 'two', { three: 3 }] },
    { tag: 'trustee/key-commitment', value: { election: ELECTION, key: { trustee: 't1', index: 1, commitments: [enc(G)], proofs: [], encryptionKey: enc(G), encryptionProof: { c: sc(1n), z: sc(2n) }, signature: { c: sc(3n), z: sc(4n) } } } },
    { tag: 'trustee/complaint', value: { context: complaintContext(ELECTION, 't2', 't1'), statement: { X: enc(G), B: enc(G), Y: enc(G) }, commitment: [enc(G), enc(G)] } },
    { tag: 'event/signature', value: { context: signatureContext(ELECTION, { role: 'credential-authority', id: null }), statement: { X: enc(G) }, message: { type: 'credential-revoked', payload: { key: enc(G), reason: 'lost' } }, commitment: enc(G) } },
    { tag: 'share-key', value: { context: shareContext(ELECTION, 't1', 't2', enc(G)), R: enc(G), S: enc(G) } },
    { tag: 'share-mac', value: { R: enc(G), data: enc(G) } },
    { tag: 'server/token', value: 'vt1.demo.t1.secret' },
    { tag: 'server/session', value: 'a session id (base64url, 32 random bytes)' },
    { tag: 'server/password-link', value: 'a one-time password link id' },
    { tag: 'server/voter-link', value: 'a voter sign-in link secret' },
    { tag: 'server/voter-session', value: 'a voter session secret' },
    { tag: 'meeting/signature', value: { context: { meeting: ELECTION, signer: 'm1' }, statement: { X: enc(G) }, message: { type: 'member-present', payload: { member: 'm1', by: 'm1' } }, commitment: enc(G) } },
    { tag: 'forum/signature', value: { context: { body: 'board', signer: 'm1' }, statement: { X: enc(G) }, message: { action: 'endorse', payload: { post: 'p1', by: 'm1', nonce: 'n1' } }, commitment: enc(G) } },
    { tag: 'event', value: 'the same value under two tags hashes differently' },
    { tag: 'credential', value: 'the same value under two tags hashes differently' },
  ];
  write('hash.json', {
    description: 'taggedBytes = UTF-8("veche/v2/" + tag) || 0x00 || UTF-8(canonicalJson(value)); hashHex = hex(SHA-256(taggedBytes)); hashToScalar = SHA-512(taggedBytes) read little-endian mod q (base64url scalar, and decimal).',
    cases: cases.map(({ tag, value }) => {
      const s = hashToScalar(tag, value);
      return { tag, value, taggedBytesHex: toHex(taggedBytes(tag, value)), hashHex: hashHex(tag, value), hashToScalar: sc(s), hashToScalarDecimal: s.toString() };
    }),
  });
}

// ---- group ------------------------------------------------------------------------------------------

// RFC 9496, appendix A.1 (small multiples of the generator) and A.2 (invalid encodings).
const RFC9496_MULTIPLES = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76',
  '6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919',
  '94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259',
  'da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57',
  'e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e',
  'f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403',
  '44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d',
  '903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c',
  '02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031',
  '20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f',
  'bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42',
  'e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460',
  'aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f',
  '46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e',
  'e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e',
];
const RFC9496_BAD: [string, string][] = [
  ['non-canonical field encoding', '00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'],
  ['non-canonical field encoding', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['non-canonical field encoding', 'f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['non-canonical field encoding', 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['negative field element', '0100000000000000000000000000000000000000000000000000000000000000'],
  ['negative field element', '01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['negative field element', 'ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20'],
  ['negative field element', 'c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562'],
  ['negative field element', 'c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78'],
  ['negative field element', '47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24'],
  ['negative field element', 'f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72'],
  ['negative field element', '87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309'],
  ['non-square x^2', '26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371'],
  ['non-square x^2', '4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f'],
  ['non-square x^2', 'de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b'],
  ['non-square x^2', 'bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042'],
  ['non-square x^2', '2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08'],
  ['non-square x^2', 'f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22'],
  ['non-square x^2', '8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731'],
  ['non-square x^2', '2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b'],
  ['negative xy', '3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e'],
  ['negative xy', 'a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220'],
  ['negative xy', 'd483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e'],
  ['negative xy', '8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32'],
  ['negative xy', '32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b'],
  ['negative xy', '227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165'],
  ['negative xy', '5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e'],
  ['negative xy', '445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b'],
  ['s = -1, y = 0', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
];

function groupVectors() {
  const fromHexBytes = (h: string) => Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));
  const multiples = RFC9496_MULTIPLES.map((h, k) => {
    if (hex(baseMul(BigInt(k))) !== h) throw new Error(`noble disagrees with RFC 9496 on ${k}·G`);
    return { k, hex: h, base64url: toBase64Url(fromHexBytes(h)) };
  });
  const big = [ORDER - 1n, 2n ** 128n + 3n, fixedSecret('group/k')].map((k) => ({ k: k.toString(), base64url: enc(baseMul(k)) }));
  const scalars = [0n, 1n, 255n, 256n, 2n ** 64n, ORDER - 1n].map((s) => ({ value: s.toString(), hex: toHex(toScalarBytes(s)), base64url: sc(s) }));
  const le = (x: bigint) => { const b = new Uint8Array(32); for (let i = 0; i < 32; i++) { b[i] = Number(x & 0xffn); x >>= 8n; } return b; };
  const badScalars = [['q', ORDER], ['q + 1', ORDER + 1n], ['2^255', 2n ** 255n], ['2^256 - 1', 2n ** 256n - 1n]] as const;
  write('group.json', {
    description: 'ristretto255 (RFC 9496). Points: 32-byte encodings as hex and base64url; multiples k·G (k < 16 from RFC 9496 A.1). badPoints (RFC 9496 A.2) must be refused. Scalars: 32 bytes little-endian, value < q; badScalars must be refused.',
    order: ORDER.toString(),
    generator: { hex: hex(G), base64url: enc(G) },
    multiples,
    largeMultiples: big,
    badPoints: RFC9496_BAD.map(([why, h]) => ({ why, hex: h, base64url: toBase64Url(fromHexBytes(h)) })),
    identityAsPublicKey: { base64url: enc(baseMul(0n)), note: 'a valid point, refused where a public key is expected' },
    scalars,
    badScalars: badScalars.map(([why, x]) => ({ why, hex: toHex(le(x)), base64url: toBase64Url(le(x)) })),
  });
}

// ---- ElGamal ----------------------------------------------------------------------------------------

function elgamalVectors() {
  const x = fixedSecret('elgamal/x');
  const h = baseMul(x);
  const cases = [0, 1, 5].map((m) => {
    const r = fixedSecret(`elgamal/r/${m}`);
    const { ct } = encrypt(h, m, r);
    return { m, r: sc(r), ciphertext: encodeCiphertext(ct), ct };
  });
  const sum = cases.map((c) => c.ct).reduce(addCiphertexts);
  const scaled = scaleCiphertext(cases[2]!.ct, scalarOf(3));
  write('elgamal.json', {
    description: 'Exponential ElGamal: Enc(m; r) = [g^r, g^m · h^r] with h = g^x. sum: componentwise product of the three ciphertexts (plaintext 6, randomness Σr). scaled: the m = 5 ciphertext raised to 3 (plaintext 15).',
    secretKey: sc(x),
    publicKey: enc(h),
    cases: cases.map(({ m, r, ciphertext }) => ({ m, r, ciphertext })),
    sum: { m: 6, ciphertext: encodeCiphertext(sum) },
    scaled: { factor: 3, m: 15, ciphertext: encodeCiphertext(scaled) },
  });
}

// ---- proofs -----------------------------------------------------------------------------------------

function schnorrVectors() {
  const x = fixedSecret('schnorr/x');
  const X = baseMul(x);
  const cases = [
    { name: 'proof of knowledge (trustee coefficient)', tag: TAG_COEFFICIENT, context: coefficientContext(ELECTION, 't1', 1, 0), message: undefined },
    { name: 'signature on a message (ballot signature)', tag: TAG_SIGNATURE, context: { election: ELECTION }, message: hashHex('ballot/content', { example: true }) },
  ].map((c) => {
    const { out: proof, nonces } = seeded(`schnorr/${c.name}`, () => proveSchnorr(c.tag, c.context, x, X, c.message));
    const w = decodeScalar(nonces[0]);
    const A = baseMul(w);
    const transcript = { context: c.context, statement: { X: enc(X) }, message: c.message ?? null, commitment: enc(A) };
    if (hashToScalar(c.tag, transcript) !== proof.c) throw new Error('schnorr transcript mismatch');
    return { name: c.name, tag: c.tag, context: c.context, ...(c.message === undefined ? {} : { message: c.message }), secret: sc(x), X: enc(X), nonces, commitment: enc(A), transcript, proof: encodeSchnorr(proof) };
  });
  write('schnorr.json', {
    description: 'Schnorr proof of knowledge of x = log_g X, and signature when a message is given. nonces: [w]. A = g^w; c = hashToScalar(tag, transcript); z = w + c·x.',
    cases,
  });
}

function chaumPedersenVectors() {
  const x = fixedSecret('cp/x');
  const X = baseMul(x);
  const B = baseMul(fixedSecret('cp/alpha'));
  const Y = pointMul(B, x);
  const context = decryptionContext(ELECTION, 't2', 2, 0, 1);
  const { out: proof, nonces } = seeded('chaum-pedersen', () => proveChaumPedersen(TAG_DECRYPTION, context, x, X, B, Y));
  const w = decodeScalar(nonces[0]);
  const transcript = { context, statement: { X: enc(X), B: enc(B), Y: enc(Y) }, commitment: [enc(baseMul(w)), enc(pointMul(B, w))] };
  if (hashToScalar(TAG_DECRYPTION, transcript) !== proof.c) throw new Error('chaum-pedersen transcript mismatch');
  write('chaum-pedersen.json', {
    description: 'Chaum–Pedersen proof that log_g X = log_B Y (a decryption share: X = verification key, B = alpha of a tally ciphertext, Y = D). nonces: [w]. A1 = g^w, A2 = B^w; c = hashToScalar(tag, transcript); z = w + c·x.',
    cases: [{ tag: TAG_DECRYPTION, context, secret: sc(x), X: enc(X), B: enc(B), Y: enc(Y), nonces, transcript, proof: encodeSchnorr(proof) }],
  });
}

/** A_i = g^{z_i} α^{-c_i}, B_i = h^{z_i} β^{-c_i} g^{v_i c_i}: what the verifier recomputes. */
function branchCommitments(h: Point, ct: Ciphertext, v: number, c: Scalar, z: Scalar): [string, string] {
  const nc = neg(c);
  return [enc(baseMul(z).add(pointMul(ct.alpha, nc))), enc(pointMul(h, z).add(pointMul(ct.beta, nc)).add(baseMul(mul(scalarOf(v), c))))];
}

function disjunctiveVectors() {
  const x = fixedSecret('disjunctive/x');
  const h = baseMul(x);
  const group = { questionId: 'q1', index: 0, rowId: 'q1', optionIds: ['yes', 'no', 'maybe'], min: 0, max: 2 };
  const credential = enc(baseMul(fixedSecret('disjunctive/credential')));
  const specs = [
    { name: 'option encrypts 0, values [0, 1]', tag: TAG_OPTION_PROOF, context: optionContext(ELECTION, credential, group, 0), values: [0, 1], m: 0 },
    { name: 'option encrypts 1, values [0, 1]', tag: TAG_OPTION_PROOF, context: optionContext(ELECTION, credential, group, 1), values: [0, 1], m: 1 },
    { name: 'sum encrypts 2, values [0, 1, 2]', tag: TAG_SUM_PROOF, context: sumContext(ELECTION, credential, group), values: [0, 1, 2], m: 2 },
    { name: 'sum encrypts 1, values [1] (exactly one)', tag: TAG_SUM_PROOF, context: sumContext(ELECTION, credential, { ...group, min: 1, max: 1 }), values: [1], m: 1 },
  ];
  const cases = specs.map((s) => {
    const r = fixedSecret(`disjunctive/r/${s.name}`);
    const { ct } = encrypt(h, s.m, r);
    const index = s.values.indexOf(s.m);
    const { out: proof, nonces } = seeded(`disjunctive/${s.name}`, () => proveDisjunctive(s.tag, s.context, h, ct, r, s.values, index));
    const commitment = s.values.map((v, i) => branchCommitments(h, ct, v, proof.c[i]!, proof.z[i]!));
    const transcript = { context: s.context, statement: { h: enc(h), ciphertext: encodeCiphertext(ct), values: s.values }, commitment };
    const challenge = hashToScalar(s.tag, transcript);
    if (proof.c.reduce((a, b) => (a + b) % ORDER, 0n) !== challenge) throw new Error('disjunctive transcript mismatch');
    return { name: s.name, tag: s.tag, context: s.context, publicKey: enc(h), m: s.m, r: sc(r), ciphertext: encodeCiphertext(ct), values: s.values, index, nonces, transcript, challenge: sc(challenge), proof: encodeDisjunctive(proof) };
  });
  write('disjunctive.json', {
    description: 'Disjunctive Chaum–Pedersen (CDS) proof that a ciphertext encrypts values[index]. nonces, in the order drawn: w, then for each simulated branch i != index in increasing i: c_i, z_i. The real branch: commitments (g^w, h^w), c_index = challenge − Σ other c_i, z_index = w + c_index·r.',
    secretKey: sc(x),
    cases,
  });
}

// ---- credentials ------------------------------------------------------------------------------------

function credentialVectors() {
  const cases = [
    { typed: 'ABCDE-FGHJK-MNPQR-STVWX-YZ012' },
    { typed: '  abcde fghjk-mnpqr stvwx yz012 ' },
    { typed: '0000000000000000000000000' },
    { typed: 'ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ' },
  ].map(({ typed }) => {
    const k = credentialKeys(ELECTION, typed);
    return { typed, normalized: normalizedOf(typed), secret: sc(k.secret), publicKey: k.key };
  });
  // The credential authority signs the public list and each revocation (src/credentials/authority.ts).
  const authority = fixedSigning('authority/signing');
  const voters = [
    { id: 'v1', credential: 'ABCDE-FGHJK-MNPQR-STVWX-YZ012', weight: 1 },
    { id: 'v2', credential: 'ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ', weight: 3 },
    { id: 'v3', credential: '00000-00000-00000-00000-00000', weight: 1 },
  ];
  const fixed = voters.map((v) => v.credential);
  const issued = issueCredentials(ELECTION, voters, () => fixed.shift()!);
  const { out: list, nonces: listNonces } = seeded('credentials/list', () => signCredentialList(ELECTION, issued.public, authority));
  const revokedKey = issued.private.find((c) => c.voter === 'v2')!.key;
  const { out: revocation, nonces: revocationNonces } = seeded('credentials/revocation', () => signRevocation(ELECTION, revokedKey, 'reported lost by its holder', authority));
  // A late voter and a new credential for v2 (revoked above): spec §6.4 (src/credentials/additions.ts).
  const added = [
    { id: 'v4', credential: '11111-22222-33333-44444-55555', weight: 2 },
    { id: 'v2', credential: '66666-77777-88888-99999-AAAAA', weight: 3, replaces: revokedKey },
  ];
  const { out: addition, nonces: additionNonces } = seeded('credentials/addition', () => signCredentialsAdded(ELECTION, added.map((a) => ({ key: credentialKeys(ELECTION, a.credential).key, weight: a.weight, ...(a.replaces ? { replaces: a.replaces } : {}) })), authority));
  const signer = { role: 'credential-authority' as const, id: null };
  const detail = (type: string, payload: { signature: { c: string; z: string } }, nonces: string[]) => {
    const message = { type, payload: unsignedPayload(payload) };
    const transcript = { context: signatureContext(ELECTION, signer), statement: { X: authority.key }, message, commitment: enc(baseMul(decodeScalar(nonces[0]!))) };
    if (sc(hashToScalar(TAG_EVENT_SIGNATURE, transcript)) !== payload.signature.c) throw new Error(`${type}: signature transcript mismatch`);
    return { nonces, transcript, payload };
  };
  write('credential.json', {
    description: 'Credential: 25 Crockford base32 symbols (0-9 A-Z without I L O U). normalized = upper case, spaces and dashes removed, a dash after every 5 symbols. secret = hashToScalar("credential", {election, credential: normalized}); publicKey = g^secret. authority: the credential authority\'s signing key; signedList: the public list {credentials sorted by key, totalWeight} signed by it, signedRevocation: a revocation {key, reason} signed by it; signedAddition: credentials added after the list {credentials sorted by key, each {key, weight} for a late voter or {key, weight, replaces} for a re-issued credential, addedWeight = the weights of the entries without replaces}, signed by it. Each signature is a Schnorr signature (tag event/signature) with context {election, role: "credential-authority", signer: null} and message {type, payload without its signature}; nonces: [w].',
    election: ELECTION,
    cases,
    authority: { signingSecret: authority.secret, signingKey: authority.key },
    signedList: { voters: voters.map((v) => ({ ...v, key: credentialKeys(ELECTION, v.credential).key })), ...detail('credentials', list, listNonces) },
    signedRevocation: { ...detail('credential-revoked', revocation, revocationNonces) },
    signedAddition: { voters: added.map((a) => ({ ...a, key: credentialKeys(ELECTION, a.credential).key })), ...detail('credentials-added', addition, additionNonces) },
    rejected: ['ABCDE-FGHJK-MNPQR-STVWX-YZ01', 'ABCDE-FGHJK-MNPQR-STVWX-YZ0123', 'ABCDE-FGHIK-MNPQR-STVWX-YZ012', 'ABCDE-FGHJK-MNOQR-STVWX-YZ012', 'ABCDE-FGHJK-MNPQR-STUWX-YZ012', 'ABCDE-FGHJK-MNPQR-STVWX-YZ01L', 'ABCDE_FGHJK_MNPQR_STVWX_YZ012'],
  });
}

function normalizedOf(text: string): string {
  const clean = text.trim().toUpperCase().replace(/[\s-]/g, '');
  return clean.replace(/(.{5})(?=.)/g, '$1-');
}

// ---- key ceremony, shares, decryption ---------------------------------------------------------------

/** The manifest of the threshold vector: three trustees, 2 of whom decrypt, with fixed signing keys. */
function thresholdManifest(): Manifest {
  const draft: ManifestDraft = {
    id: 'vectors-threshold',
    title: 'Test vector key ceremony',
    description: '',
    languages: ['en'],
    questions: [{ type: 'motion', id: 'm', title: 'Motion', quorum: { num: 1, den: 2 }, threshold: { num: 1, den: 2 }, strict: true }],
    trustees: [{ id: 't1', name: 'Trustee One' }, { id: 't2', name: 'Trustee Two' }, { id: 't3', name: 'Trustee Three' }],
    threshold: 2,
  };
  return validateManifest(completeManifest(draft, {
    trustees: Object.fromEntries(draft.trustees.map((t) => [t.id, fixedSigning(`trustee/${t.id}/signing`).key])),
    authority: fixedSigning('authority/signing').key,
  }));
}

/** One signature in full: what is hashed for the challenge, and the proof. */
function signatureDetail(election: string, signer: { role: 'trustee' | 'credential-authority'; id: string | null }, key: string, type: string, payload: { signature: { c: string; z: string } }, nonce: string) {
  const context = signatureContext(election, signer);
  const message = { type, payload: unsignedPayload(payload) };
  const commitment = enc(baseMul(decodeScalar(nonce)));
  const transcript = { context, statement: { X: key }, message, commitment };
  const challenge = hashToScalar(TAG_EVENT_SIGNATURE, transcript);
  if (sc(challenge) !== payload.signature.c) throw new Error(`${type}: signature transcript mismatch`);
  return { tag: TAG_EVENT_SIGNATURE, type, signingKey: key, context, message, nonce, commitment, transcript, challenge: sc(challenge), proof: payload.signature };
}

function thresholdVectors() {
  const manifest = thresholdManifest();
  const ids = manifest.trustees.map((tr) => tr.id);
  const t = manifest.threshold;
  const identities: TrusteeSecret[] = ids.map((id) => ({ version: 'veche/trustee-secret/v2', trustee: id, signing: fixedSigning(`trustee/${id}/signing`) }));
  // Round 0 (commit), 1 (reveal), 2 (shares) and 3 (ready) of the ceremony, each trustee with its own seeded randomness.
  const round0 = identities.map((s) => seeded(`ceremony/${s.trustee}/commit`, () => commitTrusteeKey(s, ELECTION, manifest)));
  const keys = round0.map((r) => revealTrusteeKey(r.out.secret));
  const round2 = round0.map((r, i) => seeded(`ceremony/${ids[i]}/shares`, () => makeShares(r.out.secret, keys)));
  const allShares = round2.map((r) => r.out);
  const round3 = round0.map((r, i) => seeded(`ceremony/${ids[i]}/finish`, () => finishKeyCeremony(r.out.secret, keys, allShares)));
  const secrets: TrusteeSecret[] = round3.map((r) => {
    if (r.out.kind !== 'ready') throw new Error('honest ceremony: unexpected complaint');
    return r.out.secret;
  });
  const readies = round3.map((r) => (r.out.kind === 'ready' ? r.out.ready : null)!);
  const h = jointPublicKey(keys);
  const coefficients = secrets.map((s) => s.coefficients!.map((c) => decodeScalar(c)));
  const jointSecret = coefficients.reduce((acc, cs) => (acc + cs[0]!) % ORDER, 0n);
  if (!baseMul(jointSecret).equals(h)) throw new Error('joint key mismatch');

  // The board's and the verifier's rules accept the ceremony, event by event, and it ends with the joint key.
  const cs = newCeremonyState();
  const events: [CeremonyEvent, unknown][] = [
    ...round0.map((r) => ['trustee-commitment', r.out.commitment] as [CeremonyEvent, unknown]),
    ...keys.map((k) => ['trustee-key', k] as [CeremonyEvent, unknown]),
    ...allShares.map((x) => ['trustee-shares', x] as [CeremonyEvent, unknown]),
    ...readies.map((x) => ['trustee-ready', x] as [CeremonyEvent, unknown]),
    ['joint-key', { publicKey: enc(h) }],
  ];
  for (const [type, payload] of events) {
    const bad = checkCeremonyEvent(cs, ELECTION, manifest, type, payload);
    if (bad) throw new Error(`ceremony rules refuse ${type}: ${bad.message}`);
    applyCeremonyEvent(cs, ELECTION, type, payload);
  }

  // One share encryption in full detail: t1's share for t2, bound to t2's encryption key.
  const E = decodePoint(keys[1]!.encryptionKey);
  const shareValue = evalPolynomial(coefficients[0]!, 2);
  const context = shareContext(ELECTION, 't1', 't2', keys[1]!.encryptionKey);
  const { out: encrypted, nonces: shareNonces } = seeded('share-encryption', () => encryptShare(context, E, shareValue));
  const r = decodeScalar(shareNonces[0]!);
  const S = pointMul(E, r);
  const k = sha512(taggedBytes('share-key', { context, R: enc(baseMul(r)), S: enc(S) }));

  // A complaint: t1 sends t2 a share that is properly encrypted but wrong (P_1(2) + 1). t2 complains,
  // revealing S = R^{e_2} with a Chaum–Pedersen proof; anyone then opens the share and finds t1 at fault.
  const e2 = decodeScalar(secrets[1]!.encryptionSecret!);
  const wrongValue = (shareValue + 1n) % ORDER;
  const { out: badShares, nonces: badSharesNonces } = seeded('complaint/t1/bad-shares', () => signPayload(ELECTION, { role: 'trustee', id: 't1' }, 'trustee-shares', {
    trustee: 't1',
    shares: { ...allShares[0]!.shares, t2: encryptShare(context, E, wrongValue) },
  }, decodeScalar(identities[0]!.signing.secret)));
  const cheated = [badShares, allShares[1]!, allShares[2]!];
  const { out: outcome, nonces: complainNonces } = seeded('complaint/t2/finish', () => finishKeyCeremony(round0[1]!.out.secret, keys, cheated));
  if (outcome.kind !== 'complaints' || outcome.complaints.length !== 1) throw new Error('expected one complaint');
  const complaint = outcome.complaints[0]!;
  const badR = decodePoint(badShares.shares.t2!.R);
  const badS = pointMul(badR, e2);
  if (enc(badS) !== complaint.S) throw new Error('complaint S mismatch');
  const cpW = decodeScalar(complainNonces[0]!);
  const complaintTranscript = { context: complaintContext(ELECTION, 't2', 't1'), statement: { X: keys[1]!.encryptionKey, B: enc(badR), Y: enc(badS) }, commitment: [enc(baseMul(cpW)), enc(pointMul(badR, cpW))] };
  if (sc(hashToScalar(TAG_COMPLAINT, complaintTranscript)) !== complaint.proof.c) throw new Error('complaint transcript mismatch');
  const opened = openShare(context, badS, badShares.shares.t2!);
  if (opened !== wrongValue) throw new Error('the complaint does not open the bad share');
  const judgement = judgeComplaint(ELECTION, complaint, keys[1]!, keys[0]!, badShares);
  if (judgement.atFault !== 't1') throw new Error('the sender of the bad share should be at fault');
  // Through the board's rules: the complaint is accepted as an event and t1 is named at fault.
  const cc = newCeremonyState();
  const complaintEvents: [CeremonyEvent, unknown][] = [...events.slice(0, 6), ['trustee-shares', badShares], ...events.slice(7, 9), ['trustee-complaint', complaint]];
  for (const [type, payload] of complaintEvents) {
    const bad = checkCeremonyEvent(cc, ELECTION, manifest, type, payload);
    if (bad) throw new Error(`ceremony rules refuse ${type}: ${bad.message}`);
    applyCeremonyEvent(cc, ELECTION, type, payload);
  }
  if (cc.complaints[0]?.atFault !== 't1') throw new Error('board rules: t1 should be at fault');

  // A false complaint: t3 complains about the good share t2 sent it; the share opens and matches, so t3 is at fault.
  const e3 = decodeScalar(secrets[2]!.encryptionSecret!);
  const goodR = decodePoint(allShares[1]!.shares.t3!.R);
  const goodS = pointMul(goodR, e3);
  const { out: falseComplaint, nonces: falseNonces } = seeded('complaint/t3/false', () => signPayload(ELECTION, { role: 'trustee', id: 't3' }, 'trustee-complaint', {
    trustee: 't3',
    against: 't2',
    S: enc(goodS),
    proof: encodeSchnorr(proveChaumPedersen(TAG_COMPLAINT, complaintContext(ELECTION, 't3', 't2'), e3, decodePoint(keys[2]!.encryptionKey), goodR, goodS)),
  }, decodeScalar(identities[2]!.signing.secret)) as TrusteeComplaintPayload);
  const falseJudgement = judgeComplaint(ELECTION, falseComplaint, keys[2]!, keys[1]!, allShares[1]!);
  if (falseJudgement.atFault !== 't3') throw new Error('the false complainer should be at fault');

  // A tally of two ciphertexts (plaintexts 2 and 3) decrypted by trustees 1 and 3.
  const sums = [[encodeCiphertext(encrypt(h, 2, fixedSecret('tally/r/0')).ct), encodeCiphertext(encrypt(h, 3, fixedSecret('tally/r/1')).ct)]];
  const dshares = secrets.map((s) => seeded(`decryption/${s.trustee}`, () => makeDecryptionShare(s, sums)));
  const used = [dshares[0]!.out, dshares[2]!.out];
  const counts = combineShares(decodeSums(sums), used, 10);

  const signerOf = (id: string) => ({ role: 'trustee' as const, id });
  const subsets = [[1, 2], [1, 3], [2, 3], [1, 2, 3]];
  write('threshold.json', {
    description: 'A 2-of-3 key ceremony (src/keyceremony/trustee.ts, protocol v2), one share encryption in detail, a complaint against a bad share and a false complaint with their judgements, one event signature in detail, Lagrange coefficients at 0, and a threshold decryption by trustees 1 and 3. Every trustee event is signed (Schnorr, tag event/signature, context {election, role: "trustee", signer: id}, message {type, payload without its signature}) with the trustee\'s signing key from the manifest. Nonces per step in the order the code draws them: commit (round 0): a_0..a_{t-1}, e, w for each coefficient proof j = 0..t-1, w for the encryption-key proof, w of the trustee-key signature, w of the trustee-commitment signature; shares (round 2): r for each other trustee in manifest order, then w of the signature; finish (round 3): w of the ready proof, then w of the signature (with a complaint: w of its Chaum–Pedersen proof, then w of its signature, per accused trustee); decryption: w for each (group, option) in order, then w of the signature.',
    election: ELECTION,
    manifest,
    threshold: t,
    trustees: ids.map((id, i) => ({
      id,
      index: i + 1,
      signingSecret: identities[i]!.signing.secret,
      signingKey: identities[i]!.signing.key,
      commitNonces: round0[i]!.nonces,
      coefficients: secrets[i]!.coefficients,
      encryptionSecret: secrets[i]!.encryptionSecret,
      keyCommitment: { tag: TAG_KEY_COMMITMENT, hashed: { election: ELECTION, key: keys[i] }, hash: keyCommitment(ELECTION, keys[i]!) },
      commitment: round0[i]!.out.commitment,
      key: keys[i],
      sharesNonces: round2[i]!.nonces,
      shareContexts: Object.fromEntries(keys.filter((x) => x.trustee !== id).map((x) => [x.trustee, shareContext(ELECTION, id, x.trustee, x.encryptionKey)])),
      shares: allShares[i],
      finishNonces: round3[i]!.nonces,
      share: secrets[i]!.share,
      ready: readies[i],
      polynomialAt: Object.fromEntries(ids.map((_, l) => [String(l + 1), sc(evalPolynomial(coefficients[i]!, l + 1))])),
    })),
    jointPublicKey: enc(h),
    jointSecret: sc(jointSecret),
    signature: { signer: signerOf('t1'), ...signatureDetail(ELECTION, signerOf('t1'), identities[0]!.signing.key, 'trustee-commitment', round0[0]!.out.commitment, round0[0]!.nonces.at(-1)!) },
    lagrange: subsets.map((set) => ({ indices: set, coefficients: set.map((i) => sc(lagrangeAtZero(set, i))) })),
    shareEncryption: {
      context, recipientKey: enc(E), share: sc(shareValue), nonces: shareNonces, R: enc(baseMul(r)), S: enc(S),
      mask: toHex(k.slice(0, 32)), macKey: toHex(k.slice(32)), encrypted,
    },
    complaint: {
      description: 't1 sends t2 P_1(2) + 1 instead of P_1(2), encrypted to t2\'s key in the share context. badSharesNonces: r of the bad share for t2 (t3\'s share is the honest one), then w of the signature. t2\'s finish step finds the share does not match t1\'s commitments and complains: complainNonces = w of the Chaum–Pedersen proof (tag trustee/complaint, X = E_2, B = R, Y = S = R^{e_2}), then w of the signature. Anyone opens the share with S and checks g^value against t1\'s commitments at index 2: t1 is at fault.',
      from: 't1',
      to: 't2',
      shareContext: context,
      wrongValue: sc(wrongValue),
      badSharesNonces,
      badShares,
      complainNonces,
      R: enc(badR),
      S: enc(badS),
      proofTranscript: complaintTranscript,
      payload: complaint,
      opened: sc(opened),
      expected: enc(evalCommitments(keys[0]!.commitments.map((c) => decodePoint(c)), 2)),
      judgement,
    },
    falseComplaint: {
      description: 't3 complains about the honest share t2 sent it, revealing the true S = R^{e_3}: the share opens and matches t2\'s commitments, so t3 is at fault. nonces: w of the Chaum–Pedersen proof, then w of the signature.',
      from: 't2',
      to: 't3',
      nonces: falseNonces,
      payload: falseComplaint,
      judgement: falseJudgement,
    },
    decryption: {
      sums,
      plaintexts: [[2, 3]],
      shares: dshares.map((d) => ({ trustee: d.out.trustee, nonces: d.nonces, payload: d.out })),
      combinedWith: [1, 3],
      counts,
    },
  });
}

// ---- ballot and receipt -----------------------------------------------------------------------------

const BALLOT_MANIFEST: Manifest = validateManifest(completeManifest({
  id: 'vectors',
  title: 'Test vector election',
  description: '',
  languages: ['en'],
  questions: [
    { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'ann', label: 'Ann' }, { id: 'bob', label: 'Bob' }], allowBlank: true, absoluteMajority: false },
    { type: 'motion', id: 'budget', title: 'Adopt the budget', quorum: { num: 1, den: 2 }, threshold: { num: 1, den: 2 }, strict: true },
    { type: 'approval', id: 'projects', title: 'Projects', options: [{ id: 'p1', label: 'P1' }, { id: 'p2', label: 'P2' }, { id: 'p3', label: 'P3' }], min: 0, max: 2, winners: 1 },
  ],
  trustees: [{ id: 't1', name: 'Trustee One' }],
  threshold: 1,
}, { trustees: { t1: fixedSigning('trustee/t1/signing').key }, authority: fixedSigning('authority/signing').key }));

function ballotVectors() {
  const x = fixedSecret('ballot/election-key');
  const h = baseMul(x);
  const groups = selectionGroups(BALLOT_MANIFEST);
  const credential = 'VECT0-RSABC-DEFGH-JKMNP-QRSTV';
  const voter = credentialKeys(ELECTION, credential);
  const choices: Choices = { chair: { type: 'choice', candidate: 'bob' }, budget: { type: 'motion', vote: 'against' }, projects: { type: 'approval', options: ['p1', 'p3'] } };
  const selections = encodeChoices(BALLOT_MANIFEST, choices);
  const { out, nonces } = seeded('ballot', () => encryptBallot(ELECTION, h, groups, selections, voter));
  const derived = ballotDerived(out.ballot, groups, enc(h));
  const boardSecret = fixedSecret('board/secret');
  const eventHash = hashHex('test/event', { n: 7 });
  const { out: receipt, nonces: receiptNonces } = seeded('receipt', () => signReceipt(boardSecret, baseMul(boardSecret), { election: ELECTION, trackingCode: out.trackingCode, seq: 7, hash: eventHash }));
  write('ballot.json', {
    description: 'A ballot (src/ballot/encrypt.ts, docs/spec.md §8) with its nonces in the order drawn: per group, r per option (encryption), then per proof in layout order w, then for each simulated branch in increasing order c (the nonce mod 2^128) and z; after all groups, w of the signature. `derived`: per group its one-hot weights (null for a k-of-n group), the values of each proof, the packed proof taken apart (commitments, written challenges as decimal integers, responses); the ballot challenge transcript and challenge (decimal, < 2^128); the content message; the signature transcript and challenge. Then the board receipt for it at seq 7.',
    election: ELECTION,
    manifest: BALLOT_MANIFEST,
    groups,
    electionSecretKey: sc(x),
    publicKey: enc(h),
    credential,
    credentialKey: voter.key,
    choices,
    selections,
    nonces,
    ballot: out.ballot,
    derived,
    trackingCode: out.trackingCode,
    randomness: out.secrets.randomness,
    receipt: { boardSecret: sc(boardSecret), boardKey: enc(baseMul(boardSecret)), seq: 7, hash: eventHash, nonces: receiptNonces, receipt },
  });
}

/** Everything a second verifier recomputes from the ballot, written out so it can be compared step by step. */
function ballotDerived(ballot: BallotJson, groups: SelectionGroup[], key: string) {
  const be = nobleBackend();
  const parts = groups.map((group, g) => {
    const a = ballot.answers[g]!;
    const rho = isOneHot(group) ? oneHotWeights(ballot.election, ballot.credential, group, a.ct) : null;
    const u = unpack(a.proof, proofShape(group), be);
    return {
      oneHotSeed: isOneHot(group) ? hashHex(TAG_ONE_HOT, { election: ballot.election, credential: ballot.credential, question: group.questionId, row: group.rowId, ct: a.ct }) : null,
      rho: rho && rho.map(sc),
      branches: branchCounts(group),
      values: proofValues(group, rho).map((vs) => vs.map(sc)),
      commitments: u.points.map((p) => toBase64Url(p)),
      commitmentsText: pointsText(u),
      challenges: u.challenges.map(String),
      responses: u.scalars.map(sc),
    };
  });
  const statements = groups.map((g, i) => ({ ct: ballot.answers[i]!.ct, commitments: parts[i]!.commitmentsText }));
  const challengeTranscript = { election: ballot.election, credential: ballot.credential, key, answers: groups.map((g, i) => ({ question: g.questionId, row: g.rowId, min: g.min, max: g.max, ...statements[i]! })) };
  const challenge = ballotChallenge(ballot.election, ballot.credential, key, groups, statements);
  const message = contentMessage(ballot.election, ballot.credential, ballot.answers);
  const sig = unpack(ballot.signature, { points: 1, challenges: 0, scalars: 1 }, be);
  const signatureTranscript = { context: { election: ballot.election }, statement: { X: ballot.credential }, message, commitment: pointsText(sig) };
  return {
    groups: parts,
    challengeTag: TAG_CHALLENGE, challengeTranscript, challenge: String(challenge),
    message,
    signatureTag: TAG_SIGNATURE, signatureTranscript, signatureChallenge: sc(signatureChallenge(TAG_SIGNATURE, { election: ballot.election }, ballot.credential, message, pointsText(sig))),
    signature: { R: pointsText(sig), z: sc(sig.scalars[0]!) },
    weightTag: TAG_ONE_HOT_WEIGHT,
  };
}

// ---- a small complete election record -------------------------------------------------------------

async function recordVector() {
  // Every role through src/demo/roles.ts: the trustees' and the authority's signing keys, the manifest
  // naming them, and the four rounds of the key ceremony on the real board.
  const roles = makeRoles(demoManifestDraft());
  const manifest = roles.manifest;
  const dir = mkdtempSync(join(tmpdir(), 'veche-vectors-'));
  const store = new SqliteStore(join(dir, 'board.sqlite'));
  try {
    const board = await Board.create(store, manifest);
    const election = board.current.electionHash;
    const finished = await runKeyCeremony(board, roles.trustees);

    const people = [
      { id: 'ada', credential: 'ADA00-11111-22222-33333-44444', weight: 1 },
      { id: 'bo', credential: 'B0000-55555-66666-77777-88888', weight: 1 },
      { id: 'cy', credential: 'CY000-99999-AAAAA-BBBBB-CCCCC', weight: 2 },
      { id: 'dee', credential: 'DEE00-DDDDD-EEEEE-FFFFF-GGGGG', weight: 1 },
    ];
    const voters = people.map((v) => ({ ...v, ...credentialKeys(election, v.credential) }));
    // The credential authority's step, with fixed credential texts so the test can derive the keys.
    const texts = people.map((v) => v.credential);
    const issued = issueCredentials(election, people, () => texts.shift()!);
    await board.submitCredentials(signCredentialList(election, issued.public, roles.authority.signing));
    await board.openPoll();
    const groups = selectionGroups(manifest);
    const h = board.current.jointKey!;
    const votes: { voter: string; choices: Choices }[] = [
      { voter: 'ada', choices: { chair: { type: 'choice', candidate: 'okafor' }, projects: { type: 'approval', options: ['solar-roof', 'garden'] }, 'officers-review': { type: 'verdict', verdicts: { treasurer: 'encouragement', secretary: 'punishment', maintenance: 'no-consequences' } }, 'fee-increase': { type: 'motion', vote: 'for' } } },
      { voter: 'bo', choices: { chair: { type: 'choice', candidate: 'petrova' }, projects: { type: 'approval', options: [] }, 'officers-review': { type: 'verdict', verdicts: { treasurer: 'punishment', secretary: 'punishment', maintenance: 'punishment' } }, 'fee-increase': { type: 'motion', vote: 'against' } } },
      { voter: 'cy', choices: { chair: { type: 'choice', candidate: 'okafor' }, projects: { type: 'approval', options: ['garden'] }, 'officers-review': { type: 'verdict', verdicts: { treasurer: 'encouragement', secretary: 'no-consequences', maintenance: 'encouragement' } }, 'fee-increase': { type: 'motion', vote: 'abstain' } } },
      { voter: 'dee', choices: { chair: { type: 'choice', candidate: 'lindqvist' }, projects: { type: 'approval', options: ['bike-shed', 'laundry'] }, 'officers-review': { type: 'verdict', verdicts: { treasurer: 'punishment', secretary: 'encouragement', maintenance: 'encouragement' } }, 'fee-increase': { type: 'motion', vote: 'against' } } },
      // bo changes their mind: this later ballot replaces the earlier one.
      { voter: 'bo', choices: { chair: { type: 'choice', candidate: 'lindqvist' }, projects: { type: 'approval', options: ['bike-shed'] }, 'officers-review': { type: 'verdict', verdicts: { treasurer: 'no-consequences', secretary: 'punishment', maintenance: 'encouragement' } }, 'fee-increase': { type: 'motion', vote: 'for' } } },
    ];
    const cast: { voter: string; choices: Choices; trackingCode: string; seq: number }[] = [];
    for (const v of votes) {
      const voter = voters.find((x) => x.id === v.voter)!;
      const { ballot } = encryptBallot(election, h, groups, encodeChoices(manifest, v.choices), voter);
      const { receipt } = await board.castBallot(ballot);
      cast.push({ voter: v.voter, choices: v.choices, trackingCode: receipt.trackingCode, seq: receipt.seq });
    }
    // dee's credential is revoked after dee voted: that ballot stays on the record and is not counted.
    const dee = voters.find((v) => v.id === 'dee')!;
    await board.revokeCredential(signRevocation(election, dee.key, 'reported lost by its holder', roles.authority.signing));
    await board.closePoll();
    await board.computeTally();
    // Trustees 1 and 3 decrypt: the Lagrange coefficients are not the trivial ones of 1 and 2.
    await board.submitDecryptionShare(makeDecryptionShare(finished[0]!, board.current.tally!.sums));
    await board.submitDecryptionShare(makeDecryptionShare(finished[2]!, board.current.tally!.sums));
    const result = (await board.publishResult()).payload;
    await writeRecord(join(OUT, 'record.jsonl'), board.record());
    console.log('wrote test/vectors/record.jsonl');
    write('record.json', {
      description: 'The election in record.jsonl, made by the real board through src/demo/roles.ts: the demo manifest with fresh signing keys for its trustees and credential authority, the v2 key ceremony (commitments, keys, shares, ready, joint key), the signed credential list: four credentials (cy weighs 2), five ballots (bo votes twice: the later counts), dee revoked by a revocation the authority signs, after voting (not counted), decryption by trustees t1 and t3. The choices are given so the counts can be recomputed in the clear.',
      electionHash: election,
      events: board.current.headSeq + 1,
      voters: voters.map((v) => ({ id: v.id, credential: v.credential, key: v.key, weight: v.weight })),
      revoked: [dee.id],
      ballots: cast,
      result,
    });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const only = process.argv[2];
  const all: Record<string, () => void | Promise<void>> = {
    encoding: encodingVectors, hash: hashVectors, group: groupVectors, elgamal: elgamalVectors, schnorr: schnorrVectors,
    'chaum-pedersen': chaumPedersenVectors, disjunctive: disjunctiveVectors, credential: credentialVectors,
    threshold: thresholdVectors, ballot: ballotVectors, record: recordVector,
  };
  // Without an argument: every set but the record, which differs on every run (event times).
  if (only !== undefined && only !== 'all' && !(only in all)) throw new Error(`unknown vector set "${only}"; one of all, ${Object.keys(all).join(', ')}`);
  for (const [name, f] of Object.entries(all)) {
    if (only === 'all' || only === name || (only === undefined && name !== 'record')) await f();
  }
}

await main();
