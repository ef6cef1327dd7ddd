// Secret votes in a meeting (docs/spec.md §19 M7): each secret motion is counted by an ordinary veche
// election beside the meeting's record, whose trustees are the meeting's tellers and whose credential
// authority is the chair. This module says what that election must be (its manifest, its credential
// list) and checks an election's record against the meeting's (meeting.secret). Runs in Node and in a browser.
import { canonicalJson } from '../crypto/encoding.js';
import { MANIFEST_VERSION } from '../manifest/validate.js';
import type { Manifest } from '../manifest/types.js';
import type { CredentialsPayload, ResultPayload } from '../record/events.js';
import { checkRecord } from '../verify/record-check.js';
import { lineEventHash } from '../verify/events.js';
import { keyOf, memberOf } from './body.js';
import { MAJORITY_RULES } from './rules.js';
import { secretElectionIdOf, type MeetingState, type MotionState } from './state.js';

export { secretElectionIdOf };

/** The one question of a secret motion's election. */
export const SECRET_QUESTION = 'motion';

const nameOf = (st: MeetingState, id: string): string =>
  st.body.members.find((m) => m.id === id)?.name ?? st.body.officers.find((o) => o.id === id)?.name ?? id;

/** The manifest of the election that counts `motion` (§19 M7): fixed by the meeting's record alone, so
 *  the verifier rebuilds it and compares. Its description names the meeting hash: the election binds the meeting. */
export function secretManifest(st: MeetingState, m: Pick<MotionState, 'id' | 'title' | 'majority'>): Manifest {
  const rule = MAJORITY_RULES[m.majority];
  const key = (id: string) => {
    const k = keyOf(st.body, id);
    if (k === undefined) throw new Error(`${id} is not in the body`);
    return k;
  };
  return {
    version: MANIFEST_VERSION,
    id: secretElectionIdOf(st.meeting.id, m.id),
    title: m.title,
    description: `Secret vote on motion ${m.id} of meeting ${st.meeting.id} (${st.meetingHash}). The meeting's record decides it by the ${m.majority} majority on these counts.`,
    languages: ['en'],
    // The election's own outcome is advisory: the meeting's motion-result applies M4 to its counts.
    questions: [{ type: 'motion', id: SECRET_QUESTION, title: m.title, quorum: { num: 0, den: 1 }, threshold: { ...rule.threshold }, strict: rule.strict }],
    trustees: st.meeting.tellers.map((id) => ({ id, name: nameOf(st, id), signingKey: key(id) })),
    credentialAuthority: { name: nameOf(st, st.meeting.chair), signingKey: key(st.meeting.chair) },
    threshold: st.meeting.threshold,
  };
}

/** The credential list the chair must sign: the registrations, each with the member's weight, sorted by
 *  key as every credential list is (§6.1; the order then says nothing about who registered when). */
