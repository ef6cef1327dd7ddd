// The results page of an election whose manifest breaks ties by lot (spec §12.1), in Chromium against
// the real server: after this browser checked the record, it says the tie, who the lot chose and from
// which seed, in Russian with the election's own texts; the PDF link gives the server's report; a
// 390 px phone shows it all; axe finds nothing serious.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { validateManifest } from '../src/manifest/validate.js';
import type { ChoiceResult } from '../src/tally/rules.js';
import { ballotFor, finishElection, openElection, recordLines } from './helpers/election-fixture.js';
import { compactManifest } from './helpers/election.js';
import { testStores, type TestStore } from './helpers/stores.js';
import { startServer, type TestServer } from './helpers/server.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, watchedPage, WEB_DIR } from './helpers/browser.js';

const skip = chromiumAvailable() ? false : 'Debian chromium is not installed (scripts/install-system-deps.sh)';
let made: TestStore;
let server: TestServer;
let browser: Browser;
let chair: ChoiceResult;

before(async () => {
  if (skip) return;
  buildWeb();
  const manifest = validateManifest({
    ...compactManifest('tied'),
    tieBreak: { method: 'seed' },
    translations: { ru: { title: 'Выборы правления', questions: { chair: { title: 'Председатель', options: { okafor: { label: 'Амара Окафор' }, petrova: { label: 'Дарья Петрова' } } } } } },
  });
  made = (await testStores().find((s) => s.name === 'sqlite')!.make('web-results-tie'))!;
  const el = await openElection(made.store, { voters: 3, manifest });
  await el.board.castBallot(ballotFor(el, el.voters[0]!, 0).ballot);
  await el.board.castBallot(ballotFor(el, el.voters[1]!, 1).ballot);
  await finishElection(el);
  chair = (JSON.parse((await recordLines(el.board)).at(-1)!) as { payload: { results: ChoiceResult[] } }).payload.results[0]!;
  server = await startServer(made.store, { webDir: WEB_DIR });
  browser = await launchChromium();
}, { timeout: 120_000 });

after(async () => {
  if (skip) return;
  await browser?.close();
  await server?.close();
  await made?.dispose();
});

test('results page: the tie drawn by lot, its seed, and the PDF report, in Russian on a phone', { skip, timeout: 120_000 }, async () => {
  const problems: string[] = [];
  const { context, page } = await watchedPage(browser, problems, { viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
  await page.goto(`${server.base}/results/tied`);
  await page.waitForFunction(() => /Проверено в этом браузере: учтено 2 бюллетеня/.test(document.getElementById('browser-check')?.textContent ?? ''), undefined, { timeout: 90_000 });
  const text = (await page.textContent('main')) ?? '';
  const winner = chair.winner === 'okafor' ? 'Амара Окафор' : 'Дарья Петрова';
  assert.match(text, /Выборы правления/);
  assert.ok(text.includes(`Равенство голосов у: Амара Окафор, Дарья Петрова; по жребию: ${winner}.`), text);
  assert.ok(chair.tieBreak?.method === 'seed' && text.includes(chair.tieBreak.seed.match(/.{8}/g)!.join(' ')), 'the seed is shown, in groups of eight');
  assert.match(text, /2 голоса за кандидатов\. 0 пустых голосов\./);
  // Nothing wider than the phone.
  await screenshot(page, 'results-tie-ru-390');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page fits 390 px (wide tables scroll in their frame)');
  const href = await page.getAttribute('#download-pdf', 'href');
  assert.equal(href, '/api/elections/tied/report.pdf?lang=ru');
  const pdf = await page.request.get(`${server.base}${href}`);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
  assert.deepEqual(await seriousA11yViolations(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});
