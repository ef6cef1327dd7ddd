// Known attacks on verifiable voting systems, each run for real against the board and the verifier.
// docs/threat-model.md says, for each, what stops it. Every attack is first shown to be "live" where
// that matters (the forgery fools a weaker check, the dishonest record is self-consistent), so that a
// refusal here means the defence works, not that the attack was built wrong.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Board, BoardError } from '../src/board/board.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import type { BoardStore } from '../src/board/store.js';
import type { Receipt } from '../src/board/receipt.js';
import { signReceipt } from '../src/board/receipt.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { cheatingBallot as forgeCheating, signAnswers } from './helpers/ballot-forge.js';
import type { BallotJson, EncryptedGroupJson } from '../src/ballot/types.js';
import { issueCredentials } from '../src/credentials/credentials.js';
import { addCiphertexts, encodeCiphertext, encrypt, ZERO_CIPHERTEXT, type Ciphertext } from '../src/crypto/elgamal.js';
import { add, baseMul, encodePoint, encodeScalar, inv, mul, pointMul, randomScalar, sub, type Point } from '../src/crypto/group.js';
import { hashHex, hashToScalar } from '../src/crypto/hash.js';
import { verifyDisjunctive } from '../src/crypto/proofs/disjunctive.js';
import { encodeEvent, type BoardEvent, type CredentialsPayload } from '../src/record/events.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { checkReceipts, parseReceiptLines } from '../src/verify/receipts.js';
import { linesSource, verifyRecord } from '../src/verify/verifier.js';
import { ballotFor, finishElection, openElection, rechain, recordLines, simpleSelections, smallManifest, type OpenElection, type Voter } from './helpers/election-fixture.js';
import { rolesOf, signedByTrustee } from './helpers/election.js';
import { signCredentialList } from '../src/credentials/authority.js';
import { veche } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'veche-attacks-'));
const stores: BoardStore[] = [];
after(async () => { for (const s of stores) await s.close(); rmSync(dir, { recursive: true, force: true }); });
let n = 0;
function newStore(): BoardStore {
  const s = new SqliteStore(join(dir, `board-${++n}.sqlite`));
  stores.push(s);
  return s;
}

