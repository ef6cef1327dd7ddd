// The trustee page takes nothing on the board's word (issue 9, point 1): before every step it checks the
// whole record with the verifier's own modules, that it extends what the trustee saw and that it holds
// exactly what the trustee submitted; before decrypting it recounts the tally from the ballots. In
// Debian's Chromium against the real server, with a node:http proxy in front of it playing a dishonest
// board: one that serves a tally whose sums are one voter's ciphertexts (re-chained with valid hashes),
// and one that drops the trustee's own key from the record. The page must refuse and post nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decodePoint } from '../src/crypto/group.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { credentialKeys, issueCredentials } from '../src/credentials/credentials.js';
import { newAuthority, signCredentialList } from '../src/credentials/authority.js';
import { commitTrusteeKey, finishKeyCeremony, makeShares, newTrustee, revealTrusteeKey, type TrusteeSecret } from '../src/keyceremony/trustee.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { completeManifest, type ManifestDraft } from '../src/manifest/signers.js';
import type { Manifest } from '../src/manifest/types.js';
import { encodeEvent, eventHash, GENESIS_PREV, type BoardEvent, type PayloadByType } from '../src/record/events.js';
import { buildWeb, chromiumAvailable, DESK, launchChromium, screenshot, startVeche, watchedPage, type VecheServer } from './helpers/browser.js';
import { startRewritingProxy, type RewritingProxy } from './helpers/proxy.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

const draft = (id: string): ManifestDraft => ({
  id, title: `Trustee trust: ${id}`, description: '', languages: ['en'],
  questions: [{ type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'ann', label: 'Ann' }, { id: 'bob', label: 'Bob' }], allowBlank: false, absoluteMajority: false }],
  trustees: [{ id: 't1', name: 'Tanya' }, { id: 't2', name: 'Ulrich' }],
  credentialAuthority: { name: 'Secretary' },
  threshold: 2,
});

/** Re-chains the lines from the first changed one: each prev is the new hash before it, each hash recomputed. */
function rechain(events: BoardEvent[]): string {
  let prev = GENESIS_PREV;
  return events.map((e) => {
    e.prev = prev;
    e.hash = eventHash(e);
    prev = e.hash;
    return `${encodeEvent(e)}\n`;
  }).join('');
}

const parse = (text: string): BoardEvent[] => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BoardEvent);

/** The tally's sums replaced by the first ballot's ciphertexts (a tally of one voter), the chain valid again. */
function forgeTally(text: string): string {
  const events = parse(text);
  const ballot = events.find((e) => e.type === 'ballot') as BoardEvent<'ballot'> | undefined;
  const tally = events.find((e) => e.type === 'tally') as BoardEvent<'tally'> | undefined;
  if (!ballot || !tally) return text;
  tally.payload.sums = ballot.payload.answers.map((a) => a.ct);
  return rechain(events);
}

/** The record cut just before trustee t1's key (as if the board never got it). */
function dropKey(text: string): string {
  const events = parse(text);
  const at = events.findIndex((e) => e.type === 'trustee-key' && (e.payload as { trustee: string }).trustee === 't1');
  return at < 0 ? text : events.slice(0, at).map((e) => `${encodeEvent(e)}\n`).join('');
}

/** The dishonest board's rewrite of each election's full record, by election id. */
const tamper = new Map<string, (record: string) => string>();

/** A proxy in front of the real server that rewrites the full record of the elections in `tamper`. */
function startProxy(target: string): Promise<RewritingProxy> {
  return startRewritingProxy(target, (method, url) => {
    const m = /^\/api\/elections\/([a-z0-9-]+)\/record$/.exec(url.pathname);
    return method === 'GET' && m && url.search === '' ? tamper.get(m[1]!) ?? null : null;
  });
}

