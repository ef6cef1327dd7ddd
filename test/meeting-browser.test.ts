// A meeting in Debian's Chromium against the real server (npm start's runServer): the chair (a voting
// member, on the chair's page and on their own member page), a secretary (an officer), three members
// — one on a 390 px phone, one by keyboard alone, one who gives their vote to the phone member and
// leaves — and the projector. An agenda item with a speakers list; a motion with two amendments voted
// in order (one adopted, one rejected), then the motion as amended; the proxy holder casts two votes in
// one action; the chair is outvoted; a member's page reloads after voting and still shows the vote;
// each result reaches the projector within seconds of the close; when members leave, the quorum is
// lost and the vote cannot open (the button is disabled and the server refuses it). axe-core finds no
// serious or critical violation; at the end `veche verify` checks the record.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newSigningKey, type SigningKeyPair } from '../src/record/signature.js';
import { signMeetingPayload } from '../src/meeting/signature.js';
import { encodeMeetingEvent, GENESIS_PREV, makeMeetingEvent } from '../src/meeting/events.js';
import type { MeetingEvent } from '../src/meeting/types.js';
import { call, ok } from './helpers/server.js';
import { veche } from './helpers/cli.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, startVeche, tempDir, type VecheServer } from './helpers/browser.js';
import { meetingPages, press, text, untilText } from './helpers/meeting-pages.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

const BUDGET = 'That the board adopts the budget.\n\nThe fee is 10.\n\nThe fee is due in May.';
const PEOPLE = [['m1', 'Ana Chair'], ['m2', 'Boris Phone'], ['m3', 'Chen Keys'], ['m4', 'Dana Away'], ['m5', 'Emil Absent']] as const;

