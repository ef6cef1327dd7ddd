// docs/api.md stays true and complete: the real app is built with every optional part switched on
// (accounts, voter sign-in, server mail and authority, meetings, forum, built pages) and every route it serves
// must be documented there, and every route documented there must be served. The convention (stated at
// the top of docs/api.md): a route is documented by a heading or table row holding `METHOD /path` in
// backticks, with the path exactly as registered (`:id` parameters, `/*` for the static files).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { SqliteMeetingStore } from '../src/meeting/store.js';
import { SqliteForumStore } from '../src/forum/store.js';
import { buildApp } from '../src/server/app.js';
import { SqliteAccountStore } from '../src/server/accounts/sqlite-store.js';
import { MIN_SCRYPT_N } from '../src/server/accounts/passwords.js';
import { SqliteServerMailStore } from '../src/server/mail/sqlite-store.js';
import { SqliteVoterAuthStore } from '../src/server/voter-auth/sqlite-store.js';

const DOC = fileURLToPath(new URL('../../docs/api.md', import.meta.url));
const METHODS = 'GET|POST|PUT|DELETE|PATCH|OPTIONS';

/** The routes docs/api.md documents: `METHOD /path` in backticks on a heading or table-row line. */
export function documentedRoutes(markdown: string): Set<string> {
  const found = new Set<string>();
  const pattern = new RegExp('`(' + METHODS + ') (/[^`\\s]*)`', 'g');
  for (const line of markdown.split('\n')) {
    if (!/^\s*(#|\|)/.test(line)) continue;
    for (const m of line.matchAll(pattern)) found.add(`${m[1]} ${m[2]}`);
  }
  return found;
}

test('the convention: only headings and table rows document, and only a backticked method and path', () => {
  const md = [
    '## `GET /api/elections`', '| `POST /api/elections/:id/ballots` | voter |',
    'In prose `DELETE /api/x` is a mention, not documentation.', '    curl `PUT /api/y`', '| GET /api/z | no backticks |',
  ].join('\n');
  assert.deepEqual([...documentedRoutes(md)].sort(), ['GET /api/elections', 'POST /api/elections/:id/ballots']);
});

test('docs/api.md documents every route the server serves, and no route it does not serve', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'veche-api-docs-'));
  const file = join(dir, 'veche.sqlite');
  const board = new SqliteStore(file);
  const accounts = new SqliteAccountStore(file);
  const voters = new SqliteVoterAuthStore(file);
  const mail = new SqliteServerMailStore(file);
  const meetings = new SqliteMeetingStore(file);
  const forum = new SqliteForumStore(file);
  const publicUrl = 'http://127.0.0.1:8080';
  try {
    // No mail is sent here: a null transport is the server without VECHE_SMTP_URL, with every route still served.
    const { app, routes } = await buildApp(board, {
      rateLimit: 0, scheduleIntervalMs: 0, webDir: dir,
      accounts: { store: accounts, publicUrl, scryptN: MIN_SCRYPT_N, oidc: null },
      voterAuth: { store: voters, publicUrl, mailer: null },
      serverMail: { store: mail, transport: null, publicUrl, log: () => {} },
      meetingStore: meetings, forumStore: forum, forumDigestIntervalMs: 0,
    });
    await app.close();
    const served = new Set(routes.map((r) => `${r.method} ${r.url}`));
    if (process.env.VECHE_PRINT_ROUTES) process.stdout.write([...served].sort().join('\n') + '\n');
    // The collector is live: the routes of each optional part are among them.
    for (const r of ['GET /api/elections', 'GET /api/session', 'PUT /api/elections/:id/voter-register', 'GET /api/elections/:id/server-authority/voters', 'POST /api/bodies', 'GET /api/bodies/:id/forum/proposals', 'GET /vote/:id', 'GET /*']) {
      assert.ok(served.has(r), `the app does not serve ${r}: an optional part is not switched on here`);
    }
    const documented = documentedRoutes(readFileSync(DOC, 'utf8'));
    const undocumented = [...served].filter((r) => !documented.has(r)).sort();
    const unserved = [...documented].filter((r) => !served.has(r)).sort();
    assert.deepEqual({ undocumented, unserved }, { undocumented: [], unserved: [] },
      `docs/api.md is out of step with the server:\n  served but not documented:\n    ${undocumented.join('\n    ')}\n  documented but not served:\n    ${unserved.join('\n    ')}`);
  } finally {
    await forum.close(); await meetings.close(); await mail.close(); await voters.close(); await accounts.close(); await board.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
