// The admin page puts a body's qualified forum proposal on a draft ballot (spec §21.4), in Debian's
// Chromium against the real server (npm start's runServer), keyboard only. The members propose and
// endorse through the API, signed with their own keys as the forum page would. On the draft's page the
// organiser names the body and sees its proposals as they stand: a qualified one offers "Put on this
// ballot"; one short of endorsements, and one hidden by a moderator, offer none and say why. A proposal
// hidden after the list was read is refused by the server, said in the form's words, and the draft is
// unchanged (a qualification, once reached, stays: a withdrawn endorsement does not undo it). The one placed is in the draft's manifest as the
// motion forum-<id> (the body's two-thirds majority) and on the ballot preview. An unknown body is
// said so; an election past its draft offers nothing. axe finds no serious or critical violation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { signForumPayload } from '../src/forum/signature.js';
import type { ForumAction } from '../src/forum/types.js';
import type { Manifest } from '../src/manifest/types.js';
import { call, keyCeremony, ok } from './helpers/server.js';
import { compactManifest } from './helpers/election.js';
import { buildWeb, chromiumAvailable, DESK, launchChromium, screenshot, seriousA11yViolations, startVeche, watchedPage, type VecheServer } from './helpers/browser.js';
import { makeBody } from './meeting-fixture.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';
const WAIT = { timeout: 30_000 };

