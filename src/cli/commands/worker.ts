// `veche worker --queue URL`: runs verification jobs that `veche verify RECORD --queue URL` queues.
import { availableParallelism } from 'node:os';
import { intOption, parse, UsageError } from '../args.js';
import { startQueueWorker } from '../../verify/queue/worker.js';

export const WORKER_HELP = `Usage: veche worker --queue postgres://... [--threads N] [--job-timeout S]

Takes ballot-checking and tally jobs from the job queue in that PostgreSQL database (pg-boss), which
\`veche verify RECORD --queue postgres://...\` fills, and stores each answer there. Run any number of
these, on any number of machines; each needs only the database (the ballots travel in the jobs).
A worker that dies mid-job loses nothing: after the job's timeout another worker runs it again.
Stops on SIGINT or SIGTERM after the job in hand.
  --threads N      worker threads for a job's batches (default: one per core)
  --job-timeout S  the timeout of jobs in a queue this worker creates (default 300; see veche verify)
`;

export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { queue: { type: 'string' }, threads: { type: 'string' }, 'job-timeout': { type: 'string' } });
  if (values.help) { process.stdout.write(WORKER_HELP); return 0; }
  const url = values.queue as string | undefined;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--queue: expected a PostgreSQL URL, like postgres://user@host/db');
  const threads = intOption(values, 'threads', availableParallelism(), 0, 1024);
  const worker = await startQueueWorker(url, {
    threads,
    jobTimeoutSeconds: intOption(values, 'job-timeout', 300, 1, 86_400),
    onJob: (event, job) => process.stderr.write(`worker ${process.pid}: job ${job.id} ${event === 'start' ? 'started' : 'done'}: ${job.kind}, ${job.batches} batches${job.skipped ? ` (${job.skipped} already answered)` : ''}\n`),
  });
  process.stderr.write(`worker ${process.pid}: waiting for jobs (${threads} threads)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await worker.stop();
  return 0;
}
