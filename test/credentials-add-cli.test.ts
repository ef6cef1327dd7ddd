// `veche credentials add` (spec §6.4, issue 11 point 4/6): the credential authority, with the CLI only,
// re-issues a revoked credential and adds a late voter on a CLI election (SQLite board directory,
// `veche board submit`), and through the server with --server. The revoked credential's ballot no
// longer counts, the new ones do, the record verifies. Refused with a clear message and nothing
// changed: the same addition handed to the board twice (a used key), re-issuing twice, re-issuing a
// credential that is not revoked, a late voter already on the list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Board } from '../src/board/board.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import type { Choices, Manifest } from '../src/manifest/types.js';
import { parseCsv } from '../src/credentials/contacts.js';
import { credentialsOf, privateListOf } from '../src/credentials/private-list.js';
import { closeAndCount, compactChoices, compactManifest, createWithKeys, expectedCounts, rolesOf } from './helpers/election.js';
import { veche, vecheOk } from './helpers/cli.js';
import { openElectionOverHttp, recordText, startServer } from './helpers/server.js';

/** The short form `veche vote --choices` reads: one value per question. */
function shortForm(c: Choices): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c).map(([id, a]) => [id, a.type === 'choice' ? a.candidate : a.type === 'approval' ? a.options : a.type === 'verdict' ? a.verdicts : a.type === 'motion' ? a.vote : null]));
}

test('CLI election: a revoked credential re-issued and a late voter added with `veche credentials add`; their ballots count, the revoked one does not; the record verifies; a used key is refused', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'veche-credentials-add-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const at = (...p: string[]) => join(work, ...p);
  const run = (args: string[]) => vecheOk(args, { cwd: work });
  const fails = (args: string[]) => veche(args, { cwd: work });
  mkdirSync(at('board'));
  mkdirSync(at('authority'));
  const manifest: Manifest = compactManifest('add-cli');
  const store = new SqliteStore(at('board', 'board.sqlite'));
  const { trustees } = await createWithKeys(store, manifest);
  await store.close();
  writeFileSync(at('authority', 'authority.json'), JSON.stringify(rolesOf(manifest).authority), { mode: 0o600 });
  writeFileSync(at('authority', 'voters.csv'), 'voter,name,email,weight\nalice,Alice,alice@example.org,1\nboris,Boris,boris@example.org,2\nchloe,Chloé,chloe@example.org,1\n');
  const exportRecord = () => run(['board', 'export', '--board', 'board', '--out', 'record.jsonl']);
  await exportRecord();
  await run(['credentials', 'issue', '--authority', 'authority/authority.json', '--record', 'record.jsonl', '--voters', 'authority/voters.csv', '--out-dir', 'authority']);
  await run(['board', 'submit', '--board', 'board', 'authority/credentials.json']);
  await run(['board', 'open', '--board', 'board']);
  await exportRecord();
  const privatePath = at('authority', 'credentials.private.csv');
  const privateList = () => privateListOf(parseCsv(readFileSync(privatePath, 'utf8')))!;
  const vote = async (credential: string, choices: Choices, name: string) => {
    writeFileSync(at(`${name}.choices.json`), JSON.stringify(shortForm(choices)));
    await run(['vote', '--record', 'record.jsonl', '--credential', credential, '--choices', `${name}.choices.json`, '--out', `${name}.ballot.json`]);
    await run(['board', 'submit', '--board', 'board', `${name}.ballot.json`]);
  };
  const first = credentialsOf(privateList());
  await vote(first.get('alice')!, compactChoices(0), 'alice');
  await vote(first.get('boris')!, compactChoices(3), 'boris-lost'); // then reported lost: must not count
  await exportRecord();

  const add = ['credentials', 'add', '--authority', 'authority/authority.json', '--record', 'record.jsonl', '--private', 'authority/credentials.private.csv'];
  // Re-issuing before the revocation is on the board: refused, the list unchanged.
  const early = await fails([...add, '--reissue', 'boris', '--out', 'early.json']);
  assert.equal(early.code, 2, early.stderr);
  assert.match(early.stderr, /boris's credential is not revoked on the record; revoke it first/);
  assert.equal(credentialsOf(privateList()).get('boris'), first.get('boris'));

  await run(['credentials', 'revoke', '--authority', 'authority/authority.json', '--record', 'record.jsonl', '--voter', 'boris', '--private', 'authority/credentials.private.csv', '--reason', 'lost phone', '--out', 'revoke.json']);
  await run(['board', 'submit', '--board', 'board', 'revoke.json']);
  await exportRecord();
  const reissued = await run([...add, '--reissue', 'boris', '--base-url', 'https://vote.example.org', '--out', 'reissue.json']);
  assert.match(reissued.stdout, /a new credential for boris \(weight 2\): signed addition written to reissue\.json/);
  assert.match((await run(['board', 'submit', '--board', 'board', 'reissue.json'])).stdout, /credentials added \(4 listed, 1 revoked, eligible weight 4\)/);
  await exportRecord();
  const late = await run([...add, '--voter', 'dana', '--weight', '3', '--out', 'late.json']);
  assert.match(late.stdout, /late voter dana \(weight 3\)/);
  assert.match((await run(['board', 'submit', '--board', 'board', 'late.json'])).stdout, /credentials added \(5 listed, 1 revoked, eligible weight 7\)/);
  await exportRecord();

  // The private list: boris keeps one row with the new credential and link, the old one under "revoked"; dana appended.
  const list = privateList();
  const now = credentialsOf(list);
  assert.notEqual(now.get('boris'), first.get('boris'));
  const col = (name: string) => list.header.indexOf(name);
  const borisRow = list.rows.find((r) => r[col('voter')] === 'boris')!;
  assert.equal(borisRow[col('revoked')], first.get('boris'));
  assert.equal(borisRow[col('link')], `https://vote.example.org/vote/add-cli#credential=${now.get('boris')}`);
  assert.equal(borisRow[col('email')], 'boris@example.org', 'the other columns are kept');
  const danaRow = list.rows.find((r) => r[col('voter')] === 'dana')!;
  assert.equal(danaRow[col('weight')], '3');
  assert.deepEqual([...now.keys()], ['alice', 'boris', 'chloe', 'dana']);

  // What an attacker or a slip could try, each refused with its reason and nothing changed.
  const before = readFileSync(privatePath, 'utf8');
  const again = await fails(['board', 'submit', '--board', 'board', 'late.json']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /late\.json: rejected \(duplicate\): credentials added: credentials\[0\]\.key is already on the list/);
  const twice = await fails([...add, '--reissue', 'boris', '--out', 'twice.json']);
  assert.match(twice.stderr, /boris's credential is not revoked on the record/, 'the new credential is not revoked');
  const dup = await fails([...add, '--voter', 'alice', '--out', 'dup.json']);
  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /"alice" is in the private list already/);
  const both = await fails([...add, '--voter', 'erin', '--out', 'x.json', '--server', 'http://127.0.0.1:1']);
  assert.match(both.stderr, /give --out ADD\.json .* or --server URL/);
  assert.equal(readFileSync(privatePath, 'utf8'), before);

  await vote(now.get('boris')!, compactChoices(1), 'boris');
  await vote(now.get('dana')!, compactChoices(2), 'dana');
  const store2 = new SqliteStore(at('board', 'board.sqlite'));
  try {
    const board = await Board.load(store2, 'add-cli');
    const result = await closeAndCount(board, trustees, [1, 2]);
    assert.deepEqual(result.counts, expectedCounts(manifest, [{ choices: compactChoices(0), weight: 1 }, { choices: compactChoices(1), weight: 2 }, { choices: compactChoices(2), weight: 3 }]));
    assert.equal(result.ballots, 3, 'the revoked credential\'s ballot is not counted');
    assert.equal(result.eligibleWeight, 7);
  } finally { await store2.close(); }
  await exportRecord();
  const verified = await veche(['verify', 'record.jsonl'], { cwd: work });
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  const tooLate = await fails([...add, '--voter', 'erin', '--out', 'x.json']);
  assert.match(tooLate.stderr, /the poll has closed .*the voter list can no longer change/);
});

