// The board's intake checks on a thread of their own (opt-in: useCheckThread(), which the server calls
// when VECHE_CHECK_THREAD=1). A ballot's proof check is milliseconds of CPU; on the event loop it delays
// every answer from the database, among them the one that grants a group-commit session its lock, so
// the lock is held that much longer, across all processes. On this thread the check is the same call
// (checkBallot, src/ballot/check.ts), and the event loop only does I/O and the short sequencing step.
import { Worker } from 'node:worker_threads';
import type { BallotPublicContext } from '../ballot/check.js';
import type { BallotJson } from '../ballot/types.js';

/** What a check on the thread answers: the ballot as checked, or the check's refusal (code and message). */
export type ThreadCheck =
  | { ok: true; ballot: BallotJson; trackingCode: string; credential: string }
  | { ok: false; code: string | null; message: string };

interface Pending { resolve: (r: ThreadCheck) => void; reject: (e: Error) => void }

export class CheckThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private failure: Error | null = null;

  constructor() {
    this.worker = new Worker(new URL('./check-thread-main.js', import.meta.url));
    this.worker.on('message', (m: { id: number; result: ThreadCheck }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      p?.resolve(m.result);
    });
    // A thread that dies fails the checks in hand and every later one (the caller's request fails, nothing is appended).
    const fail = (e: Error) => {
      this.failure = new Error(`ballot check thread: ${e.message}`);
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
    // Idle, the thread keeps no process alive; while a check is in hand it does.
    this.worker.unref();
  }

  check(input: unknown, ctx: BallotPublicContext): Promise<ThreadCheck> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise<ThreadCheck>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, input, ctx });
    });
  }
}

let shared: CheckThread | null = null;

/** Boards of this process check ballots on one thread of their own from now on. */
export function useCheckThread(): void {
  shared ??= new CheckThread();
}

/** The process's check thread, if useCheckThread() was called. */
export const checkThread = (): CheckThread | null => shared;
