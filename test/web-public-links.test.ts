// Issue 11 point 6: the links the pages hand out (the booth's, the trustees', the authority's, the voters'
// in letters and CSV) are built on the server's public address (VECHE_PUBLIC_URL), not on the address
// the admin's browser happens to use (here 127.0.0.1).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, chromiumAvailable, launchChromium, startVeche, watchedPage, type VecheServer } from './helpers/browser.js';
import { ok } from './helpers/server.js';

const PUBLIC = 'https://vote.example.org';

describe('links on the public address', { skip: chromiumAvailable() ? false : 'Debian chromium is not installed' }, () => {
  let srv: VecheServer;
  let local = ''; // where the server really listens (its url is the public one)
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    buildWeb();
    srv = await startVeche({ publicUrl: PUBLIC });
    local = `http://127.0.0.1:${(srv.server.app.server.address() as { port: number }).port}`;
    browser = await launchChromium();
    ({ page } = await watchedPage(browser, problems, { locale: 'en-US', timeout: 45_000 }));
  });
  after(async () => { await browser?.close(); await srv?.close(); });

  it('the server says its public address; the admin page shows the booth link on it, not on 127.0.0.1', async () => {
    assert.deepEqual(await ok(local, 'GET', '/api/server'), { publicUrl: PUBLIC });
    await page.goto(`${local}/admin/`);
    await page.fill('#admin-token', srv.adminToken);
    await page.click('#sign-in');
    await page.waitForSelector('a[href="#new"]');
    await page.goto('about:blank');
    await page.goto(`${local}/admin/#e/demo`);
    await page.waitForFunction((p) => (document.body.textContent ?? '').includes(`${p}/vote/demo`), PUBLIC);
    assert.ok(!(await page.textContent('body'))!.includes(`${local}/vote/demo`), 'no link on the browser\'s address');
    assert.deepEqual(problems, []);
  });
});