export function registeredList(st: MeetingState, m: MotionState): { key: string; weight: number }[] {
  return [...m.credentials].map(([member, key]) => ({ key, weight: memberOf(st.body, member)!.weight })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Why a signed credential list is not the registrations, or null when it is exactly them. */
export function listProblem(st: MeetingState, m: MotionState, list: Pick<CredentialsPayload, 'credentials'>): string | null {
  const want = registeredList(st, m);
  if (canonicalJson(list.credentials) === canonicalJson(want)) return null;
  const registered = new Set(want.map((c) => c.key));
  const extra = list.credentials.filter((c) => !registered.has(c.key)).length;
  return `the list holds ${list.credentials.length} credentials, ${want.length} were registered${extra ? ` (${extra} not registered)` : ''}; it must be exactly the registrations with the members' weights, sorted by key`;
}

/** The for/against/abstain counts of a secret motion's election result. */
export function electionCounts(result: ResultPayload): { for: number; against: number; abstain: number } {
  const r = result.results[0];
  if (!r || r.type !== 'motion') throw new Error('the election result has no motion question');
  return { for: r.counts.for, against: r.counts.against, abstain: r.counts.abstain };
}

/** What an election may hold when nobody registered and the meeting's result is the empty one (§19 M7.4).
 *  The setup (the tellers' ceremony) and nothing after it, now or later: a list, a poll or a ballot on
 *  it, or a result, contradicts the meeting's result. */
const OPENED = new Set(['credentials', 'credentials-added', 'credential-revoked', 'poll-opened', 'ballot', 'poll-closed', 'tally', 'decryption-share', 'result']);

function neverOpenedProblems(id: string, m: MotionState, events: { seq: number; type: string }[], report: { okSoFar: boolean; failedChecks: readonly string[] }): string[] {
  const problems: string[] = [];
  // The record is checked as far as it goes: it has no result, so only its completeness may be missing.
  if (!report.okSoFar) problems.push(`election ${id}: its record does not verify (${report.failedChecks.filter((c) => c !== 'record.complete').join(', ')})`);
  const opened = events.find((e) => OPENED.has(e.type));
  if (opened) problems.push(`election ${id}: the result of ${m.id} says nobody registered and its election never opened, but its record has ${opened.type} at seq ${opened.seq}`);
  return problems;
}

/** Where the meeting verifier reads each secret vote's election record (one line per event, no LF). */
export type ElectionRecords = (electionId: string) => Promise<string[] | null>;

/** meeting.secret for one decided secret motion: the problems found (empty when it holds). */
export async function checkSecretElection(st: MeetingState, m: MotionState, records: ElectionRecords | undefined): Promise<string[]> {
  // A record that cannot even be read fails the check; it never stops the verifier.
  try { return await checkElection(st, m, records); } catch (e) { return [`the record of election ${secretElectionIdOf(st.meeting.id, m.id)} cannot be read: ${(e as Error).message}`]; }
}

async function checkElection(st: MeetingState, m: MotionState, records: ElectionRecords | undefined): Promise<string[]> {
  const id = secretElectionIdOf(st.meeting.id, m.id);
  const tied = m.result?.election;
  if (!m.result || !tied) return [`the result of ${m.id} names no election`];
  const lines = records ? await records(id) : null;
  if (!lines || lines.length === 0) return [`the record of election ${id} (secret vote on ${m.id}) was not given`];
  const problems: string[] = [];
  const events = lines.map((l) => JSON.parse(l) as { seq: number; time: string; type: string; payload: unknown; hash: string });
  const genesis = events[0]!;
  if (genesis.type !== 'election' || lineEventHash(lines[0]!, genesis.hash) !== tied.electionHash) problems.push(`election ${id}: its hash is not the one the result of ${m.id} names`);
  if (canonicalJson((genesis.payload as { manifest?: unknown }).manifest) !== canonicalJson(secretManifest(st, m)))
    problems.push(`election ${id}: its manifest is not the one the meeting gives (tellers as trustees, the chair as credential authority, the motion)`);
  const v = await checkRecord(async function* () { yield* lines; }, { makePool: null });
  if (tied.resultHash === null) return [...problems, ...neverOpenedProblems(id, m, events, v.report)];
  if (!v.report.ok) problems.push(`election ${id}: its record does not verify (${v.report.checks.filter((c) => c.failed > 0 || c.id === 'record.complete' && c.passed === 0).map((c) => c.id).join(', ')})`);
  const lists = events.filter((e) => e.type === 'credentials');
  if (lists.length !== 1 || events.some((e) => e.type === 'credentials-added' || e.type === 'credential-revoked'))
    problems.push(`election ${id}: one credential list, never added to nor revoked from`);
  else {
    const bad = listProblem(st, m, lists[0]!.payload as CredentialsPayload);
    if (bad) problems.push(`election ${id}: ${bad}`);
  }
  // The poll closes before the meeting's close (§19 M7.4): a ballot at or after it was let in by a board
  // that closed the poll late (or a process that stopped between the two), and is never counted silently.
  if (!events.some((e) => e.type === 'poll-closed')) problems.push(`poll-not-closed: election ${id} has no poll-closed, so nothing ends its ballots`);
  const closed = m.closedTime;
  const late = events.filter((e) => e.type === 'ballot' && (closed === undefined || e.time >= closed));
  if (late.length > 0) problems.push(`late-ballot: election ${id} took ${late.length} ballot(s) at or after the meeting closed the vote on ${m.id} at ${closed ?? '(no close)'}, the first at seq ${late[0]!.seq} (${late[0]!.time})`);
  const results = events.filter((e) => e.type === 'result');
  if (results.length !== 1 || results[0]!.hash !== tied.resultHash) problems.push(`election ${id}: its result event is not the one the result of ${m.id} names`);
  else {
    const counts = electionCounts(results[0]!.payload as ResultPayload);
    if (canonicalJson(counts) !== canonicalJson(m.result.counts)) problems.push(`the result of ${m.id} states counts ${canonicalJson(m.result.counts)}, its election counted ${canonicalJson(counts)}`);
  }
  return problems;
}
