// Hardening of a real server process (npm start's entry point) with its request log on: a whole
// election's worth of requests, good and bad, and then no secret may appear in anything it printed —
// not the admin token, not a trustee token, not a voter's credential, not a trustee's secret — and
// hostile bodies (deep nesting, huge numbers, prototype keys) get a clear 4xx and leave it running.
// (Roles, 401/403, 413, 429 and the CSP are covered route by route in server-auth, server-input and
// server-http.)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { selectionGroups } from '../src/manifest/layout.js';
import { simpleSelections, tinyManifest } from './helpers/election-fixture.js';
import { call, ok, openElectionOverHttp, type TestServer } from './helpers/server.js';
import { ServerProcess } from './helpers/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'veche-hardening-'));
let server: ServerProcess | null = null;
after(async () => { await server?.kill(); rmSync(dir, { recursive: true, force: true }); });

test('a logging server process prints no secret, and hostile bodies get a 4xx', async (t) => {
  const adminToken = `va1.${'S3cr3tAdm1nT0k3n'.repeat(3)}`;
  server = await ServerProcess.start({ dataDir: dir, adminToken, log: true });
  const base = server.base;
  const el = await openElectionOverHttp({ base, adminToken } as TestServer, tinyManifest('logs'), 3);
  const groups = selectionGroups(tinyManifest('logs'));
  for (const [i, c] of el.credentials.entries()) {
    const { ballot } = encryptBallot(el.electionHash, decodePublicKey(el.jointKey), groups, simpleSelections(groups, i), credentialKeys(el.electionHash, c.credential));
    await ok(base, 'POST', '/api/elections/logs/ballots', { json: ballot });
  }
  // Refused calls carrying secrets: a trustee token on an admin route, the admin token on a trustee
  // route, a credential sent as a token, a wrong token.
  assert.equal((await call(base, 'POST', '/api/elections/logs/close', { token: el.trusteeTokens.t1! })).status, 403);
  assert.equal((await call(base, 'POST', '/api/elections/logs/trustees/t1/decryption', { token: adminToken, json: {} })).status, 403);
  assert.equal((await call(base, 'POST', '/api/elections/logs/close', { token: el.credentials[0]!.credential })).status, 401);
  assert.equal((await call(base, 'GET', '/api/auth', { token: `${adminToken}x` })).status, 401);

  // Hostile bodies: a clear 4xx each, and the server keeps answering.
  const hostile: [string, string, number][] = [
    ['100,000 nested arrays', '['.repeat(100_000) + ']'.repeat(100_000), 400],
    ['100,000 nested objects', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), 400],
    ['a number too large for a double', `{"election":1e400}`, 400],
    ['a __proto__ key', `{"__proto__":{"polluted":true},"election":"x","credential":"y","answers":[],"signature":{"c":"","z":""}}`, 400],
    ['a constructor.prototype key', `{"constructor":{"prototype":{"polluted":true}}}`, 400],
    ['an unterminated string', '{"election":"', 400],
    ['invalid UTF-16 escapes', '{"election":"\\ud800\\udc00\\ud800"}', 400],
  ];
  for (const [what, raw, status] of hostile) {
    const r = await call(base, 'POST', '/api/elections/logs/ballots', { raw });
    assert.equal(r.status, status, `${what}: ${r.text.slice(0, 200)}`);
    assert.equal(typeof r.body?.error, 'string', what);
  }
  const info = await ok(base, 'GET', '/api/elections/logs');
  assert.equal(info.ballots, 3);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);

  await server.kill('SIGTERM');
  const printed = server.stdout + server.stderr;
  // The log is really on: it recorded the requests.
  assert.match(printed, /"url":"\/api\/elections\/logs\/ballots"/);
  assert.match(printed, /"statusCode":403/);
  const secrets: [string, string][] = [
    ['the admin token', adminToken],
    ...Object.entries(el.trusteeTokens).map(([id, tok]): [string, string] => [`trustee ${id}'s token`, tok]),
    ...Object.entries(el.trusteeTokens).map(([id, tok]): [string, string] => [`the random part of trustee ${id}'s token`, tok.split('.').at(-1)!]),
    ...el.credentials.map((c): [string, string] => [`voter ${c.voter}'s credential`, c.credential]),
    ...el.secrets.flatMap((s) => [...s.coefficients!, s.encryptionSecret!, s.share!, s.signing.secret].map((x): [string, string] => [`a secret of trustee ${s.trustee}`, x])),
  ];
  for (const [what, secret] of secrets) assert.equal(printed.includes(secret), false, `${what} appears in the server's output`);
  assert.doesNotMatch(printed, /authorization"?\s*:\s*"?Bearer/i, 'an Authorization header was logged');
  t.diagnostic(`${printed.split('\n').length} lines of server output checked for ${secrets.length} secrets`);
});
