// The manifest's schedule as a rule on events (spec §5.1), one rule for the board (before it appends)
// and the verifier (on the record): what would be wrong with an event of `type` at board time `time`.
import type { Manifest } from './types.js';

export function scheduleProblem(m: Pick<Manifest, 'opens' | 'closes' | 'earlyClose'>, type: string, time: string): string | null {
  const at = Date.parse(time);
  const opens = m.opens === undefined ? null : Date.parse(m.opens);
  const closes = m.closes === undefined ? null : Date.parse(m.closes);
  if (type === 'poll-opened') {
    if (opens !== null && at < opens) return `the poll opened at ${time}, before the manifest's opening time ${m.opens}`;
    if (closes !== null && at >= closes) return `the poll opened at ${time}, at or after the closing time ${m.closes}`;
  } else if (type === 'ballot') {
    if (closes !== null && at >= closes) return `a ballot at ${time}, at or after the closing time ${m.closes}`;
  } else if (type === 'poll-closed') {
    if (closes !== null && m.earlyClose !== true && at < closes) return `the poll closed at ${time}, before the closing time ${m.closes}, which the manifest does not allow`;
  }
  return null;
}
