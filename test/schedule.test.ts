// A schedule that runs itself (issue 11, point 2): the manifest's opening and closing times, with their
// time zone, open and close the poll on time, also after a restart; the board refuses to open early,
// to take a ballot after the close and to close early unless the manifest allows it; the verifier
// holds the board's event times to the schedule (phase.schedule).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import type { Manifest } from '../src/manifest/types.js';
import { ManifestError, validateManifest } from '../src/manifest/validate.js';
import { encodeEvent, eventHash, GENESIS_PREV, type BoardEvent } from '../src/record/events.js';
import { linesSource, verifyRecord } from '../src/verify/verifier.js';
import { formatInZone, wallTimeToInstant } from '../src/manifest/zoned-time.js';
import { scheduleProblem } from '../src/manifest/schedule.js';
import { tinyManifest } from './helpers/election-fixture.js';
import { call, ok, openElectionOverHttp, recordText, startServer, type HttpElection, type TestServer } from './helpers/server.js';
import { ServerProcess } from './helpers/server-process.js';

const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function scheduled(id: string, opensIn: number | null, closesIn: number | null, extra: Partial<Manifest> = {}): Manifest {
  const m: Manifest = { ...tinyManifest(id), timeZone: 'Europe/Berlin', ...extra };
  if (opensIn !== null) m.opens = iso(Date.now() + opensIn);
  if (closesIn !== null) m.closes = iso(Date.now() + closesIn);
  return m;
}

async function until(what: string, cond: () => Promise<boolean>, seconds = 30): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const phase = async (base: string, id: string): Promise<string> => (await ok(base, 'GET', `/api/elections/${id}`)).phase as string;

function ballotFor(manifest: Manifest, el: HttpElection, voter: number) {
  return encryptBallot(el.electionHash, decodePublicKey(el.jointKey), selectionGroups(manifest), encodeChoices(manifest, { chair: { type: 'choice', candidate: 'a' } }), credentialKeys(el.electionHash, el.credentials[voter]!.credential)).ballot;
}

async function inProcessServer(t: { after(fn: () => Promise<void>): void }): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'veche-schedule-'));
  const store = new SqliteStore(join(dir, 'veche.sqlite'));
  const server = await startServer(store, { scheduleIntervalMs: 100 });
  t.after(async () => { await server.close(); await store.close(); rmSync(dir, { recursive: true, force: true }); });
  return server;
}

/** Rewrites some events' times and re-chains every line from there: a board operator's forgery. */
function retime(text: string, change: (e: BoardEvent, all: BoardEvent[]) => string | null): string[] {
  const events = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BoardEvent);
  let prev = GENESIS_PREV;
  return events.map((e) => {
    const time = change(e, events);
    if (time !== null) e.time = time;
    e.prev = prev;
    e.hash = eventHash(e);
    prev = e.hash;
    return encodeEvent(e);
  });
}

