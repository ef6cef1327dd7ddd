// The tracking code: a hash of the whole ballot, which the voter keeps and finds on the board.
import { hashHex } from '../crypto/hash.js';
import { TAG_TRACKING } from './context.js';
import type { BallotJson } from './types.js';

export function trackingCode(ballot: BallotJson): string {
  return hashHex(TAG_TRACKING, ballot);
}
