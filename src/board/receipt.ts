// A receipt: the board's signed word that a ballot is on the board at a given place. If that ballot
// is ever missing from the record, the receipt proves the board dropped it.
import { decodePublicKey, type Point, type Scalar } from '../crypto/group.js';
import { decodeSchnorr, encodeSchnorr, proveSchnorr, verifySchnorr, type SchnorrProofJson } from '../crypto/proofs/schnorr.js';

export const TAG_RECEIPT = 'board/receipt';

export interface Receipt {
  election: string;
  trackingCode: string;
  seq: number;
  /** Hash of the ballot's event: it chains every event before it. */
  hash: string;
  signature: SchnorrProofJson;
}

const message = (r: Omit<Receipt, 'signature'>) => ({ election: r.election, trackingCode: r.trackingCode, seq: r.seq, hash: r.hash });

export function signReceipt(boardSecret: Scalar, boardKey: Point, r: Omit<Receipt, 'signature'>): Receipt {
  return { ...message(r), signature: encodeSchnorr(proveSchnorr(TAG_RECEIPT, { election: r.election }, boardSecret, boardKey, message(r))) };
}

export function verifyReceipt(receipt: Receipt, boardKey: Point | string): boolean {
  try {
    const key = typeof boardKey === 'string' ? decodePublicKey(boardKey, 'board key') : boardKey;
    return verifySchnorr(TAG_RECEIPT, { election: receipt.election }, key, decodeSchnorr(receipt.signature), message(receipt));
  } catch {
    return false;
  }
}
