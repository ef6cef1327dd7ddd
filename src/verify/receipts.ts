// Receipts against a record: is every ballot the board signed a receipt for still on the record, at
// the place and with the hash the receipt names? The receipt's hash chains every event before the
// ballot, so a board that drops, reorders or rewrites anything up to that ballot changes that hash;
// the board's signature on the receipt then proves what it promised. Once the poll has closed, each
// receipted ballot must also be counted: not replaced by a later ballot of its credential that the
// holder has no receipt for, and not of a revoked credential.
//
// Reads the record line by line (it may be large); parses only what it needs. Trusts nothing: a line
// it cannot read ends the check for every receipt pointing past it.
import { JsonSyntaxError, parseStrictJson } from '../manifest/json.js';
import { trackingCode } from '../ballot/tracking.js';
import type { BallotJson } from '../ballot/types.js';
import { eventHash, GENESIS_PREV, type BoardEvent } from '../record/events.js';
import { verifyReceipt, type Receipt } from '../board/receipt.js';
import type { RecordSource } from './record-check.js';

export type ReceiptStatus =
  /** On the record at its seq, with its hash and tracking code, and counted (or the poll is still open). */
  | 'present'
  /** Signed by this board for this election, but the record does not hold it as promised: proof against the board. */
  | 'missing'
  /**
   * On the record as promised, but the poll has closed and a later ballot of the same credential, for
   * which no receipt was given, is the one counted: someone else used the credential after this vote.
   */
  | 'superseded'
  /** On the record as promised, but its credential is revoked (at any seq): none of its ballots is counted. */
  | 'revoked'
  /** Not a receipt of this board for this election (bad signature, other election, malformed): proves nothing. */
  | 'invalid';

export interface ReceiptCheck {
  /** 1-based line of the receipts file where the receipt starts. */
  line: number;
  trackingCode: string | null;
  seq: number | null;
  status: ReceiptStatus;
  message: string;
}

export interface ReceiptsReport {
  ok: boolean;
  /** The record holds `poll-closed`: no later ballot can replace a receipted one any more. */
  final: boolean;
  checks: ReceiptCheck[];
  present: number;
  missing: number;
  superseded: number;
  revoked: number;
  invalid: number;
}

/** One receipt read from a receipts file, or the reason the text at `line` is not one. */
export interface ParsedReceipt { line: number; receipt: Receipt | null; error: string | null }

interface Slot { hash: string; trackingCode: string | null; credential: string | null }

const FORMS = 'expected one receipt per line (JSON Lines), one receipt object (as the booth saves it), or a JSON array of receipts';

/**
 * Reads a receipts file in any of the forms voters get receipts in:
 *  - JSON Lines, one receipt per line (`veche board submit` prints these; blank lines are ignored);
 *  - one receipt as a JSON object over several lines: the booth's "Download the receipt" file
 *    (web/pages/vote.ts saves `JSON.stringify(receipt, null, 2)`) and `veche vote --receipt FILE`;
 *  - a JSON array of receipts.
 * Wherever a receipt may stand, `{"receipt": R}` (the API's answer to a cast ballot) is accepted too.
 * Which form: text starting with `[` is an array; else, if the first non-blank line is a whole JSON
 * value by itself (or a `{…}` on one line), every line is one receipt; else the whole text is one
 * JSON value. Anything else is an error naming its line (and column, for a JSON syntax error); in
 * JSON Lines a bad line does not stop the others from being checked.
 */
export function parseReceiptsFile(text: string): ParsedReceipt[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmed = body.trim();
  if (trimmed === '') return [];
  const lines = body.split('\n');
  const first = lines.find((l) => l.trim() !== '')!.trim();
  if (!trimmed.startsWith('[') && (first.length > 1 && first.startsWith('{') && first.endsWith('}') || parses(first))) {
    const out: ParsedReceipt[] = [];
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      try {
        out.push({ line: i + 1, receipt: asReceiptOrWrapper(parseStrictJson(line)), error: null });
      } catch (e) {
        out.push({ line: i + 1, receipt: null, error: (e as Error).message });
      }
    });
    return out;
  }
  let doc: unknown;
  try {
    doc = parseStrictJson(body);
  } catch (e) {
    return [{ line: e instanceof JsonSyntaxError ? e.line : 1, receipt: null, error: `${(e as Error).message} (${FORMS})` }];
  }
  if (Array.isArray(doc)) {
    const starts = arrayElementLines(body);
    return doc.map((v, i) => {
      const line = starts[i] ?? 1;
      try {
        return { line, receipt: asReceiptOrWrapper(v), error: null };
      } catch (e) {
        return { line, receipt: null, error: `array element ${i + 1}: ${(e as Error).message}` };
      }
    });
  }
  const line = lineOf(body, body.search(/\S/));
  try {
    return [{ line, receipt: asReceiptOrWrapper(doc), error: null }];
  } catch (e) {
    return [{ line, receipt: null, error: `${(e as Error).message} (${FORMS})` }];
  }
}

/** The old name, kept for callers: it reads every form parseReceiptsFile reads. */
export const parseReceiptLines = parseReceiptsFile;

function parses(text: string): boolean {
  try { parseStrictJson(text); return true; } catch { return false; }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 0x0a) line++;
  return line;
}

/** Lines on which the elements of a top-level JSON array start (the text already parsed as one). */
function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expect = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (depth === 1 && expect && c !== ']') { lines.push(line); expect = false; }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') { depth++; if (depth === 1) expect = true; }
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expect = true;
  }
  return lines;
}

