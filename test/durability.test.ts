// Durability: real server processes (dist/src/server/main.js) take ballots from concurrent clients and
// are killed with SIGKILL at random moments, then restarted, again and again; on SQLite and PostgreSQL.
// Every ballot that got a receipt must be on the board at the receipt's seq with its hash, no ballot
// twice, and the final record must verify. Then several processes over one PostgreSQL at once.
// DURABILITY_KILLS=n changes the number of kill points per store (default 16).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptBallot } from '../src/ballot/encrypt.js';
import type { BallotJson } from '../src/ballot/types.js';
import { verifyReceipt, type Receipt } from '../src/board/receipt.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { selectionGroups } from '../src/manifest/layout.js';
import { parseRecord } from '../src/record/read.js';
import type { PayloadByType } from '../src/record/events.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { trackingCode as trackingCodeOf } from '../src/ballot/tracking.js';
import { checkReceipts } from '../src/verify/receipts.js';
import { linesSource, verifyRecord } from '../src/verify/verifier.js';
import { seededRandom } from '../src/demo/random.js';
import { simpleSelections, tinyManifest } from './helpers/election-fixture.js';
import { freshDatabase, type TestDatabase } from './helpers/postgres.js';
import { call, ok, openElectionOverHttp, recordText, type HttpElection, type TestServer } from './helpers/server.js';
import { ServerProcess } from './helpers/server-process.js';

const KILLS = Number(process.env.DURABILITY_KILLS ?? 16);
const ADMIN_TOKEN = `va1.durability-${'x'.repeat(40)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `veche-${label}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface PoolBallot { ballot: BallotJson; trackingCode: string; pick: number }

/** One ballot per credential (voter i picks candidate i % 2). */
function makePool(el: HttpElection): PoolBallot[] {
  const manifest = tinyManifest(el.id);
  const groups = selectionGroups(manifest);
  const key = decodePublicKey(el.jointKey);
  return el.credentials.map((c, i) => {
    const { ballot, trackingCode } = encryptBallot(el.electionHash, key, groups, simpleSelections(groups, i), credentialKeys(el.electionHash, c.credential));
    return { ballot, trackingCode, pick: i % 2 };
  });
}

/** What the clients learnt: receipts, ballots whose fate is unknown (connection lost), anything unexpected. */
class Ledger {
  receipts = new Map<string, Receipt>();
  /** Resent after a lost connection and answered "duplicate": stored, but its receipt was lost in transit. */
  storedWithoutReceipt = new Set<string>();
  unknown: PoolBallot[] = [];
  unexpected: string[] = [];
  inFlight = 0;
  killsWithRequestsInFlight = 0;
  sent = 0;
}

/** One client: takes ballots from the queue and posts them until the queue is empty or the server is gone. */
async function client(base: string, id: string, queue: PoolBallot[], ledger: Ledger): Promise<void> {
  for (;;) {
    const b = queue.shift();
    if (!b) return;
    ledger.inFlight++;
    ledger.sent++;
    let status: number;
    let body: { receipt?: Receipt; error?: string } | null;
    try {
      const res = await fetch(`${base}/api/elections/${id}/ballots`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b.ballot) });
      status = res.status;
      body = (await res.json()) as typeof body;
    } catch {
      // The connection died with the server: the ballot may or may not have been stored.
      ledger.unknown.push(b);
      return;
    } finally {
      ledger.inFlight--;
    }
    if (status === 200 && body?.receipt) {
      assert.ok(!ledger.receipts.has(b.trackingCode), 'two receipts for one ballot');
      ledger.receipts.set(b.trackingCode, body.receipt);
    } else if (status === 409 && body?.error === 'duplicate') {
      ledger.storedWithoutReceipt.add(b.trackingCode);
    } else {
      ledger.unexpected.push(`${status} ${JSON.stringify(body)}`);
    }
  }
}

