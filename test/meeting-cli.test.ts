// `veche verify FILE` on a meeting's record (spec §19 M8): the same command as for elections, which
// tells the kind of record by its first event. The honest record verifies; a board operator's
// rewrite of a count (re-chained with valid hashes) fails by name, and the command exits 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMeetingEvent, makeMeetingEvent } from '../src/meeting/events.js';
import type { MeetingEvent } from '../src/meeting/types.js';
import { makeBody, openMeeting } from './meeting-fixture.js';
import { veche } from './helpers/cli.js';

test('veche verify: a meeting record verifies, and one with a rewritten count does not', async (t) => {
  const f = await openMeeting(makeBody([1, 1, 1, 1, 1]), ['m1', 'm2', 'm3', 'm4']);
  const dir = mkdtempSync(join(tmpdir(), 'veche-meeting-cli-'));
  t.after(async () => { await f.dispose(); rmSync(dir, { recursive: true, force: true }); });
  await f.putMotion('a');
  await f.openVote('a');
  await f.vote('m1', 'a', [['m1', 0, 1, 0]]); // the chair votes against, and is outvoted
  for (const m of ['m2', 'm3', 'm4']) await f.vote(m, 'a', [[m, 1, 0, 0]]);
  await f.act('vote-closed', { motion: 'a', by: 'm1' });
  await f.act('meeting-closed', { by: 'm1' });
  const events = (await f.meeting.store.events(f.meeting.id)).map((e) => structuredClone(e));

  const honest = join(dir, 'meeting.jsonl');
  writeFileSync(honest, events.map((e) => `${encodeMeetingEvent(e)}\n`).join(''));
  const ok = await veche(['verify', honest, '--final']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /Meeting record .*: \d+ events, body The Board/);
  assert.match(ok.stdout, /VERIFIED: every check holds/);

  const r = events.find((e) => e.type === 'motion-result')!.payload as { counts: { for: number; against: number } };
  r.counts.for = 1; r.counts.against = 3;
  const out: MeetingEvent[] = [];
  for (const e of events) out.push(makeMeetingEvent(out.length, out.length ? out[out.length - 1]!.hash : '0'.repeat(64), e.type, e.payload, e.time));
  const forged = join(dir, 'forged.jsonl');
  writeFileSync(forged, out.map((e) => `${encodeMeetingEvent(e)}\n`).join(''));
  const bad = await veche(['verify', forged]);
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /NOT VERIFIED: failing checks: meeting\.result/);
  const json = await veche(['verify', forged, '--json']);
  assert.equal(JSON.parse(json.stdout).ok, false);
});
