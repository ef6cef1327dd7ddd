// A whole election over HTTP against a real server: the admin creates it and publishes the public
// credentials, the trustees run the key ceremony and decrypt through their own routes with their own
// tokens, voters cast ballots (one re-votes, one through `veche vote --server`), and the record the
// server hands out verifies, with the counts the voters chose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { verifyReceipt } from '../src/board/receipt.js';
import { credentialKeys, issueCredentials } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import type { Choices } from '../src/manifest/types.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { linesSource, verifyRecord } from '../src/verify/verifier.js';
import type { PayloadByType } from '../src/record/events.js';
import { smallManifest } from './helpers/election-fixture.js';
import { rolesOf, signedByTrustee } from './helpers/election.js';
import { signCredentialList } from '../src/credentials/authority.js';
import { testStores } from './helpers/stores.js';
import { call, keyCeremony, ok, openElectionOverHttp, recordEvents, startServer } from './helpers/server.js';
import { veche } from './helpers/cli.js';

const choice = (chair: string, projects: string[]): Choices => ({ chair: { type: 'choice', candidate: chair }, projects: { type: 'approval', options: projects } });

for (const factory of testStores()) {
  test(`server (${factory.name}): a whole election over HTTP`, async (t) => {
    const made = await factory.make('server-flow');
    if (!made) { t.skip(`${factory.name} unavailable`); return; }
    const server = await startServer(made.store);
    t.after(async () => { await server.close(); await made.dispose(); });
    const { base, adminToken } = server;
    const admin = { token: adminToken };

    // The admin creates the election; each trustee gets a token, shown once.
    const manifest = smallManifest('flow');
    const created = await ok(base, 'POST', '/api/elections', { ...admin, json: manifest });
    assert.equal(created.id, 'flow');
    assert.deepEqual(Object.keys(created.trusteeTokens).sort(), ['t1', 't2', 't3']);
    const list = await ok(base, 'GET', '/api/elections');
    assert.deepEqual(list, [{ id: 'flow', title: manifest.title, phase: 'setup', ballots: 0 }]);

    const secrets = await keyCeremony(base, 'flow', created.trusteeTokens);
    let info = await ok(base, 'GET', '/api/elections/flow');
    assert.equal(info.electionHash, created.electionHash);
    assert.ok(info.jointKey, 'the joint key is published once every trustee is ready');
    assert.ok(info.trustees.every((x: { keyPublished: boolean; sharesSent: boolean; ready: boolean }) => x.keyPublished && x.sharesSent && x.ready));

    // Credentials are made on the credential authority's machine; only keys and weights, signed, go to the server.
    const issued = issueCredentials(created.electionHash, ['v0', 'v1', 'v2', 'v3', 'v4'].map((id) => ({ id })));
    const signed = signCredentialList(created.electionHash, issued.public, rolesOf(manifest).authority.signing);
    assert.equal((await call(base, 'POST', '/api/elections/flow/credentials', { ...admin, json: signed })).status, 403, 'the admin cannot publish the list');
    const cred = await ok(base, 'POST', '/api/elections/flow/credentials', { token: created.authorityToken, json: signed });
    assert.equal(cred.eligible, 5);
    assert.equal((await ok(base, 'POST', '/api/elections/flow/open', admin)).phase, 'open');

    // Voters, on their own devices.
    const groups = selectionGroups(manifest);
    const publicKey = decodePublicKey(info.jointKey);
    const counts = groups.map((g) => g.optionIds.map(() => 0));
    const receipts: { trackingCode: string; seq: number }[] = [];
    const cast = async (voter: number, choices: Choices, final: boolean) => {
      const vector = encodeChoices(manifest, choices);
      const enc = encryptBallot(created.electionHash, publicKey, groups, vector, credentialKeys(created.electionHash, issued.private[voter]!.credential));
      const { receipt } = await ok(base, 'POST', '/api/elections/flow/ballots', { json: enc.ballot });
      assert.ok(verifyReceipt(receipt, info.boardKey), 'the receipt is signed by the board key of the election event');
      assert.equal(receipt.trackingCode, enc.trackingCode);
      receipts.push(receipt);
      if (final) vector.forEach((v, g) => v.forEach((x, i) => { counts[g]![i]! += x; }));
    };
    await cast(0, choice('a', ['p']), true);
    await cast(1, choice('b', ['q', 'r']), true);
    await cast(2, choice('c', []), false);
    await cast(2, choice('a', ['s']), true); // re-vote: only this one counts

    // Voter 3 votes with the CLI against the running server.
    const choicesFile = join(server.dataDir, 'choices.json');
    writeFileSync(choicesFile, JSON.stringify({ chair: 'b', projects: ['p', 'q'] }));
    const receiptFile = join(server.dataDir, 'receipt.json');
    const cli = await veche(['vote', '--server', base, '--election', 'flow', '--credential', issued.private[3]!.credential, '--choices', choicesFile, '--receipt', receiptFile]);
    assert.equal(cli.code, 0, cli.stderr);
    const code = /tracking code: ([0-9a-f]{64})/.exec(cli.stdout)?.[1];
    assert.ok(code, cli.stdout);
    encodeChoices(manifest, choice('b', ['p', 'q'])).forEach((v, g) => v.forEach((x, i) => { counts[g]![i]! += x; }));
    const onBoard = await ok(base, 'GET', `/api/elections/flow/ballots/${code}`);
    assert.equal(onBoard.trackingCode, code);
    // A credential that is not on the list: the CLI reports the board's refusal and fails.
    const stranger = await veche(['vote', '--server', base, '--election', 'flow', '--credential', issueCredentials(created.electionHash, [{ id: 'x' }]).private[0]!.credential, '--choices', choicesFile]);
    assert.equal(stranger.code, 1);
    assert.match(stranger.stderr, /not on the list of voters/);

    // Every receipt's ballot is on the board where the receipt says.
    for (const r of receipts) {
      const found = await ok(base, 'GET', `/api/elections/flow/ballots/${r.trackingCode}`);
      assert.equal(found.seq, r.seq);
    }
    const board = await ok(base, 'GET', '/api/elections/flow/board?from=0&limit=1000');
    assert.equal(board.events.filter((e: { type: string }) => e.type === 'ballot').length, 5);
    assert.equal(board.headSeq, board.events.at(-1).seq);
    assert.ok(board.events.filter((e: { type: string }) => e.type === 'ballot').every((e: { trackingCode?: string }) => /^[0-9a-f]{64}$/.test(e.trackingCode ?? '')));
    assert.deepEqual((await ok(base, 'GET', '/api/elections/flow/result')), { result: null, verified: null });

    assert.equal((await ok(base, 'POST', '/api/elections/flow/close', admin)).phase, 'closed');
    const tally = await ok(base, 'POST', '/api/elections/flow/tally', admin);
    assert.deepEqual(tally.tally, { ballots: 4, castWeight: 4, eligibleWeight: 5 });

    // Decryption by t1 and t3 (2 of 3). First a forged share from t2: refused, nothing written.
    const [tallyEvent] = await recordEvents(base, 'flow', 'tally');
    const sums = (tallyEvent!.payload as PayloadByType['tally']).sums;
    const before = (await call(base, 'GET', '/api/elections/flow/record')).text;
    const forged = makeDecryptionShare(secrets[1]!, sums);
    forged.shares[0]![0]!.D = forged.shares[0]![1]!.D;
    // Changed after t2 signed it: its signature fails; signed so by t2 itself: its proof fails.
    const bad = await call(base, 'POST', '/api/elections/flow/trustees/t2/decryption', { token: created.trusteeTokens.t2, json: forged });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error, 'bad-signature');
    const badProof = await call(base, 'POST', '/api/elections/flow/trustees/t2/decryption', { token: created.trusteeTokens.t2, json: signedByTrustee(manifest, created.electionHash, 'decryption-share', forged) });
    assert.equal(badProof.status, 422);
    assert.equal(badProof.body.error, 'bad-proof');
    assert.equal((await call(base, 'GET', '/api/elections/flow/record')).text, before);
    for (const i of [0, 2]) {
      const s = secrets[i]!;
      await ok(base, 'POST', `/api/elections/flow/trustees/${s.trustee}/decryption`, { token: created.trusteeTokens[s.trustee], json: makeDecryptionShare(s, sums) });
    }
    info = await ok(base, 'GET', '/api/elections/flow');
    assert.deepEqual(info.trustees.map((x: { decrypted: boolean }) => x.decrypted), [true, false, true]);
    const published = await ok(base, 'POST', '/api/elections/flow/result', admin);
    assert.equal(published.phase, 'decrypted');
    assert.deepEqual(published.result.counts, counts);
    assert.deepEqual(published.result.trustees, ['t1', 't3']);

    // The server's own verification of its record, and an independent one of the record it hands out.
    await server.elections.settledResult('flow');
    const result = await ok(base, 'GET', '/api/elections/flow/result');
    assert.equal(result.verified, true);
    assert.deepEqual(result.result.counts, counts);
    assert.ok(result.checks.every((c: { failed: number }) => c.failed === 0));
    const record = await call(base, 'GET', '/api/elections/flow/record');
    assert.match(record.headers.get('content-type') ?? '', /^application\/x-ndjson/);
    const lines = record.text.split('\n').filter((l) => l !== '');
    const v = await verifyRecord(linesSource(lines));
    assert.ok(v.report.ok, JSON.stringify(v.report.failedChecks));
    assert.equal(v.events, published.headSeq + 1);
    const resultLine = JSON.parse(lines.at(-1)!);
    assert.deepEqual(resultLine.payload.counts, counts);
  });
}

