// The audit-check page /audit/:id (issue 11, point 9), in Debian's Chromium against the real server
// (demo election): an audit file the booth saved is confirmed, with its choices, against the record the
// page fetched and verified itself; a lying booth's file (another choice revealed than encrypted, other
// randomness) is refused by name, as is a spoiled ballot that was cast anyway and a file that is no
// audit file; a record that does not verify leaves nothing to check (fail closed); axe finds no serious
// or critical violation. The page runs src/verify/audit-file.ts, the module of `veche vote --check-audit`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWeb, chromiumAvailable, DESK, launchChromium, screenshot, seriousA11yViolations, startVeche, tempDir, watchedPage, type VecheServer } from './helpers/browser.js';
import { startRewritingProxy, type RewritingProxy } from './helpers/proxy.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

interface AuditJson { election: string; publicKey: string; trackingCode: string; ballot: unknown; selections: number[][]; randomness: string[][] }

describe('web audit-check page: an audit file checked on a second device', { skip, timeout: 300_000 }, () => {
  let srv: VecheServer;
  let proxy: RewritingProxy;
  let browser: Browser;
  let dir: string;
  let auditPath = '';
  let audit: AuditJson;
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<Page> {
    return (await watchedPage(browser, problems, { ...DESK, keepIn: contexts })).page;
  }

  /** Gives the page `file` and returns the outcome it shows (data-outcome) and the reason, if any. */
  async function check(page: Page, file: string): Promise<{ outcome: string; text: string }> {
    await page.evaluate(() => document.getElementById('audit-outcome')?.remove());
    await page.setInputFiles('#audit-file', file);
    await page.waitForSelector('#audit-outcome');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'audit-outcome', 'focus moves to the outcome');
    return { outcome: (await page.getAttribute('#audit-outcome', 'data-outcome'))!, text: await page.textContent('#audit-outcome') ?? '' };
  }

  const writeAudit = (name: string, a: AuditJson) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(a, null, 2));
    return path;
  };

  before(async () => {
    buildWeb();
    dir = tempDir('veche-audit-page-');
    srv = await startVeche();
    // A board operator whose record does not verify: one event's link to the one before it is changed.
    proxy = await startRewritingProxy(srv.url, (method, url) => method === 'GET' && url.pathname === '/api/elections/demo/record'
      ? (body) => body.replace(/("prev":")([0-9a-f])/, (_m, p: string, c: string) => `${p}${c === '0' ? '1' : '0'}`)
      : null);
    browser = await launchChromium();
    const credential = readFileSync(join(srv.dataDir, 'demo-credentials.csv'), 'utf8').trim().split('\n')[1]!.split(',')[1]!;

    // The booth on the voting device: choose, encrypt, audit, download the audit file.
    const booth = await newPage();
    await booth.goto(`${srv.url}/vote/demo#credential=${credential}`);
    await booth.waitForSelector('fieldset.question');
    await booth.check('#q-chair-okafor');
    await booth.check('#q-projects-garden');
    for (const holder of ['treasurer', 'secretary', 'maintenance']) await booth.check(`#q-officers-review-${holder}-encouragement`);
    await booth.check('#q-fee-increase-against');
    await booth.click('text=Review my choices');
    await booth.click('#encrypt');
    await booth.click('#audit');
    await booth.waitForSelector('#audit-elsewhere');
    assert.match(await booth.textContent('#audit-elsewhere') ?? '', /\/audit\/demo/);
    const [download] = await Promise.all([booth.waitForEvent('download'), booth.click('text=Download the audit data')]);
    auditPath = join(dir, 'audit.json');
    await download.saveAs(auditPath);
    audit = JSON.parse(readFileSync(auditPath, 'utf8')) as AuditJson;
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await proxy?.close();
    await srv?.close();
  });

  it('a true audit file is confirmed with its choices; a lying booth\'s file is refused by name; axe', async () => {
    const page = await newPage();
    await page.goto(`${srv.url}/audit/demo`);
    await page.waitForSelector('#record-checked');
    assert.match(await page.textContent('#record-checked') ?? '', /checked in this browser: \d+ events, every check holds/);
    const honest = await check(page, auditPath);
    assert.equal(honest.outcome, 'holds', honest.text);
    assert.match(honest.text, /The audit holds/);
    for (const label of ['Amara Okafor', 'Community vegetable garden', 'Against']) assert.ok(honest.text.includes(label), `the page shows ${label}`);
    assert.equal((await page.textContent('#audit-tracking-code'))?.trim(), audit.trackingCode);
    await screenshot(page, 'audit-page-holds');
    assert.deepEqual(await seriousA11yViolations(page), [], 'audit page: accessibility violations');

    // A booth that showed one choice and encrypted another: the revealed chair row is not the encrypted one.
    const chair = audit.selections[0]!;
    const lyingChoice = writeAudit('lying-choice.json', { ...audit, selections: [[...chair.slice(1), chair[0]!], ...audit.selections.slice(1)] });
    const choice = await check(page, lyingChoice);
    assert.equal(choice.outcome, 'failed');
    assert.match(choice.text, /The audit FAILED/);
    assert.match(choice.text, /NOT the encryption of the revealed choices/);
    await screenshot(page, 'audit-page-failed');
    assert.deepEqual(await seriousA11yViolations(page), [], 'audit page, failed: accessibility violations');

    // The same choices with other randomness than the ballot was made with.
    const row = audit.randomness[0]!;
    const lyingRandomness = writeAudit('lying-randomness.json', { ...audit, randomness: [[row[1]!, row[0]!, ...row.slice(2)], ...audit.randomness.slice(1)] });
    const randomness = await check(page, lyingRandomness);
    assert.equal(randomness.outcome, 'failed');
    assert.match(randomness.text, /NOT the encryption of the revealed choices/);

    // Not an audit file.
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"receipt": true}');
    const notAudit = await check(page, junk);
    assert.equal(notAudit.outcome, 'not-audit-file');
    assert.match(notAudit.text, /not an audit file/i);

    // Dropped on the box instead of chosen: the same check.
    await page.evaluate(async (text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
      document.getElementById('drop-zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, readFileSync(auditPath, 'utf8'));
    await page.waitForFunction(() => document.getElementById('audit-outcome')?.getAttribute('data-outcome') === 'holds');
    assert.match(await page.textContent('#audit-outcome') ?? '', /dropped\.json/);
  });

  it('a spoiled ballot that was cast anyway is refused', async () => {
    // A dishonest booth casts the audited ballot (its randomness is public now): the board takes it, the page says so.
    const cast = await fetch(`${srv.url}/api/elections/demo/ballots`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(audit.ballot) });
    assert.ok(cast.ok, await cast.text());
    const page = await newPage();
    await page.goto(`${srv.url}/audit/demo`);
    await page.waitForSelector('#record-checked');
    const r = await check(page, auditPath);
    assert.equal(r.outcome, 'failed');
    assert.match(r.text, /audited \(spoiled\) ballot was CAST/);
  });

  it('fails closed: a record that does not verify leaves no file to check; an unknown election is named', async () => {
    const page = await newPage();
    await page.goto(`${proxy.url}/audit/demo`);
    await page.waitForSelector('#record-refused');
    assert.match(await page.textContent('#record-refused') ?? '', /could not be checked/);
    assert.match(await page.textContent('#refusal-reason') ?? '', /does not verify \(chain\./, 'refused for the changed chain, not for anything else');
    assert.equal(await page.locator('#audit-file').count(), 0, 'no file field');
    assert.deepEqual(await seriousA11yViolations(page), [], 'audit page, refused: accessibility violations');

    const none = await newPage();
    await none.goto(`${srv.url}/audit/no-such-election`);
    await none.waitForSelector('[role=alert]');
    assert.match(await none.textContent('main') ?? '', /There is no election “no-such-election”/);
    assert.equal(await none.locator('#audit-file').count(), 0);
    assert.deepEqual(problems, []);
  });
});
