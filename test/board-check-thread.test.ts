// The board's intake checks on a thread (src/board/check-thread.ts, VECHE_CHECK_THREAD=1): the same
// check as on the event loop, so the same ballots are taken and the same refusals given, with the same
// codes, and a refused ballot appends nothing.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoardError } from '../src/board/board.js';
import { checkThread, useCheckThread } from '../src/board/check-thread.js';
import { verifyReceipt } from '../src/board/receipt.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { checkBallot } from '../src/ballot/check.js';
import { BallotError } from '../src/ballot/types.js';
import { encodePoint } from '../src/crypto/group.js';
import { ballotFor, openElection, tinyManifest } from './helpers/election-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'veche-check-thread-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('ballot checks on a thread', () => {
  test('the same ballots taken and the same refusals, with their codes, as on the event loop', async () => {
    const store = new SqliteStore(join(dir, 'board.sqlite'));
    try {
      const el = await openElection(store, { voters: 3, manifest: tinyManifest('thread') });
      const [a, b, c] = el.voters.map((v, i) => ballotFor(el, v, i).ballot);
      // What the event loop's check says of each bad input (the thread must say the same).
      const ctx = { electionHash: el.electionHash, publicKey: encodePoint(el.publicKey), groups: el.groups };
      const codeHere = (input: unknown) => { try { checkBallot(input, ctx); return 'accepted'; } catch (e) { return e instanceof BallotError ? e.code : 'crash'; } };
      const lifted = { ...b!, answers: c!.answers };
      const bad: unknown[] = ['not a ballot', { ...a!, credential: undefined }, lifted];
      const expected = bad.map(codeHere);
      assert.ok(expected.every((x) => x !== 'accepted' && x !== 'crash'), expected.join(', '));

      useCheckThread();
      assert.ok(checkThread());
      const head = el.board.current.headSeq;
      for (const [k, input] of bad.entries()) {
        await assert.rejects(el.board.castBallot(input), (e: unknown) => e instanceof BoardError && e.code === expected[k], `bad input ${k}`);
      }
      assert.equal(el.board.current.headSeq, head, 'a refused ballot appended something');
      const { receipt, event } = await el.board.castBallot(a);
      assert.ok(verifyReceipt(receipt, el.board.current.boardKey));
      assert.equal((await store.events('thread', { fromSeq: event.seq }))[0]!.hash, receipt.hash);
      await assert.rejects(el.board.castBallot(a), (e: unknown) => e instanceof BoardError && e.code === 'duplicate');
      // Many at once: each answered, in any order, all on the board.
      const more = await Promise.all([b, c].map((x) => el.board.castBallot(x)));
      assert.equal(new Set(more.map((r) => r.receipt.seq)).size, 2);
    } finally {
      await store.close();
    }
  });
});
