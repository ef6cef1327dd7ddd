// The pages' language files (web/i18n/*.json): every language says everything English says, with the
// same placeholders, and plural forms where English has them. Adding a language is adding one file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../web/i18n/', import.meta.url));
const load = (lang: string) => JSON.parse(readFileSync(`${dir}${lang}.json`, 'utf8')) as Record<string, string>;
const languages = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
const PLURAL = /\.(zero|one|two|few|many|other)$/;
const base = (key: string) => key.replace(PLURAL, '');
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('English and Russian are there', () => {
  assert.ok(languages.includes('en') && languages.includes('ru'));
});

for (const lang of languages) {
  test(`${lang}.json: every key of en.json, the same placeholders, a plural "other" form`, () => {
    const en = load('en');
    const cat = load(lang);
    assert.equal(typeof cat['language.name'], 'string');
    const keys = new Set(Object.keys(cat).map(base));
    const missing = [...new Set(Object.keys(en).map(base))].filter((k) => !keys.has(k));
    assert.deepEqual(missing, [], `${lang}.json lacks keys`);
    const extra = [...keys].filter((k) => !Object.keys(en).some((e) => base(e) === k));
    assert.deepEqual(extra, [], `${lang}.json has keys English does not`);
    for (const [key, text] of Object.entries(cat)) {
      assert.equal(typeof text, 'string', key);
      assert.ok(text.trim().length > 0, `${lang}: ${key} is empty`);
      if (PLURAL.test(key)) {
        assert.ok(`${base(key)}.other` in cat, `${lang}: ${base(key)} needs an "other" form`);
        // A plural form may leave out {n} (e.g. "one" written as a word) but adds no placeholder English lacks.
        const allowed = new Set(placeholders(en[`${base(key)}.other`] ?? ''));
        for (const p of placeholders(text)) assert.ok(allowed.has(p), `${lang}: ${key} has {${p}}`);
      } else {
        assert.deepEqual(placeholders(text), placeholders(en[key]!), `${lang}: ${key} placeholders`);
      }
    }
  });
}

// The booth in German and in Ukrainian, in Debian's Chromium against the real server: the first screens
// hold no English but the election's own texts (its title, questions and candidates are the organiser's).
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { smallManifest } from './helpers/election-fixture.js';
import { openElectionOverHttp, type TestServer } from './helpers/server.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, startVeche, watchedPage, type VecheServer } from './helpers/browser.js';

const ENGLISH_WORDS = /\b(the|and|your|you|of|ballot|ballots|vote|voting|election|choose|credential|receipt|check)\b/i;

/** English interface text left on a page: fragments of en.json's texts (between placeholders) and common English words. */
function englishLeft(text: string, lang: string): string[] {
  const en = load('en');
  const own = Object.values(load(lang)).join('\n');
  const fragments = Object.values(en).flatMap((v) => v.split(/\{\w+\}/)).map((f) => f.trim().replace(/^[\s.,:;()“”]+|[\s.,:;()“”]+$/g, ''))
    .filter((f) => f.split(/\s+/).length >= 2 && f.length >= 8 && !own.includes(f));
  const found = [...new Set(fragments.filter((f) => text.includes(f)))];
  const word = text.match(ENGLISH_WORDS);
  return word ? [...found, `the word “${word[0]}” in: ${text.slice(Math.max(0, word.index! - 60), word.index! + 60)}`] : found;
}

const chromiumSkip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

describe('booth in Chromium: German and Ukrainian with no English left', { skip: chromiumSkip, timeout: 120_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  const problems: string[] = [];
  const manifest = { ...smallManifest('sprachen'), languages: ['de', 'uk', 'en'] };
  let link = '';
  let credential = '';

  before(async () => {
    buildWeb();
    srv = await startVeche();
    browser = await launchChromium();
    const el = await openElectionOverHttp({ base: srv.url, adminToken: srv.adminToken } as TestServer, manifest, 1);
    credential = el.credentials[0]!.credential;
    link = `${srv.url}/vote/${manifest.id}#credential=${credential}`;
  });
  after(async () => { await browser?.close(); await srv?.close(); });

  /** The page's visible text without the election's own texts, the credential and the languages' own names. */
  async function interfaceText(page: Page): Promise<string> {
    let text = await page.evaluate(() => document.body.innerText);
    const own = [manifest.title, manifest.description ?? '', ...manifest.questions.flatMap((q) => [q.title, ...('candidates' in q ? q.candidates : 'options' in q ? q.options : []).map((c) => c.label)]),
      credential, credential.slice(0, 5), 'English', 'Deutsch', 'Українська'];
    // (One-letter candidate names are left: they match no English text.)
    for (const s of own.filter((o) => o.length > 1).sort((a, b) => b.length - a.length)) text = text.split(s).join(' ');
    return text;
  }

  it('a voter whose browser prefers German gets the ballot in German', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'de-DE' });
    await page.goto(link);
    await page.waitForSelector('fieldset.question');
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    await page.waitForSelector('text=Meine Auswahl prüfen');
    assert.deepEqual(englishLeft(await interfaceText(page), 'de'), []);
    await screenshot(page, 'booth-de');
    assert.deepEqual(await seriousA11yViolations(page), []);
    await context.close();
  });

  it('without a link, the credential screen in German; then Ukrainian chosen from the menu', async () => {
    const { context, page } = await watchedPage(browser, problems, { locale: 'de-DE' });
    await page.goto(`${srv.url}/vote/${manifest.id}`);
    await page.waitForSelector('text=Geben Sie Ihren Zugangsschlüssel ein');
    assert.deepEqual(englishLeft(await interfaceText(page), 'de'), []);
    await page.selectOption('#language', 'uk');
    await page.waitForSelector('text=Введіть свій ключ виборця');
    assert.equal(await page.getAttribute('html', 'lang'), 'uk');
    assert.deepEqual(englishLeft(await interfaceText(page), 'uk'), []);
    await screenshot(page, 'booth-uk-credential');
    await context.close();
  });

  it('no page broke its content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
