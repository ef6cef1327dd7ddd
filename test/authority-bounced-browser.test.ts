// The admin page of an election whose server is its credential authority (spec §6.5) marks credential
// mails that came back, in Debian's Chromium against the server as `npm start` runs it, with
// VECHE_SMTP_URL pointing at a real SMTP server (smtp-server on loopback; every mail parsed back with
// mailparser). The authority, on the page only: uploads a notice naming nobody it mailed and a file that
// is no bounce notice (each refused in words, nothing changed), uploads a real bounce notice (Postfix's
// layout) and sees its failed recipient "Bounced" (the delayed one not), gives that voter a corrected
// address with the keyboard and a new credential arrives there, and pastes addresses (one known, one not).
// The election's /authority page sends the authority to the admin page: it has no key or list to handle.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../src/server/run.js';
import { ok, recordEvents } from './helpers/server.js';
import { buildWeb, chromiumAvailable, DESK, launchChromium, screenshot, seriousA11yViolations, watchedPage } from './helpers/browser.js';
import { readMail, type TestSmtp } from './credentials-fixture.js';
import { keyCeremony, serverManifest, startMailingServer } from './server-authority-fixture.js';
import { postfixBounce } from './authority-bounced-fixture.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface VoterRow { voter: string; email: string; mail: string | null; revoked: boolean }

