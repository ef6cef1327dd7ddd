// A web worker that checks an election's record in the reader's own browser, with the verifier's own
// modules (src/verify/record-check.ts), so the results page need not take the server's word for it.
// It streams the record from the server twice (the verifier's second pass re-reads the counted
// ballots and compares each with what the first pass checked), holding no ballot in memory between.
import { checkRecord, type RecordSource } from '../../src/verify/record-check.js';
import type { RankedResultPayload, ResultPayload } from '../../src/record/events.js';
import { rankedResultOf } from '../../src/verify/ranked.js'; // ranked

export interface VerifyRequest { recordUrl: string }
export type VerifyMessage =
  | { kind: 'progress'; events: number }
  | { kind: 'done'; ok: boolean; events: number; ballots: number; result: ResultPayload | null; ranked: RankedResultPayload | null; failures: { id: string; seq: number | null; message: string }[]; warnings: string[] }
  | { kind: 'error'; message: string };

const post = (m: VerifyMessage) => (self as unknown as { postMessage(m: VerifyMessage): void }).postMessage(m);

/** The record's lines as the server streams them; bytes that are not UTF-8 make the check fail. */
function streamedSource(url: string): RecordSource {
  return async function* () {
    const res = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
    if (!res.ok || !res.body) throw new Error(`the record could not be fetched (${res.status})`);
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const reader = res.body.getReader();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = rest.indexOf('\n')) >= 0) {
        yield rest.slice(0, cut);
        rest = rest.slice(cut + 1);
      }
    }
    rest += decoder.decode();
    if (rest !== '') yield rest;
  };
}

self.onmessage = (ev: MessageEvent<VerifyRequest>) => {
  void (async () => {
    try {
      let last = 0;
      const { report, state, events } = await checkRecord(streamedSource(ev.data.recordUrl), {
        onEvent: (e) => {
          const now = Date.now();
          if (now - last > 100) { last = now; post({ kind: 'progress', events: e.seq + 1 }); }
        },
      });
      const counted = [...state.lastBallot.keys()].filter((c) => !state.revoked.has(c)).length;
      const failures = report.checks.flatMap((c) => c.failures.map((f) => ({ id: c.id, seq: f.seq, message: f.message })));
      post({ kind: 'done', ok: report.ok, events, ballots: counted, result: state.result, ranked: rankedResultOf(state), failures, warnings: report.warnings.map((w) => w.message) });
    } catch (err) {
      // Fail closed: a record that cannot be read to its end is not checked.
      post({ kind: 'error', message: (err as Error).message });
    }
  })();
};
