// What the verifier has learned so far from the record, as it reads it in order.
import type { Point } from '../crypto/group.js';
import type { Ciphertext } from '../crypto/elgamal.js';
import type { Manifest, SelectionGroup } from '../manifest/types.js';
import type { DecryptionSharePayload, ResultPayload, TallyPayload } from '../record/events.js';
import { newCeremonyState, type CeremonyState } from '../keyceremony/ceremony.js';

export type VerifierPhase = 'start' | 'setup' | 'open' | 'closed' | 'tallied' | 'decrypted';

export interface VerifierState {
  phase: VerifierPhase;
  manifest: Manifest | null;
  groups: SelectionGroup[];
  electionHash: string;
  boardKey: string;
  /** The key ceremony so far, by the rules the board also applies (src/keyceremony/ceremony.ts). */
  ceremony: CeremonyState;
  /** The last trustee became ready: the next event must be the joint key (spec §9.3). */
  jointKeyDue: boolean;
  jointKey: Point | null;
  credentials: Map<string, number> | null;
  eligibleWeight: number;
  revoked: Set<string>;
  /** Revoked credentials that a credentials-added event replaced (spec §6.4). */
  replaced: Set<string>;
  /** Tracking codes seen (for uniqueness). */
  trackingCodes: Set<string>;
  /** seq of the last valid ballot of each credential. */
  lastBallot: Map<string, number>;
  /** The event hash of each credential's last valid ballot, which the second pass compares with the line it reads. */
  lastBallotHash: Map<string, string>;
  /** seq of the last event read, and its hash (where a later check of a longer record must continue from). */
  headSeq: number;
  headHash: string;
  /** Ballots that failed any check: a record holding one does not verify. */
  badBallots: number;
  tally: TallyPayload | null;
  tallySums: Ciphertext[][] | null;
  tallySeq: number;
  decryptionShares: DecryptionSharePayload[];
  result: ResultPayload | null;
  resultSeq: number;
}

export function newVerifierState(): VerifierState {
  return {
    phase: 'start', manifest: null, groups: [], electionHash: '', boardKey: '',
    ceremony: newCeremonyState(), jointKeyDue: false, jointKey: null,
    credentials: null, eligibleWeight: 0, revoked: new Set(), replaced: new Set(), trackingCodes: new Set(), lastBallot: new Map(), lastBallotHash: new Map(), headSeq: -1, headHash: '', badBallots: 0,
    tally: null, tallySums: null, tallySeq: -1, decryptionShares: [], result: null, resultSeq: -1,
  };
}
