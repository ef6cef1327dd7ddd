// A whole election run by separate `veche` commands passing files, as the people of docs/ceremony.md
// would: the board operator, three trustees (each in their own directory, one absent at decryption),
// the credential authority and the voters. Every command is a child process of bin/veche.js.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyReceipt, type Receipt } from '../src/board/receipt.js';
import { demoManifest } from '../src/manifest/demo.js';
import type { Answer, Choices, Manifest, Verdict } from '../src/manifest/types.js';
import { electionOf, readRecordFile } from '../src/record/read.js';
import { expectedCounts } from './helpers/election.js';
import { veche, vecheOk } from './helpers/cli.js';

let work: string;
const at = (...p: string[]) => join(work, ...p);
const run = (args: string[]) => vecheOk(args, { cwd: work });
const json = (path: string) => JSON.parse(readFileSync(at(path), 'utf8')) as unknown;

/** The short form a voter writes (docs/ceremony.md): one value per question. */
function shortForm(c: Choices): Record<string, unknown> {
  const value = (a: Answer) => (a.type === 'choice' ? a.candidate : a.type === 'approval' ? a.options : a.type === 'verdict' ? a.verdicts : a.vote);
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
  let manifest: Manifest;

  test('the board operator writes and checks the manifest, and creates the election', async () => {
    mkdirSync(at('operator'));
    const example = await run(['manifest', 'example']);
    manifest = JSON.parse(example.stdout) as Manifest;
    assert.deepEqual(manifest, demoManifest());
    writeFileSync(at('operator/manifest.json'), example.stdout);
    const check = await run(['manifest', 'check', 'operator/manifest.json']);
    assert.match(check.stdout, /valid manifest "demo" with 4 questions, 3 trustees \(threshold 2\)/);
    const created = await run(['election', 'create', '--manifest', 'operator/manifest.json', '--board', 'operator/board']);
    assert.match(created.stdout, /election hash: [0-9a-f]{64}/);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'record.jsonl']);
    assert.equal(readRecordFile(at('record.jsonl')).length, 1);
  });

  test('three trustees make their keys, exchange shares and finish, each on their own machine', async () => {
    for (const t of ['t1', 't2', 't3']) {
      mkdirSync(at(t));
      await run(['trustee', 'keygen', '--record', 'record.jsonl', '--trustee', t, '--secret', `${t}/secret.json`, '--out', `${t}/key.json`]);
      assert.equal(statSync(at(t, 'secret.json')).mode & 0o777, 0o600, 'a trustee secret is readable by its owner only');
    }
    const submitKeys = await run(['board', 'submit', '--board', 'operator/board', 't1/key.json', 't2/key.json', 't3/key.json']);
    assert.equal(submitKeys.stdout.match(/accepted/g)?.length, 3);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'record.jsonl']);
    for (const t of ['t1', 't2', 't3']) await run(['trustee', 'shares', '--record', 'record.jsonl', '--secret', `${t}/secret.json`, '--out', `${t}/shares.json`]);
    await run(['board', 'submit', '--board', 'operator/board', 't1/shares.json', 't2/shares.json', 't3/shares.json']);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'record.jsonl']);
    for (const t of ['t1', 't2', 't3']) await run(['trustee', 'finish', '--record', 'record.jsonl', '--secret', `${t}/secret.json`, '--out', `${t}/ready.json`]);
    const ready = await run(['board', 'submit', '--board', 'operator/board', 't1/ready.json', 't2/ready.json', 't3/ready.json']);
    assert.match(ready.stdout, /the election key is published/);
    // The secrets never went to the board: no secret scalar of a trustee is in the record.
    await run(['board', 'export', '--board', 'operator/board', '--out', 'record.jsonl']);
    const record = readFileSync(at('record.jsonl'), 'utf8');
    for (const t of ['t1', 't2', 't3']) {
      const secret = json(`${t}/secret.json`) as { coefficients: string[]; encryptionSecret: string; share: string };
      for (const s of [...secret.coefficients, secret.encryptionSecret, secret.share]) assert.ok(!record.includes(s));
    }
  });

  test('the credential authority issues weighted credentials; the board publishes the public list and opens', async () => {
    mkdirSync(at('authority'));
    writeFileSync(at('authority/voters.csv'), VOTERS_CSV);
    const issued = await run(['credentials', 'issue', '--record', 'record.jsonl', '--voters', 'authority/voters.csv', '--out-dir', 'authority']);
    assert.match(issued.stdout, /^5 credentials/);
    assert.equal(statSync(at('authority/credentials.private.csv')).mode & 0o777, 0o600);
    const submitted = await run(['board', 'submit', '--board', 'operator/board', 'authority/credentials.json']);
    assert.match(submitted.stdout, /credential list accepted \(5 voters\)/);
    await run(['board', 'open', '--board', 'operator/board']);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'record.jsonl']);
    // The public list holds keys and weights only, never a voter's name or credential.
    const record = readFileSync(at('record.jsonl'), 'utf8');
    for (const row of readFileSync(at('authority/credentials.private.csv'), 'utf8').trim().split('\n').slice(1)) {
      const credential = row.split(',').at(-1)!;
      assert.ok(!record.includes(credential));
    }
    assert.ok(!record.includes('alice@example.org'));
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
  });

  test('the poll closes; two of three trustees decrypt; the result is what the voters chose', async () => {
    await run(['board', 'close', '--board', 'operator/board']);
    const tally = await run(['board', 'tally', '--board', 'operator/board']);
    assert.match(tally.stdout, /tally computed over 4 ballots/);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'record.jsonl']);
    // Trustee t2 is away: t1 and t3 are enough (threshold 2).
    for (const t of ['t1', 't3']) await run(['trustee', 'decrypt', '--record', 'record.jsonl', '--secret', `${t}/secret.json`, '--out', `${t}/decryption.json`]);
    await run(['board', 'submit', '--board', 'operator/board', 't1/decryption.json', 't3/decryption.json']);
    const result = await run(['board', 'result', '--board', 'operator/board']);
    assert.match(result.stdout, /Amara Okafor elected/);
    for (const q of manifest.questions) assert.ok(result.stdout.includes(q.title), `the result shows "${q.title}"`);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'final.jsonl']);

    const verified = await run(['verify', 'final.jsonl']);
    assert.match(verified.stdout, /VERIFIED: every check holds/);
    // Every voter's receipt, the superseded one too, is on the published record.
    const report = JSON.parse((await run(['verify', '--json', '--receipts', 'receipts.jsonl', 'final.jsonl'])).stdout) as { ok: boolean; receipts: { ok: boolean }; result: { counts: number[][]; trustees: string[]; ballots: number; castWeight: number; eligibleWeight: number } };
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
});

