// A live named motion in a large meeting (issue 13 point 8): N members (default 500) on loopback, each
// with its own signing key, check in over HTTP, the chair opens the vote, every member casts a signed
// named vote (--concurrency in flight), the chair closes, and the projector's stream (server-sent events)
// brings the result. Prints the time from the close to the result on the projector's stream, p50/p99 of
// casting (beside a GET of the meeting's view measured in the same run, the baseline), and the lost votes
// (a vote answered 200 but missing from the result: must be 0). Real server, real SQLite stores.
// Then a secret vote (§19 M7) with --secret members (default 100): the tellers' key ceremony, each member's
// credential registered, the chair's list, encrypted ballots cast in the election, the close (poll closed
// and tallied), two tellers' decryption, the result; and the meeting verifier on both records.
//   node dist/bench/meeting.js [--members 500] [--concurrency 64] [--secret 100]
import { get } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { SqliteMeetingStore } from '../src/meeting/store.js';
import { call, startServer } from '../test/helpers/server.js';
import { makeBody, signAs } from '../test/meeting-fixture.js';
import { commitTrusteeKey, finishKeyCeremony, makeShares, revealTrusteeKey, type TrusteeSecret } from '../src/keyceremony/trustee.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { signCredentialList } from '../src/credentials/authority.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { enableFastBackend } from '../src/crypto/backend-sodium.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { checkMeetingRecord } from '../src/meeting/verify.js';
import { recordText } from '../test/helpers/server.js';
import type { Manifest } from '../src/manifest/types.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const MEMBERS = Number(arg('members', '500'));
const CONCURRENCY = Number(arg('concurrency', '64'));
const SECRET = Number(arg('secret', '100'));

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!; };

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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'veche-bench-meeting-'));
  const board = new SqliteStore(join(dir, 'veche.sqlite'));
  const meetings = new SqliteMeetingStore(join(dir, 'veche.sqlite'));
  const server = await startServer(board, { meetingStore: meetings });
  try {
    const { base, adminToken } = server;
    const f = makeBody(Array.from({ length: MEMBERS }, () => 1), { quorum: { of: 'members', share: { num: 1, den: 2 } } }, 'assembly');
    const must = async (r: Promise<{ status: number; text: string }>) => { const x = await r; if (x.status !== 200) throw new Error(`${x.status} ${x.text}`); return x; };
    await must(call(base, 'POST', '/api/bodies', { token: adminToken, json: f.body }));
    const hash: string = JSON.parse((await must(call(base, 'POST', '/api/meetings', { token: adminToken, json: { id: 'congress', title: 'Congress', body: 'assembly', chair: 'm1', secretaries: ['sec'] } }))).text).meetingHash;
    const post = (path: string, type: Parameters<typeof signAs>[2], payload: any) => call(base, 'POST', `/api/meetings/congress/${path}`, { json: signAs(f, hash, type, payload) });
    await must(post('open', 'meeting-opened', { by: 'm1' }));
    const ids = f.body.members.map((m) => m.id);
    const t0 = performance.now();
    await pool(ids.map((m) => async () => { await must(post('check-in', 'member-present', { member: m, by: m })); }), CONCURRENCY);
    const checkIn = performance.now() - t0;
    await must(post('motions', 'motion-put', { motion: 'm', title: 'The motion', text: 'That the congress resolves so.', majority: 'simple', mode: 'named', by: 'm1' }));
    const roll = (await call(base, 'GET', '/api/meetings/congress')).body.roll;
    await must(post('motions/m/open', 'vote-opened', { motion: 'm', text: 'That the congress resolves so.', ...roll, seconds: 0, by: 'm1' }));

    // The baseline, in the same run: a GET of the meeting's view.
    const baseline = await pool(Array.from({ length: 200 }, () => async () => { await must(call(base, 'GET', '/api/meetings/congress')); }), CONCURRENCY);
    // Signing is the member's phone's work, done before the request (not timed).
    const signed = ids.map((m, i) => signAs(f, hash, 'named-vote', { motion: 'm', votes: [{ member: m, for: i % 3 === 0 ? 0 : 1, against: i % 3 === 0 ? 1 : 0, abstain: 0 }], by: m }));
    let accepted = 0;
    const tv = performance.now();
    const casting = await pool(signed.map((payload) => async () => {
      const r = await call(base, 'POST', '/api/meetings/congress/motions/m/votes', { json: payload });
      if (r.status === 200) accepted++;
    }), CONCURRENCY);
    const voting = performance.now() - tv;

    const screen = projector(base, '/api/meetings/congress/events', 'motion-result');
    await new Promise((r) => setTimeout(r, 200)); // the projector has caught up with the stream
    const closeAt = performance.now();
    await must(post('motions/m/close', 'vote-closed', { motion: 'm', by: 'm1' }));
    const { at, data } = await screen.arrived;
    screen.stop();
    const counted = data.payload.counts.for + data.payload.counts.against + data.payload.counts.abstain;
    const lost = accepted - counted;

    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`meeting bench: ${MEMBERS} members on loopback, ${CONCURRENCY} requests in flight, SQLite`);
    console.log(`  check-in of all members          ${ms(checkIn)} (${(MEMBERS / (checkIn / 1000)).toFixed(0)}/s)`);
    console.log(`  baseline GET view                p50 ${ms(pct(baseline, 50))}  p99 ${ms(pct(baseline, 99))}`);
    console.log(`  casting a named vote             p50 ${ms(pct(casting, 50))}  p99 ${ms(pct(casting, 99))}  (${(pct(casting, 50) / pct(baseline, 50)).toFixed(2)}x / ${(pct(casting, 99) / pct(baseline, 99)).toFixed(2)}x the baseline)`);
    console.log(`  all votes in                     ${ms(voting)} (${(MEMBERS / (voting / 1000)).toFixed(0)} votes/s)`);
    console.log(`  close to result on the projector ${ms(at - closeAt)}`);
    console.log(`  votes accepted ${accepted}, counted ${counted} (${data.payload.outcome}), lost ${lost}`);
    if (lost !== 0 || accepted !== MEMBERS) process.exitCode = 1;
    if (SECRET > 0) await secretVote(base, adminToken);
  } finally {
    await server.close();
    await meetings.close();
    await board.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A secret vote with SECRET members, timed per phase. */
async function secretVote(base: string, adminToken: string): Promise<void> {
  await enableFastBackend();
  const f = makeBody(Array.from({ length: SECRET }, () => 1), {}, 'council');
  const must = async (r: Promise<{ status: number; text: string }>) => { const x = await r; if (x.status !== 200) throw new Error(`${x.status} ${x.text}`); return JSON.parse(x.text); };
  await must(call(base, 'POST', '/api/bodies', { token: adminToken, json: f.body }));
  const tellers = ['sec', 'm2', 'm3'];
  const hash: string = (await must(call(base, 'POST', '/api/meetings', { token: adminToken, json: { id: 'council', title: 'Council', body: 'council', chair: 'm1', secretaries: [], tellers, threshold: 2 } }))).meetingHash;
  const post = (path: string, type: Parameters<typeof signAs>[2], payload: any) => must(call(base, 'POST', `/api/meetings/council/${path}`, { json: signAs(f, hash, type, payload) }));
  const ids = f.body.members.map((m) => m.id);
  await post('open', 'meeting-opened', { by: 'm1' });
  await pool(ids.map((m) => async () => { await post('check-in', 'member-present', { member: m, by: m }); }), CONCURRENCY);
  const text = 'That the council adopts the budget.';
  const phase: [string, number][] = [];
  let t = performance.now();
  const lap = (name: string) => { const now = performance.now(); phase.push([name, now - t]); t = now; };
  await post('motions', 'motion-put', { motion: 'budget', title: 'Budget', text, majority: 'simple', mode: 'secret', by: 'm1' });
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
  await post('motions/budget/open', 'vote-opened', { motion: 'budget', text, ...roll, seconds: 0, by: 'm1' });
  const credentials = new Map(ids.map((m) => [m, newCredential()]));
  const registering = await pool(ids.map((m) => async () => { await post('motions/budget/credentials', 'credential-registered', { motion: 'budget', member: m, credential: credentialKeys(electionHash, credentials.get(m)!).key, by: m }); }), CONCURRENCY);
  lap('credentials registered');
  const list = ids.map((m) => ({ key: credentialKeys(electionHash, credentials.get(m)!).key, weight: 1 })).sort((a, b) => (a.key < b.key ? -1 : 1));
  await must(call(base, 'POST', '/api/meetings/council/motions/budget/credential-list', { json: signCredentialList(electionHash, list, f.people.get('m1')!.keys) }));
  lap('the chair\'s list, poll open');
  const jointKey = decodePublicKey((await must(call(base, 'GET', '/api/elections/council-budget'))).jointKey);
  // Encrypting is each member's phone's work (not timed); casting is timed.
  const ballots = ids.map((m, i) => encryptBallot(electionHash, jointKey, selectionGroups(manifest), encodeChoices(manifest, { motion: { type: 'motion', vote: i % 3 === 0 ? 'against' : 'for' } }), credentialKeys(electionHash, credentials.get(m)!)).ballot);
  t = performance.now();
  const casting = await pool(ballots.map((b) => async () => { await must(call(base, 'POST', '/api/elections/council-budget/ballots', { json: b })); }), CONCURRENCY);
  lap('ballots cast');
  await post('motions/budget/close', 'vote-closed', { motion: 'budget', by: 'm1' });
  lap('close: poll closed and tallied');
  const [tally] = await events('tally');
  for (const id of ['sec', 'm2']) await teller(id, 'decryption', makeDecryptionShare(secrets.get(id)!, tally.payload.sums));
  const result = (await must(call(base, 'POST', '/api/meetings/council/motions/budget/result'))).result;
  lap('two tellers decrypt, result');
  await post('close', 'meeting-closed', { by: 'm1' });
  const meetingLines = (await call(base, 'GET', '/api/meetings/council/record')).text.split('\n').filter(Boolean);
  const electionLines = (await recordText(base, 'council-budget')).split('\n').filter(Boolean);
  t = performance.now();
  const v = await checkMeetingRecord(meetingLines, { elections: async (id) => (id === 'council-budget' ? electionLines : null) });
  lap('meeting verifier (with the election record)');
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`secret vote: ${SECRET} members, 3 tellers (2 decrypt)`);
  for (const [name, x] of phase) console.log(`  ${name.padEnd(44)} ${ms(x)}`);
  console.log(`  registering a credential                     p50 ${ms(pct(registering, 50))}  p99 ${ms(pct(registering, 99))}`);
  console.log(`  casting an encrypted ballot                  p50 ${ms(pct(casting, 50))}  p99 ${ms(pct(casting, 99))}`);
  const counted = result.counts.for + result.counts.against + result.counts.abstain;
  console.log(`  counted ${counted} of ${SECRET} (${result.outcome}), lost ${SECRET - counted}; records ${v.report.ok ? 'VERIFIED' : 'NOT VERIFIED'}`);
  if (counted !== SECRET || !v.report.ok) process.exitCode = 1;
}

await main();
