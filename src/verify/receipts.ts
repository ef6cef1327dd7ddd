// Receipts against a record: is every ballot the board signed a receipt for still on the record, at
// the place and with the hash the receipt names? The receipt's hash chains every event before the
// ballot, so a board that drops, reorders or rewrites anything up to that ballot changes that hash;
// the board's signature on the receipt then proves what it promised.
//
// Reads the record line by line (it may be large); parses only what it needs. Trusts nothing: a line
// it cannot read ends the check for every receipt pointing past it.
import { parseStrictJson } from '../manifest/json.js';
import { trackingCode } from '../ballot/tracking.js';
import type { BallotJson } from '../ballot/types.js';
import { eventHash, GENESIS_PREV, type BoardEvent } from '../record/events.js';
import { verifyReceipt, type Receipt } from '../board/receipt.js';
import type { RecordSource } from './verifier.js';

export type ReceiptStatus =
  /** On the record at its seq, with its hash and tracking code. */
  | 'present'
  /** Signed by this board for this election, but the record does not hold it as promised: proof against the board. */
  | 'missing'
  /** Not a receipt of this board for this election (bad signature, other election, malformed): proves nothing. */
  | 'invalid';

export interface ReceiptCheck {
  /** 1-based line of the receipts file. */
  line: number;
  trackingCode: string | null;
  seq: number | null;
  status: ReceiptStatus;
  message: string;
}

export interface ReceiptsReport {
  ok: boolean;
  checks: ReceiptCheck[];
  present: number;
  missing: number;
  invalid: number;
}

interface Slot { hash: string; trackingCode: string | null }

/** Parses receipts given as JSON Lines (blank lines ignored); a line that is not a receipt is kept as an error. */
export function parseReceiptLines(text: string): { line: number; receipt: Receipt | null; error: string | null }[] {
  const out: { line: number; receipt: Receipt | null; error: string | null }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      out.push({ line: i + 1, receipt: asReceipt(parseStrictJson(line)), error: null });
    } catch (e) {
      out.push({ line: i + 1, receipt: null, error: (e as Error).message });
    }
  });
  return out;
}

const HEX64 = /^[0-9a-f]{64}$/;

function asReceipt(v: unknown): Receipt {
  const r = v as Record<string, unknown> | null;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Error('not a receipt object');
  const keys = Object.keys(r).sort().join(',');
  if (keys !== 'election,hash,seq,signature,trackingCode') throw new Error('a receipt has exactly the fields election, trackingCode, seq, hash, signature');
  if (typeof r.election !== 'string' || !HEX64.test(r.election)) throw new Error('receipt.election: expected 64 hex digits');
  if (typeof r.trackingCode !== 'string' || !HEX64.test(r.trackingCode)) throw new Error('receipt.trackingCode: expected 64 hex digits');
  if (typeof r.hash !== 'string' || !HEX64.test(r.hash)) throw new Error('receipt.hash: expected 64 hex digits');
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 1) throw new Error('receipt.seq: expected a positive whole number');
  const s = r.signature as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null || typeof s.c !== 'string' || typeof s.z !== 'string' || Object.keys(s).length !== 2) throw new Error('receipt.signature: expected {c, z}');
  return { election: r.election, trackingCode: r.trackingCode, seq: r.seq as number, hash: r.hash, signature: { c: s.c, z: s.z } };
}

