// `veche vote --check-audit FILE` (issue 11, point 9): a Benaloh audit file, as the booth saves it,
// checked on a second device against a verified record. It holds for an honest audit, and fails, by
// name, for a device that encrypted something other than what it showed, under another key, or that
// cast the spoiled ballot anyway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { baseMul, encodePoint, scalarOf } from '../src/crypto/group.js';
import { openElection, recordLines, simpleSelections } from './helpers/election-fixture.js';
import { veche } from './helpers/cli.js';

test('vote --check-audit: an honest audit holds and names the choices; a lying, re-keyed or cast one fails', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'veche-audit-'));
  const store = new SqliteStore(join(dir, 'veche.sqlite'));
  t.after(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });
  const el = await openElection(store, { voters: 2 });
  const voter = el.voters[0]!;
  const record = join(dir, 'record.jsonl');
  const writeRecord = async () => writeFileSync(record, (await recordLines(el.board)).map((l) => `${l}\n`).join(''));
  await writeRecord();
  // What the booth writes after an audit (web/pages/vote.ts).
  const auditFile = (name: string, enc: ReturnType<typeof encryptBallot>, publicKey = encodePoint(el.publicKey), selections = enc.secrets.selections) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ election: el.electionHash, publicKey, trackingCode: enc.trackingCode, ballot: enc.ballot, selections, randomness: enc.secrets.randomness }, null, 2));
    return path;
  };
  const selections = simpleSelections(el.groups, 1);
  const honest = encryptBallot(el.electionHash, el.publicKey, el.groups, selections, voter.keys);

  const ok = await veche(['vote', '--check-audit', auditFile('honest.json', honest), '--record', record]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /audit holds: ballot [0-9a-f]{64} encrypts exactly these choices, and was not cast/);
  assert.match(ok.stdout, /"chair": "b"/);

  // A device that shows one choice and encrypts another: the revealed selections do not match.
  const other = simpleSelections(el.groups, 2);
  const lying = await veche(['vote', '--check-audit', auditFile('lying.json', honest, undefined, other), '--record', record]);
  assert.equal(lying.code, 1);
  assert.match(lying.stdout, /AUDIT FAILED: the ciphertexts are NOT the encryption of the revealed choices/);

  // A device that encrypts under a key its owner knows (the booth's trust check is what stops it; the audit shows it too).
  const attackerKey = baseMul(scalarOf(0x5eed));
  const rekeyed = encryptBallot(el.electionHash, attackerKey, el.groups, selections, voter.keys);
  const wrongKey = await veche(['vote', '--check-audit', auditFile('rekeyed.json', rekeyed, encodePoint(attackerKey)), '--record', record]);
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.stdout, /AUDIT FAILED: the ballot was encrypted under a key other than the election's/);

  // A device that casts the spoiled ballot anyway.
  await el.board.castBallot({ ...honest.ballot });
  await writeRecord();
  const cast = await veche(['vote', '--check-audit', auditFile('honest.json', honest), '--record', record]);
  assert.equal(cast.code, 1);
  assert.match(cast.stdout, /AUDIT FAILED: this audited \(spoiled\) ballot was CAST/);

  // Not an audit file at all.
  writeFileSync(join(dir, 'junk.json'), '{"ballot": 1}');
  const junk = await veche(['vote', '--check-audit', join(dir, 'junk.json'), '--record', record]);
  assert.equal(junk.code, 2);
  assert.match(junk.stderr, /not an audit file/);
});
