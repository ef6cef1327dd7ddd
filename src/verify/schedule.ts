// The manifest's schedule against the board's event times (spec §5.1): the poll opens no earlier than
// `opens`, takes no ballot at or after `closes`, and closes before `closes` only if `earlyClose`.
// The times are the board's own (signed into the chain and into every receipt): this holds the board to
// the schedule it published, it cannot tell whether the board's clock was right.
import type { BoardEvent } from '../record/events.js';
import { scheduleProblem } from '../manifest/schedule.js';
import type { Report } from './report.js';
import type { VerifierState } from './state.js';

export function checkSchedule(e: BoardEvent, st: VerifierState, report: Report): void {
  const m = st.manifest;
  if (!m || (m.opens === undefined && m.closes === undefined)) return;
  if (e.type !== 'poll-opened' && e.type !== 'ballot' && e.type !== 'poll-closed') return;
  const problem = scheduleProblem(m, e.type, e.time);
  report.check('phase.schedule', e.seq, problem === null, problem ?? '');
}
