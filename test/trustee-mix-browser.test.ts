// Issue 12: the trustee page's ranked steps. First, outside a browser, the page's own module
// (web/lib/trustee-mix.ts, bundled with esbuild as the page's worker bundles it) against a dishonest
// board: a previous shuffle with one row altered by the operator, or broken though signed by its mixer,
// or dropping a counted ballot, and a decryption of the last shuffle altered, are refused by name and
// nothing is made. Then in Debian's Chromium against
// the real server: a ranked election, ballots cast, the poll closed; a trustee's page refuses a record
// whose first shuffle drops a counted ballot and sends nothing; two trustees shuffle and two decrypt
// the last shuffle on their trustee pages (a third, whose page saw the board before the second shuffle,
// is refused by the board and told so); the ranked result is published and `veche verify` passes on the
// downloaded record; axe-core finds no serious violation on the new step. The shuffles run on libsodium's
// WebAssembly (the server lets the trustee page's worker compile it); t3's browser is served the worker
// under the strict policy, so its worker falls back to the JavaScript arithmetic and its page says so:
// both kinds of step on the one record, which `veche verify` passes. The time a row of each is printed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { rankedSlots } from '../src/ballot/ranked.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import type { TrusteeSecret } from '../src/keyceremony/trustee.js';
import { selectionGroups } from '../src/manifest/layout.js';
import type { Manifest } from '../src/manifest/types.js';
import { makeMix } from '../src/ranked/trustee.js';
import { encodeEvent, GENESIS_PREV, makeEvent, type BoardEvent, type MixPayload, type PayloadByType, type RankedResultPayload } from '../src/record/events.js';
import { signPayload, signingSecret } from '../src/record/signature.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { checkRecord, linesSource } from '../src/verify/record-check.js';
import { rankedStepOf } from '../src/verify/ranked.js';
import { buildWeb, chromiumAvailable, launchChromium, screenshot, seriousA11yViolations, startVeche, tempDir, watchedPage, type VecheServer } from './helpers/browser.js';
import { vecheOk } from './helpers/cli.js';
import { keyed } from './helpers/election.js';
import { startRewritingProxy, type RewritingProxy } from './helpers/proxy.js';
import { ok, openElectionOverHttp, recordText, startServer, type TestServer } from './helpers/server.js';
import { testStores } from './helpers/stores.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The page's module, bundled as the worker bundles it (web/ is not compiled by tsc). */
interface TrusteeMix {
  makeRankedStep(step: 'shuffle' | 'decrypt-mix', secret: TrusteeSecret, lines: string[]): Promise<{ payload: unknown; secret: TrusteeSecret; position: number; needed: number; rows: number[] }>;
  rankedStatusOf(lines: readonly string[]): { mixers: string[]; decrypted: string[]; published: boolean };
}
async function loadTrusteeMix(): Promise<TrusteeMix> {
  const dir = mkdtempSync(join(tmpdir(), 'veche-trustee-mix-'));
  try {
    const out = join(dir, 'trustee-mix.mjs');
    await build({ entryPoints: [join(ROOT, 'web', 'lib', 'trustee-mix.ts')], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error' });
    return (await import(pathToFileURL(out).href)) as TrusteeMix;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const manifestFor = (id: string): Manifest => keyed({
  id, title: `Ranked trustees: ${id}`, description: '', languages: ['en'],
  questions: [
    { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'a', label: 'Ada' }, { id: 'b', label: 'Bo' }], allowBlank: false, absoluteMajority: false },
    { type: 'ranked', id: 'mayor', title: 'Mayor', candidates: [{ id: 'p', label: 'Petrova' }, { id: 'q', label: 'Quinn' }, { id: 'r', label: 'Rossi' }], seats: 1, method: 'irv', mustRankAll: false },
  ],
  trustees: [{ id: 't1', name: 'Tanya' }, { id: 't2', name: 'Ulrich' }, { id: 't3', name: 'Vera' }],
  threshold: 2,
});
const RANKINGS = [[0, 1, 2], [2, 1, 0], [2, 0, 1], [1, 2, 0], [0, 2], [2]];

/** An election on `server` with `rankings` cast and the poll closed; the trustees' finished secrets. */
async function closedElection(server: Pick<TestServer, 'base' | 'adminToken'>, id: string, rankings: number[][] = RANKINGS) {
  const manifest = manifestFor(id);
  const el = await openElectionOverHttp(server as TestServer, manifest, rankings.length);
  const slots = rankedSlots(manifest);
  const key = decodePublicKey(el.jointKey);
  for (const [v, ranking] of rankings.entries()) {
    const voter = credentialKeys(el.electionHash, el.credentials[v]!.credential);
    const { ballot } = encryptBallot(el.electionHash, key, selectionGroups(manifest), [[v % 2, 1 - (v % 2)]], voter, { slots, rankings: [ranking] });
    await ok(server.base, 'POST', `/api/elections/${id}/ballots`, { json: ballot });
  }
  await ok(server.base, 'POST', `/api/elections/${id}/close`, { token: server.adminToken });
  return { manifest, el, secret: (t: string) => el.secrets.find((s) => s.trustee === t)! };
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

/** The record with the first mix's payload replaced, re-chained with valid hashes (the operator's forgery). */
function withMix(text: string, payload: MixPayload): string[] {
  const out: BoardEvent[] = [];
  for (const e of lines(text).map((l) => JSON.parse(l) as BoardEvent)) {
    out.push(makeEvent(out.length, out.at(-1)?.hash ?? GENESIS_PREV, e.type, e.type === 'mix' ? payload : e.payload, e.time));
  }
  return out.map(encodeEvent);
}

/** Expects `p` to be refused with `code`; returns the refusal. */
async function refused(p: Promise<unknown>, code: string): Promise<Error & { code: string; detail: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    const r = e as Error & { code: string; detail: Record<string, unknown> };
    assert.equal(r.name, 'MixRefusal', r.message);
    assert.equal(r.code, code, r.message);
    return r;
  }
  assert.fail(`not refused (${code} expected)`);
}

describe('the trustee page\'s ranked checks against a dishonest board (the page\'s module, no browser)', { timeout: 120_000 }, () => {
  let mix: TrusteeMix;
  let server: TestServer;
  let dispose: () => Promise<void>;
  let election: Awaited<ReturnType<typeof closedElection>>;
  /** The record with t1's honest shuffle on it. */
  let afterFirst = '';
  let first: MixPayload;
  const id = 'mix-checks';

  before(async () => {
    mix = await loadTrusteeMix();
    const made = (await testStores()[0]!.make('trustee-mix'))!;
    server = await startServer(made.store);
    dispose = made.dispose;
    election = await closedElection(server, id);
    // t1's shuffle, made by the page's module, is what the board takes.
    const done = await mix.makeRankedStep('shuffle', election.secret('t1'), lines(await recordText(server.base, id)));
    assert.equal(done.position, 0);
    assert.deepEqual(done.rows, [RANKINGS.length]);
    first = done.payload as MixPayload;
    assert.equal((await ok(server.base, 'POST', `/api/elections/${id}/trustees/t1/mix`, { token: election.el.trusteeTokens.t1!, json: first })).mixes, 1);
    afterFirst = await recordText(server.base, id);
  });
  after(async () => { await server?.close(); await dispose?.(); });

  it('the next trustee shuffles the honest previous shuffle\'s output', async () => {
    const done = await mix.makeRankedStep('shuffle', election.secret('t2'), lines(afterFirst));
    assert.equal(done.position, 1);
    assert.equal(done.needed, 2);
    assert.deepEqual(mix.rankedStatusOf(lines(afterFirst)), { mixers: ['t1'], decrypted: [], published: false });
  });

  it('refuses to shuffle an input whose previous shuffle the operator altered (one row changed)', async () => {
    const forged = structuredClone(first);
    forged.shuffles[0]!.rows[0] = forged.shuffles[0]!.rows[1]!;
    const r = await refused(mix.makeRankedStep('shuffle', election.secret('t2'), withMix(afterFirst, forged)), 'mix-broken');
    assert.equal(r.detail.mixer, 't1');
    assert.match(r.message, /trustees\.signatures: mix of t1/);
  });

  it('refuses to shuffle an input whose previous shuffle\'s proof is broken, though its mixer signed it', async () => {
    const forged = structuredClone(first);
    forged.shuffles[0]!.rows[0] = forged.shuffles[0]!.rows[1]!;
    const { signature: _, ...body } = forged;
    const resigned = signPayload(election.el.electionHash, { role: 'trustee', id: 't1' }, 'mix', body, signingSecret(election.secret('t1').signing)) as MixPayload;
    const r = await refused(mix.makeRankedStep('shuffle', election.secret('t2'), withMix(afterFirst, resigned)), 'mix-broken');
    assert.match(r.message, /mix\.shuffles: mix of t1, question mayor: /);
    // The decryption stands on the same check: refused too.
    await refused(mix.makeRankedStep('decrypt-mix', election.secret('t3'), withMix(afterFirst, resigned)), 'mix-broken');
  });

  it('refuses an input that drops a counted ballot (a valid shuffle of the counted rows but one)', async () => {
    const { report, state } = await checkRecord(linesSource(lines(afterFirst)));
    assert.ok(report.okSoFar);
    const step = rankedStepOf(state);
    // The input of the first shuffle, as the record fixes it, less its last row: proved and signed by t1.
    const counted = (await checkRecord(linesSource(lines(afterFirst).filter((l) => !l.includes('"type":"mix"'))))).state;
    const input = rankedStepOf(counted).nextInput().map((q) => q.slice(0, -1));
    const short = makeMix(election.secret('t1'), step.env, 0, input);
    const r = await refused(mix.makeRankedStep('shuffle', election.secret('t2'), withMix(afterFirst, short)), 'mix-rows');
    assert.deepEqual([r.detail.mixer, r.detail.rowsIn, r.detail.rowsOut], ['t1', RANKINGS.length, RANKINGS.length - 1]);
  });

  it('refuses a step out of turn', async () => {
    await refused(mix.makeRankedStep('shuffle', election.secret('t1'), lines(afterFirst)), 'already-mixed');
    await refused(mix.makeRankedStep('decrypt-mix', election.secret('t2'), lines(afterFirst)), 'mixes-missing');
    // A secret of another election is refused by the record check itself.
    await refused(mix.makeRankedStep('shuffle', { ...election.secret('t2'), election: 'f'.repeat(64) }, lines(afterFirst)), 'record');
  });

  it('refuses to decrypt when a decryption of the last shuffle on the record does not verify', async () => {
    const post = async (t: string, path: string, json: unknown) => ok(server.base, 'POST', `/api/elections/${id}/trustees/${t}/${path}`, { token: election.el.trusteeTokens[t]!, json });
    await post('t2', 'mix', (await mix.makeRankedStep('shuffle', election.secret('t2'), lines(afterFirst))).payload);
    await post('t1', 'mix-decryption', (await mix.makeRankedStep('decrypt-mix', election.secret('t1'), lines(await recordText(server.base, id)))).payload);
    const text = await recordText(server.base, id);
    assert.deepEqual(mix.rankedStatusOf(lines(text)), { mixers: ['t1', 't2'], decrypted: ['t1'], published: false });
    // The operator swaps two of t1's decryption shares: re-chained, the chain is valid again.
    const out: BoardEvent[] = [];
    for (const e of lines(text).map((l) => JSON.parse(l) as BoardEvent)) {
      let payload = e.payload;
      if (e.type === 'mix-decryption') {
        const p = structuredClone(e.payload as PayloadByType['mix-decryption']);
        [p.shares[0]![0]!, p.shares[0]![1]!] = [p.shares[0]![1]!, p.shares[0]![0]!];
        payload = p;
      }
      out.push(makeEvent(out.length, out.at(-1)?.hash ?? GENESIS_PREV, e.type, payload, e.time));
    }
    const r = await refused(mix.makeRankedStep('decrypt-mix', election.secret('t3'), out.map(encodeEvent)), 'mix-decryption-broken');
    assert.match(r.message, /mix decryption of t1/);
    // The honest record: t3 decrypts.
    assert.equal((await mix.makeRankedStep('decrypt-mix', election.secret('t3'), lines(text))).position, 2);
  });
});

describe('the trustee worker\'s arithmetic (web/lib/trustee-mix-arithmetic.ts, bundled as the worker bundles it)', () => {
  it('installs libsodium\'s backend once, and it computes what noble computes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veche-trustee-arith-'));
    try {
      const out = join(dir, 'arith.mjs');
      // One bundle holding the module and the backend switch it sets (as in the worker).
      writeFileSync(join(dir, 'entry.ts'), [
        `export { loadArithmetic } from ${JSON.stringify(join(ROOT, 'web', 'lib', 'trustee-mix-arithmetic.ts'))};`,
        `export { backend, nobleBackend } from ${JSON.stringify(join(ROOT, 'src', 'crypto', 'backend.ts'))};`,
        `export { sodiumBackendFrom } from ${JSON.stringify(join(ROOT, 'src', 'crypto', 'backend-sodium.ts'))};`,
      ].join('\n'));
      await build({ entryPoints: [join(dir, 'entry.ts')], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error', nodePaths: [join(ROOT, 'node_modules')] });
      const m = (await import(pathToFileURL(out).href)) as {
        loadArithmetic(): Promise<{ name: string }>; backend(): { name: string; mul(p: Uint8Array, k: bigint): Uint8Array };
        nobleBackend(): { baseMul(k: bigint): Uint8Array; mul(p: Uint8Array, k: bigint): Uint8Array }; sodiumBackendFrom(s: object): unknown;
      };
      assert.equal(m.backend().name, 'noble');
      assert.deepEqual(await m.loadArithmetic(), { name: 'sodium' });
      assert.equal(m.backend().name, 'sodium');
      const p = m.nobleBackend().baseMul(123456789n);
      assert.deepEqual(m.backend().mul(p, 2n ** 200n + 7n), m.nobleBackend().mul(p, 2n ** 200n + 7n));
      // A libsodium without ristretto255 (the non-sumo build) is refused by name, not half used.
      assert.throws(() => m.sodiumBackendFrom({ libsodium: { _malloc: () => 0 } }), /no crypto_scalarmult_ristretto255 \(the sumo build is needed\)/);
      assert.throws(() => m.sodiumBackendFrom({}), /sumo build is needed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const skip = chromiumAvailable() ? false : 'Debian Chromium is not installed (scripts/install-system-deps.sh)';

describe('the trustees shuffle and decrypt on their pages in Chromium', { skip, timeout: 300_000 }, () => {
  let srv: VecheServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const id = 'mix-pages';
  let election: Awaited<ReturnType<typeof closedElection>>;
  /** The ballots cast: RANKINGS ten times (60 rows: enough for the time a row on each arithmetic to mean something). */
  const CAST = Array.from({ length: 10 }, () => RANKINGS).flat();
  const ROWS = CAST.length;
  let proxy: RewritingProxy;
  /** While set, the proxy serves the record as it stood before the second shuffle (a page that lost the race saw that). */
  let stale = false;
  /** While set, the proxy serves this whole record instead of the board's (the operator's forgery). */
  let forged: string[] | null = null;

  before(async () => {
    buildWeb();
    srv = await startVeche();
    proxy = await startRewritingProxy(srv.url, (method, url) => {
      if (method !== 'GET' || url.pathname !== `/api/elections/${id}/record`) return null;
      if (forged && url.search === '') { const record = forged; return () => record.map((l) => `${l}\n`).join(''); }
      if (!stale) return null;
      return (text) => {
        const kept = lines(text);
        const second = kept.findIndex((l, i) => l.includes('"type":"mix"') && kept.slice(0, i).some((x) => x.includes('"type":"mix"')));
        // The whole record: the prefix before the second mix (a valid chain); the mix events alone: that one left out.
        return (second < 0 ? kept : url.search === '' ? kept.slice(0, second) : kept.filter((_, i) => i !== second)).map((l) => `${l}\n`).join('');
      };
    });
    browser = await launchChromium();
    election = await closedElection({ base: srv.url, adminToken: srv.adminToken }, id, CAST);
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await proxy?.close();
    await srv?.close();
  });

  /** The worker answers seen with the strict policy put back (no WebAssembly in that browser's worker). */
  let wasmBlocked = 0;
  /** What the browsers whose worker may not compile WebAssembly reported (Chromium says it refused). */
  const blockedProblems: string[] = [];

  /** A trustee's page with its secret already in the page's storage (where the page keeps it);
   *  `noWasm`: its worker script is served under the strict policy, as on a server that forbids WebAssembly. */
  async function trusteePage(trustee: string, base = srv.url, noWasm = false): Promise<Page> {
    const { context, page } = await watchedPage(browser, noWasm ? blockedProblems : problems, { viewport: { width: 1000, height: 900 }, locale: 'en-US', timeout: 60_000, keepIn: contexts });
    if (noWasm) {
      await context.route('**/assets/trustee-mix.js', async (route) => {
        const response = await route.fetch();
        const headers = response.headers();
        const policy = headers['content-security-policy'] ?? '';
        assert.match(policy, / 'wasm-unsafe-eval'/, 'the server lets the worker compile WebAssembly');
        wasmBlocked++;
        await route.fulfill({ response, headers: { ...headers, 'content-security-policy': policy.replace(" 'wasm-unsafe-eval'", '') } });
      });
    }
    await page.goto(`${base}/trustee/${id}/${trustee}`);
    await page.evaluate(([key, value]) => localStorage.setItem(key!, value!), [`veche-trustee-secret:${id}:${trustee}`, JSON.stringify(election.secret(trustee))]);
    await page.goto(`${base}/trustee/${id}/${trustee}#token=${election.el.trusteeTokens[trustee]}`);
    await page.waitForSelector('#ranked-steps');
    return page;
  }

  /** Clicks `button` and waits (time-bound) until the page's message says `done`. */
  async function runStep(page: Page, button: string, done: RegExp): Promise<void> {
    await page.waitForSelector(`${button}:not([disabled])`);
    await page.click(button);
    await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('message')?.textContent ?? ''), done.source, { timeout: 120_000 });
  }

  /** What the page says its worker computed with (data-arithmetic: sodium or noble) and the last step's ms a row. */
  async function arithmeticOf(page: Page): Promise<{ name: string | null; text: string; msPerRow: number }> {
    const line = page.locator('#mix-arithmetic');
    return { name: await line.getAttribute('data-arithmetic'), text: await line.textContent() ?? '', msPerRow: Number(await line.getAttribute('data-ms-per-row')) };
  }
  const onWasm = async (page: Page, what: string) => {
    const a = await arithmeticOf(page);
    assert.equal(a.name, 'sodium', `${what}: ${a.text}`);
    assert.match(a.text, /^Arithmetic: libsodium WebAssembly\. Last step: \d+ rows in [\d.]+ s/, what);
    assert.ok(a.text.includes(`Last step: ${ROWS} rows in`), a.text);
    return a.msPerRow;
  };
  const onJavaScript = async (page: Page, what: string) => {
    const a = await arithmeticOf(page);
    assert.equal(a.name, 'noble', `${what}: ${a.text}`);
    assert.match(a.text, /^Arithmetic: JavaScript\. WebAssembly could not start in this browser \(.+\): the step runs on the slower JavaScript arithmetic, with the same results\. Last step: \d+ rows in/, what);
    assert.match(a.text, /could not start in this browser \(CompileError: .*Content Security Polic/i, 'the reason is the browser\'s own refusal');
    assert.doesNotMatch(a.text, /Aborted\(|sASSERTIONS/, 'without libsodium\'s loader text');
    assert.ok(a.text.includes(`Last step: ${ROWS} rows in`), a.text);
    return a.msPerRow;
  };

  it('two trustees shuffle, two decrypt the last shuffle, the ranked result is published and the record verifies', async () => {
    const t1 = await trusteePage('t1');
    await t1.waitForSelector('#shuffle:not([disabled])');
    assert.match(await t1.textContent('#ranked-steps') ?? '', /Shuffles on the board: 0 of 2/);
    assert.deepEqual(await seriousA11yViolations(t1), [], 'the shuffle step');
    await t1.click('#shuffle');
    // While the worker runs, the page says what it is doing (in the polite live region too) and stays responsive.
    await t1.waitForFunction(() => /Checking the whole record|Shuffling and proving|Sending/.test(document.getElementById('status')?.textContent ?? ''));
    await t1.waitForFunction((rows) => new RegExp(`Your shuffle \\(1 of 2; rows: ${rows}\\) is on the board`).test(document.getElementById('message')?.textContent ?? ''), ROWS, { timeout: 120_000 });
    await screenshot(t1, 'trustee-mix-shuffled');
    const wasmShuffle = await onWasm(t1, 't1\'s shuffle');
    await t1.waitForFunction(() => /Your shuffle is on the board\. Waiting/.test(document.getElementById('ranked-steps')?.textContent ?? ''));

    // The operator serves t3 a record whose first shuffle (signed by t1) leaves out a counted ballot: named, nothing sent.
    const honest = await recordText(srv.url, id);
    const { state } = await checkRecord(linesSource(lines(honest).filter((l) => !l.includes('"type":"mix"'))));
    const step = rankedStepOf(state);
    forged = withMix(honest, makeMix(election.secret('t1'), step.env, 0, step.nextInput().map((q) => q.slice(1))));
    const t3 = await trusteePage('t3', proxy.url, true);
    proxy.posts.length = 0;
    await runStep(t3, '#shuffle', /Stopped: nothing was sent\. The shuffle by Tanya on the board has fewer rows than its input \(question mayor: 60 in, 59 out\): it drops counted ballots/);
    assert.equal(await t3.locator('#message [role=alert]').count(), 1, 'the refusal is an alert');
    await screenshot(t3, 'trustee-mix-refused-dropped-ballot');
    assert.deepEqual(proxy.posts, [], 'the page posted nothing');
    forged = null;

    await t3.reload();
    await runStep(t3, '#shuffle', /Your shuffle \(2 of 2; rows: 60\) is on the board/);
    const nobleShuffle = await onJavaScript(t3, 't3\'s shuffle (its worker under the strict policy)');
    assert.ok(wasmBlocked >= 2, 't3\'s worker was served under the strict policy');
    await screenshot(t3, 'trustee-mix-javascript-fallback');

    // t2 saw the board before t3's shuffle arrived: its shuffle of the first one's output is refused by
    // the board, and the page says what happened and what to do.
    stale = true;
    const t2 = await trusteePage('t2', proxy.url);
    await runStep(t2, '#shuffle', /another trustee’s shuffle arrived first/);
    assert.equal(lines(await recordText(srv.url, id)).filter((l) => l.includes('"type":"mix"')).length, 2, 'the board kept the two shuffles only');
    stale = false;
    await t2.reload();
    await t2.waitForSelector('#ranked-steps');
    assert.equal(await t2.locator('#shuffle').count(), 0, 'the shuffles are done: no shuffle offered');
    await runStep(t2, '#decrypt-mix', /Your decryption of the last shuffle \(rows: 60\) is on the board/);
    await screenshot(t2, 'trustee-mix-decrypted');
    const wasmDecryption = await onWasm(t2, 't2\'s decryption');

    await runStep(t3, '#decrypt-mix', /Your decryption of the last shuffle \(rows: 60\) is on the board/);
    const nobleDecryption = await onJavaScript(t3, 't3\'s decryption');
    const ms = (x: number) => `${x.toFixed(2)} ms`;
    console.log(`trustee page in Chromium, ${ROWS} rows (one ranked question of 3 candidates): shuffle with proof ${ms(wasmShuffle)} a row on libsodium WebAssembly, ${ms(nobleShuffle)} on JavaScript (noble): ${(nobleShuffle / wasmShuffle).toFixed(1)}x; `
      + `decryption of the last shuffle ${ms(wasmDecryption)} a row on WebAssembly, ${ms(nobleDecryption)} on JavaScript: ${(nobleDecryption / wasmDecryption).toFixed(1)}x`);
    assert.deepEqual(await seriousA11yViolations(t3), [], 'after the decryption');

    // The organiser counts the ranked question, then the tally and the result as usual.
    const ranked = (await ok(srv.url, 'POST', `/api/elections/${id}/ranked-result`, { token: srv.adminToken })).rankedResult as RankedResultPayload;
    const published = ranked.questions[0]!;
    assert.deepEqual(published.rankings.map((r) => JSON.stringify(r)).sort(), CAST.map((r) => JSON.stringify(r)).sort(), 'the decrypted rankings are the cast ones, shuffled');
    await ok(srv.url, 'POST', `/api/elections/${id}/tally`, { token: srv.adminToken });
    const tally = lines(await recordText(srv.url, id)).map((l) => JSON.parse(l) as BoardEvent).find((e) => e.type === 'tally')!;
    for (const t of ['t1', 't2']) {
      await ok(srv.url, 'POST', `/api/elections/${id}/trustees/${t}/decryption`, { token: election.el.trusteeTokens[t]!, json: makeDecryptionShare(election.secret(t), (tally.payload as PayloadByType['tally']).sums) });
    }
    await ok(srv.url, 'POST', `/api/elections/${id}/result`, { token: srv.adminToken });
    await t2.reload();
    await t2.waitForFunction(() => /The ranked result is published/.test(document.getElementById('ranked-steps')?.textContent ?? ''));

    const dir = tempDir('veche-trustee-mix-record-');
    try {
      writeFileSync(join(dir, 'record.jsonl'), await recordText(srv.url, id));
      const verified = await vecheOk(['verify', join(dir, 'record.jsonl')]);
      assert.match(verified.stdout, /VERIFIED/);
      assert.match(verified.stdout, /mix\.shuffles/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no page broke its content security policy or threw', () => {
    assert.deepEqual(problems, []);
    // Where the worker may not compile WebAssembly, Chromium's refusal of it is all that was said.
    assert.deepEqual(blockedProblems.filter((p) => !/WebAssembly/.test(p)), []);
  });
});
