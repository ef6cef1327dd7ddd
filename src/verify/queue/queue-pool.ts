// The verifier's ballot pool over a job queue on PostgreSQL (pg-boss): the same check/sum as the worker
// threads of src/verify/parallel.ts, but each batch is done by `veche worker` processes on any number of
// machines. The sequential verifier (checkRecord) stays here and applies the answers in record order,
// so the report is the one `veche verify` prints without a queue.
//
// Batches are gathered into jobs of about `jobBallots` lines. Before a job is queued, the answers
// already stored for its batches are taken (a restarted coordinator resumes: finished ranges are not
// redone); the rest are queued, and their answers are read back from the results table as workers store
// them. A worker killed mid-job leaves its job active until the job's timeout, after which pg-boss
// hands it to another worker (retry); answers it stored before it died stay.
import PgBoss from 'pg-boss';
import type { BallotCheckResult, BallotPublicContext } from '../../ballot/check-lines.js';
import type { PartialSums } from '../tally-ranges.js';
import type { BallotPool } from '../record-check.js';
import { ResultStore } from './results.js';
import { batchKey, QUEUE, runId, type BatchAnswer, type BatchKind, type JobData } from './jobs.js';
import { bossOptions, queueOptions, type QueueTiming } from './boss.js';

export interface QueuePoolOptions extends QueueTiming {
  /** About how many ballot lines one job carries (default 256). */
  jobBallots?: number;
  /** Jobs queued and not yet answered, at most (default 32): what all workers together can take at once. */
  jobsInFlight?: number;
  /** Called once per job queued or batch found done, for progress lines. */
  onStats?: (stats: QueueStats) => void;
}

export interface QueueStats { run: string; batchesReused: number; batchesQueued: number; jobsQueued: number }

interface Waiting {
  kind: BatchKind;
  batch: string;
  lines: string[];
  weights?: number[];
  resolve: (a: BatchAnswer) => void;
  reject: (e: Error) => void;
}

const POLL_MS = 100;
// A batch waits this long for more batches to fill its job once the verifier stops sending (it is then
// waiting for answers, or about to read an event that is not a ballot).
const GATHER_MS = 20;

export class QueuePool implements BallotPool {
  /** checkRecord keeps up to 2·size batches of 16 lines in flight: enough to fill `jobsInFlight` jobs. */
  readonly size: number;
  readonly run: string;
  readonly stats: QueueStats;
  private readonly ready: Promise<{ boss: PgBoss; results: ResultStore }>;
  private readonly jobBallots: number;
  private gathering: Waiting[] = [];
  private gatherTimer: NodeJS.Timeout | null = null;
  private readonly outstanding = new Map<string, Waiting[]>();
  private poller: NodeJS.Timeout | null = null;
  private polling = false;
  private failure: Error | null = null;

  constructor(url: string, ctx: BallotPublicContext, private readonly options: QueuePoolOptions = {}) {
    this.jobBallots = options.jobBallots ?? 256;
    this.size = Math.max(1, Math.ceil(((options.jobsInFlight ?? 32) * this.jobBallots) / 32));
    const run = runId(ctx);
    this.run = run;
    this.stats = { run, batchesReused: 0, batchesQueued: 0, jobsQueued: 0 };
    this.ready = (async () => {
      const results = await ResultStore.connect(url);
      await results.saveRun(run, ctx);
      const boss = new PgBoss({ connectionString: url, ...bossOptions(options) });
      boss.on('error', () => {});
      await boss.start();
      if (!(await boss.getQueue(QUEUE))) await boss.createQueue(QUEUE, { name: QUEUE, ...queueOptions(options) }).catch(() => {});
      return { boss, results };
    })();
    // A failure to connect is reported by the first check or sum that waits on it.
    this.ready.catch((e: Error) => { this.failure = e; });
  }

