// Issue 12 over the server API: a ranked (IRV) and a choice question on one ballot, ballots posted,
// each trustee checking the record it fetches before it shuffles or decrypts (the verifier's modules,
// as `veche trustee shuffle` does), the mixes and the mix decryptions posted with the trustees' own
// tokens, the ranked result and the result published by the admin, and the record verified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { rankedSlots } from '../src/ballot/ranked.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { selectionGroups } from '../src/manifest/layout.js';
import { makeMix, makeMixDecryption } from '../src/ranked/trustee.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import type { PayloadByType, RankedResultPayload } from '../src/record/events.js';
import { checkRecord, linesSource } from '../src/verify/record-check.js';
import { rankedStepOf } from '../src/verify/ranked.js';
import { keyed } from './helpers/election.js';
import { testStores } from './helpers/stores.js';
import { call, ok, openElectionOverHttp, recordEvents, recordText, startServer } from './helpers/server.js';

const manifest = keyed({
  id: 'ranked-http', title: 'Ranked over HTTP', description: '', languages: ['en'],
  questions: [
    { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], allowBlank: false, absoluteMajority: false },
    { type: 'ranked', id: 'mayor', title: 'Mayor', candidates: [{ id: 'p', label: 'P' }, { id: 'q', label: 'Q' }, { id: 'r', label: 'R' }], seats: 1, method: 'irv', mustRankAll: true },
  ],
  trustees: [{ id: 't1', name: 'T1' }, { id: 't2', name: 'T2' }, { id: 't3', name: 'T3' }],
  threshold: 2,
});
// r wins after q is excluded and q's ballot transfers; one partial ranking is invalid (all must be ranked).
const RANKINGS = [[0, 1, 2], [2, 1, 0], [2, 0, 1], [1, 2, 0], [0, 2, 1], [2, 1]];

test('server (sqlite): a ranked election over HTTP, mixed, decrypted, counted and verified', async (t) => {
  const made = (await testStores()[0]!.make('ranked-http'))!;
  const server = await startServer(made.store);
  t.after(async () => { await server.close(); await made.dispose(); });
  const { base, adminToken } = server;
  const admin = { token: adminToken };
  const el = await openElectionOverHttp(server, manifest, RANKINGS.length);
  const slots = rankedSlots(manifest);
  const key = decodePublicKey(el.jointKey);
  for (const [v, ranking] of RANKINGS.entries()) {
    const voter = credentialKeys(el.electionHash, el.credentials[v]!.credential);
    const { ballot } = encryptBallot(el.electionHash, key, selectionGroups(manifest), [[1, 0]], voter, { slots, rankings: [ranking] });
    await ok(base, 'POST', '/api/elections/ranked-http/ballots', { json: ballot });
    if (v === 0) {
      // The same ballot without its ranked row is refused: nothing changes.
      const { ranked: _, ...bare } = ballot;
      assert.equal((await call(base, 'POST', '/api/elections/ranked-http/ballots', { json: bare })).status, 400);
      // So is one without its homomorphic answers (an empty list passes the shape, not the board's check).
      const empty = await call(base, 'POST', '/api/elections/ranked-http/ballots', { json: { ...ballot, answers: [] } });
      assert.equal(empty.status, 400, JSON.stringify(empty.body));
    }
  }
  await ok(base, 'POST', '/api/elections/ranked-http/close', admin);
  await ok(base, 'POST', '/api/elections/ranked-http/tally', admin);

  // A trustee's step: fetch the record, check it whole, then act on what it shows.
  const checked = async () => {
    const { report, state } = await checkRecord(linesSource((await recordText(base, 'ranked-http')).trimEnd().split('\n')));
    assert.ok(report.okSoFar, report.failedChecks.join(', '));
    return rankedStepOf(state);
  };
  const secret = (id: string) => el.secrets.find((s) => s.trustee === id)!;
  const path = (id: string, step: string) => `/api/elections/ranked-http/trustees/${id}/${step}`;
  let step = await checked();
  const mix1 = makeMix(secret('t1'), step.env, 0, step.nextInput());
  assert.equal((await call(base, 'POST', path('t1', 'mix'), { token: el.trusteeTokens.t2!, json: mix1 })).status, 403, "t2's token cannot post for t1");
  assert.equal((await call(base, 'POST', path('t2', 'mix'), { token: el.trusteeTokens.t2!, json: mix1 })).status, 403, 'a mix by t1 on t2\'s path');
  assert.equal((await ok(base, 'POST', path('t1', 'mix'), { token: el.trusteeTokens.t1!, json: mix1 })).mixes, 1);
  step = await checked();
  await ok(base, 'POST', path('t2', 'mix'), { token: el.trusteeTokens.t2!, json: makeMix(secret('t2'), step.env, 1, step.nextInput()) });
  step = await checked();
  const last = step.lastMix();
  for (const id of ['t1', 't3']) await ok(base, 'POST', path(id, 'mix-decryption'), { token: el.trusteeTokens[id]!, json: makeMixDecryption(secret(id), step.env, last) });
  const published = (await ok(base, 'POST', '/api/elections/ranked-http/ranked-result', admin)).rankedResult as RankedResultPayload;
  const mayor = published.questions[0]!.result;
  assert.deepEqual(mayor.elected, [2]);
  assert.equal(mayor.invalid.length, 1);
  assert.match(mayor.invalid[0]!.reason, /requires all/);

  const [tally] = await recordEvents(base, 'ranked-http', 'tally');
  // A decryption with no shares, where the tally has sums, is refused (the schema lets an empty list through for ranked-only elections).
  const share = makeDecryptionShare(secret('t1'), (tally!.payload as PayloadByType['tally']).sums);
  const noShares = await call(base, 'POST', path('t1', 'decryption'), { token: el.trusteeTokens.t1!, json: { ...share, shares: [] } });
  assert.ok(noShares.status >= 400 && noShares.status < 500, `${noShares.status}`);
  for (const id of ['t1', 't2']) await ok(base, 'POST', path(id, 'decryption'), { token: el.trusteeTokens[id]!, json: makeDecryptionShare(secret(id), (tally!.payload as PayloadByType['tally']).sums) });
  await ok(base, 'POST', '/api/elections/ranked-http/result', admin);
  const { report } = await checkRecord(linesSource((await recordText(base, 'ranked-http')).trimEnd().split('\n')));
  assert.deepEqual(report.failedChecks, []);
  assert.ok(report.ok);
});

