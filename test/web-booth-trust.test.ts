// The booth takes nothing about the election on the server's word (issue 9, point 4): it checks the
// record up to the poll's opening with the verifier's own modules before it shows a ballot, shows the
// election's fingerprint, refuses an unlisted credential at once, checks receipts against the record's
// board key, and checks that the voter's ballots were counted, in Debian's Chromium against the real
// server (demo election). A proxy in front of the server plays a dishonest server: it serves a joint key
// whose secret it knows, in a record re-chained with valid hashes, and says the same in its description.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseMul, encodePoint, scalarOf } from '../src/crypto/group.js';
import { encodeEvent, eventHash, GENESIS_PREV, type BoardEvent } from '../src/record/events.js';
import { checkReceipts, parseReceiptsFile } from '../src/verify/receipts.js';
import { linesSource } from '../src/verify/record-check.js';
import { electionFingerprint } from '../src/verify/voter-check.js';
import { buildWeb, chromiumAvailable, DESK, launchChromium, screenshot, seriousA11yViolations, startVeche, tempDir, watchedPage, type VecheServer } from './helpers/browser.js';
import { veche } from './helpers/cli.js';
import { startRewritingProxy, type RewritingProxy } from './helpers/proxy.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

/** The dishonest server's secret: it knows x for the joint key g^x it serves. */
const ATTACKER_SECRET = scalarOf(0x5eed_cafe);
const ATTACKER_KEY = encodePoint(baseMul(ATTACKER_SECRET));

/**
 * Replaces the joint-key event's publicKey and re-chains every later line: each event's prev is the new
 * hash of the one before and each hash is recomputed, so the chain itself is valid (only the key is wrong).
 */
function rewriteRecord(text: string, publicKey: string): { text: string; rewritten: boolean } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let prev = GENESIS_PREV;
  let changed = false;
  const out = lines.map((line) => {
    const e = JSON.parse(line) as BoardEvent;
    if (e.type === 'joint-key') {
      (e.payload as { publicKey: string }).publicKey = publicKey;
      changed = true;
    }
    if (changed) {
      e.prev = prev;
      e.hash = eventHash(e);
    }
    prev = e.hash;
    return encodeEvent(e);
  });
  return { text: out.map((l) => `${l}\n`).join(''), rewritten: changed };
}

/** What the dishonest server rewrites now (the tests turn each on and off), and how often it did. */
const forge = { record: true, info: true, rewrites: 0 };

/** A proxy in front of the real server that can rewrite the record and the election's description. */
function startProxy(target: string): Promise<RewritingProxy> {
  const forgedRecord = (body: string) => {
    const r = rewriteRecord(body, ATTACKER_KEY);
    if (r.rewritten) forge.rewrites++;
    return r.text;
  };
  const forgedInfo = (body: string) => {
    const info = JSON.parse(body) as { jointKey: string | null };
    if (info.jointKey) info.jointKey = ATTACKER_KEY;
    return JSON.stringify(info);
  };
  return startRewritingProxy(target, (method, url) => {
    if (method !== 'GET') return null;
    if (forge.record && url.pathname === '/api/elections/demo/record' && !url.searchParams.has('types') && !url.searchParams.has('from')) return forgedRecord;
    if (forge.info && url.pathname === '/api/elections/demo') return forgedInfo;
    return null;
  });
}

