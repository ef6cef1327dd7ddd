// The booth keeps the voter's place across a reload and the Back button (issue 11, point 9), in Debian's
// Chromium against the real server (demo election): the choices come back after a reload once the
// credential is entered again (they are kept only sealed under it), Back and Forward move between steps
// with the choices intact, a receipt shown survives a reload, and after voting nothing the browser keeps
// for the page (localStorage, sessionStorage, IndexedDB, cookies, the Cache API, history.state) holds
// the credential or a choice. What someone with the same browser tab could try: another credential does
// not open the sealed choices, a damaged seal gives a fresh ballot, an edited receipt is shown as invalid.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWeb, chromiumAvailable, DESK, launchChromium, screenshot, seriousA11yViolations, startVeche, watchedPage, type VecheServer } from './helpers/browser.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

/** What no storage may hold after voting: the demo ballot's picks, by id and by label. */
const CHOICE_WORDS = ['okafor', 'amara', 'solar-roof', 'solar panels', 'garden', 'encouragement', 'fee-increase"'];

interface Kept { where: string; text: string }

/** Everything the browser keeps for this origin that a page can read, and every cookie (HttpOnly too). */
async function everythingKept(page: Page): Promise<Kept[]> {
  const inPage = await page.evaluate(async () => {
    const out: { where: string; text: string }[] = [];
    for (const [name, store] of [['localStorage', localStorage], ['sessionStorage', sessionStorage]] as const) {
      for (let i = 0; i < store.length; i++) {
        const key = store.key(i)!;
        out.push({ where: `${name} ${key}`, text: `${key}=${store.getItem(key)}` });
      }
    }
    out.push({ where: 'document.cookie', text: document.cookie });
    out.push({ where: 'history.state', text: JSON.stringify(history.state) });
    const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    for (const info of await indexedDB.databases()) {
      const db = await request(indexedDB.open(info.name!));
      for (const store of Array.from(db.objectStoreNames)) {
        const tx = db.transaction(store);
        const [keys, values] = await Promise.all([request(tx.objectStore(store).getAllKeys()), request(tx.objectStore(store).getAll())]);
        out.push({ where: `IndexedDB ${info.name}/${store}`, text: JSON.stringify([keys, values]) });
      }
      db.close();
    }
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) out.push({ where: `Cache ${name} ${req.url}`, text: `${req.url} ${await (await cache.match(req))?.text()}` });
    }
    return out;
  });
  const cookies = await page.context().cookies();
  return [...inPage, ...cookies.map((c) => ({ where: `cookie ${c.name}`, text: `${c.name}=${c.value}` }))];
}

/** The places among `kept` that hold any of `secrets` (case-insensitive). */
function leaks(kept: Kept[], secrets: string[]): string[] {
  return kept.flatMap((k) => secrets.filter((s) => k.text.toLowerCase().includes(s.toLowerCase())).map((s) => `${k.where} holds “${s}”`));
}

/** The credential as a voter may have it: as issued, without dashes, in lower case. */
const credentialForms = (c: string) => [c, c.replace(/-/g, ''), c.toLowerCase()];

