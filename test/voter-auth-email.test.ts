// Voter sign-in by one-time e-mail link (spec §6.3) against a real server, a real SMTP server on
// loopback (smtp-server, each mail parsed with mailparser) and real SQLite and PostgreSQL stores: a
// voter asks for a link, follows it from the mail and votes; what the credential authority, another
// voter and a link thief could try is refused and appends nothing; elections without the field are as before.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { PostgresStore } from '../src/board/postgres-store.js';
import type { BoardStore } from '../src/board/store.js';
import { smtpTransport } from '../src/credentials/mail.js';
import { validateManifest, ManifestError } from '../src/manifest/validate.js';
import { SqliteVoterAuthStore } from '../src/server/voter-auth/sqlite-store.js';
import { PostgresVoterAuthStore } from '../src/server/voter-auth/postgres-store.js';
import type { VoterAuthStore } from '../src/server/voter-auth/store.js';
import { LINK_MINUTES, VOTER_SESSION_HOURS } from '../src/server/voter-auth/voter-auth.js';
import { ballotFor, openElection, tinyManifest, type OpenElection } from './helpers/election-fixture.js';
import { signAnswers } from './helpers/ballot-forge.js';
import { freshDatabase } from './helpers/postgres.js';
import { call, startServer, type TestServer } from './helpers/server.js';
import { startSmtp, type TestSmtp } from './credentials-fixture.js';

