// From the walkthrough (issue 11, point 9): the public board marks ballots that no longer count (replaced
// by a later ballot of the same credential, or of a revoked credential), and a returning voter's booth
// can ask when its credential last voted. Against a real server on SQLite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { signRevocation } from '../src/credentials/authority.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { tinyManifest } from './helpers/election-fixture.js';
import { rolesOf } from './helpers/election.js';
import { call, ok, openElectionOverHttp, startServer } from './helpers/server.js';

test('board: superseded and revoked ballots are marked; the last ballot of a credential can be looked up', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'veche-marks-'));
  const store = new SqliteStore(join(dir, 'veche.sqlite'));
  const server = await startServer(store);
  t.after(async () => { await server.close(); await store.close(); rmSync(dir, { recursive: true, force: true }); });
  const manifest = tinyManifest('marks');
  const el = await openElectionOverHttp(server, manifest, 3);
  const keys = el.credentials.map((c) => credentialKeys(el.electionHash, c.credential));
  const cast = async (voter: number, candidate: string) => {
    const enc = encryptBallot(el.electionHash, decodePublicKey(el.jointKey), selectionGroups(manifest), encodeChoices(manifest, { chair: { type: 'choice', candidate } }), keys[voter]!);
    return (await ok(server.base, 'POST', '/api/elections/marks/ballots', { json: enc.ballot })).receipt as { seq: number; trackingCode: string };
  };
  const first = await cast(0, 'a');
  const other = await cast(1, 'b');
  const lost = await cast(2, 'a');
  const second = await cast(0, 'b');
  await ok(server.base, 'POST', '/api/elections/marks/revoke', {
    token: el.authorityToken,
    json: signRevocation(el.electionHash, keys[2]!.key, 'lost', rolesOf(manifest).authority.signing),
  });

  const rows = (await ok(server.base, 'GET', '/api/elections/marks/board?from=0&limit=100')).events as { seq: number; type: string; superseded?: boolean; revoked?: boolean }[];
  const row = (seq: number) => rows.find((r) => r.seq === seq)!;
  assert.equal(row(first.seq).superseded, true, 'the re-voter\'s first ballot is marked');
  assert.equal(row(second.seq).superseded, undefined);
  assert.equal(row(other.seq).superseded, undefined);
  assert.equal(row(other.seq).revoked, undefined);
  assert.equal(row(lost.seq).revoked, true, 'a revoked credential\'s ballot is marked');
  assert.ok(rows.filter((r) => r.type !== 'ballot').every((r) => r.superseded === undefined && r.revoked === undefined));

  const last = await ok(server.base, 'GET', `/api/elections/marks/voters/${keys[0]!.key}/last-ballot`);
  assert.equal(last.seq, second.seq);
  assert.match(last.time, /^\d{4}-\d\d-\d\dT/);
  const never = credentialKeys(el.electionHash, el.credentials[1]!.credential);
  assert.equal((await ok(server.base, 'GET', `/api/elections/marks/voters/${never.key}/last-ballot`)).seq, other.seq);
  const stranger = await call(server.base, 'GET', `/api/elections/marks/voters/${'A'.repeat(43)}/last-ballot`);
  assert.equal(stranger.status, 404);
  assert.equal(stranger.body.error, 'no-ballot');
  const malformed = await call(server.base, 'GET', '/api/elections/marks/voters/not-a-key/last-ballot');
  assert.equal(malformed.status, 400);
});
