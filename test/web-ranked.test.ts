// Issue 12 in Chromium: a ranked (Meek STV, two seats) election over the real server. One voter ranks
// with the keyboard alone (focus stays on the candidate moved, each change said in the live region),
// another taps on a 390 px touch phone (large targets; an empty ranking is refused and said); both
// reviews state the ranking in words with the unranked named; four more ballots come from the CLI's
// module. The trustees mix, decrypt the mix and the tally in-process (as `veche trustee` does, each on
// the record it checked); the results page, after its own check of the record, shows a table per round
// with the record's exact figures and the chart of transfers with its text; axe finds nothing serious;
// `veche verify` passes the record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { rankedSlots } from '../src/ballot/ranked.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { selectionGroups } from '../src/manifest/layout.js';
import type { PayloadByType, RankedResultPayload } from '../src/record/events.js';
import { makeMix, makeMixDecryption } from '../src/ranked/trustee.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { checkRecord, linesSource } from '../src/verify/record-check.js';
import { rankedStepOf } from '../src/verify/ranked.js';
import { keyed } from './helpers/election.js';
import { testStores, type TestStore } from './helpers/stores.js';
import { call, ok, openElectionOverHttp, recordEvents, recordText, startServer, type HttpElection, type TestServer } from './helpers/server.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, tempDir, watchedPage, WEB_DIR } from './helpers/browser.js';
import { veche } from './helpers/cli.js';

const skip = chromiumAvailable() ? false : 'Debian chromium is not installed (scripts/install-system-deps.sh)';
const ID = 'council';
const manifest = keyed({
  id: ID, title: 'Council election', description: '', languages: ['en'],
  questions: [{
    type: 'ranked', id: 'council', title: 'Council', seats: 2, method: 'meek-stv', mustRankAll: false,
    candidates: [{ id: 'okafor', label: 'Amara Okafor' }, { id: 'petrova', label: 'Daria Petrova' }, { id: 'lindqvist', label: 'Lindqvist' }, { id: 'moreau', label: 'Moreau' }],
  }, { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], allowBlank: false, absoluteMajority: false }],
  trustees: [{ id: 't1', name: 'T1' }, { id: 't2', name: 'T2' }, { id: 't3', name: 'T3' }],
  threshold: 2,
});
// Candidate indices: okafor 0, petrova 1, lindqvist 2, moreau 3. Okafor's surplus and Moreau's exclusion
// move votes between rounds.
const CLI_RANKINGS = [[0, 1], [0, 2], [0, 3, 2], [3, 1]];

let made: TestStore;
let server: TestServer;
let browser: Browser;
let el: HttpElection;

before(async () => {
  if (skip) return;
  buildWeb();
  made = (await testStores().find((s) => s.name === 'sqlite')!.make('web-ranked'))!;
  server = await startServer(made.store, { webDir: WEB_DIR });
  el = await openElectionOverHttp(server, manifest, 2 + CLI_RANKINGS.length);
  browser = await launchChromium();
}, { timeout: 120_000 });

after(async () => {
  if (skip) return;
  await browser?.close();
  await server?.close();
  await made?.dispose();
});

/** A touch phone 390 px wide. */
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
const link = (v: number) => `${server.base}/vote/${ID}#credential=${el.credentials[v]!.credential}`;
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const live = (page: Page) => page.textContent('#q-council-ranking-live').then((x) => (x ?? '').trim());

/** Tab (or Shift+Tab) until the focused element matches `selector`: the keyboard voter's only way around. */
async function tabToMatch(page: Page, selector: string, key = 'Tab'): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (await page.evaluate((sel) => !!document.activeElement?.matches(sel), selector)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`keyboard: could not reach ${selector}`);
}

async function castFromReview(page: Page, keyboard: boolean): Promise<void> {
  await page.waitForSelector('#encrypt');
  if (keyboard) { await tabToMatch(page, '#encrypt'); await page.keyboard.press('Enter'); } else await page.tap('#encrypt');
  await page.waitForSelector('#cast', { timeout: 60_000 });
  if (keyboard) { await tabToMatch(page, '#cast'); await page.keyboard.press('Enter'); } else await page.tap('#cast');
  await page.waitForSelector('#vote-again', { timeout: 60_000 });
  assert.match(await page.textContent('main') ?? '', /signature by the board checked/);
}

