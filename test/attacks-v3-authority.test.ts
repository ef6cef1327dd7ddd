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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { BoardError } from '../src/board/board.js';
import { signRevocation } from '../src/credentials/authority.js';
import { ballotOf, compactChoices, createWithKeys, publishVoters, recordEvents as boardEvents, rolesOf } from './helpers/election.js';

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

  it('admin: re-issues a bounced credential while its holder casts (both at once) → the ballot counted and the re-issue refused already-voted, or the credential revoked and the ballot refused; never a receipt revoked', async () => {
    const marked = await ok(server.url, 'POST', `/api/elections/${id}/server-authority/bounced`, { ...admin(), json: { addresses: ['boris@example.org'] } });
    assert.deepEqual(marked.marked.map((m: { voter: string }) => m.voter), ['boris']);
    const [genesis] = await recordEvents(server.url, id, 'election');
    const { manifest } = genesis!.payload as PayloadByType['election'];
    const election = await ok(server.url, 'GET', `/api/elections/${id}`);
    const groups = selectionGroups(manifest);
    const keys = credentialKeys(election.electionHash, credentialOf('boris@example.org'));
    const { ballot } = encryptBallot(election.electionHash, decodePublicKey(election.jointKey), groups, simpleSelections(groups, 1), keys);
    const [cast, reissue] = await Promise.all([
      call(server.url, 'POST', `/api/elections/${id}/ballots`, { json: ballot }),
      call(server.url, 'POST', `/api/elections/${id}/server-authority/bounced/address`, { ...admin(), json: { voter: 'boris', email: 'boris@new.example.org' } }),
    ]);
    const revoked = (await recordEvents(server.url, id, 'credential-revoked')).filter((e) => (e.payload as { key: string }).key === keys.key);
    const boris = (await voters()).find((v) => v.voter === 'boris')!;
    if (cast.status === 200) {
      assert.deepEqual([reissue.status, reissue.body?.error], [409, 'already-voted'], reissue.text);
      assert.deepEqual(revoked, [], 'the receipted ballot\'s credential is not revoked');
      assert.equal(boris.email, 'boris@example.org', 'the address unchanged');
    } else {
      assert.equal(reissue.status, 200, reissue.text);
      assert.deepEqual([cast.status, cast.body?.error], [409, 'revoked-credential'], cast.text);
      assert.equal(revoked.length, 1);
      assert.ok(revoked[0]!.seq > 0);
      assert.equal(boris.email, 'boris@new.example.org');
    }
  });
});

describe('attacks v3: the board\'s revocation unless voted (a bounce re-issue\'s check and revocation in one exclusive section)', () => {
  it('a credential whose ballot has its receipt → already-voted, nothing appended; a ballot and such a revocation raced ten times: exactly one of them taken each time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veche-v3-unless-voted-'));
    const store = new SqliteStore(join(dir, 'board.sqlite'));
    try {
      const { board } = await createWithKeys(store);
      const voters = await publishVoters(board, 11);
      await board.openPoll();
      const authority = rolesOf(board.current.manifest).authority.signing;
      const revocation = (key: string) => signRevocation(board.current.electionHash, key, 'credential mail bounced; re-issued to a corrected address', authority);
      const first = voters[0]!;
      await board.castBallot(ballotOf(board, first, compactChoices(0)).ballot);
      const head = board.current.headSeq;
      await assert.rejects(board.revokeCredential(revocation(first.keys.key), { unlessVoted: true }), (e: unknown) => e instanceof BoardError && e.code === 'already-voted');
      assert.equal(board.current.headSeq, head, 'nothing appended');
      for (const v of voters.slice(1)) {
        const [cast, revoked] = await Promise.allSettled([board.castBallot(ballotOf(board, v, compactChoices(1)).ballot), board.revokeCredential(revocation(v.keys.key), { unlessVoted: true })]);
        assert.notEqual(cast.status, revoked.status, `${v.id}: one of the ballot and the revocation, never both`);
        const refused = (cast.status === 'rejected' ? cast.reason : (revoked as PromiseRejectedResult).reason) as BoardError;
        assert.equal(refused.code, cast.status === 'rejected' ? 'revoked-credential' : 'already-voted');
      }
      const events = await boardEvents(board);
      const cast = new Set(events.filter((e) => e.type === 'ballot').map((e) => (e.payload as { credential: string }).credential));
      for (const e of events.filter((x) => x.type === 'credential-revoked')) assert.ok(!cast.has((e.payload as { key: string }).key), 'no credential with a ballot is revoked');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
