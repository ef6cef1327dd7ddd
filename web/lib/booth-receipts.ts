// The board's receipts the booth was given in this tab, kept across a reload (issue 11, point 9).
// A receipt is not secret (the tracking code and the board's signature over the ballot's place on the
// public record; nothing of the credential or the choices), so it is kept in the clear in this tab's
// sessionStorage, written before the booth shows it. The booth checks each one again against the board
// key of the record it verified after every load: a receipt edited in storage is shown as not valid.
import type { Receipt } from '../../src/board/receipt.js';

const storageKey = (electionId: string) => `veche.booth.receipts:${electionId}`;

const isReceipt = (r: unknown): r is Receipt => {
  const o = r as Partial<Receipt> | null;
  return typeof o === 'object' && o !== null && typeof o.election === 'string' && typeof o.trackingCode === 'string'
    && typeof o.seq === 'number' && typeof o.hash === 'string' && typeof o.signature === 'object' && o.signature !== null;
};

/** This tab's receipts for the election, oldest first (anything not shaped like a receipt is dropped). */
export function keptReceipts(electionId: string): Receipt[] {
  try {
    const list = JSON.parse(sessionStorage.getItem(storageKey(electionId)) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter(isReceipt) : [];
  } catch {
    return [];
  }
}

/** Adds a receipt; false when the browser would not keep it (the booth then says to download it). */
export function keepReceipt(electionId: string, receipt: Receipt): boolean {
  try {
    sessionStorage.setItem(storageKey(electionId), JSON.stringify([...keptReceipts(electionId), receipt]));
    return true;
  } catch {
    return false;
  }
}
