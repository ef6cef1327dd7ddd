// The SQLite store's writer thread, seen from the store (the thread itself: src/board/sqlite-writer-main.ts):
// commit() writes a session's batch in one transaction there. The thread takes a moment to start
// (~0.1 s): until `ready`, the store commits on its own connection. A thread that dies fails what is in
// hand, and is no longer ready.
import { Worker } from 'node:worker_threads';
import { DuplicateBallot, SequenceConflict } from './store.js';
import type { EventRow } from './sqlite-append.js';
import type { WriterReply, WriterRequest } from './sqlite-writer-main.js';

type Request = WriterRequest extends infer R ? (R extends WriterRequest ? Omit<R, 'id'> : never) : never;

export class SqliteWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private next = 0;
  private started = false;
  private failure: Error | null = null;

  constructor(path: string) {
    this.worker = new Worker(new URL('./sqlite-writer-main.js', import.meta.url), { workerData: { path } });
    this.worker.on('message', (m: WriterReply) => {
      if (m.id === -1) { this.started = true; return; }
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (!p) return;
      if (m.ok) { p.resolve(); return; }
      // The store's own refusals keep their class: the board catches up after a SequenceConflict.
      p.reject(m.name === 'SequenceConflict' ? new SequenceConflict(m.message) : m.name === 'DuplicateBallot' ? new DuplicateBallot(m.message) : new Error(`sqlite writer: ${m.message}`));
    });
    const fail = (e: Error) => {
      this.failure ??= new Error(`sqlite writer thread: ${e.message}`);
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
    // Idle, the thread keeps no process alive; while a request is in hand it does.
    this.worker.unref();
  }

  /** Started and not failed: commits may go to it. */
  get ready(): boolean {
    return this.started && this.failure === null;
  }

  private request(r: Request): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...r, id });
    });
  }

  commit(election: string, rows: EventRow[]): Promise<void> { return this.request({ op: 'commit', election, rows }); }

  async close(): Promise<void> {
    // The thread closes its connection before it is stopped.
    if (this.ready) await this.request({ op: 'close' }).catch(() => undefined);
    this.failure ??= new Error('sqlite writer thread: the store is closed');
    await this.worker.terminate();
  }
}
