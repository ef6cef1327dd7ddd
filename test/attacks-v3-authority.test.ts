// Red team of the server authority's bounce routes (spec §6.5), one role alone: the admin. Over HTTP
// against the server as `npm start` runs it and a real SMTP server. A voter whose credential mail
// arrived has voted (a receipted ballot); the admin says the mail bounced and re-issues the credential
// to an address of the admin's choosing: that would revoke the voter's receipted ballot and hand the
// admin a credential in the voter's place. The server refuses it (already-voted) and changes nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningServer } from '../src/server/run.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { selectionGroups } from '../src/manifest/layout.js';
import type { PayloadByType } from '../src/record/events.js';
import { call, ok, recordEvents } from './helpers/server.js';
import { simpleSelections } from './helpers/election-fixture.js';
import { readMail, type TestSmtp } from './credentials-fixture.js';
import { keyCeremony, serverManifest, startMailingServer } from './server-authority-fixture.js';

interface VoterRow { voter: string; email: string; mail: string | null; revoked: boolean; voted: boolean }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('attacks v3: the admin and the server authority\'s bounce routes (spec §6.5)', { timeout: 120_000 }, () => {
  let smtp: TestSmtp;
  let server: RunningServer;
  const id = 'v3-bounce';
  const admin = () => ({ token: server.adminToken! });
  const voters = async (): Promise<VoterRow[]> => (await ok(server.url, 'GET', `/api/elections/${id}/server-authority/voters`, admin())).voters;
  const credentialOf = (to: string) => smtp.received.filter((m) => m.to === to).map((m) => m.mail.text ?? '').filter((t) => /#credential=/.test(t)).map(readMail)[0]!.credential;
  async function until(what: string, done: () => Promise<boolean>): Promise<void> {
    for (const end = Date.now() + 30_000; Date.now() < end; await sleep(25)) if (await done()) return;
    throw new Error(`waited in vain for ${what}`);
  }

  before(async () => {
    ({ smtp, server } = await startMailingServer('veche-v3-bounce-'));
    const created = await ok(server.url, 'POST', '/api/elections', { ...admin(), json: serverManifest(id) });
    await keyCeremony(server.url, id, created.trusteeTokens);
    await ok(server.url, 'PUT', `/api/elections/${id}/server-authority/voters`, { ...admin(), json: { csv: 'voter,name,email\nanna,Anna Schmidt,anna@example.org\nboris,Boris Becker,boris@example.org\n' } });
    await ok(server.url, 'POST', `/api/elections/${id}/open`, admin());
    await until('two credential mails sent', async () => (await voters()).every((v) => v.mail === 'sent'));
  });
  after(async () => { await server?.close(); await smtp?.close(); });

  it('admin: marks a voter who has voted as bounced and re-issues to an address of its own → refused already-voted; the ballot stays counted, nothing revoked, the address unchanged', async () => {
    // Anna votes with the credential her mail brought, and keeps the receipt.
    const [genesis] = await recordEvents(server.url, id, 'election');
    const { manifest } = genesis!.payload as PayloadByType['election'];
    const election = await ok(server.url, 'GET', `/api/elections/${id}`);
    const groups = selectionGroups(manifest);
    const keys = credentialKeys(election.electionHash, credentialOf('anna@example.org'));
    const { ballot } = encryptBallot(election.electionHash, decodePublicKey(election.jointKey), groups, simpleSelections(groups, 0), keys);
    const { receipt } = await ok(server.url, 'POST', `/api/elections/${id}/ballots`, { json: ballot });
    assert.ok(receipt.seq > 0);
    await until('anna shown as voted', async () => (await voters()).find((v) => v.voter === 'anna')!.voted);

    // The admin says her mail came back (nothing on the board changes by that alone) ...
    const marked = await ok(server.url, 'POST', `/api/elections/${id}/server-authority/bounced`, { ...admin(), json: { addresses: ['anna@example.org'] } });
    assert.deepEqual(marked.marked.map((m: { voter: string }) => m.voter), ['anna']);
    // ... and re-issues it to an address the admin reads.
    const r = await call(server.url, 'POST', `/api/elections/${id}/server-authority/bounced/address`, { ...admin(), json: { voter: 'anna', email: 'mallory@example.net' } });
    assert.deepEqual([r.status, r.body?.error], [409, 'already-voted'], r.text);
    assert.match(r.body.message, /has voted/);
    assert.deepEqual(await recordEvents(server.url, id, 'credential-revoked'), [], 'no credential revoked');
    assert.deepEqual(await recordEvents(server.url, id, 'credentials-added'), [], 'no credential added');
    const anna = (await voters()).find((v) => v.voter === 'anna')!;
    assert.equal(anna.email, 'anna@example.org', 'the address unchanged');
    assert.equal(anna.revoked, false);
    assert.equal(smtp.received.filter((m) => m.to === 'mallory@example.net').length, 0, 'nothing mailed to the admin\'s address');
  });
});
