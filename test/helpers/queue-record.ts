// A complete record of a few hundred compact ballots with one bad ballot in it, for the queued
// verification tests: the real Board on SQLite, then one ballot's proof swapped for another ballot's
// and the chain recomputed (a board rewriting history), so the report has failures to compare.
// Only exports: `node --test dist/test/` also loads this file, and then it defines no test.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/board/sqlite-store.js';
import { encodeEvent, type BoardEvent, type PayloadByType } from '../../src/record/events.js';
import { ballotOf, closeAndCount, compactChoices, createWithKeys, publishVoters, recordEvents, revoke } from './election.js';
import { rechain } from './election-fixture.js';

export async function recordWithBadBallot(ballots: number): Promise<{ dir: string; path: string; ballots: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'veche-queue-'));
  const store = new SqliteStore(join(dir, 'board.sqlite'));
  try {
    const { board, trustees } = await createWithKeys(store);
    const voters = await publishVoters(board, ballots);
    await board.openPoll();
    for (let i = 0; i < voters.length; i++) {
      await board.castBallot(ballotOf(board, voters[i]!, compactChoices(i)).ballot);
      // A revocation while the poll is open: the verifier's batches end at a non-ballot event.
      if (i === Math.floor(voters.length / 2)) await revoke(board, voters[3]!.keys.key);
    }
    await closeAndCount(board, trustees, [1, 2]);
    const events = await recordEvents(board);
    // One ballot's first answer (ciphertexts and proofs) replaced by another ballot's: its check fails
    // (proofs bound to another credential, signature over other content), and the tally no longer adds up.
    const ballotsAt = events.flatMap((e, k) => (e.type === 'ballot' ? [k] : []));
    const victim = events[ballotsAt[Math.floor(ballotsAt.length * 0.7)]!]! as BoardEvent<'ballot'>;
    const donor = events[ballotsAt[5]!]! as BoardEvent<'ballot'>;
    const answers = victim.payload.answers.map((a, g) => (g === 0 ? donor.payload.answers[0]! : a)) as PayloadByType['ballot']['answers'];
    const tampered = events.map((e) => (e === victim ? { ...e, payload: { ...victim.payload, answers } } : e));
    const path = join(dir, 'record.jsonl');
    writeFileSync(path, rechain(tampered).map((e) => encodeEvent(e) + '\n').join(''));
    return { dir, path, ballots: ballotsAt.length };
  } finally {
    await store.close();
  }
}
