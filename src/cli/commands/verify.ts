// `veche verify RECORD`: the independent check, from the record alone.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileSource, verifyRecord, type RecordSource } from '../../verify/verifier.js';
import { followSource } from '../../verify/follow.js';
import { standing } from '../../verify/standing.js';
import { checkReceipts, parseReceiptsFile, type ReceiptsReport } from '../../verify/receipts.js';
import { formatResult } from '../format.js';
import { intOption, parse, UsageError } from '../args.js';
import { QueuePool } from '../../verify/queue/queue-pool.js';
import { checkMeetingRecord } from '../../meeting/verify.js';

export const VERIFY_HELP = `Usage: veche verify RECORD [--final] [--receipts FILE] [--json]
       veche verify --follow URL [--final]

Recomputes every check of an election from its record alone (the JSON Lines file that the board
publishes): the hash chain, the manifest, the signed key ceremony, the signed credential list, every
ballot's signature and proofs, which ballot of each voter counts, the encrypted tally, every
decryption share and its proof, the counts and the outcomes. Prints each check, where the election
stands ("poll open, 1,204 ballots, every check so far holds") and the result it recomputed.
Any prefix of a record can be checked: exits 0 if every check so far holds, 1 if any fails.
  --final          also require a published result (exit 1 without one)
  --elections DIR  a meeting's record: where the records of its secret votes' elections are, as
                   DIR/<election id>.jsonl (default: the meeting record's own folder); each is
                   verified in full and must be the one the meeting's result names (spec §19 M7)
  --follow URL     follow a live board: URL is its record (http://HOST/api/elections/ID/record);
                   each new event is checked as it arrives, with a line per event; a dropped
                   connection is retried; ends (and recounts) when the result is published
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
  --queue postgres://...  check and re-sum the ballots on \`veche worker\` processes (any number of
                   machines) through a job queue in that PostgreSQL database; this process plans,
                   applies the answers in record order and prints the same report. Stopped and
                   started again, it reuses every batch the workers already answered.
  --job-ballots N  ballots per queued job (default 256)
  --job-timeout S  seconds after which a job whose worker died goes to another (default 300)
`;

