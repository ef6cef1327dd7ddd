// The bulletin board over a real store, as a suite any BoardStore can run (test/board-sqlite.test.ts
// runs it on SQLite; a PostgreSQL file would call it with PostgresStore.connect). Only exports: when
// `node --test dist/test/` loads this file by itself, it defines no test.
//
// makeStore() opens a NEW CONNECTION to ONE database shared by the whole suite: every test uses its own
// election id, a second call acts as a second server process, and closing then calling it again is a
// restart.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Board, BoardError } from '../../src/board/board.js';
import { verifyReceipt, type Receipt } from '../../src/board/receipt.js';
import { DuplicateBallot, SequenceConflict, type BoardStore } from '../../src/board/store.js';
import { cheatingBallot, resign as resignBallot } from './ballot-forge.js';
import type { BallotJson } from '../../src/ballot/types.js';
import { baseMul, encodePoint, randomScalar } from '../../src/crypto/group.js';
import { credentialKeys, newCredential } from '../../src/credentials/credentials.js';
import { selectionGroups } from '../../src/manifest/layout.js';
import type { Choices } from '../../src/manifest/types.js';
import { encodeEvent, makeEvent, type BoardEvent } from '../../src/record/events.js';
import { makeDecryptionShare } from '../../src/tally/decrypt.js';
import { linesSource, verifyRecord } from '../../src/verify/verifier.js';
import { ballotOf, closeAndCount, compactChoices, compactManifest, createWithKeys, expectedCounts, publishVoters, recordLines, revoke, rolesOf, signedByTrustee, type Voter } from './election.js';
import { newAuthority, signCredentialList, signRevocation } from '../../src/credentials/authority.js';

const WEIGHTS = [1, 2, 1, 3];

