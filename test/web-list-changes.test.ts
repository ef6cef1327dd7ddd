// Issue 11 point 4 in Chromium (Debian's, through playwright-core) against the real server: the
// credential authority's page revokes and re-issues a lost credential and adds a late voter, both made
// and signed in its browser, and hands over the new credentials as CSV rows and a changed private list;
// the board page shows observers both changes. The old credential is refused, the new ones vote, the
// revoked ballot does not count, and the record verifies. axe-core on both pages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { signCredentialList } from '../src/credentials/authority.js';
import { credentialKeys, issueCredentials } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { linesSource } from '../src/verify/record-check.js';
import { verifyRecord } from '../src/verify/verifier.js';
import { buildWeb, chromiumAvailable, DESK, downloadBy, launchChromium, messageMatches, screenshot, seriousA11yViolations, startVeche, tempDir, watchedPage, type VecheServer } from './helpers/browser.js';
import { givePrivateList, reissueCredential } from './helpers/signer-pages.js';
import { tinyManifest } from './helpers/election-fixture.js';
import { rolesOf } from './helpers/election.js';
import { call, keyCeremony, ok } from './helpers/server.js';
import type { TrusteeSecret } from '../src/keyceremony/trustee.js';

describe('authority page: revoke and re-issue, a late voter; the board page shows both', { skip: chromiumAvailable() ? false : 'Debian chromium is not installed' }, () => {
  let srv: VecheServer;
  let browser: Browser;
  let dir = '';
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const manifest = tinyManifest('relist');
  let electionHash = '';
  let jointKey = '';
  let authorityToken = '';
  let trusteeTokens: Record<string, string> = {};
  let trustees: TrusteeSecret[] = [];
  const credentials = new Map<string, string>();

  async function newPage(): Promise<Page> {
    return (await watchedPage(browser, problems, { ...DESK, keepIn: contexts })).page;
  }
  /** The text of what pressing `selector` downloads, saved as `name` in the test's folder. */
  const downloaded = async (page: Page, selector: string, name: string) => readFileSync(await downloadBy(page, selector, join(dir, name)), 'utf8');
  const cast = (credential: string, candidate: 'a' | 'b') => {
    const enc = encryptBallot(electionHash, decodePublicKey(jointKey), selectionGroups(manifest), encodeChoices(manifest, { chair: { type: 'choice', candidate } }), credentialKeys(electionHash, credential));
    return call(srv.url, 'POST', `/api/elections/${manifest.id}/ballots`, { json: enc.ballot });
  };
  const rows = (csv: string) => csv.trim().split(/\r?\n/).map((l) => l.split(','));

  before(async () => {
    buildWeb();
    dir = tempDir('veche-web-relist-');
    srv = await startVeche();
    browser = await launchChromium();
    // The organiser's and trustees' steps over the API (their own pages are tested elsewhere); the
    // credential authority published the list of three with its key, kept in its file.
    const created = await ok(srv.url, 'POST', '/api/elections', { token: srv.adminToken, json: manifest });
    electionHash = created.electionHash;
    authorityToken = created.authorityToken;
    trusteeTokens = created.trusteeTokens;
    trustees = await keyCeremony(srv.url, manifest.id, trusteeTokens);
    const issued = issueCredentials(electionHash, ['ann', 'bob', 'cat'].map((id) => ({ id })));
    await ok(srv.url, 'POST', `/api/elections/${manifest.id}/credentials`, { token: authorityToken, json: signCredentialList(electionHash, issued.public, rolesOf(manifest).authority.signing) });
    await ok(srv.url, 'POST', `/api/elections/${manifest.id}/open`, { token: srv.adminToken });
    jointKey = (await ok(srv.url, 'GET', `/api/elections/${manifest.id}`)).jointKey;
    for (const c of issued.private) credentials.set(c.voter, c.credential);
    writeFileSync(join(dir, 'authority.json'), JSON.stringify(rolesOf(manifest).authority));
    writeFileSync(join(dir, 'private.csv'), ['voter,weight,credential,link,email', ...issued.private.map((c) => `${c.voter},1,${c.credential},${srv.url}/vote/relist#credential=${c.credential},${c.voter}@example.org`)].join('\n') + '\n');
    assert.equal((await cast(credentials.get('bob')!, 'b')).status, 200, 'bob votes, then loses his credential');
    assert.equal((await cast(credentials.get('ann')!, 'a')).status, 200);
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await srv?.close();
  });

  let authority: Page;
  let bobNew = '';
  let deeCredential = '';

  it('re-issues bob\'s credential: revoked and replaced on the board, the new one shown once and in the changed private list', async () => {
    authority = await newPage();
    await authority.goto(`${srv.url}/authority/relist#token=${authorityToken}`);
    await authority.waitForSelector('#secret-file');
    await authority.setInputFiles('#secret-file', join(dir, 'authority.json'));
    await givePrivateList(authority, join(dir, 'private.csv'));
    await authority.selectOption('#revoke-voter', 'bob');
    await authority.click('#reissue');
    await messageMatches(authority, /reason/);
    const sent: string[] = [];
    authority.on('request', (r) => sent.push(r.postData() ?? ''));
    await reissueCredential(authority, 'bob', 'lost his letter');
    bobNew = (await authority.textContent('#fresh-credential'))!.trim();
    assert.match(bobNew, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    assert.notEqual(bobNew, credentials.get('bob'));
    assert.ok(sent.every((body) => !body.includes(bobNew)), 'the new credential never reaches the server');
    assert.deepEqual(await seriousA11yViolations(authority), [], 'authority page after a re-issue');
    await screenshot(authority, 'authority-reissued');

    const row = rows(await downloaded(authority, '#download-fresh', 'bob.csv'));
    assert.deepEqual(row[0], ['voter', 'weight', 'credential', 'link']);
    assert.deepEqual(row[1], ['bob', '1', bobNew, `${srv.url}/vote/relist#credential=${bobNew}`]);
    const changed = rows(await downloaded(authority, '#download-private', 'private-2.csv'));
    assert.deepEqual(changed[0], ['voter', 'weight', 'credential', 'link', 'email', 'revoked'], 'every column kept, the revoked one added');
    const bob = changed.find((r) => r[0] === 'bob')!;
    assert.equal(bob[2], bobNew);
    assert.equal(bob[4], 'bob@example.org');
    assert.equal(bob[5], credentials.get('bob'), 'the old credential is kept as revoked');
    assert.equal(changed.filter((r) => r[0] === 'bob').length, 1, 'one row per voter, as the CLI reads it');

    const events = (await call(srv.url, 'GET', `/api/elections/relist/record?types=credential-revoked,credentials-added`)).text.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => e.type), ['credential-revoked', 'credentials-added']);
    assert.equal(events[0].payload.reason, 're-issued: lost his letter');
    assert.deepEqual(events[1].payload.credentials, [{ key: credentialKeys(electionHash, bobNew).key, weight: 1, replaces: credentialKeys(electionHash, credentials.get('bob')!).key }]);
  });

  it('adds a late voter with weight 2; a voter already listed, or a bad weight, is refused before anything is signed', async () => {
    await authority.fill('#late-voter', 'ann');
    await authority.click('#add-voter');
    await messageMatches(authority, /“ann” is already in the private list/);
    await authority.fill('#late-voter', 'dee');
    await authority.fill('#late-weight', 'two');
    await authority.click('#add-voter');
    await messageMatches(authority, /weight “two” is not a whole number/);
    const before = (await ok(srv.url, 'GET', '/api/elections/relist')).headSeq;
    await authority.fill('#late-weight', '2');
    await authority.click('#add-voter');
    await messageMatches(authority, /dee is added/);
    assert.equal((await ok(srv.url, 'GET', '/api/elections/relist')).headSeq, before + 1);
    deeCredential = (await authority.textContent('#fresh-credential'))!.trim();
    const changed = rows(await downloaded(authority, '#download-private', 'private-3.csv'));
    const dee = changed.find((r) => r[0] === 'dee')!;
    assert.deepEqual([dee[1], dee[2]], ['2', deeCredential]);
    const info = await ok(srv.url, 'GET', '/api/elections/relist');
    assert.equal(info.eligible, 4, 'three and dee: bob\'s new credential replaces his old one');
    assert.equal(info.eligibleWeight, 5, 'the replacement adds no weight; dee adds 2');
  });

  it('the board page shows observers the revocation and both additions', async () => {
    const page = await newPage();
    await page.goto(`${srv.url}/board/relist`);
    await page.waitForSelector('#list-changes li');
    const items = await page.$$eval('#list-changes li', (lis) => lis.map((li) => li.textContent ?? ''));
    assert.equal(items.length, 3);
    assert.match(items[0]!, /Credential revoked .*reason: “re-issued: lost his letter”/);
    assert.match(items[1]!, /1 credential re-issued in place of a revoked one/);
    assert.match(items[2]!, /1 late voter added \(weight 2\)/);
    assert.ok((await page.locator('#board-table >> text=Credentials added').count()) >= 2);
    assert.deepEqual(await seriousA11yViolations(page), [], 'board page with list changes');
    await screenshot(page, 'board-list-changes');
  });

  it('the old credential is refused, the new ones vote, the revoked ballot does not count, and the record verifies', async () => {
    const old = await cast(credentials.get('bob')!, 'b');
    assert.equal(old.status, 422);
    assert.equal(old.body.error, 'revoked-credential');
    assert.equal((await cast(bobNew, 'a')).status, 200);
    assert.equal((await cast(deeCredential, 'b')).status, 200);
    await ok(srv.url, 'POST', '/api/elections/relist/close', { token: srv.adminToken });
    await ok(srv.url, 'POST', '/api/elections/relist/tally', { token: srv.adminToken });
    const tally = JSON.parse((await call(srv.url, 'GET', '/api/elections/relist/record?types=tally')).text.trim()).payload;
    const t1 = trustees.find((t) => t.trustee === 't1')!;
    await ok(srv.url, 'POST', '/api/elections/relist/trustees/t1/decryption', { token: trusteeTokens.t1!, json: makeDecryptionShare(t1, tally.sums) });
    const result = (await ok(srv.url, 'POST', '/api/elections/relist/result', { token: srv.adminToken })).result;
    assert.deepEqual(result.counts, [[2, 2]], 'ann a, bob (new) a, dee (weight 2) b; bob\'s revoked ballot for b is not counted');
    assert.equal(result.eligibleWeight, 5);
    const record = (await call(srv.url, 'GET', '/api/elections/relist/record')).text.trim().split('\n');
    const { report } = await verifyRecord(linesSource(record), undefined, { workers: 1 });
    assert.deepEqual(report.checks.filter((c) => c.failed > 0).map((c) => `${c.id}: ${c.failures[0]?.message}`), []);
    assert.deepEqual(problems, []);
  });
});
