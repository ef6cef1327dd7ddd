// Reminders: only the voters whose credential has no ballot on the record yet, while the poll is open.
// The record is read and checked by the verifier's core first (the caller's checkRecord); who voted is
// what that check counted (a credential's last valid ballot), so a board cannot make the authority
// pester voters who did vote, or skip ones who did not, without its record failing the check.
import { credentialKeys } from './credentials.js';
import type { Recipient } from './contacts.js';
import { matchRecord } from './record-match.js';
import type { VerifierState } from '../verify/state.js';

export function notYetVoted(state: VerifierState, recipients: Recipient[]): { remind: Recipient[]; voted: number; revoked: number } {
  if (state.phase !== 'open') throw new Error(`refused: the poll is not open (the record stands at "${state.phase}"), so there is nothing to remind of`);
  const { send, revoked } = matchRecord(state, recipients);
  const remind = send.filter((r) => !state.lastBallot.has(credentialKeys(state.electionHash, r.credential).key));
  return { remind, voted: send.length - remind.length, revoked: revoked.length };
}
