// A vote closed while a member's ballot is on its way, in Debian's Chromium against the real server: the
// member pages' requests are held back (playwright's page.route) until the secretary has closed the
// vote, then let go. A named vote of a member and the principal they hold: the page says in plain words
// that the vote closed before the votes reached the record and they were not counted, and offers nothing
// more to cast. A secret vote: one member's own ballot held (then their principal's is never sent), and
// another member's second ballot held after the first went in; each page says which ballot was not
// counted, shows no cast button and a receipt only for the ballot the board took, and still does once
// the meeting shows the close; a board's wrong-phase while the record shows the poll open is not taken
// for a close. The rest (the bodies, the tellers' ceremony and decryption, the other
// ballots) goes over HTTP as the other pages would send it; `veche verify --elections` passes on the
// records, whose result counts only the ballots the board took.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { SigningKeyPair } from '../src/record/signature.js';
import type { TrusteeSecret } from '../src/keyceremony/trustee.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { signCredentialList } from '../src/credentials/authority.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import type { BoardEvent } from '../src/record/events.js';
import type { Manifest } from '../src/manifest/types.js';
import { call, ok, recordText, verifyMeetingAsServed } from './helpers/server.js';
import { buildWeb, chromiumAvailable, launchChromium, seriousA11yViolations, startVeche, type VecheServer } from './helpers/browser.js';
import { meetingPages, text, untilText } from './helpers/meeting-pages.js';
import { makeBody, signAs } from './meeting-fixture.js';
import { tellersKeyCeremony } from './helpers/meeting-tellers.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

const NAMED = 'minutes';
const SECRET = 'budget';
const ELECTION = `agm-${SECRET}`;
const TEXT = 'That the budget for next year be adopted.';
const TELLERS = ['sec', 'm2'];

/**
 * Holds back the page's POSTs to `pattern` after the first `pass` of them: `held` resolves when one is
 * waiting, `release` lets it (and any after it) go on to the server.
 */
async function holdPosts(p: Page, pattern: string, pass: number): Promise<{ held: Promise<void>; release: () => void }> {
  let seen = 0;
  let release!: () => void;
  const released = new Promise<void>((r) => { release = r; });
  let holding!: () => void;
  const held = new Promise<void>((r) => { holding = r; });
  await p.route(pattern, async (route) => {
    if (route.request().method() !== 'POST' || seen++ < pass) { await route.continue(); return; }
    holding();
    await released;
    await route.continue();
  });
  return { held, release };
}