describe('web booth: trusts the record, not the server', { skip, timeout: 300_000 }, () => {
  let srv: VecheServer;
  let proxy: RewritingProxy;
  let browser: Browser;
  let dir: string;
  let demoCredentials: string[] = [];
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<Page> {
    return (await watchedPage(browser, problems, { ...DESK, keepIn: contexts })).page;
  }

  async function fillDemoBallot(page: Page, chair = 'okafor'): Promise<void> {
    await page.check(`#q-chair-${chair}`);
    await page.check('#q-projects-solar-roof');
    await page.check('#q-projects-garden');
    for (const holder of ['treasurer', 'secretary', 'maintenance']) await page.check(`#q-officers-review-${holder}-encouragement`);
    await page.check('#q-fee-increase-for');
  }

  async function castDemoBallot(page: Page, chair?: string): Promise<string> {
    await fillDemoBallot(page, chair);
    await page.click('text=Review my choices');
    await page.click('#encrypt');
    await page.waitForSelector('#cast');
    await page.click('#cast');
    await page.waitForSelector('#vote-again');
    assert.match(await page.textContent('main') ?? '', /signature by the board checked/);
    return (await page.textContent('#tracking-code'))!.trim();
  }

  async function downloadReceipt(page: Page, name: string): Promise<string> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download the receipt')]);
    const path = join(dir, name);
    await download.saveAs(path);
    return path;
  }

  /** Runs "Check that my ballot was counted" on the page and returns each receipt's status in order. */
  async function checkCounted(page: Page, file?: string): Promise<string[]> {
    await page.click('#check-counted');
    await page.waitForSelector('#run-count-check');
    if (file) {
      await page.setInputFiles('#receipt-file', file);
      await page.waitForSelector('text=read from the file');
    }
    await page.click('#run-count-check');
    await page.waitForSelector('#count-report');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'count-heading', 'focus moves to the outcome');
    return page.$$eval('#count-report li[data-status]', (els) => els.map((e) => e.getAttribute('data-status') ?? ''));
  }

  before(async () => {
    buildWeb();
    dir = tempDir('veche-booth-trust-');
    srv = await startVeche();
    proxy = await startProxy(srv.url);
    browser = await launchChromium();
    demoCredentials = readFileSync(join(srv.dataDir, 'demo-credentials.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1]!);
    assert.equal(demoCredentials.length, 20);
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await proxy?.close();
    await srv?.close();
  });

  it('the booth refuses a server that serves a key other than the record\'s', async () => {
    forge.record = true;
    forge.info = true;
    // The proxy's record is a valid chain: only the verifier's key-ceremony check can catch it.
    const served = await (await fetch(`${proxy.url}/api/elections/demo/record?until=poll-opened`)).text();
    const honest = await (await fetch(`${srv.url}/api/elections/demo/record?until=poll-opened`)).text();
    assert.notEqual(served, honest);
    assert.match(served, new RegExp(`"publicKey":"${ATTACKER_KEY}"`));
    const lines = served.trimEnd().split('\n').map((l) => JSON.parse(l) as BoardEvent);
    lines.forEach((e, i) => { assert.equal(e.hash, eventHash(e)); assert.equal(e.prev, i === 0 ? GENESIS_PREV : lines[i - 1]!.hash); });
    assert.equal(((await (await fetch(`${proxy.url}/api/elections/demo`)).json()) as { jointKey: string }).jointKey, ATTACKER_KEY);

    const page = await newPage();
    const posts: string[] = [];
    page.on('request', (r) => { if (r.method() !== 'GET') posts.push(r.url()); });
    const rewritesBefore = forge.rewrites;
    await page.goto(`${proxy.url}/vote/demo#credential=${demoCredentials[0]}`);
    await page.waitForSelector('#record-refused');
    assert.ok(forge.rewrites > rewritesBefore, 'the booth fetched the rewritten record');
    const text = await page.textContent('main') ?? '';
    assert.match(text, /This server’s election record does not verify: do not vote here/);
    assert.match(await page.textContent('#refusal-reason') ?? '', /keys\.joint/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'screen-heading', 'focus is on the refusal');
    // Fail closed: no ballot, no credential field, nothing to encrypt or cast, nothing sent.
    for (const sel of ['fieldset.question', '#credential', '#encrypt', '#cast', '#check-counted', '#fingerprint']) {
      assert.equal(await page.locator(sel).count(), 0, `${sel} is not shown`);
    }
    assert.deepEqual(posts, []);
    await screenshot(page, 'booth-refused');
    assert.deepEqual(await seriousA11yViolations(page), [], 'booth: refusal: accessibility violations');
  });

  it('the booth refuses a server whose description names another key than its (honest) record', async () => {
    forge.record = false;
    forge.info = true;
    const page = await newPage();
    await page.goto(`${proxy.url}/vote/demo#credential=${demoCredentials[0]}`);
    await page.waitForSelector('#record-refused');
    assert.match(await page.textContent('#refusal-reason') ?? '', /election key/);
    assert.equal(await page.locator('fieldset.question').count(), 0);
  });

  it('through the same proxy, passing everything unchanged, the booth shows the ballot', async () => {
    forge.record = false;
    forge.info = false;
    const page = await newPage();
    await page.goto(`${proxy.url}/vote/demo#credential=${demoCredentials[0]}`);
    await page.waitForSelector('fieldset.question');
    assert.equal(await page.locator('#record-refused').count(), 0);
  });

  it('the booth shows the fingerprint and refuses an unlisted credential at once', async () => {
    const first = JSON.parse((await (await fetch(`${srv.url}/api/elections/demo/record?until=poll-opened`)).text()).split('\n')[0]!) as BoardEvent;
    const fingerprint = electionFingerprint(first.hash);
    assert.match(fingerprint, /^[0-9a-f]{4}( [0-9a-f]{4}){4}$/);

    // Typed: the well-formed but unlisted credential is refused before any question is shown.
    const page = await newPage();
    await page.goto(`${srv.url}/vote/demo`);
    await page.waitForSelector('#credential');
    assert.equal((await page.textContent('#fingerprint'))?.trim(), fingerprint);
    assert.match(await page.textContent('#fingerprint-box') ?? '', /Compare this with the fingerprint in your invitation/);
    await page.fill('#credential', '00000-00000-00000-00000-00000');
    await page.click('text=Continue');
    await page.waitForSelector('#credential-error');
    assert.match(await page.textContent('#credential-error') ?? '', /not on this election’s list of voters/);
    await screenshot(page, 'booth-unlisted-credential');
    assert.deepEqual(await seriousA11yViolations(page), [], 'booth: fingerprint and unlisted credential: accessibility violations');
    assert.equal(await page.locator('fieldset.question').count(), 0, 'no question is shown');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'credential', 'focus returns to the field');
    assert.equal(await page.inputValue('#credential'), '00000-00000-00000-00000-00000', 'what was typed is kept, to correct a typo');
    // A listed one (lower case, no dashes) opens the ballot.
    await page.fill('#credential', demoCredentials[1]!.toLowerCase().replace(/-/g, ''));
    await page.click('text=Continue');
    await page.waitForSelector('fieldset.question');
    assert.equal((await page.textContent('#fingerprint'))?.trim(), fingerprint, 'the fingerprint stays in view');

    // From the link: refused at once too, and the credential is still taken out of the address bar.
    const linked = await newPage();
    await linked.goto(`${srv.url}/vote/demo#credential=00000-00000-00000-00000-00000`);
    await linked.waitForSelector('#credential-error');
    assert.equal(new URL(linked.url()).hash, '');
    assert.equal(await linked.locator('fieldset.question').count(), 0);
  });

  it('a normal vote works, its receipt verifies, and the booth says whether each ballot was counted', async () => {
    const credential = demoCredentials[2]!;
    // The voter votes, then someone else with the same credential votes later from another device.
    const mine = await newPage();
    await mine.goto(`${srv.url}/vote/demo#credential=${credential}`);
    await mine.waitForSelector('fieldset.question');
    const myCode = await castDemoBallot(mine);
    const myReceipt = await downloadReceipt(mine, 'mine.json');
    // While the poll is open: on the record, not yet final.
    assert.deepEqual(await checkCounted(mine), ['on-record-open']);
    assert.match(await mine.textContent('#count-report') ?? '', /poll is still open/);
    await mine.click('#count-back');
    await mine.waitForSelector('#vote-again');

    const other = await newPage();
    await other.goto(`${srv.url}/vote/demo#credential=${credential}`);
    await other.waitForSelector('fieldset.question');
    const otherCode = await castDemoBallot(other, 'lindqvist');
    const otherReceipt = await downloadReceipt(other, 'other.json');
    assert.notEqual(myCode, otherCode);

    // The downloaded file stays readable by the verifier's receipts reader and `veche verify --receipts`.
    const parsed = parseReceiptsFile(readFileSync(myReceipt, 'utf8'));
    assert.equal(parsed.length, 1);
    assert.equal(parsed[0]!.receipt?.trackingCode, myCode);

    const close = await fetch(`${srv.url}/api/elections/demo/close`, { method: 'POST', headers: { authorization: `Bearer ${srv.adminToken}` } });
    assert.equal(close.status, 200, await close.text());
    const record = await (await fetch(`${srv.url}/api/elections/demo/record`)).text();
    const lines = record.split('\n').slice(0, -1);
    const report = await checkReceipts(linesSource(lines), parsed);
    assert.equal(report.final, true);
    assert.equal(report.checks[0]!.status, 'superseded');
    const recordFile = join(dir, 'record.jsonl');
    writeFileSync(recordFile, record);
    const cli = await veche(['verify', recordFile, '--receipts', otherReceipt, '--json']);
    const out = JSON.parse(cli.stdout) as { receipts: { present: number; invalid: number; final: boolean } };
    assert.deepEqual([out.receipts.present, out.receipts.invalid, out.receipts.final], [1, 0, true], 'the booth\'s receipt file is read by veche verify --receipts');

    // After the close: my ballot was replaced by one I did not cast; the other device's ballot counts.
    assert.deepEqual(await checkCounted(mine), ['superseded']);
    assert.match(await mine.textContent('#count-report') ?? '', /Superseded by a ballot you did not cast/);
    await screenshot(mine, 'booth-counted-superseded');
    assert.deepEqual(await seriousA11yViolations(mine), [], 'booth: counted check: accessibility violations');
    assert.deepEqual(await checkCounted(other), ['counted']);
    assert.match(await other.textContent('#count-report') ?? '', /On the record and counted/);

    // A fresh booth after the close: no ballot, but the check, with both saved receipts (as one voter who re-voted).
    const later = await newPage();
    await later.goto(`${srv.url}/vote/demo`);
    await later.waitForSelector('#check-counted');
    assert.equal(await later.locator('fieldset.question').count(), 0);
    const both = join(dir, 'both.jsonl');
    writeFileSync(both, [myReceipt, otherReceipt].map((f) => JSON.stringify(JSON.parse(readFileSync(f, 'utf8')))).join('\n') + '\n');
    assert.deepEqual(await checkCounted(later, both), ['replaced-by-own', 'counted']);
    assert.deepEqual(problems, []);
  });
});
