// `veche verify --follow URL` against a live server, as an observer runs it: it verifies each event as
// the board appends it, keeps going after the connection drops, and ends with the recount's verdict
// once the result is published. A board that shows the follower one record live and another on the
// recount's second read is caught (record.stable), and the command fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import type { Choices, Manifest } from '../src/manifest/types.js';
import type { PayloadByType } from '../src/record/events.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { smallManifest } from './helpers/election-fixture.js';
import { ok, openElectionOverHttp, recordEvents, startServer, type HttpElection, type TestServer } from './helpers/server.js';
import { vecheBin } from './helpers/cli.js';
import { startRewritingProxy } from './helpers/proxy.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `veche verify --follow URL --final` as a child process, with its output as it comes. */
function follow(url: string) {
  const child = spawn(process.execPath, [vecheBin, 'verify', '--follow', url, '--final'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { stdout: '', stderr: '', exit: new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1))), child };
  child.stdout.setEncoding('utf8').on('data', (d: string) => { run.stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { run.stderr += d; });
  return run;
}

async function until(what: string, cond: () => boolean, seconds = 60): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const choice = (chair: string, projects: string[]): Choices => ({ chair: { type: 'choice', candidate: chair }, projects: { type: 'approval', options: projects } });

async function cast(server: TestServer, manifest: Manifest, el: HttpElection, voter: number, choices: Choices): Promise<void> {
  const enc = encryptBallot(el.electionHash, decodePublicKey(el.jointKey), selectionGroups(manifest), encodeChoices(manifest, choices), credentialKeys(el.electionHash, el.credentials[voter]!.credential));
  await ok(server.base, 'POST', `/api/elections/${el.id}/ballots`, { json: enc.ballot });
}

/** Close, tally, two trustees decrypt, publish: the admin's and trustees' steps straight to the server. */
async function finish(server: TestServer, el: HttpElection): Promise<void> {
  const admin = { token: server.adminToken };
  await ok(server.base, 'POST', `/api/elections/${el.id}/close`, admin);
  await ok(server.base, 'POST', `/api/elections/${el.id}/tally`, admin);
  const [tally] = await recordEvents(server.base, el.id, 'tally');
  const sums = (tally!.payload as PayloadByType['tally']).sums;
  for (const s of [el.secrets[0]!, el.secrets[2]!]) {
    await ok(server.base, 'POST', `/api/elections/${el.id}/trustees/${s.trustee}/decryption`, { token: el.trusteeTokens[s.trustee], json: makeDecryptionShare(s, sums) });
  }
  await ok(server.base, 'POST', `/api/elections/${el.id}/result`, admin);
}

async function liveElection(t: { after(fn: () => Promise<void>): void }, id: string) {
  const dir = mkdtempSync(join(tmpdir(), 'veche-follow-'));
  const store = new SqliteStore(join(dir, 'veche.sqlite'));
  const server = await startServer(store);
  const manifest = smallManifest(id);
  const el = await openElectionOverHttp(server, manifest, 4);
  // The follower's view of the board: a proxy that can drop the connection, and rewrite what it reads.
  let rewrite: ((body: string) => string) | null = null;
  const proxy = await startRewritingProxy(server.base, () => rewrite);
  t.after(async () => { await proxy.close(); await server.close(); await store.close(); rmSync(dir, { recursive: true, force: true }); });
  return { server, manifest, el, proxy, forge: (f: (body: string) => string) => { rewrite = f; }, url: `${proxy.url}/api/elections/${id}/record` };
}

test('verify --follow: verifies a live board event by event, rides out a dropped connection, ends VERIFIED with the result', async (t) => {
  const { server, manifest, el, proxy, url } = await liveElection(t, 'follow');
  const run = follow(url);
  t.after(() => { run.child.kill('SIGKILL'); });
  await until('the open poll', () => /poll-opened/.test(run.stdout));

  await cast(server, manifest, el, 0, choice('a', ['p']));
  await cast(server, manifest, el, 1, choice('b', ['q']));
  await until('two ballots', () => (run.stdout.match(/ ballot /g) ?? []).length === 2);
  assert.match(run.stdout, /\[ok {2}\]/);

  // The connection drops: the follower says so and keeps trying; the board goes on meanwhile.
  proxy.down = true;
  await until('the retry message', () => /connection lost .*retrying/.test(run.stderr));
  await cast(server, manifest, el, 2, choice('c', ['p', 'q']));
  await cast(server, manifest, el, 1, choice('a', [])); // a re-vote: the later ballot counts
  proxy.down = false;
  await until('four ballots', () => (run.stdout.match(/ ballot /g) ?? []).length === 4);

  await finish(server, el);
  const code = await run.exit;
  assert.equal(code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /VERIFIED: every check holds/);
  assert.doesNotMatch(run.stdout, /FAIL/);
  // Each event once, in order: no line lost or repeated across the dropped connection.
  const seqs = [...run.stdout.matchAll(/^\[ok {2}\] +(\d+) /gm)].map((m) => Number(m[1]));
  assert.deepEqual(seqs, seqs.map((_, i) => i));
  const events = await recordEvents(server.base, el.id);
  assert.equal(seqs.length, events.length);
  assert.equal(events.at(-1)!.type, 'result');
});

test('verify --follow: a board that serves the recount a different counted ballot than it showed live is caught (record.stable)', async (t) => {
  const { server, manifest, el, forge, url } = await liveElection(t, 'forked');
  let resultServed = 0;
  // After the follower has seen the result once, every later answer swaps the first counted ballot's
  // line for the second's: each line is a genuine event, but not the one that was verified there.
  forge((body) => {
    if (!/"type":"result"/.test(body)) return body;
    if (resultServed++ === 0) return body;
    const lines = body.split('\n');
    const ballots = lines.map((l, i) => (/"type":"ballot"/.test(l) ? i : -1)).filter((i) => i >= 0);
    lines[ballots[0]!] = lines[ballots[1]!]!;
    return lines.join('\n');
  });
  const run = follow(url);
  t.after(() => { run.child.kill('SIGKILL'); });
  await until('the open poll', () => /poll-opened/.test(run.stdout));
  await cast(server, manifest, el, 0, choice('a', ['p']));
  await cast(server, manifest, el, 1, choice('b', ['q']));
  await cast(server, manifest, el, 2, choice('b', ['r']));
  await until('three ballots', () => (run.stdout.match(/ ballot /g) ?? []).length === 3);
  await finish(server, el);
  const code = await run.exit;
  assert.equal(code, 1, run.stdout + run.stderr);
  assert.ok(resultServed >= 2, 'the recount read the record a second time');
  assert.match(run.stdout, /FAIL record\.stable/);
  assert.match(run.stdout, /NOT VERIFIED/);
});