/** Checks receipts (from parseReceiptLines) against the record. */
export async function checkReceipts(source: RecordSource, receipts: { line: number; receipt: Receipt | null; error: string | null }[]): Promise<ReceiptsReport> {
  // Only the seqs the receipts name are kept, so memory follows the receipts, not the record.
  const wanted = new Set(receipts.flatMap((r) => (r.receipt ? [r.receipt.seq] : [])));
  const slots = new Map<number, Slot>();
  const codes = new Map<string, number>(); // tracking code -> seq, for the receipts' codes only
  const wantedCodes = new Set(receipts.flatMap((r) => (r.receipt ? [r.receipt.trackingCode] : [])));
  let electionHash: string | null = null;
  let boardKey: string | null = null;
  let readable = 0; // events read and chained correctly
  let prev = GENESIS_PREV;
  let stop: string | null = null;
  for await (const line of source()) {
    let e: BoardEvent;
    try {
      e = parseStrictJson(line) as BoardEvent;
      if (typeof e !== 'object' || e === null || e.seq !== readable || e.prev !== prev || eventHash(e) !== e.hash) throw new Error('not chained');
    } catch {
      stop = `record line ${readable + 1} is not an event chained to the one before; nothing after it can be trusted`;
      break;
    }
    if (readable === 0) {
      const payload = e.payload as { boardKey?: unknown } | null;
      if (e.type !== 'election' || typeof payload?.boardKey !== 'string') { stop = 'the record does not start with an election event'; break; }
      electionHash = e.hash;
      boardKey = payload.boardKey;
    }
    let code: string | null = null;
    if (e.type === 'ballot' && (wanted.has(e.seq) || wantedCodes.size > 0)) {
      try { code = trackingCode(e.payload as BallotJson); } catch { code = null; }
      if (code !== null && wantedCodes.has(code) && !codes.has(code)) codes.set(code, e.seq);
    }
    if (wanted.has(e.seq)) slots.set(e.seq, { hash: e.hash, trackingCode: code });
    prev = e.hash;
    readable++;
  }

  const checks: ReceiptCheck[] = receipts.map(({ line, receipt, error }) => {
    if (!receipt) return { line, trackingCode: null, seq: null, status: 'invalid', message: `not a receipt: ${error}` };
    const base = { line, trackingCode: receipt.trackingCode, seq: receipt.seq };
    if (electionHash === null || boardKey === null) return { ...base, status: 'invalid', message: `cannot check: ${stop ?? 'empty record'}` };
    if (!verifyReceipt(receipt, boardKey)) return { ...base, status: 'invalid', message: receipt.election !== electionHash ? 'a receipt of another election' : "the signature is not the board's: this receipt proves nothing" };
    // Signed by this board's key for another election hash: the election event itself was rewritten.
    if (receipt.election !== electionHash) return { ...base, status: 'missing', message: `MISSING: this board signed the receipt for election ${receipt.election.slice(0, 16)}…, but the record is of election ${electionHash.slice(0, 16)}…: the election was rewritten` };
    const slot = slots.get(receipt.seq);
    const elsewhere = codes.get(receipt.trackingCode);
    const where = elsewhere !== undefined && elsewhere !== receipt.seq ? ` (the ballot is at seq ${elsewhere} instead: the record was reordered or rewritten)` : elsewhere === undefined ? ' (the ballot is nowhere on the record)' : '';
    if (!slot) {
      const why = receipt.seq >= readable ? (stop ?? `the record ends at seq ${readable - 1}`) : 'no such event';
      return { ...base, status: 'missing', message: `MISSING: the board signed this ballot at seq ${receipt.seq}, but ${why}${where}` };
    }
    if (slot.trackingCode !== receipt.trackingCode) return { ...base, status: 'missing', message: `MISSING: seq ${receipt.seq} holds ${slot.trackingCode === null ? 'no ballot' : `another ballot (${slot.trackingCode.slice(0, 16)}…)`}${where}` };
    if (slot.hash !== receipt.hash) return { ...base, status: 'missing', message: `MISSING: the ballot is at seq ${receipt.seq}, but the record up to it differs from what the board signed (hash ${slot.hash.slice(0, 16)}…, receipt ${receipt.hash.slice(0, 16)}…): events before it were dropped, reordered or rewritten` };
    return { ...base, status: 'present', message: 'on the record as the receipt says' };
  });
  const count = (s: ReceiptStatus) => checks.filter((c) => c.status === s).length;
  return { ok: checks.length > 0 && checks.every((c) => c.status === 'present'), checks, present: count('present'), missing: count('missing'), invalid: count('invalid') };
}