/** The attempt must be refused with `code`, and the board must not change. */
async function refused(board: Board, attempt: () => Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const before = (await board.store.head(board.electionId))?.hash;
  await assert.rejects(attempt(), (e: unknown) => {
    assert.ok(e instanceof BoardError, `expected a BoardError, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    if (message) assert.match(e.message, message);
    return true;
  });
  assert.equal((await board.store.head(board.electionId))?.hash, before, 'a refused submission changed the board');
}

async function verifies(lines: string[]): Promise<{ ok: boolean; failed: string[] }> {
  const { report } = await verifyRecord(linesSource(lines));
  return { ok: report.ok, failed: report.failedChecks };
}

const sign = (el: Pick<OpenElection, 'electionHash'>, voter: Voter, answers: EncryptedGroupJson[], credential = voter.keys.key): BallotJson => signAnswers(el.electionHash, voter.keys, answers, credential);

/** A cheating voter's ballot (test/helpers/ballot-forge.ts): any values, the best proofs, signed. */
const cheatingBallot = (el: OpenElection, voter: Voter, vectors: number[][]): BallotJson => forgeCheating(el.electionHash, el.publicKey, el.groups, vectors, voter.keys);

// ---------------------------------------------------------------------------------------------------

describe('ballot copying and replay (Cortier–Smyth)', () => {
  let el: OpenElection;
  let elB: OpenElection;
  before(async () => {
    el = await openElection(newStore(), { voters: 3, manifest: smallManifest('copy') });
    elB = await openElection(newStore(), { voters: 3, manifest: smallManifest('copy-b') });
  });

  test("Mallory copies Alice's encrypted answers under her own credential and signs them: refused, the proofs name Alice", async () => {
    const [alice, mallory] = el.voters;
    const original = ballotFor(el, alice!, 2).ballot;
    const copy = sign(el, mallory!, structuredClone(original.answers));
    await refused(el.board, () => el.board.castBallot(copy), 'bad-proof');
    // Without re-signing (only the credential swapped), the signature fails first.
    await refused(el.board, () => el.board.castBallot({ ...structuredClone(original), credential: mallory!.keys.key }), 'bad-signature');
    // Alice's own ballot still goes in afterwards.
    await el.board.castBallot(original);
  });

  test('the same ballot replayed, and an old ballot replayed after its voter voted again: refused; the last vote counts', async () => {
    const carol = el.voters[2]!;
    const first = ballotFor(el, carol, 0).ballot;
    await el.board.castBallot(first);
    await refused(el.board, () => el.board.castBallot(structuredClone(first)), 'duplicate');
    const second = ballotFor(el, carol, 1).ballot;
    await el.board.castBallot(second);
    // Replaying the first would turn Carol's vote back: the tracking code is on the board already.
    await refused(el.board, () => el.board.castBallot(structuredClone(first)), 'duplicate');
  });

  test('a ballot replayed into another election: refused; relabelled and re-signed by its voter there, its proofs still belong to the first', async () => {
    const alice = el.voters[0]!;
    const ballot = ballotFor(el, alice, 0).ballot;
    await refused(elB.board, () => elB.board.castBallot(ballot), 'wrong-election');
    // Even the same person holding a credential in election B cannot carry the proofs over.
    const relabelled = sign(elB, elB.voters[0]!, structuredClone(ballot.answers));
    await refused(elB.board, () => elB.board.castBallot(relabelled), 'bad-proof');
  });

  test('a board that slips a copied ballot into its record fails verification', async () => {
    await finishElection(el);
    const lines = await recordLines(el.board);
    assert.deepEqual(await verifies(lines), { ok: true, failed: [] });
    const events = lines.map((l) => JSON.parse(l) as BoardEvent);
    const alicesBallot = events.find((e) => e.type === 'ballot')!.payload as BallotJson;
    const copy = sign(el, el.voters[1]!, structuredClone(alicesBallot.answers));
    const at = events.findIndex((e) => e.type === 'poll-closed');
    const forged = rechain([...events.slice(0, at), { ...events[at - 1]!, type: 'ballot', payload: copy }, ...events.slice(at)]).map(encodeEvent);
    const v = await verifies(forged);
    assert.equal(v.ok, false);
    assert.ok(v.failed.includes('ballots.valid'), v.failed.join(', '));
  });
});

describe('weak Fiat–Shamir: a proof made before the statement it proves', () => {
  test('a voter forges "this option is 0 or 1" for another value, with a transcript that leaves out the ciphertext: the real board refuses it', async () => {
    const el = await openElection(newStore(), { voters: 1, manifest: smallManifest('weakfs') });
    const voter = el.voters[0]!;
    const group = el.groups[0]!;
    const h = el.publicKey;
    // A v1-style option proof (src/crypto/proofs/disjunctive.ts), the statement the attack targets.
    const TAG_OPTION_PROOF = 'ballot/option';
    const context = { election: el.electionHash, credential: voter.keys.key, question: group.questionId, row: group.rowId, option: group.optionIds[0]! };
    // The flawed transcript (Helios before 2012, SwissPost 2019): the ciphertext is not hashed.
    const weakChallenge = (commitments: [Point, Point][]) => hashToScalar(TAG_OPTION_PROOF, { context, statement: { h: encodePoint(h), values: [0, 1] }, commitment: commitments.map(([a, b]) => [encodePoint(a), encodePoint(b)]) });
    const weakVerify = (ct: Ciphertext, proof: { c: bigint[]; z: bigint[] }) => {
      // Recompute the commitments exactly as verifyDisjunctive does, then hash without the ciphertext.
      const A = (i: number) => baseMul(proof.z[i]!).subtract(pointMul(ct.alpha, proof.c[i]!));
      const B = (i: number, v: number) => pointMul(h, proof.z[i]!).subtract(pointMul(ct.beta, proof.c[i]!)).add(baseMul(mul(BigInt(v), proof.c[i]!)));
      const c = weakChallenge([[A(0), B(0, 0)], [A(1), B(1, 1)]]);
      return add(proof.c[0]!, proof.c[1]!) === c;
    };
    // Commit first (branch 0 with challenge 0, branch 1 with an offset d1), hash, then pick the plaintext.
    const [a0, a1, d1, r] = [randomScalar(), randomScalar(), randomScalar(), randomScalar()];
    const c = weakChallenge([[baseMul(a0), pointMul(h, a0)], [baseMul(a1), pointMul(h, a1).add(baseMul(d1))]]);
    const m = sub(1n, mul(d1, inv(c))); // a value that is neither 0 nor 1
    assert.ok(m !== 0n && m !== 1n);
    const ct = { alpha: baseMul(r), beta: baseMul(m).add(pointMul(h, r)) };
    const forged = { c: [0n, c], z: [a0, add(a1, mul(c, r))] };
    assert.ok(weakVerify(ct, forged), 'the forgery fools a verifier whose transcript omits the ciphertext');
    assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, context, h, ct, [0, 1], forged), false, 'veche hashes the whole statement');

    // The forged ciphertext put into an otherwise honest ballot after its proofs were made, signed by the
    // voter: the ballot's one challenge hashes every ciphertext, so the group's proof fails.
    const honest = encryptBallot(el.electionHash, h, el.groups, simpleSelections(el.groups, 1), voter.keys).ballot;
    const answers = structuredClone(honest.answers);
    answers[0]!.ct[0] = encodeCiphertext(ct);
    await refused(el.board, () => el.board.castBallot(sign(el, voter, answers)), 'bad-proof', /chair: the proof that exactly one option is selected fails/);
  });
});

describe('clash attacks: two voters, one credential', () => {
  test('the credential authority cannot hand out the same credential twice', () => {
    const same = 'ABCDE-FGHJK-MNPQR-STVWX-YZ012';
    assert.throws(() => issueCredentials('e'.repeat(64), [{ id: 'a' }, { id: 'b' }], () => same), /credential collision/);
  });

  test('the board refuses a credential list that repeats a key; a record that does fails verification', async () => {
    const store = newStore();
    const el = await openElection(store, { voters: 2, manifest: smallManifest('clash') });
    // A second election in setup, to try the list on.
    const board = await Board.create(store, smallManifest('clash-2'));
    const key = el.voters[0]!.keys.key;
    await refused(board, () => board.submitCredentials(signCredentialList(board.current.electionHash, [{ key, weight: 1 }, { key, weight: 1 }], rolesOf(board.current.manifest).authority.signing)), 'malformed', /distinct/);

    await el.board.castBallot(ballotFor(el, el.voters[0]!, 0).ballot);
    await finishElection(el);
    const events = (await recordLines(el.board)).map((l) => JSON.parse(l) as BoardEvent);
    const i = events.findIndex((e) => e.type === 'credentials');
    const p = events[i]!.payload as CredentialsPayload;
    const doubled: CredentialsPayload = { ...p, credentials: [...p.credentials, p.credentials[0]!].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)), totalWeight: p.totalWeight + 1 };
    const v = await verifies(rechain(events.map((e, j) => (j === i ? { ...e, payload: doubled } : e))).map(encodeEvent));
    assert.equal(v.ok, false);
    assert.ok(v.failed.includes('credentials.list'), v.failed.join(', '));
  });

  test('two identical tracking codes cannot both be on the board, nor on a record that verifies', async () => {
    const el = await openElection(newStore(), { voters: 1, manifest: smallManifest('same-code') });
    const { ballot } = ballotFor(el, el.voters[0]!, 0);
    await el.board.castBallot(ballot);
    await refused(el.board, () => el.board.castBallot(structuredClone(ballot)), 'duplicate');
    await finishElection(el);
    const events = (await recordLines(el.board)).map((l) => JSON.parse(l) as BoardEvent);
    const at = events.findIndex((e) => e.type === 'ballot');
    const v = await verifies(rechain([...events.slice(0, at + 1), events[at]!, ...events.slice(at + 1)]).map(encodeEvent));
    assert.ok(v.failed.includes('ballots.unique'), v.failed.join(', '));
  });
});

describe('a board that drops, reorders or rewrites events: caught by receipts', () => {
  let el: OpenElection;
  let receipts: Receipt[];
  let events: BoardEvent[];
  let lines: string[];
  const receiptsText = () => receipts.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const checkAgainst = async (ls: string[]) => checkReceipts(linesSource(ls), parseReceiptLines(receiptsText()));

  before(async () => {
    el = await openElection(newStore(), { voters: 4, manifest: smallManifest('drop') });
    receipts = [];
    // Voter 0 votes twice: the first ballot is superseded, so dropping it changes no count.
    for (const [i, pick] of [[0, 0], [1, 1], [2, 2], [0, 1], [3, 0]] as const) receipts.push((await el.board.castBallot(ballotFor(el, el.voters[i]!, pick).ballot)).receipt);
    await finishElection(el);
    lines = await recordLines(el.board);
    events = lines.map((l) => JSON.parse(l) as BoardEvent);
  });

  test('the honest record: verified, every receipt on it', async () => {
    assert.ok((await verifies(lines)).ok);
    const r = await checkAgainst(lines);
    assert.ok(r.ok);
    assert.equal(r.present, receipts.length);
  });

  test('a superseded ballot dropped: the record alone still verifies, the receipt proves the drop', async () => {
    const dropped = rechain(events.filter((e) => e.seq !== receipts[0]!.seq)).map(encodeEvent);
    assert.deepEqual(await verifies(dropped), { ok: true, failed: [] }, 'the dishonest record is self-consistent');
    const r = await checkAgainst(dropped);
    assert.equal(r.ok, false);
    assert.equal(r.checks[0]!.status, 'missing');
    // Every later receipt fails too: their hashes chained the dropped ballot.
    assert.equal(r.missing, receipts.length);
  });

  test('two ballots swapped: the record verifies, the receipts do not', async () => {
    const [i, j] = [receipts[1]!.seq, receipts[2]!.seq];
    // Times stay where they were, so that they still never go backwards.
    const swapped = rechain(events.map((e) => (e.seq === i ? { ...events[j]!, time: e.time } : e.seq === j ? { ...events[i]!, time: e.time } : e))).map(encodeEvent);
    assert.ok((await verifies(swapped)).ok);
    const r = await checkAgainst(swapped);
    assert.equal(r.checks[1]!.status, 'missing');
    assert.match(r.checks[1]!.message, /at seq \d+ instead/);
    assert.equal(r.checks[0]!.status, 'present', 'a receipt before the change still holds');
  });

  test('an event before the ballots rewritten (a time moved by a millisecond): every receipt after it fails', async () => {
    const k = events.findIndex((e) => e.type === 'poll-opened');
    const t = new Date(Date.parse(events[k]!.time) + 1).toISOString();
    const rewritten = rechain(events.map((e, j) => (j === k ? { ...e, time: t } : e))).map(encodeEvent);
    assert.ok((await verifies(rewritten)).ok);
    assert.equal((await checkAgainst(rewritten)).missing, receipts.length);
  });

  test('a counted ballot dropped, or the tail cut off: receipts (and here the verifier) catch it', async () => {
    const cut = lines.slice(0, receipts[3]!.seq);
    const r = await checkAgainst(cut);
    assert.deepEqual(r.checks.map((c) => c.status), ['present', 'present', 'present', 'missing', 'missing']);
    const dropped = rechain(events.filter((e) => e.seq !== receipts[4]!.seq)).map(encodeEvent);
    assert.equal((await checkAgainst(dropped)).checks[4]!.status, 'missing');
    assert.equal((await verifies(dropped)).ok, false, 'the tally no longer matches the ballots');
  });

  test('a receipt the board did not sign proves nothing (and is reported as such)', async () => {
    const fake = signReceipt(randomScalar(), baseMul(randomScalar()), { election: el.electionHash, trackingCode: 'a'.repeat(64), seq: 3, hash: 'b'.repeat(64) });
    const r = await checkReceipts(linesSource(lines), parseReceiptLines(JSON.stringify(fake) + '\n{"not":"a receipt"}\n'));
    assert.deepEqual(r.checks.map((c) => c.status), ['invalid', 'invalid']);
  });

  test('veche verify RECORD --receipts FILE: exit 0 on the honest record, 1 with MISSING on the dishonest one', async () => {
    const receiptsFile = join(dir, 'receipts.jsonl');
    writeFileSync(receiptsFile, receiptsText());
    const honest = join(dir, 'honest.jsonl');
    writeFileSync(honest, lines.join('\n') + '\n');
    const good = await veche(['verify', honest, '--receipts', receiptsFile]);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /RECEIPTS OK/);
    const dishonest = join(dir, 'dishonest.jsonl');
    writeFileSync(dishonest, rechain(events.filter((e) => e.seq !== receipts[0]!.seq)).map(encodeEvent).join('\n') + '\n');
    const bad = await veche(['verify', dishonest, '--receipts', receiptsFile]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /VERIFIED: every check holds/, 'the record alone verifies');
    assert.match(bad.stdout, /line 1 \([0-9a-f]{16}…\): MISSING/);
    assert.match(bad.stdout, /RECEIPTS NOT OK/);
  });
});

describe('a trustee publishes a wrong decryption share', () => {
  test('refused; the tally completes with another trustee; a record holding the wrong share fails verification', async () => {
    const el = await openElection(newStore(), { voters: 2, manifest: smallManifest('trustee') });
    for (const [i, v] of el.voters.entries()) await el.board.castBallot(ballotFor(el, v, i).ballot);
    await el.board.closePoll();
    await el.board.computeTally();
    const sums = el.board.current.tally!.sums;
    const [t1, t2, t3] = el.trusteeSecrets;
    // Made with a secret that is not t1's share: its proofs hold for that secret, not for t1's key.
    const wrong = makeDecryptionShare({ ...t1!, share: encodeScalar(randomScalar()) }, sums);
    await refused(el.board, () => el.board.submitDecryptionShare(wrong), 'bad-proof');
    // One D replaced, the proof kept.
    const tampered = makeDecryptionShare(t1!, sums);
    tampered.shares[0]![0]!.D = tampered.shares[0]![1]!.D;
    await refused(el.board, () => el.board.submitDecryptionShare(tampered), 'bad-signature');
    await refused(el.board, () => el.board.submitDecryptionShare(signedByTrustee(el.manifest, el.electionHash, 'decryption-share', tampered)), 'bad-proof');
    await el.board.submitDecryptionShare(makeDecryptionShare(t2!, sums));
    await el.board.submitDecryptionShare(makeDecryptionShare(t3!, sums));
    const result = await el.board.publishResult();
    assert.deepEqual(result.payload.trustees, ['t2', 't3']);
    assert.deepEqual(result.payload.counts[0], [1, 1, 0]);
    const lines = await recordLines(el.board);
    assert.ok((await verifies(lines)).ok);
    // A board that accepted the wrong share: the verifier refuses it.
    const events = lines.map((l) => JSON.parse(l) as BoardEvent);
    const k = events.findIndex((e) => e.type === 'decryption-share');
    // A board that put it in t2's name: t2's signature fails. t2 itself publishing it: its proofs fail.
    const asT2 = { ...wrong, trustee: 't2', index: 2 };
    const v = await verifies(rechain(events.map((e, j) => (j === k ? { ...e, payload: asT2 } : e))).map(encodeEvent));
    assert.ok(v.failed.includes('trustees.signatures'), v.failed.join(', '));
    const w = await verifies(rechain(events.map((e, j) => (j === k ? { ...e, payload: signedByTrustee(el.manifest, el.electionHash, 'decryption-share', asT2) } : e))).map(encodeEvent));
    assert.ok(w.failed.includes('decryption.shares'), w.failed.join(', '));
  });
});

describe('a voter who over-votes or double-counts', () => {
  let el: OpenElection;
  before(async () => { el = await openElection(newStore(), { voters: 1, manifest: smallManifest('overvote') }); });
  // Groups: chair (pick one of a, b, c) and projects (approve 0 to 2 of p, q, r, s).
  const cases: [string, number[][], RegExp][] = [
    ['a selection of 2 (one candidate counted twice)', [[2, 0, 0], [0, 0, 0, 0]], /chair: the proof that exactly one option is selected fails/],
    ['2 for one candidate and −1 for another (the sum still 1)', [[2, -1, 0], [0, 0, 0, 0]], /chair: the proof that exactly one option is selected fails/],
    ['two candidates in a pick-one question', [[1, 1, 0], [0, 0, 0, 0]], /chair: the proof that exactly one option is selected fails/],
    ['no candidate in a pick-one question without blank', [[0, 0, 0], [0, 0, 0, 0]], /chair: the proof that exactly one option is selected fails/],
    ['2 for one approval option (the sum in range)', [[1, 0, 0], [2, 0, 0, 0]], /projects, option p: the proof that it encrypts 0 or 1 fails/],
    ['3 approvals where at most 2 are allowed', [[1, 0, 0], [1, 1, 1, 0]], /projects.*between 0 and 2 options are selected fails/],
  ];
  for (const [name, vectors, message] of cases) {
    test(`refused: ${name}`, async () => {
      await refused(el.board, () => el.board.castBallot(cheatingBallot(el, el.voters[0]!, vectors)), 'bad-proof', message);
    });
  }
  test('the voter side refuses to make such ballots at all; an honest ballot still goes in', async () => {
    assert.throws(() => encryptBallot(el.electionHash, el.publicKey, el.groups, [[1, 1, 0], [0, 0, 0, 0]], el.voters[0]!.keys));
    assert.throws(() => encryptBallot(el.electionHash, el.publicKey, el.groups, [[1, 0, 0], [1, 1, 1, 0]], el.voters[0]!.keys));
    await el.board.castBallot(cheatingBallot(el, el.voters[0]!, [[0, 1, 0], [1, 0, 0, 1]]));
  });
});

describe('an admin who changes the election after the poll opened', () => {
  test('the board refuses a second credential list, a second election under the same id, and key ceremony steps', async () => {
    const store = newStore();
    const el = await openElection(store, { voters: 2, manifest: smallManifest('admin') });
    const extra = issueCredentials(el.electionHash, [{ id: 'ghost' }]).public;
    const signedExtra = signCredentialList(el.electionHash, extra, rolesOf(el.manifest).authority.signing);
    await refused(el.board, () => el.board.submitCredentials(signedExtra), 'wrong-phase');
    await assert.rejects(Board.create(store, { ...smallManifest('admin'), title: 'Changed' }), (e: unknown) => e instanceof BoardError && e.code === 'exists');
    const another = await Board.load(store, 'admin'); // a second process: same rules
    await refused(another, () => another.submitCredentials(signedExtra), 'wrong-phase');
  });

  test('a record rewritten with another manifest or a longer credential list fails verification and every receipt', async () => {
    const el = await openElection(newStore(), { voters: 2, manifest: smallManifest('rewrite') });
    const receipts: Receipt[] = [];
    for (const [i, v] of el.voters.entries()) receipts.push((await el.board.castBallot(ballotFor(el, v, i).ballot)).receipt);
    await finishElection(el);
    const events = (await recordLines(el.board)).map((l) => JSON.parse(l) as BoardEvent);
    const receiptLines = parseReceiptLines(receipts.map((r) => JSON.stringify(r)).join('\n'));

    // Another manifest (a candidate renamed): the election hash changes, every ballot belongs to the old one.
    const genesis = events[0]! as BoardEvent<'election'>;
    const manifest = structuredClone(genesis.payload.manifest);
    (manifest.questions[0] as { candidates: { label: string }[] }).candidates[0]!.label = 'Someone else';
    const newManifest = rechain([{ ...genesis, payload: { ...genesis.payload, manifest } }, ...events.slice(1)]).map(encodeEvent);
    const v1 = await verifies(newManifest);
    assert.equal(v1.ok, false);
    // Everything made for the first election is bound to its hash: the trustees' signatures fail first.
    assert.ok(v1.failed.includes('trustees.signatures'), v1.failed.join(', '));
    // The receipts are signed by the same board key for the first election: proof of the rewrite.
    const r1 = await checkReceipts(linesSource(newManifest), receiptLines);
    assert.deepEqual(r1.checks.map((c) => c.status), ['missing', 'missing']);
    assert.match(r1.checks[0]!.message, /election was rewritten/);

    // A credential the admin keeps for himself, added to the list.
    const k = events.findIndex((e) => e.type === 'credentials');
    const p = events[k]!.payload as CredentialsPayload;
    const ghost = issueCredentials(el.electionHash, [{ id: 'ghost' }]).public[0]!;
    const longer: CredentialsPayload = { ...p, credentials: [...p.credentials, ghost].sort((x, y) => (x.key < y.key ? -1 : 1)), totalWeight: p.totalWeight + 1 };
    const stuffed = rechain(events.map((e, j) => (j === k ? { ...e, payload: longer } : e))).map(encodeEvent);
    const v2 = await verifies(stuffed);
    assert.equal(v2.ok, false, 'the tally states the eligible weight of the original list');
    assert.equal((await checkReceipts(linesSource(stuffed), receiptLines)).missing, receipts.length);
  });
});
