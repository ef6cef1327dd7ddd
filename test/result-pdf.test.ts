// `veche result pdf` and `csv`: the result report made from a record that verifies, read back as a
// person would: rendered to PNG with pdftoppm (kept in test-artifacts/result-pdf/ to look at) and its
// text extracted with pdftotext: counts, outcomes, the tie drawn by lot, turnout, the fingerprint, the
// record's SHA-256, who decrypted, how to verify, in English and in Russian with the right plurals.
// A record that does not verify gets no report.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateManifest } from '../src/manifest/validate.js';
import { electionFingerprint } from '../src/verify/voter-check.js';
import type { ChoiceResult } from '../src/tally/rules.js';
import { ballotFor, finishElection, openElection, recordLines } from './helpers/election-fixture.js';
import { compactManifest } from './helpers/election.js';
import { testStores } from './helpers/stores.js';
import { veche } from './helpers/cli.js';
import { startServer } from './helpers/server.js';
import type { TestStore } from './helpers/stores.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/result-pdf/', import.meta.url));
let work: string;
let electionHash: string;
let chair: ChoiceResult;
let lines: string[];
let made: TestStore;
const at = (f: string) => join(work, f);
const pdfText = (file: string) => execFileSync('pdftotext', ['-layout', at(file), '-'], { encoding: 'utf8' });
/** pdftotext's text with every run of white space made one space (labels wrap and columns align apart). */
const flat = (file: string) => pdfText(file).replace(/\s+/g, ' ');

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'veche-result-pdf-'));
  const base = compactManifest('report');
  const manifest = validateManifest({
    ...base,
    tieBreak: { method: 'seed' },
    translations: { ru: { title: 'Выборы правления кооператива', questions: { chair: { title: 'Председатель', options: { okafor: { label: 'Амара Окафор' }, petrova: { label: 'Дарья Петрова' } } } } } },
  });
  made = (await testStores().find((s) => s.name === 'sqlite')!.make('result-pdf'))!;
  const el = await openElection(made.store, { voters: 5, manifest });
  // Four ballots: the chair is a tie of two each, decided by lot; one voter of five stays home.
  for (let i = 0; i < 4; i++) await el.board.castBallot(ballotFor(el, el.voters[i]!, i).ballot);
  await finishElection(el);
  lines = await recordLines(el.board);
  electionHash = el.electionHash;
  writeFileSync(at('record.jsonl'), lines.map((l) => `${l}\n`).join(''));
  chair = (JSON.parse(lines.at(-1)!) as { payload: { results: ChoiceResult[] } }).payload.results[0]!;
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => { await made.dispose(); rmSync(work, { recursive: true, force: true }); });

