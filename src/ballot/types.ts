// The encrypted ballot as it travels and as it stands on the board (docs/spec.md §8.1).
import type { CiphertextJson } from '../crypto/elgamal.js';
import type { EncryptedRankedJson } from './ranked.js'; // ranked

/** One selection group (a question, or one office-holder of a verdict question). */
export interface EncryptedGroupJson {
  /** One ciphertext per option, in manifest order: Enc(1) if selected, else Enc(0). */
  ct: CiphertextJson[];
  /** The group's proofs, packed (§4.4): one one-hot proof, or a 0/1 proof per option and a sum proof. */
  proof: string;
}

export interface BallotJson {
  /** Hash of the election event: binds the ballot to one election. */
  election: string;
  /** The voter's public credential; every proof and the signature are bound to it. */
  credential: string;
  answers: EncryptedGroupJson[];
  /** ranked (spec §8.7): one row of ciphertexts per ranked question, present iff the election has one. */
  ranked?: EncryptedRankedJson[];
  /** Schnorr signature {R, z} by the credential key over the ballot content, packed (§4.5). */
  signature: string;
}

export class BallotError extends Error {
  override name = 'BallotError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