/** Closes the poll, tallies and decrypts over HTTP, and returns the whole record. */
async function finish(base: string, el: HttpElection): Promise<string[]> {
  const admin = { token: ADMIN_TOKEN };
  await ok(base, 'POST', `/api/elections/${el.id}/close`, admin);
  await ok(base, 'POST', `/api/elections/${el.id}/tally`, admin);
  const tally = parseRecord(await recordText(base, el.id)).find((e) => e.type === 'tally')!;
  const s = el.secrets[0]!;
  await ok(base, 'POST', `/api/elections/${el.id}/trustees/${s.trustee}/decryption`, { token: el.trusteeTokens[s.trustee]!, json: makeDecryptionShare(s, (tally.payload as PayloadByType['tally']).sums) });
  await ok(base, 'POST', `/api/elections/${el.id}/result`, admin);
  return (await recordText(base, el.id)).split('\n').filter((l) => l !== '');
}

/** Every check on the final record: the chain, every receipt, no duplicate, no ballot lost, the count, the verifier. */
async function checkFinalRecord(lines: string[], el: HttpElection, pool: PoolBallot[], ledger: Ledger): Promise<{ lost: number }> {
  const events = parseRecord(lines.join('\n')); // the hash chain holds
  const codes = events.filter((e) => e.type === 'ballot').map((e) => trackingCodeOf(e.payload as BallotJson));
  assert.equal(new Set(codes).size, codes.length, 'a ballot appears twice on the board');
  assert.deepEqual(new Set(codes), new Set(pool.map((b) => b.trackingCode)), 'the board holds exactly the ballots that were cast');
  for (const r of ledger.receipts.values()) assert.ok(verifyReceipt(r, el.boardKey), 'receipt not signed by the board key');
  const receipts = [...ledger.receipts.values()].map((receipt, i) => ({ line: i + 1, receipt, error: null }));
  const check = await checkReceipts(linesSource(lines), receipts);
  const lost = check.missing + check.invalid;
  assert.equal(lost, 0, `receipted ballots missing: ${check.checks.filter((c) => c.status !== 'present').map((c) => c.message).join('; ')}`);
  for (const r of ledger.receipts.values()) {
    const e = events[r.seq]!;
    assert.equal(e.hash, r.hash);
    assert.equal(trackingCodeOf(e.payload as BallotJson), r.trackingCode);
  }
  const { report, state } = await verifyRecord(linesSource(lines));
  assert.ok(report.ok, `the record does not verify: ${report.failedChecks.join(', ')}`);
  const picks = [pool.filter((b) => b.pick === 0).length, pool.filter((b) => b.pick === 1).length];
  assert.deepEqual(state.result!.counts, [picks]);
  return { lost };
}

for (const storeName of ['sqlite', 'postgres'] as const) {
  describe(`durability on ${storeName}: SIGKILL at random moments while ballots are cast`, { timeout: 240_000 }, async () => {
    let db: TestDatabase | null = null;
    if (storeName === 'postgres') {
      db = await freshDatabase('durability');
      if (db) cleanups.push(() => db!.drop());
    }
    const skip = storeName === 'postgres' && !db ? 'PostgreSQL unavailable (see the message above)' : false;

    test(`${KILLS} kills, every receipted ballot survives`, { skip }, async (t) => {
      const rand = seededRandom(storeName === 'sqlite' ? 1 : 2);
      const server = await ServerProcess.start({ dataDir: tempDir(`durability-${storeName}`), ...(db ? { databaseUrl: db.url } : {}), adminToken: ADMIN_TOKEN });
      cleanups.push(() => server.kill());
      const el = await openElectionOverHttp({ base: server.base, adminToken: ADMIN_TOKEN } as TestServer, tinyManifest('dur'), 10 * KILLS);
      const t0 = Date.now();
      const pool = makePool(el);
      const t1 = Date.now();
      const queue = [...pool];
      const ledger = new Ledger();
      let kills = 0;
      for (let k = 0; k < KILLS && queue.length > 0; k++) {
        if (!server.child) await server.restart();
        // Ballots whose fate is unknown go first: resending them is what a voter's device does.
        queue.unshift(...ledger.unknown.splice(0));
        const clients = Array.from({ length: 4 }, () => client(server.base, el.id, queue, ledger));
        // The kill point: after a random number (0-6) of receipts in this round, then a random few
        // milliseconds, so that it lands among requests in flight whatever the machine's speed.
        const target = ledger.receipts.size + Math.floor(rand() * 7);
        while (ledger.receipts.size < target && queue.length > 0) await sleep(1);
        await sleep(rand() * 15);
        if (ledger.inFlight > 0) ledger.killsWithRequestsInFlight++;
        await server.kill('SIGKILL');
        kills++;
        await Promise.all(clients);
      }
      // Last start: everything not yet known is sent until it is.
      await server.restart();
      queue.unshift(...ledger.unknown.splice(0));
      await Promise.all(Array.from({ length: 4 }, () => client(server.base, el.id, queue, ledger)));
      assert.equal(ledger.unknown.length, 0);
      assert.deepEqual(ledger.unexpected, []);
      for (const b of pool) {
        const found = await call(server.base, 'GET', `/api/elections/${el.id}/ballots/${b.trackingCode}`);
        assert.equal(found.status, 200, `ballot ${b.trackingCode} not on the board`);
        const r = ledger.receipts.get(b.trackingCode);
        if (r) assert.deepEqual(found.body, { trackingCode: r.trackingCode, seq: r.seq, hash: r.hash });
      }
      const t2 = Date.now();
      const lines = await finish(server.base, el);
      const { lost } = await checkFinalRecord(lines, el, pool, ledger);
      await server.kill('SIGTERM');
      t.diagnostic(`times: ballots made in ${t1 - t0} ms, kill rounds ${t2 - t1} ms, tally and checks ${Date.now() - t2} ms`);
      t.diagnostic(`${storeName}: ${kills} SIGKILLs survived (${ledger.killsWithRequestsInFlight} with requests in flight), ${server.starts} starts; ` +
        `${ledger.receipts.size} receipts, ${ledger.storedWithoutReceipt.size} stored but receipt lost in transit (found by resending), ` +
        `${ledger.sent} requests; receipted ballots lost: ${lost}; duplicates: 0; record verified`);
    });
  });
}

