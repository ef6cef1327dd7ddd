// In Debian's Chromium: the organiser signs in on /login through the OpenID Connect provider's own login
// form and lands on the admin page with a session; closing the poll asks for a confirm step (cancel
// changes nothing); the members page invites a member and shows the one-time password link, which sets
// a password on /login. axe finds no serious or critical violation on the new pages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { signCredentialList } from '../src/credentials/authority.js';
import { issueCredentials } from '../src/credentials/credentials.js';
import { CALLBACK_PATH } from '../src/server/accounts/oidc.js';
import { tinyManifest } from './helpers/election-fixture.js';
import { rolesOf } from './helpers/election.js';
import { keyCeremony, ok } from './helpers/server.js';
import { freePort } from './helpers/server-process.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, watchedPage, WEB_DIR } from './helpers/browser.js';
import { accountStores, startAccountsServer, startProvider, type AccountsServer, type AccountsStores, type TestProvider } from './accounts-fixture.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

describe('accounts in Chromium: OpenID Connect login, confirm steps, members', { skip, timeout: 180_000 }, () => {
  let stores: AccountsStores;
  let provider: TestProvider;
  let server: AccountsServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    buildWeb();
    stores = (await accountStores()[0]!.make('accounts-web'))!;
    const port = await freePort();
    provider = await startProvider(`http://127.0.0.1:${port}${CALLBACK_PATH}`);
    provider.users.set('org-sub', { password: 'organiser-password', email: 'organiser@union.example', verified: true });
    server = await startAccountsServer(stores, { port, oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret }, settings: { webDir: WEB_DIR } });
    const operator = { token: server.adminToken };
    await ok(server.base, 'POST', '/api/organisations', { ...operator, json: { id: 'union', name: 'The Union' } });
    await ok(server.base, 'POST', '/api/organisations/union/members', { ...operator, json: { email: 'organiser@union.example', role: 'admin' } });
    // An open election of the organisation, made over the API (the operator may act in any organisation).
    const manifest = tinyManifest('union-vote');
    const created = await ok(server.base, 'POST', '/api/organisations/union/elections', { ...operator, json: manifest });
    await keyCeremony(server.base, manifest.id, created.trusteeTokens);
    const issued = issueCredentials(created.electionHash, [{ id: 'v0' }]);
    await ok(server.base, 'POST', `/api/elections/${manifest.id}/credentials`, { token: created.authorityToken, json: signCredentialList(created.electionHash, issued.public, rolesOf(manifest).authority.signing) });
    await ok(server.base, 'POST', `/api/elections/${manifest.id}/open`, operator);
    browser = await launchChromium();
    ({ page } = await watchedPage(browser, problems, { locale: 'en-US', timeout: 60_000 })); // the full suite runs beside other Chromium tests on 2 cores
  });
  after(async () => { await browser?.close(); await server?.close(); await provider?.close(); await stores?.dispose(); });

  it('the organiser signs in through the provider and lands on the admin page', async () => {
    await page.goto(`${server.base}/login`);
    await page.waitForSelector('#oidc-login');
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'accounts-login');
    await page.click('#oidc-login');
    await page.waitForURL(`${provider.issuer}/interaction/**`);
    await page.fill('#login', 'org-sub');
    await page.fill('#password', 'organiser-password');
    await page.click('#sign-in');
    await page.waitForURL(`${server.base}/admin/`);
    await page.waitForSelector('#signed-in-as');
    assert.match((await page.textContent('#signed-in-as'))!, /organiser@union\.example/);
    const cookies = await page.context().cookies(server.base);
    const session = cookies.find((c) => c.name === 'veche_session')!;
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.deepEqual(await seriousA11yViolations(page), []);
  });

  it('closing the poll asks for confirmation; cancel changes nothing, confirm closes it', async () => {
    await page.goto(`${server.base}/admin/#e/union-vote`);
    await page.click('#close-poll');
    await page.waitForSelector('#confirm-text');
    assert.match((await page.textContent('#confirm-text'))!, /cannot be undone/);
    assert.equal((await ok(server.base, 'GET', '/api/elections/union-vote')).phase, 'open', 'asking changed nothing');
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'accounts-confirm-close');
    await page.click('#cancel-action');
    assert.equal(await page.$('#confirm-text'), null);
    assert.equal((await ok(server.base, 'GET', '/api/elections/union-vote')).phase, 'open');
    await page.click('#close-poll');
    await page.click('#confirm-action');
    await page.waitForSelector('#tally');
    assert.equal((await ok(server.base, 'GET', '/api/elections/union-vote')).phase, 'closed');
    const audit = await ok(server.base, 'GET', '/api/organisations/union/audit', { token: server.adminToken });
    assert.ok(audit.some((e: { action: string; actor: string; status: number }) => e.action === 'election-close' && e.status === 200 && /organiser@union\.example/.test(e.actor)));
  });

  it('the members page invites a member with a one-time password link that sets a password', async () => {
    await page.goto(`${server.base}/members`);
    await page.waitForSelector('#invite-email');
    await page.fill('#invite-email', 'teller@union.example');
    await page.selectOption('#invite-role', 'observer');
    await page.check('#invite-link');
    await page.click('#invite');
    await page.waitForSelector('#password-link');
    const link = await page.inputValue('#password-link');
    assert.match(link, new RegExp(`^${server.base}/login#set=[A-Za-z0-9_-]{43}$`));
    assert.match((await page.textContent('table'))!, /teller@union\.example/);
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'accounts-members');
    // The new member opens the link in their own browser.
    const { page: theirs } = await watchedPage(browser, problems, { locale: 'en-US' });
    await theirs.goto(link);
    await theirs.waitForSelector('#new-password');
    assert.equal(new URL(theirs.url()).hash, '', 'the secret leaves the address bar');
    await theirs.fill('#new-password', 'a long enough password');
    await theirs.fill('#new-password-again', 'a long enough password');
    await theirs.click('#set-password');
    await theirs.waitForSelector('#login-message');
    await theirs.fill('#login-email', 'teller@union.example');
    await theirs.fill('#login-password', 'a long enough password');
    await theirs.click('#password-login');
    await theirs.waitForURL(`${server.base}/admin/`);
    await theirs.waitForSelector('#signed-in-as');
    assert.deepEqual(problems, []);
  });
});
