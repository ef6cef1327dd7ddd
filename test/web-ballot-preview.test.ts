// The organiser's ballot preview (issue 11 point 6) in Debian's Chromium against the real server: from
// the admin page's manage card, a draft election (nothing but the election event on the board) is shown
// as a voter sees it, in the language chosen — every question, candidate and description translated,
// a shuffled question in a voter's order, approval limits said as one picks, verdicts and a motion —
// under a "nothing is sent" banner that stays on every screen. Answering works as in the booth (missing
// answers named, a third approval refused, the review lists the answers). Every request the page makes
// is recorded: GETs only, and nothing is on the board afterwards. axe-core on both screens.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Manifest } from '../src/manifest/types.js';
import { tinyManifest } from './helpers/election-fixture.js';
import { ok } from './helpers/server.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, startVeche, watchedPage, type VecheServer } from './helpers/browser.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

const candidates = Array.from({ length: 6 }, (_, i) => ({ id: `c${i}`, label: `Candidate ${i}`, description: `Candidate ${i} has served ${i + 1} years.` }));
const manifest: Manifest = {
  ...tinyManifest('preview-draft'),
  title: 'Co-op council 2027',
  description: 'Elect the council and decide the fee.',
  languages: ['en', 'ru'],
  questions: [
    { type: 'choice', id: 'chair', title: 'Chair', candidates, allowBlank: true, absoluteMajority: false, shuffle: true },
    { type: 'approval', id: 'projects', title: 'Projects', options: [{ id: 'solar', label: 'Solar roof' }, { id: 'garden', label: 'Garden' }, { id: 'bikes', label: 'Bike shed' }], min: 1, max: 2, winners: 1 },
    { type: 'verdict', id: 'review', title: 'Review of the officers', officeHolders: [{ id: 'treasurer', label: 'Treasurer' }], default: 'no-consequences' },
    { type: 'motion', id: 'fee', title: 'Fee increase', quorum: { num: 1, den: 2 }, threshold: { num: 1, den: 2 }, strict: true },
  ],
  translations: {
    ru: {
      title: 'Совет кооператива 2027',
      description: 'Выберите совет и решите вопрос о взносе.',
      questions: {
        chair: { title: 'Председатель', options: Object.fromEntries(candidates.map((c, i) => [c.id, { label: `Кандидат ${i}`, description: `Кандидат ${i} работает ${i + 1} лет.` }])) },
        projects: { title: 'Проекты', options: { solar: { label: 'Солнечная крыша' }, garden: { label: 'Сад' }, bikes: { label: 'Велопарковка' } } },
        review: { title: 'Оценка работы', options: { treasurer: { label: 'Казначей' } } },
        fee: { title: 'Повышение взноса' },
      },
    },
  },
};
const BLANK_RU = "Пустой бюллетень (ни один из кандидатов)"; // web/i18n/ru.json booth.blank
const RU_TITLES = ['Председатель', 'Проекты', 'Оценка работы', 'Повышение взноса'];

