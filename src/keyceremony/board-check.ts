// Before each of its steps, a trustee's tool (CLI or trustee page) checks the board it is shown:
// the record verifies so far with the verifier's own modules; it extends the chain the trustee saw at
// its last step (nothing was rewritten since); and it holds exactly what the trustee submitted. Any
// doubt stops the step with a message: a trustee never acts on a board it could not check.
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJson, toHex, utf8 } from '../crypto/encoding.js';
import { checkRecord, linesSource, type Verification } from '../verify/record-check.js';
import type { TrusteeSecret } from './trustee.js';

export class BoardCheckError extends Error {
  override name = 'BoardCheckError';
}

/** A local fingerprint of a payload (not a protocol hash): what the trustee remembers it submitted. */
export const payloadFingerprint = (payload: unknown): string => toHex(sha256(utf8(canonicalJson(payload))));

/** Remembers a submission, so the next step can check the board holds exactly it. */
export function noteSubmitted(secret: TrusteeSecret, type: string, payload: unknown): TrusteeSecret {
  return { ...secret, submitted: [...(secret.submitted ?? []), { type, payloadHash: payloadFingerprint(payload) }] };
}

/** Checks the record lines for this trustee; returns the verification and the secret with the new head seen. */
export async function checkBoardForTrustee(secret: TrusteeSecret, lines: string[]): Promise<{ verification: Verification; secret: TrusteeSecret }> {
  const verification = await checkRecord(linesSource(lines));
  const { report, state } = verification;
  if (!report.okSoFar) {
    const failed = report.checks.filter((c) => c.failed > 0 && c.id !== 'record.complete');
    throw new BoardCheckError(`the board's record does not verify (${failed.map((c) => `${c.id}: ${c.failures[0]?.message ?? ''}`).join('; ')}): stop and tell the other trustees`);
  }
  if (secret.election !== undefined && state.electionHash !== secret.election) throw new BoardCheckError(`this record is of election ${state.electionHash}, not ${secret.election} of this trustee`);
  if (secret.seen) {
    const line = lines[secret.seen.seq];
    let hash: unknown = null;
    try { hash = line === undefined ? null : (JSON.parse(line) as { hash?: unknown }).hash; } catch { hash = null; }
    if (hash !== secret.seen.hash) {
      throw new BoardCheckError(`the board rewrote its history: event ${secret.seen.seq} is not the one this trustee saw (${secret.seen.hash.slice(0, 16)}…): stop and tell the other trustees`);
    }
  }
  const onBoard = new Set(lines.map((l) => {
    try { const e = JSON.parse(l) as { type: string; payload: unknown }; return `${e.type} ${payloadFingerprint(e.payload)}`; } catch { return ''; }
  }));
  for (const s of secret.submitted ?? []) {
    if (!onBoard.has(`${s.type} ${s.payloadHash}`)) throw new BoardCheckError(`the board does not hold this trustee's ${s.type} exactly as it was submitted: stop and tell the other trustees`);
  }
  return { verification, secret: { ...secret, seen: { seq: state.headSeq, hash: state.headHash } } };
}
