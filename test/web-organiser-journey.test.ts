// Issue 11's organiser, as one journey in Debian's Chromium against the server as `npm start` runs it
// (a real process on SQLite), a real OpenID Connect provider (oidc-provider) and a real SMTP server
// (smtp-server), all on loopback. The organiser signs in through the provider and creates the election
// on the admin page with a schedule (opens now, closes in half an hour, may close early); the
// credential authority makes its key and the credentials in its own page from a Name,Email CSV and
// mails them with `veche credentials mail` (a browser cannot speak SMTP); the trustees run the key
// ceremony over the API as their machines would; the schedule opens the poll; voters vote through the
// links parsed from their mails; `veche credentials remind` reaches only those who have not voted; one
// lost credential is revoked and re-issued on the authority's page and mailed again, and the new one
// votes; the organiser closes the poll early on the admin page, as the manifest allows (the schedule's
// own close on time: test/schedule.test.ts); the organiser tallies, two trustees decrypt, the organiser
// publishes; the organiser downloads the CSV and the PDF (rendered to PNG in
// test-artifacts/organiser-journey/, read back with pdftotext); a voter's browser checks the result
// itself; `veche verify` passes the downloaded record.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { commitTrusteeKey, finishKeyCeremony, makeShares, revealTrusteeKey, type TrusteeSecret } from '../src/keyceremony/trustee.js';
import type { PayloadByType } from '../src/record/events.js';
import { CALLBACK_PATH } from '../src/server/accounts/oidc.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { electionFingerprint } from '../src/verify/voter-check.js';
import { keyed, rolesOf } from './helpers/election.js';
import { veche } from './helpers/cli.js';
import { ok, recordEvents } from './helpers/server.js';
import { freePort, ServerProcess } from './helpers/server-process.js';
import { buildWeb, chromiumAvailable, DESK, downloadBy, launchChromium, messageMatches, ROOT, screenshot, seriousA11yViolations, tempDir, watchedPage } from './helpers/browser.js';
import { givePrivateList, makeSigningKey, reissueCredential } from './helpers/signer-pages.js';
import { startProvider, type TestProvider } from './accounts-fixture.js';
import { readMail, startSmtp, type TestSmtp } from './credentials-fixture.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';
const ARTIFACTS = join(ROOT, 'test-artifacts', 'organiser-journey');
const ID = 'council-2027';
const ZONE = 'Europe/Berlin';
/** Minutes from the election's creation to the scheduled close: more than the whole test may take, however
 *  loaded the machine; the organiser closes the poll early once the voters are done, at once on a fast one. */
const POLL_MINUTES = 30;
const VOTERS = [
  ['Ann Lee', 'ann@union.example'],
  ['Ben Okafor', 'ben@union.example'],
  ['Cat Diaz', 'cat@union.example'],
  ['Dan Weiß', 'dan@union.example'],
] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A datetime-local value (to the second) of an instant, as a wall clock in `zone` shows it. */
const wallTime = (ms: number, zone: string) => new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms).replace(' ', 'T');

