// Issue 12 in Debian's Chromium, one ranked election from the admin page to the results page's rounds,
// against the real server (SQLite, as `npm start` runs it). The organiser creates it on the admin page:
// a ranked question (Meek STV, 2 seats, 4 candidates, voters may stop) beside a single-choice question;
// the form refuses what the manifest rules refuse, and a submission changed past the form's own check is
// refused by the server, said in the form's words, with nothing created. The preview shows the ranked
// question. Three trustees make their keys and run the key ceremony on their pages; the authority makes
// and publishes the credentials on its page. One voter ranks with the keyboard alone, another taps on a
// 390 px phone, four vote from their own devices (`veche vote --server`). The organiser closes and
// tallies on the admin page; two trustees shuffle in turn and two decrypt the last shuffle on their
// pages (each checks the whole record first); the organiser counts the ranked questions on the admin
// page; two trustees decrypt the tally on their pages; the organiser publishes. The results page shows
// the rounds, the elected and two rounds' figures equal to `veche ranked count` of the exported BLT;
// `veche verify` passes the record downloaded from the board page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Manifest } from '../src/manifest/types.js';
import type { RankedResultPayload } from '../src/record/events.js';
import { tieSeed } from '../src/tally/tie-break.js';
import { veche, vecheOk } from './helpers/cli.js';
import { call, ok, recordEvents } from './helpers/server.js';
import { buildWeb, chromiumAvailable, DESK, downloadBy, launchChromium, messageMatches, screenshot, seriousA11yViolations, startVeche, tempDir, watchedPage, type VecheServer } from './helpers/browser.js';
import { finishedSecrets, keyCeremonyOnPages, makeSignerKeys, type SignerPages } from './helpers/signer-pages.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';
const ID = 'council';
const CANDIDATES = ['Okafor', 'Petrova', 'Lindqvist', 'Moreau'];
const ids = CANDIDATES.map((c) => c.toLowerCase());
const VOTERS = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'];
/**
 * The four voters on their own devices: [chair, ranking]. With the booth's two, Okafor's surplus and
 * Moreau's exclusion move votes, and no tie arises: a BLT recount (`veche ranked count --seed`) draws
 * its lot without the question's id, so only a count without ties is the record's (see the report).
 */
const DEVICE_VOTES: [string, string[]][] = [['ann', ['okafor', 'petrova']], ['ben', ['okafor', 'lindqvist']], ['ann', ['petrova', 'moreau']], ['ann', ['moreau', 'petrova']]];
/** What the booth's two voters rank. */
const BOOTH_RANKINGS = [['okafor', 'petrova'], ['lindqvist', 'okafor']];