describe('a meeting in Chromium: a ballot or a named vote in flight when the vote closes is said not counted', { skip, timeout: 240_000 }, () => {
  // m4 gives her vote to m1 and m5 his to m3; both stay away.
  const f = makeBody([1, 1, 1, 1, 1]);
  const keys = new Map<string, SigningKeyPair>([...f.people].map(([id, p]) => [id, p.keys]));
  const problems: string[] = [];
  let srv: VecheServer;
  let browser: Browser;
  let meetingHash = '';
  let electionHash = '';
  let manifest: Manifest;
  const tellerSecrets = new Map<string, TrusteeSecret>();

  const { open, page } = meetingPages({ browser: () => browser, url: () => srv.url, keys, problems });
  const view = () => ok(srv.url, 'GET', '/api/meetings/agm');
  const must = (path: string, type: Parameters<typeof signAs>[2], payload: any) => ok(srv.url, 'POST', `/api/meetings/agm/${path}`, { json: signAs(f, meetingHash, type, payload) });
  const openVote = async (motion: string, text: string) => {
    const { roll } = await view();
    await must(`motions/${motion}/open`, 'vote-opened', { motion, text, present: roll.present, proxies: roll.proxies, seconds: 0, by: 'm1' });
  };
  const electionEvents = async () => (await recordText(srv.url, ELECTION)).split('\n').filter(Boolean).map((l) => JSON.parse(l) as BoardEvent);
  const teller = (id: string, step: string, json: unknown) => ok(srv.url, 'POST', `/api/meetings/agm/motions/${SECRET}/tellers/${id}/${step}`, { json });
  /** A page's kept receipts for the secret vote's election (booth-receipts: this tab's sessionStorage). */
  const receiptsKept = (p: Page) => p.evaluate((id) => JSON.parse(sessionStorage.getItem(`veche.booth.receipts:${id}`) ?? '[]').length as number, ELECTION);

  before(async () => {
    buildWeb();
    srv = await startVeche();
    await ok(srv.url, 'POST', '/api/bodies', { token: srv.adminToken, json: f.body });
    meetingHash = (await ok(srv.url, 'POST', '/api/meetings', { token: srv.adminToken, json: { id: 'agm', title: 'Annual meeting', body: f.body.id, chair: 'm1', secretaries: ['sec'], tellers: TELLERS, threshold: 2 } })).meetingHash;
    await must('open', 'meeting-opened', { by: 'm1' });
    for (const m of ['m1', 'm2', 'm3']) await must('check-in', 'member-present', { member: m, by: m });
    await must('proxies', 'proxy-granted', { principal: 'm4', holder: 'm1', scope: 'meeting', by: 'm4' });
    await must('proxies', 'proxy-granted', { principal: 'm5', holder: 'm3', scope: 'meeting', by: 'm5' });
    browser = await launchChromium();
  });
  after(async () => { await browser?.close(); await srv?.close(); });

  it('a named vote for oneself and a principal, held until the secretary closed the vote: not counted, said so, nothing left to cast', async () => {
    await must('motions', 'motion-put', { motion: NAMED, title: 'Minutes', text: 'That the minutes are approved.', majority: 'simple', mode: 'named', by: 'm1' });
    await openVote(NAMED, 'That the minutes are approved.');
    await must(`motions/${NAMED}/votes`, 'named-vote', { motion: NAMED, votes: [{ member: 'm1', for: 1, against: 0, abstain: 0 }, { member: 'm4', for: 1, against: 0, abstain: 0 }], by: 'm1' });
    await must(`motions/${NAMED}/votes`, 'named-vote', { motion: NAMED, votes: [{ member: 'm2', for: 0, against: 1, abstain: 0 }], by: 'm2' });
    const chen = await open('m3', '/meeting/agm', 'm3');
    await chen.check('#vote-m3-against');
    await chen.check('#vote-m5-against');
    const votes = await holdPosts(chen, `**/api/meetings/agm/motions/${NAMED}/votes`, 0);
    await chen.click('#cast');
    await votes.held;
    await must(`motions/${NAMED}/close`, 'vote-closed', { motion: NAMED, by: 'sec' });
    votes.release();
    await untilText(chen, '#message', /^The vote closed before your vote reached the record: it was not counted\. The vote closed before the vote for Member 5 reached the record: it was not counted\.$/);
    assert.equal(await chen.locator('#message .notice.error').count(), 1, 'said as an error');
    assert.equal(await chen.locator('#cast').count(), 0, 'nothing left to cast');
    assert.doesNotMatch(await text(chen, 'main'), /vote-closed|409/);
    const minutes = (await view()).motions.find((m: any) => m.id === NAMED);
    assert.deepEqual([minutes.voted, minutes.result.counts], [['m1', 'm4', 'm2'], { for: 2, against: 1, abstain: 0 }]);
  });

  it('a secret vote: the tellers make its key, members register from their pages, the chair signs the list', async () => {
    await must('motions', 'motion-put', { motion: SECRET, title: 'Budget', text: TEXT, majority: 'simple', mode: 'secret', by: 'm1' });
    electionHash = (await ok(srv.url, 'GET', `/api/elections/${ELECTION}`)).electionHash;
    manifest = ((await electionEvents())[0]!.payload as { manifest: Manifest }).manifest;
    // The tellers' key ceremony as their pages run it (test/meeting-secret-browser drives those pages).
    const payloads = async (type: string) => (await electionEvents()).filter((e) => e.type === type).map((e) => e.payload as any);
    for (const [id, secret] of await tellersKeyCeremony(TELLERS, (id) => f.people.get(id)!.keys, electionHash, manifest, teller, payloads)) tellerSecrets.set(id, secret);
    await openVote(SECRET, TEXT);
    const ana = await open('m1', '/meeting/agm', 'm1');
    for (const p of [ana, page('m3')]) {
      await p.click('#take-part');
      await p.waitForSelector('#registered');
    }
    const boris = newCredential();
    await must(`motions/${SECRET}/credentials`, 'credential-registered', { motion: SECRET, member: 'm2', credential: credentialKeys(electionHash, boris).key, by: 'm2' });
    const record = (await call(srv.url, 'GET', '/api/meetings/agm/record')).text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const list = record.filter((e: any) => e.type === 'credential-registered').map((e: any) => ({ key: e.payload.credential as string, weight: 1 })).sort((a: any, b: any) => (a.key < b.key ? -1 : 1));
    assert.equal(list.length, 5);
    await ok(srv.url, 'POST', `/api/meetings/agm/motions/${SECRET}/credential-list`, { json: signCredentialList(electionHash, list, f.people.get('m1')!.keys) });
    const info = await ok(srv.url, 'GET', `/api/elections/${ELECTION}`);
    assert.equal(info.phase, 'open');
    const enc = encryptBallot(electionHash, decodePublicKey(info.jointKey), selectionGroups(manifest), encodeChoices(manifest, { motion: { type: 'motion', vote: 'for' } }), credentialKeys(electionHash, boris));
    await ok(srv.url, 'POST', `/api/elections/${ELECTION}/ballots`, { json: enc.ballot });
  });

  it('ballots held until the secretary closed the vote: each page says which were not counted, offers no cast, claims no receipt for them', async () => {
    const [ana, chen] = [page('m1'), page('m3')];
    const ballotsRoute = `**/api/elections/${ELECTION}/ballots`;
    // First a board that refuses Ana's ballot wrong-phase while its record shows the poll open: her page
    // does not take the board's word that the vote is over (its own check of the record says otherwise).
    await ana.route(ballotsRoute, (route) => route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: 'wrong-phase', message: 'not allowed now: the poll is closed' }) }));
    await ana.check('#secret-m1-against');
    await ana.click('#cast-secret');
    await untilText(ana, '#message', /^Not possible in the election's current phase \(not allowed now: the poll is closed\)$/);
    await ana.waitForSelector('#cast-secret');
    assert.equal(await ana.locator('#ballot-too-late').count(), 0, 'not said too late');
    assert.equal(await receiptsKept(ana), 0);
    await ana.unroute(ballotsRoute);
    // Ana's own ballot is held (so Dana's, after it, is never sent); Chen's goes in and Emil's is held.
    const anaHeld = await holdPosts(ana, ballotsRoute, 0);
    const chenHeld = await holdPosts(chen, ballotsRoute, 1);
    for (const [p, choices] of [[ana, { m1: 'against', m4: 'against' }], [chen, { m3: 'against', m5: 'abstain' }]] as const) {
      for (const [member, c] of Object.entries(choices)) await p.check(`#secret-${member}-${c}`);
      await p.click('#cast-secret');
    }
    await Promise.all([anaHeld.held, chenHeld.held]);
    await must(`motions/${SECRET}/close`, 'vote-closed', { motion: SECRET, by: 'sec' });
    anaHeld.release();
    chenHeld.release();

    await untilText(ana, '#message', /^The vote closed before your ballot reached the board: it was not counted\. The vote closed before the ballot for Member 4 reached the board: it was not counted\.$/);
    await untilText(chen, '#message', /^Encrypted ballots cast: 1\. Your receipts are below\. The vote closed before the ballot for Member 5 reached the board: it was not counted\.$/);
    // Said where the vote was, and still so once the meeting shows the close (time-bound: the stream brings it).
    for (const p of [ana, chen]) await p.waitForSelector('#secret-counting');
    await untilText(ana, '#ballot-too-late', /your ballot reached the board: it was not counted\. .*Member 4/);
    await untilText(chen, '#ballot-too-late', /^The vote closed before the ballot for Member 5 reached the board: it was not counted\.$/);
    for (const p of [ana, chen]) assert.equal(await p.locator('#cast-secret').count(), 0, 'nothing left to cast');
    assert.equal(await ana.locator('#secret-receipt').count(), 0, 'no receipt for a ballot not counted');
    assert.equal(await receiptsKept(ana), 0);
    await untilText(chen, '#secret-receipt', /^Ballot cast, encrypted, for: Member 3 Member 3: tracking code \S+$/);
    assert.equal(await receiptsKept(chen), 1);
    assert.deepEqual(await seriousA11yViolations(ana), [], 'member page, ballot too late');

    const ballots = (await electionEvents()).filter((e) => e.type === 'ballot');
    assert.equal(ballots.length, 2, 'Boris\'s and Chen\'s own: the held ones never reached the board');
    const found = await ok(srv.url, 'GET', `/api/elections/${ELECTION}/ballots/${encodeURIComponent(await text(chen, '#secret-receipt code'))}`);
    assert.ok(ballots.some((e) => e.seq === found.seq), 'Chen\'s receipt is a ballot on the board');
  });

  it('the tellers decrypt; the result counts only the ballots the board took; veche verify --elections passes', async () => {
    const tally = (await electionEvents()).find((e) => e.type === 'tally')!.payload as { sums: any };
    for (const id of TELLERS) await teller(id, 'decryption', makeDecryptionShare(tellerSecrets.get(id)!, tally.sums));
    const published = await ok(srv.url, 'POST', `/api/meetings/agm/motions/${SECRET}/result`);
    assert.deepEqual(published.result.counts, { for: 1, against: 1, abstain: 0 });
    await must('close', 'meeting-closed', { by: 'm1' });

    const verified = await verifyMeetingAsServed(srv.url, 'agm', [ELECTION]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /VERIFIED: every check holds/);
    assert.deepEqual(problems, []);
  });
});
