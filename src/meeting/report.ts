// The meeting verifier's report: each check by name, how often it held, and its first failures.
export const MEETING_CHECKS = {
  'record.format': 'every line is one canonical JSON event with exactly seq, prev, time, type, payload, hash, of a meeting event type',
  'chain.sequence': 'sequence numbers run 0, 1, 2, ... without gaps',
  'chain.links': 'each event names the hash of the event before it',
  'chain.hashes': 'each event hash is the hash of its content',
  'chain.time': 'event times are valid and never go backwards',
  'meeting.body': 'the first event is the meeting, with a valid body, chair, secretaries and carried proxies',
  'meeting.format': 'every event has exactly its fields, with values of the right form',
  'meeting.signatures': 'every event but the result is signed by a member or officer allowed to make it (procedure: the chair or a secretary)',
  'meeting.order': 'each event comes when the meeting allows it: no vote after its close, one open vote at a time, each result right after its close',
  'meeting.presence': 'check-ins and departures are consistent, and each vote fixes the roll as it was',
  'meeting.proxies': 'each proxy is granted by its principal to another member, within the limit, without chains, and revoked only when in force',
  'meeting.quorum': 'no vote opened without the quorum',
  'meeting.votes': 'each named vote is cast by a member present at the vote, for themselves or a principal they represent, once, with all of that member\'s weight',
  'meeting.agenda': 'agenda items are opened one after another in agenda order; only members present ask to speak, on the item open now, and the floor goes to one of those waiting',
  'meeting.amendments': 'amendments are put before their motion\'s vote and voted in the order they were put, all before the motion; each vote is on the text the adopted amendments give',
  'meeting.result': 'each result states the counts of the votes and the outcome the majority rule gives',
  'meeting.secret': 'each secret vote: credentials registered only for members on the roll, once each, by the member or their proxy; its election\'s record verifies (final), its credential list is exactly the registrations with the roll\'s weights, and its counts are the result\'s; a vote nobody registered for: its election never opened (no list, poll, ballot or result)',
  'meeting.complete': 'the meeting was closed, with every vote decided',
} as const;

export type MeetingCheckId = keyof typeof MEETING_CHECKS;

export interface MeetingCheckOutcome { id: MeetingCheckId; description: string; passed: number; failed: number; failures: { seq: number | null; message: string }[] }

export class MeetingReport {
  private outcomes = new Map<MeetingCheckId, MeetingCheckOutcome>();

  constructor() {
    for (const id of Object.keys(MEETING_CHECKS) as MeetingCheckId[]) this.outcomes.set(id, { id, description: MEETING_CHECKS[id], passed: 0, failed: 0, failures: [] });
  }

  pass(id: MeetingCheckId): void { this.outcomes.get(id)!.passed++; }

  fail(id: MeetingCheckId, seq: number | null, message: string): void {
    const o = this.outcomes.get(id)!;
    o.failed++;
    if (o.failures.length < 10) o.failures.push({ seq, message });
  }

  check(id: MeetingCheckId, seq: number | null, ok: boolean, message: string): boolean {
    if (ok) this.pass(id); else this.fail(id, seq, message);
    return ok;
  }

  get checks(): MeetingCheckOutcome[] { return [...this.outcomes.values()]; }
  /** Holds so far: nothing failed except, possibly, meeting.complete (a meeting still running). */
  get holdsSoFar(): boolean { return this.checks.every((c) => c.failed === 0 || c.id === 'meeting.complete'); }
  get ok(): boolean { return this.checks.every((c) => c.failed === 0); }
  failed(id: MeetingCheckId): boolean { return this.outcomes.get(id)!.failed > 0; }
}
