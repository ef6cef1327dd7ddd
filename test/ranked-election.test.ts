// Issue 12: a ranked question beside a choice question on one ballot, through the real board: ballots
// with ranked rows, two of three trustees shuffle in turn, two decrypt the last mix, the rankings are
// counted by Meek STV with the record's seed, and the verifier recomputes every step. Then each attack
// on the ranked part, by the one who could try it, refused by the board and failing a named check of
// the verifier on a record that a dishonest board re-chained.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoardError, type Board } from '../src/board/board.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { rankedSlots } from '../src/ballot/ranked.js';
import { encodePoint } from '../src/crypto/group.js';
import { fromHex } from '../src/crypto/encoding.js';
import { countRanked } from '../src/ranked/count.js';
import { countedRows, inputJson, lastMix, packBallotRows, type RankedEnv } from '../src/ranked/record.js';
import { makeMix, makeMixDecryption } from '../src/ranked/trustee.js';
import { tieSeed } from '../src/tally/tie-break.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import type { CiphertextJson } from '../src/crypto/elgamal.js';
import type { BoardEvent, MixDecryptionPayload, MixPayload, RankedResultPayload } from '../src/record/events.js';
import { encodeEvent } from '../src/record/events.js';
import { checkRecord, linesSource } from '../src/verify/record-check.js';
import { openElection, recordLines, rechain, type OpenElection } from './helpers/election-fixture.js';
import { keyed, rolesOf } from './helpers/election.js';
import { signRevocation } from '../src/credentials/authority.js';
import { signPayload, signingSecret } from '../src/record/signature.js';

const CANDIDATES = ['ada', 'bo', 'cy', 'di', 'ed'];
const manifest = keyed({
  id: 'ranked-election', title: 'Ranked election', description: '', languages: ['en'],
  questions: [
    { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], allowBlank: false, absoluteMajority: false },
    { type: 'ranked', id: 'council', title: 'Council', candidates: CANDIDATES.map((id) => ({ id, label: id.toUpperCase() })), seats: 2, method: 'meek-stv', mustRankAll: false },
  ],
  trustees: [{ id: 't1', name: 'T1' }, { id: 't2', name: 'T2' }, { id: 't3', name: 'T3' }],
  threshold: 2,
});

// 14 voters; voter 0 first votes [4, 3] and then re-votes; voter 13 ranks a candidate twice (invalid).
const RANKINGS: number[][] = [[0, 1, 2], [0, 2], [1, 0], [1, 2, 3], [2, 1], [0, 1], [3, 4, 0], [4, 3], [0], [1, 3], [2, 0, 1], [0, 3, 1], [1, 4]];
const INVALID = [2, 2];

async function refused(p: () => Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof BoardError && e.code === code, `expected the board to refuse with ${code}`);
}

async function failedChecks(lines: string[]): Promise<string[]> {
  return (await checkRecord(linesSource(lines))).report.failedChecks;
}

/** The record with one event's payload replaced (and the chain rebuilt, as a dishonest board would). */
function rewritten(lines: string[], type: string, nth: number, f: (payload: any) => unknown): string[] {
  const events = lines.map((l) => JSON.parse(l) as BoardEvent);
  let seen = -1;
  const at = events.findIndex((e) => e.type === type && ++seen === nth);
  assert.ok(at >= 0, `no ${type} #${nth}`);
  return rechain(events.map((e, i) => (i === at ? { ...e, payload: f(structuredClone(e.payload)) as never } : e))).map(encodeEvent);
}

