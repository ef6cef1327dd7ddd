// A whole election run by separate `veche` commands passing files, as the people of docs/ceremony.md
// would (protocol v2): three trustees (each in their own directory, one absent at decryption) and the
// credential authority make their signing keys first; the board operator puts those public keys in the
// manifest and creates the election; the trustees commit, reveal, exchange shares and finish, handing
// each file to the operator and reading the exported record back; the authority issues the credential
// list; the voters vote; two trustees decrypt. Every command is a child process of bin/veche.js.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyReceipt, type Receipt } from '../src/board/receipt.js';
import { demoManifestDraft } from '../src/manifest/demo.js';
import type { Answer, Choices, Manifest, Verdict } from '../src/manifest/types.js';
import { electionOf, readRecordFile } from '../src/record/read.js';
import { makeEvent, encodeEvent, GENESIS_PREV, type BoardEvent, type PayloadByType } from '../src/record/events.js';
import { expectedCounts } from './helpers/election.js';
import { veche, vecheOk } from './helpers/cli.js';

let work: string;
const at = (...p: string[]) => join(work, ...p);
const run = (args: string[]) => vecheOk(args, { cwd: work });
const json = (path: string) => JSON.parse(readFileSync(at(path), 'utf8')) as unknown;
const TRUSTEES = ['t1', 't2', 't3'] as const;

/** The operator's part between two steps: hand the files to the board, then export the record for everyone. */
async function submitAndExport(files: string[]): Promise<string> {
  const r = await run(['board', 'submit', '--board', 'operator/board', ...files]);
  await run(['board', 'export', '--board', 'operator/board', '--out', 'record.jsonl']);
  return r.stdout;
}

/** A record file rewritten as a board operator would: events changed, then every seq, prev and hash recomputed. */
function rewrite(from: string, to: string, change: (events: BoardEvent[]) => void): void {
  const events = readFileSync(at(from), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as BoardEvent);
  change(events);
  const out: BoardEvent[] = [];
  for (const e of events) out.push(makeEvent(out.length, out.at(-1)?.hash ?? GENESIS_PREV, e.type, e.payload, e.time));
  writeFileSync(at(to), out.map(encodeEvent).join('\n') + '\n');
}

/** The short form a voter writes (docs/ceremony.md): one value per question. */
function shortForm(c: Choices): Record<string, unknown> {
  const value = (a: Answer) => (a.type === 'choice' ? a.candidate : a.type === 'approval' ? a.options : a.type === 'verdict' ? a.verdicts : a.type === 'motion' ? a.vote : a.ranking /* ranked */);
  return Object.fromEntries(Object.entries(c).map(([id, a]) => [id, value(a)]));
}
const choices = (chair: string | null, projects: string[], verdicts: [Verdict, Verdict, Verdict], fee: 'for' | 'against' | 'abstain'): Choices => ({
  'chair': { type: 'choice', candidate: chair },
  'projects': { type: 'approval', options: projects },
  'officers-review': { type: 'verdict', verdicts: { treasurer: verdicts[0], secretary: verdicts[1], maintenance: verdicts[2] } },
  'fee-increase': { type: 'motion', vote: fee },
});

// Who votes what. Bob votes twice: only his second ballot may count. Erin does not vote.
const VOTES = {
  alice: choices('okafor', ['solar-roof', 'garden'], ['encouragement', 'punishment', 'no-consequences'], 'for'),
  bobFirst: choices('lindqvist', ['bike-shed'], ['punishment', 'punishment', 'punishment'], 'against'),
  bob: choices('okafor', ['solar-roof'], ['encouragement', 'no-consequences', 'no-consequences'], 'for'),
  carol: choices('petrova', ['playground', 'garden'], ['no-consequences', 'punishment', 'encouragement'], 'abstain'),
  dave: choices('okafor', [], ['encouragement', 'punishment', 'punishment'], 'against'),
};
const VOTERS_CSV = 'voter,weight\nalice@example.org,1\nbob@example.org,2\n"Carol, jr.",1\ndave@example.org,3\nerin@example.org,\n';

