// A meeting with a named vote and a secret vote in Debian's Chromium against the real server: the chair
// (a voting member, on the chair's page and on their own member page), a secretary (an officer and a
// teller), a second teller (an officer who does not run the meeting: the chair page shows them their
// steps alone), members on a 390 px phone and by keyboard alone, and a proxy holder who registers and
// votes for two. The tellers' key ceremony runs from their pages with their body keys; the vote cannot
// open until they are ready; members' browsers make and register credentials and cast encrypted ballots;
// a reload keeps the credential and allows no second registration; the chair's browser signs the list;
// the tellers decrypt; the result is on the projector, checked there against the election's record.
// The motion voted in secret is a forum proposal that gathered its endorsements and was put on the
// agenda from the chair page (spec §21.4), its title and text taken into the motion form.
// Attackers (over HTTP, each refused with the spec's code and nothing changed): a registration by a
// member not on the roll and by a non-member, a second registration, a chair's list that adds a key or
// drops one, a vote that opens before the tellers are ready, a ballot after the close. axe-core finds
// no serious or critical violation; `veche verify MEETING --elections DIR` passes on the records.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { newSigningKey, type SigningKeyPair } from '../src/record/signature.js';
import { signMeetingPayload } from '../src/meeting/signature.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { signCredentialList } from '../src/credentials/authority.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { fromBase64Url, utf8 } from '../src/crypto/encoding.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import type { Manifest } from '../src/manifest/types.js';
import { randomBytes } from 'node:crypto';
import { signForumPayload } from '../src/forum/signature.js';
import { encodeEvent, type BoardEvent } from '../src/record/events.js';
import { rechain } from './helpers/election-fixture.js';
import { call, ok, recordText, verifyMeetingAsServed } from './helpers/server.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, startVeche, type VecheServer } from './helpers/browser.js';
import { meetingPages, press, text, untilText } from './helpers/meeting-pages.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

const PEOPLE = [['m1', 'Ana Chair'], ['m2', 'Boris Phone'], ['m3', 'Chen Keys'], ['m4', 'Dana Away'], ['m5', 'Emil Proxy']] as const;
const OFFICERS = [['sec', 'Sam Secretary'], ['tel', 'Tara Teller']] as const;
const SECRET = 'motion-2';
const ELECTION = `agm-${SECRET}`;
const TITLE = 'Appoint the auditor';
const TEXT = 'That Northwind & Co. be appointed auditor for 2027.';

