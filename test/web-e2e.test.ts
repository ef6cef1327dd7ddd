// The whole election through the web pages, in Debian's Chromium, against the real server (protocol v2):
// three trustees and the credential authority make their signing keys in their own browsers before the
// election exists; the admin creates the election with their public keys and hands out their links; the
// authority imports the voters, checks the record, makes the credentials in its browser and publishes
// the signed public list; the trustees run the key ceremony (commit, reveal, shares, finish) in theirs;
// voters vote in the booth (one audits first, one re-votes, one uses only the keyboard on a phone-sized
// screen, one types the credential); the authority revokes a lost credential; the poll is closed and
// tallied, two trustees decrypt (one from its secret file in a new browser), the result is published
// and shown, and the record downloaded from the board page verifies with `veche verify`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { encodeChoices } from '../src/manifest/layout.js';
import type { Choices, Manifest } from '../src/manifest/types.js';
import { encodeEvent, eventHash, GENESIS_PREV, type BoardEvent, type ResultPayload } from '../src/record/events.js';
import { veche } from './helpers/cli.js';
import { startRewritingProxy } from './helpers/proxy.js';
import { buildWeb, chromiumAvailable, DESK, downloadBy, launchChromium, messageMatches, screenshot, seriousA11yViolations, startVeche, tempDir, watchedPage, type VecheServer } from './helpers/browser.js';
import { finishedSecrets, keyCeremonyOnPages, makeSignerKeys, type SignerPages } from './helpers/signer-pages.js';

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

/** What a voter picks, by question kind, with the ids the admin form derives from the labels. */
interface Vote { chair: string | null; projects: string[]; verdicts: Record<string, string>; motion: string }

