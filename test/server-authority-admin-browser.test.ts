// The admin page of an election whose server is its credential authority (spec §6.5, §6.6), in Debian's
// Chromium against the server as `npm start` runs it, with VECHE_SMTP_URL pointing at a real SMTP server
// (smtp-server on loopback; every mail parsed back with mailparser). The organiser, on the page only:
// creates the election choosing "the server makes and mails the credentials" (the warning is read before
// the choice), uploads the register (a bad file first: its line named, nothing made), sees the mails
// sent, corrects the address the SMTP server refused, revokes and re-issues a credential after a confirm
// step (a new credential arrives), and sets the reminder times and a trustee's address.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '../src/server/run.js';
import { ok, recordEvents } from './helpers/server.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, watchedPage } from './helpers/browser.js';
import { readMail, type TestSmtp } from './credentials-fixture.js';
import { keyCeremony, serverManifest, startMailingServer } from './server-authority-fixture.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface VoterRow { voter: string; email: string; mail: string | null; revoked: boolean }

describe('Chromium: the admin page runs an election whose server makes and mails the credentials', { skip, timeout: 180_000 }, () => {
  let smtp: TestSmtp;
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const id = 'sa-admin';
  const draft = serverManifest(id); // the trustees' keys the form is given (their secrets stay with the test's "machines")
  const admin = () => ({ token: server.adminToken! });
  const voters = async (): Promise<VoterRow[]> => (await ok(server.url, 'GET', `/api/elections/${id}/server-authority/voters`, admin())).voters;
  const mailsTo = (to: string) => smtp.received.filter((m) => m.to === to);
  // Waits are bound by time, not by a count of tries: a loaded machine is slower, not wrong.
  async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
    for (const end = Date.now() + 30_000; Date.now() < end; await sleep(25)) if (await done()) return;
    throw new Error(`waited in vain for ${what}`);
  }
  /** Until the page's mail counts say `counts`, refreshed by its button (it also follows by itself every 5 s). */
  async function pageSays(counts: RegExp): Promise<void> {
    let text = '';
    for (const end = Date.now() + 30_000; Date.now() < end; await sleep(250)) {
      await page.click('#refresh');
      text = (await page.textContent('#sa-counts')) ?? '';
      if (counts.test(text)) return;
    }
    assert.match(text, counts);
  }
  /** Until the page's message is a `kind` notice: a notice left from the step before does not count. */
  const messageIs = (kind: 'ok' | 'error', says: RegExp) => page.waitForFunction(([k, src]) => new RegExp(src, 's').test(document.querySelector(`#message .notice.${k}`)?.textContent ?? ''), [kind, says.source] as const, { timeout: 30_000 });
  const rowOf = (voter: string) => page.locator(`#sa-voters tr[data-voter="${voter}"]`);

  before(async () => {
    buildWeb();
    ({ smtp, server } = await startMailingServer('veche-sa-admin-', { web: true }));
    smtp.refuse.add('boris@wrong.example');
    browser = await launchChromium();
    // The admin sits in New York; the election runs on Berlin time.
    ({ context, page } = await watchedPage(browser, problems, { locale: 'en-US', timezoneId: 'America/New_York' }));
    await page.goto(`${server.url}/admin/`);
    await page.fill('#admin-token', server.adminToken!);
    await page.click('#sign-in');
    await page.waitForSelector('a[href="#new"]');
  });
  after(async () => { await context?.close(); await browser?.close(); await server?.close(); await smtp?.close(); });

  it('creates the election with the server as its authority, the warning said before the choice', async () => {
    await page.click('a[href="#new"]');
    await page.waitForSelector('#authority-mode');
    assert.equal(await page.isChecked('#authority-own'), true, 'an authority of its own is the default');
    const warning = await page.textContent('#authority-server-hint') ?? '';
    assert.match(warning, /operator could vote in any voter’s place/);
    assert.equal(await page.getAttribute('#authority-server', 'aria-describedby'), 'authority-server-hint');
    assert.equal(await page.isVisible('#e-authority-key'), true);
    await page.check('#authority-server');
    await page.waitForSelector('#e-authority-key', { state: 'detached' });
    await page.fill('#e-title', draft.title);
    await page.fill('#e-id', id);
    await page.fill('#e-closes', '2030-06-01T18:00');
    await page.fill('#e-zone', 'Europe/Berlin');
    await page.fill('#q0-title', 'Chair');
    await page.fill('#q0-items', 'A\nB');
    await page.click('#tr2-remove'); // two trustees, as in the draft
    for (const [i, x] of draft.trustees.entries()) {
      await page.fill(`#tr${i}-name`, x.name);
      await page.fill(`#tr${i}-id`, x.id);
      await page.fill(`#tr${i}-key`, x.signingKey);
    }
    await page.fill('#e-threshold', String(draft.threshold));
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'admin-server-authority-choice');
    await page.click('#create');
    await page.waitForSelector('#server-authority-card');
    const { manifest, trustees } = await ok(server.url, 'GET', `/api/elections/${id}`);
    assert.equal(manifest.credentialAuthority.operatedBy, 'server');
    assert.match(manifest.credentialAuthority.signingKey, /^[A-Za-z0-9_-]{43}$/, 'the server made the authority key');
    assert.equal(manifest.timeZone, 'Europe/Berlin');
    assert.equal(trustees.length, 2);
    assert.equal(await page.$('#new-authority-link'), null, 'no link for an authority of its own: there is none');
    // The trustees' machines run the key ceremony with the links the page holds.
    const tokens = JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k) ?? '{}', `veche-admin-trustee-tokens:${id}`)) as Record<string, string>;
    await keyCeremony(server.url, id, tokens);
  });

  it('refuses a register with a bad line, naming it, and makes nothing', async () => {
    await page.click('#refresh');
    await page.waitForSelector('#sa-register-file');
    await page.setInputFiles('#sa-register-file', { name: 'voters.csv', mimeType: 'text/csv', buffer: Buffer.from('Name,Email\nAnna Schmidt,anna@example.org\nBoris,not-an-address\n') });
    await messageIs('error', /voter register is refused.*line 3.*not-an-address/);
    assert.deepEqual(await voters(), []);
    assert.equal(smtp.received.length, 0);
    assert.equal(await page.isVisible('#sa-register-file'), true, 'the upload is still offered');
  });

  it('uploads the register (columns in another order): the mails go out, one refused by the SMTP server', async () => {
    const csv = 'Language,Weight,Email,Name\nen,1,anna@example.org,Anna Schmidt\nde,2,boris@wrong.example,Boris Becker\nen,1,chloe@example.org,Chloé Dubois\n';
    await page.setInputFiles('#sa-register-file', { name: 'voters.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await messageIs('ok', /made 3 credentials/);
    await until('two credential mails', () => mailsTo('anna@example.org').length === 1 && mailsTo('chloe@example.org').length === 1);
    await until('the refusal in the status', async () => (await voters()).some((v) => v.voter === 'boris@wrong.example' && v.mail === 'refused'));
    await pageSays(/3 voters: 2 sent, 1 refused/);
    assert.match(await rowOf('anna@example.org').textContent() ?? '', /Sent/);
    assert.match(await rowOf('boris@wrong.example').textContent() ?? '', /Refused by the mail server.*550/s);
    assert.equal(await rowOf('anna@example.org').locator('.sa-address').count(), 0, 'a sent mail offers no address correction');
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'admin-server-authority-status');
  });

  it('corrects the refused address: the credential goes there, re-sent', async () => {
    await rowOf('boris@wrong.example').locator('.sa-address').fill('boris@example.org');
    await rowOf('boris@wrong.example').locator('button[type=submit]').click();
    await messageIs('ok', /Boris Becker goes to boris@example\.org/);
    await until('the mail at the corrected address', () => mailsTo('boris@example.org').length === 1);
    const mail = readMail(mailsTo('boris@example.org')[0]!.mail.text ?? '');
    assert.match(mail.link, new RegExp(`/vote/${id}`));
    await pageSays(/3 voters: 2 sent, 1 re-sent/);
  });

  it('revokes and re-issues a lost credential after a confirm step: a new credential arrives', async () => {
    const first = readMail(mailsTo('anna@example.org')[0]!.mail.text ?? '');
    await rowOf('anna@example.org').locator('button.danger').click();
    const confirm = await page.waitForSelector('#sa-confirm-text');
    assert.match(await confirm.textContent() ?? '', /Revoke the credential of Anna Schmidt.*cannot be undone/s);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'sa-confirm-text');
    // Cancelling changes nothing.
    await page.click('#sa-cancel-reissue');
    await page.waitForSelector('#sa-confirm', { state: 'detached' });
    assert.equal((await voters()).find((v) => v.voter === 'anna@example.org')!.revoked, false);
    await rowOf('anna@example.org').locator('button.danger').click();
    await page.fill('#sa-reason', 'lost her mail');
    await page.click('#sa-confirm-reissue');
    await messageIs('ok', /Anna Schmidt is revoked; a new one is on its way/);
    await until('the new credential mail', () => mailsTo('anna@example.org').length === 2);
    const second = readMail(mailsTo('anna@example.org')[1]!.mail.text ?? '');
    assert.notEqual(second.credential, first.credential);
    const events = await recordEvents(server.url, id);
    assert.ok(events.some((e) => e.type === 'credential-revoked'), 'the revocation is on the board');
    assert.ok(events.some((e) => e.type === 'credentials-added'), 'the new credential is on the board');
    // The new credential's mail is a first mail of that credential: sent.
    await until('the status', async () => (await voters()).find((v) => v.voter === 'anna@example.org')!.mail === 'sent');
    await pageSays(/3 voters: 2 sent, 1 re-sent/);
  });

  it('saves the reminder times in the election\'s zone, shown in the admin\'s too, and a trustee\'s address', async () => {
    await page.click('#sa-add-reminder');
    await page.fill('#sa-reminder-0', '2029-03-08T09:00');
    assert.match(await page.textContent('label[for=sa-reminder-0]') ?? '', /Europe\/Berlin/);
    await page.fill('#sa-trustee-t1', 'T1@Example.org');
    await page.click('#sa-save-settings');
    await messageIs('ok', /Saved: 1 reminder/);
    const settings = await ok(server.url, 'GET', `/api/elections/${id}/mail-settings`, admin());
    assert.deepEqual(settings.reminders, ['2029-03-08T08:00:00.000Z'], '09:00 in Berlin');
    assert.deepEqual(settings.trustees, { t1: 't1@example.org' });
    const shown = await page.textContent('#sa-reminders') ?? '';
    assert.match(shown, /March 8, 2029.*9:00.*Central European/s);
    assert.match(shown, /3:00.*Eastern/s, 'and in the admin\'s own zone');
    assert.equal(await page.inputValue('#sa-reminder-0'), '2029-03-08T09:00');
    assert.equal(await page.inputValue('#sa-trustee-t1'), 't1@example.org');
    // A time past the close is refused by the server, and nothing changes.
    await page.fill('#sa-reminder-0', '2031-01-01T09:00');
    await page.click('#sa-save-settings');
    await messageIs('error', /not before the poll closes/);
    assert.deepEqual((await ok(server.url, 'GET', `/api/elections/${id}/mail-settings`, admin())).reminders, ['2029-03-08T08:00:00.000Z']);
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'admin-server-authority-settings');
  });

  it('says it in Russian with Russian plurals', async () => {
    const { context: ru, page: p } = await watchedPage(browser, problems, { locale: 'ru-RU', timezoneId: 'Europe/Moscow' });
    await p.goto(`${server.url}/admin/#e/${id}`);
    // The page draws its form once the Russian texts are in use (web/lib/page.ts); this says so.
    await p.waitForFunction(() => document.documentElement.lang === 'ru', undefined, { timeout: 30_000 });
    await p.fill('#admin-token', server.adminToken!);
    await p.click('#sign-in');
    await p.waitForSelector('#sa-counts');
    assert.equal(await p.textContent('#sa-counts'), '3 избирателя: 2 отправлено, 1 отправлено повторно');
    assert.match(await p.textContent('#sa-heading') ?? '', /Ключи, созданные и разосланные сервером/);
    assert.match(await p.textContent('#sa-reminders') ?? '', /8 марта 2029.*у вас/s);
    assert.deepEqual(await seriousA11yViolations(p), []);
    await ru.close();
    assert.deepEqual(problems, []);
  });
});
