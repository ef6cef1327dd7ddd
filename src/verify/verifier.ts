// The independent verifier in Node: the core of src/verify/record-check.ts (the same one the booth and
// the trustee page run), with record files, the fastest group backend and worker threads.
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { enableFastBackend } from '../crypto/backend-sodium.js';
import { backend } from '../crypto/backend.js';
import { VerifierPool } from './parallel.js';
import { FRAMING } from './events.js';
import { checkRecord, type BallotPool, type CheckOptions, type RecordSource, type Verification } from './record-check.js';
import type { BallotPublicContext } from '../ballot/check-lines.js';

export { linesSource, type RecordSource, type Verification } from './record-check.js';

/** The lines of a record file (spec §9.1): split at LF bytes alone; each line decoded as strict UTF-8 (a line
 *  that is not gives a FRAMING message); an empty file gives one empty line, a last line without its LF is
 *  followed by a FRAMING message. A CR or BOM stays in its line, where readEvent refuses it. */
export function fileSource(path: string): RecordSource {
  return async function* () {
    const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const decode = (parts: Buffer[], n: number): string => {
      try { return utf8.decode(parts.length === 1 ? parts[0]! : Buffer.concat(parts)); } catch { return `${FRAMING}line ${n} is not valid UTF-8`; }
    };
    let parts: Buffer[] = [];
    let n = 0;
    let bytes = 0;
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      let start = 0;
      for (let lf = chunk.indexOf(10); lf !== -1; lf = chunk.indexOf(10, start)) {
        parts.push(chunk.subarray(start, lf));
        yield decode(parts, ++n);
        parts = [];
        start = lf + 1;
      }
      if (start < chunk.length) parts.push(chunk.subarray(start));
    }
    if (bytes === 0) yield '';
    else if (parts.length > 0) {
      yield decode(parts, ++n);
      yield `${FRAMING}the file does not end with a line feed (after line ${n})`;
    }
  };
}

export interface VerifyOptions {
  /**
   * Worker threads that check ballots and re-sum the tally. Default: one per core, started once the
   * record has shown more than 64 ballots (small records are checked faster in this thread). 0: none.
   */
  workers?: number;
  /** 'noble' keeps the pure-JS group; by default libsodium (WASM) is used when it loads. */
  backend?: 'noble' | 'sodium';
  /** Ballots checked in this thread before the workers start (default 64). */
  parallelAfter?: number;
  onEvent?: CheckOptions['onEvent'];
  /** Another pool for the ballots instead of this machine's threads (a job queue: src/verify/queue/). */
  pool?: (ctx: BallotPublicContext) => BallotPool;
}

export async function verifyRecord(source: RecordSource, onProgress?: (events: number) => void, options: VerifyOptions = {}): Promise<Verification> {
  if (options.backend !== 'noble') await enableFastBackend();
  const workers = options.workers ?? availableParallelism();
  const name = options.backend === 'noble' ? 'noble' : backend().name;
  return checkRecord(source, {
    ...(onProgress ? { onProgress } : {}),
    ...(options.parallelAfter !== undefined ? { parallelAfter: options.parallelAfter } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    makePool: options.pool ?? (workers > 0 ? (ctx) => new VerifierPool(workers, { ...ctx, backend: name }) : null),
  });
}