describe('Chromium: an organiser\'s whole election, from the OIDC login to a result checked in a voter\'s browser', { skip, timeout: 240_000 }, () => {
  let provider: TestProvider;
  let smtp: TestSmtp;
  let server: ServerProcess;
  let browser: Browser;
  let base = '';
  let dir = '';
  let dataDir = '';
  const adminToken = `va1.${'organiser-journey-operator-token-'.repeat(2)}`;
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];
  // The trustees' own machines: keys made before the election exists, the ceremony over the API.
  const trusteeRoles = rolesOf(keyed({ id: 'keys', title: 'keys', description: '', languages: ['en'], questions: [{ type: 'choice', id: 'q', title: 'q', candidates: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], allowBlank: false, absoluteMajority: false }], trustees: [1, 2, 3].map((i) => ({ id: `t${i}`, name: `T${i}` })), threshold: 2 })).trustees;
  let trustees: TrusteeSecret[] = [];
  const trusteeTokens: Record<string, string> = {};
  let admin: Page;
  let authority: Page;
  let authorityKey = '';
  let privateCsv = '';
  let createdAt = 0;
  let closesAt = 0;
  const links = new Map<string, string>();

  async function newPage(): Promise<Page> {
    return (await watchedPage(browser, problems, { ...DESK, timezoneId: ZONE, keepIn: contexts })).page;
  }
  /** Saves what pressing `selector` downloads as `name` in the test's folder; returns the path. */
  const download = (page: Page, selector: string, name: string) => downloadBy(page, selector, join(dir, name));
  const mailsTo = (to: string) => smtp.received.filter((m) => m.to === to);
  const waitFor = async (what: () => boolean | Promise<boolean>, label: string, ms = 30_000) => {
    const end = Date.now() + ms;
    while (!(await what())) {
      if (Date.now() > end) assert.fail(`timed out: ${label}`);
      await sleep(100);
    }
  };
  const phase = async () => (await ok(base, 'GET', `/api/elections/${ID}`)).phase as string;
  const authorityCli = (action: 'mail' | 'remind', privateFile: string, extra: string[] = []) => veche(['credentials', action, '--record', `${base}/api/elections/${ID}/record`, '--private', privateFile, '--base-url', base,
    '--smtp', smtp.url, '--from', 'Membership secretary <secretary@union.example>', '--rate', '100/s', '--status', join(dir, `${action}-status.jsonl`), ...extra]);

  before(async () => {
    buildWeb();
    dir = tempDir('veche-organiser-');
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    // The public URL (and so the OIDC redirect URI) needs the port before the server starts.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startProvider(`${base}${CALLBACK_PATH}`);
    provider.users.set('org-sub', { password: 'organiser-password', email: 'organiser@union.example', verified: true });
    smtp = await startSmtp();
    dataDir = tempDir('veche-organiser-data-');
    server = await ServerProcess.start({
      dataDir, adminToken,
      env: { VECHE_PORT: String(port), VECHE_PUBLIC_URL: base, VECHE_OIDC_ISSUER: provider.issuer, VECHE_OIDC_CLIENT_ID: provider.clientId, VECHE_OIDC_CLIENT_SECRET: provider.clientSecret, VECHE_SCHEDULE_INTERVAL_MS: '200' },
    });
    // The operator's one-time set-up: the organisation and its organiser's account.
    await ok(base, 'POST', '/api/organisations', { token: adminToken, json: { id: 'union', name: 'The Union' } });
    await ok(base, 'POST', '/api/organisations/union/members', { token: adminToken, json: { email: 'organiser@union.example', role: 'admin' } });
    browser = await launchChromium();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.kill('SIGTERM');
    await provider?.close();
    await smtp?.close();
    for (const d of [dir, dataDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('the organiser signs in through the OpenID Connect provider', async () => {
    admin = await newPage();
    await admin.goto(`${base}/login`);
    await admin.click('#oidc-login');
    await admin.waitForURL(`${provider.issuer}/interaction/**`);
    await admin.fill('#login', 'org-sub');
    await admin.fill('#password', 'organiser-password');
    await admin.click('#sign-in');
    await admin.waitForURL(`${base}/admin/`);
    assert.match((await admin.textContent('#signed-in-as'))!, /organiser@union\.example/);
  });

  it('the credential authority makes its key in its own page; the organiser creates the election with a schedule', async () => {
    authority = await newPage();
    authorityKey = (await makeSigningKey(authority, `${base}/authority/${ID}`, join(dir, 'authority.json'))).key;

    await admin.click('a[href="#new"]');
    await admin.fill('#e-title', 'Union council 2027');
    await admin.fill('#e-id', ID);
    // The form puts the organiser's own language first: the one the mails fall back to for voters
    // without a language column (the mails below are read in English).
    await admin.fill('#q0-title', 'Chair');
    await admin.fill('#q0-items', 'Ann Lee\nBo Marsh');
    for (const [i, t] of trusteeRoles.entries()) {
      await admin.fill(`#tr${i}-name`, `Trustee ${i + 1}`);
      assert.equal(await admin.inputValue(`#tr${i}-id`), t.trustee);
      await admin.fill(`#tr${i}-key`, t.signing.key);
    }
    await admin.fill('#e-threshold', '2');
    await admin.fill('#e-authority-name', 'Membership secretary');
    await admin.fill('#e-authority-key', authorityKey);
    createdAt = Date.now();
    closesAt = Math.ceil((createdAt + POLL_MINUTES * 60_000) / 1000) * 1000;
    await admin.fill('#e-opens', wallTime(createdAt, ZONE));
    await admin.fill('#e-closes', wallTime(closesAt, ZONE));
    await admin.check('#e-early-close');
    assert.equal(await admin.inputValue('#e-zone'), ZONE, 'the zone field starts as the organiser\'s own');
    if (await admin.locator('#election-org').count()) await admin.selectOption('#election-org', 'union');
    await admin.click('#create');
    await admin.waitForSelector('input.trustee-link');
    for (const link of await admin.$$eval('input.trustee-link', (els) => els.map((e) => (e as HTMLInputElement).value))) {
      const m = new RegExp(`^${base}/trustee/${ID}/(t\\d)#token=(.+)$`).exec(link);
      assert.ok(m, link);
      trusteeTokens[m[1]!] = m[2]!;
    }
    const info = await ok(base, 'GET', `/api/elections/${ID}`);
    assert.equal(info.phase, 'setup');
    assert.equal(info.manifest.closes, new Date(closesAt).toISOString(), 'the closing time to the second, from the organiser\'s wall clock');
    assert.equal(info.manifest.timeZone, ZONE);
    assert.equal(info.manifest.earlyClose, true, 'the organiser allowed an early close');
    assert.equal(info.manifest.credentialAuthority.signingKey, authorityKey);
    const audit = await ok(base, 'GET', '/api/organisations/union/audit', { token: adminToken });
    assert.ok(audit.some((e: { actor: string; status: number }) => e.status === 200 && /organiser@union\.example/.test(e.actor)), 'the creation is in the audit log under the organiser');
  });

  it('the trustees run the key ceremony from their own machines', async () => {
    const [genesis] = await recordEvents(base, ID, 'election');
    const { manifest } = genesis!.payload as PayloadByType['election'];
    const path = (t: string, step: string) => `/api/elections/${ID}/trustees/${t}/${step}`;
    const committed = trusteeRoles.map((t) => commitTrusteeKey(t, genesis!.hash, manifest));
    for (const c of committed) await ok(base, 'POST', path(c.secret.trustee, 'commitment'), { token: trusteeTokens[c.secret.trustee]!, json: c.commitment });
    for (const c of committed) await ok(base, 'POST', path(c.secret.trustee, 'key'), { token: trusteeTokens[c.secret.trustee]!, json: revealTrusteeKey(c.secret) });
    const keys = (await recordEvents(base, ID, 'trustee-key')).map((e) => e.payload as PayloadByType['trustee-key']);
    for (const c of committed) await ok(base, 'POST', path(c.secret.trustee, 'shares'), { token: trusteeTokens[c.secret.trustee]!, json: makeShares(c.secret, keys) });
    const shares = (await recordEvents(base, ID, 'trustee-shares')).map((e) => e.payload as PayloadByType['trustee-shares']);
    for (const c of committed) {
      const done = finishKeyCeremony(c.secret, keys, shares);
      assert.equal(done.kind, 'ready');
      if (done.kind !== 'ready') return;
      await ok(base, 'POST', path(c.secret.trustee, 'ready'), { token: trusteeTokens[c.secret.trustee]!, json: done.ready });
      trustees.push(done.secret);
    }
    assert.equal(await phase(), 'setup', 'no credentials yet: the schedule waits although the opening time passed');
  });

  it('the authority imports Name,Email, makes and publishes the credentials in its page; the schedule opens the poll', async () => {
    await admin.click('#refresh');
    const authorityLink = await admin.inputValue('#authority-link');
    await authority.goto(authorityLink);
    await authority.waitForSelector('#voters-file');
    const csv = `Name,Email\n${VOTERS.map(([n, e]) => `${n},${e}`).join('\n')}\n`;
    await authority.setInputFiles('#voters-file', { name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await authority.waitForSelector('#voters-read');
    assert.match(await authority.textContent('#voters-read') ?? '', /4 voters read/);
    await authority.click('#generate-credentials');
    await authority.waitForSelector('#download-credentials:not([disabled])');
    privateCsv = await download(authority, '#download-credentials', 'credentials.private.csv');
    await authority.click('#publish-credentials');
    await messageMatches(authority, /4 public credentials signed and published/);
    await waitFor(async () => (await phase()) === 'open', 'the schedule opens the poll once the credentials are on the board');
  });

  it('`veche credentials mail` mails each voter their link; the mails are parsed', async () => {
    const run = await authorityCli('mail', privateCsv);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /4 sent/);
    const { electionHash } = await ok(base, 'GET', `/api/elections/${ID}`);
    for (const [, email] of VOTERS) {
      assert.equal(mailsTo(email).length, 1, email);
      const read = readMail(mailsTo(email)[0]!.mail.text ?? '');
      assert.equal(read.fingerprint, electionFingerprint(electionHash));
      assert.equal(read.link, `${base}/vote/${ID}#credential=${read.credential}`);
      links.set(email, read.link);
    }
  });

  async function voteFromLink(link: string, candidate: string): Promise<string> {
    const page = await newPage();
    await page.goto(link);
    // The questions, or the booth's word on why not (said at once, not after a timeout).
    await page.waitForSelector('fieldset.question, #credential-error');
    const refused = await page.$('#credential-error');
    if (refused) throw new Error(`the booth refused the mailed link: ${await refused.textContent()}`);
    await page.check(`#q-chair-${candidate}`);
    await page.click('text=Review my choices');
    await page.click('#encrypt');
    await page.click('#cast');
    await page.waitForSelector('#vote-again');
    const code = (await page.textContent('#tracking-code'))!.trim();
    await page.context().close();
    return code;
  }

  it('Ann and Ben vote through their mailed links; the reminder reaches only Cat and Dan', async () => {
    await voteFromLink(links.get('ann@union.example')!, 'ann-lee');
    await voteFromLink(links.get('ben@union.example')!, 'bo-marsh');
    const run = await authorityCli('remind', privateCsv);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /2 voter\(s\) have voted, 2 not yet/);
    const reminded = VOTERS.map(([, e]) => mailsTo(e).filter((m) => /^Reminder/.test(m.mail.subject ?? '')).length);
    assert.deepEqual(reminded, [0, 0, 1, 1], `${run.stdout}\n${smtp.received.map((m) => `${m.to}: ${m.mail.subject}`).join('\n')}`);
  });

  let danFresh = { link: '', credential: '' };
  it('Dan lost his credential: revoked and re-issued on the authority\'s page, and mailed again', async () => {
    await authority.reload();
    await givePrivateList(authority, privateCsv);
    await reissueCredential(authority, 'dan@union.example', 'lost the mail');
    const changed = await download(authority, '#download-private', 'credentials.private-2.csv');
    const run = await authorityCli('mail', changed, ['--resend', '--only', 'dan@union.example']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    danFresh = readMail(mailsTo('dan@union.example').at(-1)!.mail.text ?? '');
    assert.notEqual(danFresh.link, links.get('dan@union.example'));
    assert.equal(mailsTo('cat@union.example').length, 2, 'the others get nothing more');
    assert.equal((await recordEvents(base, ID, 'credential-revoked')).length, 1);
    assert.equal((await recordEvents(base, ID, 'credentials-added')).length, 1);
  });

  // A credential re-issued after the opening is not in the record up to it: the booth then checks the
  // whole record (web/pages/vote.ts, useListedCredential).
  it('the booth takes the re-issued credential from the new mail\'s link', async () => {
    await voteFromLink(danFresh.link, 'ann-lee');
  });

  it('Dan votes with the new credential on his own device (veche vote --server); the old one is refused', async () => {
    const choices = join(dir, 'dan-choices.json');
    writeFileSync(choices, JSON.stringify({ chair: 'ann-lee' }));
    const old = readMail(mailsTo('dan@union.example')[0]!.mail.text ?? '').credential;
    const refused = await veche(['vote', '--server', base, '--election', ID, '--credential', old, '--choices', choices]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr + refused.stdout, /revoked/);
    const cast = await veche(['vote', '--server', base, '--election', ID, '--credential', danFresh.credential, '--choices', choices]);
    assert.equal(cast.code, 0, `${cast.stdout}\n${cast.stderr}`);
  });

  it('the organiser closes the poll early, as the manifest allows; tallies, two trustees decrypt, the organiser publishes', async () => {
    await admin.goto(`${base}/admin/#e/${ID}`);
    await admin.click('#close-poll');
    await admin.click('#confirm-action'); // an irreversible step asks to be confirmed
    await admin.waitForSelector('#tally');
    assert.equal(await phase(), 'closed');
    const [closed] = await recordEvents(base, ID, 'poll-closed');
    assert.ok(Date.parse(closed!.time) < closesAt, `the record says the poll closed early (${closed!.time}, before ${new Date(closesAt).toISOString()})`);
    await admin.click('#tally');
    await admin.click('#confirm-action');
    await admin.waitForSelector('#publish-result');
    const [tally] = await recordEvents(base, ID, 'tally');
    const { sums } = tally!.payload as PayloadByType['tally'];
    for (const t of trustees.slice(0, 2)) await ok(base, 'POST', `/api/elections/${ID}/trustees/${t.trustee}/decryption`, { token: trusteeTokens[t.trustee]!, json: makeDecryptionShare(t, sums) });
    await admin.click('#refresh');
    await admin.waitForSelector('#publish-result:not([disabled])');
    await admin.click('#publish-result');
    await admin.click('#confirm-action');
    await messageMatches(admin, /result is published/);
    const { result } = await ok(base, 'GET', `/api/elections/${ID}/result`);
    assert.deepEqual(result.counts, [[2, 1]], 'Ann Lee: Ann and Dan\'s new credential; Bo Marsh: Ben');
  });

  let csv = '';
  let text = '';
  it('the organiser downloads the CSV and the PDF report (rendered to PNG, read back)', async () => {
    const page = await newPage();
    await page.goto(`${base}/results/${ID}`);
    await page.waitForSelector('.question-result');
    csv = readFileSync(await download(page, '#download-csv', 'results.csv'), 'utf8');
    assert.match(csv, /^question_id,question,type,item_id,item,answer,votes,of,outcome\r\n/);
    assert.ok(csv.includes(',turnout,weight,,,,3,4,'), csv);
    assert.match(csv, /chair,Chair,choice,ann-lee,Ann Lee,,2,/);
    const pdf = await download(page, '#download-pdf', 'report.pdf');
    assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
    execFileSync('pdftoppm', ['-r', '80', '-png', pdf, join(ARTIFACTS, 'report')]);
    writeFileSync(join(ARTIFACTS, 'results.csv'), csv);
    text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    assert.match(text, /Union council 2027/);
    assert.match(text, /Ann Lee/);
    assert.match(text, /Bo Marsh/);
    const { electionHash } = await ok(base, 'GET', `/api/elections/${ID}`);
    assert.ok(text.includes(electionFingerprint(electionHash)), 'the fingerprint in the report');
    assert.match(text, /Trustee 1/);
    await screenshot(page, 'organiser-journey-results');
  });

  // Dan's revoked credential and its replacement are one voter: the turnout says 3 of 4 in the CSV and the PDF.
  it('the turnout counts Dan once: 3 of 4 voters', () => {
    assert.ok(csv.includes(',turnout,voters,,,,3,4,'), csv);
    assert.match(text, /3 of 4 voters took part/);
  });

  it('a voter\'s browser checks the result itself; `veche verify` passes the downloaded record', async () => {
    const page = await newPage();
    await page.goto(`${base}/results/${ID}`);
    await page.waitForFunction(() => /Checked in this browser: \d+ ballots? counted/.test(document.getElementById('browser-check')?.textContent ?? ''), undefined, { timeout: 90_000 });
    assert.match(await page.textContent('#browser-check') ?? '', /Checked in this browser: 3 ballots counted, every check holds/);
    assert.deepEqual(await seriousA11yViolations(page), []);
    await page.goto(`${base}/board/${ID}`);
    await page.waitForSelector('#board-table tbody tr');
    const record = await download(page, '#download-record', 'record.jsonl');
    const run = await veche(['verify', record]);
    assert.equal(run.code, 0, `veche verify failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /VERIFIED/);
    assert.deepEqual(problems, []);
  });
});
