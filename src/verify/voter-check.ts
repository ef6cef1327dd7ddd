// What a voter's device (the booth, `veche vote`) checks before it encrypts anything: the record up to
// the poll's opening, with the verifier's own modules (chain, manifest, signed key ceremony, joint key,
// signed credential list). It encrypts only under the key it checked, checks receipts against the
// board key of the record's first event, and tells the voter at once whether their credential is listed.
import type { Point } from '../crypto/group.js';
import type { Manifest } from '../manifest/types.js';
import { checkRecord, linesSource } from './record-check.js';

export class ElectionCheckError extends Error {
  override name = 'ElectionCheckError';
}

export interface CheckedElection {
  electionHash: string;
  /** Short form of the election hash to compare with the one in the voter's invitation (spec §9.4). */
  fingerprint: string;
  manifest: Manifest;
  jointKey: Point;
  boardKey: string;
  phase: string;
  /** The listed credentials' keys (the booth tells a voter at once whether theirs is one), and revoked ones. */
  listed: (key: string) => boolean;
  revoked: (key: string) => boolean;
  events: number;
}

/** The first 20 hex characters of the election hash, in groups of four: "1a2b 3c4d 5e6f 7a8b 9c0d". */
export function electionFingerprint(electionHash: string): string {
  return (electionHash.slice(0, 20).match(/.{4}/g) ?? []).join(' ');
}

/** Checks record lines (a prefix that reaches the poll's opening) and returns what a ballot may use. */
export async function checkElectionForVoter(lines: string[]): Promise<CheckedElection> {
  const { report, state, events } = await checkRecord(linesSource(lines));
  if (!report.okSoFar) {
    const failed = report.checks.filter((c) => c.failed > 0 && c.id !== 'record.complete');
    throw new ElectionCheckError(`the election record does not verify (${failed.map((c) => `${c.id}: ${c.failures[0]?.message ?? ''}`).join('; ')})`);
  }
  if (!state.manifest || !state.jointKey || !state.credentials) throw new ElectionCheckError('the record does not yet hold a finished key ceremony and credential list');
  const credentials = state.credentials;
  const revoked = state.revoked;
  return {
    electionHash: state.electionHash,
    fingerprint: electionFingerprint(state.electionHash),
    manifest: state.manifest,
    jointKey: state.jointKey,
    boardKey: state.boardKey,
    phase: state.phase,
    listed: (k) => credentials.has(k),
    revoked: (k) => revoked.has(k),
    events,
  };
}
