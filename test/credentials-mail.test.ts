// `veche credentials mail` and `remind` against a real SMTP server on loopback (smtp-server), each run
// a child process of bin/veche.js, each mail parsed with mailparser. The credential authority's side of
// an election: every voter gets exactly their own credential and link; a credential from a mail votes;
// a refusing server, a crash mid-run, a private list that does not match the record, a record that does
// not verify; reminders reach only those who have not voted.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { credentialKeys } from '../src/credentials/credentials.js';
import { electionFingerprint } from '../src/verify/voter-check.js';
import { compactChoices } from './helpers/election.js';
import { veche, vecheBin } from './helpers/cli.js';
import { mailElection, readMail, startSmtp, type MailElection, type TestSmtp } from './credentials-fixture.js';

const BASE = 'https://vote.example.org';
let e: MailElection;
let smtp: TestSmtp;

const EMAIL = (id: string) => `${id}@example.org`;
const statusOf = (path: string) => {
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { voter?: string; status?: string; reply?: string; election?: string });
  const latest = new Map<string, { status?: string; reply?: string }>();
  for (const l of lines.slice(1)) latest.set(l.voter!, l);
  return { header: lines[0]!, latest, lines: lines.slice(1) };
};
const mailArgs = (extra: string[] = []) => ['credentials', 'mail', '--record', 'record.jsonl', '--private', 'authority/credentials.private.csv', '--base-url', BASE, '--smtp', smtp.url, '--from', 'Credential authority <ca@example.org>', '--rate', '1000/s', ...extra];
const mail = (extra: string[] = []) => veche(mailArgs(extra), { cwd: e.work });

before(async () => {
  e = await mailElection('mail');
  smtp = await startSmtp();
});
after(async () => {
  await smtp.close();
  rmSync(e.work, { recursive: true, force: true });
});

