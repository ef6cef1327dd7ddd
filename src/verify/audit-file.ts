// Checking a Benaloh audit file on a second device (issue 11, point 9): the file the booth saves after
// an audit holds the spoiled ballot, its revealed selections and randomness. Against a record that
// verifies, this recomputes, without trusting the device that made it: that the file is for this
// election and key, that the ballot is well formed for it (every proof and the signature), that its
// tracking code is the one named, that the ciphertexts are exactly the encryptions of the revealed
// selections with the revealed randomness, which choices those are, and that the spoiled ballot was
// never cast. Browser-safe (the audit page runs it too).
import { auditBallot } from '../ballot/audit.js';
import { checkBallot } from '../ballot/check.js';
import { trackingCode } from '../ballot/tracking.js';
import type { BallotJson } from '../ballot/types.js';
import { encodePoint } from '../crypto/group.js';
import { decodeSelections, selectionGroups } from '../manifest/layout.js';
import { rankedSlots } from '../ballot/ranked.js';
import type { Choices } from '../manifest/types.js';
import type { CheckedElection } from './voter-check.js';

export interface AuditFile {
  election: string;
  publicKey: string;
  trackingCode: string;
  ballot: BallotJson;
  selections: number[][];
  randomness: string[][];
  /** ranked (spec §8.7): the revealed rankings and their randomness, exactly when the ballot has ranked answers. */
  rankings?: number[][];
  rankedRandomness?: string[][];
}

export type AuditCheck =
  | { ok: true; choices: Choices; trackingCode: string }
  | { ok: false; reason: string };

/** Reads an audit file's JSON, refusing any other shape. */
export function parseAuditFile(text: string): AuditFile {
  let v: unknown;
  try { v = JSON.parse(text); } catch { throw new Error('not an audit file: not JSON'); }
  const o = v as Partial<AuditFile> | null;
  const keys = ['ballot', 'election', 'publicKey', 'randomness', 'selections', 'trackingCode'];
  const rankedKeys = ['ballot', 'election', 'publicKey', 'rankedRandomness', 'randomness', 'rankings', 'selections', 'trackingCode']; // ranked
  const given = typeof o === 'object' && o !== null && !Array.isArray(o) ? Object.keys(o).sort().join(',') : '';
  if (given !== keys.join(',') && given !== rankedKeys.join(',')) throw new Error(`not an audit file: expected exactly the fields ${keys.join(', ')} (and rankings, rankedRandomness for a ranked ballot)`);
  if (typeof o !== 'object' || o === null) throw new Error('not an audit file');
  if (typeof o.election !== 'string' || typeof o.publicKey !== 'string' || typeof o.trackingCode !== 'string') throw new Error('not an audit file: election, publicKey and trackingCode must be strings');
  const grid = (x: unknown, cell: (c: unknown) => boolean) => Array.isArray(x) && x.every((row) => Array.isArray(row) && row.every(cell));
  if (!grid(o.selections, (c) => c === 0 || c === 1) || !grid(o.randomness, (c) => typeof c === 'string')) throw new Error('not an audit file: selections must be rows of 0 and 1, randomness rows of scalars');
  if (o.rankings !== undefined && (!grid(o.rankings, (c) => Number.isInteger(c)) || !grid(o.rankedRandomness, (c) => typeof c === 'string'))) throw new Error('not an audit file: rankings must be rows of candidate indices, rankedRandomness rows of scalars');
  return o as AuditFile;
}

/** The tracking codes of every ballot on record lines that were verified: a spoiled ballot must not be among them. */
export function ballotsOnRecord(lines: readonly string[]): Set<string> {
  const cast = new Set<string>();
  for (const line of lines) {
    let e: { type?: string; payload?: BallotJson };
    try { e = JSON.parse(line) as typeof e; } catch { continue; }
    if (e.type === 'ballot' && e.payload) cast.add(trackingCode(e.payload));
  }
  return cast;
}

/** Checks an audit file against an election whose record was verified; `onBoard` says whether a tracking code is on the record. */
export function checkAuditFile(file: AuditFile, el: CheckedElection, onBoard: (trackingCode: string) => boolean): AuditCheck {
  if (file.election !== el.electionHash) return { ok: false, reason: 'the audit file is for another election' };
  if (file.publicKey !== encodePoint(el.jointKey)) return { ok: false, reason: "the ballot was encrypted under a key other than the election's: the device that made it is not to be trusted" };
  const groups = selectionGroups(el.manifest);
  try {
    checkBallot(file.ballot, { electionHash: el.electionHash, publicKey: el.jointKey, groups, ranked: rankedSlots(el.manifest) });
  } catch (e) {
    return { ok: false, reason: `the ballot is not a valid ballot of this election: ${(e as Error).message}` };
  }
  if (trackingCode(file.ballot) !== file.trackingCode) return { ok: false, reason: 'the tracking code named in the file is not the ballot\'s' };
  let matches = false;
  try { matches = auditBallot(file.ballot, el.jointKey, { selections: file.selections, randomness: file.randomness, rankings: file.rankings, rankedRandomness: file.rankedRandomness }); } catch { matches = false; }
  if (!matches) return { ok: false, reason: 'the ciphertexts are NOT the encryption of the revealed choices: the device that made this ballot is cheating or broken' };
  let choices: Choices;
  try { choices = decodeSelections(el.manifest, file.selections, file.rankings ?? []); } catch (e) { return { ok: false, reason: `the revealed selections are not a valid set of choices: ${(e as Error).message}` }; }
  if (onBoard(file.trackingCode)) return { ok: false, reason: 'this audited (spoiled) ballot was CAST: it is on the board, though its randomness is public' };
  return { ok: true, choices, trackingCode: file.trackingCode };
}
