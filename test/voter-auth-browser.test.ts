// The booth's sign-in step (spec §6.3) in Debian's Chromium against the real server (npm start's
// runServer, with VECHE_SMTP_URL pointing at a real SMTP server on loopback): the voter opens the
// credential link, is asked to sign in first, types the address with the keyboard, is told to check the
// mail, opens the mailed link in another tab, comes back, and votes; the booth's screens pass axe-core.
// A replayed link tells the voter so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Manifest } from '../src/manifest/types.js';
import { tinyManifest } from './helpers/election-fixture.js';
import { ok, openElectionOverHttp, type HttpElection, type TestServer } from './helpers/server.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, startVeche, watchedPage, watchPage, type VecheServer } from './helpers/browser.js';
import { startSmtp, type TestSmtp } from './credentials-fixture.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

describe('booth in Chromium: signing in before voting', { skip, timeout: 120_000 }, () => {
  let srv: VecheServer;
  let smtp: TestSmtp;
  let browser: Browser;
  let el: HttpElection;
  const problems: string[] = [];
  const manifest: Manifest = { ...tinyManifest('signed'), languages: ['en', 'ru'], voterAuthentication: { method: 'email-link' } };
  const mailsTo = (to: string) => smtp.received.filter((m) => m.to === to);
  const nextLink = async (to: string, seen: number): Promise<string> => {
    // Bound by time (30 s), not by a count of tries: a loaded machine mails later, not never.
    for (const end = Date.now() + 30_000; Date.now() < end && mailsTo(to).length <= seen;) await new Promise((r) => setTimeout(r, 25));
    const text = mailsTo(to)[seen]?.mail.text ?? '';
    const link = /^ {2}(http:\/\/\S+)$/m.exec(text)?.[1];
    assert.ok(link, `a link in the mail: ${text}`);
    return link;
  };

  before(async () => {
    buildWeb();
    smtp = await startSmtp();
    // The server takes its mail server from the environment, as npm start does.
    const saved = process.env.VECHE_SMTP_URL;
    process.env.VECHE_SMTP_URL = smtp.url;
    try { srv = await startVeche(); } finally { if (saved === undefined) delete process.env.VECHE_SMTP_URL; else process.env.VECHE_SMTP_URL = saved; }
    browser = await launchChromium();
    el = await openElectionOverHttp({ base: srv.url, adminToken: srv.adminToken } as TestServer, manifest, 2);
    await ok(srv.url, 'PUT', '/api/elections/signed/voter-register', { token: srv.adminToken, json: { csv: 'voter,email\nv0,ana@example.org\nv1,boris@example.org\n' } });
  });
  after(async () => { await browser?.close(); await srv?.close(); await smtp?.close(); });

  it('asks for the address first, says to check the mail, and after the mailed link the voter votes', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'en-US' });
    await page.goto(`${srv.url}/vote/signed#credential=${el.credentials[0]!.credential}`);
    await page.waitForSelector('#sign-in-who');
    assert.equal(await page.locator('fieldset.question').count(), 0, 'no ballot before sign-in');
    assert.deepEqual(await seriousA11yViolations(page), []);
    // Keyboard only: an empty field is named as the problem, then the address and Enter.
    await page.focus('#sign-in-who');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#sign-in-error');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'sign-in-who');
    assert.match(await page.getAttribute('#sign-in-who', 'aria-describedby') ?? '', /sign-in-error/);
    await page.keyboard.type('Ana@Example.org');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#sign-in-sent');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'sign-in-sent', 'focus moves to the message');
    assert.equal(await page.getAttribute('#sign-in-sent', 'role'), 'status');
    await screenshot(page, 'booth-sign-in-sent');
    assert.deepEqual(await seriousA11yViolations(page), []);
    // Not yet signed in: the booth says so.
    await page.click('#sign-in-recheck');
    await page.waitForSelector('#sign-in-error');

    // The voter opens the mailed link in another tab: signed in there, and the cookie is this browser's.
    const link = await nextLink('ana@example.org', 0);
    const tab = await context.newPage();
    watchPage(tab, problems);
    await tab.goto(link);
    await tab.waitForSelector('#credential');
    assert.equal(new URL(tab.url()).hash, '', 'the link leaves the address bar');
    // Back in the first tab (the credential from its link still held): on to the ballot.
    await page.click('#sign-in-recheck');
    await page.waitForSelector('fieldset.question');
    await page.check('#q-chair-a');
    await page.click('text=Review my choices');
    await page.click('#encrypt');
    await page.waitForSelector('#cast');
    await page.click('#cast');
    await page.waitForSelector('#vote-again');
    assert.match(await page.textContent('main') ?? '', /signature by the board checked/);
    const info = await ok(srv.url, 'GET', '/api/elections/signed');
    assert.equal(info.ballots, 1);

    // The link again (replayed): the booth says it was used, and asks to sign in.
    const again = await context.newPage();
    watchPage(again, problems);
    await context.clearCookies();
    await again.goto(link);
    await again.waitForSelector('#sign-in-error');
    assert.match(await again.textContent('#sign-in-error') ?? '', /used already or has expired/);
    await context.close();
    assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
  });

  it('a Russian voter reads the sign-in step in Russian', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'ru-RU' });
    await page.goto(`${srv.url}/vote/signed`);
    await page.waitForSelector('#sign-in-who');
    assert.match(await page.textContent('#sign-in') ?? '', /Войдите, чтобы проголосовать/);
    await context.close();
    assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
  });
});
