// `veche credentials letters` and `export`: the printed letters, read back as a person and a phone
// would: rendered to PNG with pdftoppm (kept in test-artifacts/credentials-letters/ to look at), one page
// per voter, the text extracted with pdftotext (name, Cyrillic too, credential, fingerprint), and the
// QR code decoded from the rendered page (jsqr) to the voter's own link. And the mail-merge CSV.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { parseCsv } from '../src/credentials/contacts.js';
import { writeLetters } from '../src/credentials/letters.js';
import { electionFingerprint } from '../src/verify/voter-check.js';
import { veche } from './helpers/cli.js';
import { mailElection, type MailElection } from './credentials-fixture.js';

// jsqr is CommonJS: its function is the module's default export.
const jsQR = (jsqr as unknown as { default: (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null }).default;
const BASE = 'https://vote.example.org/';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/credentials-letters/', import.meta.url));
const NAMES: Record<string, string> = { alice: 'Alice Martin', boris: 'Борис Петров', chloe: 'Chloé Dubois', dmytro: 'Дмитро Коваль', erin: "Erin O'Neil, jr." };
let e: MailElection;

before(async () => { e = await mailElection('letters'); });
after(() => rmSync(e.work, { recursive: true, force: true }));

const link = (id: string) => `https://vote.example.org/vote/${e.manifest.id}#credential=${e.credentials.get(id)}`;

describe('veche credentials letters', () => {
  test('one page per voter: name, fingerprint, credential, and a QR code of their own link', async () => {
    const r = await veche(['credentials', 'letters', '--record', 'record.jsonl', '--private', 'authority/credentials.private.csv', '--base-url', BASE, '--out', 'letters.pdf'], { cwd: e.work });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /5 letters written/);
    const pdf = e.at('letters.pdf');
    assert.equal(statSync(pdf).mode & 0o777, 0o600, 'the letters hold every credential');
    const pages = Number(/^Pages:\s+(\d+)$/m.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1]);
    assert.equal(pages, 5);
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    execFileSync('pdftoppm', ['-r', '110', '-png', pdf, join(ARTIFACTS, 'page')]);
    const pngs = readdirSync(ARTIFACTS).filter((f) => f.endsWith('.png')).sort();
    assert.equal(pngs.length, 5);
    const fingerprint = electionFingerprint(e.electionHash);
    // Letters come in the private list's order.
    const order = ['alice', 'boris', 'chloe', 'dmytro', 'erin'];
    for (const [i, id] of order.entries()) {
      const text = execFileSync('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), '-layout', pdf, '-'], { encoding: 'utf8' });
      assert.ok(text.includes(NAMES[id]!), `page ${i + 1}: ${NAMES[id]}`);
      assert.ok(text.includes(e.credentials.get(id)!), `page ${i + 1}: the credential`);
      assert.ok(text.includes(fingerprint), `page ${i + 1}: the fingerprint`);
      for (const [other, c] of e.credentials) if (other !== id) assert.ok(!text.includes(c), `page ${i + 1} holds no other credential`);
      const png = PNG.sync.read(readFileSync(join(ARTIFACTS, pngs[i]!)));
      const qr = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
      assert.equal(qr?.data, link(id), `page ${i + 1}: the QR code is ${id}'s link`);
    }
    const boris = execFileSync('pdftotext', ['-f', '2', '-l', '2', pdf, '-'], { encoding: 'utf8' });
    assert.match(boris, /Ваш ключ для голосования/, 'Russian instructions for a Russian voter');
    assert.match(boris, /с весом 2 голоса/);
    assert.match(execFileSync('pdftotext', ['-f', '3', '-l', '3', pdf, '-'], { encoding: 'utf8' }), /Votre code d’accès/);
  });

  test('a clear error without the DejaVu fonts, and no file', async () => {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      import('node:child_process').then(({ execFile }) => execFile(process.execPath, [fileURLToPath(new URL('../../bin/veche.js', import.meta.url)), 'credentials', 'letters', '--record', 'record.jsonl', '--private', 'authority/credentials.private.csv', '--base-url', BASE, '--out', 'nofont.pdf'], { cwd: e.work, env: { ...process.env, VECHE_FONT_DIR: e.at('no-fonts') } }, (err, _out, stderr) => resolve({ code: err ? (err.code as number) : 0, stderr })));
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /fonts-dejavu-core/);
    assert.throws(() => statSync(e.at('nofont.pdf')));
  });

  test('a letter that would not fit on one page is refused, and no PDF is left', async () => {
    const notice = { name: 'N', title: 'T'.repeat(500), authority: 'A'.repeat(500), fingerprint: 'f', link: link('alice'), credential: e.credentials.get('alice')!, weight: 1, questions: 1 };
    await assert.rejects(writeLetters(e.at('long.pdf'), [{ language: 'en', notice }]), /does not fit on one page/);
    assert.throws(() => statSync(e.at('long.pdf')));
  });

  test('export: voter, name, email, language, link, credential for a mail merge', async () => {
    const r = await veche(['credentials', 'export', '--record', 'record.jsonl', '--private', 'authority/credentials.private.csv', '--base-url', BASE, '--out', 'merge.csv'], { cwd: e.work });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(e.at('merge.csv')).mode & 0o777, 0o600);
    const rows = parseCsv(readFileSync(e.at('merge.csv'), 'utf8'));
    assert.deepEqual(rows[0], ['voter', 'name', 'email', 'language', 'link', 'credential']);
    assert.equal(rows.length, 6);
    for (const row of rows.slice(1)) {
      const [id, name, email, , l, c] = row as [string, string, string, string, string, string];
      assert.equal(name, NAMES[id]);
      assert.equal(email, `${id}@example.org`);
      assert.equal(l, link(id));
      assert.equal(c, e.credentials.get(id));
    }
    assert.deepEqual(rows.map((r) => r[3]).slice(1), ['en', 'ru', 'fr', 'uk', 'en']);
  });
});
