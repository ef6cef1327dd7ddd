// A body's forum in Debian's Chromium against the real server (npm start's runServer): Ana posts a
// proposal with an attachment, Boris (on a 390 px phone) and Ana discuss it, Chen endorses by keyboard
// alone, and with the third endorsement the proposal is qualified and queued. An officer hides Boris's
// reply with a reason, it shows in the public moderation log, Boris appeals and another officer restores
// it. Dana (in Russian) finds the proposal by search. Titles, texts and an attachment name carrying
// <script> and <img onerror> are shown as text. A refusal of the server is shown with its code in
// words. Then the organiser puts the proposal onto a draft election as the motion forum-<id>, and the
// forum page says so, read from the published manifest. axe finds no serious or critical violation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { newSigningKey, type SigningKeyPair } from '../src/record/signature.js';
import { ok } from './helpers/server.js';
import { compactManifest } from './helpers/election.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, startVeche, watchedPage, type VecheServer } from './helpers/browser.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

const PEOPLE = [['m1', 'Ana Author'], ['m2', 'Boris Phone'], ['m3', 'Chen Keys'], ['m4', 'Dana Reader']] as const;
const OFFICERS = [['mod1', 'Olga Officer'], ['mod2', 'Pavel Officer']] as const;
const TITLE = 'Budget <script>window.__xss=1</script><img src=x onerror="window.__xss=2">';
const TEXT = 'That the membership fee rises to 12.\n\n<img src=x onerror="window.__xss=3"> <script>window.__xss=4</script>';
const FILE = '<img src=x onerror=window.__xss=5>.txt';
const REPLY = '<script>window.__xss=6</script>A fee of 12 is too much for students.';

