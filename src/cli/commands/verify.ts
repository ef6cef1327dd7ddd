// `veche verify RECORD`: the independent check, from the record alone.
import { existsSync, readFileSync } from 'node:fs';
import { fileSource, verifyRecord } from '../../verify/verifier.js';
import { checkReceipts, parseReceiptsFile, type ReceiptsReport } from '../../verify/receipts.js';
import { formatResult } from '../format.js';
import { parse, UsageError } from '../args.js';

export const VERIFY_HELP = `Usage: veche verify RECORD [--receipts FILE] [--json]

Recomputes every check of an election from its record alone (the JSON Lines file that the board
publishes): the hash chain, the manifest, the key ceremony, the credential list, every ballot's
signature and proofs, which ballot of each voter counts, the encrypted tally, every decryption share
and its proof, the counts and the outcomes. Prints each check and the result it recomputed.
Exits 0 only if everything holds, 1 if any check fails.
  --receipts FILE  also check voters' receipts: JSON Lines (one receipt per line), one receipt as the
                   booth's "Download the receipt" saves it, or a JSON array of receipts. Each must be
                   signed by this board and its ballot must be on the record at the seq and hash it
                   names: a missing one is proof that the board dropped, reordered or rewrote events.
                   Once the poll has closed each must also be counted: a receipt is "superseded" if
                   a later ballot of the same credential, for which no receipt is given, replaced
                   it (someone else used the credential; give all of a voter's receipts, as a
                   re-vote by the voter is fine), and "revoked" if its credential was revoked.
                   While the poll is open a later ballot could still replace any of them.
  --json    print the report as JSON
`;

export async function verifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, receipts: { type: 'string' } }, true);
  if (values.help) { process.stdout.write(VERIFY_HELP); return 0; }
  if (positionals.length !== 1) throw new UsageError('name one record file (see veche verify --help)');
  const path = positionals[0]!;
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  let receipts: ReceiptsReport | null = null;
  if (values.receipts !== undefined) {
    let text: string;
    try { text = readFileSync(values.receipts, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${values.receipts}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    const parsed = parseReceiptsFile(text);
    if (parsed.length === 0) throw new UsageError(`no receipts in ${values.receipts}`);
    receipts = await checkReceipts(fileSource(path), parsed);
  }
  const started = Date.now();
  const { report, state, events } = await verifyRecord(fileSource(path), (n) => {
    if (process.stderr.isTTY) process.stderr.write(`\rverifying: ${n} events`);
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  if (values.json) {
    console.log(JSON.stringify({ ok: report.ok && (receipts?.ok ?? true), events, checks: report.checks, result: state.result, ...(receipts ? { receipts } : {}) }, null, 2));
    return report.ok && (receipts?.ok ?? true) ? 0 : 1;
  }
  console.log(`Record ${path}: ${events} events, election ${state.manifest?.id ?? '?'} (${state.electionHash || 'unknown hash'})`);
  for (const c of report.checks) {
    const mark = c.failed > 0 ? 'FAIL' : c.passed > 0 ? 'pass' : ' -- ';
    console.log(`  [${mark}] ${c.id.padEnd(24)} ${c.description}${c.passed + c.failed > 1 ? ` (${c.passed} passed${c.failed ? `, ${c.failed} failed` : ''})` : ''}`);
    for (const f of c.failures) console.log(`         ${f.seq !== null ? `event ${f.seq}: ` : ''}${f.message}`);
  }
  console.log('');
  if (state.result && state.manifest && report.ok) console.log(formatResult(state.manifest, state.result));
  console.log(report.ok ? `VERIFIED: every check holds (${((Date.now() - started) / 1000).toFixed(1)} s)` : `NOT VERIFIED: failing checks: ${report.failedChecks.join(', ') || 'record.complete'}`);
  if (receipts) {
    const r = receipts;
    console.log(`\nReceipts: ${r.present} on the record${r.final ? ' and counted' : ''}, ${r.missing} MISSING, ${r.superseded} superseded, ${r.revoked} revoked, ${r.invalid} invalid`);
    for (const c of r.checks) if (c.status !== 'present') console.log(`  line ${c.line}${c.trackingCode ? ` (${c.trackingCode.slice(0, 16)}…)` : ''}: ${c.message}`);
    if (!r.final) console.log('  poll still open: a later ballot could still replace any receipted one; check again after the poll closes');
    console.log(!r.ok ? 'RECEIPTS NOT OK' : r.final ? 'RECEIPTS OK: every receipted ballot is on the record and counted' : 'RECEIPTS OK SO FAR: every receipted ballot is on the record (poll still open)');
  }
  return report.ok && (receipts?.ok ?? true) ? 0 : 1;
}