describe('a meeting in Chromium: a named vote and a secret vote, tellers, credentials, encrypted ballots', { skip, timeout: 300_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  const keys = new Map<string, SigningKeyPair>();
  const problems: string[] = [];
  let meetingHash = '';
  let proposal = '';

  const { pages, open, leave, page } = meetingPages({ browser: () => browser, url: () => srv.url, keys, problems });
  const view = () => ok(srv.url, 'GET', '/api/meetings/agm');
  const election = () => ok(srv.url, 'GET', `/api/elections/${ELECTION}`);
  const untilView = async (f: (v: any) => boolean, what: string) => {
    for (const end = Date.now() + 60_000; Date.now() < end;) { if (f(await view())) return; await new Promise((r) => setTimeout(r, 100)); }
    assert.fail(`the meeting did not reach ${what}; the pages say:\n${(await Promise.all([...pages].map(async ([n, p]) => `${n}: ${(await p.innerText('main')).slice(0, 400)}`))).join('\n')}\n${problems.join('\n')}`);
  };
  const signed = (type: Parameters<typeof signMeetingPayload>[1], payload: Record<string, unknown>) => signMeetingPayload(meetingHash, type, payload as never, keys.get(payload.by as string)!.secret);
  /** An attack over HTTP: refused with `code`, and neither the meeting's record nor the election's moved. */
  const refused = async (status: number, code: string, send: () => Promise<{ status: number; body: any }>) => {
    const before = [(await view()).headSeq, (await recordText(srv.url, ELECTION)).length];
    const r = await send();
    assert.deepEqual([r.status, r.body?.error], [status, code], r.body?.message);
    assert.equal(typeof r.body.message, 'string');
    assert.deepEqual([(await view()).headSeq, (await recordText(srv.url, ELECTION)).length], before, 'nothing changed');
  };
  const checkIn = async (p: Page, keyboard = false) => {
    for (let tries = 0; ; tries++) {
      if (keyboard) await press(p, 'check-in'); else await p.click('#check-in');
      try { await p.waitForSelector('#leave', { timeout: 10_000 }); return; } catch (e) {
        if (tries === 2 || (await p.locator('#check-in').count()) === 0) throw e;
      }
    }
  };

  before(async () => {
    buildWeb();
    srv = await startVeche();
    for (const [id] of [...PEOPLE, ...OFFICERS]) keys.set(id, newSigningKey());
    const body = {
      id: 'board', name: 'The Board',
      members: PEOPLE.map(([id, name]) => ({ id, name, weight: 1, key: keys.get(id)!.key })),
      officers: OFFICERS.map(([id, name]) => ({ id, name, key: keys.get(id)!.key })),
      rules: { quorum: { of: 'members', share: { num: 1, den: 2 } }, majority: 'simple', proxyLimit: 1, splitVotes: false, voteMode: 'named', forum: { endorsements: 3, attachmentBytes: 1024 } },
    };
    await ok(srv.url, 'POST', '/api/bodies', { token: srv.adminToken, json: body });
    meetingHash = (await ok(srv.url, 'POST', '/api/meetings', { token: srv.adminToken, json: { id: 'agm', title: 'Annual meeting', body: 'board', chair: 'm1', secretaries: ['sec'], tellers: ['sec', 'tel'], threshold: 2 } })).meetingHash;
    browser = await launchChromium();
  });
  after(async () => { await browser?.close(); await srv?.close(); });

  it('the meeting opens; members check in; Dana gives her vote to Emil; a named vote', async () => {
    await open('projector', '/meeting/agm/projector', null);
    const sec = await open('sec', '/meeting/agm/chair', 'sec');
    await sec.click('#open-meeting');
    await sec.waitForSelector('#close-meeting');
    await sec.fill('#item-title', 'Minutes');
    await sec.click('#add-item');
    await sec.waitForSelector('#open-item');
    await sec.click('#open-item');
    await page('projector').waitForFunction(() => document.querySelector('#pj-item')?.textContent === 'Minutes');
    const dana = await open('m4', '/meeting/agm', 'm4');
    await dana.selectOption('#proxy-holder', 'm5');
    await dana.click('#grant-proxy');
    await dana.waitForSelector('#proxy-given');
    await leave('m4');
    await open('m1', '/meeting/agm', 'm1');
    await open('m2', '/meeting/agm', 'm2', { viewport: { width: 390, height: 844 } });
    await open('m3', '/meeting/agm', 'm3');
    await open('m5', '/meeting/agm', 'm5');
    await checkIn(page('m1'));
    await checkIn(page('m2'));
    await checkIn(page('m3'), true);
    await checkIn(page('m5'));
    await untilView((v) => v.members.filter((m: any) => m.present).length === 4, 'four present');
    await page('m5').waitForFunction(() => document.querySelector('#proxies-held')?.textContent?.includes('Dana Away'));

    // A named vote first: who voted how is published.
    await sec.fill('#motion-title', 'Minutes');
    await sec.fill('#motion-text', 'That the minutes of the last meeting are approved.');
    await sec.selectOption('#motion-mode', 'named');
    await sec.click('#put-motion');
    await sec.click('#open-vote-motion-1');
    await untilView((v) => v.openVote === 'motion-1', 'the named vote open');
    for (const [name, choices] of [['m1', { m1: 'for' }], ['m2', { m2: 'for' }], ['m5', { m5: 'against', m4: 'for' }]] as const) {
      const p = page(name);
      for (const [member, c] of Object.entries(choices)) await p.check(`#vote-${member}-${c}`);
      await p.click('#cast');
      await p.waitForSelector('#cast-done');
    }
    await page('m3').waitForSelector('#vote-m3-for');
    await press(page('m3'), 'vote-m3-for', 'Space');
    await press(page('m3'), 'cast');
    await page('m3').waitForSelector('#cast-done');
    await sec.click('#close-vote');
    await untilText(page('projector'), '#pj-results', /Minutes PASSED — 4 for, 1 against, 0 abstaining/);
  });

  it('a forum proposal gathers endorsements, goes on the agenda from the chair page and becomes the secret motion', async () => {
    // Boris proposes in the body's forum; Ana, Chen and Emil endorse (the forum's own page is test/forum-browser's).
    const forum = (action: Parameters<typeof signForumPayload>[1], fields: Record<string, unknown>, by: string) =>
      ok(srv.url, 'POST', `/api/bodies/board/forum/${action === 'proposal' ? 'proposals' : `proposals/${fields.proposal as string}/${action}`}`,
        { json: signForumPayload('board', action, { ...fields, by, nonce: randomBytes(16).toString('base64url') } as never, keys.get(by)!.secret) });
    proposal = (await forum('proposal', { title: TITLE, text: TEXT, attachments: [] }, 'm2')).id;
    for (const by of ['m1', 'm3', 'm5']) await forum('endorse', { proposal }, by);
    const item = `forum-${proposal}`;
    const sec = page('sec');
    await sec.click(`#agenda-from-${item}`);
    await untilView((v) => v.agenda.items.some((i: any) => i.id === item), 'the proposal on the agenda');
    assert.equal((await ok(srv.url, 'GET', `/api/bodies/board/forum/proposals/${proposal}`)).placement.meeting, 'agm');
    await sec.waitForSelector(`#open-item`);
    await sec.click('#open-item');
    await untilView((v) => v.agenda.current === item, 'the proposal\'s item open');
    await sec.click('#motion-from-forum');
    await sec.waitForFunction((t) => (document.getElementById('motion-title') as HTMLInputElement | null)?.value === t, TITLE);
    await sec.selectOption('#motion-mode', 'secret');
    await sec.click('#put-motion');
    await untilView((v) => v.motions.some((m: any) => m.id === SECRET && m.item === item && m.mode === 'secret' && m.text === TEXT), 'the proposal put as a secret motion');
  });

  it('a secret motion: the vote cannot open until the tellers have made its key from their own pages', async () => {
    const sec = page('sec');
    await sec.waitForSelector(`#tellers-not-ready-${SECRET}`);
    assert.equal(await sec.isDisabled(`#open-vote-${SECRET}`), true);
    assert.match(await text(sec, `#tellers-not-ready-${SECRET}`), /tellers have not finished their key ceremony/);
    const roll = { present: ['m1', 'm2', 'm3', 'm5'], proxies: [{ principal: 'm4', holder: 'm5' }] };
    const text2 = TEXT;
    await refused(409, 'tellers-not-ready', () => call(srv.url, 'POST', `/api/meetings/agm/motions/${SECRET}/open`, { json: signed('vote-opened', { motion: SECRET, text: text2, ...roll, seconds: 0, by: 'm1' }) }));

    // Tara does not run the meeting: the chair page shows her only her steps as teller.
    const tel = await open('tel', '/meeting/agm/chair', 'tel');
    await tel.waitForSelector(`#teller-join-${SECRET}`);
    assert.equal(await tel.locator('#put-motion').count(), 0);
    await sec.click(`#teller-join-${SECRET}`);
    await tel.click(`#teller-join-${SECRET}`);
    await untilText(sec, `#tellers-${SECRET}`, /The tellers are ready/);
    await tel.waitForSelector(`#teller-ready-${SECRET}`);
    assert.deepEqual(await seriousA11yViolations(tel), [], 'teller page');
    await screenshot(tel, 'meeting-secret-teller');
    assert.equal((await election()).phase, 'setup');
    await sec.click(`#open-vote-${SECRET}`);
    await untilView((v) => v.openVote === SECRET, 'the secret vote open');
  });

  it('members register credentials from their browsers (the proxy holder for two); a reload keeps them; attackers refused', async () => {
    for (const name of ['m1', 'm2', 'm5']) {
      const p = page(name);
      await p.waitForSelector('#secret-notice');
      assert.match(await text(p, '#secret-notice'), /nobody sees how you voted; the record shows that you took part/);
    }
    await page('m5').waitForSelector('#take-part');
    assert.match(await text(page('m5'), '#take-part-text'), /\(2: Emil Proxy, Dana Away\)/);
    await page('m5').click('#take-part');
    await page('m5').waitForSelector('#registered');
    await page('m2').click('#take-part');
    await page('m2').waitForSelector('#registered');
    await press(page('m3'), 'take-part');
    await page('m3').waitForSelector('#registered');
    // Boris's phone reloads: the credential is kept (sealed), and no second registration is offered.
    await page('m2').reload();
    await page('m2').waitForSelector('#registered');
    assert.equal(await page('m2').locator('#take-part').count(), 0);
    const stored = await page('m2').evaluate(() => Object.entries(sessionStorage).filter(([k]) => k.includes('meeting-credentials')));
    assert.equal(stored.length, 1);
    assert.doesNotMatch(stored[0]![1], /[0-9A-Z]{5}-[0-9A-Z]{5}/, 'the credential is never in the clear');
    assert.deepEqual(await seriousA11yViolations(page('m2')), [], 'member page, secret vote');
    assert.ok(await page('m2').evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scroll at 390 px');
    await screenshot(page('m2'), 'meeting-secret-phone');

    const electionHash: string = (await election()).electionHash;
    const fresh = () => credentialKeys(electionHash, newCredential()).key;
    const register = (member: string, by: string) => call(srv.url, 'POST', `/api/meetings/agm/motions/${SECRET}/credentials`, { json: signed('credential-registered', { motion: SECRET, member, credential: fresh(), by }) });
    await refused(409, 'duplicate', () => register('m2', 'm2'));
    await refused(422, 'not-present', () => register('m4', 'm4'));
    await refused(422, 'not-a-member', () => register('tel', 'tel'));
    await refused(422, 'no-proxy', () => register('m4', 'm1'));

    await page('m1').click('#take-part');
    await page('m1').waitForSelector('#registered');
    await untilText(page('sec'), '#registered-count', /Taking part: 5 of 5/);
    await untilText(page('projector'), '#pj-registered', /Taking part: 5 of 5/);
    // The chair's list must be exactly the registrations: one key more or one fewer is refused.
    const record = (await call(srv.url, 'GET', '/api/meetings/agm/record')).text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const entries = record.filter((e: any) => e.type === 'credential-registered').map((e: any) => ({ key: e.payload.credential as string, weight: 1 }));
    const sorted = (l: { key: string; weight: number }[]) => [...l].sort((a, b) => (a.key < b.key ? -1 : 1));
    const list = (l: { key: string; weight: number }[]) => call(srv.url, 'POST', `/api/meetings/agm/motions/${SECRET}/credential-list`, { json: signCredentialList(electionHash, sorted(l), keys.get('m1')!) });
    await refused(422, 'wrong-list', () => list([...entries, { key: fresh(), weight: 1 }]));
    await refused(422, 'wrong-list', () => list(entries.slice(1)));
    assert.equal((await election()).phase, 'setup');

    // The board operator serves the chair another election (its manifest rewritten, re-chained, every
    // hash valid): the tellers' signatures bind the election hash, so the chair's page finds the record
    // does not verify, says so, and offers nothing to sign.
    const lines = (await recordText(srv.url, ELECTION)).split('\n').filter(Boolean).map((l) => JSON.parse(l) as BoardEvent);
    const swapped = rechain(lines.map((e) => (e.type === 'election' ? { ...e, payload: { ...(e.payload as object), manifest: { ...(e.payload as { manifest: Manifest }).manifest, title: 'Another vote' } } } as BoardEvent : e)));
    const forged = await open('forged', '/meeting/agm/chair', 'm1', {
      ready: '.vote-now .notice.error',
      prepare: (p) => p.route(`**/api/elections/${ELECTION}/record`, (route) => route.fulfill({ status: 200, headers: { 'content-type': 'application/x-ndjson' }, body: swapped.map((e) => encodeEvent(e) + '\n').join('') })),
    });
    assert.match(await text(forged, '.vote-now'), /record does not verify \(.*trustees\.signatures: trustee-commitment of sec: not signed by the trustee sec's key\): nothing was done/);
    assert.equal(await forged.locator('#sign-list').count(), 0);
    await leave('forged');
    assert.equal((await election()).phase, 'setup');
  });

  it('the chair signs the list; members cast encrypted ballots and keep their receipts; a ballot after the close is refused', async () => {
    // The secretary cannot sign the list: the chair's key is the election's credential authority.
    await page('sec').waitForSelector('#chair-signs');
    const chair = await open('chair', '/meeting/agm/chair', 'm1');
    await chair.click('#sign-list');
    await chair.waitForSelector('#ballots-count');
    assert.equal((await election()).phase, 'open');
    await page('m1').waitForSelector('#secret-m1-against');
    await page('m1').check('#secret-m1-against');
    await page('m1').click('#cast-secret');
    await page('m2').waitForSelector('#secret-m2-for');
    await page('m2').check('#secret-m2-for');
    await page('m2').click('#cast-secret');
    await press(page('m3'), 'secret-m3-for', 'Space');
    await press(page('m3'), 'cast-secret');
    // Emil casts his own vote and Dana's in one action.
    await page('m5').waitForSelector('#secret-m4-abstain');
    await page('m5').check('#secret-m5-for');
    await page('m5').check('#secret-m4-abstain');
    await page('m5').click('#cast-secret');
    for (const name of ['m1', 'm2', 'm3', 'm5']) await page(name).waitForSelector('#secret-receipt');
    // The receipt may be drawn after Emil's ballot and before Dana's (the page redraws as the election's record moves): waited for.
    await untilText(page('m5'), '#secret-receipt', /Emil Proxy: tracking code \S+ Dana Away: tracking code \S+/);
    await untilText(page('projector'), '#pj-ballots', /Ballots cast: 5 of 5 registered/);
    assert.doesNotMatch(await text(page('projector'), 'main'), /Ana Chair|Boris Phone|Emil Proxy/, 'the projector names nobody in a secret vote');
    // Boris's phone reloads after casting: the receipt is still shown, nothing is left to cast.
    await page('m2').reload();
    await page('m2').waitForSelector('#secret-receipt');
    assert.equal(await page('m2').locator('#cast-secret').count(), 0);
    assert.deepEqual(await seriousA11yViolations(chair), [], 'chair page, secret vote');
    assert.deepEqual(await seriousA11yViolations(page('projector')), [], 'projector, secret vote');

    // Boris's credential, read back from the seal only with his key (as his page does), cannot cast after the close.
    const electionHash: string = (await election()).electionHash;
    const [, sealed] = (await page('m2').evaluate(() => Object.entries(sessionStorage).find(([k]) => k.includes('meeting-credentials'))))!;
    const [, nonce, body] = sealed.split('.');
    const key = hkdf(sha256, utf8(keys.get('m2')!.secret), utf8(electionHash), utf8('veche/meeting-credential-seal/v1'), 32);
    const kept = JSON.parse(new TextDecoder().decode(xchacha20poly1305(key, fromBase64Url(nonce!, 24, 'nonce'), utf8(electionHash)).decrypt(fromBase64Url(body!, Math.floor((body!.length * 3) / 4), 'sealed'))));
    const credential = kept.credentials.m2 as string;
    await page('sec').click('#close-vote');
    await untilView((v) => v.motions.find((m: any) => m.id === SECRET).status === 'closed', 'the secret vote closed');
    const info = await election();
    const [genesis] = (await recordText(srv.url, ELECTION)).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const manifest = genesis.payload.manifest as Manifest;
    const late = encryptBallot(electionHash, decodePublicKey(info.jointKey), selectionGroups(manifest), encodeChoices(manifest, { [manifest.questions[0]!.id]: { type: 'motion', vote: 'against' } }), credentialKeys(electionHash, credential));
    await refused(409, 'wrong-phase', () => call(srv.url, 'POST', `/api/elections/${ELECTION}/ballots`, { json: late.ballot }));
  });

  it('the tellers decrypt on the spot; the result is on the projector, checked against the election; veche verify passes', async () => {
    await untilText(page('projector'), '#pj-counting', /0 of 2 tellers have decrypted/);
    // Each teller's page says its share is on the record (the card itself goes once the result is in).
    await page('tel').click(`#teller-decrypt-${SECRET}`);
    await untilText(page('tel'), '#message', /Your decryption share is on the record/);
    await page('sec').click(`#teller-decrypt-${SECRET}`);
    await untilText(page('sec'), '#message', /Your decryption share is on the record/);
    const started = Date.now();
    // Ana against, Boris, Chen and Emil for, Dana (by Emil) abstaining.
    await untilText(page('projector'), '#pj-results', /Appoint the auditor PASSED — 3 for, 1 against, 1 abstaining/);
    console.log(`meeting-secret-browser: last decryption → result on the projector: ${Date.now() - started} ms`);
    const shares = (await recordText(srv.url, ELECTION)).split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.type === 'decryption-share');
    assert.deepEqual(shares.map((e) => e.payload.trustee).sort(), ['sec', 'tel']);
    await untilText(page('projector'), '#pj-secret-check', /Checked here against the secret vote’s record: 5 took part/);
    await screenshot(page('projector'), 'meeting-secret-projector');
    await page('sec').click('#close-meeting');
    await page('projector').waitForSelector('#pj-closed');

    const verified = await verifyMeetingAsServed(srv.url, 'agm', [ELECTION]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /VERIFIED: every check holds/);
    assert.match(verified.stdout, /meeting\.secret/);
    assert.deepEqual(problems, []);
  });
});