describe('Chromium: the admin page marks bounced credential mails and re-issues to a corrected address', { skip, timeout: 180_000 }, () => {
  let smtp: TestSmtp;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const id = 'sa-bounces';
  const admin = () => ({ token: server.adminToken! });
  const voters = async (): Promise<VoterRow[]> => (await ok(server.url, 'GET', `/api/elections/${id}/server-authority/voters`, admin())).voters;
  const mailsTo = (to: string) => smtp.received.filter((m) => m.to === to);
  /** The credential mails to `to`, read as the voter would (the poll's announcement carries no credential). */
  const credentialMails = (to: string) => mailsTo(to).map((m) => m.mail.text ?? '').filter((text) => /#credential=/.test(text)).map(readMail);
  async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
    for (const end = Date.now() + 30_000; Date.now() < end; await sleep(25)) if (await done()) return;
    throw new Error(`waited in vain for ${what}`);
  }
  /** Until the page's message is a `kind` notice saying `says` (a notice left from the step before does not count). */
  const messageIs = (kind: 'ok' | 'error', says: RegExp) => page.waitForFunction(([k, src]) => new RegExp(src, 's').test(document.querySelector(`#message .notice.${k}`)?.textContent ?? ''), [kind, says.source] as const, { timeout: 30_000 });
  const upload = (name: string, text: string) => page.setInputFiles('#bounce-file', { name, mimeType: 'message/rfc822', buffer: Buffer.from(text) });
  /** Until the voter's row in the mail table shows `status`. */
  const rowSays = (voter: string, status: RegExp) => page.waitForFunction(([v, src]) => new RegExp(src).test(document.querySelector(`#sa-voters tr[data-voter="${v}"] .sa-mail`)?.textContent ?? ''), [voter, status.source] as const, { timeout: 30_000 });

  before(async () => {
    buildWeb();
    ({ smtp, server } = await startMailingServer('veche-bounces-web-', { web: true }));
    const created = await ok(server.url, 'POST', '/api/elections', { ...admin(), json: serverManifest(id) });
    await keyCeremony(server.url, id, created.trusteeTokens);
    await ok(server.url, 'PUT', `/api/elections/${id}/server-authority/voters`, { ...admin(), json: { csv: 'voter,name,email\nanna,Anna Schmidt,anna@example.org\nboris,Boris Becker,boris@example.org\nchloe,Chloé Dubois,chloe@example.org\n' } });
    await ok(server.url, 'POST', `/api/elections/${id}/open`, admin());
    await until('three credential mails sent', async () => (await voters()).every((v) => v.mail === 'sent'));
    browser = await launchChromium();
    ({ page } = await watchedPage(browser, problems, DESK));
    await page.goto(`${server.url}/admin/`);
    await page.fill('#admin-token', server.adminToken!);
    await page.click('#sign-in');
    await page.waitForSelector('a[href="#new"]');
    await page.goto(`${server.url}/admin/#e/${id}`);
    await page.waitForSelector('#bounce-card');
    await rowSays('anna', /Sent/);
  });
  after(async () => { await browser?.close(); await server?.close(); await smtp?.close(); });

  it('a notice naming nobody mailed, and a file that is no bounce notice: refused in words, nothing changed', async () => {
    const before = await voters();
    await upload('stranger.eml', postfixBounce(['stranger@example.org']));
    await messageIs('error', /Nothing was marked bounced\..*No credential mail of this election went to these addresses; nothing changed: stranger@example\.org/);
    await upload('thanks.eml', 'From: anna@example.org\r\nSubject: Re: your credential\r\n\r\nGot it, thanks!\r\n');
    await messageIs('error', /This is not a bounce notice; nothing changed/);
    assert.deepEqual(await voters(), before);
    assert.equal(await page.$('#bounced-voters'), null, 'nobody to re-issue to');
  });

  it('a bounce notice marks its failed recipient "Bounced"; the delayed one stays sent', async () => {
    await upload('Undelivered Mail Returned to Sender.eml', postfixBounce(['anna@example.org'], ['boris@example.org']));
    await messageIs('ok', /Marked bounced: Anna Schmidt \(anna@example\.org\)\./);
    await rowSays('anna', /Bounced/);
    assert.match(await page.textContent('#sa-voters tr[data-voter="boris"] .sa-mail') ?? '', /Sent/);
    assert.deepEqual((await voters()).map((v) => [v.voter, v.mail]), [['anna', 'bounced'], ['boris', 'sent'], ['chloe', 'sent']]);
    await page.waitForSelector('#bounced-voters li[data-voter="anna"]');
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'admin-bounced-mails');
  });

  it('the bounced voter gets a corrected address with the keyboard: the old credential revoked, a new one mailed there', async () => {
    const [first] = credentialMails('anna@example.org');
    const before = mailsTo('anna@example.org').length;
    const input = page.locator('#bounced-voters li[data-voter="anna"] input');
    await input.focus();
    await page.keyboard.type('anna.schmidt@example.net');
    await page.keyboard.press('Tab');
    assert.match(await page.evaluate(() => document.activeElement?.textContent ?? ''), /Re-issue to this address: Anna Schmidt/);
    await page.keyboard.press('Enter');
    await messageIs('ok', /The credential of Anna Schmidt is revoked; a new one is on its way to anna\.schmidt@example\.net/);
    await until('the mail at the corrected address', () => credentialMails('anna.schmidt@example.net').length === 1);
    const [second] = credentialMails('anna.schmidt@example.net');
    assert.notEqual(second!.credential, first!.credential);
    assert.match(second!.link, new RegExp(`/vote/${id}#credential=`));
    assert.equal(mailsTo('anna@example.org').length, before, 'nothing more to the address that bounced');
    assert.equal((await recordEvents(server.url, id, 'credential-revoked')).length, 1);
    await rowSays('anna', /^(Sent|Not delivered yet)/);
    await page.click('#refresh');
    await rowSays('anna', /^Sent/);
    assert.match(await page.textContent('#sa-voters tr[data-voter="anna"]') ?? '', /anna\.schmidt@example\.net/);
    await page.waitForSelector('#bounced-voters', { state: 'detached' });
  });

  it('the /authority page of such an election sends the authority to the admin page (no key, no list of its own)', async () => {
    const { context, page: p } = await watchedPage(browser, problems, DESK);
    await p.goto(`${server.url}/authority/${id}`);
    await p.waitForSelector('#server-mode', { timeout: 30_000 });
    assert.match(await p.textContent('#server-mode') ?? '', /server made and mailed the voters’ credentials itself.*bounced mails/s);
    assert.equal(await p.getAttribute('#server-mode-admin', 'href'), `/admin/#e/${id}`);
    assert.equal(await p.$('#make-key'), null);
    assert.deepEqual(await seriousA11yViolations(p), []);
    await context.close();
  });

  it('pasted addresses: the one mailed is marked, the other reported unknown', async () => {
    await page.fill('#bounce-addresses', 'Boris@Example.org,\nnobody@example.org');
    await page.click('#bounce-mark');
    await messageIs('ok', /Marked bounced: Boris Becker \(boris@example\.org\)\..*nothing changed: nobody@example\.org/);
    await rowSays('boris', /Bounced/);
    assert.equal(await page.inputValue('#bounce-addresses'), '', 'the pasted addresses are done');
    // A malformed address: refused, nothing marked.
    await page.fill('#bounce-addresses', 'chloe@example.org not-an-address');
    await page.click('#bounce-mark');
    await messageIs('error', /Not an e-mail address.*"not-an-address"/);
    assert.equal((await voters()).find((v) => v.voter === 'chloe')!.mail, 'sent');
    assert.deepEqual(problems, []);
  });
});
