// A page is drawn again whole when its language's texts arrive (and on every change of its state): what
// the user typed, chose and focused must still be there afterwards (web/lib/redraw.ts), a press on a
// button must not be lost to a redraw between press and release, and a page whose first texts are still
// on their way shows an accessible loading state, not a form that is about to be replaced
// (web/lib/page.ts). The catalogs are held back with page.route so that they arrive exactly when the test
// says: after the user typed. Debian's Chromium against the real server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { smallManifest } from './helpers/election-fixture.js';
import { openElectionOverHttp, type TestServer } from './helpers/server.js';
import { buildWeb, chromiumAvailable, launchChromium, seriousA11yViolations, startVeche, watchedPage, type VecheServer } from './helpers/browser.js';

const chromiumSkip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';
const catalog = (lang: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../web/i18n/${lang}.json`, import.meta.url)), 'utf8')) as Record<string, string>;
const WAIT = { timeout: 30_000 };

/** Holds `lang`'s catalog back: `asked` settles when the page has asked for it, `release()` lets it through. */
async function holdCatalog(page: Page, lang: string): Promise<{ asked: Promise<void>; release: () => void }> {
  let release!: () => void;
  let wasAsked!: () => void;
  const released = new Promise<void>((r) => { release = r; });
  const asked = new Promise<void>((r) => { wasAsked = r; });
  await page.route(`**/assets/i18n/${lang}.json`, async (route) => {
    wasAsked();
    await released;
    await route.continue();
  });
  return { asked, release };
}

/** Waits until the page's texts are `lang`'s (html[lang] is set in the same step as the page is drawn again). */
const untilLanguage = (page: Page, lang: string) => page.waitForFunction((l) => document.documentElement.lang === l, lang, WAIT);

/** The focused element's id and its caret. */
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLInputElement | null;
  return { id: el?.id ?? '', caret: el && 'selectionStart' in el ? [el.selectionStart, el.selectionEnd] : null };
});

describe('Chromium: a redraw keeps what was typed, chosen and focused', { skip: chromiumSkip, timeout: 180_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  const problems: string[] = [];
  const manifest = { ...smallManifest('redraw'), languages: ['de', 'ru'] };
  let credential = '';

  before(async () => {
    buildWeb();
    srv = await startVeche();
    browser = await launchChromium();
    const el = await openElectionOverHttp({ base: srv.url, adminToken: srv.adminToken } as TestServer, manifest, 1);
    credential = el.credentials[0]!.credential;
  });
  after(async () => { await browser?.close(); await srv?.close(); });

  it('admin sign-in: no form before the Russian texts; a token typed while German ones come stays, with focus and caret', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'ru-RU' });
    const ru = await holdCatalog(page, 'ru');
    await page.goto(`${srv.url}/admin/`);
    await ru.asked;
    // Until its texts are here the page draws no form to type into, and says it is loading.
    await page.waitForSelector('main[aria-busy="true"] .loading', WAIT);
    assert.equal(await page.locator('#admin-token').count(), 0, 'no sign-in form while the texts are on their way');
    assert.deepEqual(await seriousA11yViolations(page), []);
    ru.release();
    await page.waitForSelector('#admin-token', WAIT);
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    assert.equal(await page.getAttribute('main', 'aria-busy'), null);

    // A refused token: the page draws the field empty again after the submit, and that is what shows.
    await page.fill('#admin-token', 'va1.not-the-token');
    await page.click('#sign-in');
    await page.waitForSelector('#admin-token-error', WAIT);
    assert.equal(await page.inputValue('#admin-token'), '');

    // German chosen; the token is typed while its texts are on their way.
    const de = await holdCatalog(page, 'de');
    await page.selectOption('#language', 'de');
    await de.asked;
    assert.equal(await page.inputValue('#language'), 'de', 'the switcher shows the choice while its texts are on their way');
    await page.fill('#admin-token', srv.adminToken);
    await page.press('#admin-token', 'ArrowLeft');
    await page.press('#admin-token', 'ArrowLeft');
    const caret = srv.adminToken.length - 2;
    assert.deepEqual(await focused(page), { id: 'admin-token', caret: [caret, caret] });
    de.release();
    await untilLanguage(page, 'de');
    assert.equal(await page.textContent('#sign-in'), catalog('de')['admin.signInButton'], 'the page was drawn again in German');
    assert.equal(await page.inputValue('#admin-token'), srv.adminToken, 'the token typed before the redraw is still there');
    assert.deepEqual(await focused(page), { id: 'admin-token', caret: [caret, caret] }, 'focus and caret where they were');
    await page.click('#sign-in');
    await page.waitForSelector('a[href="#new"]', WAIT);
    await context.close();
  });

  it('admin sign-in: texts slower than the page waits for: drawn in English, then in Russian, the token typed between kept', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'ru-RU' });
    const ru = await holdCatalog(page, 'ru');
    await page.goto(`${srv.url}/admin/`);
    await ru.asked;
    // After its wait (8 s) the page is drawn in English rather than leave the user with nothing.
    await page.waitForSelector('#admin-token', WAIT);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.fill('#admin-token', srv.adminToken);
    ru.release();
    await untilLanguage(page, 'ru');
    assert.equal(await page.textContent('#sign-in'), catalog('ru')['admin.signInButton'], 'the page was drawn again in Russian');
    assert.equal(await page.inputValue('#admin-token'), srv.adminToken, 'the token typed before the texts came is still there');
    assert.equal((await focused(page)).id, 'admin-token');
    await page.click('#sign-in');
    await page.waitForSelector('a[href="#new"]', WAIT);
    await context.close();
  });

  it('admin sign-in: a token typed stays when the page is drawn again for another reason (its address changed)', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'en-GB' });
    await page.goto(`${srv.url}/admin/`);
    await page.waitForSelector('#admin-token', WAIT);
    await page.fill('#admin-token', srv.adminToken);
    // The admin page loads again when its fragment changes (Back, a link within the page) and is drawn
    // again: the field is then a new element, told apart from the old one by a mark on the old one.
    await page.evaluate(() => { document.getElementById('admin-token')!.dataset.old = 'yes'; location.hash = '#e/demo'; });
    await page.waitForFunction(() => { const el = document.getElementById('admin-token'); return el !== null && el.dataset.old === undefined; }, undefined, WAIT);
    assert.equal(await page.inputValue('#admin-token'), srv.adminToken);
    // (Focus is the page's to move here: after a change of address it goes to the new view's heading.)
    await page.click('#sign-in');
    await page.waitForSelector('a[href="#new"]', WAIT);
    await context.close();
  });

  it('admin sign-in: a press on the button while the page is drawn again still signs in', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'en-GB' });
    await page.goto(`${srv.url}/admin/`);
    await page.waitForSelector('#admin-token', WAIT);
    const ru = await holdCatalog(page, 'ru');
    await page.selectOption('#language', 'ru');
    await ru.asked;
    await page.fill('#admin-token', srv.adminToken);
    const box = (await page.locator('#sign-in').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    // The Russian texts arrive between press and release: drawn at once, the pressed button would be a
    // new one at release and no click would happen.
    ru.release();
    await untilLanguage(page, 'ru');
    await page.mouse.up();
    await page.waitForSelector('a[href="#new"]', WAIT);
    await page.waitForFunction((text) => document.querySelector('a[href="#new"]')?.textContent === text, catalog('ru')['admin.new'], WAIT);
    await context.close();
  });

  it('booth: the credential typed while the election\'s language comes stays; then a choice and focus across a language switch', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'en-US' });
    // The election offers German and Russian, the browser asks for English: the booth is drawn in
    // English first and in German when its texts come.
    const de = await holdCatalog(page, 'de');
    await page.goto(`${srv.url}/vote/${manifest.id}`);
    await de.asked;
    await page.waitForSelector('#credential', WAIT);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.fill('#credential', credential);
    for (let i = 0; i < 3; i++) await page.press('#credential', 'ArrowLeft');
    const caret = credential.length - 3;
    de.release();
    await untilLanguage(page, 'de');
    assert.equal(await page.textContent('#screen-heading'), catalog('de')['booth.credentialTitle']);
    assert.equal(await page.inputValue('#credential'), credential, 'the credential typed before the redraw is still there');
    assert.deepEqual(await focused(page), { id: 'credential', caret: [caret, caret] }, 'focus and caret where they were');

    await page.press('#credential', 'Enter');
    await page.waitForSelector('#q-chair-b', WAIT);
    const ru = await holdCatalog(page, 'ru');
    await page.selectOption('#language', 'ru');
    await ru.asked;
    await page.check('#q-chair-b');
    await page.check('#q-projects-q');
    assert.equal((await focused(page)).id, 'q-projects-q');
    ru.release();
    await untilLanguage(page, 'ru');
    await page.waitForFunction((text) => document.querySelector('form button[type="submit"]')?.textContent === text, catalog('ru')['booth.toReview'], WAIT);
    assert.ok(await page.isChecked('#q-chair-b'), 'the candidate chosen before the redraw is still chosen');
    assert.ok(await page.isChecked('#q-projects-q'), 'the option ticked before the redraw is still ticked');
    assert.ok(!(await page.isChecked('#q-chair-a')) && !(await page.isChecked('#q-projects-p')));
    assert.equal((await focused(page)).id, 'q-projects-q', 'focus where it was');
    await context.close();
  });

  it('no page broke its content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
