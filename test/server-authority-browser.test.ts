// The booth and the results page of an election whose server made the credentials (spec §6.5) say so
// first, in Debian's Chromium against the server as `npm start` runs it, with VECHE_SMTP_URL pointing
// at a real SMTP server: the voter opens the link from their mail and sees the warning before the ballot.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '../src/server/run.js';
import { ok } from './helpers/server.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, watchedPage } from './helpers/browser.js';
import { readMail, type TestSmtp } from './credentials-fixture.js';
import { keyCeremony, serverManifest, startMailingServer } from './server-authority-fixture.js';
import { tinyManifest } from './helpers/election-fixture.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

describe('Chromium: the server made the credentials, and the booth and the results page say so', { skip, timeout: 120_000 }, () => {
  let smtp: TestSmtp;
  let server: RunningServer;
  let browser: Browser;
  let link = '';
  const problems: string[] = [];
  const id = 'sa-browser';

  before(async () => {
    buildWeb();
    ({ smtp, server } = await startMailingServer('veche-sa-web-', { web: true }));
    const admin = { token: server.adminToken! };
    const created = await ok(server.url, 'POST', '/api/elections', { ...admin, json: { ...serverManifest(id), languages: ['en', 'de'] } });
    await keyCeremony(server.url, id, created.trusteeTokens);
    await ok(server.url, 'PUT', `/api/elections/${id}/server-authority/voters`, { ...admin, json: { csv: 'name,email\nAnna Schmidt,anna@example.org\nIvan Petrov,ivan@example.org\n' } });
    await ok(server.url, 'POST', `/api/elections/${id}/open`, admin);
    await ok(server.url, 'POST', '/api/elections', { ...admin, json: tinyManifest('sa-browser-own') });
    // Bound by time (30 s), not by a count of tries: a loaded machine mails later, not never.
    for (const end = Date.now() + 30_000; Date.now() < end && !smtp.received.some((m) => m.to === 'anna@example.org');) await new Promise((r) => setTimeout(r, 25));
    link = readMail(smtp.received.find((m) => m.to === 'anna@example.org')!.mail.text ?? '').link;
    browser = await launchChromium();
  });
  after(async () => { await browser?.close(); await server?.close(); await smtp?.close(); });

  it('the booth opened from the mailed link warns before the ballot', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'en-US' });
    await page.goto(link);
    const notice = await page.waitForSelector('#server-authority');
    assert.match(await notice.textContent() ?? '', /voting server itself made and mailed this election’s credentials.*could vote in any voter’s place/);
    await screenshot(page, 'booth-server-authority');
    assert.deepEqual(await seriousA11yViolations(page), []);
    await context.close();
  });

  it('the results page warns too, in the reader\'s language', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'de-DE' });
    await page.goto(`${server.url}/results/${id}`);
    const notice = await page.waitForSelector('#server-authority');
    assert.match(await notice.textContent() ?? '', /Abstimmungsserver selbst erzeugt/);
    await screenshot(page, 'results-server-authority');
    assert.deepEqual(await seriousA11yViolations(page), []);
    await context.close();
  });

  it('an election with an authority of its own shows no such warning', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'en-US' });
    await page.goto(`${server.url}/results/sa-browser-own`);
    await page.waitForSelector('h1');
    await page.waitForLoadState('networkidle');
    assert.equal(await page.$('#server-authority'), null);
    await context.close();
    assert.deepEqual(problems, []);
  });
});