before(() => { work = mkdtempSync(join(tmpdir(), 'veche-ceremony-')); });
after(() => rmSync(work, { recursive: true, force: true }));

describe('an election by hand, one command per person', () => {
  const receipts: Receipt[] = [];
  const trackingCodes: Record<string, string> = {};
  const signingKeys: Record<string, string> = {};
  let manifest: Manifest;

  test('the trustees and the credential authority make their signing keys; the operator puts them in the manifest and creates the election', async () => {
    for (const t of TRUSTEES) {
      mkdirSync(at(t));
      const init = await run(['trustee', 'init', '--trustee', t, '--secret', `${t}/secret.json`]);
      const key = new RegExp(`signing key of trustee ${t}, for the manifest: (\\S+)`).exec(init.stdout)?.[1];
      assert.ok(key, init.stdout);
      signingKeys[t] = key;
      assert.equal(statSync(at(t, 'secret.json')).mode & 0o777, 0o600, 'a trustee secret is readable by its owner only');
    }
    // init never overwrites a secret: a second init on the same file is refused.
    const again = await veche(['trustee', 'init', '--trustee', 't1', '--secret', 't1/secret.json'], { cwd: work });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /refusing to overwrite/);
    mkdirSync(at('authority'));
    const authority = await run(['credentials', 'init', '--authority', 'authority/authority.json']);
    const authorityKey = /credential authority signing key, for the manifest: (\S+)/.exec(authority.stdout)?.[1];
    assert.ok(authorityKey, authority.stdout);
    assert.equal(statSync(at('authority/authority.json')).mode & 0o777, 0o600);

    mkdirSync(at('operator'));
    const example = await run(['manifest', 'example']);
    writeFileSync(at('operator/example.json'), example.stdout);
    // The example names where each key comes from, and is no valid manifest until the keys are in.
    const unfilled = await veche(['manifest', 'check', 'operator/example.json'], { cwd: work });
    assert.equal(unfilled.code, 2);
    assert.match(unfilled.stderr, /signingKey/);
    const draft = JSON.parse(example.stdout) as Manifest;
    assert.deepEqual(draft.questions, demoManifestDraft().questions);
    manifest = {
      ...draft,
      trustees: draft.trustees.map((t) => ({ ...t, signingKey: signingKeys[t.id]! })),
      credentialAuthority: { ...draft.credentialAuthority, signingKey: authorityKey },
    };
    writeFileSync(at('operator/manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    const check = await run(['manifest', 'check', 'operator/manifest.json']);
    assert.match(check.stdout, /valid manifest "demo" with 4 questions, 3 trustees \(threshold 2\)/);
    const created = await run(['election', 'create', '--manifest', 'operator/manifest.json', '--board', 'operator/board']);
    assert.match(created.stdout, /election hash: [0-9a-f]{64}/);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'record.jsonl']);
    assert.equal(readRecordFile(at('record.jsonl')).length, 1);
    copyFileSync(at('record.jsonl'), at('prefix-created.jsonl'));
  });

  test('three trustees commit, reveal, exchange shares and finish, each on their own machine', async () => {
    for (const t of TRUSTEES) await run(['trustee', 'commit', '--record', 'record.jsonl', '--secret', `${t}/secret.json`, '--out', `${t}/commit.json`]);
    // A trustee's next step needs its own submission on the board, then every other trustee's.
    const unsent = await veche(['trustee', 'reveal', '--record', 'record.jsonl', '--secret', 't1/secret.json', '--out', 't1/key.json'], { cwd: work });
    assert.equal(unsent.code, 2);
    assert.match(unsent.stderr, /the board does not hold this trustee's trustee-commitment exactly as it was submitted/);
    assert.match(await submitAndExport(['t1/commit.json']), /commitment of t1 accepted/);
    const early = await veche(['trustee', 'reveal', '--record', 'record.jsonl', '--secret', 't1/secret.json', '--out', 't1/key.json'], { cwd: work });
    assert.equal(early.code, 2);
    assert.match(early.stderr, /1 of 3 trustees have committed; wait for all/);
    assert.ok(!existsSync(at('t1/key.json')));
    assert.equal((await submitAndExport(['t2/commit.json', 't3/commit.json'])).match(/commitment of t\d accepted/g)?.length, 2);
    for (const t of TRUSTEES) await run(['trustee', 'reveal', '--record', 'record.jsonl', '--secret', `${t}/secret.json`, '--out', `${t}/key.json`]);
    assert.equal((await submitAndExport(TRUSTEES.map((t) => `${t}/key.json`))).match(/trustee key of t\d accepted/g)?.length, 3);
    for (const t of TRUSTEES) await run(['trustee', 'shares', '--record', 'record.jsonl', '--secret', `${t}/secret.json`, '--out', `${t}/shares.json`]);
    await submitAndExport(TRUSTEES.map((t) => `${t}/shares.json`));
    copyFileSync(at('record.jsonl'), at('prefix-shares.jsonl'));
    for (const t of TRUSTEES) await run(['trustee', 'finish', '--record', 'record.jsonl', '--secret', `${t}/secret.json`, '--out', `${t}/ready.json`]);
    assert.match(await submitAndExport(TRUSTEES.map((t) => `${t}/ready.json`)), /the election key is published/);
    // The secrets never went to the board: no secret scalar of a trustee is in the record.
    const record = readFileSync(at('record.jsonl'), 'utf8');
    for (const t of TRUSTEES) {
      const secret = json(`${t}/secret.json`) as { coefficients: string[]; encryptionSecret: string; share: string; signing: { secret: string; key: string } };
      for (const s of [...secret.coefficients, secret.encryptionSecret, secret.share, secret.signing.secret]) assert.ok(!record.includes(s));
      assert.ok(record.includes(secret.signing.key), 'the public signing key is in the manifest on the record');
    }
  });

  test('the credential authority issues weighted credentials, signed; the board publishes the public list and opens', async () => {
    writeFileSync(at('authority/voters.csv'), VOTERS_CSV);
    const issued = await run(['credentials', 'issue', '--authority', 'authority/authority.json', '--record', 'record.jsonl', '--voters', 'authority/voters.csv', '--out-dir', 'authority']);
    assert.match(issued.stdout, /^5 credentials/m);
    assert.equal(statSync(at('authority/credentials.private.csv')).mode & 0o777, 0o600);
    const submitted = await run(['board', 'submit', '--board', 'operator/board', 'authority/credentials.json']);
    assert.match(submitted.stdout, /credential list accepted \(5 voters\)/);
    await run(['board', 'open', '--board', 'operator/board']);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'record.jsonl']);
    // The public list holds keys and weights only, never a voter's name or credential; nor the authority's secret.
    const record = readFileSync(at('record.jsonl'), 'utf8');
    for (const row of readFileSync(at('authority/credentials.private.csv'), 'utf8').trim().split('\n').slice(1)) {
      const credential = row.split(',').at(-1)!;
      assert.ok(!record.includes(credential));
    }
    assert.ok(!record.includes('alice@example.org'));
    assert.ok(!record.includes((json('authority/authority.json') as { signing: { secret: string } }).signing.secret));
  });

  test('voters audit, vote and re-vote; the board returns receipts that verify', async () => {
    // Each voter gets their line of the private list (mail merge), and keeps their credential in a file.
    const rows = readFileSync(at('authority/credentials.private.csv'), 'utf8').trim().split('\n').slice(1);
    const credentialOf = (who: string) => rows.find((r) => r.startsWith(who) || r.startsWith(`"${who}`))!.split(',').at(-1)!;
    for (const who of ['alice', 'bob', 'carol', 'dave', 'erin']) {
      mkdirSync(at(who));
      writeFileSync(at(who, 'credential.txt'), credentialOf(who === 'carol' ? 'Carol' : who) + '\n');
    }
    const write = (who: string, name: string, c: Choices) => writeFileSync(at(who, name), JSON.stringify(shortForm(c)));
    write('alice', 'choices.json', VOTES.alice);
    write('bob', 'first.json', VOTES.bobFirst);
    write('bob', 'second.json', VOTES.bob);
    write('carol', 'choices.json', VOTES.carol);
    write('dave', 'choices.json', VOTES.dave);

    // Alice first challenges her device: the audited ballot is checked and thrown away.
    const audit = await run(['vote', '--record', 'record.jsonl', '--credential', '@alice/credential.txt', '--choices', 'alice/choices.json', '--audit']);
    assert.match(audit.stdout, /audit passed/);
    assert.match(audit.stdout, /"encryptionMatches": true/);
    assert.ok(!existsSync(at('alice', 'ballot.json')));

    const vote = async (who: string, choicesFile: string, out: string, credentialInline = false) => {
      const credential = credentialInline ? readFileSync(at(who, 'credential.txt'), 'utf8').trim() : `@${who}/credential.txt`;
      const r = await run(['vote', '--record', 'record.jsonl', '--credential', credential, '--choices', `${who}/${choicesFile}`, '--out', `${who}/${out}`]);
      const code = /tracking code: ([0-9a-f]{64})/.exec(r.stdout)?.[1];
      assert.ok(code, r.stdout);
      trackingCodes[`${who}/${out}`] = code;
    };
    await vote('alice', 'choices.json', 'ballot.json');
    await vote('bob', 'first.json', 'ballot1.json', true);
    await vote('carol', 'choices.json', 'ballot.json');
    await vote('dave', 'choices.json', 'ballot.json');
    await vote('bob', 'second.json', 'ballot2.json');
    const files = ['alice/ballot.json', 'bob/ballot1.json', 'carol/ballot.json', 'dave/ballot.json'];
    const submitted = await run(['board', 'submit', '--board', 'operator/board', ...files]);
    const again = await run(['board', 'submit', '--board', 'operator/board', 'bob/ballot2.json']);
    const lines = (submitted.stdout + again.stdout).split('\n').filter((l) => l.startsWith('{'));
    assert.equal(lines.length, 5);
    receipts.push(...lines.map((l) => JSON.parse(l) as Receipt));

    const { hash, payload } = electionOf(readRecordFile(at('record.jsonl')));
    for (const [i, file] of [...files, 'bob/ballot2.json'].entries()) {
      assert.equal(receipts[i]!.trackingCode, trackingCodes[file]);
      assert.equal(receipts[i]!.election, hash);
      assert.ok(verifyReceipt(receipts[i]!, payload.boardKey));
    }
    writeFileSync(at('receipts.jsonl'), lines.join('\n') + '\n');

    // A ballot handed in twice is refused, and the board says why.
    const dup = await veche(['board', 'submit', '--board', 'operator/board', 'alice/ballot.json'], { cwd: work });
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /rejected \(duplicate\)/);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'prefix-open.jsonl']);
  });

  test('the poll closes and the board tallies', async () => {
    await run(['board', 'close', '--board', 'operator/board']);
    const tally = await run(['board', 'tally', '--board', 'operator/board']);
    assert.match(tally.stdout, /tally computed over 4 ballots/);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'record.jsonl']);
    copyFileSync(at('record.jsonl'), at('prefix-tallied.jsonl'));
  });

  test("a trustee's tool refuses a record rewritten after its last step", async () => {
    // t2 last acted at its finish step, and remembers the head of the record it saw then.
    const seen = (json('t2/secret.json') as { seen: { seq: number } }).seen.seq;
    const before = readFileSync(at('t2/secret.json'), 'utf8');
    // The operator moves one event's time back to its predecessor's (the record stays valid: times are
    // informative) and re-chains: every hash from there on changes, the one t2 saw too.
    rewrite('record.jsonl', 'rewritten.jsonl', (events) => {
      const k = events.findIndex((e, i) => i > 0 && i <= seen && e.time > events[i - 1]!.time);
      assert.ok(k > 0, 'an event before t2\'s last step has a later time than the one before it');
      events[k]!.time = events[k - 1]!.time;
    });
    assert.equal((await veche(['verify', 'rewritten.jsonl'], { cwd: work })).code, 0, 'the rewritten record verifies on its own');
    const rewritten = await veche(['trustee', 'decrypt', '--record', 'rewritten.jsonl', '--secret', 't2/secret.json', '--out', 't2/decryption.json'], { cwd: work });
    assert.notEqual(rewritten.code, 0);
    assert.match(rewritten.stderr, /rewrote its history/);
    // A line replaced by one the trustee never signed: t3's shares, re-addressed to other recipients' keys.
    rewrite('record.jsonl', 'forged-shares.jsonl', (events) => {
      const e = events.find((x) => x.type === 'trustee-shares' && (x.payload as PayloadByType['trustee-shares']).trustee === 't3')!;
      const shares = (e.payload as PayloadByType['trustee-shares']).shares;
      [shares.t1, shares.t2] = [shares.t2!, shares.t1!];
    });
    const forged = await veche(['trustee', 'decrypt', '--record', 'forged-shares.jsonl', '--secret', 't2/secret.json', '--out', 't2/decryption.json'], { cwd: work });
    assert.notEqual(forged.code, 0);
    assert.match(forged.stderr, /does not verify/);
    assert.match(forged.stderr, /trustees\.signatures/);
    assert.ok(!existsSync(at('t2/decryption.json')), 'no share is written');
    assert.equal(readFileSync(at('t2/secret.json'), 'utf8'), before, 'the secret file is untouched');
  });

  test('veche trustee decrypt refuses a forged tally', async () => {
    // The operator publishes one ballot's ciphertexts as the tally: decrypting it would reveal that vote.
    const before = readFileSync(at('t1/secret.json'), 'utf8');
    rewrite('record.jsonl', 'forged-tally.jsonl', (events) => {
      const ballot = events.find((e) => e.type === 'ballot')!.payload as PayloadByType['ballot'];
      const tally = events.find((e) => e.type === 'tally')!.payload as PayloadByType['tally'];
      tally.sums = ballot.answers.map((a) => a.ct);
    });
    const r = await veche(['trustee', 'decrypt', '--record', 'forged-tally.jsonl', '--secret', 't1/secret.json', '--out', 't1/decryption.json'], { cwd: work });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /does not verify|not the sum/);
    assert.match(r.stderr, /tally\.sums/);
    assert.ok(!existsSync(at('t1/decryption.json')), 'no share file is written');
    assert.equal(readFileSync(at('t1/secret.json'), 'utf8'), before, 'the secret file is untouched');
  });

  test('two of three trustees decrypt; the result is what the voters chose', async () => {
    // Trustee t2 is away: t1 and t3 are enough (threshold 2).
    for (const t of ['t1', 't3']) await run(['trustee', 'decrypt', '--record', 'record.jsonl', '--secret', `${t}/secret.json`, '--out', `${t}/decryption.json`]);
    await run(['board', 'submit', '--board', 'operator/board', 't1/decryption.json', 't3/decryption.json']);
    const result = await run(['board', 'result', '--board', 'operator/board']);
    assert.match(result.stdout, /Amara Okafor elected/);
    for (const q of manifest.questions) assert.ok(result.stdout.includes(q.title), `the result shows "${q.title}"`);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'final.jsonl']);

    const verified = await run(['verify', '--final', 'final.jsonl']);
    assert.match(verified.stdout, /VERIFIED: every check holds/);
    assert.match(verified.stdout, /\[pass\] trustees\.signatures/);
    assert.match(verified.stdout, /\[pass\] credentials\.signature/);
    // Every voter's receipt, the superseded one too, is on the published record.
    const report = JSON.parse((await run(['verify', '--final', '--json', '--receipts', 'receipts.jsonl', 'final.jsonl'])).stdout) as { ok: boolean; receipts: { ok: boolean }; result: { counts: number[][]; trustees: string[]; ballots: number; castWeight: number; eligibleWeight: number } };
    assert.equal(report.ok, true);
    assert.equal(report.receipts.ok, true);
    // Bob's second ballot counts with his weight 2; Erin abstained; weights 1, 2, 1, 3 (+1 eligible).
    const counted = [{ choices: VOTES.alice, weight: 1 }, { choices: VOTES.bob, weight: 2 }, { choices: VOTES.carol, weight: 1 }, { choices: VOTES.dave, weight: 3 }];
    assert.deepEqual(report.result.counts, expectedCounts(manifest, counted));
    assert.deepEqual(report.result.trustees, ['t1', 't3']);
    assert.equal(report.result.ballots, 4);
    assert.equal(report.result.castWeight, 7);
    assert.equal(report.result.eligibleWeight, 8);
  });

  test('veche verify on a prefix says where the election stands and exits 0; --final exits 1 until the result', async () => {
    const prefixes: [string, RegExp][] = [
      ['prefix-created.jsonl', /Standing: setup, key ceremony: 0 of 3 trustees committed, no credential list yet; 1 event; every check so far holds/],
      ['prefix-shares.jsonl', /Standing: setup, key ceremony: 0 of 3 trustees ready, no credential list yet; \d+ events; every check so far holds/],
      ['prefix-open.jsonl', /Standing: poll open, 5 ballots; \d+ events; every check so far holds/],
      ['prefix-tallied.jsonl', /Standing: tallied \(4 ballots counted\), 0 of 2 decryption shares; \d+ events; every check so far holds/],
    ];
    for (const [file, where] of prefixes) {
      const soFar = await veche(['verify', file], { cwd: work });
      assert.equal(soFar.code, 0, `${file}: ${soFar.stdout}`);
      assert.match(soFar.stdout, where);
      assert.match(soFar.stdout, /VERIFIED SO FAR: every check holds; no result yet/);
      const final = await veche(['verify', '--final', file], { cwd: work });
      assert.equal(final.code, 1, `${file} --final: ${final.stdout}`);
      assert.match(final.stdout, /NOT VERIFIED/);
      assert.match(final.stdout, /record\.complete/);
    }
    const done = await veche(['verify', '--final', 'final.jsonl'], { cwd: work });
    assert.equal(done.code, 0, done.stdout);
    assert.match(done.stdout, /Standing: result published \(4 ballots counted\)/);
    // A prefix that fails is no prefix of a good election: exit 1 with or without --final.
    const bad = await veche(['verify', 'forged-tally.jsonl'], { cwd: work });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /FAILING: tally\.sums/);
  });
});

