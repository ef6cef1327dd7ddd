// The texts of the credential mails and letters in every language, and the status file that makes
// mailing resumable: without SMTP or a CLI, so each property is checked on its own.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LANGUAGES, TEXTS, invitationMail, pickLanguage, plural, reminderMail, type CredentialNotice } from '../src/credentials/templates/render.js';
import type { PluralForms } from '../src/credentials/templates/types.js';
import { parseRate } from '../src/credentials/mail.js';
import { StatusLog } from '../src/credentials/mail-status.js';
import { checkBaseUrl, votingLink } from '../src/credentials/record-match.js';
import { ContactsError, parseCsv, readRecipients } from '../src/credentials/contacts.js';

const NOTICE: CredentialNotice = { name: 'Anna', title: 'Council', authority: 'Election office', fingerprint: '1a2b 3c4d 5e6f 7a8b 9c0d', link: 'https://v.example/vote/x#credential=AAAAA-BBBBB-CCCCC-DDDDD-EEEEE', credential: 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE', weight: 3, questions: 2, closes: '2027-03-10T18:00:00Z' };
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('credential texts', () => {
  test('en, ru, uk, de, fr, es at least; every language has every text, with the same placeholders as English', () => {
    for (const l of ['en', 'ru', 'uk', 'de', 'fr', 'es']) assert.ok(LANGUAGES.includes(l), l);
    const en = TEXTS.en!;
    for (const lang of LANGUAGES) {
      const t = TEXTS[lang]!;
      assert.deepEqual(Object.keys(t).sort(), Object.keys(en).sort(), lang);
      for (const [k, v] of Object.entries(en)) {
        const mine = (t as unknown as Record<string, unknown>)[k];
        if (typeof v === 'string') assert.deepEqual(placeholders(mine as string), placeholders(v), `${lang}.${k}`);
        else if (Array.isArray(v)) assert.equal((mine as string[]).length, v.length, `${lang}.${k}`);
        else for (const form of Object.values(mine as PluralForms)) assert.deepEqual(placeholders(form), placeholders((v as PluralForms).other), `${lang}.${k}`);
      }
    }
  });

  test('every plural category a language uses (Intl.PluralRules) has its own form', () => {
    for (const lang of LANGUAGES) {
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      for (const key of ['closesIn', 'questions', 'weight'] as const) {
        const forms = TEXTS[lang]![key];
        for (const c of categories) assert.ok(forms[c] !== undefined, `${lang}.${key} lacks "${c}"`);
      }
    }
    assert.equal(plural('ru', TEXTS.ru!.questions, 1), 'В бюллетене 1 вопрос.');
    assert.equal(plural('ru', TEXTS.ru!.questions, 3), 'В бюллетене 3 вопроса.');
    assert.equal(plural('ru', TEXTS.ru!.questions, 5), 'В бюллетене 5 вопросов.');
    assert.equal(plural('ru', TEXTS.ru!.questions, 21), 'В бюллетене 21 вопрос.');
    assert.equal(plural('uk', TEXTS.uk!.weight, 11), 'Ваш бюлетень рахується з вагою 11 голосів.');
    assert.equal(plural('en', TEXTS.en!.questions, 1), 'The ballot has 1 question.');
    assert.equal(plural('fr', TEXTS.fr!.weight, 1_000_000), 'Votre bulletin compte pour 1\u202f000\u202f000 de voix.');
  });

  test('a mail says the link, the credential, the fingerprint, the weight and the closing time; a reminder too', () => {
    const now = new Date('2027-03-07T12:00:00Z');
    for (const lang of LANGUAGES) {
      for (const m of [invitationMail(lang, NOTICE, now), reminderMail(lang, NOTICE, now)]) {
        assert.ok(m.subject.includes('Council'), lang);
        for (const s of [NOTICE.link, NOTICE.credential, NOTICE.fingerprint, 'Election office', 'Anna']) assert.ok(m.text.includes(s), `${lang}: ${s}`);
        assert.doesNotMatch(m.text, /\{\w+\}/, `${lang}: every placeholder filled`);
      }
    }
    const en = invitationMail('en', NOTICE, now).text;
    assert.match(en, /weight of 3 votes\./);
    assert.match(en, /The poll closes in 3 days, on March 10, 2027 at 6:00 PM UTC\./, 'calendar days: the 7th to the 10th');
    assert.match(invitationMail('en', NOTICE, new Date('2027-03-09T23:59:00Z')).text, /closes in 1 day, on March 10/);
    assert.match(invitationMail('ru', NOTICE, new Date('2027-03-10T08:00:00Z')).text, /Голосование закроется сегодня, 10 марта 2027 г\. в 18:00 UTC\./);
    assert.doesNotMatch(invitationMail('en', { ...NOTICE, weight: 1 }, now).text, /weight/);
    assert.doesNotMatch(invitationMail('en', NOTICE, new Date('2027-04-01T00:00:00Z')).text, /closes in/, 'nothing said of a closing time gone by');
  });

  test('the voter\'s language if there are texts for it, else the election\'s first, else English', () => {
    assert.equal(pickLanguage('ru-RU', ['en']), 'ru');
    assert.equal(pickLanguage('UK', ['en']), 'uk');
    assert.equal(pickLanguage('pt', ['de', 'en']), 'de');
    assert.equal(pickLanguage(null, ['xx', 'fr']), 'fr');
    assert.equal(pickLanguage('zz', ['yy']), 'en');
  });
});

describe('the voter lists', () => {
  const PRIV = 'voter,weight,credential\nalice@example.org,1,AAAAA-BBBBB-CCCCC-DDDDD-EEEEE\n"Bob, jr.",2,FFFFF-GGGGG-HHHHH-JJJJJ-KKKKK\n';
  test('quoted fields with commas and line breaks; the voter id as address; a voter list joined by id', () => {
    assert.deepEqual(parseCsv('a,"b,c","d\r\ne"\r\n\r\nx,"y""z",\n'), [['a', 'b,c', 'd\r\ne'], ['x', 'y"z', '']]);
    assert.throws(() => parseCsv('a,"b\n'), /not closed/);
    const voters = 'Voter,E-mail,Name,Language\n"Bob, jr.",bob@example.org,Bob Junior,de\nalice@example.org,,,\n';
    const r = readRecipients(PRIV, voters, { needEmail: true });
    assert.deepEqual(r.map((x) => [x.voter, x.email, x.name, x.language, x.weight]), [['alice@example.org', 'alice@example.org', 'alice@example.org', null, 1], ['Bob, jr.', 'bob@example.org', 'Bob Junior', 'de', 2]]);
  });
  test('refused, naming each line: no address, a header in an address or name, a duplicate voter or credential, no credential', () => {
    const problems = (priv: string, voters: string | null = null) => { try { readRecipients(priv, voters, { needEmail: true }); return []; } catch (e) { assert.ok(e instanceof ContactsError); return e.problems; } };
    assert.match(problems(PRIV)[0]!, /line 3: voter "Bob, jr\." has no e-mail address/);
    assert.match(problems(PRIV, 'voter,email\nalice@example.org,a@x.org\n"Bob, jr.","b@x.org\nBcc: c@x.org"\n')[0]!, /is not an e-mail address/);
    assert.match(problems(PRIV, 'voter,email,name\nalice@example.org,a@x.org,"A\rB"\n"Bob, jr.",b@x.org,B\n')[0]!, /control character/);
    assert.match(problems('voter,credential\na@x.org,AAAAA-BBBBB-CCCCC-DDDDD-EEEEE\na@x.org,FFFFF-GGGGG-HHHHH-JJJJJ-KKKKK\n')[0]!, /appears twice/);
    assert.match(problems('voter,credential\na@x.org,AAAAA-BBBBB-CCCCC-DDDDD-EEEEE\nb@x.org,aaaaa-bbbbb-ccccc-ddddd-eeeee\n')[0]!, /the same credential as another voter/);
    assert.match(problems('voter,credential\na@x.org,OOOOO-BBBBB-CCCCC-DDDDD-EEEEE\n')[0]!, /not a credential/);
    assert.match(problems('voter,weight\na@x.org,1\n')[0]!, /"credential" column/);
  });
});

describe('the status file', () => {
  test('one line per outcome, on disk as appended; a cut-off last line (a crash mid-write) is dropped; another election\'s file is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veche-status-'));
    try {
      const path = join(dir, 's.jsonl');
      const log = StatusLog.open(path, { election: 'e1', kind: 'invitation' });
      log.append({ voter: 'a', email: 'a@x.org', status: 'sending', time: 't' });
      log.append({ voter: 'a', email: 'a@x.org', status: 'sent', time: 't' });
      log.append({ voter: 'b', email: 'b@x.org', status: 'sending', time: 't' });
      log.close();
      assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 4);
      writeFileSync(path, readFileSync(path, 'utf8') + '{"voter":"b","email":"b@x.o');
      const again = StatusLog.open(path, { election: 'e1', kind: 'invitation' });
      assert.equal(again.get('a')!.status, 'sent');
      assert.equal(again.get('b')!.status, 'sending');
      again.append({ voter: 'b', email: 'b@x.org', status: 'refused', time: 't', reply: '550' });
      again.close();
      const lines = readFileSync(path, 'utf8').split('\n');
      assert.equal(lines.at(-1), '');
      assert.deepEqual(lines.slice(1, -1).map((l) => (JSON.parse(l) as { status: string }).status), ['sending', 'sent', 'sending', 'refused']);
      assert.throws(() => StatusLog.open(path, { election: 'e2', kind: 'invitation' }), /another election/);
      assert.throws(() => StatusLog.open(path, { election: 'e1', kind: 'reminder' }), /not reminder/);
      writeFileSync(join(dir, 'bad.jsonl'), '{"format":"veche/mail-status/v1","election":"e1","kind":"invitation"}\nnot json\n{}\n');
      assert.throws(() => StatusLog.open(join(dir, 'bad.jsonl'), { election: 'e1', kind: 'invitation' }), /line 1: not a status line|line 2/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  test('one run per status file: a live run\'s lock refuses a second, a killed run\'s lock is taken over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veche-status-lock-'));
    try {
      const path = join(dir, 's.jsonl');
      const first = StatusLog.open(path, { election: 'e1', kind: 'invitation' });
      assert.throws(() => StatusLog.open(path, { election: 'e1', kind: 'invitation' }), /in use by another run \(process \d+\)/);
      first.close();
      // A run killed with SIGKILL leaves its lock behind, naming a process that is gone.
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      writeFileSync(`${path}.lock`, dead);
      const second = StatusLog.open(path, { election: 'e1', kind: 'invitation' });
      assert.equal(readFileSync(`${path}.lock`, 'utf8'), String(process.pid));
      second.close();
      assert.throws(() => readFileSync(`${path}.lock`), /ENOENT/);
      // A refused open (another election) leaves no lock.
      assert.throws(() => StatusLog.open(path, { election: 'e2', kind: 'invitation' }), /another election/);
      assert.throws(() => readFileSync(`${path}.lock`), /ENOENT/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  test('rates and links', () => {
    assert.equal(parseRate('2/s'), 500);
    assert.equal(parseRate('60/min'), 1000);
    assert.equal(parseRate('3600/h'), 1000);
    for (const bad of ['0/s', 'fast', '5', '-1/s', '2000/s']) assert.throws(() => parseRate(bad), /--rate/);
    assert.equal(votingLink(checkBaseUrl('https://vote.example.org/'), 'council 2027', 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE'), 'https://vote.example.org/vote/council%202027#credential=AAAAA-BBBBB-CCCCC-DDDDD-EEEEE');
    for (const bad of ['vote.example.org', 'ftp://x.org', 'https://x.org/?a=1', 'https://u:p@x.org']) assert.throws(() => checkBaseUrl(bad), /--base-url/);
  });
});
