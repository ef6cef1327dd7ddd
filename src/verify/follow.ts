// Following a live board: the record's lines as the board appends them, fetched from its record URL
// (`GET …/record?from=SEQ`), resuming after a dropped connection, until the result is published.
// The first read streams live; a second read (the verifier's recount) fetches the whole record again,
// which the verifier compares line by line with what it checked (record.stable).
import type { RecordSource } from './record-check.js';

export interface FollowOptions {
  /** Seconds between polls of the board (default 2). */
  interval?: number;
  /** Told each time the connection drops (the follower keeps trying). */
  onRetry?: (error: string) => void;
  /** Stops following (for tests and Ctrl-C): the source then ends where it is. */
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

export function followSource(recordUrl: string, options: FollowOptions = {}): RecordSource {
  let reads = 0;
  return async function* () {
    const live = reads++ === 0;
    let next = 0;
    let pending = '';
    for (;;) {
      if (options.signal?.aborted) return;
      let text: string;
      try {
        const url = new URL(recordUrl);
        url.searchParams.set('from', String(next));
        const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
        if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
        text = await res.text();
      } catch (e) {
        options.onRetry?.((e as Error).message);
        await sleep(1000 * (options.interval ?? 2), options.signal);
        continue;
      }
      // Only whole lines count; a cut-off last line is fetched again from its start.
      pending = text;
      const cut = pending.lastIndexOf('\n');
      const lines = cut < 0 ? [] : pending.slice(0, cut).split('\n');
      let done = false;
      for (const line of lines) {
        next++;
        yield line;
        try { if ((JSON.parse(line) as { type?: unknown }).type === 'result') done = true; } catch { /* the verifier reports it */ }
      }
      if (done || !live) return;
      await sleep(1000 * (options.interval ?? 2), options.signal);
    }
  };
}
