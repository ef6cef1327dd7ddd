// The manifest's schedule against the board's event times (spec §5.1): the poll opens no earlier than
// `opens`, takes no ballot at or after `closes`, and closes before `closes` only if `earlyClose`.
// The times are the board's own (signed into the chain and into every receipt): this holds the board to
// the schedule it published, it cannot tell whether the board's clock was right.
import type { BoardEvent } from '../record/events.js';
import type { Report } from './report.js';
import type { VerifierState } from './state.js';

export function checkSchedule(e: BoardEvent, st: VerifierState, report: Report): void {
  const m = st.manifest;
  if (!m || (m.opens === undefined && m.closes === undefined)) return;
  const at = Date.parse(e.time);
  if (e.type === 'poll-opened' && m.opens !== undefined) {
    report.check('phase.schedule', e.seq, at >= Date.parse(m.opens), `the poll opened at ${e.time}, before the manifest's opening time ${m.opens}`);
  } else if (e.type === 'ballot' && m.closes !== undefined) {
    report.check('phase.schedule', e.seq, at < Date.parse(m.closes), `ballot at ${e.seq} was taken at ${e.time}, at or after the closing time ${m.closes}`);
  } else if (e.type === 'poll-closed' && m.closes !== undefined && m.earlyClose !== true) {
    report.check('phase.schedule', e.seq, at >= Date.parse(m.closes), `the poll closed at ${e.time}, before the closing time ${m.closes}, which the manifest does not allow`);
  }
}