describe('Chromium: a qualified forum proposal put on a draft ballot from the admin page', { skip, timeout: 180_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const f = makeBody([1, 1, 1, 1], { forum: { endorsements: 2, attachmentBytes: 0 }, majority: 'two-thirds' }, 'council');
  const ids: Record<string, string> = {};
  const nonce = () => randomBytes(16).toString('base64url');
  const sign = <A extends ForumAction>(by: string, action: A, fields: Record<string, unknown>) =>
    signForumPayload('council', action, { ...fields, by, nonce: nonce() } as never, f.people.get(by)!.keys.secret);
  const send = async (path: string, payload: unknown) => {
    const r = await call(srv.url, 'POST', `/api/bodies/council/forum/${path}`, { json: payload });
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const propose = async (title: string, ...endorsers: string[]) => {
    const id = (await send('proposals', sign('m1', 'proposal', { title, text: `${title}: the text.`, attachments: [] }))).id as string;
    for (const m of endorsers) await send(`proposals/${id}/endorse`, sign(m, 'endorse', { proposal: id }));
    ids[title] = id;
    return id;
  };
  const manifestOf = async (id: string): Promise<Manifest> => (await ok(srv.url, 'GET', `/api/elections/${id}`)).manifest;
  const row = (title: string) => page.locator(`#fp-proposals li[data-proposal="${ids[title]}"]`);
  /** Until the page's message is a `kind` notice saying `says`; else what it said. */
  async function messageIs(kind: 'ok' | 'error', says: RegExp): Promise<void> {
    try {
      await page.waitForFunction(([k, src]) => new RegExp(src, 's').test(document.querySelector(`#message .notice.${k}`)?.textContent ?? ''), [kind, says.source] as const, WAIT);
    } catch {
      assert.match(`${await page.getAttribute('#message .notice', 'class').catch(() => '')}: ${await page.textContent('#message').catch(() => '')}`, says);
    }
  }
  /** Keyboard alone: Tab until the element has the focus (it must be reachable), then `then`. */
  async function tabTo(selector: string): Promise<void> {
    await page.waitForSelector(`${selector}:not([disabled])`, WAIT);
    for (let i = 0; i < 150; i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      await page.keyboard.press('Tab');
    }
    assert.fail(`${selector} cannot be reached with the Tab key`);
  }
  const pressIn = async (title: string) => { await tabTo(`#fp-proposals li[data-proposal="${ids[title]}"] button`); await page.keyboard.press('Enter'); };
  async function listBody(body: string): Promise<void> {
    await page.locator('#fp-body').evaluate((el: HTMLInputElement) => { el.blur(); });
    await tabTo('#fp-body');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(body);
    await page.keyboard.press('Enter');
  }

  before(async () => {
    buildWeb();
    srv = await startVeche({ demo: false });
    await ok(srv.url, 'POST', '/api/bodies', { token: srv.adminToken, json: f.body });
    await propose('Raise the fee to 12', 'm1', 'm2');
    await propose('Close the library', 'm1');
    await propose('Sell the van', 'm2', 'm3');
    await send(`posts/${ids['Sell the van']}/hide`, sign('sec', 'hide', { post: ids['Sell the van'], reason: 'Duplicate of an earlier proposal' }));
    await propose('Rename the club', 'm3', 'm4');
    await ok(srv.url, 'POST', '/api/elections', { token: srv.adminToken, json: compactManifest('spring-ballot') });
    const late = await ok(srv.url, 'POST', '/api/elections', { token: srv.adminToken, json: compactManifest('summer-ballot') });
    await keyCeremony(srv.url, 'summer-ballot', late.trusteeTokens);
    browser = await launchChromium();
    ({ page } = await watchedPage(browser, problems, DESK));
    await page.goto(`${srv.url}/admin/`);
    await page.fill('#admin-token', srv.adminToken);
    await page.click('#sign-in');
    await page.waitForSelector('a[href="#new"]', WAIT);
    await page.goto(`${srv.url}/admin/#e/spring-ballot`);
    await page.waitForSelector('#forum-placement-card #fp-body', WAIT);
  });
  after(async () => { await browser?.close(); await srv?.close(); });

  it('an unknown body is said so', async () => {
    await listBody('no-such-body');
    await messageIs('error', /There is no body “no-such-body” on this server/);
    assert.equal(await page.$('#fp-proposals'), null);
  });

  it('lists the body\'s proposals: the qualified ones with a button, the others saying why not', async () => {
    await listBody('council');
    await messageIs('ok', /The forum of The Board is read\. Proposals that can go on this ballot now: 2; in all: 4/);
    assert.equal(await row('Raise the fee to 12').locator('button').count(), 1);
    assert.match(await row('Raise the fee to 12').locator('button').textContent() ?? '', /Put on this ballot: Raise the fee to 12/);
    assert.equal(await row('Close the library').locator('button').count(), 0, 'one endorsement of two: no button');
    assert.match(await row('Close the library').textContent() ?? '', /Endorsements: 1 of the 2 needed.*Not qualified yet/s);
    assert.equal(await row('Sell the van').locator('button').count(), 0, 'hidden: no button');
    assert.match(await row('Sell the van').textContent() ?? '', /a hidden proposal.*Hidden by a moderator/s);
    assert.match(await page.textContent('#fp-rule') ?? '', /The body’s own rules \(two thirds of votes for and against\)/);
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'admin-forum-placement');
  });

  it('a proposal hidden by a moderator after the list was read: refused in words, the draft unchanged', async () => {
    const before = await manifestOf('spring-ballot');
    await send(`posts/${ids['Rename the club']}/hide`, sign('sec', 'hide', { post: ids['Rename the club'], reason: 'Off topic' }));
    await pressIn('Rename the club');
    await messageIs('error', /“Rename the club” was hidden by a moderator, so it cannot go on a ballot\. Nothing changed\./);
    await page.waitForFunction((id) => !document.querySelector(`#fp-proposals li[data-proposal="${id}"] button`), ids['Rename the club'], WAIT); // the list as it stands now
    assert.deepEqual(await manifestOf('spring-ballot'), before);
  });

  it('puts the qualified proposal on the ballot: the motion forum-<id> in the manifest and on the preview', async () => {
    const id = ids['Raise the fee to 12']!;
    await pressIn('Raise the fee to 12');
    await messageIs('ok', new RegExp(`“Raise the fee to 12” is on this ballot now, as the motion forum-${id}`));
    const question = (await manifestOf('spring-ballot')).questions.at(-1);
    assert.deepEqual(question, { type: 'motion', id: `forum-${id}`, title: 'Raise the fee to 12', quorum: { num: 1, den: 2 }, threshold: { num: 2, den: 3 }, strict: false });
    await page.waitForFunction((pid) => /On this ballot as the motion forum-/.test(document.querySelector(`#fp-proposals li[data-proposal="${pid}"]`)?.textContent ?? ''), id, WAIT);
    assert.equal(await row('Raise the fee to 12').locator('button').count(), 0, 'placed: no second button');
    const preview = (await watchedPage(browser, problems, DESK)).page;
    await preview.goto(`${srv.url}/preview/spring-ballot`);
    await preview.waitForFunction(() => /Raise the fee to 12/.test(document.querySelector('main')?.textContent ?? ''), null, WAIT);
    await preview.context().close();
  });

  it('an election past its draft offers no proposal', async () => {
    await page.goto(`${srv.url}/admin/#e/summer-ballot`);
    await page.waitForSelector('#fp-not-draft', WAIT);
    assert.match(await page.textContent('#fp-not-draft') ?? '', /past its draft: the trustees’ key ceremony has started/);
    assert.equal(await page.$('#fp-body'), null);
    assert.deepEqual(problems, []);
  });
});
