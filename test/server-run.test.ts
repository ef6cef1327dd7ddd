// Starting the server as `npm start` does: the first start makes the demo election (open poll, 20
// voters, links printed, trustee secrets and credentials in the data directory) and the admin token;
// a voter from the printed list and the demo trustees' files take it to a verified result; a restart
// keeps the token and makes no second demo; SIGTERM stops the process cleanly.
import { testDemoManifest } from './helpers/election.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { verifyReceipt } from '../src/board/receipt.js';
import { openStore } from '../src/board/open-store.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import type { TrusteeSecret } from '../src/keyceremony/trustee.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';

import type { Choices } from '../src/manifest/types.js';
import type { PayloadByType } from '../src/record/events.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { runServer, type RunOptions } from '../src/server/run.js';
import { call, ok, recordEvents } from './helpers/server.js';

test('server: first start makes the demo election; a restart keeps it and the admin token', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'veche-run-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const opts: RunOptions = { port: 0, host: '127.0.0.1', dataDir, rateLimit: 0, demo: true, webDir: null };
  const printed: string[] = [];
  const first = await runServer(opts, (l) => printed.push(l));
  let closed = false;
  t.after(async () => { if (!closed) await first.close(); });
  const text = printed.join('\n');
  const base = first.url;
  assert.match(text, new RegExp(`veche is running at ${base}/`));
  const adminToken = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  // The token is never printed (a console ends up in logs): its file is named, readable by its owner only.
  assert.ok(!text.includes(adminToken), 'the admin token is not printed');
  assert.ok(text.includes(join(dataDir, 'admin-token')), 'the token file is named');
  assert.equal(statSync(join(dataDir, 'admin-token')).mode & 0o777, 0o600);
  assert.match(text, /DEMO SHORTCUT/);
  const voteLinks = [...text.matchAll(/\/vote\/demo#credential=([0-9A-Z-]+)/g)].map((m) => m[1]!);
  assert.equal(voteLinks.length, 3);
  const trusteeTokens = Object.fromEntries([...text.matchAll(/\/trustee\/demo\/(t\d)#token=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  assert.deepEqual(Object.keys(trusteeTokens), ['t1', 't2', 't3']);
  assert.ok(text.includes(`${base}/board/demo`) && text.includes(`${base}/results/demo`) && text.includes(`${base}/admin/`));

  const csv = readFileSync(join(dataDir, 'demo-credentials.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'voter,credential,weight');
  assert.equal(csv.length, 21);
  assert.equal(readFileSync(join(dataDir, 'demo-links.txt'), 'utf8').match(/\/vote\/demo#credential=/g)?.length, 20);
  const info = await ok(base, 'GET', '/api/elections/demo');
  assert.equal(info.phase, 'open');
  assert.equal(info.eligible, 20);

  // A voter from a printed link votes; the demo trustees decrypt from their secret files with their tokens.
  const manifest = testDemoManifest();
  const groups = selectionGroups(manifest);
  const choices: Choices = { chair: { type: 'choice', candidate: 'petrova' }, projects: { type: 'approval', options: ['garden'] }, 'officers-review': { type: 'verdict', verdicts: { treasurer: 'encouragement', secretary: 'punishment', maintenance: 'no-consequences' } }, 'fee-increase': { type: 'motion', vote: 'for' } };
  const enc = encryptBallot(info.electionHash, decodePublicKey(info.jointKey), groups, encodeChoices(manifest, choices), credentialKeys(info.electionHash, voteLinks[0]!));
  const { receipt } = await ok(base, 'POST', '/api/elections/demo/ballots', { json: enc.ballot });
  assert.ok(verifyReceipt(receipt, info.boardKey));
  await ok(base, 'POST', '/api/elections/demo/close', { token: adminToken });
  await ok(base, 'POST', '/api/elections/demo/tally', { token: adminToken });
  const [tally] = await recordEvents(base, 'demo', 'tally');
  for (const id of ['t2', 't3']) {
    const secret = JSON.parse(readFileSync(join(dataDir, 'demo-trustees', `${id}.json`), 'utf8')) as TrusteeSecret;
    assert.equal(statSync(join(dataDir, 'demo-trustees', `${id}.json`)).mode & 0o777, 0o600);
    await ok(base, 'POST', `/api/elections/demo/trustees/${id}/decryption`, { token: trusteeTokens[id], json: makeDecryptionShare(secret, (tally!.payload as PayloadByType['tally']).sums) });
  }
  const { result } = await ok(base, 'POST', '/api/elections/demo/result', { token: adminToken });
  assert.deepEqual(result.counts, encodeChoices(manifest, choices));
  await first.close();
  closed = true;

  const again: string[] = [];
  const second = await runServer(opts, (l) => again.push(l));
  t.after(() => second.close());
  assert.equal(second.demo, null, 'no second demo');
  assert.ok(!again.join('\n').includes(adminToken), 'nor printed on a second start');
  assert.ok(again.join('\n').includes(join(dataDir, 'admin-token')));
  assert.match(again.join('\n'), /demo election links: .*demo-links\.txt/);
  const list = await ok(second.url, 'GET', '/api/elections');
  assert.deepEqual(list.map((e: { id: string; phase: string }) => [e.id, e.phase]), [['demo', 'decrypted']]);
  const r = await call(second.url, 'GET', '/api/elections/demo/result');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.result.counts, result.counts);
});

test('server: npm start entry point starts from the environment and stops on SIGTERM', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'veche-main-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const main = fileURLToPath(new URL('../src/server/main.js', import.meta.url));
  const child = spawn(process.execPath, [main], { env: { ...process.env, VECHE_PORT: '0', VECHE_DATA_DIR: dataDir, VECHE_DEMO: '0', VECHE_RATE_LIMIT: '100' }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /veche is running at (http:\/\/\S+?)\/\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}${err}`)));
  });
  assert.deepEqual(await ok(base, 'GET', '/api/elections'), []);
  const limited = await call(base, 'GET', '/api/elections');
  assert.equal(limited.headers.get('x-ratelimit-limit'), '100');
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exit, 0, err);
  assert.match(out, /stopped/);
});

test('server: openStore refuses an unknown database URL', async () => {
  await assert.rejects(openStore('mysql://user:secret@host/db', '/tmp'), (e: Error) => /unsupported database URL/.test(e.message) && !e.message.includes('secret'));
});
