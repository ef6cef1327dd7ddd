// Issue 12: a ranked election run by separate `veche` commands, one per person: a choice question and a
// ranked question (Scottish STV, 2 seats) on one ballot; voters with weights vote and one re-votes; two
// of three trustees shuffle (each checking the record first), two decrypt the last mix; the operator
// publishes the ranked result and the result; `veche verify` says VERIFIED; the published count equals
// counting the plain rankings directly; `veche ranked export --blt` writes a file `veche ranked count`
// recounts to the same seats. A trustee shown a record whose first mix was tampered with refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../src/manifest/types.js';
import { readRecordFile } from '../src/record/read.js';
import { encodeEvent, GENESIS_PREV, makeEvent, type BoardEvent, type MixPayload, type RankedResultPayload } from '../src/record/events.js';
import { countRanked } from '../src/ranked/count.js';
import { tieSeed } from '../src/tally/tie-break.js';
import { fromHex } from '../src/crypto/encoding.js';
import { veche, vecheOk } from './helpers/cli.js';

let work: string;
const at = (...p: string[]) => join(work, ...p);
const run = (args: string[]) => vecheOk(args, { cwd: work });
const TRUSTEES = ['t1', 't2', 't3'] as const;
const CANDIDATES = ['ann', 'ben', 'cat', 'dan'];
const submitAndExport = async (files: string[]) => {
  const r = await run(['board', 'submit', '--board', 'board', ...files]);
  await run(['board', 'export', '--board', 'board', '--out', 'record.jsonl']);
  return r.stdout;
};

// voter → [chair, ranking]; v2 has weight 2; v1 re-votes (its first ranking must not count).
const VOTES: [string, string, string[]][] = [
  ['v1', 'x', ['dan']],
  ['v1', 'y', ['ann', 'ben']],
  ['v2', 'x', ['ben', 'cat', 'ann']],
  ['v3', 'y', ['cat', 'ann']],
  ['v4', 'x', ['ann', 'dan', 'cat']],
  ['v5', 'y', ['ben']],
  ['v6', 'x', ['dan', 'cat']],
];

before(() => { work = mkdtempSync(join(tmpdir(), 'veche-ranked-cli-')); });
after(() => rmSync(work, { recursive: true, force: true }));