describe('clear errors (exit code 2 and a message) for wrong input', () => {
  test('a bad manifest is refused by `manifest check` and by `election create`, which creates nothing', async () => {
    const bad = { ...demoManifest(), threshold: 5, questions: [...demoManifest().questions, demoManifest().questions[0]!] };
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
    const noSecret = await veche(['trustee', 'keygen', '--record', 'record.jsonl', '--trustee', 't1', '--out', 'x.json'], { cwd: work });
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /--secret is required/);
    const noBoard = await veche(['board', 'open'], { cwd: work });
    assert.equal(noBoard.code, 2);
    assert.match(noBoard.stderr, /--board is required/);
    const unknown = await veche(['vote', '--record', 'final.jsonl', '--credentail', 'x'], { cwd: work });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /credentail/);
  });

  test('files of another election are refused', async () => {
    // A second election from the same manifest: only its hash differs.
    await run(['election', 'create', '--manifest', 'operator/manifest.json', '--board', 'other/board']);
    await run(['board', 'export', '--board', 'other/board', '--out', 'other/record.jsonl']);
    await run(['trustee', 'keygen', '--record', 'other/record.jsonl', '--trustee', 't1', '--secret', 'other/t1-secret.json', '--out', 'other/t1-key.json']);
    // Trustee t1 picks up the wrong secret file.
    const wrongSecret = await veche(['trustee', 'decrypt', '--record', 'final.jsonl', '--secret', 'other/t1-secret.json', '--out', 'x.json'], { cwd: work });
    assert.equal(wrongSecret.code, 2);
    assert.match(wrongSecret.stderr, /another election/);
    // A voter uses their credential on another election's record.
    const wrongRecord = await veche(['vote', '--record', 'other/record.jsonl', '--credential', '@alice/credential.txt', '--choices', 'alice/choices.json', '--out', 'x.json'], { cwd: work });
    assert.equal(wrongRecord.code, 2);
    assert.match(wrongRecord.stderr, /election key is not on the board|not on the list/);
    // The operator is handed a key file of the other election: refused, nothing appended (exit 1: a refused submission).
    const before = readFileSync(at('other/record.jsonl'), 'utf8');
    await run(['board', 'export', '--board', 'operator/board', '--out', 'before.jsonl']);
    const submit = await veche(['board', 'submit', '--board', 'operator/board', 'other/t1-key.json'], { cwd: work });
    assert.equal(submit.code, 1);
    assert.match(submit.stderr, /rejected \(wrong-election\)/);
    await run(['board', 'export', '--board', 'operator/board', '--out', 'after.jsonl']);
    assert.equal(readFileSync(at('after.jsonl'), 'utf8'), readFileSync(at('before.jsonl'), 'utf8'));
    assert.equal(readFileSync(at('other/record.jsonl'), 'utf8'), before);
    // A file that is not a record at all.
    const notRecord = await veche(['trustee', 'keygen', '--record', 'operator/manifest.json', '--trustee', 't1', '--secret', 'y.json', '--out', 'x.json'], { cwd: work });
    assert.equal(notRecord.code, 2);
    assert.match(notRecord.stderr, /record/);
    assert.ok(!existsSync(at('y.json')));
  });
});