describe('veche result pdf', () => {
  test('English: counts, outcomes, the tie drawn by lot, turnout, fingerprint, record hash, trustees, how to verify', async () => {
    const r = await veche(['result', 'pdf', 'record.jsonl', '--out', 'en.pdf', '--language', 'en', '--record-url', 'https://vote.example.org/api/elections/report/record'], { cwd: work });
    assert.equal(r.code, 0, r.stderr);
    const text = flat('en.pdf');
    assert.match(text, /Result report/);
    assert.match(text, /Compact test election report/);
    assert.ok(text.includes(electionFingerprint(electionHash)), 'the fingerprint');
    assert.ok(text.includes(createHash('sha256').update(readFileSync(at('record.jsonl'))).digest('hex')), "the record file's SHA-256");
    assert.match(text, new RegExp(`\\(${lines.length} events\\)`));
    assert.match(text, /The record was verified: every check holds, 4 ballots counted\./);
    assert.match(text, /4 of 5 voters took part \(80%\)/);
    const winner = chair.winner === 'okafor' ? 'Amara Okafor' : 'Daria Petrova';
    assert.ok(chair.tieBreak && chair.tieBreak.method === 'seed');
    assert.match(text, new RegExp(`Elected: ${winner}`));
    assert.match(text, new RegExp(`Tie between Amara Okafor, Daria Petrova, drawn by lot: ${winner}\\.`));
    assert.ok(text.includes(`seed ${chair.tieBreak.seed}`), 'the seed is printed');
    assert.match(text, /4 votes for candidates\. 0 blank votes\./);
    assert.match(text, /Verdict: (Encouragement|Punishment|No consequences)/);
    assert.match(text, /The motion (passed|was rejected)\./);
    assert.match(text, /Decrypted by: Hannah Weber \(audit committee\), Kwame Mensah/);
    assert.match(text, /How to verify this result/);
    assert.match(text, /https:\/\/vote\.example\.org\/api\/elections\/report\/record/);
    assert.match(text, /npx veche verify --final record\.jsonl/);
    assert.match(text, /Page 1 of \d/);
    execFileSync('pdftoppm', ['-r', '80', '-png', at('en.pdf'), join(ARTIFACTS, 'en')]);
    assert.ok(readdirSync(ARTIFACTS).some((f) => f.startsWith('en') && f.endsWith('.png')));
  });

  test('Russian: the election\'s own texts, Cyrillic, and the plural forms of the language', async () => {
    const r = await veche(['result', 'pdf', 'record.jsonl', '--out', 'ru.pdf', '--language', 'ru'], { cwd: work });
    assert.equal(r.code, 0, r.stderr);
    const text = flat('ru.pdf');
    assert.match(text, /Отчёт об итогах/);
    assert.match(text, /Выборы правления кооператива/);
    assert.match(text, /Председатель/);
    assert.match(text, /Амара Окафор/);
    assert.match(text, /учтено 4 бюллетеня\./, 'four: the "few" form');
    assert.match(text, /4 голоса за кандидатов\. 0 пустых голосов\./, 'zero: the "many" form');
    assert.match(text, /по жребию: (Амара Окафор|Дарья Петрова)\./);
    assert.match(text, /Как проверить эти итоги/);
    assert.match(text, /Страница 1 из \d/);
    execFileSync('pdftoppm', ['-r', '80', '-png', at('ru.pdf'), join(ARTIFACTS, 'ru')]);
  });

  test('by default the election\'s first language; CSV from the same verified record', async () => {
    assert.equal((await veche(['result', 'pdf', 'record.jsonl', '--out', 'default.pdf'], { cwd: work })).code, 0);
    assert.match(flat('default.pdf'), /Result report/, 'the compact manifest lists en first');
    const csv = await veche(['result', 'csv', 'record.jsonl', '--out', 'result.csv'], { cwd: work });
    assert.equal(csv.code, 0, csv.stderr);
    const rows = readFileSync(at('result.csv'), 'utf8').split('\r\n');
    assert.equal(rows[1], ',turnout,voters,,,,4,5,');
    assert.ok(rows.some((l) => l.startsWith('chair,') && l.includes('tie-break') && l.includes(chair.tieBreak!.method)), 'the tie-break row');
  });

  test('attack (board operator): a record whose result was rewritten gets no report, and no file is written', async () => {
    const forged = lines.map((l) => JSON.parse(l) as { payload: unknown });
    const res = forged.at(-1)!.payload as { results: ChoiceResult[] };
    const loser = res.results[0]!.tie.find((id) => id !== res.results[0]!.winner)!;
    res.results[0]!.winner = loser;
    writeFileSync(at('forged.jsonl'), forged.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const r = await veche(['result', 'pdf', 'forged.jsonl', '--out', 'forged.pdf'], { cwd: work });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not verify/);
    assert.equal(existsSync(at('forged.pdf')), false);
  });

  test('refuses a language it has no texts in, naming it', async () => {
    const r = await veche(['result', 'pdf', 'record.jsonl', '--out', 'x.pdf', '--language', 'xx'], { cwd: work });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no texts in the language "xx"/);
  });

  test("the server's download: the same report from its own record, after its verifier passed", async () => {
    const server = await startServer(made.store);
    try {
      const res = await fetch(`${server.base}/api/elections/report/report.pdf?lang=ru`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="result-report-ru\.pdf"/);
      writeFileSync(at('server-ru.pdf'), Buffer.from(await res.arrayBuffer()));
      const text = flat('server-ru.pdf');
      assert.match(text, /Отчёт об итогах/);
      assert.ok(text.includes(createHash('sha256').update(readFileSync(at('record.jsonl'))).digest('hex')), 'the SHA-256 of the record anyone downloads');
      assert.equal((await fetch(`${server.base}/api/elections/report/report.pdf?lang=xx`)).status, 400);
      assert.equal((await fetch(`${server.base}/api/elections/report/report.pdf?lang=ru&x=1`)).status, 400);
      assert.equal((await fetch(`${server.base}/api/elections/nope/report.pdf`)).status, 404);
    } finally {
      await server.close();
    }
  });
});
