// The server as the election's credential authority, and the server's own mails (spec §6.5), against
// a real server, a real SMTP server on loopback (smtp-server; every mail parsed back with mailparser)
// and real SQLite and PostgreSQL stores: every voter of the register gets a mail whose link and
// credential vote, and the record verifies; the announcement; reminders reach only those who have not
// voted, each once, also across a restart; a lost credential revoked and re-issued on the board; a
// trustee told when decryption is due. Attacks: a register smuggling a mail header, an election with
// an authority of its own, a key the server did not make, no mail server, another organisation's admin.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { PostgresStore } from '../src/board/postgres-store.js';
import type { BoardStore } from '../src/board/store.js';
import { smtpTransport } from '../src/credentials/mail.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { selectionGroups } from '../src/manifest/layout.js';
import type { Manifest } from '../src/manifest/types.js';
import { ManifestError, validateManifest } from '../src/manifest/validate.js';
import { SERVER_TEXTS, serverInvitationMail, serverReminderMail, signInMail, trusteeMail } from '../src/credentials/templates/server-render.js';
import { buildApp, type VecheApp } from '../src/server/app.js';
import { ensureAdminToken } from '../src/server/auth.js';
import { SqliteServerMailStore } from '../src/server/mail/sqlite-store.js';
import { PostgresServerMailStore } from '../src/server/mail/postgres-store.js';
import type { ServerMailStore } from '../src/server/mail/store.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { linesSource } from '../src/verify/record-check.js';
import { verifyRecord } from '../src/verify/verifier.js';
import { electionFingerprint } from '../src/verify/voter-check.js';
import { ballotFor, openElection, tinyManifest } from './helpers/election-fixture.js';
import { SqliteVoterAuthStore } from '../src/server/voter-auth/sqlite-store.js';
import { PostgresVoterAuthStore } from '../src/server/voter-auth/postgres-store.js';
import type { VoterAuthStore } from '../src/server/voter-auth/store.js';
import { freshDatabase } from './helpers/postgres.js';
import { call, ok, recordEvents, recordText } from './helpers/server.js';
import { keyCeremony, serverManifest } from './server-authority-fixture.js';
import { rolesOf } from './helpers/election.js';
import { commitTrusteeKey, revealTrusteeKey } from '../src/keyceremony/trustee.js';
import { readMail, startSmtp, type TestSmtp } from './credentials-fixture.js';
import { accountStores, startAccountsServer, TestBrowser } from './accounts-fixture.js';

