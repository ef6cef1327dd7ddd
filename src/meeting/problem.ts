// What is wrong with a submitted meeting event: a code for the API (the same the board refuses with)
// and the verifier check that fails when such an event is found on the record.
export type MeetingCheck =
  | 'meeting.format' | 'meeting.body' | 'meeting.signatures' | 'meeting.order' | 'meeting.presence'
  | 'meeting.proxies' | 'meeting.quorum' | 'meeting.votes' | 'meeting.result' | 'meeting.agenda' | 'meeting.amendments' | 'meeting.secret';

export type MeetingCode =
  | 'malformed' | 'invalid-body' | 'bad-signature' | 'not-allowed' | 'not-a-member' | 'wrong-phase'
  | 'vote-closed' | 'vote-open' | 'unknown-motion' | 'duplicate' | 'not-present' | 'stale-roll'
  | 'proxy-limit' | 'no-proxy' | 'no-quorum' | 'bad-split' | 'secret-unsupported' | 'bad-result'
  | 'unknown-item' | 'agenda-order' | 'not-current' | 'amendment-order' | 'no-paragraph' | 'wrong-text'
  | 'no-tellers' | 'wrong-mode' | 'tellers-not-ready' | 'wrong-list' | 'not-decrypted';

export interface MeetingProblem { code: MeetingCode; check: MeetingCheck; message: string }

export const problem = (code: MeetingCode, check: MeetingCheck, message: string): MeetingProblem => ({ code, check, message });

export class MeetingError extends Error {
  override name = 'MeetingError';
  constructor(readonly code: MeetingCode | 'unknown-meeting' | 'unknown-body' | 'exists', message: string, readonly errors: string[] = []) {
    super(message);
  }
}