export async function verifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, receipts: { type: 'string' }, final: { type: 'boolean' }, follow: { type: 'string' }, queue: { type: 'string' }, 'job-ballots': { type: 'string' }, 'job-timeout': { type: 'string' }, elections: { type: 'string' } }, true);
  if (values.help) { process.stdout.write(VERIFY_HELP); return 0; }
  if (values.follow !== undefined) {
    if (positionals.length > 0 || values.receipts !== undefined || values.queue !== undefined) throw new UsageError('--follow takes a URL instead of a record file, and no --receipts or --queue');
    return follow(values.follow as string, values.final === true);
  }
  if (positionals.length !== 1) throw new UsageError('name one record file (see veche verify --help)');
  const path = positionals[0]!;
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  const final = values.final === true;
  // A meeting's record (spec §19) has its own checks: its first event says which kind of record it is.
  if (firstEventType(path) === 'meeting') {
    if (values.receipts !== undefined || values.queue !== undefined) throw new UsageError('--receipts and --queue are for election records; this is a meeting record');
    return verifyMeeting(path, final, values.json === true, (values.elections as string | undefined) ?? dirname(path));
  }
  if (values.elections !== undefined) throw new UsageError('--elections is for a meeting record; this is an election record');
  let receipts: ReceiptsReport | null = null;
  if (values.receipts !== undefined) {
    let text: string;
    try { text = readFileSync(values.receipts, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${values.receipts}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    const parsed = parseReceiptsFile(text);
    if (parsed.length === 0) throw new UsageError(`no receipts in ${values.receipts}`);
    receipts = await checkReceipts(fileSource(path), parsed);
  }
  const queue = queueOptions(values);
  const started = Date.now();
  const { report, state, events } = await verifyRecord(fileSource(path), (n) => {
    if (process.stderr.isTTY) process.stderr.write(`\rverifying: ${n} events`);
  }, queue ?? {});
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const holds = final ? report.ok : report.okSoFar;
  const where = standing(state, report, events);
  if (values.json) {
    console.log(JSON.stringify({ ok: holds && (receipts?.ok ?? true), final: report.ok, standing: where, events, checks: report.checks, warnings: report.warnings, result: state.result, ...(receipts ? { receipts } : {}) }, null, 2));
    return holds && (receipts?.ok ?? true) ? 0 : 1;
  }
  console.log(`Record ${path}: ${events} events, election ${state.manifest?.id ?? '?'} (${state.electionHash || 'unknown hash'})`);
  for (const c of report.checks) {
    const mark = c.failed > 0 ? 'FAIL' : c.passed > 0 ? 'pass' : ' -- ';
    console.log(`  [${mark}] ${c.id.padEnd(24)} ${c.description}${c.passed + c.failed > 1 ? ` (${c.passed} passed${c.failed ? `, ${c.failed} failed` : ''})` : ''}`);
    for (const f of c.failures) console.log(`         ${f.seq !== null ? `event ${f.seq}: ` : ''}${f.message}`);
  }
  for (const w of report.warnings) console.log(`  WARNING ${w.seq !== null ? `(event ${w.seq}) ` : ''}${w.message}`);
  console.log('');
  if (state.result && state.manifest && report.ok) console.log(formatResult(state.manifest, state.result));
  console.log(`Standing: ${where}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(report.ok ? `VERIFIED: every check holds (${seconds} s)`
    : holds ? `VERIFIED SO FAR: every check holds; no result yet (${seconds} s)`
      : `NOT VERIFIED: failing checks: ${report.failedChecks.join(', ') || 'record.complete'}`);
  if (receipts) {
    const r = receipts;
    console.log(`\nReceipts: ${r.present} on the record${r.final ? ' and counted' : ''}, ${r.missing} MISSING, ${r.superseded} superseded, ${r.revoked} revoked, ${r.invalid} invalid`);
    for (const c of r.checks) if (c.status !== 'present') console.log(`  line ${c.line}${c.trackingCode ? ` (${c.trackingCode.slice(0, 16)}…)` : ''}: ${c.message}`);
    if (!r.final) console.log('  poll still open: a later ballot could still replace any receipted one; check again after the poll closes');
    console.log(!r.ok ? 'RECEIPTS NOT OK' : r.final ? 'RECEIPTS OK: every receipted ballot is on the record and counted' : 'RECEIPTS OK SO FAR: every receipted ballot is on the record (poll still open)');
  }
  return holds && (receipts?.ok ?? true) ? 0 : 1;
}

/** --queue: the ballots go to queue workers, all of them (the coordinator only plans and applies). */
function queueOptions(values: Record<string, unknown>): { pool: (ctx: ConstructorParameters<typeof QueuePool>[1]) => QueuePool; parallelAfter: number } | null {
  if (values.queue === undefined) return null;
  const url = values.queue as string;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--queue: expected a PostgreSQL URL, like postgres://user@host/db');
  const jobBallots = intOption(values, 'job-ballots', 256, 1, 100_000);
  const jobTimeoutSeconds = intOption(values, 'job-timeout', 300, 1, 86_400);
  return {
    parallelAfter: 0,
    pool: (ctx) => new QueuePool(url, ctx, {
      jobBallots, jobTimeoutSeconds,
      // One line per job queued (stderr), so an operator sees what a restart reused.
      onStats: (s) => process.stderr.write(`queue: run ${s.run.slice(0, 12)}: ${s.batchesReused} batches reused, ${s.batchesQueued} queued in ${s.jobsQueued} jobs\n`),
    }),
  };
}

/** --follow: a line per event as it arrives; the recount and the verdict when the result is published. */
async function follow(url: string, final: boolean): Promise<number> {
  if (!/^https?:\/\//.test(url)) throw new UsageError('--follow: expected the record URL, like http://localhost:8080/api/elections/demo/record');
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  const source: RecordSource = followSource(url, { signal: stop.signal, onRetry: (err) => console.error(`connection lost (${err}); retrying`) });
  let failedBefore = 0;
  const { report, state, events } = await verifyRecord(source, undefined, {
    workers: 0,
    onEvent: (e, st, r) => {
      const failed = r.checks.reduce((a, c) => a + c.failed, 0);
      const mark = failed > failedBefore ? 'FAIL' : 'ok  ';
      failedBefore = failed;
      console.log(`[${mark}] ${String(e.seq).padStart(6)} ${e.type.padEnd(18)} ${standing(st, r, e.seq + 1)}`);
    },
  });
  console.log(`Standing: ${standing(state, report, events)}`);
  for (const c of report.checks) for (const f of c.failures) console.log(`  FAIL ${c.id} ${f.seq !== null ? `event ${f.seq}: ` : ''}${f.message}`);
  const holds = final ? report.ok : report.okSoFar;
  console.log(report.ok ? 'VERIFIED: every check holds' : holds ? 'VERIFIED SO FAR: every check holds' : 'NOT VERIFIED');
  return holds ? 0 : 1;
}

/** The type of a record file's first event, or null when its first line is not an event. */
function firstEventType(path: string): string | null {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const first = buf.subarray(0, n).toString('utf8').split('\n')[0]!;
    const type = /"type":"([a-z-]+)"/.exec(first)?.[1];
    return type ?? null;
  } finally {
    closeSync(fd);
  }
}

/** `veche verify` on a meeting's record: every check of spec §19 M8. */
async function verifyMeeting(path: string, final: boolean, json: boolean, electionsDir: string): Promise<number> {
  // A secret vote's election record, read from the folder; a missing one fails meeting.secret.
  const elections = async (id: string): Promise<string[] | null> => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) || id.includes('..')) return null;
    const file = join(electionsDir, `${id}.jsonl`);
    if (!existsSync(file)) return null;
    return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  };
  const { report, state, events } = await checkMeetingRecord(fileSource(path)(), { elections });
  const holds = final ? report.ok : report.holdsSoFar;
  if (json) {
    console.log(JSON.stringify({ ok: holds, final: report.ok, events, checks: report.checks }, null, 2));
    return holds ? 0 : 1;
  }
  console.log(`Meeting record ${path}: ${events} events${state ? `, body ${state.body.name}` : ''}`);
  for (const c of report.checks) {
    const mark = c.failed > 0 ? 'FAIL' : c.passed > 0 ? 'pass' : ' -- ';
    console.log(`  [${mark}] ${c.id.padEnd(24)} ${c.description}${c.passed + c.failed > 1 ? ` (${c.passed} passed${c.failed ? `, ${c.failed} failed` : ''})` : ''}`);
    for (const f of c.failures) console.log(`         ${f.seq !== null ? `event ${f.seq}: ` : ''}${f.message}`);
  }
  console.log(report.ok ? 'VERIFIED: every check holds' : holds ? 'VERIFIED SO FAR: every check holds; the meeting is not closed yet' : `NOT VERIFIED: failing checks: ${report.checks.filter((c) => c.failed > 0).map((c) => c.id).join(', ')}`);
  return holds ? 0 : 1;
}
