// A live named motion in a large meeting (issue 13 point 8): N members (default 500) on loopback, each
// with its own signing key, check in over HTTP, the chair opens the vote, every member casts a signed
// named vote (--concurrency in flight), the chair closes, and the projector's stream (server-sent events)
// brings the result. Prints the time from the close to the result on the projector's stream, p50/p99 of
// casting (beside a GET of the meeting's view measured in the same run, the baseline), and the lost votes
// (a vote answered 200 but missing from the result: must be 0).
// Then a secret vote (§19 M7) with --secret members (default 100): the tellers' key ceremony, each member's
// credential registered, the chair's list, encrypted ballots cast in the election, the close (poll closed
// and tallied), two tellers' decryption, the result on the projector; and the meeting verifier on both records.
// The servers are real server processes (node dist/src/server/main.js): one on SQLite (--store sqlite,
// the default), or --processes N on one PostgreSQL (--store postgres; VECHE_BENCH_DATABASE_URL, or a
// throwaway cluster from test/helpers/postgres.ts), the members spread over them in turn and the
// projector on the first (it sees the others' events by LISTEN/NOTIFY, spec §19 M9). This process is
// the members' phones: signing and encrypting are done before each timed phase, on worker threads.
//   node dist/bench/meeting.js [--members 500] [--concurrency 64] [--secret 100] [--store sqlite|postgres] [--processes 1]
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { call, recordText } from '../test/helpers/server.js';
import { ServerProcess } from '../test/helpers/server-process.js';
import { makeBody } from '../test/meeting-fixture.js';
import { signMeetingPayload } from '../src/meeting/signature.js';
import { commitTrusteeKey, finishKeyCeremony, makeShares, revealTrusteeKey, type TrusteeSecret } from '../src/keyceremony/trustee.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { signCredentialList } from '../src/credentials/authority.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import type { BallotJson } from '../src/ballot/types.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { enableFastBackend } from '../src/crypto/backend-sodium.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { checkMeetingRecord } from '../src/meeting/verify.js';
import type { Manifest } from '../src/manifest/types.js';
import type { SignedMeetingEventType } from '../src/meeting/types.js';

// ---- the phones' work, on worker threads ----------------------------------------------------------

type PhoneJob =
  | { kind: 'sign'; meetingHash: string; type: SignedMeetingEventType; items: { payload: Record<string, unknown>; secret: string }[] }
  | { kind: 'keys'; electionHash: string; credentials: string[] }
  | { kind: 'ballots'; electionHash: string; jointKey: string; manifest: Manifest; items: { credential: string; vote: 'for' | 'against' }[] };

function phoneWork(job: PhoneJob): unknown[] {
  if (job.kind === 'sign') return job.items.map((x) => signMeetingPayload(job.meetingHash, job.type, x.payload as never, x.secret));
  if (job.kind === 'keys') return job.credentials.map((c) => credentialKeys(job.electionHash, c).key);
  const key = decodePublicKey(job.jointKey);
  const groups = selectionGroups(job.manifest);
  return job.items.map((x) => encryptBallot(job.electionHash, key, groups, encodeChoices(job.manifest, { motion: { type: 'motion', vote: x.vote } }), credentialKeys(job.electionHash, x.credential)).ballot);
}

if (!isMainThread) parentPort!.postMessage(phoneWork(workerData as PhoneJob));

/** `job` split over one thread per core; the results in the order of the items. */
async function onPhones<T>(job: PhoneJob): Promise<T[]> {
  const items: unknown[] = job.kind === 'keys' ? job.credentials : job.items;
  const n = Math.max(1, Math.min(cpus().length, Math.ceil(items.length / 50)));
  const part = (k: number) => items.slice(Math.floor((k * items.length) / n), Math.floor(((k + 1) * items.length) / n));
  const parts = await Promise.all(Array.from({ length: n }, (_, k) => new Promise<T[]>((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: job.kind === 'keys' ? { ...job, credentials: part(k) } : { ...job, items: part(k) } });
    w.once('message', (m: T[]) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
  })));
  return parts.flat();
}