describe('veche credentials mail', () => {
  test('refuses a private list that does not match the record, and a record that does not verify, sending nothing', async () => {
    // One credential changed: not on the signed list (an altered or foreign private list).
    const priv = readFileSync(e.at('authority/credentials.private.csv'), 'utf8');
    const alice = e.credentials.get('alice')!;
    const other = alice.slice(0, -1) + (alice.endsWith('0') ? '1' : '0');
    writeFileSync(e.at('authority/altered.csv'), priv.replace(alice, other));
    // A weight changed: the record's list says 2 for boris.
    writeFileSync(e.at('authority/weight.csv'), priv.replace(/^boris,2,/m, 'boris,1,'));
    // The board changed a line of the record (the manifest's title) without re-signing: the chain breaks.
    const record = readFileSync(e.at('record.jsonl'), 'utf8');
    writeFileSync(e.at('tampered.jsonl'), record.replace('Co-op council 2027', 'Co-op council 2028'));
    // A record that stops before the credential list (a prefix that verifies): there is nothing to match.
    const lines = record.trim().split('\n');
    writeFileSync(e.at('before-list.jsonl'), lines.slice(0, lines.findIndex((l) => (JSON.parse(l) as { type: string }).type === 'credentials')).join('\n') + '\n');
    // A voter list with an address that is none (a header smuggled in): named, nothing sent.
    writeFileSync(e.at('authority/bad-voters.csv'), 'voter,email\nalice,alice@example.org\nboris,"boris@example.org\r\nBcc: all@example.org"\nchloe,chloe@example.org\ndmytro,dmytro@example.org\nerin,erin@example.org\n');
    const refused = async (extra: string[], ...why: RegExp[]) => {
      const r = await veche(mailArgs([...extra, '--status', 'altered-status.jsonl']), { cwd: e.work });
      assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stdout}${r.stderr}`);
      for (const w of why) assert.match(r.stderr, w);
    };
    // Independent runs, side by side.
    await Promise.all([
      refused(['--private', 'authority/altered.csv'], /the private list does not match the record, nothing sent/, /voter "alice": the credential is not on the record's list/),
      refused(['--private', 'authority/weight.csv'], /voter "boris": weight 1 here, 2 on the record/),
      refused(['--record', 'tampered.jsonl'], /refused: the record does not verify/),
      refused(['--record', 'before-list.jsonl'], /the record holds no credential list yet/),
      refused(['--voters', 'authority/bad-voters.csv'], /line 3: "boris@example\.org\r\nBcc: all@example\.org" is not an e-mail address/),
    ]);
    // A dry run checks the same, shows one mail with its credential masked, and sends nothing.
    const dry = await veche(['credentials', 'mail', '--record', 'record.jsonl', '--private', 'authority/credentials.private.csv', '--base-url', BASE, '--dry-run', '--status', 'altered-status.jsonl'], { cwd: e.work });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /would mail boris@example\.org \(ru\)/);
    assert.match(dry.stdout, /5 mail\(s\) would be sent \(dry run: nothing sent\)/);
    for (const c of e.credentials.values()) assert.ok(!dry.stdout.includes(c), 'no credential on the console');
    assert.ok(dry.stdout.includes(`${e.credentials.get('alice')!.slice(0, 5)}-•••••-•••••-•••••-•••••`));
    assert.equal(smtp.received.length, 0);
    assert.ok(!existsSync(e.at('altered-status.jsonl')), 'no status file for a refused run or a dry run');
  });

  test('each voter gets their own link and credential, in their language; a refused recipient is "refused" and the others are sent', async () => {
    smtp.refuse.add('chloe@example.org');
    const r = await mail();
    assert.equal(r.code, 1, 'exit 1: a mail was refused');
    assert.match(r.stdout, /4 sent, 0 re-sent, 1 refused, 0 failed, 0 skipped/);
    const status = statusOf(e.at('authority/mail-status.jsonl'));
    assert.equal(status.header.election, e.electionHash);
    assert.equal(status.latest.get('chloe')!.status, 'refused');
    assert.match(status.latest.get('chloe')!.reply!, /550/);
    for (const id of ['alice', 'boris', 'dmytro', 'erin']) assert.equal(status.latest.get(id)!.status, 'sent');
    assert.equal(statSync(e.at('authority/mail-status.jsonl')).mode & 0o777, 0o600);
    // The status file never holds a credential.
    const statusText = readFileSync(e.at('authority/mail-status.jsonl'), 'utf8');
    for (const c of e.credentials.values()) assert.ok(!statusText.includes(c));

    assert.deepEqual(smtp.received.map((m) => m.to).sort(), ['alice', 'boris', 'dmytro', 'erin'].map(EMAIL));
    const fingerprint = electionFingerprint(e.electionHash);
    for (const { to, mail: m } of smtp.received) {
      const id = to.split('@')[0]!;
      const got = readMail(m.text!);
      assert.equal(got.credential, e.credentials.get(id), `${id} gets their own credential`);
      assert.equal(got.link, `${BASE}/vote/${e.manifest.id}#credential=${e.credentials.get(id)}`);
      assert.equal(got.fingerprint, fingerprint);
      for (const [other, c] of e.credentials) if (other !== id) assert.ok(!m.text!.includes(c), `${id}'s mail holds no other credential`);
      assert.equal(m.from!.value[0]!.address, 'ca@example.org');
      assert.ok(m.subject!.includes(e.manifest.title));
      assert.equal(m.headers.get('auto-submitted'), 'auto-generated');
    }
    const boris = smtp.received.find((m) => m.to === EMAIL('boris'))!.mail;
    assert.equal(boris.to && !Array.isArray(boris.to) ? boris.to.value[0]!.name : '', 'Борис Петров');
    assert.match(boris.subject!, /ваша ссылка и ключ для голосования/);
    assert.match(boris.text!, /Здравствуйте, Борис Петров!/);
    assert.match(boris.text!, /В бюллетене 4 вопроса\./, 'Russian plural of 4 (few)');
    assert.match(boris.text!, /с весом 2 голоса\./, 'weight 2, few');
    const dmytro = smtp.received.find((m) => m.to === EMAIL('dmytro'))!.mail;
    assert.match(dmytro.text!, /Ваш ключ виборця/);
    assert.doesNotMatch(dmytro.text!, /весом|weight/, 'weight 1 is not mentioned');
    const alice = smtp.received.find((m) => m.to === EMAIL('alice'))!.mail;
    assert.match(alice.text!, /The ballot has 4 questions\./);
    // No language column: the election's first language (en).
    assert.match(smtp.received.find((m) => m.to === EMAIL('erin'))!.mail.text!, /^Dear Erin O'Neil, jr\.,$/m);
  });

  test('a credential from a mail votes: veche vote with it, and the board accepts the ballot', async () => {
    const { credential } = readMail(smtp.received.find((m) => m.to === EMAIL('alice'))!.mail.text!);
    writeFileSync(e.at('choices.json'), JSON.stringify(compactChoices(1)));
    const vote = await veche(['vote', '--record', 'record.jsonl', '--credential', credential, '--choices', 'choices.json', '--out', 'ballot.json'], { cwd: e.work });
    assert.equal(vote.code, 0, vote.stderr);
    assert.match(vote.stdout, /tracking code: [0-9a-f]{64}/);
    const submitted = await veche(['board', 'submit', '--board', 'board', 'ballot.json'], { cwd: e.work });
    assert.equal(submitted.code, 0, submitted.stderr);
    await e.run(['board', 'export', '--board', 'board', '--out', 'record.jsonl']);
    const ballots = readFileSync(e.at('record.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; payload: { credential?: string } }).filter((x) => x.type === 'ballot');
    assert.deepEqual(ballots.map((b) => b.payload.credential), [credentialKeys(e.electionHash, credential).key]);
  });

  test('a re-run sends nobody twice; the refused voter gets the mail once their address is corrected (re-sent)', async () => {
    const before = smtp.received.length;
    const again = await mail();
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /0 sent, 0 re-sent, 0 refused, 0 failed, 5 skipped/);
    assert.match(again.stdout, /chloe@example\.org: refused at .*550/);
    assert.equal(smtp.received.length, before);
    smtp.refuse.clear();
    writeFileSync(e.at('authority/corrected.csv'), 'voter,email\nalice,alice@example.org\nboris,boris@example.org\nchloe,chloe.dubois@example.org\ndmytro,dmytro@example.org\nerin,erin@example.org\n');
    const fixed = await mail(['--voters', 'authority/corrected.csv']);
    assert.equal(fixed.code, 0, fixed.stdout);
    assert.match(fixed.stdout, /0 sent, 1 re-sent, 0 refused, 0 failed, 4 skipped/);
    assert.deepEqual(smtp.received.slice(before).map((m) => m.to), ['chloe.dubois@example.org']);
    const m = smtp.received.at(-1)!.mail;
    assert.equal(readMail(m.text!).credential, e.credentials.get('chloe'));
    assert.match(m.text!, /Votre code d’accès/, 'the private list\'s language column stays');
    assert.equal(statusOf(e.at('authority/mail-status.jsonl')).latest.get('chloe')!.status, 're-sent');
  });

  test('a bounce marked by the authority, by address or from a saved bounce notice; --resend --only sends that voter again', async () => {
    const marked = await veche(['credentials', 'bounced', '--status', 'authority/mail-status.jsonl', 'erin@example.org'], { cwd: e.work });
    assert.equal(marked.code, 0, marked.stderr);
    assert.equal(statusOf(e.at('authority/mail-status.jsonl')).latest.get('erin')!.status, 'bounced');
    const before = smtp.received.length;
    const skip = await mail();
    assert.equal(skip.code, 0, skip.stdout + skip.stderr);
    assert.match(skip.stdout, /erin@example\.org: bounced at/);
    assert.equal(smtp.received.length, before);
    const resent = await mail(['--resend', '--only', 'erin']);
    assert.equal(resent.code, 0, resent.stdout + resent.stderr);
    assert.deepEqual(smtp.received.slice(before).map((m) => m.to), ['erin@example.org']);
    assert.equal(statusOf(e.at('authority/mail-status.jsonl')).latest.get('erin')!.status, 're-sent');
    // A bounce notice saved from the sender's mailbox (RFC 3464): its failed recipient is marked, the delayed one is not.
    writeFileSync(e.at('bounce.eml'), [
      'From: MAILER-DAEMON@mail.example.org', 'To: ca@example.org', 'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"', '',
      '--b1', 'Content-Type: text/plain', '', 'I\'m sorry to have to inform you that your message could not be delivered.', '',
      '--b1', 'Content-Type: message/delivery-status', '',
      'Reporting-MTA: dns; mail.example.org', 'Arrival-Date: Tue, 1 Dec 2026 10:00:00 +0000', '',
      'Final-Recipient: rfc822; dmytro@example.org', 'Original-Recipient: rfc822;dmytro@example.org', 'Action: failed', 'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <dmytro@example.org>:', ' Recipient address rejected: User unknown', '',
      'Final-Recipient: rfc822; boris@example.org', 'Action: delayed', 'Status: 4.4.1', '',
      '--b1--', '',
    ].join('\r\n'));
    const fromNotice = await veche(['credentials', 'bounced', '--status', 'authority/mail-status.jsonl', 'bounce.eml'], { cwd: e.work });
    assert.equal(fromNotice.code, 0, fromNotice.stderr);
    assert.match(fromNotice.stdout, /^1 voter\(s\) marked bounced$/m);
    const latest = statusOf(e.at('authority/mail-status.jsonl')).latest;
    assert.equal(latest.get('dmytro')!.status, 'bounced');
    assert.equal(latest.get('boris')!.status, 'sent');
    const unknown = await veche(['credentials', 'bounced', '--status', 'authority/mail-status.jsonl', 'nobody@example.org'], { cwd: e.work });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stdout, /no mail was sent to nobody@example\.org/);
  });

  test('a run killed (SIGKILL) in the middle of a mail, then run again: each voter gets exactly one mail', async () => {
    const before = smtp.received.length;
    const status = 'authority/crash-status.jsonl';
    // The third mail is never answered: the sender is killed while it waits, so that mail is not accepted.
    let child: ReturnType<typeof spawn> | null = null;
    let offered = 0;
    smtp.beforeAccept = () => {
      if (++offered !== 3) return true;
      child!.kill('SIGKILL');
      return false;
    };
    child = spawn(process.execPath, [vecheBin, ...mailArgs(['--status', status])], { cwd: e.work, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child!.on('exit', () => resolve()));
    await exited;
    smtp.beforeAccept = null;
    const firstRun = smtp.received.slice(before).map((m) => m.to);
    assert.equal(firstRun.length, 2, 'two mails accepted before the kill');
    const after = statusOf(e.at(status));
    assert.equal([...after.latest.values()].filter((x) => x.status === 'sent').length, 2);
    assert.equal([...after.latest.values()].filter((x) => x.status === 'sending').length, 1, 'the interrupted one is on disk as sending');
    const rerun = await mail(['--status', status]);
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    assert.match(rerun.stdout, /3 sent, 0 re-sent, 0 refused, 0 failed, 2 skipped/);
    const all = smtp.received.slice(before).map((m) => m.to).sort();
    const expected = ['alice', 'boris', 'dmytro', 'erin'].map(EMAIL).concat('chloe@example.org').sort();
    assert.deepEqual(all, expected, 'each voter exactly once, nobody twice');
    for (const x of statusOf(e.at(status)).latest.values()) assert.equal(x.status, 'sent');
  });
  test('a temporary refusal (451) is "failed" and the next run sends it; nobody else twice', async () => {
    const before = smtp.received.length;
    const status = 'authority/defer-status.jsonl';
    smtp.defer.add(EMAIL('boris'));
    const first = await mail(['--status', status, '--only', 'alice', '--only', 'boris']);
    assert.equal(first.code, 1, first.stdout + first.stderr);
    assert.match(first.stdout, /failed +boris@example\.org: 451 4\.7\.1 greylisted/);
    assert.equal(statusOf(e.at(status)).latest.get('boris')!.status, 'failed');
    smtp.defer.clear();
    const second = await mail(['--status', status, '--only', 'alice', '--only', 'boris']);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /1 sent, 0 re-sent, 0 refused, 0 failed, 1 skipped/);
    assert.deepEqual(smtp.received.slice(before).map((m) => m.to), [EMAIL('alice'), EMAIL('boris')]);
  });

  test('the SMTP server is checked first: a wrong password, or no STARTTLS off this machine, stops the run before any voter is marked', async () => {
    // 127.0.0.2 is loopback to the kernel but not "this machine" to the sender: plain SMTP there needs STARTTLS.
    const far = await startSmtp('127.0.0.2');
    try {
      const [wrong, plain] = await Promise.all([
        mail(['--smtp', smtp.url.replace(':secret@', ':wrong@'), '--status', 'authority/login-status.jsonl']),
        mail(['--smtp', far.url, '--status', 'authority/far-status.jsonl']),
      ]);
      assert.equal(wrong.code, 2);
      assert.match(wrong.stderr, /cannot use the SMTP server smtp:\/\/veche:\*\*\*@127\.0\.0\.1:\d+\/?: .*Invalid username or password/);
      assert.doesNotMatch(wrong.stderr + wrong.stdout, /wrong/, 'the password is not printed');
      assert.equal(plain.code, 2);
      assert.match(plain.stderr, /cannot use the SMTP server .*STARTTLS/i);
      assert.equal(far.received.length, 0);
      const allowed = await mail(['--smtp', far.url, '--status', 'authority/far-status.jsonl', '--allow-plaintext', '--only', 'alice']);
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.deepEqual(far.received.map((m) => m.to), [EMAIL('alice')]);
    } finally { await far.close(); }
    assert.ok(!existsSync(e.at('authority/login-status.jsonl')));
  });

  test('throttled: at --rate 5/s the mails arrive at least 200 ms apart', async () => {
    const before = smtp.received.length;
    const r = await mail(['--rate', '5/s', '--status', 'authority/throttle-status.jsonl', '--only', 'alice', '--only', 'boris', '--only', 'dmytro']);
    assert.equal(r.code, 0, r.stderr);
    const times = smtp.received.slice(before).map((m) => m.at);
    assert.equal(times.length, 3);
    // A lower bound only: a slow machine makes the gaps longer, never shorter.
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 190, `gap ${times[i]! - times[i - 1]!} ms`);
  });
});