test('a ranked and a choice question on one ballot, by hand: shuffle, decrypt, count, verify, export', async () => {
  const keys: Record<string, string> = {};
  for (const t of TRUSTEES) {
    mkdirSync(at(t));
    keys[t] = /signing key of trustee \S+, for the manifest: (\S+)/.exec((await run(['trustee', 'init', '--trustee', t, '--secret', `${t}/secret.json`])).stdout)![1]!;
  }
  mkdirSync(at('authority'));
  const authorityKey = /(?:signing key|key)[^:]*: (\S+)/.exec((await run(['credentials', 'init', '--authority', 'authority/authority.json'])).stdout)![1]!;
  const manifest: Manifest = {
    version: 'veche/manifest/v2', id: 'ranked-cli', title: 'Ranked by hand', description: '', languages: ['en'],
    questions: [
      { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'x', label: 'X' }, { id: 'y', label: 'Y' }], allowBlank: false, absoluteMajority: false },
      { type: 'ranked', id: 'council', title: 'Council', candidates: CANDIDATES.map((id) => ({ id, label: id.toUpperCase() })), seats: 2, method: 'scottish-stv', mustRankAll: false },
    ],
    trustees: TRUSTEES.map((t) => ({ id: t, name: t.toUpperCase(), signingKey: keys[t]! })),
    credentialAuthority: { name: 'Authority', signingKey: authorityKey },
    threshold: 2,
  };
  writeFileSync(at('manifest.json'), JSON.stringify(manifest));
  await run(['election', 'create', '--manifest', 'manifest.json', '--board', 'board']);
  await run(['board', 'export', '--board', 'board', '--out', 'record.jsonl']);
  for (const step of ['commit', 'reveal', 'shares', 'finish'] as const) {
    for (const t of TRUSTEES) await run(['trustee', step, '--record', 'record.jsonl', '--secret', `${t}/secret.json`, '--out', `${t}/${step}.json`]);
    await submitAndExport(TRUSTEES.map((t) => `${t}/${step}.json`));
  }
  writeFileSync(at('authority/voters.csv'), 'voter,weight\nv1,1\nv2,2\nv3,1\nv4,1\nv5,1\nv6,1\n');
  await run(['credentials', 'issue', '--authority', 'authority/authority.json', '--record', 'record.jsonl', '--voters', 'authority/voters.csv', '--out-dir', 'authority']);
  await run(['board', 'submit', '--board', 'board', 'authority/credentials.json']);
  await run(['board', 'open', '--board', 'board']);
  await run(['board', 'export', '--board', 'board', '--out', 'record.jsonl']);

  const rows = readFileSync(at('authority/credentials.private.csv'), 'utf8').trim().split('\n').slice(1);
  const credentialOf = (who: string) => rows.find((r) => r.startsWith(who))!.split(',').at(-1)!;
  const files: string[] = [];
  for (const [k, [who, chair, ranking]] of VOTES.entries()) {
    writeFileSync(at(`choices-${k}.json`), JSON.stringify({ chair, council: ranking }));
    await run(['vote', '--record', 'record.jsonl', '--credential', credentialOf(who), '--choices', `choices-${k}.json`, '--out', `ballot-${k}.json`]);
    files.push(`ballot-${k}.json`);
  }
  // A ranking naming an unknown candidate is refused on the voter's device.
  writeFileSync(at('bad.json'), JSON.stringify({ chair: 'x', council: ['zed'] }));
  const bad = await veche(['vote', '--record', 'record.jsonl', '--credential', credentialOf('v3'), '--choices', 'bad.json', '--out', 'bad-ballot.json'], { cwd: work });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /unknown candidate "zed"/);
  await run(['board', 'submit', '--board', 'board', ...files]);
  await run(['board', 'close', '--board', 'board']);
  await run(['board', 'tally', '--board', 'board']);
  await run(['board', 'export', '--board', 'board', '--out', 'record.jsonl']);

  // Two of three trustees shuffle in turn; t2 sits out.
  const first = await run(['trustee', 'shuffle', '--record', 'record.jsonl', '--secret', 't1/secret.json', '--out', 't1/mix.json']);
  assert.match(first.stdout, /7 rows shuffled and proved \(mix 1 of 2\)/, 'six credentials, one of weight 2, the superseded ballot left out');
  assert.match(await submitAndExport(['t1/mix.json']), /mix of t1 accepted \(1 of 2\)/);
  // A trustee given a record whose first mix a board changed refuses to go on.
  const events = readRecordFile(at('record.jsonl'));
  const mix = events.find((e) => e.type === 'mix')! as BoardEvent<'mix'>;
  const forged = structuredClone(mix.payload) as MixPayload;
  forged.shuffles[0]!.rows.reverse();
  const changed = events.map((e) => (e === mix ? { ...e, payload: forged } : e));
  const rechained: BoardEvent[] = [];
  for (const e of changed) rechained.push(makeEvent(rechained.length, rechained.at(-1)?.hash ?? GENESIS_PREV, e.type, e.payload, e.time));
  writeFileSync(at('forged.jsonl'), rechained.map(encodeEvent).join('\n') + '\n');
  const refused = await veche(['trustee', 'shuffle', '--record', 'forged.jsonl', '--secret', 't3/secret.json', '--out', 't3/mix.json'], { cwd: work });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /refused: .*(trustees\.signatures|mix\.shuffles)/);
  await run(['trustee', 'shuffle', '--record', 'record.jsonl', '--secret', 't3/secret.json', '--out', 't3/mix.json']);
  await submitAndExport(['t3/mix.json']);
  const late = await veche(['trustee', 'shuffle', '--record', 'record.jsonl', '--secret', 't2/secret.json', '--out', 't2/mix.json'], { cwd: work });
  assert.match(late.stderr, /the 2 mixes are done/);

  for (const t of ['t2', 't3']) await run(['trustee', 'decrypt-mix', '--record', 'record.jsonl', '--secret', `${t}/secret.json`, '--out', `${t}/mixshare.json`]);
  await run(['board', 'submit', '--board', 'board', 't2/mixshare.json', 't3/mixshare.json']);
  const counted = await run(['board', 'ranked-result', '--board', 'board']);
  assert.match(counted.stdout, /question council:/);
  await run(['board', 'export', '--board', 'board', '--out', 'record.jsonl']);
  for (const t of ['t1', 't2']) await run(['trustee', 'decrypt', '--record', 'record.jsonl', '--secret', `${t}/secret.json`, '--out', `${t}/share.json`]);
  await run(['board', 'submit', '--board', 'board', 't1/share.json', 't2/share.json']);
  await run(['board', 'result', '--board', 'board']);
  await run(['board', 'export', '--board', 'board', '--out', 'record.jsonl']);

  const verified = await run(['verify', 'record.jsonl']);
  assert.match(verified.stdout, /VERIFIED/);
  assert.match(verified.stdout, /mix\.shuffles/);

  // The published count is the count of the plain rankings (weights as copies), ties by the record's seed.
  const record = readRecordFile(at('record.jsonl'));
  const published = (record.find((e) => e.type === 'ranked-result')!.payload as RankedResultPayload).questions[0]!;
  const plain = VOTES.filter((_, k) => k !== 0).flatMap(([who, , r]) => Array.from({ length: who === 'v2' ? 2 : 1 }, () => r.map((c) => CANDIDATES.indexOf(c))));
  const sorted = (rs: (number[] | null)[]) => rs.map((r) => JSON.stringify(r)).sort();
  assert.deepEqual(sorted(published.rankings), sorted(plain));
  const joint = (record.find((e) => e.type === 'joint-key')!.payload as { publicKey: string }).publicKey;
  const direct = countRanked({ candidates: CANDIDATES, seats: 2, method: 'scottish-stv', rankings: plain, tieBreak: { seed: fromHex(tieSeed(record[0]!.hash, joint), 32), question: 'council' } });
  assert.deepEqual(published.result.elected, direct.elected);
  assert.deepEqual(published.result.rounds, direct.rounds);

  // The BLT export recounts, by any STV program (here veche's own), to the same seats.
  const exported = await run(['ranked', 'export', '--blt', 'record.jsonl', '--out', 'council.blt']);
  assert.match(exported.stdout, /record verified; 7 rankings of question council written to council.blt/);
  const recount = await run(['ranked', 'count', 'council.blt', '--method', 'scottish-stv', '--json']);
  const again = JSON.parse(recount.stdout) as { elected: number[]; validWeight: string };
  assert.deepEqual([...again.elected].sort(), [...direct.elected].sort());
  assert.equal(again.validWeight, '7');
});
