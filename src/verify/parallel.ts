// A small pool of verifier worker threads (node:worker_threads). Work goes out in batches of record
// lines; the caller keeps a bounded number of batches in flight and applies the answers in record order,
// so memory stays flat however long the record is.
import { Worker } from 'node:worker_threads';
import type { BallotCheckResult, BallotPublicContext } from '../ballot/check-lines.js';
import type { PartialSums } from './tally-ranges.js';

export type WorkerRequest =
  | { id: number; kind: 'check'; lines: string[] }
  | { id: number; kind: 'sum'; lines: string[]; weights: number[] };

export type WorkerReply =
  | { id: number; kind: 'check'; results: BallotCheckResult[] }
  | { id: number; kind: 'sum'; sums: PartialSums }
  | { id: number; kind: 'error'; message: string };

export class VerifierPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  private readonly load: number[];
  // A worker that stopped (crash, out of memory) never answers: it gets no more work, so nothing waits forever.
  private readonly alive: boolean[];
  private closing = false;
  private nextId = 0;

  constructor(size: number, ctx: BallotPublicContext & { backend?: 'noble' | 'sodium' | 'native' }) {
    this.alive = Array.from({ length: size }, () => true);
    this.workers = Array.from({ length: size }, (_, k) => {
      const w = new Worker(new URL('./ballot-worker.js', import.meta.url), { workerData: ctx });
      w.on('message', (reply: WorkerReply) => {
        const pending = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        pending?.resolve(reply);
      });
      w.on('error', (err) => { this.alive[k] = false; this.failAll(err); });
      w.on('exit', () => {
        this.alive[k] = false;
        if (!this.closing) this.failAll(new Error('a verifier worker stopped'));
      });
      return w;
    });
    this.load = this.workers.map(() => 0);
  }

  get size(): number { return this.workers.length; }

  private failAll(err: Error): void {
    for (const p of this.waiting.values()) p.reject(err);
    this.waiting.clear();
  }

  private send(req: WorkerRequest extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never): Promise<WorkerReply> {
    const id = this.nextId++;
    // The least loaded live worker takes the batch.
    let k = -1;
    for (let i = 0; i < this.load.length; i++) if (this.alive[i] && (k < 0 || this.load[i]! < this.load[k]!)) k = i;
    if (k < 0) return Promise.reject(new Error('no verifier worker is running'));
    this.load[k]!++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.workers[k]!.postMessage({ ...req, id });
    }).finally(() => { this.load[k]!--; });
  }

  async check(lines: string[]): Promise<BallotCheckResult[]> {
    const r = await this.send({ kind: 'check', lines });
    if (r.kind !== 'check') throw new Error(`verifier worker: ${r.kind === 'error' ? r.message : 'unexpected reply'}`);
    return r.results;
  }

  async sum(lines: string[], weights: number[]): Promise<PartialSums> {
    const r = await this.send({ kind: 'sum', lines, weights });
    if (r.kind !== 'sum') throw new Error(`verifier worker: ${r.kind === 'error' ? r.message : 'unexpected reply'}`);
    return r.sums;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