export function boardStoreSuite(name: string, makeStore: () => Promise<BoardStore>): void {
  describe(`bulletin board on ${name}`, () => {
    const open: BoardStore[] = [];
    const connect = async () => { const s = await makeStore(); open.push(s); return s; };
    const closeStore = async (s: BoardStore) => { open.splice(open.indexOf(s), 1); await s.close(); };
    after(async () => { for (const s of open.splice(0)) await s.close(); });

    // Election ids unique across runs too, for a database that outlives the suite.
    const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    let counter = 0;
    const newId = (what: string) => `${what}-${run}-${++counter}`;

    /** A fresh election in the setup phase with the key ceremony done, and optionally voters and an open poll. */
    async function election(what: string, opts: { voters?: boolean; open?: boolean } = {}) {
      const store = await connect();
      const { board, trustees } = await createWithKeys(store, compactManifest(newId(what)));
      const voters: Voter[] = opts.voters === false ? [] : await publishVoters(board, WEIGHTS.length, WEIGHTS);
      if (opts.open !== false && opts.voters !== false) await board.openPoll();
      return { store, board, trustees, voters, id: board.electionId };
    }

    async function snapshot(store: BoardStore, id: string) {
      const events = await store.events(id);
      return { count: events.length, head: (await store.head(id))?.hash ?? null, lastLine: events.length ? encodeEvent(events.at(-1)!) : null };
    }

    /** `action` must fail with BoardError `code` (its message matching `message`), the store and the board's state unchanged. */
    async function refused(board: Board, action: () => Promise<unknown>, code: string, message?: RegExp): Promise<void> {
      const before = await snapshot(board.store, board.electionId);
      const head = board.current.headHash;
      let result: Promise<unknown>;
      try {
        result = action();
      } catch (e) {
        assert.fail(`the board threw synchronously instead of rejecting: ${(e as Error).message}`);
      }
      await assert.rejects(result, (e: unknown) => {
        assert.ok(e instanceof BoardError, `expected a BoardError, got ${String(e)}`);
        assert.equal(e.code, code, `expected code ${code}, got ${e.code}: ${e.message}`);
        if (message) assert.match(e.message, message);
        assert.ok(e.message.length > 10, 'the error must say what is wrong');
        return true;
      });
      assert.deepEqual(await snapshot(board.store, board.electionId), before, 'a refused submission changed the store');
      assert.equal(board.current.headHash, head, 'a refused submission changed the board\'s state');
    }

    /** Re-signs a ballot whose content was changed, as a voter tampering with their own ballot can. */
    function resign(ballot: BallotJson, voter: Voter): BallotJson {
      return resignBallot(ballot, voter.keys);
    }

    test('accepts a valid ballot; its receipt verifies with the board key and matches the stored event', async () => {
      const { store, board, voters, id } = await election('accept');
      const enc = ballotOf(board, voters[0]!, compactChoices(1));
      const { receipt, event } = await board.castBallot(enc.ballot);
      assert.equal(receipt.election, board.current.electionHash);
      assert.equal(receipt.trackingCode, enc.trackingCode);
      assert.ok(verifyReceipt(receipt, board.current.boardKey));
      const [stored] = await store.events(id, { fromSeq: receipt.seq, limit: 1 });
      assert.equal(stored!.type, 'ballot');
      assert.equal(stored!.hash, receipt.hash);
      assert.deepEqual(stored!.payload, enc.ballot);
      assert.deepEqual(stored, event);
      assert.equal((await store.head(id))!.hash, receipt.hash);
      assert.deepEqual(await store.findBallot(id, enc.trackingCode), { seq: receipt.seq, hash: receipt.hash, trackingCode: enc.trackingCode });
      // The board key that signs receipts is the one the record publishes.
      const [genesis] = await store.events(id, { limit: 1 });
      assert.equal((genesis!.payload as { boardKey: string }).boardKey, board.current.boardKey);
      // A receipt changed in any field, or checked against another key, does not verify.
      const changed: Receipt[] = [
        { ...receipt, seq: receipt.seq + 1 },
        { ...receipt, hash: stored!.prev },
        { ...receipt, trackingCode: receipt.trackingCode.replace(/^./, (c) => (c === '0' ? '1' : '0')) },
        { ...receipt, election: stored!.prev },
      ];
      for (const r of changed) assert.equal(verifyReceipt(r, board.current.boardKey), false);
      assert.equal(verifyReceipt(receipt, encodePoint(baseMul(randomScalar()))), false);
    });

    test('refuses bad ballots with a clear code and changes nothing', async () => {
      const { board, voters } = await election('refuse');
      const other = await createWithKeys(await connect(), compactManifest(newId('other')));
      const otherVoters = await publishVoters(other.board, 2);
      await other.board.openPoll();
      const valid = () => ballotOf(board, voters[0]!, compactChoices(2)).ballot;

      // Signed content changed after signing: the signature no longer holds.
      const swapped = valid();
      swapped.answers[0]!.ct.reverse();
      await refused(board, () => board.castBallot(swapped), 'bad-signature');
      // Options (ciphertexts) swapped and the ballot re-signed by its voter: the signature holds, a proof fails.
      const reproofed = valid();
      reproofed.answers[1]!.ct.reverse();
      await refused(board, () => board.castBallot(resign(reproofed, voters[0]!)), 'bad-proof');
      // An over-vote: both candidates of a pick-one question, with the best proofs the voter can make.
      await refused(board, () => board.castBallot(overVote(board, voters[0]!)), 'bad-proof', /one option is selected/);
      // A ballot of another election, as it was and re-addressed to this one.
      const foreign = ballotOf(other.board, otherVoters[0]!, compactChoices(0)).ballot;
      await refused(board, () => board.castBallot(foreign), 'wrong-election');
      await refused(board, () => board.castBallot({ ...foreign, election: board.current.electionHash }), 'bad-signature');
      // A credential that is not on the list.
      const stranger: Voter = { id: 'stranger', credential: '', keys: credentialKeys(board.current.electionHash, newCredential()), weight: 1 };
      await refused(board, () => board.castBallot(ballotOf(board, stranger, compactChoices(0)).ballot), 'unknown-credential');
      // A revoked credential.
      await revoke(board, voters[3]!.keys.key, 'reported lost');
      await refused(board, () => board.castBallot(ballotOf(board, voters[3]!, compactChoices(0)).ballot), 'revoked-credential');
      // The same ballot twice.
      const once = valid();
      await board.castBallot(once);
      await refused(board, () => board.castBallot(structuredClone(once)), 'duplicate');
    });

    test('refuses malformed ballots: missing, extra and mistyped fields, garbage strings', async () => {
      const { board, voters } = await election('malformed');
      const valid = ballotOf(board, voters[1]!, compactChoices(3)).ballot;
      const cases: [string, unknown, string][] = [
        ['null', null, 'malformed'],
        ['a string', 'ballot', 'malformed'],
        ['an array', [valid], 'malformed'],
        ['no signature', { ...valid, signature: undefined }, 'malformed'],
        ['an extra field', { ...valid, note: 'hi' }, 'malformed'],
        ['answers as a string', { ...valid, answers: 'yes' }, 'malformed'],
        ['one answer group missing', { ...valid, answers: valid.answers.slice(1) }, 'malformed'],
        ['credential as a number', { ...valid, credential: 42 }, 'malformed'],
        ['credential garbage', { ...valid, credential: 'not-a-key' }, 'malformed'],
        ['election as a number', { ...valid, election: 42 }, 'wrong-election'],
        ['a ciphertext garbage', { ...valid, answers: [{ ...valid.answers[0]!, ct: [['x', 'y'], ...valid.answers[0]!.ct.slice(1)] }, ...valid.answers.slice(1)] }, 'malformed'],
        ['a proof missing', { ...valid, answers: [{ ...valid.answers[0]!, proof: undefined }, ...valid.answers.slice(1)] }, 'malformed'],
        ['a proof cut short', { ...valid, answers: [{ ...valid.answers[0]!, proof: valid.answers[0]!.proof.slice(0, -43) }, ...valid.answers.slice(1)] }, 'malformed'],
        ['signature fields as numbers', { ...valid, signature: { c: 1, z: 2 } }, 'malformed'],
        ['an extra field in an answer', { ...valid, answers: [{ ...valid.answers[0]!, x: 1 }, ...valid.answers.slice(1)] }, 'malformed'],
      ];
      for (const [what, input, code] of cases) {
        await refused(board, () => board.castBallot(JSON.parse(JSON.stringify(input ?? null))), code).catch((e: Error) => { throw new Error(`${what}: ${e.message}`); });
      }
    });

    test('refuses any random change of a valid ballot, and any random JSON value (property)', async () => {
      const { board, voters } = await election('fuzz');
      const valid = ballotOf(board, voters[2]!, compactChoices(4)).ballot;
      const codes = ['malformed', 'wrong-election', 'bad-signature', 'bad-proof', 'unknown-credential'];
      const isRefusal = (e: unknown) => e instanceof BoardError && codes.includes(e.code);
      await fc.assert(fc.asyncProperty(fc.jsonValue(), async (value) => {
        await assert.rejects(board.castBallot(value), isRefusal);
      }), { numRuns: 40 });
      const paths: (string | number)[][] = [];
      const walk = (x: unknown, p: (string | number)[]) => {
        paths.push(p);
        if (x !== null && typeof x === 'object') for (const [k, v] of Object.entries(x)) walk(v, [...p, Array.isArray(x) ? Number(k) : k]);
      };
      walk(valid, []);
      const change = fc.oneof(
        fc.constant({ kind: 'delete' as const }),
        fc.record({ kind: fc.constant('replace' as const), value: fc.jsonValue() }),
        fc.record({ kind: fc.constant('extra' as const), value: fc.jsonValue() }),
        fc.record({ kind: fc.constant('char' as const), at: fc.nat(), ch: fc.string({ minLength: 1, maxLength: 1 }) }),
      );
      await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: paths.length - 1 }), change, async (n, c) => {
        const ballot = structuredClone(valid) as unknown as Record<string, unknown>;
        const path = paths[n]!;
        const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, ballot);
        const key = path.at(-1)!;
        if (c.kind === 'delete') { if (Array.isArray(parent)) parent.splice(key as number, 1); else delete parent[key]; }
        else if (c.kind === 'replace') parent[key] = c.value;
        else if (c.kind === 'extra') { const target = parent[key]; if (target !== null && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, unknown>).extra = c.value; else parent[key] = [target, c.value]; }
        else if (typeof parent[key] === 'string') { const s = parent[key]; const i = c.at % s.length; parent[key] = s.slice(0, i) + c.ch + s.slice(i + 1); }
        else parent[key] = c.ch;
        fc.pre(JSON.stringify(ballot) !== JSON.stringify(valid));
        const before = board.current.headHash;
        await assert.rejects(board.castBallot(ballot), isRefusal);
        assert.equal(board.current.headHash, before);
      }), { numRuns: 60 });
      assert.equal((await board.store.events(board.electionId, { types: ['ballot'] })).length, 0);
    });

    test('refuses ballots before the poll opens and after it closes, and other steps out of order', async () => {
      const setup = await election('phases', { open: false });
      const early = ballotOf(setup.board, setup.voters[0]!, compactChoices(0)).ballot;
      await refused(setup.board, () => setup.board.castBallot(early), 'wrong-phase', /not open/);
      await refused(setup.board, () => setup.board.closePoll(), 'wrong-phase');
      await refused(setup.board, () => setup.board.computeTally(), 'wrong-phase');
      await setup.board.openPoll();
      await setup.board.castBallot(early);
      await setup.board.closePoll();
      const late = ballotOf(setup.board, setup.voters[1]!, compactChoices(1)).ballot;
      await refused(setup.board, () => setup.board.castBallot(late), 'wrong-phase', /closed/);
      await refused(setup.board, () => setup.board.openPoll(), 'wrong-phase');
      await refused(setup.board, () => setup.board.publishResult(), 'wrong-phase');

      const noVoters = await election('no-voters', { voters: false });
      await refused(noVoters.board, () => noVoters.board.openPoll(), 'wrong-phase', /credentials/);
    });

    test('the credential list is checked, and cannot change once published', async () => {
      const { board, voters } = await election('credentials', { voters: false });
      const key = () => credentialKeys(board.current.electionHash, newCredential()).key;
      const sorted = [key(), key(), key()].sort();
      const authority = rolesOf(board.current.manifest).authority;
      const electionHash = board.current.electionHash;
      // Signed as the authority would, so that only the list's content is wrong.
      const list = (credentials: { key: string; weight: number }[]) => signCredentialList(electionHash, credentials, authority.signing);
      await refused(board, () => board.submitCredentials(list([])), 'malformed');
      await refused(board, () => board.submitCredentials(list([{ key: sorted[1]!, weight: 1 }, { key: sorted[0]!, weight: 1 }])), 'malformed', /sorted/);
      await refused(board, () => board.submitCredentials(list([{ key: sorted[0]!, weight: 1 }, { key: sorted[0]!, weight: 1 }])), 'malformed');
      await refused(board, () => board.submitCredentials(list([{ key: sorted[0]!, weight: 0 }])), 'malformed', /weight/);
      await refused(board, () => board.submitCredentials(list([{ key: 'garbage', weight: 1 }])), 'malformed');
      // Signed by anyone but the authority named in the manifest: refused, whatever it holds.
      const impostor = newAuthority();
      await refused(board, () => board.submitCredentials(signCredentialList(electionHash, sorted.map((k) => ({ key: k, weight: 1 })), impostor.signing)), 'bad-signature');
      assert.equal(voters.length, 0);
      const published = await publishVoters(board, 2);
      await refused(board, () => board.submitCredentials(list(sorted.map((k) => ({ key: k, weight: 1 })))), 'duplicate', /cannot change/);
      await board.openPoll();
      await refused(board, () => board.submitCredentials(list(sorted.map((k) => ({ key: k, weight: 1 })))), 'wrong-phase');
      await refused(board, () => revoke(board, key(), 'unknown'), 'unknown-credential');
      await refused(board, () => board.revokeCredential(signRevocation(electionHash, published[0]!.keys.key, 'forged', impostor.signing)), 'bad-signature');
      await revoke(board, published[0]!.keys.key, 'lost');
      await refused(board, () => revoke(board, published[0]!.keys.key, 'again'), 'duplicate');
    });

    test('re-voting: the last ballot of each voter counts, with its weight; the record verifies', async () => {
      const { board, trustees, voters } = await election('revote');
      const cast = async (v: number, n: number) => { await board.castBallot(ballotOf(board, voters[v]!, compactChoices(n)).ballot); return { choices: compactChoices(n), weight: voters[v]!.weight }; };
      await cast(0, 0);
      await cast(1, 1); // replaced below
      await cast(2, 2);
      const last1 = await cast(1, 3);
      const first0 = await cast(0, 4); // replaces voter 0's first ballot
      const result = await closeAndCount(board, trustees, [1, 2]);
      const counted: { choices: Choices; weight: number }[] = [first0, last1, { choices: compactChoices(2), weight: voters[2]!.weight }];
      assert.deepEqual(result.counts, expectedCounts(board.current.manifest, counted));
      assert.equal(result.ballots, 3);
      assert.equal(result.castWeight, 1 + 2 + 1);
      assert.equal(result.eligibleWeight, 1 + 2 + 1 + 3);
      const { report } = await verifyRecord(linesSource(await recordLines(board)));
      assert.ok(report.ok, `failing: ${report.failedChecks.join(', ')}`);
    });

    test('a wrong decryption share is refused; the tally completes with another trustee', async () => {
      const { board, trustees, voters } = await election('decrypt');
      const choices = [compactChoices(5), compactChoices(6)];
      await board.castBallot(ballotOf(board, voters[0]!, choices[0]!).ballot);
      await board.castBallot(ballotOf(board, voters[3]!, choices[1]!).ballot);
      await board.closePoll();
      await board.computeTally();
      const sums = board.current.tally!.sums;
      await board.submitDecryptionShare(makeDecryptionShare(trustees[0]!, sums));
      // Trustee 2's share with one D replaced, and one made with trustee 1's secret under trustee 2's name.
      const { manifest, electionHash } = board.current;
      const bad = makeDecryptionShare(trustees[1]!, sums);
      bad.shares[0]![0]!.D = encodePoint(baseMul(randomScalar()));
      // Changed after trustee 2 signed it (by the board, say): its signature fails.
      await refused(board, () => board.submitDecryptionShare(bad), 'bad-signature');
      // Published so by trustee 2 itself (signed): its proof fails.
      await refused(board, () => board.submitDecryptionShare(signedByTrustee(manifest, electionHash, 'decryption-share', bad)), 'bad-proof');
      const impostor = { ...makeDecryptionShare(trustees[0]!, sums), trustee: 't2', index: 2 };
      await refused(board, () => board.submitDecryptionShare(impostor), 'bad-signature');
      await refused(board, () => board.submitDecryptionShare(signedByTrustee(manifest, electionHash, 'decryption-share', impostor)), 'bad-proof');
      await refused(board, () => board.submitDecryptionShare(makeDecryptionShare(trustees[0]!, sums)), 'duplicate');
      await refused(board, () => board.publishResult(), 'wrong-phase', /2 decryption shares needed/);
      await board.submitDecryptionShare(makeDecryptionShare(trustees[2]!, sums));
      const result = (await board.publishResult()).payload;
      assert.deepEqual(result.trustees, ['t1', 't3']);
      assert.deepEqual(result.counts, expectedCounts(board.current.manifest, [{ choices: choices[0]!, weight: 1 }, { choices: choices[1]!, weight: 3 }]));
      const { report } = await verifyRecord(linesSource(await recordLines(board)));
      assert.ok(report.ok, `failing: ${report.failedChecks.join(', ')}`);
    });

    test('the board survives closing and reopening its store: same head, same key, same ballots', async () => {
      const first = await election('reopen');
      const ballot = ballotOf(first.board, first.voters[0]!, compactChoices(7)).ballot;
      const { receipt } = await first.board.castBallot(ballot);
      const head = (await first.store.head(first.id))!;
      const boardKey = first.board.current.boardKey;
      await closeStore(first.store);

      const store = await connect();
      const board = await Board.load(store, first.id);
      assert.equal(board.current.headHash, head.hash);
      assert.equal(board.current.headSeq, head.seq);
      assert.equal(board.current.phase, 'open');
      assert.equal(board.current.ballots, 1);
      assert.equal(board.current.boardKey, boardKey);
      assert.deepEqual(await store.findBallot(first.id, receipt.trackingCode), { seq: receipt.seq, hash: receipt.hash, trackingCode: receipt.trackingCode });
      await refused(board, () => board.castBallot(ballot), 'duplicate');
      const next = await board.castBallot(ballotOf(board, first.voters[1]!, compactChoices(8)).ballot);
      assert.ok(verifyReceipt(next.receipt, boardKey), 'receipts after a restart are signed with the same board key');
      await assert.rejects(Board.load(store, newId('absent')), (e: unknown) => e instanceof BoardError && e.code === 'unknown-election');
    });

    test('two processes on one store: ballots from both land on one chain; each sees the other\'s steps', async () => {
      const a = await election('two-processes', { open: false });
      const b = await Board.load(await connect(), a.id);
      await a.board.openPoll();
      // B still believes the poll is closed; it must look at the store before refusing.
      await b.castBallot(ballotOf(a.board, a.voters[0]!, compactChoices(0)).ballot);
      const ballots = a.voters.map((v, i) => ballotOf(a.board, v, compactChoices(i + 1)).ballot);
      const receipts = await Promise.all(ballots.map((ballot, i) => (i % 2 ? a.board : b).castBallot(ballot)));
      assert.equal(new Set(receipts.map((r) => r.receipt.seq)).size, ballots.length);
      // A revocation by A is respected by B even though B has not refreshed.
      await revoke(a.board, a.voters[3]!.keys.key, 'lost');
      const before = await snapshot(a.store, a.id);
      await assert.rejects(b.castBallot(ballotOf(a.board, a.voters[3]!, compactChoices(9)).ballot), (e: unknown) => e instanceof BoardError && e.code === 'revoked-credential');
      assert.deepEqual(await snapshot(a.store, a.id), before);
      await a.board.refresh();
      const result = await closeAndCount(a.board, a.trustees, [2, 3]);
      assert.equal(result.ballots, 3);
      const { report } = await verifyRecord(linesSource(await recordLines(a.board)));
      assert.ok(report.ok, `failing: ${report.failedChecks.join(', ')}`);
    });

    test('a refresh while an append is on its way back never applies an event twice', async () => {
      // A network store (PostgreSQL) answers an append some time after it committed; a request that
      // refreshes the board in that window reads the new event before the append applies it.
      const store = await connect();
      let latency = false;
      const slow: BoardStore = Object.assign(Object.create(null) as BoardStore, {
        append: async (election: string, event: BoardEvent, code?: string) => { await store.append(election, event, code); if (latency) await new Promise((r) => setTimeout(r, 30)); },
        head: (e: string) => store.head(e), events: (e: string, o?: Parameters<BoardStore['events']>[1]) => store.events(e, o),
        findBallot: (e: string, c: string) => store.findBallot(e, c), elections: () => store.elections(),
        getSetting: (k: string) => store.getSetting(k), setSetting: (k: string, v: string) => store.setSetting(k, v), close: () => store.close(),
      });
      const { board, trustees } = await createWithKeys(slow, compactManifest(newId('refresh-race')));
      const voters = await publishVoters(board, 2);
      await board.openPoll();
      latency = true;
      const inWindow = async <T>(step: Promise<T>): Promise<T> => {
        const seq = board.current.headSeq + 1;
        while (((await store.head(board.electionId))?.seq ?? -1) < seq) await new Promise((r) => setTimeout(r, 1));
        await board.refresh();
        return step;
      };
      for (const [i, v] of voters.entries()) await inWindow(board.castBallot(ballotOf(board, v, compactChoices(i)).ballot));
      assert.equal(board.current.ballots, 2);
      await board.closePoll();
      await board.computeTally();
      for (const t of trustees.slice(0, 2)) await inWindow(board.submitDecryptionShare(makeDecryptionShare(t, board.current.tally!.sums)));
      assert.equal(board.current.decryptionShares.length, 2);
      await board.publishResult();
    });

    test('the store appends only after its head, and refuses a tracking code twice (store contract)', async () => {
      const store = await connect();
      const id = newId('raw');
      const e0 = makeEvent(0, '0'.repeat(64), 'poll-opened', {});
      const e1 = makeEvent(1, e0.hash, 'poll-opened', {});
      await store.append(id, e0);
      await assert.rejects(store.append(id, makeEvent(2, e1.hash, 'poll-opened', {})), SequenceConflict);
      await assert.rejects(store.append(id, makeEvent(1, '0'.repeat(64), 'poll-opened', {})), SequenceConflict);
      await assert.rejects(store.append(id, e0), SequenceConflict);
      await store.append(id, e1, 'code-1');
      const e2 = makeEvent(2, e1.hash, 'poll-opened', {});
      await assert.rejects(store.append(id, e2, 'code-1'), DuplicateBallot);
      assert.deepEqual(await store.head(id), e1);
      assert.deepEqual(await store.events(id), [e0, e1] as BoardEvent[]);
      assert.ok((await store.elections()).includes(id));
    });
  });
}

/** A ballot selecting both candidates of the pick-one question, with the best proof one can make
 *  (test/helpers/ballot-forge.ts); signed by the voter. */
function overVote(board: Board, voter: Voter): BallotJson {
  const { electionHash, jointKey, manifest } = board.current;
  const groups = selectionGroups(manifest);
  const honest = selectionGroups(manifest).map((g) => g.optionIds.map(() => 0));
  honest[0] = groups[0]!.optionIds.map(() => 1);
  return cheatingBallot(electionHash, jointKey!, groups, honest, voter.keys);
}