describe('several server processes over one PostgreSQL', { timeout: 240_000 }, async () => {
  const db = await freshDatabase('multi_server');
  if (db) cleanups.push(() => db.drop());

  test('3 processes take ballots at once (a third of them sent to two processes at the same time; one process killed and restarted)', { skip: db ? false : 'PostgreSQL unavailable (see the message above)' }, async (t) => {
    const servers = await Promise.all([0, 1, 2].map((i) => ServerProcess.start({ dataDir: tempDir(`multi-${i}`), databaseUrl: db!.url, adminToken: ADMIN_TOKEN })));
    cleanups.push(async () => { for (const s of servers) await s.kill(); });
    const el = await openElectionOverHttp({ base: servers[0]!.base, adminToken: ADMIN_TOKEN } as TestServer, tinyManifest('multi'), 45);
    const pool = makePool(el);
    const ledger = new Ledger();
    // Queues per process; every third ballot goes to two processes at once.
    const queues: PoolBallot[][] = [[], [], []];
    pool.forEach((b, i) => { queues[i % 3]!.push(b); if (i % 3 === 0) queues[(i + 1) % 3]!.push(b); });
    const killer = (async () => {
      await sleep(300 + Math.random() * 700);
      await servers[1]!.kill('SIGKILL');
      await servers[1]!.restart();
    })();
    // Clients of a killed process stop; the ballots they did not get answered are sent again below.
    await Promise.all([killer, ...servers.flatMap((s, i) => [0, 1].map(() => client(s.base, el.id, queues[i]!, ledger)))]);
    for (;;) {
      const rest = [...ledger.unknown.splice(0), ...queues.flatMap((q) => q.splice(0))];
      if (rest.length === 0) break;
      await Promise.all(servers.map((s, i) => client(s.base, el.id, rest.filter((_, j) => j % 3 === i), ledger)));
    }
    assert.deepEqual(ledger.unexpected, []);
    // Every process sees the same board.
    const heads = await Promise.all(servers.map(async (s) => (await ok(s.base, 'GET', `/api/elections/${el.id}`)).headHash));
    assert.equal(new Set(heads).size, 1, 'the processes disagree about the head of the board');
    const lines = await finish(servers[2]!.base, el);
    const { lost } = await checkFinalRecord(lines, el, pool, ledger);
    t.diagnostic(`3 processes over one PostgreSQL: ${pool.length} ballots, ${ledger.sent} requests (${ledger.sent - ledger.receipts.size} answered "duplicate": sent to two processes, or resent), ` +
      `${ledger.receipts.size} receipts; one chain, no duplicates, receipted ballots lost: ${lost}; record verified`);
  });
});