interface Stores { board: BoardStore; voters: VoterAuthStore; dispose(): Promise<void> }
const factories: { name: string; make(label: string): Promise<Stores | null> }[] = [
  {
    name: 'sqlite',
    async make(label) {
      const dir = mkdtempSync(join(tmpdir(), `veche-${label}-`));
      const board = new SqliteStore(join(dir, 'veche.sqlite'));
      const voters = new SqliteVoterAuthStore(join(dir, 'veche.sqlite'));
      return { board, voters, async dispose() { await voters.close(); await board.close(); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres',
    async make(label) {
      const db = await freshDatabase(label);
      if (!db) return null;
      const board = await PostgresStore.connect(db.url);
      const voters = await PostgresVoterAuthStore.connect(db.url);
      return { board, voters, async dispose() { await voters.close(); await board.close(); await db.drop(); } };
    },
  },
];

const EMAIL = (i: number) => `Voter${i}@Example.org`;
const REGISTER = 'voter,email\nvoter-0,voter0@example.org\nvoter-1,voter1@example.org\nvoter-2,voter2@example.org\nvoter-3,voter3@example.org\n';

test('manifest: voterAuthentication is email-link or oidc with an https issuer; anything else is refused by path', () => {
  const base = tinyManifest('va-manifest');
  assert.deepEqual(validateManifest({ ...base, voterAuthentication: { method: 'email-link' } }).voterAuthentication, { method: 'email-link' });
  assert.deepEqual(validateManifest({ ...base, voterAuthentication: { method: 'oidc', issuer: 'https://id.example.org' } }).voterAuthentication, { method: 'oidc', issuer: 'https://id.example.org' });
  assert.equal(validateManifest(base).voterAuthentication, undefined);
  const refused = (v: unknown, why: RegExp) => assert.throws(() => validateManifest({ ...base, voterAuthentication: v }), (e: unknown) => e instanceof ManifestError && e.errors.some((x) => why.test(x)));
  refused({ method: 'password' }, /^voterAuthentication\.method: expected "email-link" or "oidc"/);
  refused({ method: 'email-link', issuer: 'https://id.example.org' }, /^voterAuthentication\.issuer: unknown field/);
  refused({ method: 'oidc' }, /^voterAuthentication\.issuer: required field is missing/);
  refused({ method: 'oidc', issuer: 'http://id.example.org' }, /^voterAuthentication\.issuer: expected an https:\/\//);
  refused({ method: 'oidc', issuer: 'https://id.example.org/?x=1' }, /^voterAuthentication\.issuer: expected an https:\/\//);
  refused('email-link', /^voterAuthentication: expected an object/);
});

for (const f of factories) {
  describe(`voter sign-in by e-mail link (${f.name})`, () => {
    let stores: Stores | null;
    let smtp: TestSmtp;
    let server: TestServer;
    let el: OpenElection;
    let plain: OpenElection;
    let mailer: ReturnType<typeof smtpTransport>;
    let clockOffset = 0;
    const id = `va-${f.name}`;
    const head = async (e = id) => (await call(server.base, 'GET', `/api/elections/${e}`)).body.headSeq as number;
    const cast = (ballot: unknown, cookie?: string, e = id) => fetch(`${server.base}/api/elections/${e}/ballots`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(ballot) }).then(async (r) => ({ status: r.status, body: await r.json() as any }));
    const askLink = (who: string) => call(server.base, 'POST', `/api/elections/${id}/voter-auth/link`, { json: { who } });
    const mailsTo = (to: string) => smtp.received.filter((m) => m.to === to);
    /** The link in the next mail to this address (after `seen` of them), as the voter would copy it. */
    const linkFor = async (to: string, seen: number): Promise<string> => {
      // The server answers before the mail is sent (its time must tell nothing): wait for it.
      for (let i = 0; i < 200 && mailsTo(to).length <= seen; i++) await new Promise((r) => setTimeout(r, 25));
      const mails = mailsTo(to);
      assert.equal(mails.length, seen + 1, `one new mail to ${to}`);
      const text = mails.at(-1)!.mail.text ?? '';
      const link = /^ {2}(http:\/\/\S+)$/m.exec(text)?.[1];
      assert.ok(link, `a link in: ${text}`);
      return link;
    };
    const open = async (link: string) => {
      const secret = new URL(link).hash.replace(/^#voter-link=/, '');
      const res = await fetch(`${server.base}/api/elections/${id}/voter-auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ link: secret }) });
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      return { status: res.status, body: await res.json() as any, cookie, setCookie: res.headers.get('set-cookie') ?? '' };
    };
    const signIn = async (i: number) => {
      const seen = mailsTo(`voter${i}@example.org`).length;
      assert.equal((await askLink(EMAIL(i))).status, 202);
      const o = await open(await linkFor(`voter${i}@example.org`, seen));
      assert.equal(o.status, 200, JSON.stringify(o.body));
      return o.cookie;
    };

    before(async () => {
      stores = await f.make(id);
      if (!stores) return;
      smtp = await startSmtp();
      el = await openElection(stores.board, { voters: 6, manifest: { ...tinyManifest(id), voterAuthentication: { method: 'email-link' } } });
      plain = await openElection(stores.board, { voters: 1, manifest: tinyManifest(`${id}-plain`) });
      mailer = smtpTransport(smtp.url);
      server = await startServer(stores.board, { voterAuth: { store: stores.voters, mailer, now: () => Date.now() + clockOffset } });
    });
    after(async () => {
      if (!stores) return;
      await server.close();
      mailer.close(); // its pooled connection, else the SMTP server waits for it to time out
      await smtp.close();
      await stores.dispose();
    });
    const skip = () => stores === null;

    test('the register: only the admin uploads it, and only ids and addresses (a credential column is refused, nothing changed)', async (t) => {
      if (skip()) return t.skip('PostgreSQL is not available here');
      const path = `/api/elections/${id}/voter-register`;
      assert.equal((await call(server.base, 'PUT', path, { json: { csv: REGISTER } })).status, 401);
      // A stranger is refused before the body is read: a malformed body gets 401 too, not 400.
      assert.equal((await call(server.base, 'PUT', path, { raw: '{"csv": ' })).status, 401);
      const withCredential = `voter-0,voter0@example.org,${el.voters[0]!.credential}\n`;
      const bad = await call(server.base, 'PUT', path, { token: server.adminToken, json: { csv: withCredential } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error, 'bad-register');
      assert.match(bad.body.message, /line 1: expected "voter,email" \(two columns, no credential\)/);
      const smuggled = await call(server.base, 'PUT', path, { token: server.adminToken, json: { csv: 'voter-0,"voter0@example.org\r\nBcc: x@example.org"' } });
      assert.equal(smuggled.status, 400);
      assert.equal((await call(server.base, 'GET', path, { token: server.adminToken })).body.voters, 0);
      const done = await call(server.base, 'PUT', path, { token: server.adminToken, json: { csv: REGISTER } });
      assert.equal(done.status, 200, done.text);
      assert.equal(done.body.voters, 4);
      // An election without sign-in has no register.
      assert.equal((await call(server.base, 'PUT', `/api/elections/${id}-plain/voter-register`, { token: server.adminToken, json: { csv: REGISTER } })).status, 409);
    });

    test('a voter asks for a link, follows it from the mail and votes; the same answer for an address in no register, and no mail', async (t) => {
      if (skip()) return t.skip('PostgreSQL is not available here');
      const before = smtp.received.length;
      const known = await askLink(EMAIL(0));
      const unknown = await askLink('nobody@example.org');
      assert.equal(known.status, 202);
      assert.deepEqual([unknown.status, unknown.body], [known.status, known.body]);
      const link = await linkFor('voter0@example.org', 0);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(smtp.received.length, before + 1, 'one mail, to the voter in the register');
      assert.match(link, new RegExp(`/vote/${id}#voter-link=[A-Za-z0-9_-]{43}$`));
      const o = await open(link);
      assert.equal(o.status, 200);
      assert.equal(o.body.voter, 'voter-0');
      assert.match(o.setCookie, /HttpOnly/);
      assert.match(o.setCookie, /SameSite=Strict/);
      assert.match(o.setCookie, new RegExp(`Path=/api/elections/${id}`));
      const who = await fetch(`${server.base}/api/elections/${id}/voter-auth/session`, { headers: { cookie: o.cookie } }).then((r) => r.json() as Promise<any>);
      assert.equal(who.voter, 'voter-0');
      const h = await head();
      const r = await cast(ballotFor(el, el.voters[0]!, 0).ballot, o.cookie);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(await head(), h + 1);
      // The same voter may vote again with the same credential (the later ballot counts, spec §10).
      assert.equal((await cast(ballotFor(el, el.voters[0]!, 1).ballot, o.cookie)).status, 200);
      // The link worked once: replayed, it is refused and opens no session.
      const again = await open(link);
      assert.equal(again.status, 401);
      assert.equal(again.body.error, 'bad-link');
      assert.equal(again.setCookie, '');
    });

    test('attack: the credential authority votes with a voter\'s credential without signing in: refused, nothing appended', async (t) => {
      if (skip()) return t.skip('PostgreSQL is not available here');
      const h = await head();
      const r = await cast(ballotFor(el, el.voters[1]!, 0).ballot);
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'voter-sign-in-required');
      // A made-up cookie is no session either.
      const forged = await cast(ballotFor(el, el.voters[1]!, 0).ballot, `veche_voter=${'A'.repeat(43)}`);
      assert.equal(forged.body.error, 'voter-sign-in-required');
      assert.equal(await head(), h);
    });

    test('attack: a signed-in voter votes with another voter\'s credential after that voter voted, and a voter switches credential: refused, nothing appended', async (t) => {
      if (skip()) return t.skip('PostgreSQL is not available here');
      const b = await signIn(1);
      assert.equal((await cast(ballotFor(el, el.voters[1]!, 0).ballot, b)).status, 200);
      const h = await head();
      // voter-2 holds voter-1's credential (given by the authority, say): bound to voter-1, refused.
      const c = await signIn(2);
      const stolen = await cast(ballotFor(el, el.voters[1]!, 1).ballot, c);
      assert.equal(stolen.status, 403);
      assert.equal(stolen.body.error, 'credential-bound-to-other-voter');
      // voter-0 voted with its own credential; it cannot vote with voter-2's unused one as well.
      const a = await signIn(0);
      const switched = await cast(ballotFor(el, el.voters[2]!, 0).ballot, a);
      assert.equal(switched.status, 403);
      assert.equal(switched.body.error, 'voter-bound-to-other-credential');
      assert.equal(await head(), h);
      // A ballot whose signature is not its credential's (made by someone without it) binds nothing either.
      // voter-2 signs, with its own key, a ballot that names the unused credential of voter-3.
      const unused = ballotFor(el, el.voters[3]!, 0).ballot;
      const bad = await cast(signAnswers(el.electionHash, el.voters[2]!.keys, unused.answers, unused.credential), c);
      assert.equal(bad.status, 422);
      assert.equal(bad.body.error, 'bad-signature');
      assert.equal(await head(), h);
      // voter-2's own credential still votes for voter-2: the refusals bound nothing.
      assert.equal((await cast(ballotFor(el, el.voters[2]!, 0).ballot, c)).status, 200);
      assert.equal((await call(server.base, 'GET', `/api/elections/${id}/voter-register`, { token: server.adminToken })).body.bound, 3);
      // A session of one election is none in another (the cookie is the same text, sent there by hand).
      assert.equal((await cast(ballotFor(plain, plain.voters[0]!, 0).ballot, c, `${id}-plain`)).status, 200, 'the plain election needs no session at all');
    });

    test('attack: an expired link is refused, also after the clock is back', async (t) => {
      if (skip()) return t.skip('PostgreSQL is not available here');
      const seen = mailsTo('voter2@example.org').length;
      assert.equal((await askLink('voter-2')).status, 202, 'a voter id works as well as the address');
      const link = await linkFor('voter2@example.org', seen);
      clockOffset = (LINK_MINUTES * 60 + 1) * 1000;
      try {
        const late = await open(link);
        assert.equal(late.status, 401);
        assert.equal(late.body.error, 'bad-link');
      } finally { clockOffset = 0; }
      // And the expired link is gone: back in time, it still opens nothing.
      assert.equal((await open(link)).status, 401);
    });

    test('link requests are limited per voter, with the same answer for an address in no register', async (t) => {
      if (skip()) return t.skip('PostgreSQL is not available here');
      // voter-1 asked for one link already (signIn above); the limit is 3 per quarter hour.
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await askLink('voter1@example.org')).status);
      assert.deepEqual(statuses, [202, 202, 429]);
      const unknown = [];
      for (let i = 0; i < 4; i++) unknown.push((await askLink('someone-else@example.org')).status);
      assert.deepEqual(unknown, [202, 202, 202, 429]);
    });

    test('attack: one voter sends ballots with two credentials at once: exactly one is taken; a session ends after its hours and at sign-out', async (t) => {
      if (skip()) return t.skip('PostgreSQL is not available here');
      const d = await signIn(3);
      const h = await head();
      const both = await Promise.all([cast(ballotFor(el, el.voters[4]!, 0).ballot, d), cast(ballotFor(el, el.voters[5]!, 0).ballot, d)]);
      assert.deepEqual(both.map((r) => r.status).sort(), [200, 403], JSON.stringify(both.map((r) => r.body)));
      assert.equal(both.find((r) => r.status === 403)!.body.error, 'voter-bound-to-other-credential');
      assert.equal(await head(), h + 1);
      const won = both[0]!.status === 200 ? 4 : 5;
      clockOffset = (VOTER_SESSION_HOURS * 3600 + 1) * 1000;
      try {
        const late = await cast(ballotFor(el, el.voters[won]!, 1).ballot, d);
        assert.equal(late.status, 401);
        assert.equal(late.body.error, 'voter-sign-in-required');
      } finally { clockOffset = 0; }
      assert.equal((await cast(ballotFor(el, el.voters[won]!, 1).ballot, d)).status, 200, 'within its hours the session works');
      const out = await fetch(`${server.base}/api/elections/${id}/voter-auth/sign-out`, { method: 'POST', headers: { cookie: d } });
      assert.equal(out.status, 200);
      assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
      const after = await cast(ballotFor(el, el.voters[won]!, 0).ballot, d);
      assert.equal(after.status, 401, 'the old cookie opens nothing after sign-out');
      assert.equal(await head(), h + 2);
    });

    test('an election without voterAuthentication takes ballots as before, and has no sign-in', async (t) => {
      if (skip()) return t.skip('PostgreSQL is not available here');
      const r = await call(server.base, 'POST', `/api/elections/${id}-plain/voter-auth/link`, { json: { who: 'voter0@example.org' } });
      assert.equal(r.status, 409);
      assert.equal(r.body.error, 'no-voter-sign-in');
      const h = await head(`${id}-plain`);
      assert.equal((await cast(ballotFor(plain, plain.voters[0]!, 1).ballot, undefined, `${id}-plain`)).status, 200);
      assert.equal(await head(`${id}-plain`), h + 1);
    });
  });
}

test('a server without voter sign-in refuses the ballots of an election that asks for it, appending nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'veche-va-none-'));
  const store = new SqliteStore(join(dir, 'veche.sqlite'));
  try {
    const el = await openElection(store, { voters: 1, manifest: { ...tinyManifest('va-none'), voterAuthentication: { method: 'email-link' } } });
    const server = await startServer(store);
    try {
      const r = await call(server.base, 'POST', '/api/elections/va-none/ballots', { json: ballotFor(el, el.voters[0]!, 0).ballot });
      assert.equal(r.status, 409);
      assert.equal(r.body.error, 'no-voter-sign-in');
      assert.equal(el.board.current.ballots, 0);
      assert.equal((await call(server.base, 'GET', '/api/elections/va-none')).body.ballots, 0);
    } finally { await server.close(); }
  } finally { await store.close(); rmSync(dir, { recursive: true, force: true }); }
});
