// What the ranked checks keep between events (src/ranked/record.ts RankedProgress), and the check of a
// trustee's decryption of the last mix on every group backend. The progress holds the mixers, the last
// mix's rows and each trustee's D points as bytes, not the events: the board and the verifier must hold
// exactly the same facts (one rule set), and nothing may stop being checked. A trustee (or a board
// that rewrites the record) may publish a D for another row, a D or an α that is no canonical
// ristretto255 encoding, or a proof that does not hold: each is refused with the same code, check and
// message by noble, libsodium WASM and the native addon.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Board } from '../src/board/board.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { rankedSlots } from '../src/ballot/ranked.js';
import { backend, setBackend } from '../src/crypto/backend.js';
import { fromBase64Url, toBase64Url } from '../src/crypto/encoding.js';
import { encodeScalar, decodeScalar, add } from '../src/crypto/group.js';
import { packJsonRows } from '../src/ranked/packed.js';
import { checkMixDecryption, lastMix, type RankedEnv, type RankedProgress } from '../src/ranked/record.js';
import { makeMix, makeMixDecryption } from '../src/ranked/trustee.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import type { BoardEvent, MixDecryptionPayload, MixPayload } from '../src/record/events.js';
import { encodeEvent } from '../src/record/events.js';
import { signPayload, signingSecret } from '../src/record/signature.js';
import { checkRecord, linesSource } from '../src/verify/record-check.js';
import { rankedStepOf } from '../src/verify/ranked.js';
import { allBackends } from './helpers/backends.js';
import { openElection, recordLines, rechain, type OpenElection } from './helpers/election-fixture.js';
import { keyed } from './helpers/election.js';

// 31 candidates: two ciphertexts a row, so that column 1 is checked and kept too.
const manifest = keyed({
  id: 'ranked-memory', title: 'Ranked memory', description: '', languages: ['en'],
  questions: [{ type: 'ranked', id: 'council', title: 'Council', candidates: Array.from({ length: 31 }, (_, i) => ({ id: `c${i}`, label: `C${i}` })), seats: 2, method: 'meek-stv', mustRankAll: false }],
  trustees: [{ id: 't1', name: 'T1' }, { id: 't2', name: 'T2' }],
  threshold: 2,
});
const RANKINGS = [[0, 1, 2], [30, 0], [1], [2, 30, 1]];

/** A valid encoding made non-canonical: ristretto255 takes s only when it is even ("non-negative"). */
const oddS = (text: string): Uint8Array => { const b = fromBase64Url(text, 32).slice(); b[0]! |= 1; return b; };
/** 32 bytes of s ≥ p (top bit clear): no field element's canonical encoding. */
const tooLarge = (): Uint8Array => { const b = new Uint8Array(32).fill(0xff); b[31] = 0x7f; return b; };
/** The same 32 bytes with the last character's two unused bits set: base64url that is not canonical. */
const sloppyBase64 = (text: string): string => text.slice(0, -1) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(text.at(-1)!) | 1];