describe('Chromium: a ranked election from the admin page to the rounds on the results page', { skip, timeout: 480_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  let dir: string;
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];
  let signers: SignerPages;
  let admin: Page;
  const credentials = new Map<string, string>();

  async function newPage(opts: { width?: number; height?: number; phone?: boolean } = {}): Promise<Page> {
    const viewport = { width: opts.width ?? 1100, height: opts.height ?? 900 };
    return (await watchedPage(browser, problems, { ...DESK, viewport, ...(opts.phone ? { hasTouch: true, isMobile: true } : {}), keepIn: contexts })).page;
  }
  const textMatches = (page: Page, selector: string, re: RegExp) => page.waitForFunction(([sel, src]) => new RegExp(src!).test(document.querySelector(sel!)?.textContent ?? ''), [selector, re.source]);
  const noSeriousViolations = async (page: Page, what: string) => assert.deepEqual(await seriousA11yViolations(page), [], `${what}: accessibility violations`);
  /** One step of the journey; once a step fails, the later ones are skipped rather than timing out one by one. */
  let broken = '';
  const step = (name: string, run: () => Promise<void>) => it(name, async (t) => {
    if (broken) return t.skip(`an earlier step failed: ${broken}`);
    try { await run(); } catch (e) { broken = name; throw e; }
  });
  const electionExists = async (id: string) => (await call(srv.url, 'GET', `/api/elections/${id}`)).status !== 404;

  before(async () => {
    buildWeb();
    dir = tempDir('veche-ranked-browser-');
    srv = await startVeche();
    browser = await launchChromium();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await srv?.close();
  });

  step('trustees and the authority make their signing keys on their own pages', async () => {
    signers = await makeSignerKeys(newPage, srv.url, ID, dir, 3);
  });

  step('admin: the form makes a ranked question (method, seats, may stop) beside a choice question; what the manifest refuses is refused in the form', async () => {
    admin = await newPage();
    await admin.goto(`${srv.url}/admin/`);
    await admin.fill('#admin-token', srv.adminToken);
    await admin.click('#sign-in');
    await admin.click('a[href="#new"]');
    await admin.waitForSelector('#q0-type');
    await admin.fill('#e-title', 'Council election 2027');
    await admin.fill('#e-id', ID);
    await admin.selectOption('#q0-type', 'ranked');
    await admin.waitForSelector('#q0-method');
    await admin.fill('#q0-title', 'Council');
    await admin.fill('#q0-items', CANDIDATES.join('\n'));
    assert.equal(await admin.isChecked('#q0-rank-stop'), true, 'voters may stop, unless the organiser says otherwise');
    assert.match(await admin.textContent('#q0-ranked-rules') ?? '', /Ties are broken by lot, from the record’s public seed.*shuffle the encrypted rankings in turn/s);
    // IRV elects one: choosing it sets one seat.
    await admin.selectOption('#q0-method', 'irv');
    await admin.waitForFunction(() => /one candidate: 1 seat/.test(document.getElementById('q0-seats-hint')?.textContent ?? ''));
    assert.equal(await admin.inputValue('#q0-seats'), '1');
    await admin.selectOption('#q0-method', 'meek-stv');
    await admin.waitForFunction(() => /From 1 to the number of candidates/.test(document.getElementById('q0-seats-hint')?.textContent ?? ''));
    await admin.selectOption('#add-type', 'choice');
    await admin.click('#add-question');
    await admin.fill('#q1-title', 'Chair');
    await admin.fill('#q1-items', 'Ann\nBen');
    for (const [i, name] of ['Tanya Ivanova', 'Ulrich Berg', 'Vera Costa'].entries()) {
      await admin.fill(`#tr${i}-name`, name);
      await admin.fill(`#tr${i}-key`, signers.trusteeKeys[i]!);
    }
    await admin.fill('#e-threshold', '2');
    await admin.fill('#e-authority-name', 'Membership secretary');
    await admin.fill('#e-authority-key', signers.authorityKey);
    // More seats than candidates, and IRV with two seats: refused in the page, in the form's words.
    await admin.fill('#q0-seats', '5');
    await admin.click('#create');
    await textMatches(admin, '#draft-errors', /Question 1, Seats to fill: must be from 1 to the number of candidates, got 5/);
    await admin.selectOption('#q0-method', 'irv');
    await admin.fill('#q0-seats', '2');
    await admin.click('#create');
    await textMatches(admin, '#draft-errors', /Question 1, Seats to fill: IRV elects one candidate: seats must be 1/);
    assert.doesNotMatch(await admin.textContent('#draft-errors') ?? '', /questions\[/);
    assert.equal(await electionExists(ID), false, 'nothing is created');
    await admin.selectOption('#q0-method', 'meek-stv');
    await admin.fill('#q0-seats', '2');
    await admin.locator('#q0').scrollIntoViewIfNeeded();
    await screenshot(admin, 'ranked-admin-form', false);
    await noSeriousViolations(admin, 'admin: the form with a ranked question');
  });

  step('attacker (admin): a ranked question the manifest refuses, sent past the form\'s check, is refused by the server, said in the form\'s words, and nothing is created', async () => {
    // The request leaves the page and is changed on its way (as a hand-made request or a patched page
    // would send it): 5 seats of 4 candidates, and a method the manifest does not know.
    await admin.route('**/api/elections', async (route) => {
      const manifest = JSON.parse(route.request().postData() ?? '{}') as Manifest;
      Object.assign(manifest.questions[0]!, { seats: 5, method: 'borda' });
      await route.continue({ postData: JSON.stringify(manifest) });
    });
    await admin.click('#create');
    await messageMatches(admin, /The server refused the election definition/);
    const said = await admin.textContent('#message') ?? '';
    assert.match(said, /Question 1, Counting method: expected one of "meek-stv", "scottish-stv", "irv", "schulze", got the string "borda"/);
    assert.match(said, /Question 1, Seats to fill: must be from 1 to the number of candidates, got 5/);
    await admin.unroute('**/api/elections');
    assert.equal(await electionExists(ID), false, 'the refused election is not created');
    // The same straight to the API: 400 with every problem by its manifest path, and no election.
    const manifest: Manifest = {
      version: 'veche/manifest/v2', id: 'forged-ranked', title: 'Forged', description: '', languages: ['en'],
      questions: [{ type: 'ranked', id: 'q', title: 'Q', candidates: ids.map((id) => ({ id, label: id })), seats: 4, method: 'meek-stv', mustRankAll: false }],
      trustees: signers.trusteeKeys.map((signingKey, i) => ({ id: `t${i + 1}`, name: `T${i + 1}`, signingKey })),
      credentialAuthority: { name: 'A', signingKey: signers.authorityKey }, threshold: 2,
    };
    const refused = await call(srv.url, 'POST', '/api/elections', { token: srv.adminToken, json: { ...manifest, questions: [{ ...manifest.questions[0]!, seats: 5, method: 'borda' }] } });
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.error, 'invalid-manifest');
    assert.deepEqual(refused.body.errors, ['questions[0].method: expected one of "meek-stv", "scottish-stv", "irv", "schulze", got the string "borda"', 'questions[0].seats: must be from 1 to the number of candidates, got 5']);
    const irvTwo = await call(srv.url, 'POST', '/api/elections', { token: srv.adminToken, json: { ...manifest, questions: [{ ...manifest.questions[0]!, seats: 2, method: 'irv' }] } });
    assert.equal(irvTwo.status, 400, irvTwo.text);
    assert.deepEqual(irvTwo.body.errors, ['questions[0].seats: IRV elects one candidate: seats must be 1']);
    assert.equal(await electionExists('forged-ranked'), false);
    assert.ok(!(await ok(srv.url, 'GET', '/api/elections') as { id: string }[]).some((e) => e.id === 'forged-ranked' || e.id === ID));
  });

  step('admin: the form as filled creates the election; the preview shows the ranked question', async () => {
    await admin.click('#create');
    await admin.waitForSelector('input.trustee-link');
    signers.trusteeLinks.push(...await admin.$$eval('input.trustee-link', (els) => els.map((e) => (e as HTMLInputElement).value)));
    assert.equal(signers.trusteeLinks.length, 3);
    const info = await ok(srv.url, 'GET', `/api/elections/${ID}`) as { manifest: Manifest };
    assert.deepEqual(info.manifest.questions, [
      { type: 'ranked', id: 'council', title: 'Council', candidates: CANDIDATES.map((label, i) => ({ id: ids[i]!, label })), seats: 2, method: 'meek-stv', mustRankAll: false },
      { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'ann', label: 'Ann' }, { id: 'ben', label: 'Ben' }], allowBlank: false, absoluteMajority: false },
    ]);
    const page = await newPage();
    await page.goto(`${srv.url}/preview/${ID}`);
    await page.waitForSelector('#q-council-add-petrova');
    assert.match(await page.textContent('#q-council-rules') ?? '', /you may stop at any point\. 2 seats to fill\./);
    await page.click('#q-council-add-petrova');
    await page.click('#q-council-add-moreau');
    await page.check('#q-chair-ben');
    await page.click('button[type=submit]');
    await page.waitForSelector('#preview-end');
    assert.match(await page.textContent('main') ?? '', /1\. Petrova, 2\. Moreau; not ranked: Okafor, Lindqvist/);
    await noSeriousViolations(page, 'preview: review of a ranking');
  });

  step('authority: makes and publishes the credentials on its page', async () => {
    const page = signers.authority;
    await page.goto(await admin.inputValue('#authority-link'));
    await page.waitForSelector('#voters-file');
    await page.setInputFiles('#voters-file', { name: 'voters.csv', mimeType: 'text/csv', buffer: Buffer.from(`voter,weight\n${VOTERS.map((v) => `${v},1`).join('\n')}\n`) });
    await page.waitForSelector('#voters-read');
    await page.click('#generate-credentials');
    await page.waitForSelector('#download-credentials:not([disabled])');
    const csv = await downloadBy(page, '#download-credentials', join(dir, 'credentials.csv'));
    for (const [voter, , credential] of readFileSync(csv, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','))) credentials.set(voter!, credential!);
    await page.click('#publish-credentials');
    await messageMatches(page, /6 public credentials signed and published/);
  });

  step('trustees: the key ceremony on their pages; admin opens the poll', async () => {
    await keyCeremonyOnPages(signers.trustees, signers.trusteeLinks);
    signers.trusteeFiles = await finishedSecrets(signers.trustees, dir);
    await admin.click('#refresh');
    await admin.waitForSelector('#open-poll:not([disabled])');
    await admin.click('#open-poll');
    await admin.waitForSelector('#close-poll');
  });

  /** Tab (or Shift+Tab) until the focused element matches `selector`: the keyboard voter's only way around. */
  async function tabTo(page: Page, selector: string, key = 'Tab'): Promise<void> {
    for (let i = 0; i < 60; i++) {
      if (await page.evaluate((sel) => !!document.activeElement?.matches(sel), selector)) return;
      await page.keyboard.press(key);
    }
    throw new Error(`keyboard: could not reach ${selector}`);
  }
  /** The booth with a voter's link, once it shows the ranked question; else what it says instead, and the page's problems. */
  async function openBooth(page: Page, voter: string): Promise<void> {
    await page.goto(`${srv.url}/vote/${ID}#credential=${credentials.get(voter)!}`);
    await page.waitForSelector('#q-council-add-okafor, #credential-error, main .notice.error', { timeout: 90_000 }).catch(() => undefined);
    if (await page.locator('#q-council-add-okafor').count() === 0) assert.fail(`the booth shows no ranked question: ${(await page.textContent('main').catch(() => ''))?.replace(/\s+/g, ' ')} | ${problems.join(' | ')}`);
  }

  step('booth: one voter ranks with the keyboard alone, another taps on a 390 px phone; four vote from their devices', async () => {
    const keyboard = await newPage({ width: 1024, height: 900 });
    await openBooth(keyboard, 'ann');
    await tabTo(keyboard, '#q-council-add-okafor');
    await keyboard.keyboard.press('Enter');
    await textMatches(keyboard, '#q-council-ranking-live', /Okafor: now number 1 of 1/);
    await tabTo(keyboard, '#q-council-add-petrova');
    await keyboard.keyboard.press('Enter');
    await textMatches(keyboard, '#q-council-ranking-live', /Petrova: now number 2 of 2/);
    await tabTo(keyboard, '#q-chair-ann');
    await keyboard.keyboard.press('Space');
    await tabTo(keyboard, 'button[type=submit]');
    await keyboard.keyboard.press('Enter');
    await keyboard.waitForSelector('#encrypt');
    assert.match(await keyboard.textContent('main') ?? '', /1\. Okafor, 2\. Petrova; not ranked: Lindqvist, Moreau/);
    await tabTo(keyboard, '#encrypt');
    await keyboard.keyboard.press('Enter');
    await keyboard.waitForSelector('#cast', { timeout: 60_000 });
    await tabTo(keyboard, '#cast');
    await keyboard.keyboard.press('Enter');
    await keyboard.waitForSelector('#vote-again', { timeout: 60_000 });

    const phone = await newPage({ width: 390, height: 844, phone: true });
    await openBooth(phone, 'ben');
    for (const id of BOOTH_RANKINGS[1]!) await phone.tap(`#q-council-add-${id}`);
    await phone.tap('#q-chair-ben');
    assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the booth fits 390 px');
    await phone.tap('button[type=submit]');
    await phone.waitForSelector('#encrypt');
    assert.match(await phone.textContent('main') ?? '', /1\. Lindqvist, 2\. Okafor; not ranked: Petrova, Moreau/);
    await phone.tap('#encrypt');
    await phone.waitForSelector('#cast', { timeout: 60_000 });
    await phone.tap('#cast');
    await phone.waitForSelector('#vote-again', { timeout: 60_000 });

    for (const [k, [chair, ranking]] of DEVICE_VOTES.entries()) {
      const choices = join(dir, `choices-${k}.json`);
      writeFileSync(choices, JSON.stringify({ chair, council: ranking }));
      await vecheOk(['vote', '--server', srv.url, '--election', ID, '--credential', credentials.get(VOTERS[2 + k]!)!, '--choices', choices]);
    }
    assert.equal((await ok(srv.url, 'GET', `/api/elections/${ID}`)).ballots, 6);
  });

  /** Clicks `button` on a trustee's page and waits (time-bound) until its message says `done`. */
  async function trusteeStep(i: number, button: string, done: RegExp): Promise<void> {
    const page = signers.trustees[i]!;
    await page.goto(signers.trusteeLinks[i]!);
    await page.waitForSelector(`${button}:not([disabled])`, { timeout: 90_000 });
    await page.click(button);
    await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('message')?.textContent ?? ''), done.source, { timeout: 120_000 });
  }

  step('admin closes and tallies; two trustees shuffle and two decrypt the last shuffle on their pages; admin counts the ranked questions on its page', async () => {
    await admin.click('#close-poll');
    await admin.click('#confirm-action');
    await admin.waitForSelector('#tally');
    await admin.click('#tally');
    await admin.click('#confirm-action');
    await admin.waitForSelector('#ranked-step');
    await textMatches(admin, '#ranked-status', /Shuffles: 0 of 2\. Decryptions of the last shuffle: 0 of 2\./);
    assert.equal(await admin.isDisabled('#ranked-result'), true, 'no count before the shuffles and their decryption');
    assert.equal(await admin.isDisabled('#publish-result'), true, 'no result before the ranked count');
    // Each in their own browser, which holds their secret from the key ceremony.
    await trusteeStep(0, '#shuffle', /Your shuffle \(1 of 2; rows: 6\) is on the board/);
    await trusteeStep(1, '#shuffle', /Your shuffle \(2 of 2; rows: 6\) is on the board/);
    await trusteeStep(0, '#decrypt-mix', /Your decryption of the last shuffle \(rows: 6\) is on the board/);
    await trusteeStep(2, '#decrypt-mix', /Your decryption of the last shuffle \(rows: 6\) is on the board/);
    await admin.click('#refresh');
    await textMatches(admin, '#ranked-status', /Shuffles: 2 of 2\. Decryptions of the last shuffle: 2 of 2\./);
    await admin.locator('#ranked-step').scrollIntoViewIfNeeded();
    await screenshot(admin, 'ranked-admin-count-step', false);
    await noSeriousViolations(admin, 'admin: the ranked step');
    await admin.click('#ranked-result:not([disabled])');
    await messageMatches(admin, /The ranked questions are counted/);
    assert.equal((await recordEvents(srv.url, ID, 'ranked-result')).length, 1);
  });

  step('two trustees decrypt the tally on their pages; admin publishes the result', async () => {
    for (const i of [0, 1]) {
      const page = signers.trustees[i]!;
      await page.goto(signers.trusteeLinks[i]!);
      await page.waitForSelector('#decrypt:not([disabled])');
      await page.click('#decrypt');
      await messageMatches(page, /decryption share is on the board|recounted from the 6 counted ballots and matches/);
    }
    await admin.click('#refresh');
    await admin.waitForSelector('#publish-result:not([disabled])');
    await admin.click('#publish-result');
    await admin.click('#confirm-action');
    await messageMatches(admin, /result is published/);
  });

  step('results: the rounds on the page, the elected and a round\'s figures equal to `veche ranked count` of the exported BLT; `veche verify` passes the downloaded record', async () => {
    const page = await newPage();
    await page.goto(`${srv.url}/board/${ID}`);
    await page.waitForSelector('#board-table tbody tr');
    const record = await downloadBy(page, '#download-record', join(dir, 'record.jsonl'));
    const verified = await veche(['verify', record]);
    assert.equal(verified.code, 0, `${verified.stdout}\n${verified.stderr}`);
    assert.match(verified.stdout, /VERIFIED/);

    const events = readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; hash: string; payload: unknown });
    const published = (events.find((e) => e.type === 'ranked-result')!.payload as RankedResultPayload).questions[0]!;
    const sorted = (xs: (number[] | null)[]) => xs.map((x) => JSON.stringify(x)).sort();
    assert.deepEqual(sorted(published.rankings), sorted([...BOOTH_RANKINGS, ...DEVICE_VOTES.map(([, r]) => r)].map((r) => r.map((id) => ids.indexOf(id)))), 'the decrypted rankings are the cast ones, shuffled');

    // Anyone recounts from the BLT: the same elected, and the same figures round by round.
    const blt = join(dir, 'council.blt');
    await vecheOk(['ranked', 'export', '--blt', record, '--out', blt]);
    const joint = (events.find((e) => e.type === 'joint-key')!.payload as { publicKey: string }).publicKey;
    const recount = JSON.parse((await vecheOk(['ranked', 'count', blt, '--method', 'meek-stv', '--seed', tieSeed(events[0]!.hash, joint), '--json'])).stdout) as typeof published.result;
    assert.deepEqual(recount.elected, published.result.elected);

    await page.goto(`${srv.url}/results/${ID}`);
    await page.waitForSelector('.ranked-result', { timeout: 90_000 });
    const names = recount.elected.map((i) => CANDIDATES[i]!);
    assert.match(await page.textContent('.ranked-result .outcome') ?? '', new RegExp(`Elected, in the order of election: ${names.join(', ')}`));
    const rounds = recount.rounds.filter((r) => r.steps.some((s) => s.votes));
    assert.ok(rounds.length >= 3, `a count of several rounds (${rounds.length})`);
    for (const r of [rounds[1]!, rounds.at(-1)!]) {
      const last = [...r.steps].reverse().find((s) => s.votes)!;
      const cells = await page.$$eval(`#rounds-0-${r.round} tbody td.num`, (tds) => tds.map((td) => td.textContent));
      assert.deepEqual(cells, last.votes, `round ${r.round}: each candidate's votes to nine places, as veche ranked count has them`);
      assert.ok((await page.textContent(`#rounds-0-${r.round} tfoot`) ?? '').includes(`Quota${last.quota}`), `round ${r.round}: the quota`);
    }
    await page.locator('.ranked-result').first().scrollIntoViewIfNeeded();
    await screenshot(page, 'ranked-results-rounds');
    await noSeriousViolations(page, 'results: the rounds');
    assert.deepEqual(problems, []);
  });
});