describe('a forum in Chromium: proposal, discussion, endorsements, moderation, search, onto a ballot', { skip, timeout: 240_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  const keys = new Map<string, SigningKeyPair>();
  const problems: string[] = [];
  const pages = new Map<string, Page>();
  let pid = '';

  async function open(name: string, signer: string | null, opts: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<Page> {
    const { page } = await watchedPage(browser, problems, { locale: opts.locale ?? 'en-US', viewport: opts.viewport ?? { width: 1280, height: 900 }, timeout: 30_000 });
    await page.goto(`${srv.url}/forum/council${signer ? `#member=${signer}&key=${keys.get(signer)!.secret}` : ''}`);
    await page.waitForSelector('#forum[data-ready]');
    pages.set(name, page);
    return page;
  }
  const text = async (p: Page, selector: string) => (await p.innerText(selector)).replace(/\s+/g, ' ').trim();
  /** What a page shows after another page acted: waited for (time-bound), never read at once. */
  const until = async (p: Page, selector: string, re: RegExp) => {
    let last = '';
    for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      last = (await p.locator(selector).count()) ? await text(p, selector) : '';
      if (re.test(last)) return;
    }
    assert.match(last, re, `${selector} on ${[...pages].find(([, x]) => x === p)?.[0]}`);
  };
  /** Keyboard alone: Tab until the element has the focus (it must be reachable), then Enter. */
  async function press(p: Page, id: string): Promise<void> {
    await p.waitForSelector(`#${id}:not([disabled])`);
    for (let i = 0; i < 120; i++) {
      if (await p.evaluate(() => document.activeElement?.id ?? '') === id) { await p.keyboard.press('Enter'); return; }
      await p.keyboard.press('Tab');
    }
    assert.fail(`#${id} cannot be reached with the Tab key`);
  }
  const noScriptRan = async () => {
    for (const [name, p] of pages) {
      assert.equal(await p.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined, `a script of a post ran on ${name}'s page`);
      assert.equal(await p.locator('#forum img, #forum script').count(), 0, `markup of a post on ${name}'s page`);
    }
  };
  const thread = () => ok(srv.url, 'GET', `/api/bodies/council/forum/proposals/${pid}`);
  const body = (attachmentBytes: number) => ({
    id: 'council', name: 'The Council',
    members: PEOPLE.map(([id, name]) => ({ id, name, weight: 1, key: keys.get(id)!.key })),
    officers: OFFICERS.map(([id, name]) => ({ id, name, key: keys.get(id)!.key })),
    rules: { quorum: { of: 'members', share: { num: 1, den: 2 } }, majority: 'simple', proxyLimit: 1, splitVotes: false, voteMode: 'named', forum: { endorsements: 3, attachmentBytes } },
  });

  before(async () => {
    buildWeb();
    srv = await startVeche();
    for (const [id] of [...PEOPLE, ...OFFICERS]) keys.set(id, newSigningKey());
    await ok(srv.url, 'POST', '/api/bodies', { token: srv.adminToken, json: body(2048) });
    browser = await launchChromium();
  });
  after(async () => { await browser?.close(); await srv?.close(); });

  it('Ana posts a proposal with an attachment; Boris on a phone replies; the posts are shown as text', async () => {
    const ana = await open('m1', 'm1');
    await until(ana, '#signed-in', /Ana Author/);
    await ana.fill('#new-title', TITLE);
    await ana.fill('#new-text', TEXT);
    await ana.setInputFiles('#new-file', { name: FILE, mimeType: 'text/plain', buffer: Buffer.from('The minutes of the budget committee.\n') });
    await until(ana, '#chosen-files', /onerror/);
    await ana.click('#post-proposal');
    await until(ana, '#message', /Your proposal is posted/);
    await until(ana, '#thread-heading', /Budget/);
    pid = (await ok(srv.url, 'GET', '/api/bodies/council/forum/proposals')).proposals[0].id;
    assert.equal(await ana.innerText('#thread-heading'), TITLE);
    assert.equal(await ana.innerText(`#attachment-${pid}-0`), FILE);
    assert.match(await ana.innerText(`#post-${pid} .motion-text`), /<img src=x onerror="window.__xss=3"> <script>/);

    const boris = await open('m2', 'm2', { viewport: { width: 390, height: 844 } });
    await boris.click(`#open-${pid}`);
    await until(boris, '#thread-heading', /Budget/);
    await boris.fill('#reply-text', REPLY);
    await boris.click('#post-reply');
    await until(boris, '#message', /Your reply is posted/);
    await until(ana, '#replies', /too much for students/);
    const replyId = (await thread()).thread[0].id as string;
    // Ana answers Boris's reply itself.
    await ana.click(`#reply-to-${replyId}`);
    await until(ana, '#replying-to', /Boris Phone/);
    await ana.fill('#reply-text', 'Students pay half under rule 4.');
    await ana.click('#post-reply');
    await until(boris, '#replies', /In reply to Boris Phone.*Students pay half/);
    // A phone shows it all without sideways scrolling.
    assert.ok(await boris.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the phone page scrolls sideways');
    await noScriptRan();
    assert.deepEqual(await seriousA11yViolations(boris), []);
    await screenshot(boris, 'forum-phone-thread');
  });

  it('three members endorse, Chen by keyboard alone: the proposal is qualified and queued', async () => {
    const ana = pages.get('m1')!;
    const boris = pages.get('m2')!;
    await ana.click('#endorse');
    await until(ana, '#endorsement-count', /1 of the 3/);
    await boris.click('#endorse');
    await until(boris, '#endorsement-count', /2 of the 3/);
    const chen = await open('m3', 'm3');
    await press(chen, `open-${pid}`);
    await until(chen, '#thread-heading', /Budget/);
    await press(chen, 'endorse');
    await until(chen, '#message', /reached the threshold/);
    await until(chen, '#qualified', /queued .* item forum-/);
    await until(ana, '#endorsement-count', /3 of the 3/);
    const queue = (await ok(srv.url, 'GET', '/api/bodies/council/forum/agenda-queue')).queue;
    assert.deepEqual(queue.map((q: { item: string }) => q.item), [`forum-${pid}`]);
    // Withdrawing is offered to one who endorsed, and the proposal stays qualified (spec §21.4).
    await chen.click('#withdraw');
    await until(chen, '#endorsement-count', /2 of the 3/);
    await until(chen, '#qualified', /queued/);
  });

  it('an officer hides a reply with a reason; it is in the log; the author appeals; another officer restores it', async () => {
    const boris = pages.get('m2')!;
    const replyId = (await thread()).thread[0].id as string;
    // A member has no moderation on their page.
    assert.equal(await boris.locator(`#hide-${replyId}`).count(), 0);
    const olga = await open('mod1', 'mod1');
    await olga.click(`#open-${pid}`);
    await until(olga, '#replies', /too much for students/);
    await olga.fill(`#hide-reason-${replyId}`, 'Personal remark <b>about</b> students');
    await olga.click(`#hide-${replyId}`);
    await until(olga, '#message', /hidden; the reason is in the moderation log/);
    await until(boris, `#hidden-${replyId}`, /Hidden by a moderator: Personal remark <b>about<\/b> students/);
    await until(boris, '#moderation-log', /Olga Officer hid .* by Boris Phone\. Reason: Personal remark <b>about<\/b> students/);
    assert.doesNotMatch(await text(boris, '#replies'), /too much for students/);
    await boris.fill(`#appeal-reason-${replyId}`, 'It is about the fee, not about anyone.');
    await boris.click(`#appeal-${replyId}`);
    await until(boris, '#message', /appeal is recorded/);
    await until(boris, '#moderation-log', /Boris Phone appealed .* It is about the fee/);
    // The officer who hid it is not offered the decision; another officer is.
    await until(olga, '#moderation-log', /appealed/);
    assert.equal(await olga.locator(`#restore-${replyId}`).count(), 0);
    const pavel = await open('mod2', 'mod2');
    await pavel.click(`#open-${pid}`);
    await pavel.fill(`#decide-reason-${replyId}`, 'On topic after all.');
    await pavel.click(`#restore-${replyId}`);
    await until(pavel, '#message', /shown again/);
    await until(boris, '#replies', /too much for students/);
    await until(boris, '#moderation-log', /Pavel Officer showed .* again\. Reason: On topic after all\./);
    assert.deepEqual(await seriousA11yViolations(pavel), []);
  });

  it('Dana, in Russian, finds the proposal by search; a refusal of the server is said with its code in words', async () => {
    const dana = await open('m4', 'm4', { locale: 'ru-RU' });
    await until(dana, 'h1', /Форум: The Council/);
    await dana.fill('#search-q', 'membership fee');
    await dana.click('#search-go');
    await until(dana, '#search-results', /Найдено: 1/);
    await dana.click(`#hit-${pid}`);
    await until(dana, '#thread-heading', /Budget/);
    assert.equal(await dana.innerText('#thread-heading'), TITLE);
    await noScriptRan();
    assert.deepEqual(await seriousA11yViolations(dana), []);

    // The body's attachment limit goes down after Ana's page loaded it: the server refuses, the page says why.
    const ana = pages.get('m1')!;
    await ok(srv.url, 'PUT', '/api/bodies/council', { token: srv.adminToken, json: body(16) });
    await ana.fill('#new-title', 'Minutes');
    await ana.fill('#new-text', 'The minutes, attached.');
    await ana.setInputFiles('#new-file', { name: 'minutes.txt', mimeType: 'text/plain', buffer: Buffer.alloc(100, 65) });
    await until(ana, '#chosen-files', /minutes\.txt/);
    await ana.click('#post-proposal');
    await until(ana, '#message', /Too large \(attachments\[0\] \(minutes\.txt\) has 100 bytes; this body allows at most 16\)/);
    assert.equal((await ok(srv.url, 'GET', '/api/bodies/council/forum/proposals')).proposals.length, 1);
  });

  it('the organiser puts the qualified proposal onto a draft election as a motion; the forum page says so', async () => {
    const ana = pages.get('m1')!;
    await ok(srv.url, 'POST', '/api/elections', { token: srv.adminToken, json: compactManifest('spring-ballot') });
    const placed = await ok(srv.url, 'POST', `/api/bodies/council/forum/proposals/${pid}/ballot`, { token: srv.adminToken, json: { election: 'spring-ballot' } });
    assert.deepEqual(placed.placement, { election: 'spring-ballot', question: `forum-${pid}` });
    const manifest = (await ok(srv.url, 'GET', '/api/elections/spring-ballot')).manifest;
    assert.equal(manifest.questions.find((q: { id: string }) => q.id === `forum-${pid}`).title, TITLE);
    await until(ana, '#placement', new RegExp(`On the ballot of election spring-ballot as the motion forum-${pid}`));
    assert.equal(await ana.locator('#qualified').count(), 0);
    assert.deepEqual((await ok(srv.url, 'GET', '/api/bodies/council/forum/agenda-queue')).queue, []);
    assert.deepEqual(await seriousA11yViolations(ana), []);
    await screenshot(ana, 'forum-placed');
    await noScriptRan();
    assert.deepEqual(problems, []);
  });
});