test('booth: a ranking made with the keyboard alone, each move said and focus kept on the candidate', { skip, timeout: 120_000 }, async () => {
  const problems: string[] = [];
  const { context, page } = await watchedPage(browser, problems, { viewport: { width: 1024, height: 900 } });
  await page.goto(link(0));
  await page.waitForSelector('#q-council-add-okafor');
  assert.match(await page.textContent('#q-council-rules') ?? '', /you may stop at any point\. 2 seats to fill\./);
  const tabTo = (id: string, key = 'Tab') => tabToMatch(page, `#${id}`, key);
  await tabTo('q-council-add-okafor');
  await page.keyboard.press('Enter');
  assert.equal(await live(page), 'Amara Okafor: now number 1 of 1.');
  assert.equal(await focusedId(page), 'q-council-add-petrova', 'focus goes to the next candidate not ranked');
  await page.keyboard.press('Enter');
  assert.equal(await live(page), 'Daria Petrova: now number 2 of 2.');
  await tabTo('q-council-up-petrova', 'Shift+Tab'); // back over Petrova's remove button (its down arrow is disabled)
  await page.keyboard.press('Enter');
  assert.equal(await live(page), 'Daria Petrova: now number 1 of 2.');
  assert.equal(await focusedId(page), 'q-council-down-petrova', 'at the top, focus moves to the same candidate’s other arrow');
  await page.keyboard.press('Enter');
  assert.equal(await live(page), 'Daria Petrova: now number 2 of 2.');
  const ranked = await page.$$eval('.ranked-list > li .rank-name', (xs) => xs.map((x) => x.textContent));
  assert.deepEqual(ranked, ['Amara Okafor', 'Daria Petrova']);
  // The ranked list is an <ol>: a screen reader reads each position; the buttons name their candidate.
  assert.equal(await page.getAttribute('#q-council-up-petrova', 'disabled'), null);
  assert.match(await page.textContent('#q-council-remove-okafor') ?? '', /Remove Amara Okafor/);
  assert.deepEqual(await seriousA11yViolations(page), []);
  await tabTo('q-chair-a');
  await page.keyboard.press('Space');
  await tabToMatch(page, 'button[type=submit]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#encrypt');
  assert.match(await page.textContent('main') ?? '', /1\. Amara Okafor, 2\. Daria Petrova; not ranked: Lindqvist, Moreau/);
  await screenshot(page, 'ranked-review-keyboard');
  await castFromReview(page, true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('booth: a ranking tapped on a 390 px touch phone; an empty ranking is refused and said', { skip, timeout: 120_000 }, async () => {
  const problems: string[] = [];
  const { context, page } = await watchedPage(browser, problems, PHONE);
  await page.goto(link(1));
  await page.waitForSelector('#q-council-add-lindqvist');
  await page.tap('button[type=submit]');
  await page.waitForSelector('#problems');
  assert.match(await page.textContent('#problems') ?? '', /“Council”: rank at least one candidate\./);
  for (const id of ['lindqvist', 'okafor', 'petrova']) await page.tap(`#q-council-add-${id}`);
  await page.tap('#q-council-remove-petrova');
  assert.equal(await live(page), 'Daria Petrova removed from your ranking.');
  assert.equal(await page.locator('#q-council-error').count(), 0, 'the question’s problem note goes once a candidate is ranked');
  // Thumb-sized targets, and nothing wider than the phone.
  const small = await page.$$eval('#q-council-ranking button', (bs) => bs.map((b) => b.getBoundingClientRect()).filter((r) => r.height < 44 || r.width < 44).length);
  assert.equal(small, 0, 'every ranking button is at least 44 px each way');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the booth fits 390 px');
  await screenshot(page, 'ranked-ballot-phone');
  assert.deepEqual(await seriousA11yViolations(page), []);
  // A reload keeps the unfinished ranking sealed in this tab: it opens again with the credential.
  await page.reload();
  await page.waitForSelector('#credential');
  await page.fill('#credential', el.credentials[1]!.credential);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#draft-restored');
  assert.deepEqual(await page.$$eval('.ranked-list > li .rank-name', (xs) => xs.map((x) => x.textContent)), ['Lindqvist', 'Amara Okafor'], 'the ranking is restored after the reload');
  await page.tap('#q-chair-b');
  await page.tap('button[type=submit]');
  await page.waitForSelector('#encrypt');
  assert.match(await page.textContent('main') ?? '', /1\. Lindqvist, 2\. Amara Okafor; not ranked: Daria Petrova, Moreau/);
  await castFromReview(page, false);
  assert.deepEqual(problems, []);
  await context.close();
});

test('results: mixed, decrypted and counted; a table per round and the transfers chart on a phone; veche verify', { skip, timeout: 180_000 }, async () => {
  const base = server.base;
  const admin = { token: server.adminToken };
  const key = decodePublicKey(el.jointKey);
  for (const [k, ranking] of CLI_RANKINGS.entries()) {
    const voter = credentialKeys(el.electionHash, el.credentials[2 + k]!.credential);
    const { ballot } = encryptBallot(el.electionHash, key, selectionGroups(manifest), [[k % 2, 1 - (k % 2)]], voter, { slots: rankedSlots(manifest), rankings: [ranking] });
    await ok(base, 'POST', `/api/elections/${ID}/ballots`, { json: ballot });
  }
  await ok(base, 'POST', `/api/elections/${ID}/close`, admin);
  await ok(base, 'POST', `/api/elections/${ID}/tally`, admin);
  const checked = async () => {
    const { report, state } = await checkRecord(linesSource((await recordText(base, ID)).trimEnd().split('\n')));
    assert.ok(report.okSoFar, report.failedChecks.join(', '));
    return rankedStepOf(state);
  };
  const secret = (id: string) => el.secrets.find((s) => s.trustee === id)!;
  const path = (id: string, step: string) => `/api/elections/${ID}/trustees/${id}/${step}`;
  for (const [i, id] of ['t1', 't2'].entries()) {
    const step = await checked();
    await ok(base, 'POST', path(id, 'mix'), { token: el.trusteeTokens[id]!, json: makeMix(secret(id), step.env, i, step.nextInput()) });
  }
  const step = await checked();
  for (const id of ['t1', 't3']) await ok(base, 'POST', path(id, 'mix-decryption'), { token: el.trusteeTokens[id]!, json: makeMixDecryption(secret(id), step.env, step.lastMix()) });
  const published = (await ok(base, 'POST', `/api/elections/${ID}/ranked-result`, admin)).rankedResult as RankedResultPayload;
  const council = published.questions[0]!;
  // The two booth rankings are in the decrypted (shuffled) rankings, as the booth said them.
  const sorted = (xs: (number[] | null)[]) => xs.map((x) => JSON.stringify(x)).sort();
  assert.deepEqual(sorted(council.rankings), sorted([[0, 1], [2, 0], ...CLI_RANKINGS]));
  const [tally] = await recordEvents(base, ID, 'tally');
  for (const id of ['t1', 't2']) await ok(base, 'POST', path(id, 'decryption'), { token: el.trusteeTokens[id]!, json: makeDecryptionShare(secret(id), (tally!.payload as PayloadByType['tally']).sums) });
  await ok(base, 'POST', `/api/elections/${ID}/result`, admin);

  const problems: string[] = [];
  const { context, page } = await watchedPage(browser, problems, PHONE);
  await page.goto(`${base}/results/${ID}`);
  await page.waitForSelector('.ranked-result', { timeout: 90_000 });
  const result = council.result;
  const rounds = result.rounds.filter((r) => r.steps.some((s) => s.votes));
  assert.ok(rounds.length >= 3, `a count of several rounds (${rounds.length})`);
  assert.match(await page.textContent('.ranked-result .outcome') ?? '', new RegExp(`Elected, in the order of election: ${result.elected.map((i) => manifest.questions[0]!.type === 'ranked' ? manifest.questions[0]!.candidates[i]!.label : '').join(', ')}`));
  for (const r of rounds) {
    const last = [...r.steps].reverse().find((s) => s.votes)!;
    const cells = await page.$$eval(`#rounds-0-${r.round} tbody td.num`, (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(cells, last.votes, `round ${r.round}: each candidate's votes to nine places, as the record has them`);
    const foot = await page.textContent(`#rounds-0-${r.round} tfoot`) ?? '';
    assert.ok(foot.includes(`Quota${last.quota}`) && foot.includes(`Exhausted${last.figures!.residual}`), `round ${r.round}: quota and exhausted (${foot})`);
  }
  assert.match(await page.textContent(`#rounds-0-${rounds[1]!.round} tbody`) ?? '', /Elected in this round/);
  // The chart: one bar per round drawn with DOM calls, named, with the moves in words beside it.
  assert.equal(await page.locator('#transfers-0 svg.transfer-chart g').count(), rounds.length);
  assert.match(await page.getAttribute('#transfers-0 svg', 'role') ?? '', /^img$/);
  const moves = await page.$$eval('#transfers-0 .transfer-moves li', (lis) => lis.map((li) => li.textContent));
  assert.equal(moves.length, rounds.length - 1);
  assert.ok(moves.some((m) => /−\d+\.\d{9}/.test(m ?? '') && /\+\d+\.\d{9}/.test(m ?? '')), `some round moves votes: ${moves.join(' | ')}`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the results fit 390 px');
  await screenshot(page, 'ranked-results-phone');
  assert.deepEqual(await seriousA11yViolations(page), []);
  assert.deepEqual(problems, []);
  await context.close();

  const dir = tempDir('web-ranked-');
  const file = join(dir, 'record.jsonl');
  writeFileSync(file, await recordText(base, ID));
  const verified = await veche(['verify', file]);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.equal((await call(base, 'GET', `/api/elections/${ID}/result`)).status, 200);
});
