// A queue worker (`veche worker --queue URL`): takes verification jobs from pg-boss, one at a time, runs
// each batch (in this machine's worker threads when it has any), stores every batch's answer in the
// results table, and only then lets pg-boss mark the job done. Any number of these run on any number of
// machines; a job whose worker dies is retried elsewhere after its timeout (src/verify/queue/boss.ts).
import PgBoss from 'pg-boss';
import type { BallotPublicContext } from '../../ballot/check-lines.js';
import { enableFastBackend } from '../../crypto/backend-sodium.js';
import { backend } from '../../crypto/backend.js';
import { VerifierPool } from '../parallel.js';
import { ResultStore } from './results.js';
import { QUEUE, runBatch, type JobData } from './jobs.js';
import { bossOptions, queueOptions, type QueueTiming } from './boss.js';

export interface QueueWorkerOptions extends QueueTiming {
  /** Worker threads for the batches of a job (default 0: this thread). */
  threads?: number;
  /** Called when a job starts and ends (for log lines). */
  onJob?: (event: 'start' | 'done', job: { id: string; kind: string; batches: number; skipped: number }) => void;
}

export interface QueueWorker {
  /** Stops taking jobs; the job in hand is finished first. */
  stop(): Promise<void>;
}

export async function startQueueWorker(url: string, options: QueueWorkerOptions = {}): Promise<QueueWorker> {
  await enableFastBackend();
  const results = await ResultStore.connect(url);
  const boss = new PgBoss({ connectionString: url, ...bossOptions(options) });
  boss.on('error', () => {});
  await boss.start();
  if (!(await boss.getQueue(QUEUE))) await boss.createQueue(QUEUE, { name: QUEUE, ...queueOptions(options) }).catch(() => {});
  // One run's context and thread pool at a time (a worker serving several runs switches between them).
  let current: { run: string; ctx: BallotPublicContext; pool: VerifierPool | null } | null = null;
  const contextOf = async (run: string) => {
    if (current?.run === run) return current;
    const ctx = await results.loadRun(run);
    if (!ctx) throw new Error(`no run ${run} in the results table`);
    await current?.pool?.close();
    const threads = options.threads ?? 0;
    current = { run, ctx, pool: threads > 0 ? new VerifierPool(threads, { ...ctx, backend: backend().name as 'noble' | 'sodium' | 'native' }) : null };
    return current;
  };
  await boss.work<JobData>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
    const { run, kind, batches } = job!.data;
    const { ctx, pool } = await contextOf(run);
    // Batches another worker already answered (this job is a retry, or a duplicate) are not redone.
    const done = await results.answers(run, batches.map((b) => b.batch));
    const todo = batches.filter((b) => !done.has(b.batch));
    options.onJob?.('start', { id: job!.id, kind, batches: batches.length, skipped: batches.length - todo.length });
    // Each batch is stored as soon as it is answered: a worker killed mid-job loses only the batches in hand.
    await Promise.all(todo.map(async (b) => {
      const answer = await runBatch(kind, b, ctx, pool);
      await results.save(run, [{ batch: b.batch, answer }]);
    }));
    options.onJob?.('done', { id: job!.id, kind, batches: batches.length, skipped: batches.length - todo.length });
  });
  return {
    async stop() {
      await boss.stop({ graceful: true, wait: true, close: true, timeout: 60_000 });
      await current?.pool?.close();
      await results.close();
    },
  };
}