  check(lines: string[]): Promise<BallotCheckResult[]> {
    return this.submit('check', lines).then((a) => {
      if (a.kind !== 'check' || a.results.length !== lines.length) throw new Error('verifier worker: unexpected reply');
      return a.results;
    });
  }

  sum(lines: string[], weights: number[]): Promise<PartialSums> {
    return this.submit('sum', lines, weights).then((a) => {
      if (a.kind !== 'sum') throw new Error('verifier worker: unexpected reply');
      return a.sums;
    });
  }

  private submit(kind: BatchKind, lines: string[], weights?: number[]): Promise<BatchAnswer> {
    return new Promise<BatchAnswer>((resolve, reject) => {
      const w: Waiting = { kind, batch: batchKey(kind, lines, weights), lines, ...(weights ? { weights } : {}), resolve, reject };
      if (this.gathering.length > 0 && this.gathering[0]!.kind !== kind) this.flush();
      this.gathering.push(w);
      const gathered = this.gathering.reduce((n, g) => n + g.lines.length, 0);
      if (gathered >= this.jobBallots) this.flush();
      else {
        if (this.gatherTimer) clearTimeout(this.gatherTimer);
        this.gatherTimer = setTimeout(() => this.flush(), GATHER_MS);
      }
    }).then((a) => {
      if (a.kind === 'error') throw new Error(`verifier worker: ${a.message}`);
      return a;
    });
  }

  /** Queues the gathered batches as one job, less those already answered. */
  private flush(): void {
    if (this.gatherTimer) { clearTimeout(this.gatherTimer); this.gatherTimer = null; }
    const batch = this.gathering;
    this.gathering = [];
    if (batch.length === 0) return;
    void this.queue(batch).catch((e: Error) => { for (const w of batch) w.reject(e); });
  }

  private async queue(waiting: Waiting[]): Promise<void> {
    const { boss, results } = await this.ready;
    const done = await results.answers(this.run, waiting.map((w) => w.batch));
    const todo: Waiting[] = [];
    for (const w of waiting) {
      const a = done.get(w.batch);
      if (a) { this.stats.batchesReused++; w.resolve(a); }
      else {
        const same = this.outstanding.get(w.batch);
        if (same) same.push(w); else { this.outstanding.set(w.batch, [w]); todo.push(w); }
      }
    }
    if (todo.length > 0) {
      const data: JobData = { run: this.run, kind: todo[0]!.kind, batches: todo.map((w) => ({ batch: w.batch, lines: w.lines, ...(w.weights ? { weights: w.weights } : {}) })) };
      await boss.send(QUEUE, data as unknown as object);
      this.stats.batchesQueued += todo.length;
      this.stats.jobsQueued++;
      this.poller ??= setInterval(() => void this.poll(), POLL_MS);
    }
    this.options.onStats?.(this.stats);
  }

  /** Reads back the answers workers stored for the outstanding batches. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const { results } = await this.ready;
      const found = await results.answers(this.run, [...this.outstanding.keys()]);
      for (const [batch, answer] of found) {
        for (const w of this.outstanding.get(batch) ?? []) w.resolve(answer);
        this.outstanding.delete(batch);
      }
    } catch (e) {
      // A lost connection: the next poll tries again (the pool reconnects); answers wait in the table.
      this.failure = e as Error;
    } finally {
      this.polling = false;
      if (this.outstanding.size === 0 && this.poller) { clearInterval(this.poller); this.poller = null; }
    }
  }

  async close(): Promise<void> {
    this.flush();
    if (this.poller) { clearInterval(this.poller); this.poller = null; }
    for (const ws of this.outstanding.values()) for (const w of ws) w.reject(new Error('the queue pool was closed'));
    this.outstanding.clear();
    try {
      const { boss, results } = await this.ready;
      await boss.stop({ graceful: false, wait: true, close: true });
      await results.close();
    } catch {
      // Never connected: nothing to close (the failure went to the waiting checks).
    }
  }

  /** Why the last poll failed (for a progress line), or null. */
  get lastFailure(): Error | null { return this.failure; }
}