function asReceiptOrWrapper(v: unknown): Receipt {
  const r = v as Record<string, unknown> | null;
  if (typeof r === 'object' && r !== null && !Array.isArray(r) && Object.keys(r).length === 1 && Object.hasOwn(r, 'receipt')) {
    try { return asReceipt(r.receipt); } catch (e) { throw new Error(`{"receipt": …}: ${(e as Error).message}`); }
  }
  return asReceipt(v);
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

/**
 * Checks receipts (from parseReceiptsFile) against the record: each must be on the record as the board
 * promised, and counted. Counted (§10): the last ballot of its credential, which is not revoked. A
 * voter may re-vote, so of the present receipts of one credential only the latest must be the last
 * ballot of that credential; the earlier ones were replaced by the voter themself. Once the poll has
 * closed, a later ballot that no given receipt names means someone else used the credential: the
 * latest receipt is 'superseded'. A revoked credential ('revoked') is final whenever it happens.
 */
export async function checkReceipts(source: RecordSource, receipts: ParsedReceipt[]): Promise<ReceiptsReport> {
  // Only the seqs the receipts name, and the credentials of their ballots, are kept, so memory follows
  // the receipts, not the record (and the revocations, which are few).
  const wanted = new Set(receipts.flatMap((r) => (r.receipt ? [r.receipt.seq] : [])));
  const slots = new Map<number, Slot>();
  const codes = new Map<string, number>(); // tracking code -> seq, for the receipts' codes only
  const wantedCodes = new Set(receipts.flatMap((r) => (r.receipt ? [r.receipt.trackingCode] : [])));
  const lastBallot = new Map<string, number>(); // credential of a receipted seq -> seq of its last ballot so far
  const lastReceipted = new Map<string, number>(); // the same credential -> seq of its last ballot that a given receipt names
  const revokedAt = new Map<string, number>(); // revoked credential -> seq of its credential-revoked event
  let closed = false;
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
    if (e.type === 'poll-closed') closed = true;
    if (e.type === 'credential-revoked') {
      const key = (e.payload as { key?: unknown } | null)?.key;
      if (typeof key === 'string' && !revokedAt.has(key)) revokedAt.set(key, e.seq);
    }
    let code: string | null = null;
    if (e.type === 'ballot') {
      const cred = (e.payload as { credential?: unknown } | null)?.credential;
      const credential = typeof cred === 'string' ? cred : null;
      if (wanted.has(e.seq) || wantedCodes.size > 0) {
        try { code = trackingCode(e.payload as BallotJson); } catch { code = null; }
        if (code !== null && wantedCodes.has(code) && !codes.has(code)) codes.set(code, e.seq);
      }
      if (credential !== null && (wanted.has(e.seq) || lastBallot.has(credential))) {
        lastBallot.set(credential, e.seq);
        // The holder has a receipt for this ballot (whether or not that receipt checks out: if not, it fails by itself).
        if (code !== null && wantedCodes.has(code)) lastReceipted.set(credential, e.seq);
      }
      if (wanted.has(e.seq)) slots.set(e.seq, { hash: e.hash, trackingCode: code, credential });
    } else if (wanted.has(e.seq)) slots.set(e.seq, { hash: e.hash, trackingCode: null, credential: null });
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
    return { ...base, status: 'present', message: closed ? 'on the record as the receipt says, and counted' : 'on the record as the receipt says; the poll is still open: a later ballot could still replace it' };
  });

  // Counting, per credential, over the receipts found on the record.
  const byCredential = new Map<string, ReceiptCheck[]>();
  for (const c of checks) {
    const credential = c.status === 'present' && c.seq !== null ? slots.get(c.seq)?.credential : null;
    if (credential == null) continue;
    const list = byCredential.get(credential);
    if (list) list.push(c); else byCredential.set(credential, [c]);
  }
  for (const [credential, list] of byCredential) {
    const revoked = revokedAt.get(credential);
    if (revoked !== undefined) {
      for (const c of list) {
        c.status = 'revoked';
        c.message = `receipt at seq ${c.seq}: the credential of this ballot was revoked (credential-revoked at seq ${revoked}): none of its ballots is counted`;
      }
      continue;
    }
    // The holder's latest ballot: the last one of this credential that some given receipt names.
    const latest = Math.max(lastReceipted.get(credential) ?? 0, ...list.map((c) => c.seq!));
    const latestLine = receipts.find((r) => r.receipt !== null && codes.get(r.receipt.trackingCode) === latest)?.line;
    const last = lastBallot.get(credential) ?? latest;
    for (const c of list) {
      if (c.seq! < latest) {
        c.message = `on the record as the receipt says; replaced by this voter's own later ballot at seq ${latest}${latestLine !== undefined ? ` (receipt on line ${latestLine})` : ''}, as re-voting allows`;
      } else if (last > latest) {
        if (closed) {
          c.status = 'superseded';
          c.message = `receipt at seq ${c.seq}: a later ballot of this credential (seq ${last}) replaced it, and no receipt for that ballot was given: this ballot is not counted`;
        } else c.message = `on the record as the receipt says, but a later ballot of this credential (seq ${last}), for which no receipt was given, replaces it for now; the poll is still open`;
      }
    }
  }
  const count = (s: ReceiptStatus) => checks.filter((c) => c.status === s).length;
  return {
    ok: checks.length > 0 && checks.every((c) => c.status === 'present'),
    final: closed,
    checks,
    present: count('present'),
    missing: count('missing'),
    superseded: count('superseded'),
    revoked: count('revoked'),
    invalid: count('invalid'),
  };
}
