// The booth shows what organisers put in the manifest (issue 11, points 6 and 9), in Debian's Chromium
// against the real server: a test election says so, candidates have descriptions, options come in a
// random order per voter where the manifest asks, the texts come in the voter's language, and a
// returning voter is told when the credential last voted. Test elections stay off the public list.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import type { Manifest } from '../src/manifest/types.js';
import { tinyManifest } from './helpers/election-fixture.js';
import { ok, openElectionOverHttp, type HttpElection, type TestServer } from './helpers/server.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, startVeche, watchedPage, type VecheServer } from './helpers/browser.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

describe('booth in Chromium: what the manifest asks for', { skip, timeout: 120_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  let el: HttpElection;
  const problems: string[] = [];
  const base = tinyManifest('shown');
  const candidates = Array.from({ length: 8 }, (_, i) => ({ id: `c${i}`, label: `Candidate ${i}`, ...(i === 0 ? { description: 'Teacher, twelve years on the board.' } : {}) }));
  const manifest: Manifest = {
    ...base,
    test: true,
    languages: ['en', 'ru'],
    questions: [{ type: 'choice', id: 'chair', title: 'Chair', candidates, allowBlank: false, absoluteMajority: false, shuffle: true }],
    translations: { ru: { title: 'Выборы председателя', questions: { chair: { title: 'Председатель', options: { c0: { label: 'Кандидат 0', description: 'Учитель, двенадцать лет в правлении.' } } } } } },
  };

  before(async () => {
    buildWeb();
    srv = await startVeche();
    browser = await launchChromium();
    el = await openElectionOverHttp({ base: srv.url, adminToken: srv.adminToken } as TestServer, manifest, 2);
  });
  after(async () => { await browser?.close(); await srv?.close(); });

  async function booth(credential: string, locale = 'en-US'): Promise<Page> {
    const { page } = await watchedPage(browser, problems, { locale });
    await page.goto(`${srv.url}/vote/shown#credential=${credential}`);
    await page.waitForSelector('#q-chair input');
    return page;
  }

  it('a test election says so; a candidate\'s description is read with its name; the order is the voter\'s own', async () => {
    const page = await booth(el.credentials[0]!.credential);
    assert.match(await page.textContent('main') ?? '', /TEST ELECTION/);
    const described = await page.getAttribute('#q-chair-c0', 'aria-describedby');
    assert.equal(await page.textContent(`#${described}`), 'Teacher, twelve years on the board.');
    // Random per voter: over a few fresh visits, more than one order appears, and always all eight.
    const orders = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const p = i === 0 ? page : await booth(el.credentials[0]!.credential);
      const ids = await p.$$eval('#q-chair input[type=radio]', (els) => els.map((e) => (e as HTMLInputElement).value));
      assert.deepEqual([...ids].sort(), candidates.map((c) => c.id).sort());
      orders.add(ids.join(','));
      if (i > 0) await p.context().close();
    }
    assert.ok(orders.size > 1, 'the same order four times in a row (1 in 40,320³ by chance)');
    await screenshot(page, 'booth-manifest');
    assert.deepEqual(await seriousA11yViolations(page), []);
    await page.context().close();
  });

  it('a Russian voter sees the Russian texts, and what is not translated as written', async () => {
    const page = await booth(el.credentials[0]!.credential, 'ru-RU');
    const text = await page.textContent('main') ?? '';
    assert.match(text, /Выборы председателя/);
    assert.match(text, /Председатель/);
    assert.match(text, /Кандидат 0/);
    assert.match(text, /Учитель, двенадцать лет в правлении\./);
    assert.match(text, /Candidate 3/);
    await page.context().close();
  });

  it('a returning voter is told when the credential last voted', async () => {
    const enc = encryptBallot(el.electionHash, decodePublicKey(el.jointKey), selectionGroups(manifest), encodeChoices(manifest, { chair: { type: 'choice', candidate: 'c1' } }), credentialKeys(el.electionHash, el.credentials[1]!.credential));
    await ok(srv.url, 'POST', '/api/elections/shown/ballots', { json: enc.ballot });
    const page = await booth(el.credentials[1]!.credential);
    await page.waitForSelector('#voted-before');
    assert.match(await page.textContent('#voted-before') ?? '', /You already voted, on .+\. A new ballot replaces that one/);
    await page.context().close();
    // The booth asks the board for the credential's last ballot after the ballot is drawn: the absence
    // is checked once that answer (none) is in and the page has drawn what it says, not after a fixed pause.
    const { context, page: fresh } = await watchedPage(browser, problems, { locale: 'en-US' });
    const lookedUp = fresh.waitForResponse((r) => r.url().endsWith('/last-ballot'), { timeout: 30_000 });
    await fresh.goto(`${srv.url}/vote/shown#credential=${el.credentials[0]!.credential}`);
    await fresh.waitForSelector('#q-chair input');
    const answer = await lookedUp;
    assert.equal(answer.status(), 404, 'the board knows no ballot of this credential');
    await answer.finished();
    await fresh.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    assert.equal(await fresh.locator('#voted-before').count(), 0, 'a credential that never voted is not told it did');
    await context.close();
  });

  it('the public list leaves the test election out', async () => {
    const { context, page } = await watchedPage(browser, problems);
    await page.goto(`${srv.url}/`);
    await page.waitForSelector('a[href="/results/demo"], a[href^="/vote/demo"]');
    assert.equal(await page.locator('a[href*="/shown"]').count(), 0);
    await context.close();
  });

  it('no page broke its content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