describe('veche credentials remind', () => {
  test('mails only the voters whose credential has no ballot on the verified record', async () => {
    // alice voted (test above); boris votes now.
    const boris = e.credentials.get('boris')!;
    writeFileSync(e.at('choices2.json'), JSON.stringify(compactChoices(2)));
    await e.run(['vote', '--record', 'record.jsonl', '--credential', boris, '--choices', 'choices2.json', '--out', 'ballot2.json']);
    await e.run(['board', 'submit', '--board', 'board', 'ballot2.json']);
    await e.run(['board', 'export', '--board', 'board', '--out', 'record.jsonl']);
    // The record as the server serves it, over real HTTP (the authority's tool fetches and verifies it).
    const http = createServer((req, res) => {
      if (req.url !== '/api/elections/x/record') { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(readFileSync(e.at('record.jsonl')));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    after(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const recordUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/elections/x/record`;
    const missing = await veche(['credentials', 'remind', '--record', recordUrl.replace('/x/', '/y/'), '--private', 'authority/credentials.private.csv', '--base-url', BASE, '--smtp', smtp.url, '--from', 'ca@example.org'], { cwd: e.work });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot fetch the record .*404/);
    const before = smtp.received.length;
    const args = ['credentials', 'remind', '--record', recordUrl, '--private', 'authority/credentials.private.csv', '--base-url', BASE, '--smtp', smtp.url, '--from', 'ca@example.org', '--rate', '1000/s', '--status', 'authority/remind.jsonl'];
    const r = await veche(args, { cwd: e.work });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /2 voter\(s\) have voted, 3 not yet/);
    const reminded = smtp.received.slice(before);
    assert.deepEqual(reminded.map((m) => m.to).sort(), ['chloe', 'dmytro', 'erin'].map(EMAIL));
    for (const { to, mail: m } of reminded) {
      const id = to.split('@')[0]!;
      assert.equal(readMail(m.text!).credential, e.credentials.get(id));
    }
    assert.match(reminded.find((m) => m.to === EMAIL('dmytro'))!.mail.subject!, /^Нагадування: /);
    assert.match(reminded.find((m) => m.to === EMAIL('erin'))!.mail.subject!, /^Reminder: .*you have not voted yet/);
    // Run again the same day with the same status: nobody is reminded twice.
    const again = await veche(args, { cwd: e.work });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /0 sent, 0 re-sent, 0 refused, 0 failed, 3 skipped/);
    assert.equal(smtp.received.length, before + 3);
    // A record that does not verify is refused; so is one whose poll is closed.
    writeFileSync(e.at('tampered2.jsonl'), readFileSync(e.at('record.jsonl'), 'utf8').replace('Co-op council 2027', 'Co-op council 2028'));
    const tampered = await veche([...args.slice(0, 3), 'tampered2.jsonl', ...args.slice(4)], { cwd: e.work });
    assert.equal(tampered.code, 2);
    assert.match(tampered.stderr, /the record does not verify/);
    await e.run(['board', 'close', '--board', 'board']);
    await e.run(['board', 'export', '--board', 'board', '--out', 'closed.jsonl']);
    const closed = await veche([...args.slice(0, 3), 'closed.jsonl', ...args.slice(4)], { cwd: e.work });
    assert.equal(closed.code, 2);
    assert.match(closed.stderr, /the poll has closed/);
    assert.equal(smtp.received.length, before + 3);
  });
});