describe('web pages in Chromium: a whole election', { skip, timeout: 300_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  let dir: string;
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];
  /** Each trustee's browser (its secret lives in that context's storage), and the authority's. */
  let signers: SignerPages;
  let authorityLink = '';
  let privateCsv = '';
  const credentials = new Map<string, { weight: number; credential: string; link: string }>();
  /** The last ballot of each voter, as cast: what the result must add up. */
  const finalVotes = new Map<string, Vote>();
  let annTrackingCode = '';

  async function newPage(viewport = DESK.viewport): Promise<Page> {
    return (await watchedPage(browser, problems, { ...DESK, viewport, keepIn: contexts })).page;
  }

  async function noSeriousViolations(page: Page, what: string): Promise<void> {
    const violations = await seriousA11yViolations(page);
    assert.deepEqual(violations, [], `${what}: accessibility violations`);
  }

  before(async () => {
    const built = buildWeb();
    process.stdout.write(built.split('\n').filter((l) => /gzipped|build-web/.test(l)).map((l) => `${l}\n`).join(''));
    dir = tempDir('veche-web-e2e-');
    srv = await startVeche();
    browser = await launchChromium();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await srv?.close();
  });

  let admin: Page;

  it('trustees and the authority make their signing keys in their own browsers before the election exists', async () => {
    signers = await makeSignerKeys(newPage, srv.url, 'club', dir, 3, {
      trustee: async (page, n) => { if (n === 1) await noSeriousViolations(page, 'trustee page before the election'); },
      authority: (page) => noSeriousViolations(page, 'authority page before the election'),
    });
    for (const [i, page] of signers.trustees.entries()) {
      const key = signers.trusteeKeys[i]!;
      const file = JSON.parse(readFileSync(signers.trusteeFiles[i]!, 'utf8'));
      assert.equal(file.version, 'veche/trustee-secret/v2');
      assert.equal(file.trustee, `t${i + 1}`);
      assert.equal(file.signing.key, key, 'the page shows the public key of the downloaded secret');
      // Kept in this browser: a reload shows the same key.
      await page.reload();
      assert.equal(await page.inputValue('#public-key'), key);
    }
    const file = JSON.parse(readFileSync(signers.authorityFile, 'utf8'));
    assert.equal(file.version, 'veche/authority-secret/v2');
    assert.equal(file.signing.key, signers.authorityKey);
  });

  it('admin: signs in and creates an election with the four kinds of question and the signers\' keys', async () => {
    admin = await newPage();
    await admin.goto(`${srv.url}/admin/`);
    await admin.fill('#admin-token', 'va1.not-the-token');
    await admin.click('#sign-in');
    await admin.waitForSelector('#admin-token-error');
    await admin.fill('#admin-token', srv.adminToken);
    await admin.click('#sign-in');
    await admin.click('a[href="#new"]');
    await admin.fill('#e-title', 'Lakeside Rowing Club: Annual Meeting');
    await admin.fill('#e-id', 'club');
    await admin.fill('#e-description', 'Members elect the captain, choose projects, review officers and vote on the fee.');
    await admin.fill('#q0-title', 'Who should be captain?');
    await admin.fill('#q0-items', 'Alice Smith\nBob Jones\nCarol White');
    await admin.check('#q0-blank');
    await admin.selectOption('#add-type', 'approval');
    await admin.click('#add-question');
    await admin.fill('#q1-title', 'Which projects should be funded?');
    await admin.fill('#q1-items', 'Roof\nGarden\nBikes\nLibrary');
    await admin.fill('#q1-min', '1');
    await admin.fill('#q1-max', '2');
    await admin.fill('#q1-winners', '2');
    await admin.selectOption('#add-type', 'verdict');
    await admin.click('#add-question');
    await admin.fill('#q2-title', 'Review of the officers');
    await admin.fill('#q2-items', 'Dana (treasurer)\nEli (secretary)');
    await admin.selectOption('#add-type', 'motion');
    await admin.click('#add-question');
    await admin.fill('#q3-title', 'Raise the fee by 5%');
    await admin.selectOption('#q3-threshold', 'two-thirds');
    for (const [i, name] of ['Tanya Ivanova', 'Ulrich Berg', 'Vera Costa'].entries()) {
      await admin.fill(`#tr${i}-name`, name);
      assert.equal(await admin.inputValue(`#tr${i}-id`), `t${i + 1}`);
      await admin.fill(`#tr${i}-key`, signers.trusteeKeys[i]!);
    }
    await admin.fill('#e-authority-name', 'Membership secretary');
    await admin.fill('#e-threshold', '2');
    await screenshot(admin, 'admin-new-election');
    await noSeriousViolations(admin, 'admin: new election form');

    // A key that is not a public key, and a bad threshold, are refused in the page, and nothing is created.
    await admin.fill('#e-authority-key', 'not-a-key');
    await admin.click('#create');
    await admin.waitForSelector('#draft-errors');
    assert.match(await admin.textContent('#draft-errors') ?? '', /authority’s signing key is not a public key/);
    await admin.fill('#e-authority-key', signers.authorityKey);
    await admin.fill('#e-threshold', '4');
    await admin.click('#create');
    await admin.waitForFunction(() => /Trustees needed to decrypt/.test(document.getElementById('draft-errors')?.textContent ?? ''));
    // Errors are named the way the form names things, not by JSON path.
    assert.match(await admin.textContent('#draft-errors') ?? '', /Trustees needed to decrypt: 4 is more than the number of trustees/);
    assert.doesNotMatch(await admin.textContent('#draft-errors') ?? '', /questions\[|trustees\[/);
    // A threshold of one is warned about: one trustee could decrypt every ballot alone.
    await admin.fill('#e-threshold', '1');
    assert.equal(await admin.isVisible('#threshold-warning'), true);
    assert.equal((await fetch(`${srv.url}/api/elections/club`)).status, 404);
    await admin.fill('#e-threshold', '2');
    await admin.click('#create');
    await admin.waitForSelector('input.trustee-link');
    assert.match(await admin.textContent('#message') ?? '', /created/);
    signers.trusteeLinks.push(...await admin.$$eval('input.trustee-link', (els) => els.map((e) => (e as HTMLInputElement).value)));
    assert.equal(signers.trusteeLinks.length, 3);
    assert.ok(signers.trusteeLinks.every((l, i) => l.startsWith(`${srv.url}/trustee/club/t${i + 1}#token=`)));
    authorityLink = await admin.inputValue('#authority-link');
    assert.ok(authorityLink.startsWith(`${srv.url}/authority/club#token=vc1.`), authorityLink);
    // The admin makes no credentials any more.
    assert.equal(await admin.locator('#voters-file, #generate-credentials').count(), 0);
    const info = await (await fetch(`${srv.url}/api/elections/club`)).json() as { manifest: Manifest; eligible: number };
    assert.deepEqual(info.manifest.trustees.map((x) => x.signingKey), signers.trusteeKeys);
    assert.equal(info.manifest.credentialAuthority.signingKey, signers.authorityKey);
  });

  it('authority: imports the voter list, checks the record, makes the credentials in its browser, publishes only the signed public list', async () => {
    const page = signers.authority;
    await page.goto(authorityLink);
    await page.waitForSelector('#voters-file');
    assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar');
    await page.click('#verify-record');
    await page.waitForSelector('#record-checked');
    assert.match(await page.textContent('#record-checked') ?? '', /verifies so far/);
    // Weights that expose a voter are warned about before anything is made.
    await page.setInputFiles('#voters-file', { name: 'voters.csv', mimeType: 'text/csv', buffer: Buffer.from('voter,weight\nann,1\nben,2\ncat,4\n') });
    await page.waitForSelector('#weights-warning');
    await page.setInputFiles('#voters-file', { name: 'voters.csv', mimeType: 'text/csv', buffer: Buffer.from('voter,weight\nann,1\nben,1\ncat,2\ndan,1\neve,1\n') });
    await page.waitForSelector('#voters-read');
    assert.match(await page.textContent('#voters-read') ?? '', /5 voters read\. Total weight 6/);
    await noSeriousViolations(page, 'authority: voters');
    await page.click('#generate-credentials');
    await page.waitForSelector('#download-credentials:not([disabled])');
    assert.equal(await page.isDisabled('#publish-credentials'), true, 'publishing waits for the private list to be saved');
    privateCsv = await downloadBy(page, '#download-credentials', join(dir, 'credentials.csv'));
    const rows = readFileSync(privateCsv, 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
    assert.deepEqual(rows[0], ['voter', 'weight', 'credential', 'link']);
    for (const [voter, weight, credential, link] of rows.slice(1)) credentials.set(voter!, { weight: Number(weight), credential: credential!, link: link! });
    assert.equal(credentials.size, 5);
    assert.equal(credentials.get('cat')!.weight, 2);
    assert.equal(credentials.get('ann')!.link, `${srv.url}/vote/club#credential=${credentials.get('ann')!.credential}`);
    const sent: string[] = [];
    page.on('request', (r) => sent.push(r.postData() ?? ''));
    await page.click('#publish-credentials');
    await messageMatches(page, /5 public credentials signed and published/);
    // The board holds keys and weights only, signed: no credential text ever reached the server.
    const record = await (await fetch(`${srv.url}/api/elections/club/record`)).text();
    for (const c of credentials.values()) {
      assert.ok(!record.includes(c.credential));
      assert.ok(sent.every((body) => !body.includes(c.credential)));
    }
    assert.match(record, /"type":"credentials"/);
    await admin.click('#refresh');
    assert.equal(await admin.isDisabled('#open-poll'), true, 'the poll cannot open before the key ceremony');
  });

  it('trustees: three run the key ceremony in their own browsers (commit, reveal, shares, finish)', async () => {
    await keyCeremonyOnPages(signers.trustees, signers.trusteeLinks, async (page, i, button) => {
      if (i === 0 && button === 'commit') {
        assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar');
        await noSeriousViolations(page, 'trustee page');
      }
    });
    await screenshot(signers.trustees[0]!, 'trustee-finished');
    signers.trusteeFiles = await finishedSecrets(signers.trustees, dir);
    for (const path of signers.trusteeFiles) {
      const secret = JSON.parse(readFileSync(path, 'utf8'));
      assert.ok(secret.share, 'the secret file now holds the share');
      assert.deepEqual(secret.submitted.map((x: { type: string }) => x.type), ['trustee-commitment', 'trustee-key', 'trustee-shares', 'trustee-ready']);
      assert.ok(secret.seen.seq > 0, 'the secret remembers the record it checked');
    }
    const info = await (await fetch(`${srv.url}/api/elections/club`)).json() as { jointKey: string | null };
    assert.ok(info.jointKey, 'the joint key is on the board');
  });

  it('admin: opens the poll', async () => {
    await admin.click('#refresh');
    await admin.waitForSelector('#open-poll:not([disabled])');
    await admin.click('#open-poll');
    await admin.waitForSelector('#close-poll');
    await screenshot(admin, 'admin-election-open');
    await noSeriousViolations(admin, 'admin: election page');
  });

  /** Fills the booth with the mouse: radios, checkboxes, verdict rows. */
  async function fillBallot(page: Page, v: Vote): Promise<void> {
    await page.check(v.chair === null ? '#q-who-should-be-captain-__blank__' : `#q-who-should-be-captain-${v.chair}`);
    for (const id of ['roof', 'garden', 'bikes', 'library']) {
      const box = `#q-which-projects-should-be-funded-${id}`;
      if (v.projects.includes(id)) await page.check(box);
      else await page.uncheck(box);
    }
    for (const [holder, verdict] of Object.entries(v.verdicts)) await page.check(`#q-review-of-the-officers-${holder}-${verdict}`);
    await page.check(`#q-raise-the-fee-by-5-${v.motion}`);
  }

  async function reviewEncryptCast(page: Page): Promise<string> {
    await page.click('text=Review my choices');
    await page.waitForSelector('#encrypt');
    await page.click('#encrypt');
    await page.waitForSelector('#cast');
    await page.click('#cast');
    await page.waitForSelector('#vote-again');
    assert.match(await page.textContent('main') ?? '', /signature by the board checked/);
    return (await page.textContent('#tracking-code'))!.trim();
  }

  it('booth: a voter audits a ballot first, then casts; the approval maximum is enforced', async () => {
    const page = await newPage();
    const sent: string[] = [];
    page.on('request', (r) => sent.push(`${r.method()} ${r.url()} ${r.headers()['referer'] ?? ''} ${r.postData() ?? ''}`));
    await page.goto(credentials.get('ann')!.link);
    await page.waitForSelector('fieldset.question');
    assert.equal(new URL(page.url()).hash, '', 'the credential is taken out of the address bar');
    await screenshot(page, 'booth-ballot');
    await noSeriousViolations(page, 'booth: ballot');

    // Review with nothing chosen: every unanswered question is named, and focus goes to the list.
    await page.click('text=Review my choices');
    await page.waitForSelector('#problems');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'problems');
    assert.equal(await page.locator('#problems li').count(), 4);
    await noSeriousViolations(page, 'booth: problems');

    const vote: Vote = { chair: 'alice-smith', projects: ['roof', 'garden'], verdicts: { 'dana-treasurer': 'encouragement', 'eli-secretary': 'punishment' }, motion: 'for' };
    await fillBallot(page, vote);
    // A third approval is refused and said (max 2).
    await page.check('#q-which-projects-should-be-funded-bikes').catch(() => undefined);
    assert.equal(await page.isChecked('#q-which-projects-should-be-funded-bikes'), false);
    assert.match(await page.textContent('#q-which-projects-should-be-funded-count') ?? '', /at most 2/);

    await page.click('text=Review my choices');
    await page.waitForSelector('#encrypt');
    const review = await page.textContent('main') ?? '';
    for (const label of ['Alice Smith', 'Roof', 'Garden', 'Dana (treasurer)', 'Encouragement', 'Punishment', 'For']) assert.ok(review.includes(label), `review shows ${label}`);
    await screenshot(page, 'booth-review');
    await page.click('#encrypt');
    await page.waitForSelector('#audit');
    const auditedCode = (await page.textContent('#tracking-code'))!.trim();
    await page.click('#audit');
    await page.waitForSelector('text=The check passed');
    await screenshot(page, 'booth-audit');
    await noSeriousViolations(page, 'booth: audit');
    await page.click('text=Back to my choices');
    await page.click('#encrypt');
    await page.waitForSelector('#cast');
    await page.click('#cast');
    await page.waitForSelector('#vote-again');
    annTrackingCode = (await page.textContent('#tracking-code'))!.trim();
    assert.notEqual(annTrackingCode, auditedCode, 'the audited ballot is never cast');
    const onBoard = await fetch(`${srv.url}/api/elections/club/ballots/${auditedCode}`);
    assert.equal(onBoard.status, 404, 'the audited ballot is not on the board');
    await screenshot(page, 'booth-cast');
    await noSeriousViolations(page, 'booth: receipt');
    // The credential travelled only in the fragment, which no request carries; the ballot went as a POST.
    const credential = credentials.get('ann')!.credential;
    assert.ok(sent.some((r) => r.startsWith('POST ') && r.includes('/api/elections/club/ballots')));
    assert.deepEqual(sent.filter((r) => r.includes(credential) || r.includes(credential.replace(/-/g, ''))), []);
    finalVotes.set('ann', vote);
  });

  it('booth: a voter votes with the keyboard alone on a phone-sized screen', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(credentials.get('ben')!.link);
    await page.waitForSelector('fieldset.question');
    await screenshot(page, 'booth-phone');
    const noHorizontalScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(noHorizontalScroll, 'the booth fits a phone screen');

    const focused = (sel: string) => page.evaluate((s) => !!document.activeElement?.matches(s), sel);
    async function tabTo(selector: string): Promise<void> {
      for (let i = 0; i < 80; i++) {
        if (await focused(selector)) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`keyboard: could not reach ${selector}`);
    }
    /** Tab into a radio group, then arrow keys to the wanted radio (arrows select in a radio group). */
    async function pickRadio(name: string, id: string): Promise<void> {
      await tabTo(`input[name="${name}"]`);
      for (let i = 0; i < 6 && !(await focused(`#${id}`)); i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Space');
      assert.ok(await page.isChecked(`#${id}`), `${id} chosen by keyboard`);
    }
    const vote: Vote = { chair: 'bob-jones', projects: ['roof'], verdicts: { 'dana-treasurer': 'encouragement', 'eli-secretary': 'no-consequences' }, motion: 'against' };
    await pickRadio('q-who-should-be-captain', 'q-who-should-be-captain-bob-jones');
    await tabTo('#q-which-projects-should-be-funded-roof');
    await page.keyboard.press('Space');
    await pickRadio('q-review-of-the-officers-dana-treasurer', 'q-review-of-the-officers-dana-treasurer-encouragement');
    await pickRadio('q-review-of-the-officers-eli-secretary', 'q-review-of-the-officers-eli-secretary-no-consequences');
    await pickRadio('q-raise-the-fee-by-5', 'q-raise-the-fee-by-5-against');
    await tabTo('button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#encrypt');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'screen-heading', 'focus moves to the new screen');
    await tabTo('#encrypt');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#cast');
    await tabTo('#cast');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#vote-again');
    await screenshot(page, 'booth-phone-cast');
    finalVotes.set('ben', vote);
  });

  it('booth: a voter re-votes (the last ballot counts), in Russian', async () => {
    const page = await newPage();
    await page.goto(credentials.get('cat')!.link);
    await page.waitForSelector('fieldset.question');
    await page.selectOption('#language', 'ru');
    await page.waitForSelector('text=Проверить мой выбор');
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    await screenshot(page, 'booth-ru');
    await page.selectOption('#language', 'en');
    await fillBallot(page, { chair: 'bob-jones', projects: ['bikes'], verdicts: { 'dana-treasurer': 'punishment', 'eli-secretary': 'punishment' }, motion: 'against' });
    await reviewEncryptCast(page);
    await page.click('#vote-again');
    await page.waitForSelector('text=only your last ballot counts');
    const vote: Vote = { chair: 'alice-smith', projects: ['garden', 'library'], verdicts: { 'dana-treasurer': 'encouragement', 'eli-secretary': 'punishment' }, motion: 'for' };
    await fillBallot(page, vote);
    await reviewEncryptCast(page);
    finalVotes.set('cat', vote);
  });

  it('booth: a voter types the credential (no link; first one not on the list), votes blank for captain', async () => {
    const page = await newPage();
    await page.goto(`${srv.url}/vote/club`);
    await page.waitForSelector('#credential');
    await page.fill('#credential', 'not a credential');
    await page.click('text=Continue');
    await page.waitForSelector('#credential-error');
    await noSeriousViolations(page, 'booth: credential entry');
    // A well-formed credential that is not on the list: the booth, which checked the signed list in the
    // record, says so before any question, and the voter enters another one.
    await page.fill('#credential', '00000-00000-00000-00000-00000');
    await page.click('text=Continue');
    await page.waitForFunction(() => /not on this election’s list of voters/.test(document.getElementById('credential-error')?.textContent ?? ''));
    assert.equal(await page.locator('fieldset.question').count(), 0);
    // Lower case and no dashes are accepted: the credential is normalised.
    await page.fill('#credential', credentials.get('dan')!.credential.toLowerCase().replace(/-/g, ''));
    await page.click('text=Continue');
    await page.waitForSelector('fieldset.question');
    const vote: Vote = { chair: null, projects: ['roof'], verdicts: { 'dana-treasurer': 'no-consequences', 'eli-secretary': 'punishment' }, motion: 'abstain' };
    await fillBallot(page, vote);
    await reviewEncryptCast(page);
    finalVotes.set('dan', vote);
  });

  it('booth: the demo ballot is encrypted in Chromium (time printed)', async () => {
    const demoCsv = readFileSync(join(srv.dataDir, 'demo-credentials.csv'), 'utf8').trim().split('\n').slice(1);
    const credential = demoCsv[0]!.split(',')[1]!;
    const page = await newPage();
    await page.goto(`${srv.url}/vote/demo#credential=${credential}`);
    await page.waitForSelector('fieldset.question');
    await page.check('#q-chair-okafor');
    await page.check('#q-projects-solar-roof');
    await page.check('#q-projects-garden');
    for (const h of ['treasurer', 'secretary', 'maintenance']) await page.check(`#q-officers-review-${h}-encouragement`);
    await page.check('#q-fee-increase-for');
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.click('text=Review my choices');
      await page.click('#encrypt');
      await page.waitForSelector('[data-encrypt-ms]');
      times.push(Number(await page.getAttribute('[data-encrypt-ms]', 'data-encrypt-ms')));
      await page.click('text=Change my choices');
      await page.waitForSelector('fieldset.question');
    }
    process.stdout.write(`booth: demo ballot (6 selection groups, 20 options) encrypted with proofs and signed in Chromium in ${times.join(', ')} ms\n`);
    assert.ok(times.every((ms) => Number.isFinite(ms) && ms >= 0));
  });

  it('authority: revokes a lost credential by voter, from the private list, signed', async () => {
    const page = signers.authority;
    await page.reload();
    await page.waitForSelector('#private-file');
    await page.setInputFiles('#private-file', privateCsv);
    await page.waitForSelector('#revoke-voter');
    await page.selectOption('#revoke-voter', 'eve');
    await page.click('#revoke');
    await page.waitForSelector('#message [role=alert]');
    assert.match(await page.textContent('#message') ?? '', /reason/, 'a revocation needs a reason');
    await page.selectOption('#revoke-voter', 'eve');
    await page.fill('#revoke-reason', 'lost her letter');
    await page.click('#revoke');
    await messageMatches(page, /credential of eve is revoked/);
    await noSeriousViolations(page, 'authority: revoke');
    const info = await (await fetch(`${srv.url}/api/elections/club`)).json() as { revoked: number };
    assert.equal(info.revoked, 1);
  });

  it('board: shows every ballot by tracking code and finds one; admin closes and tallies', async () => {
    const page = await newPage();
    await page.goto(`${srv.url}/board/club`);
    await page.waitForSelector('#board-table tbody tr');
    const codes = await page.$$eval('#board-table tbody td.hash:nth-child(4)', (tds) => tds.map((td) => td.textContent).filter(Boolean));
    assert.equal(codes.length, 5, 'five ballots (one of them replaced by a re-vote) are on the board');
    assert.equal(await page.locator('text=BROKEN').count(), 0);
    await page.fill('#tracking', annTrackingCode);
    await page.click('#search-button');
    await page.waitForSelector('tr.highlight');
    assert.match(await page.textContent('#search-result') ?? '', /Found/);
    await screenshot(page, 'board');
    await noSeriousViolations(page, 'board');

    await admin.click('#close-poll');
    await admin.click('#confirm-action'); // an irreversible step asks to be confirmed
    await admin.waitForSelector('#tally');
    await admin.click('#tally');
    await admin.click('#confirm-action'); // an irreversible step asks to be confirmed
    await admin.waitForSelector('#publish-result');
    assert.equal(await admin.isDisabled('#publish-result'), true, 'no result before the trustees decrypt');
  });

  it('trustees: two of the three decrypt in their pages (one with a new link); admin publishes the result', async () => {
    // Vera lost her link: the admin makes a new one, and the old one stops working.
    const oldLink = signers.trusteeLinks[2]!;
    await admin.click('tr:has-text("Vera Costa") button:has-text("New link")');
    await admin.waitForFunction((old) => { const v = (document.getElementById('trustee-link-t3') as HTMLInputElement | null)?.value; return !!v && v !== old; }, oldLink);
    signers.trusteeLinks[2] = await admin.inputValue('#trustee-link-t3');
    const oldToken = new URL(oldLink).hash.replace('#token=', '');
    assert.equal((await fetch(`${srv.url}/api/auth`, { headers: { authorization: `Bearer ${oldToken}` } })).status, 401);
    // Tanya decrypts in her own browser, which holds her secret.
    await signers.trustees[0]!.goto(signers.trusteeLinks[0]!);
    await signers.trustees[0]!.waitForSelector('#decrypt:not([disabled])');
    await signers.trustees[0]!.click('#decrypt');
    await messageMatches(signers.trustees[0]!, /recounted from the 4 counted ballots and matches/);
    // Vera decrypts in a new browser, from her secret file: first the one without the share, refused.
    const page = await newPage();
    await page.goto(signers.trusteeLinks[2]!);
    await page.waitForSelector('#make-key');
    await page.setInputFiles('#secret-file', join(dir, 'trustee-3.json'));
    // An older copy of her file (saved before the finish step) is refused, naming the file needed.
    await messageMatches(page, /“trustee-3\.json” is an older copy of your secret file[\s\S]*Open “veche-trustee-club-t3\.json”/);
    assert.equal(await page.locator('#decrypt').count(), 0, 'no decryption without the share');
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.setInputFiles('#secret-file', signers.trusteeFiles[2]!);
    await page.waitForSelector('#decrypt:not([disabled])');
    await page.click('#decrypt');
    await messageMatches(page, /decryption share is on the board/);
    await admin.click('#refresh');
    await admin.waitForSelector('#publish-result:not([disabled])');
    await admin.click('#publish-result');
    await admin.click('#confirm-action'); // an irreversible step asks to be confirmed
    await admin.waitForFunction(() => /result is published/.test(document.getElementById('message')?.textContent ?? ''));
  });

  it('results: the right counts and outcomes, verified', async () => {
    const info = await (await fetch(`${srv.url}/api/elections/club`)).json() as { manifest: Manifest; eligible: number };
    const manifest = info.manifest;
    // The expected counts, from the voters' last choices and weights, computed apart from the server.
    const expected = encodeChoices(manifest, toChoices(manifest, finalVotes.get('ann')!)).map((row) => row.map(() => 0));
    let cast = 0;
    for (const [voter, vote] of finalVotes) {
      const w = credentials.get(voter)!.weight;
      cast += w;
      encodeChoices(manifest, toChoices(manifest, vote)).forEach((row, g) => row.forEach((x, i) => { expected[g]![i]! += w * x; }));
    }
    let body: { result: ResultPayload | null; verified: boolean | null } = { result: null, verified: null };
    // Bound by time (60 s), not by a count of tries: the server verifies the record at its own pace.
    for (const end = Date.now() + 60_000; Date.now() < end && body.verified === null;) {
      body = await (await fetch(`${srv.url}/api/elections/club/result`)).json() as typeof body;
      if (body.verified === null) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(body.result!.counts, expected);
    assert.equal(body.result!.castWeight, cast);
    assert.equal(body.result!.eligibleWeight, 6);
    assert.equal(body.verified, true);

    const page = await newPage();
    await page.goto(`${srv.url}/results/club`);
    await page.waitForSelector('.question-result');
    const text = await page.textContent('main') ?? '';
    const [chair, projects, officers, motion] = body.result!.results;
    const label = (q: number, id: string) => {
      const question = manifest.questions[q]!;
      const list = question.type === 'choice' ? question.candidates : question.type === 'approval' ? question.options : question.type === 'verdict' ? question.officeHolders : [];
      return list.find((o) => o.id === id)!.label;
    };
    assert.ok(chair!.type === 'choice' && chair.winner);
    assert.ok(text.includes(`Elected: ${label(0, chair.winner)}`), 'captain shown');
    assert.ok(projects!.type === 'approval' && text.includes(`Winners: ${projects.winners.map((id) => label(1, id)).join(', ')}`), 'projects shown');
    assert.ok(officers!.type === 'verdict');
    for (const row of officers.officeHolders) assert.ok(text.includes(`Verdict: ${row.outcome === 'encouragement' ? 'Encouragement' : row.outcome === 'punishment' ? 'Punishment' : 'No consequences'}`));
    assert.ok(motion!.type === 'motion' && text.includes(motion.passed ? 'The motion passed.' : motion.outcome === 'rejected' ? 'The motion was rejected.' : 'No quorum'));
    // Voters and weights apart.
    assert.match(text, new RegExp(`${body.result!.ballots} of ${info.eligible} voters took part \\([^)]*\\); weight ${cast} of 6 \\(`), 'turnout shown');
    // The page checks the record itself, in a web worker; the server's verdict is labelled as its own.
    await page.waitForFunction(() => /Checked in this browser: \d+ ballots? counted/.test(document.getElementById('browser-check')?.textContent ?? ''), undefined, { timeout: 120_000 });
    const checked = await page.textContent('#browser-check') ?? '';
    assert.match(checked, new RegExp(`Checked in this browser: ${finalVotes.size} ballots counted, every check holds`));
    assert.match(await page.textContent('main') ?? '', /The server's own check[\s\S]*The server says its verifier recomputed every check/);
    // The counts as CSV, from the record this browser checked.
    const csv = readFileSync(await downloadBy(page, '#download-csv', join(dir, 'results.csv')), 'utf8');
    assert.match(csv, /^question_id,question,type,item_id,item,answer,votes,of,outcome\r\n,turnout,voters,,,,(\d+),(\d+),\r\n,turnout,weight,,,,(\d+),6,\r\n/);
    assert.ok(csv.includes(`,turnout,weight,,,,${cast},6,`));
    // Each bar has its number in the table beside it (text equivalents), and is hidden from screen readers.
    assert.equal(await page.locator('svg.bar:not([aria-hidden="true"])').count(), 0);
    await screenshot(page, 'results');
    await noSeriousViolations(page, 'results');

    // On a 390 px phone the results and the board fit the screen, charts included (wide tables scroll inside their own box).
    const phone = await newPage({ width: 390, height: 844 });
    for (const path of ['/results/club', '/board/club']) {
      await phone.goto(`${srv.url}${path}`);
      await phone.waitForSelector(path.startsWith('/results') ? '.question-result' : '#board-table tbody tr');
      const widths = await phone.evaluate(() => ({
        doc: document.documentElement.scrollWidth,
        bars: Array.from(document.querySelectorAll('svg.bar')).map((b) => b.getBoundingClientRect().right),
        // The innermost elements that reach past the screen, to name the culprit.
        wide: Array.from(document.querySelectorAll('body table')).filter((el) => el.getBoundingClientRect().right > 391)
          .slice(0, 8).map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px: ${(el.textContent ?? '').slice(0, 60)}`),
      }));
      assert.ok(widths.doc <= 390, `${path}: the page is ${widths.doc} px wide on a 390 px screen: ${widths.wide.join(' | ')}`);
      assert.ok(widths.bars.every((r) => r <= 390), `${path}: a chart reaches past the screen: ${widths.bars.map(Math.round).join(', ')} px; ${widths.wide.join(' | ')}`);
      await screenshot(phone, `phone${path.replaceAll('/', '-')}`);
    }
  });

  it('results: a server that serves a record with a forged result is not confirmed by the browser', async () => {
    // A dishonest server: the result event says other counts (re-chained with valid hashes), and its
    // result route says the same. Only the browser's own recount from the decryption shares shows it.
    const forge = (text: string) => {
      let prev = GENESIS_PREV;
      return text.split('\n').filter((l) => l !== '').map((line) => {
        const e = JSON.parse(line) as BoardEvent;
        if (e.type === 'result') {
          const counts = (e.payload as ResultPayload).counts;
          counts[0]![0]! += 1;
          counts[0]![1]! -= 1;
        }
        e.prev = prev;
        e.hash = eventHash(e);
        prev = e.hash;
        return `${encodeEvent(e)}\n`;
      }).join('');
    };
    const forgedResult = (body: string) => {
      const j = JSON.parse(body) as { result: ResultPayload };
      j.result.counts[0]![0]! += 1;
      j.result.counts[0]![1]! -= 1;
      return JSON.stringify(j);
    };
    const proxy = await startRewritingProxy(srv.url, (method, url) =>
      method !== 'GET' ? null : url.pathname === '/api/elections/club/record' ? forge : url.pathname === '/api/elections/club/result' ? forgedResult : null);
    try {
      const page = await newPage();
      await page.goto(`${proxy.url}/results/club`);
      await page.waitForFunction(() => /NOT confirmed by this browser/.test(document.getElementById('browser-check')?.textContent ?? ''), undefined, { timeout: 120_000 });
      const checked = await page.textContent('#browser-check') ?? '';
      assert.match(checked, /result\.\w+/, 'the failing check is named');
      assert.doesNotMatch(checked, /every check holds/);
    } finally {
      await proxy.close();
    }
  });

  it('board: the record downloaded from the page verifies with `veche verify`', async () => {
    const page = await newPage();
    await page.goto(`${srv.url}/board/club`);
    await page.waitForSelector('#download-record');
    await page.waitForSelector('#board-table tbody tr');
    // The re-voter's first ballot is marked as replaced.
    assert.match(await page.textContent('#board-table') ?? '', /replaced by a later ballot/);
    const file = await downloadBy(page, '#download-record', join(dir, 'record.jsonl'));
    const run = await veche(['verify', file]);
    assert.equal(run.code, 0, `veche verify failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /VERIFIED/);
    // The index lists the election with its links.
    await page.goto(`${srv.url}/`);
    await page.waitForSelector('a[href="/results/club"]');
    await screenshot(page, 'index');
    writeFileSync(join(dir, 'done'), '');
  });

  it('no page broke its content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});

function toChoices(manifest: Manifest, v: Vote): Choices {
  const [chair, projects, officers, motion] = manifest.questions;
  return {
    [chair!.id]: { type: 'choice', candidate: v.chair },
    [projects!.id]: { type: 'approval', options: v.projects },
    [officers!.id]: { type: 'verdict', verdicts: v.verdicts as Record<string, 'encouragement' | 'punishment' | 'no-consequences'> },
    [motion!.id]: { type: 'motion', vote: v.motion as 'for' | 'against' | 'abstain' },
  };
}