describe('web booth: the voter\'s place across reload and Back, nothing secret kept', { skip, timeout: 300_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  let credentials: string[] = [];
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<Page> {
    return (await watchedPage(browser, problems, { ...DESK, keepIn: contexts })).page;
  }

  async function fillDemoBallot(page: Page): Promise<void> {
    await page.check('#q-chair-okafor');
    await page.check('#q-projects-solar-roof');
    await page.check('#q-projects-garden');
    for (const holder of ['treasurer', 'secretary', 'maintenance']) await page.check(`#q-officers-review-${holder}-encouragement`);
    await page.check('#q-fee-increase-for');
  }

  /** Which of the demo ballot's picks are checked on the ballot screen. */
  async function picked(page: Page): Promise<boolean[]> {
    const ids = ['#q-chair-okafor', '#q-projects-solar-roof', '#q-projects-garden', '#q-officers-review-treasurer-encouragement', '#q-officers-review-maintenance-encouragement', '#q-fee-increase-for'];
    return Promise.all(ids.map((id) => page.isChecked(id)));
  }
  const ALL = [true, true, true, true, true, true];
  const NONE = [false, false, false, false, false, false];

  async function enterCredential(page: Page, credential: string): Promise<void> {
    await page.fill('#credential', credential);
    await page.click('text=Continue');
  }

  before(async () => {
    buildWeb();
    srv = await startVeche();
    browser = await launchChromium();
    credentials = readFileSync(join(srv.dataDir, 'demo-credentials.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1]!);
    assert.equal(credentials.length, 20);
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await srv?.close();
  });

  it('the storage inspection finds what is there (a canary in each place)', async () => {
    const page = await newPage();
    await page.goto(`${srv.url}/vote/demo`);
    await page.waitForSelector('#credential');
    await page.evaluate(async () => {
      localStorage.setItem('k1', 'canary-local');
      sessionStorage.setItem('k2', 'canary-session');
      document.cookie = 'k3=canary-cookie; path=/';
      history.replaceState({ k4: 'canary-history' }, '');
      await new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('canary-db', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('s');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('s', 'readwrite');
          tx.objectStore('s').put({ v: 'canary-idb' }, 'k5');
          tx.oncomplete = () => { open.result.close(); resolve(); };
        };
      });
      await (await caches.open('canary-cache')).put('/canary', new Response('canary-in-cache'));
    });
    const found = leaks(await everythingKept(page), ['canary-local', 'canary-session', 'canary-cookie', 'canary-history', 'canary-idb', 'canary-in-cache']);
    assert.equal(found.length, 7, found.join('\n')); // the cookie twice: document.cookie and the context's cookies
  });

  it('choose, reload: the credential is asked for again, with why, and then the choices and the step are back', async () => {
    const credential = credentials[0]!;
    const page = await newPage();
    await page.goto(`${srv.url}/vote/demo#credential=${credential}`);
    await page.waitForSelector('fieldset.question');
    await fillDemoBallot(page);
    await page.click('text=Review my choices');
    await page.waitForSelector('#encrypt');
    // While choosing, the tab holds the choices sealed only: no credential, no pick in the clear.
    const kept = await everythingKept(page);
    assert.deepEqual(leaks(kept, [...credentialForms(credential), ...CHOICE_WORDS]), []);
    assert.ok(kept.some((k) => k.where === 'sessionStorage veche.booth.draft:demo'), 'the sealed draft is in this tab');

    await page.reload();
    await page.waitForSelector('#credential');
    assert.equal(await page.locator('fieldset.question').count(), 0, 'no ballot without the credential');
    const notice = await page.textContent('#resume-notice') ?? '';
    assert.match(notice, /never stores your credential/);
    assert.match(notice, /locked with your credential/);
    await screenshot(page, 'booth-resume-after-reload');
    assert.deepEqual(await seriousA11yViolations(page), [], 'booth: resume after reload: accessibility violations');

    await enterCredential(page, credential);
    await page.waitForSelector('#encrypt');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'screen-heading');
    const review = await page.textContent('main') ?? '';
    for (const label of ['Amara Okafor', 'Solar panels on the roof of building B', 'Community vegetable garden']) assert.ok(review.includes(label), `the review shows ${label}`);
    // Back from the restored review: the questions, every pick in place.
    await page.goBack();
    await page.waitForSelector('fieldset.question');
    assert.deepEqual(await picked(page), ALL);
    assert.match(await page.textContent('#draft-restored') ?? '', /Your choices are back/);
  });

  it('Back from the review returns to the questions with the choices intact; Forward and Back through the encrypted step', async () => {
    const page = await newPage();
    await page.goto(`${srv.url}/vote/demo#credential=${credentials[1]}`);
    await page.waitForSelector('fieldset.question');
    await fillDemoBallot(page);
    await page.click('text=Review my choices');
    await page.waitForSelector('#encrypt');
    await page.goBack();
    await page.waitForSelector('fieldset.question');
    assert.equal(new URL(page.url()).pathname, '/vote/demo', 'Back stays in the booth');
    assert.deepEqual(await picked(page), ALL);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'screen-heading', 'focus is on the step shown');
    await page.goForward();
    await page.waitForSelector('#encrypt');
    await page.click('#encrypt');
    await page.waitForSelector('#cast');
    await page.goBack();
    await page.waitForSelector('#encrypt');
    assert.equal(await page.locator('#cast').count(), 0);
    await page.goBack();
    await page.waitForSelector('fieldset.question');
    assert.deepEqual(await picked(page), ALL);
  });

  it('a receipt shown survives a reload; after voting nothing kept holds the credential or a choice', async () => {
    const credential = credentials[2]!;
    const page = await newPage();
    await page.goto(`${srv.url}/vote/demo#credential=${credential}`);
    await page.waitForSelector('fieldset.question');
    await fillDemoBallot(page);
    await page.click('text=Review my choices');
    await page.click('#encrypt');
    await page.waitForSelector('#cast');
    await page.click('#cast');
    await page.waitForSelector('#vote-again');
    const code = (await page.textContent('#tracking-code'))!.trim();
    assert.match(await page.textContent('#receipt-kept') ?? '', /stays in this tab until you close it/);

    await page.reload();
    await page.waitForSelector('#tracking-code');
    assert.equal((await page.textContent('#tracking-code'))!.trim(), code, 'the same receipt after the reload');
    assert.match(await page.textContent('main') ?? '', /signature by the board checked/);
    // The receipt is there for "Check that my ballot was counted" too.
    await page.click('#check-counted');
    await page.waitForSelector('#run-count-check');
    assert.match(await page.textContent('main') ?? '', /1 receipt/);
    await page.click('#run-count-check');
    await page.waitForSelector('#count-report');
    assert.deepEqual(await page.$$eval('#count-report li[data-status]', (els) => els.map((e) => e.getAttribute('data-status'))), ['on-record-open']);

    const kept = await everythingKept(page);
    assert.deepEqual(leaks(kept, [...credentialForms(credential), ...CHOICE_WORDS]), [], 'nothing kept holds the credential or a choice');
    assert.ok(kept.some((k) => k.where === 'sessionStorage veche.booth.receipts:demo' && k.text.includes(code)), 'the receipt is what is kept');
    assert.ok(!kept.some((k) => k.where.startsWith('sessionStorage veche.booth.draft')), 'the cast choices are not kept, not even sealed');
    assert.equal(kept.find((k) => k.where === 'history.state')?.text, '{"vecheBoothStep":"counted"}', 'the history entry holds the step only');
  });

  it('in the same tab, another credential does not open the sealed choices, a damaged seal gives a fresh ballot, an edited receipt is not valid', async () => {
    const page = await newPage();
    await page.goto(`${srv.url}/vote/demo#credential=${credentials[3]}`);
    await page.waitForSelector('fieldset.question');
    await fillDemoBallot(page);
    await page.click('text=Review my choices');
    await page.waitForSelector('#encrypt');
    await page.reload();
    await page.waitForSelector('#credential');
    await enterCredential(page, credentials[4]!);
    await page.waitForSelector('fieldset.question');
    assert.deepEqual(await picked(page), NONE, 'another voter sees none of the picks');
    assert.equal(await page.locator('#draft-restored').count(), 0);

    // The first voter's seal, damaged in storage: their credential gives a fresh ballot, and nothing breaks.
    const page2 = await newPage();
    await page2.goto(`${srv.url}/vote/demo#credential=${credentials[5]}`);
    await page2.waitForSelector('fieldset.question');
    await fillDemoBallot(page2);
    await page2.click('text=Review my choices');
    await page2.waitForSelector('#encrypt');
    // Left on the credential step, so that the page seals nothing more before the reload.
    await page2.click('text=Change my choices');
    await page2.click('#other-credential');
    await page2.waitForSelector('#credential');
    await page2.evaluate(() => {
      const key = 'veche.booth.draft:demo';
      const v = sessionStorage.getItem(key)!;
      sessionStorage.setItem(key, v.slice(0, -2) + (v.slice(-2) === 'AA' ? 'BA' : 'AA'));
    });
    await page2.reload();
    await page2.waitForSelector('#credential');
    await enterCredential(page2, credentials[5]!);
    await page2.waitForSelector('fieldset.question');
    assert.deepEqual(await picked(page2), NONE);

    // A receipt edited in storage (another place on the board) is checked again after the reload and refused.
    await fillDemoBallot(page2);
    await page2.click('text=Review my choices');
    await page2.click('#encrypt');
    await page2.waitForSelector('#cast');
    await page2.click('#cast');
    await page2.waitForSelector('#vote-again');
    await page2.evaluate(() => {
      const key = 'veche.booth.receipts:demo';
      const list = JSON.parse(sessionStorage.getItem(key)!) as { seq: number }[];
      list[0]!.seq += 1;
      sessionStorage.setItem(key, JSON.stringify(list));
    });
    await page2.reload();
    await page2.waitForSelector('#tracking-code');
    assert.doesNotMatch(await page2.textContent('main') ?? '', /signature by the board checked/);
    assert.equal(await page2.locator('[role=alert]').count() > 0, true, 'the receipt is shown as not valid');
    assert.deepEqual(problems, []);
  });
});
