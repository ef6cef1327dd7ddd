// The admin token (the server operator's bootstrap credential) is never printed: the first start makes
// it and prints only the path of the file it is in (mode 0600); a second start prints neither the token
// nor a new one, and the token in the file still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServer } from '../src/server/run.js';
import { call } from './helpers/server.js';
import { SqliteAccountStore } from '../src/server/accounts/sqlite-store.js';
import { checkPassword } from '../src/server/accounts/passwords.js';

test('the admin token is not printed on the first start nor on a second one', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'veche-accounts-token-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const start = async () => {
    const lines: string[] = [];
    const server = await runServer({ port: 0, host: '127.0.0.1', dataDir, rateLimit: 0, demo: false, webDir: null, scheduleIntervalMs: 60_000 }, (l) => lines.push(l));
    return { server, text: lines.join('\n') };
  };
  const first = await start();
  const file = join(dataDir, 'admin-token');
  const token = readFileSync(file, 'utf8').trim();
  assert.match(token, /^va1\.[A-Za-z0-9_-]{43}$/);
  assert.equal(statSync(file).mode & 0o777, 0o600, 'only its owner can read the file');
  assert.ok(!first.text.includes(token), 'the first start does not print the token');
  assert.ok(first.text.includes(`cat ${file}`), 'it prints where the token is');
  assert.equal((await call(first.server.url, 'GET', '/api/session', { token })).body.operator, true);
  await first.server.close();

  const second = await start();
  t.after(() => second.server.close());
  assert.ok(!second.text.includes(token), 'the second start does not print the token');
  assert.ok(!/va1\.[A-Za-z0-9_-]{43}/.test(second.text), 'nor any other token');
  assert.ok(second.text.includes(`admin token: in ${file}`));
  assert.equal(readFileSync(file, 'utf8').trim(), token, 'the token is kept');
  assert.equal((await call(second.server.url, 'POST', '/api/organisations', { token, json: { id: 'org-a', name: 'A' } })).status, 200);

  // The server as started for real hashes passwords with scrypt N = 2^17, r = 8, p = 1.
  const invited = await call(second.server.url, 'POST', '/api/organisations/org-a/members', { token, json: { email: 'ann@a.example', role: 'admin', passwordLink: true } });
  const link = /#set=(.+)$/.exec(invited.body.passwordLink as string)![1]!;
  assert.equal((await call(second.server.url, 'POST', '/api/password', { json: { link, password: 'twelve chars or more' } })).status, 200);
  const accounts = new SqliteAccountStore(join(dataDir, 'veche.sqlite'));
  const hash = (await accounts.accountByEmail('ann@a.example'))!.passwordHash!;
  await accounts.close();
  assert.match(hash, /^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  const login = await fetch(`${second.server.url}/api/login/password`, { method: 'POST', headers: { 'content-type': 'application/json', origin: second.server.url }, body: JSON.stringify({ email: 'ann@a.example', password: 'twelve chars or more' }) });
  assert.equal(login.status, 200);
  assert.equal(await checkPassword('twelve chars or more!', hash), false);
});
