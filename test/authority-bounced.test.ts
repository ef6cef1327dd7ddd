// Credential mails that came back, where the server is the credential authority (spec §6.5), over HTTP
// against the server as `npm start` runs it and a real SMTP server (smtp-server on loopback, every mail
// parsed back with mailparser). What each party could try: a forged token, a trustee's token, an
// address nobody was mailed at, a notice that is no bounce, a delayed delivery, a re-issue for a voter
// whose mail did not bounce or to another voter's address: refused or reported, and nothing changes.
// A bounce notice in Postfix's layout (and an mbox of two) marks its failed recipient; the corrected
// address gets a new credential, the old one is revoked on the board.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningServer } from '../src/server/run.js';
import { failedRecipients } from '../src/credentials/mail-status.js';
import { call, ok, recordEvents } from './helpers/server.js';
import { readMail, type TestSmtp } from './credentials-fixture.js';
import { keyCeremony, serverManifest, startMailingServer } from './server-authority-fixture.js';
import { mbox, postfixBounce } from './authority-bounced-fixture.js';

interface VoterRow { voter: string; email: string; mail: string | null; revoked: boolean; reply: string | null }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bounced credential mails on the server (spec §6.5)', { timeout: 120_000 }, () => {
  let smtp: TestSmtp;
  let server: RunningServer;
  let trusteeToken = '';
  const id = 'sa-bounced';
  const admin = () => ({ token: server.adminToken! });
  const voters = async (): Promise<VoterRow[]> => (await ok(server.url, 'GET', `/api/elections/${id}/server-authority/voters`, admin())).voters;
  const statusOf = async (voter: string) => (await voters()).find((v) => v.voter === voter)!.mail;
  const bounced = (json: unknown, token: string | null = server.adminToken!) => call(server.url, 'POST', `/api/elections/${id}/server-authority/bounced`, { ...(token === null ? {} : { token }), json });
  const readdress = (json: unknown, token: string | null = server.adminToken!) => call(server.url, 'POST', `/api/elections/${id}/server-authority/bounced/address`, { ...(token === null ? {} : { token }), json });
  const mailsTo = (to: string) => smtp.received.filter((m) => m.to === to);
  /** The credential mails to `to`, read as the voter would (the poll's announcement carries no credential). */
  const credentialMails = (to: string) => mailsTo(to).map((m) => m.mail.text ?? '').filter((text) => /#credential=/.test(text)).map(readMail);
  async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
    for (const end = Date.now() + 30_000; Date.now() < end; await sleep(25)) if (await done()) return;
    throw new Error(`waited in vain for ${what}`);
  }

  before(async () => {
    ({ smtp, server } = await startMailingServer('veche-bounced-'));
    const created = await ok(server.url, 'POST', '/api/elections', { ...admin(), json: serverManifest(id) });
    trusteeToken = Object.values(created.trusteeTokens as Record<string, string>)[0]!;
    await keyCeremony(server.url, id, created.trusteeTokens);
    await ok(server.url, 'PUT', `/api/elections/${id}/server-authority/voters`, { ...admin(), json: { csv: 'voter,name,email\nanna,Anna Schmidt,anna@example.org\nboris,Boris Becker,boris@example.org\nchloe,Chloé Dubois,chloe@example.org\n' } });
    await ok(server.url, 'POST', `/api/elections/${id}/open`, admin());
    await until('three credential mails sent', async () => (await voters()).every((v) => v.mail === 'sent'));
  });
  after(async () => { await server?.close(); await smtp?.close(); });

  it('the parser reads the Postfix notice and the mbox: the failed recipients only, not the delayed, not the returned headers', () => {
    assert.deepEqual(failedRecipients(postfixBounce(['anna@example.org'], ['boris@example.org'])), ['anna@example.org']);
    assert.deepEqual(failedRecipients(mbox(postfixBounce(['Anna@Example.org']), postfixBounce(['x@example.org'], ['chloe@example.org']))), ['anna@example.org', 'x@example.org']);
  });

  it('a hostile notice (a Final-Recipient of a million @) is read in linear time, and names nobody', () => {
    // With a local part that could hold '@' the match backtracked quadratically: 8,000 '@' took 1.5 s, a
    // million would hold the server (or the authority's CLI) for days. A notice comes from outside.
    const line = `Final-Recipient: rfc822; a${'@'.repeat(1_000_000)} x`;
    assert.deepEqual(failedRecipients(`${line}\nAction: failed\n`), []);
    // The same line well-formed after the hostile part is still read.
    assert.deepEqual(failedRecipients(`${line}\nAction: failed\n\nFinal-Recipient: rfc822; <Boris@example.org>\nAction: failed\n`), ['boris@example.org']);
  });

  it('a forged token, no token, or a trustee\'s token marks nothing', async () => {
    const before = await voters();
    for (const [token, status] of [[null, 401], ['va1.forged-token-forged-token-forged', 401], [`vc1.${id}.forged-authority-token-0000000000`, 401], [trusteeToken, 403]] as const) {
      const r = await bounced({ addresses: ['anna@example.org'] }, token);
      assert.equal(r.status, status, `${token}: ${r.text}`);
      const again = await readdress({ voter: 'anna', email: 'anna@new.example' }, token);
      assert.equal(again.status, status, `${token}: ${again.text}`);
    }
    assert.deepEqual(await voters(), before);
  });

  it('malformed input is refused with a clear error and changes nothing', async () => {
    const before = await voters();
    const cases: [unknown, string, RegExp][] = [
      [{ addresses: ['anna@example.org', 'not an address'] }, 'bad-address', /not an e-mail address: "not an address"/],
      [{ addresses: ['anna@example.org'], notice: postfixBounce(['anna@example.org']) }, 'bad-bounce', /either "addresses".*or "notice"/],
      [{}, 'bad-bounce', /either/],
      [{ notice: 'From: anna@example.org\r\nSubject: thanks\r\n\r\nGot it, thanks!\r\n' }, 'not-a-bounce', /not an RFC 3464 delivery status notification/],
      [{ notice: postfixBounce([], ['anna@example.org']) }, 'not-a-bounce', /no failed delivery/],
    ];
    for (const [json, code, message] of cases) {
      const r = await bounced(json);
      assert.deepEqual([r.status, r.body.error], [400, code], r.text);
      assert.match(r.body.message, message);
    }
    assert.equal((await bounced({ addresses: 'anna@example.org' })).status, 400, 'a string, not a list');
    assert.deepEqual(await voters(), before);
  });

  it('an address no credential mail went to is reported unknown and changes nothing', async () => {
    const before = await voters();
    const r = await ok(server.url, 'POST', `/api/elections/${id}/server-authority/bounced`, { ...admin(), json: { addresses: ['Nobody@Example.org'] } });
    assert.deepEqual(r, { marked: [], already: [], notSent: [], unknown: ['nobody@example.org'] });
    const notice = await ok(server.url, 'POST', `/api/elections/${id}/server-authority/bounced`, { ...admin(), json: { notice: postfixBounce(['stranger@example.org']) } });
    assert.deepEqual(notice.unknown, ['stranger@example.org']);
    assert.deepEqual(await voters(), before);
  });

  it('a bounce notice marks its failed recipient bounced; the delayed one and the unknown one are not', async () => {
    const r = await ok(server.url, 'POST', `/api/elections/${id}/server-authority/bounced`, { ...admin(), json: { notice: mbox(postfixBounce(['anna@example.org', 'stranger@example.org']), postfixBounce([], ['boris@example.org'])) } });
    assert.deepEqual(r, { marked: [{ voter: 'anna', name: 'Anna Schmidt', email: 'anna@example.org' }], already: [], notSent: [], unknown: ['stranger@example.org'] });
    const rows = await voters();
    assert.deepEqual(rows.map((v) => [v.voter, v.mail]), [['anna', 'bounced'], ['boris', 'sent'], ['chloe', 'sent']]);
    assert.match(rows[0]!.reply ?? '', /bounce notice/);
    // Again: already bounced, nothing new.
    const again = await ok(server.url, 'POST', `/api/elections/${id}/server-authority/bounced`, { ...admin(), json: { addresses: ['anna@example.org'] } });
    assert.deepEqual(again.already, ['anna@example.org']);
    assert.deepEqual(again.marked, []);
  });

  it('a reminder goes to the voters who have not voted, but not to an address that bounced', async () => {
    const reminders = (to: string) => mailsTo(to).filter((m) => /^Reminder:/.test(m.mail.subject ?? ''));
    assert.deepEqual(['anna', 'boris', 'chloe'].map((v) => reminders(`${v}@example.org`).length), [0, 0, 0]);
    const at = new Date(Date.now() + 1500).toISOString();
    await ok(server.url, 'PUT', `/api/elections/${id}/mail-settings`, { ...admin(), json: { reminders: [at], trustees: {} } });
    await until('the reminder to boris and chloe', () => reminders('boris@example.org').length === 1 && reminders('chloe@example.org').length === 1);
    // The round is done (every recipient has an outcome) before anna's could have been sent: none came.
    await sleep(500);
    assert.equal(reminders('anna@example.org').length, 0, 'no reminder to the address that bounced');
  });

  it('a re-issue to a corrected address is refused for a voter whose mail did not bounce, to another voter\'s address, to a bad one', async () => {
    const before = await voters();
    const cases: [unknown, number, string][] = [
      [{ voter: 'chloe', email: 'chloe@new.example' }, 409, 'not-bounced'],
      [{ voter: 'anna', email: 'boris@example.org' }, 409, 'duplicate'],
      [{ voter: 'anna', email: 'anna at new' }, 400, 'bad-address'],
      [{ voter: 'nobody', email: 'nobody@new.example' }, 404, 'unknown-voter'],
    ];
    for (const [json, status, code] of cases) {
      const r = await readdress(json);
      assert.deepEqual([r.status, r.body.error], [status, code], r.text);
    }
    assert.deepEqual(await voters(), before);
    assert.equal((await recordEvents(server.url, id, 'credential-revoked')).length, 0);
  });

  it('the bounced voter at a corrected address: the old credential revoked on the board, a new one mailed there', async () => {
    const [first] = credentialMails('anna@example.org');
    const before = mailsTo('anna@example.org').length;
    const r = await ok(server.url, 'POST', `/api/elections/${id}/server-authority/bounced/address`, { ...admin(), json: { voter: 'anna', email: ' Anna@New.Example ' } });
    assert.equal(r.email, 'anna@new.example');
    assert.ok(r.revokedSeq > 0 && r.reissuedSeq > r.revokedSeq, JSON.stringify(r));
    await until('the mail at the corrected address', () => credentialMails('anna@new.example').length === 1);
    const [second] = credentialMails('anna@new.example');
    assert.notEqual(second!.credential, first!.credential);
    assert.equal(second!.fingerprint, first!.fingerprint, 'the same election');
    assert.equal(mailsTo('anna@example.org').length, before, 'nothing more to the address that bounced');
    const [revoked] = await recordEvents(server.url, id, 'credential-revoked');
    assert.doesNotMatch(JSON.stringify(revoked!.payload), /anna/i, 'the public reason names nobody');
    await until('the status', async () => (await statusOf('anna')) === 'sent');
    const anna = (await voters()).find((v) => v.voter === 'anna')!;
    assert.equal(anna.email, 'anna@new.example');
    // Not bounced any more: a second re-issue this way is refused.
    assert.equal((await readdress({ voter: 'anna', email: 'anna@other.example' })).body.error, 'not-bounced');
  });
});