describe('ballot preview in Chromium: the voter\'s ballot of a draft, nothing sent', { skip, timeout: 180_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const requests: { method: string; url: string }[] = [];

  before(async () => {
    buildWeb();
    srv = await startVeche();
    browser = await launchChromium();
    await ok(srv.url, 'POST', '/api/elections', { token: srv.adminToken, json: manifest });
    ({ context, page } = await watchedPage(browser, problems, { viewport: { width: 1000, height: 900 }, locale: 'en-US', timeout: 45_000 }));
    await page.goto(`${srv.url}/admin/`);
    await page.fill('#admin-token', srv.adminToken);
    await page.click('#sign-in');
    await page.waitForSelector('a[href="#new"]');
  });
  after(async () => { await context?.close().catch(() => undefined); await browser?.close(); await srv?.close(); });

  it('opens from the manage card, in Russian: every question, candidate and description translated, under the banner', async () => {
    await page.goto(`${srv.url}/admin/#e/preview-draft`);
    await page.waitForSelector('#preview-election');
    // From here on every request of the page is kept: the preview may only read.
    page.on('request', (r) => requests.push({ method: r.method(), url: r.url() }));
    await page.click('#preview-election');
    await page.waitForURL(`${srv.url}/preview/preview-draft`);
    await page.waitForSelector('#q-chair input');
    assert.match(await page.textContent('#preview-banner') ?? '', /Preview — nothing is sent/);
    assert.equal(await page.locator('#credential').count(), 0, 'no credential is asked for');
    await page.selectOption('#language', 'ru');
    await page.waitForSelector('h1:has-text("Совет кооператива 2027")');
    assert.deepEqual(await page.locator('h2.qtitle').allTextContents(), RU_TITLES);
    assert.match(await page.textContent('#preview-banner') ?? '', /Предпросмотр — ничего не отправляется/);
    const labels = await page.locator('#q-chair .option label').allTextContents();
    assert.deepEqual([...labels].sort(), [...candidates.map((_, i) => `Кандидат ${i}`), BLANK_RU].sort(), 'six candidates and the blank vote, in Russian');
    assert.equal(await page.textContent('#q-chair-c3-about'), 'Кандидат 3 работает 4 лет.', 'descriptions translated, read with the name');
    assert.deepEqual(await page.locator('#q-projects .option label').allTextContents(), ['Солнечная крыша', 'Сад', 'Велопарковка']);
    assert.equal(await page.textContent('#q-review .verdict-row legend'), 'Казначей');
    assert.deepEqual(await seriousA11yViolations(page), [], 'preview: the ballot');
    await screenshot(page, 'ballot-preview-ru');
  });

  it('the shuffled question comes in a voter\'s order: another visit draws another (one in 720 the same by chance)', async () => {
    const order = () => page.locator('#q-chair .options:not(.blank) input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    const first = await order();
    assert.deepEqual([...first].sort(), candidates.map((c) => c.id));
    let other = first;
    for (let i = 0; i < 3 && other.join() === first.join(); i++) {
      await page.reload();
      await page.waitForSelector('#q-chair input');
      other = await order();
    }
    assert.notDeepEqual(other, first, 'three reloads, always the same order');
    await page.waitForSelector('h2.qtitle:has-text("Председатель")');
  });

  it('answers as in the booth: what is missing is named, a third approval is refused, the review lists the answers; nothing is sent', async () => {
    await page.click('button[type=submit]');
    await page.waitForSelector('#problems');
    assert.equal(await page.locator('#problems li').count(), 4, 'each unanswered question named');
    await page.check('#q-projects-solar');
    await page.check('#q-projects-garden');
    await page.click('#q-projects-bikes');
    assert.equal(await page.isChecked('#q-projects-bikes'), false, 'the third approval is refused');
    assert.match(await page.textContent('#q-projects-count') ?? '', /2/);
    await page.check('#q-chair-c2');
    await page.check('#q-review-treasurer-encouragement');
    await page.check('#q-fee-for');
    await page.click('button[type=submit]');
    await page.waitForSelector('#preview-end');
    const review = await page.textContent('main') ?? '';
    for (const shown of ['Кандидат 2', 'Солнечная крыша', 'Сад', 'Казначей']) assert.ok(review.includes(shown), `the review shows ${shown}`);
    assert.match(await page.textContent('#preview-banner') ?? '', /ничего не отправляется/, 'the banner stays');
    assert.equal(await page.locator('#encrypt').count(), 0, 'no encrypt button');
    assert.deepEqual(await seriousA11yViolations(page), [], 'preview: the review');
    await page.click('#preview-change');
    await page.waitForSelector('#q-chair-c2:checked');

    const notGet = requests.filter((r) => r.method !== 'GET');
    assert.deepEqual(notGet, [], 'the preview made only GET requests');
    assert.ok(requests.some((r) => r.url.endsWith('/api/elections/preview-draft')), 'it read the election');
    assert.ok(!requests.some((r) => /\/ballots|\/record|voter-auth|credential/.test(r.url)), requests.map((r) => r.url).join('\n'));
    const info = await ok(srv.url, 'GET', '/api/elections/preview-draft');
    assert.equal(info.headSeq, 0, 'still a draft: nothing on its board but the election');
    assert.deepEqual(problems, []);
  });
});