describe('clear errors (exit code 2 and a message) for wrong input', () => {
  test('a bad manifest is refused by `manifest check` and by `election create`, which creates nothing', async () => {
    const good = JSON.parse(readFileSync(at('operator/manifest.json'), 'utf8')) as Manifest;
    const bad = { ...good, threshold: 5, questions: [...good.questions, good.questions[0]!] };
    writeFileSync(at('bad-manifest.json'), JSON.stringify(bad));
    const check = await veche(['manifest', 'check', 'bad-manifest.json'], { cwd: work });
    assert.equal(check.code, 2);
    assert.match(check.stderr, /threshold/);
    assert.match(check.stderr, /chair/, 'every problem is listed, the repeated question id too');
    const create = await veche(['election', 'create', '--manifest', 'bad-manifest.json', '--board', 'bad-board'], { cwd: work });
    assert.equal(create.code, 2);
    assert.match(create.stderr, /threshold/);
    assert.ok(!existsSync(at('bad-board')) || readdirSync(at('bad-board')).length === 0, 'no board is left behind by a refused manifest');
    const notJson = await veche(['manifest', 'check', 'receipts.jsonl'], { cwd: work });
    assert.equal(notJson.code, 2);
  });

  test('a missing option names the option', async () => {
    const noSecret = await veche(['trustee', 'init', '--trustee', 't1'], { cwd: work });
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /--secret is required/);
    const noAuthority = await veche(['credentials', 'issue', '--record', 'record.jsonl', '--count', '3', '--out-dir', 'x'], { cwd: work });
    assert.equal(noAuthority.code, 2);
    assert.match(noAuthority.stderr, /--authority is required/);
    const noBoard = await veche(['board', 'open'], { cwd: work });
    assert.equal(noBoard.code, 2);
    assert.match(noBoard.stderr, /--board is required/);
    const unknown = await veche(['vote', '--record', 'final.jsonl', '--credentail', 'x'], { cwd: work });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /credentail/);
  });

  test('files of another election are refused', async () => {
    // A second election from the same manifest (same people, same signing keys): only its hash differs.
    await run(['election', 'create', '--manifest', 'operator/manifest.json', '--board', 'other/board']);
    await run(['board', 'export', '--board', 'other/board', '--out', 'other/record.jsonl']);
    // Trustee t1 starts the other election from its identity (its signing key alone).
    const { version, trustee, signing } = json('t1/secret.json') as { version: string; trustee: string; signing: unknown };
    writeFileSync(at('other/t1-secret.json'), JSON.stringify({ version, trustee, signing }), { mode: 0o600 });
    await run(['trustee', 'commit', '--record', 'other/record.jsonl', '--secret', 'other/t1-secret.json', '--out', 'other/t1-commit.json']);
    // Trustee t1 picks up the wrong secret file.
    const wrongSecret = await veche(['trustee', 'decrypt', '--record', 'final.jsonl', '--secret', 'other/t1-secret.json', '--out', 'x.json'], { cwd: work });
    assert.equal(wrongSecret.code, 2);
    assert.match(wrongSecret.stderr, /of this trustee/);
    assert.ok(!existsSync(at('x.json')));
    // The credential authority is shown a record whose manifest names another authority key.
    const otherAuthority = await run(['credentials', 'init', '--authority', 'other/authority.json']);
    assert.match(otherAuthority.stdout, /signing key/);
    const wrongAuthority = await veche(['credentials', 'issue', '--authority', 'other/authority.json', '--record', 'other/record.jsonl', '--count', '2', '--out-dir', 'other/credentials'], { cwd: work });
    assert.equal(wrongAuthority.code, 2);
    assert.match(wrongAuthority.stderr, /another credential authority key/);
    // A voter uses their credential on another election's record.
    const wrongRecord = await veche(['vote', '--record', 'other/record.jsonl', '--credential', '@alice/credential.txt', '--choices', 'alice/choices.json', '--out', 'x.json'], { cwd: work });
    assert.equal(wrongRecord.code, 2);
    assert.match(wrongRecord.stderr, /does not yet hold a finished key ceremony and credential list/);
    // The operator is handed a file of the other election: refused, nothing appended (exit 1: a refused submission).
    const before = readFileSync(at('other/record.jsonl'), 'utf8');
    await run(['board', 'export', '--board', 'operator/board', '--out', 'before.jsonl']);
    const submit = await veche(['board', 'submit', '--board', 'operator/board', 'other/t1-commit.json'], { cwd: work });
    assert.equal(submit.code, 1);
    assert.match(submit.stderr, /rejected \(wrong-election\)/);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'after.jsonl']);
    assert.equal(readFileSync(at('after.jsonl'), 'utf8'), readFileSync(at('before.jsonl'), 'utf8'));
    assert.equal(readFileSync(at('other/record.jsonl'), 'utf8'), before);
    // A file that is not a record at all: refused before anything is written.
    const secretBefore = readFileSync(at('t2/secret.json'), 'utf8');
    const notRecord = await veche(['trustee', 'commit', '--record', 'operator/manifest.json', '--secret', 't2/secret.json', '--out', 'y.json'], { cwd: work });
    assert.equal(notRecord.code, 2);
    assert.match(notRecord.stderr, /record/);
    assert.ok(!existsSync(at('y.json')));
    assert.equal(readFileSync(at('t2/secret.json'), 'utf8'), secretBefore);
  });
});