describe('a ranked election end to end, and the attacks on its mixnet', () => {
  let el: OpenElection;
  let board: Board;
  let env: RankedEnv;
  let lines: string[];
  const slots = rankedSlots(manifest);
  const secret = (id: string) => el.trusteeSecrets.find((s) => s.trustee === id)!;
  let superseded: CiphertextJson[];
  let revoked: CiphertextJson[];
  /** The payload signed by the trustee itself: a trustee publishing a bad value, not the board changing one. */
  const signAs = <P extends object>(trustee: string, type: string, p: P): P => signPayload(el.electionHash, { role: 'trustee', id: trustee }, type, p, signingSecret(secret(trustee).signing));

  before(async () => {
    el = await openElection(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'veche-ranked-')), 'board.sqlite')), { voters: 15, manifest });
    board = el.board;
    env = { electionHash: el.electionHash, manifest, jointKey: el.publicKey, slots };
    const cast = async (v: number, ranking: number[]) => {
      const { ballot } = encryptBallot(el.electionHash, el.publicKey, el.groups, [[v % 2, 1 - (v % 2)]], el.voters[v]!.keys, { slots, rankings: [ranking] });
      await board.castBallot(ballot);
      return ballot;
    };
    superseded = (await cast(0, [4, 3])).ranked![0]!.ct;
    for (let v = 0; v < RANKINGS.length; v++) await cast(v, RANKINGS[v]!);
    await cast(13, INVALID);
    // Voter 14 votes and is then revoked: none of its ballots is counted, its row is in no mix.
    revoked = (await cast(14, [4, 0])).ranked![0]!.ct;
    await board.revokeCredential(signRevocation(el.electionHash, el.voters[14]!.keys.key, 'lost', rolesOf(manifest).authority.signing));
    await board.closePoll();
    await board.computeTally();
  });

  test('the board refuses a mix by a non-trustee, one out of turn, and shuffles of the wrong input', async () => {
    const input = await board.nextMixInput();
    assert.equal(input[0]!.length, 14, 'the counted rows: one per credential, the superseded ballot and the revoked credential\'s not among them');
    assert.ok(!input[0]!.some((row) => row[0]![0] === superseded[0]![0] || row[0]![0] === revoked[0]![0]));
    // Not a trustee: a mixer named "mallory", signed by t1's key or not, is no mixer of this election.
    const good = makeMix(secret('t1'), env, 0, input);
    await refused(() => board.submitMix({ ...good, mixer: 'mallory' }), 'unknown-trustee');
    // Out of turn: position 1 first.
    await refused(() => board.submitMix(makeMix(secret('t1'), env, 1, input)), 'malformed');
    // The input with the superseded ballot's row in place of the last counted one, shuffled and proved
    // correctly for that input: the proof is not one for the counted rows.
    const wrongInput = [[...input[0]!.slice(0, -1), superseded]];
    await refused(() => board.submitMix(makeMix(secret('t1'), env, 0, wrongInput)), 'bad-proof');
    // Outputs tampered with after an honest shuffle, re-signed by the trustee itself.
    const altered = structuredClone(good);
    altered.shuffles[0]!.rows[3]![0] = [altered.shuffles[0]!.rows[3]![0]![0], altered.shuffles[0]!.rows[4]![0]![1]];
    await refused(() => board.submitMix(signAs('t1', 'mix', altered)), 'bad-proof');
    const dropped = structuredClone(good);
    dropped.shuffles[0]!.rows.pop();
    await refused(() => board.submitMix(signAs('t1', 'mix', dropped)), 'bad-proof');
    const duplicated = structuredClone(good);
    duplicated.shuffles[0]!.rows[1] = duplicated.shuffles[0]!.rows[0]!;
    await refused(() => board.submitMix(signAs('t1', 'mix', duplicated)), 'bad-proof');
    // A changed output not re-signed: the signature is t1's no more.
    await refused(() => board.submitMix(altered), 'bad-signature');
    // Decryption before the mixes are done.
    await refused(() => board.submitMixDecryption(makeMixDecryption(secret('t1'), env, good)), 'wrong-phase');
    await board.submitMix(good);
    const next = await board.nextMixInput();
    await refused(() => board.submitMix(makeMix(secret('t1'), env, 1, next)), 'duplicate');
  });

  test('two of three trustees shuffle, two decrypt the last mix; a share with a bad proof is refused', async () => {
    await board.submitMix(makeMix(secret('t3'), env, 1, await board.nextMixInput()));
    const after = await board.nextMixInput();
    await refused(() => board.submitMix(makeMix(secret('t2'), env, 2, after)), 'wrong-phase');
    const last = lastMix(board.current.ranked, board.current.rankedSlots);
    const share = makeMixDecryption(secret('t2'), env, last);
    // t2 publishes D for another row in one place, with a proof made for that other row: re-signed, still refused.
    const bad = structuredClone(share);
    bad.shares[0]![0]![0] = bad.shares[0]![1]![0]!;
    await refused(() => board.submitMixDecryption(signAs('t2', 'mix-decryption', bad)), 'bad-proof');
    await refused(() => board.publishRankedResult(), 'wrong-phase');
    await board.submitMixDecryption(share);
    await board.submitMixDecryption(makeMixDecryption(secret('t3'), env, last));
    await refused(() => board.publishResult(), 'wrong-phase');
    await board.publishRankedResult();
    for (const t of ['t1', 't2']) await board.submitDecryptionShare(makeDecryptionShare(secret(t), board.current.tally!.sums));
    await board.publishResult();
    lines = await recordLines(board);
  });

  test('the verifier passes the record, and the count equals counting the plain rankings directly', async () => {
    const { report } = await checkRecord(linesSource(lines));
    assert.deepEqual(report.failedChecks, []);
    assert.ok(report.ok);
    for (const id of ['mix.shuffles', 'mix.decryption', 'ranked.rankings', 'ranked.count'] as const) assert.ok(report.checks.find((c) => c.id === id)!.passed > 0, id);
    const published = board.current.ranked.result!.questions[0]!;
    // The mix hides the order: the same rankings as cast, as a multiset.
    const sorted = (rs: (number[] | null)[]) => rs.map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(sorted(published.rankings), sorted([...RANKINGS, INVALID]));
    const seed = fromHex(tieSeed(el.electionHash, encodePoint(el.publicKey)), 32);
    const direct = countRanked({ candidates: CANDIDATES, seats: 2, method: 'meek-stv', rankings: RANKINGS, tieBreak: { seed, question: 'council' } });
    assert.deepEqual(published.result.elected, direct.elected);
    assert.deepEqual(published.result.rounds, direct.rounds);
    assert.equal(published.result.invalid.length, 1);
    assert.match(published.result.invalid[0]!.reason, /ranked twice/);
  });

  test('a board that rewrites the record: each change fails its named check', async () => {
    // A mix whose output has one ciphertext altered, one row dropped, one duplicated.
    const alter = (f: (rows: CiphertextJson[][]) => void) => rewritten(lines, 'mix', 1, (p: MixPayload) => { f(p.shuffles[0]!.rows); return signAs(p.mixer, 'mix', p); });
    assert.ok((await failedChecks(alter((rows) => { rows[2]![0] = [rows[2]![0]![0], rows[5]![0]![1]]; }))).includes('mix.shuffles'));
    assert.ok((await failedChecks(alter((rows) => { rows.pop(); }))).includes('mix.shuffles'));
    assert.ok((await failedChecks(alter((rows) => { rows[1] = rows[0]!; }))).includes('mix.shuffles'));
    // A mix by a key the manifest does not name for that mixer.
    assert.ok((await failedChecks(rewritten(lines, 'mix', 0, (p: MixPayload) => ({ ...p, mixer: 'mallory' })))).includes('phase.order'));
    // A first mix whose input is not the counted rows (the superseded ballot's row included), proved for that input.
    const input = countedRowsOf(lines);
    const forged = makeMix(secret('t1'), env, 0, [[...input.slice(0, -1), superseded]]);
    assert.ok((await failedChecks(rewritten(lines, 'mix', 0, () => forged))).includes('mix.shuffles'));
    // A decryption share with a bad proof, re-signed by its trustee.
    assert.ok((await failedChecks(rewritten(lines, 'mix-decryption', 0, (p: MixDecryptionPayload) => {
      p.shares[0]![0]![0] = p.shares[0]![1]![0]!;
      return signAs(p.trustee, 'mix-decryption', p);
    }))).includes('mix.decryption'));
    // Published rankings that differ from the decryption (two swapped for others), the count left as it was.
    assert.ok((await failedChecks(rewritten(lines, 'ranked-result', 0, (p: RankedResultPayload) => {
      // Never the ranking already there: after the shuffle, any of the cast rankings may come first.
      p.questions[0]!.rankings[0] = p.questions[0]!.rankings[0]!.join() === '4,3' ? [3, 4] : [4, 3];
      return p;
    }))).includes('ranked.rankings'));
    // A result that differs from the count: another candidate elected.
    const other = (await failedChecks(rewritten(lines, 'ranked-result', 0, (p: RankedResultPayload) => {
      p.questions[0]!.result.elected = [...p.questions[0]!.result.elected].reverse();
      return p;
    })));
    assert.ok(other.includes('ranked.count'));
    // No ranked result at all before the result.
    const events = lines.map((l) => JSON.parse(l) as BoardEvent).filter((e) => e.type !== 'ranked-result');
    assert.ok((await failedChecks(rechain(events).map(encodeEvent))).includes('phase.order'));
  });

  function countedRowsOf(record: string[]): CiphertextJson[][] {
    const events = record.map((l) => JSON.parse(l) as BoardEvent<'ballot'>).filter((e) => e.type === 'ballot');
    const last = new Map<string, BoardEvent<'ballot'>>();
    for (const e of events) last.set(e.payload.credential, e);
    for (const e of record.map((l) => JSON.parse(l) as BoardEvent<'credential-revoked'>).filter((x) => x.type === 'credential-revoked')) last.delete(e.payload.key);
    return inputJson(countedRows(slots, [...last.values()].map((e) => ({ seq: e.seq, weight: 1, rows: packBallotRows(slots, e.payload.ranked!.map((r) => r.ct)) }))))[0]!;
  }
});