test('server (sqlite): an election of one ranked question only takes ballots, mixes, counts and verifies; an empty ballot elsewhere is refused', async (t) => {
  const only = keyed({
    id: 'ranked-only', title: 'Ranked only', description: '', languages: ['en'],
    questions: [{ type: 'ranked', id: 'board', title: 'Board', candidates: [{ id: 'p', label: 'P' }, { id: 'q', label: 'Q' }, { id: 'r', label: 'R' }], seats: 1, method: 'irv', mustRankAll: false }],
    trustees: [{ id: 't1', name: 'T1' }, { id: 't2', name: 'T2' }],
    threshold: 2,
  });
  const made = (await testStores()[0]!.make('ranked-only'))!;
  const server = await startServer(made.store);
  t.after(async () => { await server.close(); await made.dispose(); });
  const { base, adminToken } = server;
  const admin = { token: adminToken };
  const el = await openElectionOverHttp(server, only, 3);
  const key = decodePublicKey(el.jointKey);
  for (const [v, ranking] of [[1, 0], [1, 2], [2]].entries()) {
    const voter = credentialKeys(el.electionHash, el.credentials[v]!.credential);
    const { ballot } = encryptBallot(el.electionHash, key, selectionGroups(only), [], voter, { slots: rankedSlots(only), rankings: [ranking] });
    assert.deepEqual(ballot.answers, []);
    await ok(base, 'POST', '/api/elections/ranked-only/ballots', { json: ballot });
  }
  await ok(base, 'POST', '/api/elections/ranked-only/close', admin);
  await ok(base, 'POST', '/api/elections/ranked-only/tally', admin);
  const step0 = async () => {
    const { report, state } = await checkRecord(linesSource((await recordText(base, 'ranked-only')).trimEnd().split('\n')));
    assert.ok(report.okSoFar, report.failedChecks.join(', '));
    return rankedStepOf(state);
  };
  const secret = (id: string) => el.secrets.find((s) => s.trustee === id)!;
  const path = (id: string, step: string) => `/api/elections/ranked-only/trustees/${id}/${step}`;
  let step = await step0();
  await ok(base, 'POST', path('t1', 'mix'), { token: el.trusteeTokens.t1!, json: makeMix(secret('t1'), step.env, 0, step.nextInput()) });
  step = await step0();
  await ok(base, 'POST', path('t2', 'mix'), { token: el.trusteeTokens.t2!, json: makeMix(secret('t2'), step.env, 1, step.nextInput()) });
  step = await step0();
  const last = step.lastMix();
  for (const id of ['t1', 't2']) await ok(base, 'POST', path(id, 'mix-decryption'), { token: el.trusteeTokens[id]!, json: makeMixDecryption(secret(id), step.env, last) });
  const published = (await ok(base, 'POST', '/api/elections/ranked-only/ranked-result', admin)).rankedResult as RankedResultPayload;
  assert.deepEqual(published.questions[0]!.result.elected, [1]);
  const [tally] = await recordEvents(base, 'ranked-only', 'tally');
  for (const id of ['t1', 't2']) await ok(base, 'POST', path(id, 'decryption'), { token: el.trusteeTokens[id]!, json: makeDecryptionShare(secret(id), (tally!.payload as PayloadByType['tally']).sums) });
  await ok(base, 'POST', '/api/elections/ranked-only/result', admin);
  const { report } = await checkRecord(linesSource((await recordText(base, 'ranked-only')).trimEnd().split('\n')));
  assert.deepEqual(report.failedChecks, []);
  assert.ok(report.ok);
});