// ---- the bench ----------------------------------------------------------------------------------

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const MEMBERS = Number(arg('members', '500'));
const CONCURRENCY = Number(arg('concurrency', '64'));
const SECRET = Number(arg('secret', '100'));
const PROCESSES = Number(arg('processes', '1'));
const STORE = arg('store', PROCESSES > 1 ? 'postgres' : 'sqlite');
if (STORE !== 'sqlite' && STORE !== 'postgres') throw new Error('--store sqlite|postgres');
if (STORE === 'sqlite' && PROCESSES !== 1) throw new Error('SQLite serves one process: --processes N needs --store postgres');

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!; };
const ms = (x: number) => `${x.toFixed(1)} ms`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');

/** Runs `jobs` with at most `n` in flight; each job's duration in ms. */
async function pool(jobs: (() => Promise<void>)[], n: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const t = performance.now();
      await job();
      times.push(performance.now() - t);
    }
  }));
  return times;
}

/** The projector: follows the stream and resolves with the time the first event of `type` arrives. */
function projector(base: string, path: string, type: string): { arrived: Promise<{ at: number; data: any }>; stop(): void } {
  let stop = () => {};
  const arrived = new Promise<{ at: number; data: any }>((resolve, reject) => {
    const req = get(base + path, { agent: false }, (res) => {
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (frame.includes(`event: ${type}\n`)) resolve({ at: performance.now(), data: JSON.parse(/^data: (.*)$/m.exec(frame)![1]!) });
        }
      });
    });
    req.on('error', (e) => reject(e));
    stop = () => req.destroy();
  });
  return { arrived, stop };
}

const must = async (r: Promise<{ status: number; text: string }>): Promise<any> => {
  const x = await r;
  if (x.status !== 200) throw new Error(`${x.status} ${x.text}`);
  return JSON.parse(x.text);
};

/** The servers the members use, in turn: member i on bases[i % bases.length]. */
interface Servers { bases: string[]; adminToken: string; close(): Promise<void> }