describe('ranked records: what the checks keep, and the mix decryption check on every backend', () => {
  let el: OpenElection;
  let board: Board;
  let env: RankedEnv;
  let mixes: MixPayload[];
  let share1: MixDecryptionPayload;
  const slots = rankedSlots(manifest);
  const secret = (id: string) => el.trusteeSecrets.find((s) => s.trustee === id)!;
  // unsignedPayload drops the old signature: the trustee signs the changed payload itself.
  const signAs = (trustee: string, p: MixDecryptionPayload): MixDecryptionPayload => signPayload(el.electionHash, { role: 'trustee', id: trustee }, 'mix-decryption', p, signingSecret(secret(trustee).signing));

  before(async () => {
    el = await openElection(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'veche-ranked-memory-')), 'board.sqlite')), { voters: RANKINGS.length, manifest });
    board = el.board;
    env = { electionHash: el.electionHash, manifest, jointKey: el.publicKey, slots };
    for (let v = 0; v < RANKINGS.length; v++) {
      await board.castBallot(encryptBallot(el.electionHash, el.publicKey, el.groups, [], el.voters[v]!.keys, { slots, rankings: [RANKINGS[v]!] }).ballot);
    }
    await board.closePoll();
    await board.computeTally();
    mixes = [];
    for (const [position, id] of ['t1', 't2'].entries()) {
      mixes.push(makeMix(secret(id), env, position, await board.nextMixInput()));
      await board.submitMix(mixes[position]!);
    }
    share1 = makeMixDecryption(secret('t1'), env, lastMix(board.current.ranked, board.current.rankedSlots));
  });

  test('after the mixes the progress holds the mixers and the last mix\'s rows, packed; nothing of the first mix', () => {
    const p = board.current.ranked;
    assert.deepEqual(Object.keys(p).sort(), ['lastRows', 'mixes', 'result', 'shares']);
    assert.deepEqual(p.mixes, [{ mixer: 't1', position: 0 }, { mixer: 't2', position: 1 }]);
    assert.equal(p.lastRows!.length, 1);
    const rows = p.lastRows![0]!;
    assert.deepEqual({ count: rows.count, width: rows.width, bytes: rows.bytes.length }, { count: RANKINGS.length, width: 2, bytes: 64 * 2 * RANKINGS.length });
    assert.deepEqual(rows.bytes, packJsonRows(mixes[1]!.shuffles[0]!.rows, 2, 'last mix').bytes);
    assert.notDeepEqual(rows.bytes, packJsonRows(mixes[0]!.shuffles[0]!.rows, 2, 'first mix').bytes);
    // The trustee's view of the last mix is the record's rows, text for text.
    assert.deepEqual(lastMix(p, slots).shuffles, [{ question: 'council', rows: mixes[1]!.shuffles[0]!.rows }]);
  });

  test('a trustee\'s forged D, a non-canonical D or α and a wrong proof: the same code, check and message on every backend', async () => {
    const vk = board.current.ceremony.ready.get('t1')!;
    const p = board.current.ranked;
    const withAlpha = (bytes: Uint8Array): RankedProgress => {
      const copy = p.lastRows![0]!.bytes.slice();
      copy.set(bytes, 64 * (1 * 2 + 1)); // row 1, column 1, α
      return { ...p, lastRows: [{ ...p.lastRows![0]!, bytes: copy }] };
    };
    const changed = (f: (x: MixDecryptionPayload) => void): MixDecryptionPayload => {
      const x = structuredClone(share1);
      f(x);
      return signAs('t1', x);
    };
    const cases: [string, RankedProgress, MixDecryptionPayload][] = [
      ['honest', p, share1],
      // D of row 0 column 0 in the place of row 1 column 1, with that ciphertext's own proof: not α^{s}.
      ['forged D', p, changed((x) => { x.shares[0]![1]![1] = { ...x.shares[0]![1]![1]!, D: x.shares[0]![0]![0]!.D }; })],
      ['D with odd s', p, changed((x) => { x.shares[0]![1]![1]!.D = toBase64Url(oddS(x.shares[0]![1]![1]!.D)); })],
      ['D of s >= p', p, changed((x) => { x.shares[0]![1]![1]!.D = toBase64Url(tooLarge()); })],
      ['D in non-canonical base64url', p, changed((x) => { x.shares[0]![1]![1]!.D = sloppyBase64(x.shares[0]![1]![1]!.D); })],
      ['alpha with odd s', withAlpha(oddS(mixes[1]!.shuffles[0]!.rows[1]![1]![0])), share1],
      ['alpha of s >= p', withAlpha(tooLarge()), share1],
      ['wrong proof', p, changed((x) => { const pr = x.shares[0]![1]![1]!.proof; pr.z = encodeScalar(add(decodeScalar(pr.z), 1n)); })],
    ];
    const before = backend();
    const outcomes: Record<string, unknown[]> = {};
    try {
      for (const be of await allBackends()) {
        setBackend(be);
        outcomes[be.name] = cases.map(([, progress, payload]) => checkMixDecryption(env, progress, vk, payload));
      }
    } finally {
      setBackend(before);
    }
    const [first, ...others] = Object.keys(outcomes);
    assert.ok(others.length >= 1, 'noble and at least libsodium WASM');
    for (const name of others) assert.deepEqual(outcomes[name], outcomes[first!], `${name} decides as ${first} does`);
    const got = outcomes[first!]!.map((x) => (x === null ? null : [(x as { code: string }).code, (x as { check: string }).check, (x as { message: string }).message.replace(/^.*column 1: /, '')]));
    assert.deepEqual(got, [
      null,
      ['bad-proof', 'mix.decryption', 'the decryption proof does not verify'],
      ['malformed', 'mix.decryption', 'D: not a valid ristretto255 encoding'],
      ['malformed', 'mix.decryption', 'D: not a valid ristretto255 encoding'],
      ['malformed', 'mix.decryption', 'D: non-canonical base64url'],
      ['malformed', 'mix.decryption', 'alpha: not a valid ristretto255 encoding'],
      ['malformed', 'mix.decryption', 'alpha: not a valid ristretto255 encoding'],
      ['bad-proof', 'mix.decryption', 'the decryption proof does not verify'],
    ]);
    for (const x of outcomes[first!]!.slice(1)) assert.match((x as { message: string }).message, /^mix decryption of t1, question council, row 1, column 1: /);
  });

  test('the accepted decryptions are kept as their D points alone, the board\'s and the verifier\'s the same', async () => {
    await board.submitMixDecryption(share1);
    const share2 = makeMixDecryption(secret('t2'), env, lastMix(board.current.ranked, board.current.rankedSlots));
    await board.submitMixDecryption(share2);
    const p = board.current.ranked;
    assert.deepEqual(p.shares.map((s) => [s.trustee, s.index, Object.keys(s).sort()]), [['t1', 1, ['D', 'index', 'trustee']], ['t2', 2, ['D', 'index', 'trustee']]]);
    const D = (x: MixDecryptionPayload) => x.shares[0]!.flatMap((row) => row.map((s) => [...fromBase64Url(s.D, 32)])).flat();
    assert.deepEqual([...p.shares[0]!.D[0]!], D(share1));
    assert.deepEqual([...p.shares[1]!.D[0]!], D(share2));
    await board.publishRankedResult();
    for (const id of ['t1', 't2']) await board.submitDecryptionShare(makeDecryptionShare(secret(id), board.current.tally!.sums));
    await board.publishResult();
    const rankings = board.current.ranked.result!.questions[0]!.rankings.map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(rankings, RANKINGS.map((r) => JSON.stringify(r)).sort());
    // The verifier, through the same functions, keeps the same facts from the record.
    const lines = await recordLines(board);
    const { report, state } = await checkRecord(linesSource(lines));
    assert.deepEqual(report.failedChecks, []);
    assert.deepEqual(rankedStepOf(state).progress, board.current.ranked);
  });

  test('a record whose decryption holds a non-canonical D (signed by its trustee, re-chained by the board): the verifier fails mix.decryption', async () => {
    const events = (await recordLines(board)).map((l) => JSON.parse(l) as BoardEvent);
    const at = events.findIndex((e) => e.type === 'mix-decryption');
    const changed = structuredClone(events[at]!.payload) as MixDecryptionPayload;
    changed.shares[0]![2]![0]!.D = toBase64Url(oddS(changed.shares[0]![2]![0]!.D));
    const payload = signAs('t1', changed);
    const forged = rechain(events.map((e, i) => (i === at ? { ...e, payload } as BoardEvent : e))).map(encodeEvent);
    const { report } = await checkRecord(linesSource(forged));
    assert.deepEqual(report.failedChecks.filter((c) => c !== 'ranked.rankings' && c !== 'ranked.count'), ['mix.decryption']);
  });
});
