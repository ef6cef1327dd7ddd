// The facts of the PDF report, from a record that verifies (final): the verifier's state, not anyone's
// word. A record that does not verify gets no report.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileSource, linesSource, verifyRecord, type RecordSource } from '../verify/verifier.js';
import type { ReportFacts } from './pdf.js';

export class ReportRefused extends Error {
  override name = 'ReportRefused';
}

/** The time of the last event of `type` in the record's lines (canonical JSON ends with its type). */
function timeOf(lines: readonly string[], type: string): string | null {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.endsWith(`"type":${JSON.stringify(type)}}`)) return (JSON.parse(lines[i]!) as { time: string }).time;
  return null;
}

async function factsOf(source: RecordSource, lines: readonly string[], sha256: string, recordUrl: string | null): Promise<ReportFacts> {
  const { report, state, events } = await verifyRecord(source);
  if (!report.ok || !state.manifest || !state.result || !state.credentials)
    throw new ReportRefused(`the record does not verify (${report.failedChecks.join(', ') || 'no result'}): no report is made from it`);
  return {
    manifest: state.manifest,
    result: state.result,
    electionHash: state.electionHash,
    eligibleVoters: state.credentials.size - state.replaced.size, // a re-issued credential is the same voter
    recordSha256: sha256,
    events,
    opened: timeOf(lines, 'poll-opened'),
    closed: timeOf(lines, 'poll-closed'),
    published: timeOf(lines, 'result')!,
    recordUrl,
  };
}

/** From a record file (`veche result pdf`). */
export async function reportFactsFromFile(path: string, recordUrl: string | null = null): Promise<ReportFacts> {
  const bytes = readFileSync(path);
  const lines = bytes.toString('utf8').split('\n');
  return factsOf(fileSource(path), lines, createHash('sha256').update(bytes).digest('hex'), recordUrl);
}

/** From the record's lines, each without its LF (the server's own record). */
export async function reportFactsFromLines(lines: string[], recordUrl: string | null = null): Promise<ReportFacts> {
  const hash = createHash('sha256');
  for (const l of lines) hash.update(`${l}\n`);
  return factsOf(linesSource(lines), lines, hash.digest('hex'), recordUrl);
}