interface Stores { board: BoardStore; mail: ServerMailStore; voters: VoterAuthStore; dispose(): Promise<void> }
const factories: { name: string; make(label: string): Promise<Stores | null> }[] = [
  {
    name: 'sqlite',
    async make(label) {
      const dir = mkdtempSync(join(tmpdir(), `veche-${label}-`));
      const board = new SqliteStore(join(dir, 'veche.sqlite'));
      const mail = new SqliteServerMailStore(join(dir, 'veche.sqlite'));
      const voters = new SqliteVoterAuthStore(join(dir, 'veche.sqlite'));
      return { board, mail, voters, async dispose() { await voters.close(); await mail.close(); await board.close(); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres',
    async make(label) {
      const db = await freshDatabase(label);
      if (!db) return null;
      const board = await PostgresStore.connect(db.url);
      const mail = await PostgresServerMailStore.connect(db.url);
      const voters = await PostgresVoterAuthStore.connect(db.url);
      return { board, mail, voters, async dispose() { await voters.close(); await mail.close(); await board.close(); await db.drop(); } };
    },
  },
];

const PUBLIC = 'https://vote.example.test';
const REGISTER = [
  'Name,Email,Weight,Language',
  'Alice Martin,alice@example.org,1,en',
  'Борис Петров,boris@example.org,2,ru',
  'Chloé Dubois,chloe@example.org,1,fr',
  'Dana Weiß,dana@example.org,1,de',
].join('\n') + '\n';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the server\'s mail texts: six languages, every text, the same placeholders as English; the credential mail says the server sent it', () => {
  const placeholders = (v: unknown): string[] => typeof v === 'string' ? [...v.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort() : Object.values(v as object).flatMap(placeholders);
  for (const l of ['en', 'ru', 'uk', 'de', 'fr', 'es']) {
    const t = SERVER_TEXTS[l]!;
    assert.deepEqual(Object.keys(t).sort(), Object.keys(SERVER_TEXTS.en!).sort(), l);
    for (const [k, v] of Object.entries(SERVER_TEXTS.en!)) assert.deepEqual(placeholders((t as unknown as Record<string, unknown>)[k]), placeholders(v), `${l}.${k}`);
    assert.deepEqual(Object.keys(t.trusteeSteps).sort(), ['commitment', 'decrypt', 'key', 'ready', 'shares']);
  }
  const notice = { name: 'Anna', title: 'Council', authority: 'The server', fingerprint: '1a2b 3c4d 5e6f 7a8b 9c0d', link: 'https://v.example/vote/x#credential=AAAAA-BBBBB-CCCCC-DDDDD-EEEEE', credential: 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE', weight: 1, questions: 1 };
  const mail = serverInvitationMail('en', notice);
  assert.match(mail.text, /comes from the voting server/);
  assert.doesNotMatch(mail.text, /never sees your credential/, 'not the independent authority\'s line');
  const reminder = serverReminderMail('ru', { name: 'Анна', title: 'Совет', page: 'https://v.example/vote/x', closes: new Date(Date.now() + 3 * 86_400_000).toISOString() });
  assert.match(reminder.subject, /^Напоминание: Совет/);
  assert.match(reminder.text, /закроется через 3 дня/);
  assert.doesNotMatch(reminder.text, /\{\w+\}/, 'every placeholder filled');
  assert.match(trusteeMail('de', { name: 'Ada', title: 'Rat', page: 'https://v.example/trustee/x/t1' }, 'decrypt').text, /Entschlüsseln Sie/);
  const signIn = signInMail('uk', { title: 'Рада', link: 'https://v.example/vote/x#voter-link=abc', minutes: 30 });
  assert.match(signIn.subject, /^Вхід для голосування: Рада$/);
  assert.match(signIn.text, /^ {2}https:\/\/v\.example\/vote\/x#voter-link=abc$/m, 'the link on its own line, as the booth\'s tests read it');
});

test('manifest: credentialAuthority.operatedBy is "server" or absent; anything else is refused by path', () => {
  const m = tinyManifest('sa-manifest');
  const server = { ...m, credentialAuthority: { ...m.credentialAuthority, operatedBy: 'server' } };
  assert.equal(validateManifest(server).credentialAuthority.operatedBy, 'server');
  assert.equal(validateManifest(m).credentialAuthority.operatedBy, undefined);
  for (const bad of ['admin', true, null, 'Server']) {
    assert.throws(() => validateManifest({ ...m, credentialAuthority: { ...m.credentialAuthority, operatedBy: bad } }), (e: unknown) => e instanceof ManifestError && e.errors.some((x) => /^credentialAuthority\.operatedBy: expected "server"/.test(x)));
  }
  // The server's sign-in of voters would bind them to credentials the same server made and mailed: refused.
  assert.throws(() => validateManifest({ ...server, voterAuthentication: { method: 'email-link' } }), (e: unknown) => e instanceof ManifestError && e.errors.some((x) => /^voterAuthentication: not with credentialAuthority\.operatedBy "server"/.test(x)));
  assert.ok(validateManifest({ ...m, voterAuthentication: { method: 'email-link' } }).voterAuthentication);
});

for (const f of factories) {
  describe(`the server as credential authority (${f.name})`, () => {
    let stores: Stores | null;
    let smtp: TestSmtp;
    let mailer: ReturnType<typeof smtpTransport>;
    let built: VecheApp;
    let base = '';
    let adminToken = '';
    const dataDir = mkdtempSync(join(tmpdir(), 'veche-sa-data-'));
    const start = async (transport: ReturnType<typeof smtpTransport> | null = mailer) => {
      const b = await buildApp(stores!.board, { rateLimit: 0, webDir: null, scheduleIntervalMs: 0, serverMail: { store: stores!.mail, transport, publicUrl: PUBLIC, rate: '1000/s', log: () => {} }, voterAuth: { store: stores!.voters, mailer: transport } });
      await b.app.listen({ port: 0, host: '127.0.0.1' });
      return { b, base: `http://127.0.0.1:${(b.app.server.address() as { port: number }).port}` };
    };
    const admin = () => ({ token: adminToken });
    const mailsTo = (to: string) => smtp.received.filter((m) => m.to === to);
    const waitFor = async (what: () => boolean, label: string) => {
      for (let i = 0; i < 400 && !what(); i++) await sleep(25);
      assert.ok(what(), label);
    };
    const tick = async () => { await built.mailRounds!.tick(); };
    const skip = () => stores === null;

    before(async () => {
      stores = await f.make('server-authority');
      if (!stores) return;
      smtp = await startSmtp();
      mailer = smtpTransport(smtp.url);
      adminToken = (await ensureAdminToken(stores.board, dataDir)).token!;
      ({ b: built, base } = await start());
    });
    after(async () => {
      if (!stores) return;
      await built.app.close();
      mailer.close();
      await smtp.close();
      await stores.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('every voter gets a mail whose link and credential vote; reminders only to those who have not voted, once, also across a restart; a lost credential re-issued; the trustee told; the record verifies', { timeout: 120_000 }, async (t) => {
      if (skip()) { t.skip('PostgreSQL unavailable'); return; }
      const id = `sa-${f.name}`;
      const created = await ok(base, 'POST', '/api/elections', { ...admin(), json: serverManifest(id) });
      const [genesis] = await recordEvents(base, id, 'election');
      const manifest = (genesis!.payload as { manifest: Manifest }).manifest;
      assert.equal(manifest.credentialAuthority.operatedBy, 'server', 'the record says the server is the authority');
      assert.match(manifest.credentialAuthority.signingKey, /^[A-Za-z0-9_-]{43}$/, 'the server put its key in the manifest');
      const secrets = await keyCeremony(base, id, created.trusteeTokens);

      smtp.defer.add('chloe@example.org'); // greylisted for now: her mail fails and is retried
      const issued = await ok(base, 'PUT', `/api/elections/${id}/server-authority/voters`, { ...admin(), json: { csv: REGISTER } });
      assert.deepEqual([issued.voters, issued.eligibleWeight], [4, 5]);
      const [list] = await recordEvents(base, id, 'credentials');
      assert.equal((list!.payload as { credentials: unknown[] }).credentials.length, 4, 'the signed list is on the board');
      assert.equal((await call(base, 'PUT', `/api/elections/${id}/server-authority/voters`, { ...admin(), json: { csv: REGISTER } })).body.error, 'already-issued');

      const voters = ['alice', 'boris', 'chloe', 'dana'];
      const statusOf = async () => Object.fromEntries((await ok(base, 'GET', `/api/elections/${id}/server-authority/voters`, admin())).voters.map((v: any) => [v.voter, v]));
      await waitFor(() => ['alice', 'boris', 'dana'].every((v) => mailsTo(`${v}@example.org`).length === 1), 'one credential mail to each voter');
      for (let i = 0; i < 200 && (await statusOf())['chloe@example.org'].mail !== 'failed'; i++) await sleep(25);
      const deferred = (await statusOf())['chloe@example.org'];
      assert.equal(deferred.mail, 'failed', 'a greylisted mail is failed, for now');
      assert.match(deferred.reply, /451|greylisted/);
      assert.equal(mailsTo('chloe@example.org').length, 0);
      assert.ok((await stores!.mail.voters(id)).find((v) => v.voter === 'chloe@example.org')!.credential, 'her credential is kept until it is out');
      smtp.defer.delete('chloe@example.org');
      await tick(); // the server's next look retries it
      await waitFor(() => voters.every((v) => mailsTo(`${v}@example.org`).length === 1), 'one credential mail to each voter, chloe\'s on the retry');
      const mailOf = (v: string, i = 0) => mailsTo(`${v}@example.org`)[i]!.mail;
      assert.match(mailOf('boris').subject ?? '', /ваша ссылка/, 'in the voter\'s language');
      assert.match(mailOf('dana').text ?? '', /Abstimmungsserver/, 'the server says it made the credential');
      const read = Object.fromEntries(voters.map((v) => [v, readMail(mailOf(v).text ?? '')]));
      for (const v of voters) {
        assert.equal(read[v]!.fingerprint, electionFingerprint(created.electionHash));
        assert.equal(new URL(read[v]!.link).origin, PUBLIC, 'links from VECHE_PUBLIC_URL');
        assert.equal(new URL(read[v]!.link).hash, `#credential=${read[v]!.credential}`);
      }
      let rows = await stores!.mail.voters(id);
      for (let i = 0; i < 200 && rows.some((r) => r.credential !== null); i++) { await sleep(25); rows = await stores!.mail.voters(id); }
      assert.ok(rows.every((r) => r.credential === null), 'no private credential kept once mailed');
      const status = await ok(base, 'GET', `/api/elections/${id}/server-authority/voters`, admin());
      assert.deepEqual(status.voters.map((v: any) => v.mail), ['sent', 'sent', 'sent', 'sent']);
      assert.ok(!JSON.stringify(status).includes(read.alice!.credential), 'the status never shows a credential');

      await ok(base, 'POST', `/api/elections/${id}/open`, admin());
      const info = await ok(base, 'GET', `/api/elections/${id}`);
      const board = await built.elections.current(id);
      const groups = selectionGroups(manifest);
      const vote = async (credential: string, pick: number) => {
        const { ballot } = encryptBallot(created.electionHash, board.current.jointKey!, groups, [[pick === 0 ? 1 : 0, pick === 0 ? 0 : 1]], credentialKeys(created.electionHash, credential));
        return call(base, 'POST', `/api/elections/${id}/ballots`, { json: ballot });
      };
      assert.ok(info.jointKey);
      assert.equal((await vote(read.alice!.credential, 0)).status, 200);
      assert.equal((await vote(read.boris!.credential, 1)).status, 200);

      // The announcement to all, and the first reminder (its time passed) only to chloe and dana.
      const past = new Date(Date.now() - 60_000).toISOString();
      const soon = new Date(Date.now() + 1500).toISOString();
      await ok(base, 'PUT', `/api/elections/${id}/mail-settings`, { ...admin(), json: { reminders: [past, soon], trustees: {} } });
      await tick();
      const reminders = (v: string) => mailsTo(`${v}@example.org`).filter((m) => /Reminder|Напоминание|Rappel|Erinnerung/.test(m.mail.subject ?? '')).length;
      const announced = (v: string) => mailsTo(`${v}@example.org`).filter((m) => /poll is open|голосование открыто|scrutin est ouvert|Abstimmung ist eröffnet/.test(m.mail.subject ?? '')).length;
      assert.deepEqual(voters.map(announced), [1, 1, 1, 1], 'the announcement to every voter');
      assert.deepEqual(voters.map(reminders), [0, 0, 1, 1], 'the reminder only to those who have not voted');
      assert.match(mailsTo('chloe@example.org').at(-1)!.mail.text ?? '', /https:\/\/vote\.example\.test\/vote\/sa-/);
      assert.doesNotMatch(mailsTo('chloe@example.org').at(-1)!.mail.text ?? '', /[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}/, 'no credential in a reminder');
      await tick();
      assert.deepEqual(voters.map(reminders), [0, 0, 1, 1], 'a second look sends nothing again');

      // The server stops; the second reminder's time passes while it is down; a new process sends it once.
      await built.app.close();
      await sleep(Math.max(0, Date.parse(soon) - Date.now() + 100));
      ({ b: built, base } = await start());
      await vote(read.chloe!.credential, 0).then((r) => assert.equal(r.status, 200));
      await tick();
      await tick();
      assert.deepEqual(voters.map(reminders), [0, 0, 1, 2], 'the reminder passed during the restart reaches only dana, exactly once');
      assert.deepEqual(voters.map(announced), [1, 1, 1, 1], 'the announcement is not sent again');

      // Dana lost her credential: revoked and re-issued on the board, mailed again; the old one votes no more.
      const re = await ok(base, 'POST', `/api/elections/${id}/server-authority/revoke`, { ...admin(), json: { voter: 'dana@example.org', reason: 'lost', reissue: true } });
      assert.ok(re.revokedSeq > 0 && re.reissuedSeq > re.revokedSeq);
      await waitFor(() => mailsTo('dana@example.org').some((m, i) => i > 0 && /Abstimmungslink/.test(m.mail.subject ?? '')), 'the new credential mailed');
      const fresh = readMail(mailsTo('dana@example.org').filter((m) => /Abstimmungslink/.test(m.mail.subject ?? '')).at(-1)!.mail.text ?? '');
      assert.notEqual(fresh.credential, read.dana!.credential);
      assert.notEqual((await vote(read.dana!.credential, 1)).status, 200, 'the revoked credential is refused');
      assert.equal((await vote(fresh.credential, 1)).status, 200, 'the new one votes');

      // The trustee with an address is told when decryption is due, once; the other has none.
      await ok(base, 'PUT', `/api/elections/${id}/mail-settings`, { ...admin(), json: { reminders: [past, soon], trustees: { t1: 'T1@example.org' } } });
      await tick();
      assert.equal(mailsTo('t1@example.org').length, 0, 'nothing due while the poll is open');
      await ok(base, 'POST', `/api/elections/${id}/close`, admin());
      await ok(base, 'POST', `/api/elections/${id}/tally`, admin());
      await tick();
      await tick();
      assert.equal(mailsTo('t1@example.org').length, 1, 'one mail to the trustee');
      const tm = mailsTo('t1@example.org')[0]!.mail;
      assert.match(tm.subject ?? '', /trustee/);
      assert.match(tm.text ?? '', /decrypt/);
      assert.match(tm.text ?? '', new RegExp(`${PUBLIC.replace(/\./g, '\\.')}/trustee/${id}/t1`));

      const sums = (await built.elections.current(id)).current.tally!.sums;
      await ok(base, 'POST', `/api/elections/${id}/trustees/t1/decryption`, { token: created.trusteeTokens.t1, json: makeDecryptionShare(secrets[0]!, sums) });
      const result = await ok(base, 'POST', `/api/elections/${id}/result`, admin());
      assert.deepEqual(result.result.counts, [[2, 3]], 'a: alice 1 + chloe 1; b: boris 2 + dana 1 (her new credential)');
      const lines = (await recordText(base, id)).trim().split('\n');
      const { report } = await verifyRecord(linesSource(lines), undefined, { workers: 1 });
      assert.ok(report.ok, `the record verifies: ${report.failedChecks.join(', ')}`);
    });

    test('trustees are told of each key-ceremony step as it becomes due, once each, and only those who have not done it', async (t) => {
      if (skip()) { t.skip('PostgreSQL unavailable'); return; }
      const id = `sa-steps-${f.name}`;
      const draft = tinyManifest(id);
      const created = await ok(base, 'POST', '/api/elections', { ...admin(), json: draft });
      await ok(base, 'PUT', `/api/elections/${id}/mail-settings`, { ...admin(), json: { reminders: [], trustees: { t1: 'ada@example.org', t2: 'bo@example.org' } } });
      const steps = (to: string) => mailsTo(to).map((m) => /publish the commitment/.test(m.mail.text ?? '') ? 'commitment' : /publish your key/.test(m.mail.text ?? '') ? 'key' : /send your shares/.test(m.mail.text ?? '') ? 'shares' : /ready/.test(m.mail.text ?? '') ? 'ready' : '?');
      await tick();
      assert.deepEqual([steps('ada@example.org'), steps('bo@example.org')], [['commitment'], ['commitment']]);
      const roles = rolesOf(draft);
      const [genesis] = await recordEvents(base, id, 'election');
      const c = roles.trustees.map((tr) => commitTrusteeKey(tr, genesis!.hash, draft));
      await ok(base, 'POST', `/api/elections/${id}/trustees/t1/commitment`, { token: created.trusteeTokens.t1, json: c[0]!.commitment });
      await tick();
      assert.deepEqual([steps('ada@example.org'), steps('bo@example.org')], [['commitment'], ['commitment']], 'nothing new while t2 has not committed');
      await ok(base, 'POST', `/api/elections/${id}/trustees/t2/commitment`, { token: created.trusteeTokens.t2, json: c[1]!.commitment });
      await ok(base, 'POST', `/api/elections/${id}/trustees/t2/key`, { token: created.trusteeTokens.t2, json: revealTrusteeKey(c[1]!.secret) });
      await tick();
      await tick();
      assert.deepEqual([steps('ada@example.org'), steps('bo@example.org')], [['commitment', 'key'], ['commitment']], 'the key step only to t1, who has not published it; once');
    });

    test('voter sign-in register: the announcement to every registered voter, a reminder only to those who have not voted', async (t) => {
      if (skip()) { t.skip('PostgreSQL unavailable'); return; }
      const id = `sa-signin-${f.name}`;
      const el = await openElection(stores!.board, { voters: 3, manifest: { ...tinyManifest(id), voterAuthentication: { method: 'email-link' } } });
      await stores!.voters.setRegister(id, [0, 1, 2].map((i) => ({ voter: `s-${i}`, email: `s${i}@example.org` })));
      // s-0 voted, signed in: bound to the credential of a ballot on the board.
      assert.equal(await stores!.voters.bind(id, 's-0', el.voters[0]!.keys.key), 'bound');
      await el.board.castBallot(ballotFor(el, el.voters[0]!).ballot);
      // s-1 signed in and was bound, but the ballot never came: not voted.
      assert.equal(await stores!.voters.bind(id, 's-1', el.voters[1]!.keys.key), 'bound');
      await ok(base, 'PUT', `/api/elections/${id}/mail-settings`, { ...admin(), json: { reminders: [new Date(Date.now() - 1000).toISOString()], trustees: {} } });
      await tick();
      const subjects = (i: number) => mailsTo(`s${i}@example.org`).map((m) => m.mail.subject ?? '');
      assert.deepEqual([0, 1, 2].map((i) => subjects(i).filter((x) => /poll is open/.test(x)).length), [1, 1, 1], 'the announcement to every registered voter');
      assert.deepEqual([0, 1, 2].map((i) => subjects(i).filter((x) => /^Reminder/.test(x)).length), [0, 1, 1], 'the reminder only to those without a ballot');
      await tick();
      assert.deepEqual([0, 1, 2].map((i) => subjects(i).length), [1, 2, 2], 'nothing twice');
    });

    test('a refused credential mail: status refused with the reply, credential kept; a corrected address gets it (re-sent), then the credential is forgotten', async (t) => {
      if (skip()) { t.skip('PostgreSQL unavailable'); return; }
      const id = `sa-refused-${f.name}`;
      await ok(base, 'POST', '/api/elections', { ...admin(), json: serverManifest(id) });
      smtp.refuse.add('wrong@example.org');
      await ok(base, 'PUT', `/api/elections/${id}/server-authority/voters`, { ...admin(), json: { csv: 'name,email,voter\nRita,wrong@example.org,rita\nSam,sam@example.org,sam\n' } });
      const statusOf = async (v: string) => (await ok(base, 'GET', `/api/elections/${id}/server-authority/voters`, admin())).voters.find((x: any) => x.voter === v);
      for (let i = 0; i < 200 && (await statusOf('rita')).mail !== 'refused'; i++) await sleep(25);
      const refused = await statusOf('rita');
      assert.equal(refused.mail, 'refused');
      assert.match(refused.reply, /550/);
      smtp.refuse.delete('wrong@example.org');
      const fix = (email: string) => call(base, 'POST', `/api/elections/${id}/server-authority/address`, { ...admin(), json: { voter: 'rita', email } });
      assert.equal((await fix('rita@example.org\r\nBcc: x@example.org')).status, 400);
      assert.equal((await fix('sam@example.org')).body.error, 'duplicate');
      assert.equal((await fix('Rita@Example.org')).status, 200);
      await tick();
      await waitFor(() => mailsTo('rita@example.org').length === 1, 'the mail at the corrected address');
      assert.equal(mailsTo('wrong@example.org').length, 0);
      for (let i = 0; i < 200 && (await statusOf('rita')).mail !== 're-sent'; i++) await sleep(25);
      assert.equal((await statusOf('rita')).mail, 're-sent');
      assert.ok((await stores!.mail.voters(id)).every((v) => v.credential === null));
      assert.equal((await fix('rita2@example.org')).body.error, 'already-mailed', 'a mailed credential is re-issued, not re-sent');
    });

    test('attacks: a register with a header-injection address, an election with its own authority, a key the server did not make, no mail server', async (t) => {
      if (skip()) { t.skip('PostgreSQL unavailable'); return; }
      const id = `sa-bad-${f.name}`;
      await ok(base, 'POST', '/api/elections', { ...admin(), json: serverManifest(id) });
      const sent = smtp.received.length;
      for (const csv of [
        'email,name\n"eve@example.org\r\nBcc: everyone@example.org",Eve\n',
        'email,name\neve@example.org,"Eve\r\nBcc: everyone@example.org"\n',
        'email,name\n"eve@example.org\nX: y",Eve\n',
        'email,credential\neve@example.org,AAAAA-BBBBB-CCCCC-DDDDD-EEEEE\n',
      ]) {
        const r = await call(base, 'PUT', `/api/elections/${id}/server-authority/voters`, { ...admin(), json: { csv } });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.body.error, 'bad-register');
      }
      assert.equal((await recordEvents(base, id, 'credentials')).length, 0, 'nothing on the board');
      assert.deepEqual(await stores!.mail.voters(id), [], 'nothing kept');

      // An election with a credential authority of its own: the server makes no credentials for it.
      const own = tinyManifest(`sa-own-${f.name}`);
      await ok(base, 'POST', '/api/elections', { ...admin(), json: own });
      const r = await call(base, 'PUT', `/api/elections/${own.id}/server-authority/voters`, { ...admin(), json: { csv: REGISTER } });
      assert.equal(r.status, 409);
      assert.equal(r.body.error, 'not-server-authority');
      assert.equal((await call(base, 'POST', `/api/elections/${own.id}/server-authority/revoke`, { ...admin(), json: { voter: 'alice@example.org' } })).body.error, 'not-server-authority');
      assert.equal((await recordEvents(base, own.id, 'credentials')).length, 0);
      assert.deepEqual(await stores!.mail.voters(own.id), []);

      // "The server is the authority", with a key someone else holds: refused, no election made.
      const claimed = { ...serverManifest(`sa-claim-${f.name}`), credentialAuthority: { name: 'x', operatedBy: 'server', signingKey: own.credentialAuthority.signingKey } };
      const c = await call(base, 'POST', '/api/elections', { ...admin(), json: claimed });
      assert.equal(c.status, 400, c.text);
      assert.equal((await call(base, 'GET', `/api/elections/sa-claim-${f.name}`)).status, 404);
      // The same claim in an edit of the draft (PUT …/manifest) is refused too, and the draft stays as it was;
      // an edit that leaves the key out gets one the server made.
      const draft = await ok(base, 'GET', `/api/elections/${id}`);
      const edit = await call(base, 'PUT', `/api/elections/${id}/manifest`, { ...admin(), json: { ...serverManifest(id), credentialAuthority: { name: 'x', operatedBy: 'server', signingKey: own.credentialAuthority.signingKey } } });
      assert.equal(edit.status, 400, edit.text);
      assert.equal((await ok(base, 'GET', `/api/elections/${id}`)).electionHash, draft.electionHash);
      await ok(base, 'PUT', `/api/elections/${id}/manifest`, { ...admin(), json: { ...serverManifest(id), title: 'Council, edited' } });
      const edited = await ok(base, 'GET', `/api/elections/${id}`);
      assert.notEqual(edited.electionHash, draft.electionHash);
      assert.notEqual(await stores!.mail.authoritySecret(edited.manifest.credentialAuthority.signingKey), null, 'the edited draft names a key the server holds');
      // Without the admin token nothing happens.
      assert.equal((await call(base, 'PUT', `/api/elections/${id}/server-authority/voters`, { json: { csv: REGISTER } })).status, 401);
      assert.equal((await call(base, 'PUT', `/api/elections/${id}/mail-settings`, { json: { reminders: [], trustees: {} } })).status, 401);
      assert.equal(smtp.received.length, sent, 'no mail went out');

      // A server without a mail server makes no credentials it cannot mail.
      const { b, base: other } = await start(null);
      try {
        const n = await call(other, 'PUT', `/api/elections/${id}/server-authority/voters`, { ...admin(), json: { csv: REGISTER } });
        assert.equal(n.status, 503);
        assert.equal(n.body.error, 'no-mailer');
        assert.equal((await recordEvents(other, id, 'credentials')).length, 0);
      } finally { await b.app.close(); }
    });
  });
}

// The admin of another organisation on the same server: refused every mail and authority action.
test('an admin of another organisation cannot make, mail or revoke credentials, nor set reminders, for this election', async (t) => {
  const factory = accountStores()[0]!;
  const stores = (await factory.make('sa-orgs'))!;
  const mailDir = mkdtempSync(join(tmpdir(), 'veche-sa-orgs-'));
  const mail = new SqliteServerMailStore(join(mailDir, 'mail.sqlite'));
  const smtp = await startSmtp();
  const transport = smtpTransport(smtp.url);
  const server = await startAccountsServer(stores, { settings: { serverMail: { store: mail, transport, publicUrl: PUBLIC, rate: '1000/s', log: () => {} } } });
  t.after(async () => { await server.close(); transport.close(); await smtp.close(); await mail.close(); await stores.dispose(); rmSync(mailDir, { recursive: true, force: true }); });
  const { base } = server;
  const PASSWORD = 'correct horse battery staple';
  const member = async (org: string, email: string) => {
    const r = await new TestBrowser().request('POST', `${base}/api/organisations/${org}/members`, { json: { email, role: 'admin', passwordLink: true }, token: server.adminToken });
    assert.equal(r.status, 200, r.text);
    const secret = /^#set=([A-Za-z0-9_-]{43})$/.exec(new URL(r.body.passwordLink as string).hash)![1]!;
    assert.equal((await new TestBrowser().request('POST', `${base}/api/password`, { json: { link: secret, password: PASSWORD } })).status, 200);
    const browser = new TestBrowser();
    assert.equal((await browser.request('POST', `${base}/api/login/password`, { json: { email, password: PASSWORD } })).status, 200);
    return browser;
  };
  for (const [org, name] of [['org-a', 'Union A'], ['org-b', 'Co-op B']]) await ok(base, 'POST', '/api/organisations', { token: server.adminToken, json: { id: org, name } });
  const a = await member('org-a', 'alice@union.example');
  const b = await member('org-b', 'bob@coop.example');
  const created = await a.request('POST', `${base}/api/organisations/org-a/elections`, { json: serverManifest('sa-org-a') });
  assert.equal(created.status, 200, created.text);
  await keyCeremony(base, 'sa-org-a', created.body.trusteeTokens);
  for (const [method, path, json] of [
    ['PUT', 'server-authority/voters', { csv: REGISTER }],
    ['GET', 'server-authority/voters', undefined],
    ['POST', 'server-authority/revoke', { voter: 'alice@example.org', reissue: true }],
    ['POST', 'server-authority/address', { voter: 'alice@example.org', email: 'bob@coop.example' }],
    ['PUT', 'mail-settings', { reminders: [new Date().toISOString()], trustees: { t1: 'bob@coop.example' } }],
  ] as const) {
    const r = await b.request(method, `${base}/api/elections/sa-org-a/${path}`, json === undefined ? {} : { json });
    assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
  }
  assert.equal((await recordEvents(base, 'sa-org-a', 'credentials')).length, 0, 'nothing on the board');
  assert.deepEqual(await mail.voters('sa-org-a'), []);
  assert.equal(await mail.settings('sa-org-a'), null);
  assert.equal(smtp.received.length, 0, 'no mail');
  // Its own admin can.
  assert.equal((await a.request('PUT', `${base}/api/elections/sa-org-a/server-authority/voters`, { json: { csv: REGISTER } })).status, 200);
  // Both are in the organisation's audit log: who, what, when, the refusal included.
  const audit = (await a.request('GET', `${base}/api/organisations/org-a/audit`)).body as { actor: string; action: string; status: number; target: string | null }[];
  assert.ok(audit.some((e) => e.action === 'server-authority-voters' && e.status === 403 && /bob@coop\.example/.test(e.actor)), JSON.stringify(audit.map((e) => e.action)));
  assert.ok(audit.some((e) => e.action === 'server-authority-voters' && e.status === 200 && /alice@union\.example/.test(e.actor) && e.target === 'election:sa-org-a'));
  assert.ok(audit.some((e) => e.action === 'mail-settings' && e.status === 403));
});
