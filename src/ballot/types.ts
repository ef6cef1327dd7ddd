// The encrypted ballot as it travels and as it stands on the board.
import type { CiphertextJson } from '../crypto/elgamal.js';
import type { DisjunctiveProofJson } from '../crypto/proofs/disjunctive.js';
import type { SchnorrProofJson } from '../crypto/proofs/schnorr.js';

/** One selection group (a question, or one office-holder of a verdict question). */
export interface EncryptedGroupJson {
  /** One ciphertext per option, in manifest order: Enc(1) if selected, else Enc(0). */
  ct: CiphertextJson[];
  /** Per option: proof that it encrypts 0 or 1. */
  proofs: DisjunctiveProofJson[];
  /** Proof that the product of the option ciphertexts encrypts a value in [min, max]. */
  sum: DisjunctiveProofJson;
}

export interface BallotJson {
  /** Hash of the election event: binds the ballot to one election. */
  election: string;
  /** The voter's public credential; every proof and the signature are bound to it. */
  credential: string;
  answers: EncryptedGroupJson[];
  /** Schnorr signature by the credential key over the ballot content. */
  signature: SchnorrProofJson;
}

export class BallotError extends Error {
  override name = 'BallotError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