async function startServers(): Promise<Servers> {
  const adminToken = randomBytes(24).toString('hex');
  const dirs: string[] = [];
  let url: string | undefined;
  let drop: (() => Promise<void>) | null = null;
  if (STORE === 'postgres') {
    url = process.env.VECHE_BENCH_DATABASE_URL;
    if (!url) {
      const { freshDatabase } = await import('../test/helpers/postgres.js');
      const db = await freshDatabase('meeting-bench');
      if (!db) throw new Error('PostgreSQL could not be started here (set VECHE_BENCH_DATABASE_URL)');
      url = db.url;
      drop = () => db.drop();
    }
  }
  const start = () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'veche-bench-meeting-'));
    dirs.push(dataDir);
    return ServerProcess.start({ dataDir, adminToken, ...(url ? { databaseUrl: url } : {}) });
  };
  // One after another: the first makes the tables, the others find them.
  const servers: ServerProcess[] = [];
  for (let k = 0; k < PROCESSES; k++) servers.push(await start());
  return {
    bases: servers.map((s) => s.base), adminToken,
    async close() {
      for (const s of servers) await s.kill('SIGTERM');
      await drop?.();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  // The verifier here runs on the backend the servers use (libsodium), not the reference arithmetic.
  await enableFastBackend();
  const servers = await startServers();
  try {
    console.log(`meeting bench: ${STORE === 'sqlite' ? 'one server process on SQLite' : `${PROCESSES} server process(es) on one PostgreSQL`}, members spread over them in turn, ${CONCURRENCY} requests in flight, ${cpus().length} cores; load average ${load()}`);
    if (MEMBERS > 0) await namedVote(servers);
    if (SECRET > 0) await secretVote(servers);
    console.log(`load average at the end ${load()}`);
  } finally {
    await servers.close();
  }
}

async function namedVote({ bases, adminToken }: Servers): Promise<void> {
  const base = bases[0]!;
  const at = (i: number) => bases[i % bases.length]!;
  const f = makeBody(Array.from({ length: MEMBERS }, () => 1), { quorum: { of: 'members', share: { num: 1, den: 2 } } }, 'assembly');
  const secretOf = (id: string) => f.people.get(id)!.keys.secret;
  await must(call(base, 'POST', '/api/bodies', { token: adminToken, json: f.body }));
  const hash: string = (await must(call(base, 'POST', '/api/meetings', { token: adminToken, json: { id: 'congress', title: 'Congress', body: 'assembly', chair: 'm1', secretaries: ['sec'] } }))).meetingHash;
  const sign = (type: SignedMeetingEventType, payload: Record<string, unknown>) => signMeetingPayload(hash, type, payload as never, secretOf(payload.by as string));
  const post = (i: number, path: string, json: unknown) => must(call(at(i), 'POST', `/api/meetings/congress/${path}`, { json }));
  await post(0, 'open', sign('meeting-opened', { by: 'm1' }));
  const ids = f.body.members.map((m) => m.id);
  const checkIns = await onPhones<unknown>({ kind: 'sign', meetingHash: hash, type: 'member-present', items: ids.map((m) => ({ payload: { member: m, by: m }, secret: secretOf(m) })) });
  const t0 = performance.now();
  await pool(checkIns.map((json, i) => async () => { await post(i, 'check-in', json); }), CONCURRENCY);
  const checkIn = performance.now() - t0;
  await post(0, 'motions', sign('motion-put', { motion: 'm', title: 'The motion', text: 'That the congress resolves so.', majority: 'simple', mode: 'named', by: 'm1' }));
  const roll = (await must(call(base, 'GET', '/api/meetings/congress'))).roll;
  await post(0, 'motions/m/open', sign('vote-opened', { motion: 'm', text: 'That the congress resolves so.', ...roll, seconds: 0, by: 'm1' }));

  // The baseline, in the same run: a GET of the meeting's view.
  const baseline = await pool(Array.from({ length: 200 }, (_, i) => async () => { await must(call(at(i), 'GET', '/api/meetings/congress')); }), CONCURRENCY);
  // Signing is the member's phone's work, done before the request (not timed).
  const signed = await onPhones<unknown>({ kind: 'sign', meetingHash: hash, type: 'named-vote', items: ids.map((m, i) => ({ payload: { motion: 'm', votes: [{ member: m, for: i % 3 === 0 ? 0 : 1, against: i % 3 === 0 ? 1 : 0, abstain: 0 }], by: m }, secret: secretOf(m) })) });
  let accepted = 0;
  const tv = performance.now();
  const casting = await pool(signed.map((payload, i) => async () => {
    const r = await call(at(i), 'POST', '/api/meetings/congress/motions/m/votes', { json: payload });
    if (r.status === 200) accepted++;
  }), CONCURRENCY);
  const voting = performance.now() - tv;

  const screen = projector(base, '/api/meetings/congress/events', 'motion-result');
  await new Promise((r) => setTimeout(r, 200)); // the projector has caught up with the stream
  const closeAt = performance.now();
  // The chair closes on the last process: with several, the result reaches the projector by NOTIFY.
  await post(bases.length - 1, 'motions/m/close', sign('vote-closed', { motion: 'm', by: 'm1' }));
  const { at: shown, data } = await screen.arrived;
  screen.stop();
  const counted = data.payload.counts.for + data.payload.counts.against + data.payload.counts.abstain;
  const lost = accepted - counted;

  console.log(`named vote: ${MEMBERS} members`);
  console.log(`  check-in of all members          ${ms(checkIn)} (${(MEMBERS / (checkIn / 1000)).toFixed(0)}/s)`);
  console.log(`  baseline GET view                p50 ${ms(pct(baseline, 50))}  p99 ${ms(pct(baseline, 99))}`);
  console.log(`  casting a named vote             p50 ${ms(pct(casting, 50))}  p99 ${ms(pct(casting, 99))}  (${(pct(casting, 50) / pct(baseline, 50)).toFixed(2)}x / ${(pct(casting, 99) / pct(baseline, 99)).toFixed(2)}x the baseline)`);
  console.log(`  all votes in                     ${ms(voting)} (${(MEMBERS / (voting / 1000)).toFixed(0)} votes/s)`);
  console.log(`  close to result on the projector ${ms(shown - closeAt)}`);
  console.log(`  votes accepted ${accepted}, counted ${counted} (${data.payload.outcome}), lost ${lost}`);
  if (lost !== 0 || accepted !== MEMBERS) process.exitCode = 1;
}

/** A secret vote with SECRET members, timed per phase. */
async function secretVote({ bases, adminToken }: Servers): Promise<void> {
  const base = bases[0]!;
  const at = (i: number) => bases[i % bases.length]!;
  const f = makeBody(Array.from({ length: SECRET }, () => 1), {}, 'council');
  const secretOf = (id: string) => f.people.get(id)!.keys.secret;
  const tSetup = performance.now();
  await must(call(base, 'POST', '/api/bodies', { token: adminToken, json: f.body }));
  const tellers = ['sec', 'm2', 'm3'];
  const hash: string = (await must(call(base, 'POST', '/api/meetings', { token: adminToken, json: { id: 'council', title: 'Council', body: 'council', chair: 'm1', secretaries: [], tellers, threshold: 2 } }))).meetingHash;
  const sign = (type: SignedMeetingEventType, payload: Record<string, unknown>) => signMeetingPayload(hash, type, payload as never, secretOf(payload.by as string));
  const post = (i: number, path: string, json: unknown) => must(call(at(i), 'POST', `/api/meetings/council/${path}`, { json }));
  const ids = f.body.members.map((m) => m.id);
  await post(0, 'open', sign('meeting-opened', { by: 'm1' }));
  const checkIns = await onPhones<unknown>({ kind: 'sign', meetingHash: hash, type: 'member-present', items: ids.map((m) => ({ payload: { member: m, by: m }, secret: secretOf(m) })) });
  await pool(checkIns.map((json, i) => async () => { await post(i, 'check-in', json); }), CONCURRENCY);
  const setup = performance.now() - tSetup;
  const text = 'That the council adopts the budget.';
  const phase: [string, number][] = [];
  let t = performance.now();
  const lap = (name: string) => { const now = performance.now(); phase.push([name, now - t]); t = now; };
  await post(0, 'motions', sign('motion-put', { motion: 'budget', title: 'Budget', text, majority: 'simple', mode: 'secret', by: 'm1' }));
  lap('motion put, election made');
  const events = async (type: string) => (await recordText(base, 'council-budget')).split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.type === type);
  const [genesis] = await events('election');
  const manifest = genesis.payload.manifest as Manifest;
  const electionHash: string = genesis.hash;
  const teller = (id: string, step: string, json: unknown) => must(call(base, 'POST', `/api/meetings/council/motions/budget/tellers/${id}/${step}`, { json }));
  const committed = tellers.map((id) => commitTrusteeKey({ version: 'veche/trustee-secret/v2', trustee: id, signing: f.people.get(id)!.keys } as TrusteeSecret, electionHash, manifest));
  for (const c of committed) await teller(c.secret.trustee, 'commitment', c.commitment);
  for (const c of committed) await teller(c.secret.trustee, 'key', revealTrusteeKey(c.secret));
  const keys = (await events('trustee-key')).map((e) => e.payload);
  for (const c of committed) await teller(c.secret.trustee, 'shares', makeShares(c.secret, keys));
  const shares = (await events('trustee-shares')).map((e) => e.payload);
  const secrets = new Map<string, TrusteeSecret>();
  for (const c of committed) {
    const done = finishKeyCeremony(c.secret, keys, shares);
    if (done.kind !== 'ready') throw new Error('a teller complains');
    await teller(c.secret.trustee, 'ready', done.ready);
    secrets.set(c.secret.trustee, done.secret);
  }
  lap('tellers\' key ceremony');
  const roll = (await must(call(base, 'GET', '/api/meetings/council'))).roll;
  await post(0, 'motions/budget/open', sign('vote-opened', { motion: 'budget', text, ...roll, seconds: 0, by: 'm1' }));
  lap('vote opened');

  // Each phone makes its credential and signs its registration (not timed).
  const credentials = ids.map(() => newCredential());
  const credentialKeyList = await onPhones<string>({ kind: 'keys', electionHash, credentials });
  const registrations = await onPhones<unknown>({ kind: 'sign', meetingHash: hash, type: 'credential-registered', items: ids.map((m, i) => ({ payload: { motion: 'budget', member: m, credential: credentialKeyList[i]!, by: m }, secret: secretOf(m) })) });
  t = performance.now();
  const registering = await pool(registrations.map((json, i) => async () => { await post(i, 'motions/budget/credentials', json); }), CONCURRENCY);
  lap('credentials registered');
  // The chair's browser fetches the registrations (the view), signs the list, and the poll opens.
  const view = await must(call(base, 'GET', '/api/meetings/council'));
  const list = credentialKeyList.map((key) => ({ key, weight: 1 })).sort((a, b) => (a.key < b.key ? -1 : 1));
  await must(call(base, 'POST', '/api/meetings/council/motions/budget/credential-list', { json: signCredentialList(electionHash, list, f.people.get('m1')!.keys) }));
  lap('the chair\'s list (view read, signed), poll open');
  const jointKey: string = (await must(call(base, 'GET', '/api/elections/council-budget'))).jointKey;
  // Encrypting is each member's phone's work (not timed); casting is timed.
  const ballots = await onPhones<BallotJson>({ kind: 'ballots', electionHash, jointKey, manifest, items: credentials.map((c, i) => ({ credential: c, vote: i % 3 === 0 ? 'against' : 'for' })) });
  let cast = 0;
  t = performance.now();
  const casting = await pool(ballots.map((b, i) => async () => { await must(call(at(i), 'POST', '/api/elections/council-budget/ballots', { json: b })); cast++; }), CONCURRENCY);
  lap('ballots cast');
  const screen = projector(base, '/api/meetings/council/events', 'motion-result');
  await new Promise((r) => setTimeout(r, 200)); // the projector has caught up with the stream
  const closeAt = performance.now();
  t = closeAt;
  await post(bases.length - 1, 'motions/budget/close', sign('vote-closed', { motion: 'budget', by: 'm1' }));
  lap('close: poll closed and tallied');
  const [tally] = await events('tally');
  for (const id of ['sec', 'm2']) await teller(id, 'decryption', makeDecryptionShare(secrets.get(id)!, tally.payload.sums));
  lap('two tellers\' decryption shares');
  const result = (await must(call(at(1), 'POST', '/api/meetings/council/motions/budget/result'))).result;
  lap('result computed and appended');
  const { at: shown } = await screen.arrived;
  screen.stop();
  const closeToResult = shown - closeAt;
  await post(0, 'close', sign('meeting-closed', { by: 'm1' }));
  const meetingLines = (await call(base, 'GET', '/api/meetings/council/record')).text.split('\n').filter(Boolean);
  const electionLines = (await recordText(base, 'council-budget')).split('\n').filter(Boolean);
  t = performance.now();
  const v = await checkMeetingRecord(meetingLines, { elections: async (id) => (id === 'council-budget' ? electionLines : null) });
  lap('meeting verifier (with the election record)');
  console.log(`secret vote: ${SECRET} members, 3 tellers (2 decrypt); setup (body, meeting, phones signing check-ins, check-ins) ${ms(setup)}; the chair's view ${(JSON.stringify(view).length / 1e6).toFixed(2)} MB`);
  for (const [name, x] of phase) console.log(`  ${name.padEnd(48)} ${ms(x)}`);
  console.log(`  registering a credential                         p50 ${ms(pct(registering, 50))}  p99 ${ms(pct(registering, 99))}  (${(SECRET / (phase.find(([n]) => n === 'credentials registered')![1] / 1000)).toFixed(0)}/s)`);
  console.log(`  casting an encrypted ballot                      p50 ${ms(pct(casting, 50))}  p99 ${ms(pct(casting, 99))}  (${(SECRET / (phase.find(([n]) => n === 'ballots cast')![1] / 1000)).toFixed(0)}/s)`);
  console.log(`  close to the result on the projector (tally, decryption, result) ${ms(closeToResult)}`);
  const counted = result.counts.for + result.counts.against + result.counts.abstain;
  console.log(`  ballots accepted ${cast}, counted ${counted} of ${SECRET} (${result.outcome}), lost ${cast - counted}; records ${v.report.ok ? 'VERIFIED' : 'NOT VERIFIED'}`);
  if (counted !== SECRET || cast !== SECRET || !v.report.ok) process.exitCode = 1;
}

if (isMainThread) await main();
