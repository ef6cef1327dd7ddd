// The booth shows the voting period in the voter's own time zone, named, and in the election's zone
// where that differs (issue 11, point 2), in Debian's Chromium against the real server, whose schedule
// opened the poll by itself.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Manifest } from '../src/manifest/types.js';
import { tinyManifest } from './helpers/election-fixture.js';
import { ok, openElectionOverHttp, type TestServer } from './helpers/server.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, startVeche, watchedPage, type VecheServer } from './helpers/browser.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

describe('booth in Chromium: the schedule in the voter\'s time zone', { skip, timeout: 120_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  const problems: string[] = [];
  let manifest: Manifest;
  const now = new Date();
  const year = Date.now() + 2 * 86_400_000 < Date.UTC(now.getUTCFullYear(), 11, 5, 17) ? now.getUTCFullYear() : now.getUTCFullYear() + 1;

  before(async () => {
    buildWeb();
    srv = await startVeche();
    browser = await launchChromium();
    // Opens a second from now, closes on the next 5 December at 18:00 in Berlin (17:00 UTC, winter time in both zones).
    manifest = { ...tinyManifest('timed-booth'), opens: new Date(Date.now() + 1000).toISOString(), closes: `${year}-12-05T17:00:00.000Z`, timeZone: 'Europe/Berlin' };
    await openElectionOverHttp({ base: srv.url, adminToken: srv.adminToken } as TestServer, manifest, 2, false);
    const end = Date.now() + 30_000;
    while ((await ok(srv.url, 'GET', '/api/elections/timed-booth')).phase !== 'open') {
      if (Date.now() > end) throw new Error('the schedule did not open the poll');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(async () => { await browser?.close(); await srv?.close(); });

  it('a voter in New York sees the times in Eastern time, and in Berlin time named as the election\'s', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'en-US', timezoneId: 'America/New_York', viewport: { width: 390, height: 844 } });
    await page.goto(`${srv.url}/vote/timed-booth`);
    await page.waitForSelector('.period');
    const header = await page.textContent('header.election-head') ?? '';
    assert.match(header, new RegExp(`December 5, ${year} at 12:00\\sPM Eastern Standard Time`));
    assert.match(header, new RegExp(`In the election's time zone \\(Europe/Berlin\\): .*December 5, ${year} at 6:00\\sPM Central European Standard Time`));
    assert.match(header, /no ballot is taken after it/);
    await screenshot(page, 'booth-schedule');
    assert.deepEqual(await seriousA11yViolations(page), []);
    await context.close();
  });

  it('a voter in Berlin sees the times once, in Berlin time', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'en-US', timezoneId: 'Europe/Berlin' });
    await page.goto(`${srv.url}/vote/timed-booth`);
    await page.waitForSelector('.period');
    const header = await page.textContent('header.election-head') ?? '';
    assert.match(header, /6:00\s?PM Central European Standard Time/);
    assert.doesNotMatch(header, /In the election's time zone/);
    await context.close();
  });

  it('no page broke its content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
