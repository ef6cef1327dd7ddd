// The independent check of a meeting's record: reads it in order, recomputes every rule with the same
// checkMeetingEvent the board ran before appending (src/meeting/state.ts), and recomputes every result.
// An event that fails a check is left out of the state; a line that cannot be read, or that breaks the
// chain, stops the reading (nothing after it can be trusted). Runs in Node and in a browser.
import { canonicalJson } from '../crypto/encoding.js';
import { parseStrictJson } from '../manifest/json.js';
import { lineEventHash } from '../verify/events.js';
import { GENESIS_PREV } from './events.js';
import { MeetingReport } from './report.js';
import { applyMeetingEvent, checkMeetingEvent, initialMeetingState, type MeetingState } from './state.js';
import { MEETING_EVENT_TYPES, type MeetingEvent } from './types.js';
import { checkSecretElection, type ElectionRecords } from './secret.js';

const FIELDS = 'hash,payload,prev,seq,time,type';
// The board's time form (spec §9.1): 24 characters, a real instant, years 0000-9999.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isBoardTime = (t: unknown): t is string => typeof t === 'string' && ISO_TIME.test(t) && !Number.isNaN(Date.parse(t)) && new Date(t).toISOString() === t;

export interface MeetingVerification { report: MeetingReport; state: MeetingState | null; events: number }

function readLine(line: string, seq: number, before: MeetingEvent | null, report: MeetingReport): MeetingEvent | null {
  let value: unknown;
  try { value = parseStrictJson(line); } catch (e) { report.fail('record.format', seq, `line ${seq + 1} is not valid JSON: ${(e as Error).message}`); return null; }
  let canonical = false;
  try { canonical = canonicalJson(value) === line; } catch { canonical = false; }
  const e = value as MeetingEvent;
  const ok = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).sort().join(',') === FIELDS && canonical
    && (MEETING_EVENT_TYPES as readonly unknown[]).includes(e.type) && typeof e.payload === 'object' && e.payload !== null && !Array.isArray(e.payload);
  if (!report.check('record.format', seq, ok, `line ${seq + 1} is not a canonical meeting event`)) return null;
  const seqOk = report.check('chain.sequence', seq, e.seq === seq, `line ${seq + 1} has seq ${String(e.seq)}, expected ${seq}`);
  const linkOk = report.check('chain.links', seq, e.prev === (before ? before.hash : GENESIS_PREV), `event ${seq} does not link to the event before it`);
  const hashOk = report.check('chain.hashes', seq, lineEventHash(line, e.hash) === e.hash, `event ${seq}: hash does not match its content`);
  report.check('chain.time', seq, isBoardTime(e.time) && (!before || before.time <= e.time), `event ${seq}: time missing, malformed or earlier than the event before`);
  return seqOk && linkOk && hashOk ? e : null;
}

/** Checks a meeting record given as its lines (each without its LF). `elections`: where the record of
 *  each secret vote's election is read (§19 M7); without it a record with a secret vote fails meeting.secret. */
export async function checkMeetingRecord(lines: Iterable<string> | AsyncIterable<string>, options: { elections?: ElectionRecords } = {}): Promise<MeetingVerification> {
  const report = new MeetingReport();
  let st: MeetingState | null = null;
  let before: MeetingEvent | null = null;
  let seq = 0;
  let broken = false;
  for await (const line of lines) {
    const e = readLine(line, seq, before, report);
    if (!e) { broken = true; break; }
    if (seq === 0) {
      try {
        if (e.type !== 'meeting') throw new Error('the record does not start with the meeting');
        st = initialMeetingState(e as MeetingEvent<'meeting'>);
        report.pass('meeting.body');
      } catch (err) {
        report.fail('meeting.body', 0, (err as Error).message);
        broken = true;
        break;
      }
    } else {
      const bad = checkMeetingEvent(st!, e.type, e.payload, e.time);
      if (bad) report.fail(bad.check, e.seq, `event ${e.seq} (${e.type}): ${bad.message}`);
      // A result in its place whose content is wrong still decides the motion (as published), so the
      // events after it are checked as they came; it has already failed the record.
      if (bad?.code === 'bad-result') applyMeetingEvent(st!, e);
      else if (!bad) {
        applyMeetingEvent(st!, e);
        report.pass(e.type === 'motion-result' ? 'meeting.result' : 'meeting.signatures');
      }
      // The chain position moves on even past a refused event: it is on the record.
      st!.headSeq = e.seq; st!.headHash = e.hash; st!.headTime = e.time;
    }
    before = e;
    seq++;
  }
  if (seq === 0) { report.fail('record.format', 0, 'the record is empty'); broken = true; }
  // Each decided secret vote: its election's own record, tied to the meeting's (meeting.secret).
  for (const m of st?.motions.values() ?? []) {
    if (m.mode !== 'secret' || m.decidedAt === null) continue;
    const problems = await checkSecretElection(st!, m, options.elections);
    for (const msg of problems) report.fail('meeting.secret', m.decidedAt, msg);
    if (problems.length === 0) report.pass('meeting.secret');
  }
  report.check('meeting.complete', null, !broken && st !== null && st.phase === 'closed' && st.resultDue === null,
    broken ? 'the record could not be read to its end' : 'the meeting is not closed yet');
  return { report, state: st, events: seq };
}
