// Issue 11 point 6 in Chromium (Debian's, through playwright-core) against the real server: on the
// admin page an organiser edits a draft's manifest (until the key ceremony starts), copies an election
// into a new draft (new id, new signing keys pasted in), archives it and brings it back, and deletes a
// draft after typing its id, and uploads the voter sign-in register of an election that signs voters in.
// Each step is checked against the API; axe-core on the page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, startVeche, watchedPage, type VecheServer } from './helpers/browser.js';
import { tinyManifest } from './helpers/election-fixture.js';
import { call, keyCeremony, ok } from './helpers/server.js';

describe('admin page: edit, copy, archive, delete, the voter register', { skip: chromiumAvailable() ? false : 'Debian chromium is not installed' }, () => {
  let srv: VecheServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const manifest = tinyManifest('manage-draft');
  let trusteeTokens: Record<string, string> = {};

  const messageMatches = (re: RegExp) => page.waitForFunction((src) => new RegExp(src).test(document.getElementById('message')?.textContent ?? ''), re.source);
  const info = (id: string) => ok(srv.url, 'GET', `/api/elections/${id}`);
  const listed = async () => ((await ok(srv.url, 'GET', '/api/elections')) as { id: string }[]).map((e) => e.id);
  async function openElection(id: string): Promise<void> {
    // A whole load, not a change of the fragment alone (which would keep the card of the page before).
    await page.goto('about:blank');
    await page.goto(`${srv.url}/admin/#e/${id}`);
    await page.waitForSelector('#manage');
  }

  before(async () => {
    buildWeb();
    srv = await startVeche();
    browser = await launchChromium();
    ({ context, page } = await watchedPage(browser, problems, { viewport: { width: 1100, height: 900 }, locale: 'en-US', timeout: 45_000 }));
    trusteeTokens = (await ok(srv.url, 'POST', '/api/elections', { token: srv.adminToken, json: manifest })).trusteeTokens;
    await page.goto(`${srv.url}/admin/`);
    await page.fill('#admin-token', srv.adminToken);
    await page.click('#sign-in');
    await page.waitForSelector('a[href="#new"]');
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await srv?.close();
  });

  it('edits the draft: the manifest opens in the editor, is saved in place with a new fingerprint', async () => {
    await openElection('manage-draft');
    assert.deepEqual(await seriousA11yViolations(page), [], 'admin page: manage card');
    const hashBefore = (await info('manage-draft')).electionHash;
    await page.click('#edit-election');
    await messageMatches(/manifest of “manage-draft” is in the editor/);
    const text = await page.inputValue('#e-manifest');
    assert.equal(JSON.parse(text).id, 'manage-draft');
    await page.fill('#e-manifest', text.replace('"Tiny test election"', '"Tiny test election, edited"'));
    await page.click('#create-from-manifest');
    await messageMatches(/draft “manage-draft” is saved/);
    const after = await info('manage-draft');
    assert.equal(after.manifest.title, 'Tiny test election, edited');
    assert.notEqual(after.electionHash, hashBefore);
    await page.waitForSelector('h1:has-text("Tiny test election, edited")');
  });

  it('after the first commitment there is no edit; a copy is a new draft with a new id and new keys', async () => {
    await keyCeremony(srv.url, 'manage-draft', trusteeTokens);
    await openElection('manage-draft');
    assert.equal(await page.locator('#edit-election').count(), 0, 'the key ceremony started: no edit');
    await page.click('#copy-election');
    await messageMatches(/copy with the id “manage-draft-copy”/);
    const copy = JSON.parse(await page.inputValue('#e-manifest'));
    assert.equal(copy.id, 'manage-draft-copy');
    assert.ok(copy.trustees.every((x: { signingKey: string }) => x.signingKey === '') && copy.credentialAuthority.signingKey === '', 'no signing key is carried over');
    // Unsigned, it is refused with the problems named; with the new trustees' and authority's keys, created.
    await page.click('#create-from-manifest');
    await page.waitForSelector('#draft-errors');
    const fresh = tinyManifest('unused');
    copy.trustees = copy.trustees.map((x: { id: string }, i: number) => ({ ...x, signingKey: fresh.trustees[i]!.signingKey }));
    copy.credentialAuthority.signingKey = fresh.credentialAuthority.signingKey;
    await page.fill('#e-manifest', JSON.stringify(copy, null, 2));
    await page.click('#create-from-manifest');
    await messageMatches(/“manage-draft-copy” created/);
    const created = await info('manage-draft-copy');
    assert.equal(created.manifest.title, 'Tiny test election, edited');
    assert.equal(created.headSeq, 0);
  });

  it('archives and brings back: off the public list, the record still public', async () => {
    await openElection('manage-draft');
    await page.click('#archive-election');
    await messageMatches(/archived: off the public list/);
    await page.waitForSelector('#archived-note');
    assert.ok(!(await listed()).includes('manage-draft'));
    assert.equal((await call(srv.url, 'GET', '/api/elections/manage-draft/record')).status, 200);
    await page.goto(`${srv.url}/admin/#`);
    await page.waitForSelector('ul.elections');
    assert.match(await page.textContent('ul.elections') ?? '', /manage-draft.*archived/s, 'the admin still sees it, marked');
    await openElection('manage-draft');
    await page.click('#unarchive-election');
    await messageMatches(/back on the public list/);
    assert.ok((await listed()).includes('manage-draft'));
  });

  it('deletes a draft only after its id is typed', async () => {
    await openElection('manage-draft-copy');
    await page.click('#delete-election');
    await page.waitForSelector('#delete-typed');
    assert.deepEqual(await seriousA11yViolations(page), [], 'admin page: delete confirmation');
    await screenshot(page, 'admin-delete-confirm');
    await page.fill('#delete-typed', 'manage-draft');
    await page.click('#confirm-delete');
    await messageMatches(/Type “manage-draft-copy” exactly/);
    assert.equal((await call(srv.url, 'GET', '/api/elections/manage-draft-copy')).status, 200, 'still there');
    await page.fill('#delete-typed', 'manage-draft-copy');
    await page.click('#confirm-delete');
    await messageMatches(/“manage-draft-copy” deleted/);
    assert.equal((await call(srv.url, 'GET', '/api/elections/manage-draft-copy')).status, 404);
  });

  it('uploads the voter sign-in register: a bad line named and nothing changed, then the register replaced', async () => {
    const signIn = { ...tinyManifest('signin-vote'), voterAuthentication: { method: 'email-link' as const } };
    await ok(srv.url, 'POST', '/api/elections', { token: srv.adminToken, json: signIn });
    await openElection('signin-vote');
    await page.waitForSelector('#register');
    assert.match(await page.textContent('#register-status') ?? '', /register is empty/);
    assert.deepEqual(await seriousA11yViolations(page), [], 'admin page: register card');
    await page.setInputFiles('#register-file', { name: 'register.csv', mimeType: 'text/csv', buffer: Buffer.from('voter,email\nann,ann@example.org\nBob Marsh,bob@example.org\n') });
    await messageMatches(/line 3: voter id "Bob Marsh"/);
    assert.equal((await ok(srv.url, 'GET', '/api/elections/signin-vote/voter-register', { token: srv.adminToken })).voters, 0, 'a refused register changes nothing');
    await page.setInputFiles('#register-file', { name: 'register.csv', mimeType: 'text/csv', buffer: Buffer.from('voter,email\nann,ann@example.org\nbob,bob@example.org\n') });
    await messageMatches(/register is replaced: 2 voters/);
    await page.waitForFunction(() => /2 voters in the register, 0 bound/.test(document.getElementById('register-status')?.textContent ?? ''));
    assert.deepEqual(await ok(srv.url, 'GET', '/api/elections/signin-vote/voter-register', { token: srv.adminToken }), { voters: 2, bound: 0 });
    await openElection('manage-draft');
    assert.equal(await page.locator('#register').count(), 0, 'no register card for an election without voter sign-in');
    assert.deepEqual(problems.filter((p) => !/status of (404|400)/.test(p)), []);
  });
});