for (const factory of testStores()) {
  test(`server (${factory.name}): concurrent ballots each get their own place on the board`, async (t) => {
    const made = await factory.make('server-concurrent');
    if (!made) { t.skip(`${factory.name} unavailable`); return; }
    const server = await startServer(made.store);
    t.after(async () => { await server.close(); await made.dispose(); });
    const manifest = smallManifest('busy');
    const el = await openElectionOverHttp(server, manifest, 16);
    const groups = selectionGroups(manifest);
    const ballots = el.credentials.map((c, i) => encryptBallot(el.electionHash, decodePublicKey(el.jointKey), groups, encodeChoices(manifest, choice(['a', 'b', 'c'][i % 3]!, [])), credentialKeys(el.electionHash, c.credential)).ballot);
    // Reads interleaved with the writes: the board refreshes from the store while ballots are appended.
    const answers = await Promise.all([
      ...ballots.map((b) => call(server.base, 'POST', '/api/elections/busy/ballots', { json: b })),
      ...ballots.map(() => call(server.base, 'GET', '/api/elections/busy')),
    ]);
    const receipts = answers.slice(0, ballots.length).map((r) => { assert.equal(r.status, 200, r.text); return r.body.receipt; });
    assert.equal(new Set(receipts.map((r) => r.seq)).size, ballots.length);
    const info = await ok(server.base, 'GET', '/api/elections/busy');
    assert.equal(info.ballots, ballots.length);
    const lines = (await call(server.base, 'GET', '/api/elections/busy/record')).text.trim().split('\n');
    assert.equal(lines.length, info.headSeq + 1);
    const v = await verifyRecord(linesSource(lines));
    assert.deepEqual(v.report.failedChecks, ['record.complete'], 'every check but completeness holds before the result');
  });
}
