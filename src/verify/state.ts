// What the verifier has learned so far from the record, as it reads it in order.
import type { Point } from '../crypto/group.js';
import type { Ciphertext } from '../crypto/elgamal.js';
import type { Manifest, SelectionGroup } from '../manifest/types.js';
import type { DecryptionSharePayload, ResultPayload, TallyPayload, TrusteeKeyPayload } from '../record/events.js';

export type VerifierPhase = 'start' | 'setup' | 'open' | 'closed' | 'tallied' | 'decrypted';

export interface VerifierState {
  phase: VerifierPhase;
  manifest: Manifest | null;
  groups: SelectionGroup[];
  electionHash: string;
  boardKey: string;
  trusteeKeys: Map<string, TrusteeKeyPayload>;
  sharesSent: Set<string>;
  verificationKeys: Map<string, Point>;
  jointKey: Point | null;
  credentials: Map<string, number> | null;
  eligibleWeight: number;
  revoked: Set<string>;
  /** Tracking codes seen (for uniqueness). */
  trackingCodes: Set<string>;
  /** seq of the last valid ballot of each credential. */
  lastBallot: Map<string, number>;
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
    trusteeKeys: new Map(), sharesSent: new Set(), verificationKeys: new Map(), jointKey: null,
    credentials: null, eligibleWeight: 0, revoked: new Set(), trackingCodes: new Set(), lastBallot: new Map(), badBallots: 0,
    tally: null, tallySums: null, tallySeq: -1, decryptionShares: [], result: null, resultSeq: -1,
  };
}