describe('the trustee page in Chromium against a dishonest board', { skip, timeout: 240_000 }, () => {
  let srv: VecheServer;
  let proxy: RewritingProxy;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  async function api<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const res = await fetch(srv.url + path, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) }, body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (path.endsWith('/record') || path.includes('/record?') ? text : JSON.parse(text)) as T;
  }
  const events = async (id: string) => parse(await api<string>('GET', `/api/elections/${id}/record`));
  const payloads = <T extends keyof PayloadByType>(es: BoardEvent[], type: T) => es.filter((e) => e.type === type).map((e) => e.payload as PayloadByType[T]);
  const trusteePath = (id: string, t: string, step: string) => `/api/elections/${id}/trustees/${t}/${step}`;

  async function newPage(): Promise<Page> {
    return (await watchedPage(browser, problems, { ...DESK, viewport: { width: 1000, height: 900 }, keepIn: contexts })).page;
  }

  /** Opens the trustee page through the proxy with the secret already in the page's storage. */
  async function trusteePage(id: string, secret: TrusteeSecret, token: string): Promise<Page> {
    const page = await newPage();
    await page.goto(`${proxy.url}/trustee/${id}/${secret.trustee}`);
    await page.evaluate(([key, value]) => localStorage.setItem(key!, value!), [`veche-trustee-secret:${id}:${secret.trustee}`, JSON.stringify(secret)]);
    await page.goto(`${proxy.url}/trustee/${id}/${secret.trustee}#token=${token}`);
    return page;
  }

  before(async () => {
    buildWeb();
    srv = await startVeche();
    proxy = await startProxy(srv.url);
    browser = await launchChromium();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await proxy?.close();
    await srv?.close();
  });

  it('the trustee page refuses a forged tally', async () => {
    const id = 'forged';
    const trustees = ['t1', 't2'].map(newTrustee);
    const authority = newAuthority();
    const manifest: Manifest = completeManifest(draft(id), { trustees: Object.fromEntries(trustees.map((x) => [x.trustee, x.signing.key])), authority: authority.signing.key });
    const created = await api<{ electionHash: string; trusteeTokens: Record<string, string>; authorityToken: string }>('POST', '/api/elections', srv.adminToken, manifest);
    const election = created.electionHash;
    // The key ceremony through the trustee routes, each trustee as on its own machine.
    const committed = trustees.map((x) => commitTrusteeKey(x, election, manifest));
    for (const c of committed) await api('POST', trusteePath(id, c.secret.trustee, 'commitment'), created.trusteeTokens[c.secret.trustee], c.commitment);
    for (const c of committed) await api('POST', trusteePath(id, c.secret.trustee, 'key'), created.trusteeTokens[c.secret.trustee], revealTrusteeKey(c.secret));
    const keys = payloads(await events(id), 'trustee-key');
    for (const c of committed) await api('POST', trusteePath(id, c.secret.trustee, 'shares'), created.trusteeTokens[c.secret.trustee], makeShares(c.secret, keys));
    const shares = payloads(await events(id), 'trustee-shares');
    const finished: TrusteeSecret[] = [];
    for (const c of committed) {
      const done = finishKeyCeremony(c.secret, keys, shares);
      assert.equal(done.kind, 'ready');
      if (done.kind !== 'ready') return;
      await api('POST', trusteePath(id, c.secret.trustee, 'ready'), created.trusteeTokens[c.secret.trustee], done.ready);
      finished.push(done.secret);
    }
    const issued = issueCredentials(election, ['v1', 'v2', 'v3'].map((v) => ({ id: v })));
    await api('POST', `/api/elections/${id}/credentials`, created.authorityToken, signCredentialList(election, issued.public, authority.signing));
    await api('POST', `/api/elections/${id}/open`, srv.adminToken);
    const info = await api<{ jointKey: string }>('GET', `/api/elections/${id}`);
    const groups = selectionGroups(manifest);
    for (const [i, c] of issued.private.entries()) {
      const choices = { chair: { type: 'choice' as const, candidate: i === 0 ? 'ann' : 'bob' } };
      const { ballot } = encryptBallot(election, decodePoint(info.jointKey), groups, encodeChoices(manifest, choices), credentialKeys(election, c.credential));
      await api('POST', `/api/elections/${id}/ballots`, undefined, ballot);
    }
    await api('POST', `/api/elections/${id}/close`, srv.adminToken);
    await api('POST', `/api/elections/${id}/tally`, srv.adminToken);

    // The forged record is still a valid chain: only the recount can tell.
    tamper.set(id, forgeTally);
    const forged = parse(await (await fetch(`${proxy.url}/api/elections/${id}/record`)).text());
    forged.forEach((e, i) => {
      assert.equal(e.hash, eventHash(e));
      assert.equal(e.prev, i === 0 ? GENESIS_PREV : forged[i - 1]!.hash);
    });
    assert.notDeepEqual(forged.find((e) => e.type === 'tally')!.payload, (await events(id)).find((e) => e.type === 'tally')!.payload);

    const page = await trusteePage(id, finished[0]!, created.trusteeTokens.t1!);
    await page.waitForSelector('#decrypt:not([disabled])');
    proxy.posts.length = 0;
    await page.click('#decrypt');
    await page.waitForFunction(() => /Stopped: the tally on the board is not the sum of the counted ballots/.test(document.getElementById('message')?.textContent ?? ''));
    assert.equal(await page.locator('#message [role=alert]').count(), 1, 'the refusal is an alert');
    await screenshot(page, 'trustee-forged-tally');
    assert.deepEqual(proxy.posts, [], 'the page posted nothing');
    const real = await events(id);
    assert.equal(real.filter((e) => e.type === 'decryption-share').length, 0, 'the real board has no decryption share');
    // The stored secret is unchanged in what it submitted: no decryption share noted.
    const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('veche-trustee-secret:forged:t1') ?? '{}')) as TrusteeSecret;
    assert.ok(!(stored.submitted ?? []).some((x) => x.type === 'decryption-share'));

    // The same page against the honest board decrypts (the refusal was the forgery's, not the page's).
    tamper.delete(id);
    await page.reload();
    await page.waitForSelector('#decrypt:not([disabled])');
    await page.click('#decrypt');
    await page.waitForFunction(() => /recounted from the 3 counted ballots and matches/.test(document.getElementById('message')?.textContent ?? ''));
    assert.equal((await events(id)).filter((e) => e.type === 'decryption-share').length, 1);
  });

  it('the trustee page refuses a board that dropped its key', async () => {
    const id = 'dropped';
    // Trustee t1 makes its signing key in the page before the election exists.
    const page = await newPage();
    await page.goto(`${proxy.url}/trustee/${id}/t1`);
    await page.click('#make-key');
    const t1Key = await page.inputValue('#public-key');
    const t2 = newTrustee('t2');
    const authority = newAuthority();
    const manifest = completeManifest(draft(id), { trustees: { t1: t1Key, t2: t2.signing.key }, authority: authority.signing.key });
    const created = await api<{ electionHash: string; trusteeTokens: Record<string, string> }>('POST', '/api/elections', srv.adminToken, manifest);
    const t2c = commitTrusteeKey(t2, created.electionHash, manifest);
    await api('POST', trusteePath(id, 't2', 'commitment'), created.trusteeTokens.t2, t2c.commitment);

    await page.goto(`${proxy.url}/trustee/${id}/t1#token=${created.trusteeTokens.t1}`);
    await page.waitForSelector('#commit:not([disabled])');
    await page.click('#commit');
    await page.waitForFunction(() => /commitment is on the board/.test(document.getElementById('message')?.textContent ?? ''));
    await page.waitForSelector('#reveal:not([disabled])');
    await page.click('#reveal');
    await page.waitForFunction(() => /public key is on the board/.test(document.getElementById('message')?.textContent ?? ''));
    await api('POST', trusteePath(id, 't2', 'key'), created.trusteeTokens.t2, revealTrusteeKey(t2c.secret));

    // The board now serves a record without t1's key (a valid prefix: only the trustee's memory can tell).
    tamper.set(id, dropKey);
    await page.reload();
    await page.waitForSelector('#send-shares:not([disabled])');
    proxy.posts.length = 0;
    await page.click('#send-shares');
    await page.waitForFunction(() => /does not hold this trustee's trustee-key exactly as it was submitted/.test(document.getElementById('message')?.textContent ?? ''));
    assert.match(await page.textContent('#message') ?? '', /Stopped: nothing was sent/);
    assert.deepEqual(proxy.posts, [], 'the page posted nothing');
    assert.equal((await events(id)).filter((e) => e.type === 'trustee-shares').length, 0, 'no shares on the real board');

    // A board that rewrote an event the trustee saw is refused too: the election event itself, re-chained.
    tamper.set(id, (text) => {
      const es = parse(text);
      es[0]!.time = new Date(Date.parse(es[0]!.time) + 1000).toISOString();
      return rechain(es);
    });
    await page.click('#send-shares');
    await page.waitForFunction(() => /Stopped: nothing was sent.*(rewrote its history|does not verify|is of election)/.test(document.getElementById('message')?.textContent ?? ''));
    assert.deepEqual(proxy.posts, []);
  });

  it('no page broke its content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