test('`veche credentials add --server`: the addition posted with the authority token; a wrong token is refused and the private list stays as it was', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'veche-credentials-add-server-'));
  const store = new SqliteStore(join(dir, 'veche.sqlite'));
  const server = await startServer(store);
  t.after(async () => { await server.close(); await store.close(); rmSync(dir, { recursive: true, force: true }); });
  const manifest = compactManifest('add-server');
  const el = await openElectionOverHttp(server, manifest, 2);
  writeFileSync(join(dir, 'authority.json'), JSON.stringify(rolesOf(manifest).authority), { mode: 0o600 });
  const privatePath = join(dir, 'private.csv');
  writeFileSync(privatePath, ['voter,weight,credential', ...el.credentials.map((c) => `${c.voter},${c.weight},${c.credential}`)].join('\n') + '\n');
  const before = readFileSync(privatePath, 'utf8');
  const record = `${server.base}/api/elections/add-server/record`;
  const add = ['credentials', 'add', '--authority', 'authority.json', '--record', record, '--private', privatePath, '--voter', 'late@example.org', '--server', server.base];
  const wrong = await veche([...add, '--token', 'not-the-token'], { cwd: dir });
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /the server refused the addition \(401/);
  assert.equal(readFileSync(privatePath, 'utf8'), before);
  const r = await vecheOk([...add, '--token', el.authorityToken, '--base-url', server.base], { cwd: dir });
  assert.match(r.stdout, /late voter late@example\.org \(weight 1\): on the board at event \d+ \(3 credentials listed\)/);
  const added = (await recordText(server.base, 'add-server')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; payload: { credentials?: { key: string; weight: number }[] } }).filter((e) => e.type === 'credentials-added');
  assert.equal(added.length, 1, 'one addition on the board (the refused one left nothing)');
  assert.equal(added[0]!.payload.credentials![0]!.weight, 1);
  assert.equal(credentialsOf(privateListOf(parseCsv(readFileSync(privatePath, 'utf8')))!).size, 3);
});
