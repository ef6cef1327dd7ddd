// A submission file: what a participant hands to the board. {kind, election, payload}.
import { UsageError } from './args.js';

export const SUBMISSION_KINDS = ['trustee-commitment', 'trustee-key', 'trustee-shares', 'trustee-complaint', 'trustee-ready', 'credentials', 'credential-revoked', 'credentials-added', 'ballot', 'decryption-share', 'mix', 'mix-decryption'] as const; // 'mix', 'mix-decryption': ranked
export type SubmissionKind = (typeof SUBMISSION_KINDS)[number];

export interface Submission { format: 'veche/submission/v1'; kind: SubmissionKind; election: string; payload: unknown }

export function makeSubmission(kind: SubmissionKind, election: string, payload: unknown): Submission {
  return { format: 'veche/submission/v1', kind, election, payload };
}

export function asSubmission(value: unknown, path: string): Submission {
  const s = value as Submission;
  if (typeof s !== 'object' || s === null || s.format !== 'veche/submission/v1' || !(SUBMISSION_KINDS as readonly string[]).includes(s.kind) || typeof s.election !== 'string') {
    throw new UsageError(`${path}: not a veche submission file (expected {format: "veche/submission/v1", kind, election, payload})`);
  }
  return s;
}