test('manifest: the time zone is an IANA name by its shape, and early closing needs a closing time', () => {
  const base = tinyManifest('zones');
  for (const zone of ['Europe/Berlin', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+5']) {
    assert.equal(validateManifest({ ...base, timeZone: zone }).timeZone, zone);
  }
  for (const zone of ['', 'berlin', 'Europe//Berlin', '../etc/passwd', 'Europe/Berlin<script>', 5]) {
    assert.throws(() => validateManifest({ ...base, timeZone: zone }), (e: unknown) => e instanceof ManifestError && e.errors.some((x) => x.startsWith('timeZone')), String(zone));
  }
  assert.throws(() => validateManifest({ ...base, earlyClose: true }), /earlyClose: only with a closing time/);
  assert.throws(() => validateManifest({ ...base, closes: iso(Date.now() + 1000), earlyClose: 'yes' }), /earlyClose: expected true or false/);
  assert.equal(validateManifest({ ...base, closes: iso(Date.now() + 1000), earlyClose: true }).earlyClose, true);
});

test('the schedule rule the board and the verifier share: each edge of opens and closes', () => {
  const m = { opens: '2026-01-01T09:00:00Z', closes: '2026-01-01T18:00:00Z' };
  assert.match(scheduleProblem(m, 'poll-opened', '2026-01-01T08:59:59.999Z')!, /before the manifest's opening time/);
  assert.equal(scheduleProblem(m, 'poll-opened', '2026-01-01T09:00:00.000Z'), null);
  assert.match(scheduleProblem(m, 'poll-opened', '2026-01-01T18:00:00.000Z')!, /at or after the closing time/);
  assert.equal(scheduleProblem(m, 'ballot', '2026-01-01T17:59:59.999Z'), null);
  assert.match(scheduleProblem(m, 'ballot', '2026-01-01T18:00:00.000Z')!, /at or after the closing time/);
  assert.match(scheduleProblem(m, 'poll-closed', '2026-01-01T17:59:59.999Z')!, /does not allow/);
  assert.equal(scheduleProblem({ ...m, earlyClose: true }, 'poll-closed', '2026-01-01T12:00:00.000Z'), null);
  assert.equal(scheduleProblem(m, 'poll-closed', '2026-01-01T18:00:00.000Z'), null);
  assert.equal(scheduleProblem(m, 'tally', '2026-01-01T08:00:00.000Z'), null, 'only the poll events and ballots are scheduled');
  assert.equal(scheduleProblem({}, 'ballot', '2030-01-01T00:00:00.000Z'), null);
});

test('zoned time: a wall-clock time read in a named zone (the admin form), and an instant shown with its zone named (the booth)', () => {
  const at = (local: string, zone: string) => { const ms = wallTimeToInstant(local, zone); return ms === null ? null : iso(ms); };
  assert.equal(at('2026-12-05T18:00', 'Europe/Berlin'), '2026-12-05T17:00:00.000Z', 'winter: UTC+1');
  assert.equal(at('2026-07-05T18:00', 'Europe/Berlin'), '2026-07-05T16:00:00.000Z', 'summer: UTC+2');
  assert.equal(at('2026-12-05T18:00', 'Asia/Kolkata'), '2026-12-05T12:30:00.000Z', 'a half-hour zone');
  assert.equal(at('2026-12-05T18:00', 'America/Argentina/Buenos_Aires'), '2026-12-05T21:00:00.000Z');
  assert.equal(at('2026-12-05T18:00:30', 'UTC'), '2026-12-05T18:00:30.000Z');
  assert.equal(at('2026-12-05T18:00', 'Mars/Olympus_Mons'), null, 'an unknown zone');
  assert.equal(at('5 December', 'UTC'), null);
  const shown = formatInZone('2026-12-05T17:00:00.000Z', 'en-US', 'Europe/Berlin');
  assert.match(shown, /December 5, 2026/);
  assert.match(shown, /6:00\sPM/);
  assert.match(shown, /Central European Standard Time/);
  assert.match(formatInZone('2026-12-05T17:00:00.000Z', 'en-US', 'America/New_York'), /12:00\sPM Eastern Standard Time/);
});

test('schedule: the server opens the poll at its time and closes it at its time; the board refuses early and late steps; the record verifies', async (t) => {
  const server = await inProcessServer(t);
  const admin = { token: server.adminToken };
  // Wide margins: the key ceremony over HTTP must finish before the opening time, and two ballots fit
  // between opening and closing, also on a loaded machine.
  const manifest = scheduled('timed', 6000, 12_000);
  const el = await openElectionOverHttp(server, manifest, 3, false);

  // Before the opening time: neither the admin nor anyone opens it.
  const early = await call(server.base, 'POST', '/api/elections/timed/open', admin);
  assert.equal(early.status, 409);
  assert.equal(early.body.error, 'schedule');
  assert.equal(await phase(server.base, 'timed'), 'setup');

  await until('the poll to open on time', async () => (await phase(server.base, 'timed')) === 'open');
  assert.ok(Date.now() >= Date.parse(manifest.opens!));
  await ok(server.base, 'POST', '/api/elections/timed/ballots', { json: ballotFor(manifest, el, 0) });
  // Closing early is not in this manifest.
  const closeEarly = await call(server.base, 'POST', '/api/elections/timed/close', admin);
  assert.equal(closeEarly.status, 409);
  assert.equal(closeEarly.body.error, 'schedule');
  await ok(server.base, 'POST', '/api/elections/timed/ballots', { json: ballotFor(manifest, el, 1) });

  await until('the poll to close on time', async () => (await phase(server.base, 'timed')) === 'closed');
  const late = await call(server.base, 'POST', '/api/elections/timed/ballots', { json: ballotFor(manifest, el, 2) });
  assert.equal(late.status, 409);

  const text = await recordText(server.base, 'timed');
  const v = await verifyRecord(linesSource(text.split('\n').filter((l) => l !== '')));
  assert.ok(v.report.okSoFar, JSON.stringify(v.report.failedChecks));
  assert.equal(v.report.checks.find((c) => c.id === 'phase.schedule')!.passed, 4, 'poll-opened, two ballots, poll-closed');

  // The board operator's forgeries, each re-chained with valid hashes, fail phase.schedule and nothing else.
  const forgeries: [string, (e: BoardEvent, all: BoardEvent[]) => string | null][] = [
    ['opened before its time', (e, all) => (e.type === 'poll-opened' ? iso(Math.max(Date.parse(all[e.seq - 1]!.time), Date.parse(manifest.opens!) - 1)) : null)],
    ['a ballot after the close', (e, all) => {
      const lastBallot = all.filter((x) => x.type === 'ballot').at(-1)!;
      return e.seq === lastBallot.seq || e.seq > lastBallot.seq ? iso(Math.max(Date.parse(e.time), Date.parse(manifest.closes!) + 1)) : null;
    }],
    ['closed early', (e, all) => (e.type === 'poll-closed' ? iso(Math.max(Date.parse(all[e.seq - 1]!.time), Date.parse(manifest.closes!) - 1)) : null)],
  ];
  for (const [what, change] of forgeries) {
    const forged = retime(text, change);
    const r = await verifyRecord(linesSource(forged));
    assert.deepEqual(r.report.failedChecks.filter((c) => c !== 'record.complete'), ['phase.schedule'], what);
  }
});

test('schedule: a manifest that allows it can be closed early by the admin, and the record says when', async (t) => {
  const server = await inProcessServer(t);
  const manifest = scheduled('early', null, 60_000, { earlyClose: true });
  await openElectionOverHttp(server, manifest, 2);
  await ok(server.base, 'POST', '/api/elections/early/close', { token: server.adminToken });
  const text = await recordText(server.base, 'early');
  const closed = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BoardEvent).find((e) => e.type === 'poll-closed')!;
  assert.ok(Date.parse(closed.time) < Date.parse(manifest.closes!));
  const v = await verifyRecord(linesSource(text.split('\n').filter((l) => l !== '')));
  assert.ok(v.report.okSoFar, JSON.stringify(v.report.failedChecks));
});

test('schedule: a closing time that passes while the server is down closes the poll as soon as it is back', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'veche-schedule-restart-'));
  const adminToken = 'schedule-restart-admin-token-0123456789abcdef';
  const proc = await ServerProcess.start({ dataDir, adminToken, env: { VECHE_SCHEDULE_INTERVAL_MS: '200' } });
  t.after(async () => { await proc.kill(); rmSync(dataDir, { recursive: true, force: true }); });
  const manifest = scheduled('restart', 500, 9000);
  const el = await openElectionOverHttp({ base: proc.base, adminToken } as TestServer, manifest, 2, false);
  await until('the poll to open', async () => (await phase(proc.base, 'restart')) === 'open');
  await ok(proc.base, 'POST', '/api/elections/restart/ballots', { json: ballotFor(manifest, el, 0) });
  await proc.kill();
  await sleep(Math.max(0, Date.parse(manifest.closes!) - Date.now() + 300));
  await proc.restart();
  await until('the poll to close after the restart', async () => (await phase(proc.base, 'restart')) === 'closed', 10);
  const text = await recordText(proc.base, 'restart');
  const v = await verifyRecord(linesSource(text.split('\n').filter((l) => l !== '')));
  assert.ok(v.report.okSoFar, JSON.stringify(v.report.failedChecks));
  assert.match(proc.stdout + proc.stderr, /veche is running/);
});
