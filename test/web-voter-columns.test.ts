// Issue 11 point 6 in Chromium: the credential authority's page reads a voter list whose header names
// Name, Email, Weight in any order; a header it does not know gets a mapping step (which column is the
// voter, which the weight); the private list keeps the contact columns. Real server, axe-core.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWeb, chromiumAvailable, DESK, launchChromium, seriousA11yViolations, startVeche, tempDir, watchedPage, type VecheServer } from './helpers/browser.js';
import { tinyManifest } from './helpers/election-fixture.js';
import { rolesOf } from './helpers/election.js';
import { keyCeremony, ok } from './helpers/server.js';

describe('authority page: voter lists with named columns, and the mapping step', { skip: chromiumAvailable() ? false : 'Debian chromium is not installed' }, () => {
  let srv: VecheServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir = '';
  const problems: string[] = [];
  const manifest = tinyManifest('columns');

  const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

  before(async () => {
    buildWeb();
    dir = tempDir('veche-web-columns-');
    srv = await startVeche();
    browser = await launchChromium();
    const created = await ok(srv.url, 'POST', '/api/elections', { token: srv.adminToken, json: manifest });
    await keyCeremony(srv.url, manifest.id, created.trusteeTokens);
    writeFileSync(join(dir, 'authority.json'), JSON.stringify(rolesOf(manifest).authority));
    ({ context, page } = await watchedPage(browser, problems, DESK));
    await page.goto(`${srv.url}/authority/columns#token=${created.authorityToken}`);
    await page.waitForSelector('#secret-file');
    await page.setInputFiles('#secret-file', join(dir, 'authority.json'));
    await page.waitForSelector('#voters-file');
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await srv?.close();
  });

  it('reads Email, Weight, Name in any order (the voter is the e-mail) and keeps the contact columns in the private list', async () => {
    await page.setInputFiles('#voters-file', csv('voters.csv', 'Email,Weight,Name\nann@example.org,2,Ann Lee\nbob@example.org,1,"Marsh, Bob"\ncat@example.org,,Cat Diaz\n'));
    await page.waitForSelector('#voters-read');
    assert.match(await page.textContent('#voters-read') ?? '', /3 voters read\. Total weight 4/);
    await page.click('#generate-credentials');
    await page.waitForSelector('#download-credentials:not([disabled])');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-credentials')]);
    const path = join(dir, 'private.csv');
    await download.saveAs(path);
    const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
    assert.equal(lines[0], 'voter,weight,credential,link,name,email');
    assert.match(lines[1]!, /^ann@example\.org,2,[0-9A-Z-]{29},http:\/\/[^,]+,Ann Lee,ann@example\.org$/);
    assert.match(lines[2]!, /,"Marsh, Bob",bob@example\.org$/);
  });

  it('a header of other names asks which column is what, then reads the list with the columns chosen', async () => {
    await page.setInputFiles('#voters-file', csv('members.csv', 'Member No,Shares,Branch\n1017,3,North\n1018,1,South\n'));
    await page.waitForSelector('#mapping');
    assert.equal(await page.locator('#voters-read').count(), 0, 'nothing read before the columns are chosen');
    assert.deepEqual(await seriousA11yViolations(page), [], 'authority page: mapping step');
    await page.click('#apply-mapping');
    await page.waitForFunction(() => /identifies the voters/.test(document.getElementById('message')?.textContent ?? ''));
    await page.selectOption('#map-voter', { label: 'Member No' });
    await page.selectOption('#map-weight', { label: 'Shares' });
    await page.click('#apply-mapping');
    await page.waitForSelector('#voters-read');
    assert.match(await page.textContent('#voters-read') ?? '', /2 voters read\. Total weight 4/);
    assert.equal(await page.locator('#mapping').count(), 0);
    // A bad weight in the chosen column is named by its line.
    await page.setInputFiles('#voters-file', csv('members.csv', 'Member No,Shares\n1017,lots\n'));
    await page.waitForSelector('#mapping');
    await page.selectOption('#map-voter', { label: 'Member No' });
    await page.selectOption('#map-weight', { label: 'Shares' });
    await page.click('#apply-mapping');
    await page.waitForFunction(() => /Line 2: the weight “lots”/.test(document.body.textContent ?? ''));
    assert.deepEqual(problems, []);
  });
});