describe('a meeting in Chromium: agenda, speakers, amendments, proxies, quorum, projector', { skip, timeout: 300_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  const keys = new Map<string, SigningKeyPair>();
  const problems: string[] = [];
  let meetingHash = '';
  /** The finished meeting's record, as served. */
  let record = '';

  const { pages, open, leave, page } = meetingPages({ browser: () => browser, url: () => srv.url, keys, problems });
  const view = () => ok(srv.url, 'GET', '/api/meetings/agm');
  // Time-bound, not count-bound: the suite runs beside other Chromium tests on 2 cores.
  const untilView = async (f: (v: any) => boolean) => { for (const end = Date.now() + 60_000; Date.now() < end;) { if (f(await view())) return; await new Promise((r) => setTimeout(r, 50)); } assert.fail(`the meeting did not reach the expected state; the pages say:\n${(await Promise.all([...pages].map(async ([n, p]) => `${n}: ${(await p.innerText('main')).slice(0, 300)}`))).join('\n')}\n${problems.join('\n')}`); };
  const vote = async (name: string, choices: Record<string, 'for' | 'against' | 'abstain'>, keyboard = false) => {
    const p = page(name);
    for (const [member, c] of Object.entries(choices)) {
      // A radio group is one Tab stop: Space picks the first choice, the arrow keys move to the others.
      if (keyboard) {
        await press(p, `vote-${member}-for`, 'Space');
        for (let i = 0; i < ['for', 'against', 'abstain'].indexOf(c); i++) await p.keyboard.press('ArrowRight');
        assert.equal(await p.evaluate((id) => (document.getElementById(id) as HTMLInputElement).checked, `vote-${member}-${c}`), true);
      } else await p.check(`#vote-${member}-${c}`);
    }
    if (keyboard) await press(p, 'cast'); else await p.click('#cast');
    await p.waitForSelector('#cast-done');
  };
  /** The chair opens the vote on `motion` from the chair's page; it is on the record. */
  const openVote = async (motion: string) => {
    await page('chair').click(`#open-vote-${motion}`);
    for (const end = Date.now() + 60_000; Date.now() < end && (await view()).openVote !== motion;) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await view()).openVote, motion, `the vote did not open: ${await text(page('chair'), '#message')}`);
  };
  /** The secretary closes the vote; returns how long the projector took to show the result. */
  const closeAndTime = async (motion: string) => {
    const started = Date.now();
    await page('sec').click('#close-vote');
    await page('projector').waitForSelector(`#pj-results[data-motion="${motion}"] .result`);
    return Date.now() - started;
  };

  before(async () => {
    buildWeb();
    srv = await startVeche();
    for (const [id] of [...PEOPLE, ['sec', 'Sam Secretary']]) keys.set(id, newSigningKey());
    const body = {
      id: 'board', name: 'The Board',
      // Boris is a delegate of weight 3, who may split it.
      members: PEOPLE.map(([id, name]) => ({ id, name, weight: id === 'm2' ? 3 : 1, key: keys.get(id)!.key })),
      officers: [{ id: 'sec', name: 'Sam Secretary', key: keys.get('sec')!.key }],
      rules: { quorum: { of: 'members', share: { num: 1, den: 2 } }, majority: 'simple', proxyLimit: 1, splitVotes: true, voteMode: 'named' },
    };
    await ok(srv.url, 'POST', '/api/bodies', { token: srv.adminToken, json: body });
    meetingHash = (await ok(srv.url, 'POST', '/api/meetings', { token: srv.adminToken, json: { id: 'agm', title: 'Annual meeting', body: 'board', chair: 'm1', secretaries: ['sec'] } })).meetingHash;
    browser = await launchChromium();
  });
  after(async () => { await browser?.close(); await srv?.close(); });

  it('the secretary opens the meeting and sets the agenda; members check in; the pages pass axe', async () => {
    await open('projector', '/meeting/agm/projector', null);
    const sec = await open('sec', '/meeting/agm/chair', 'sec');
    await open('chair', '/meeting/agm/chair', 'm1');
    await sec.click('#open-meeting');
    await sec.waitForSelector('#close-meeting');
    for (const title of ['Budget 2027', 'Any other business']) {
      await sec.fill('#item-title', title);
      await sec.click('#add-item');
      await sec.waitForFunction((t) => Array.from(document.querySelectorAll('ol.agenda li')).some((li) => li.textContent?.includes(t)), title);
    }
    await sec.click('#open-item');
    await page('projector').waitForFunction(() => document.querySelector('#pj-item')?.textContent === 'Budget 2027');

    const phone = await open('m2', '/meeting/agm', 'm2', { viewport: { width: 390, height: 844 } });
    const keysOnly = await open('m3', '/meeting/agm', 'm3');
    const away = await open('m4', '/meeting/agm', 'm4');
    const chairVotes = await open('m1', '/meeting/agm', 'm1');
    // A page that is still drawing itself after loading may replace the button under a click: each member
    // checks in until the page says so (a check-in that did go through is not sent again).
    const checkIn = async (p: Page, keyboard = false) => {
      for (let tries = 0; ; tries++) {
        if (keyboard) await press(p, 'check-in'); else await p.click('#check-in');
        try { await p.waitForSelector('#leave', { timeout: 10_000 }); return; } catch (e) {
          if (tries === 2 || (await p.locator('#check-in').count()) === 0) throw e;
        }
      }
    };
    await checkIn(phone);
    await checkIn(keysOnly, true);
    await checkIn(away);
    await checkIn(chairVotes);
    await untilView((v) => v.members.filter((m: any) => m.present).length === 4);
    // The phone page fits 390 px without sideways scrolling.
    assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scroll at 390 px');
    for (const name of ['m2', 'sec', 'projector']) assert.deepEqual(await seriousA11yViolations(page(name)), [], name);
    await screenshot(phone, 'meeting-member-phone');
  });

  it('members ask to speak for and against; the secretary gives the floor; the projector shows who speaks', async () => {
    await press(page('m3'), 'speak-for');
    await page('m3').waitForSelector('#withdraw-speech');
    await page('m2').click('#speak-against');
    await page('sec').click('#floor-m3');
    await page('projector').waitForFunction(() => document.querySelector('.speaker-now')?.textContent?.includes('Chen Keys'));
    await untilText(page('m2'), '#speaking', /Chen Keys has the floor \(for\)/);
    await page('sec').click('#floor-m2');
    await page('projector').waitForFunction(() => document.querySelector('.speaker-now')?.textContent?.includes('Boris Phone'));
  });

  it('Dana gives her vote to Boris and leaves; both see the proxy', async () => {
    const away = page('m4');
    await away.selectOption('#proxy-holder', 'm2');
    await away.click('#grant-proxy');
    await away.waitForSelector('#proxy-given');
    assert.match(await text(away, '#proxy-given'), /held by Boris Phone/);
    await away.click('#leave');
    await away.waitForSelector('#check-in');
    await page('m2').waitForFunction(() => document.querySelector('#proxies-held')?.textContent?.includes('Dana Away'));
  });

  it('a motion with two amendments: voted in order, then the motion as amended; the chair is outvoted; results on the projector within seconds', async () => {
    const sec = page('sec');
    await sec.fill('#motion-title', 'Budget 2027');
    await sec.fill('#motion-text', BUDGET);
    await sec.click('#put-motion');
    await sec.waitForSelector('#motion-motion-1');
    const amend = async (title: string, paragraph: string, newText: string, id: string) => {
      await sec.click('#amend-motion-1');
      await sec.fill('#am-title-motion-1', title);
      await sec.selectOption('#am-paragraph-motion-1', paragraph);
      await sec.fill('#am-text-motion-1', newText);
      await sec.click('#put-amendment-motion-1');
      await sec.waitForSelector(`#amendment-${id}`);
    };
    await amend('Fee 12', '2', 'The fee is 12.', 'motion-1-a1');
    await amend('No date', '3', '', 'motion-1-a2');
    // Only the first amendment may be voted first; the chair sees the motion as it would read.
    assert.equal(await sec.locator('#open-vote-motion-1-a2').count(), 0);
    await untilText(sec, '#vote-text-motion-1', /The fee is 12\. The fee is due in May\./);
    const timings: number[] = [];

    // Amendment 1: the chair against, Boris (3) for himself and Dana in one action, Chen by keyboard: adopted 5-1.
    await openVote('motion-1-a1');
    await page('m2').waitForSelector('#vote-m4-for');
    await untilText(page('m2'), '#vote-heading', /amendment Fee 12 to Budget 2027/);
    await vote('m1', { m1: 'against' });
    await vote('m2', { m2: 'for', m4: 'for' });
    await vote('m3', { m3: 'for' }, true);
    timings.push(await closeAndTime('motion-1-a1'));
    await untilText(page('projector'), '#pj-results', /PASSED — 5 for, 1 against, 0 abstaining/);

    // Amendment 2: Boris against with his weight, Dana's vote (which he holds) for: rejected 1-5.
    await openVote('motion-1-a2');
    await vote('m2', { m2: 'against', m4: 'for' });
    await vote('m3', { m3: 'against' }, true);
    await vote('m1', { m1: 'against' });
    timings.push(await closeAndTime('motion-1-a2'));
    await untilText(page('projector'), '#pj-results', /REJECTED — 1 for, 5 against/);

    // The motion as amended: paragraph 2 changed, paragraph 3 kept.
    await untilText(page('sec'), '#amended-motion-1', /^That the board adopts the budget\. The fee is 12\. The fee is due in May\.$/);
    await openVote('motion-1');
    // Chen's page may still show the amendment's vote a moment after the chair opened this one: waited for.
    await untilText(page('m3'), '#voted-text', /^That the board adopts the budget\. The fee is 12\. The fee is due in May\.$/);
    assert.equal(await page('m3').evaluate(() => Array.from(document.querySelectorAll('#voted-text p')).map((p) => p.textContent).join('|')), 'That the board adopts the budget.|The fee is 12.|The fee is due in May.');
    await vote('m3', { m3: 'for' }, true);
    // Chen's page reloads (a dropped connection): it comes back to the vote, with the vote on the record.
    await page('m3').reload();
    await page('m3').waitForSelector('#cast-done');
    assert.match(await text(page('m3'), '#cast-done'), /Chen Keys/);
    assert.equal(await page('m3').locator('#cast').count(), 0, 'nothing left to cast');
    await vote('m1', { m1: 'against' });
    // Boris splits his weight 2 for, 1 against, and casts Dana's vote for, in one action; a split that
    // does not add up to his weight is named on the page and nothing is sent.
    const phone = page('m2');
    await phone.check('#split-m2');
    await phone.fill('#split-m2-for', '2');
    await phone.check('#vote-m4-for');
    await phone.click('#cast');
    await phone.waitForSelector('#message .error');
    assert.match(await text(phone, '#message'), /all of their weight 3/);
    assert.deepEqual((await view()).motions.find((m: any) => m.id === 'motion-1').voted, ['m3', 'm1']);
    await phone.fill('#split-m2-against', '1');
    await phone.click('#cast');
    await phone.waitForSelector('#cast-done');
    timings.push(await closeAndTime('motion-1'));
    await untilText(page('projector'), '#pj-results', /PASSED — 4 for, 2 against/);
    for (const ms of timings) assert.ok(ms < 5000, `result on the projector ${ms} ms after the close`);
    console.log(`meeting-browser: close → result on the projector: ${timings.join(', ')} ms`);
    await screenshot(page('projector'), 'meeting-projector');
    await screenshot(page('sec'), 'meeting-chair');
    assert.deepEqual(await seriousA11yViolations(page('chair')), []);
    assert.deepEqual(await seriousA11yViolations(page('projector')), []);
  });

  it('members leave, the quorum is lost and a vote cannot open; the meeting closes; veche verify checks the record', async () => {
    const sec = page('sec');
    await sec.fill('#motion-title', 'Adjourn');
    await sec.fill('#motion-text', 'That the meeting adjourns.');
    await sec.click('#put-motion');
    await sec.waitForSelector('#open-vote-motion-2');
    await press(page('m3'), 'leave');
    await page('m2').click('#leave');
    // Ana alone: 1 of 5 (Dana's proxy is not in force without Boris).
    await sec.waitForSelector('#no-quorum-motion-2');
    assert.equal(await sec.isDisabled('#open-vote-motion-2'), true);
    await untilText(page('projector'), '#quorum', /1 of 5 members present or represented · no quorum/);
    const v = await view();
    const signed = signMeetingPayload(meetingHash, 'vote-opened', { motion: 'motion-2', text: 'That the meeting adjourns.', present: v.roll.present, proxies: v.roll.proxies, seconds: 0, by: 'm1' }, keys.get('m1')!.secret);
    const refused = await call(srv.url, 'POST', '/api/meetings/agm/motions/motion-2/open', { json: signed });
    assert.deepEqual([refused.status, refused.body.error], [409, 'no-quorum']);
    assert.equal((await view()).headSeq, v.headSeq, 'nothing changed');
    await sec.click('#close-meeting');
    await page('projector').waitForSelector('#pj-closed');

    record = (await call(srv.url, 'GET', '/api/meetings/agm/record')).text;
    const file = join(tempDir('veche-meeting-browser-'), 'agm.jsonl');
    writeFileSync(file, record);
    const verified = await veche(['verify', file, '--final']);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /VERIFIED: every check holds/);
    assert.match(verified.stdout, /meeting\.amendments/);
    assert.deepEqual(problems, []);
  });

  it('a board that rewrites a vote in the stream (re-chained, every hash valid) is caught by the page itself', async () => {
    const events = record.split('\n').filter(Boolean).map((l) => JSON.parse(l) as MeetingEvent);
    const i = events.findIndex((e) => e.type === 'named-vote' && (e.payload as { by: string }).by === 'm1');
    const votes = (events[i]!.payload as { votes: { for: number; against: number }[] }).votes;
    votes[0]!.for = 1; votes[0]!.against = 0; // the chair's vote against turned into a vote for
    const out: MeetingEvent[] = [];
    for (const e of events) out.push(makeMeetingEvent(out.length, out.length ? out[out.length - 1]!.hash : GENESIS_PREV, e.type, e.payload, e.time));
    const p = await open('forged', '/meeting/agm/projector', null, {
      ready: '#record-broken',
      prepare: (x) => x.route('**/api/meetings/agm/events', (route) => route.fulfill({
        status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
        body: out.map((e) => `id: ${e.seq}\nevent: ${e.type}\ndata: ${encodeMeetingEvent(e)}\n\n`).join(''),
      })),
    });
    assert.match(await text(p, '#record-broken'), new RegExp(`event ${i} \\(named-vote by m1: not signed by m1's key\\)`));
    await leave('forged');
    assert.deepEqual(problems, []);
  });
});
