// A web worker for the trustee page's ranked steps (web/lib/trustee-mix.ts): it fetches the whole
// record, checks it for this trustee with the verifier's own modules, then shuffles with proof or
// decrypts the last shuffle, and hands the signed payload back. The page posts it with the trustee's
// token (which never comes here). Shuffling 10,000 rows takes a while: here, the page stays responsive.
// The secret comes from the page's own storage and stays in this browser: this worker sends nothing.
// Its arithmetic is libsodium's WebAssembly where it may run, else noble (web/lib/trustee-mix-arithmetic.ts).
import type { TrusteeSecret } from '../../src/keyceremony/trustee.js';
import { isSodiumLoadAbort, loadArithmetic, type Arithmetic } from '../lib/trustee-mix-arithmetic.js';
import { makeRankedStep, MixRefusal, type RankedStep, type StepDone, type StepProgress } from '../lib/trustee-mix.js';

export interface MixRequest { step: RankedStep; secret: TrusteeSecret; recordUrl: string }
export type MixMessage =
  | { kind: 'progress'; progress: StepProgress | { phase: 'fetch' } }
  | { kind: 'arithmetic'; arithmetic: Arithmetic }
  | { kind: 'done'; done: StepDone }
  | { kind: 'refused'; code: MixRefusal['code']; message: string; detail: MixRefusal['detail'] }
  | { kind: 'error'; message: string };

const post = (m: MixMessage) => (self as unknown as { postMessage(m: MixMessage): void }).postMessage(m);

// Started as the worker loads, beside the record's fetch.
const arithmetic = loadArithmetic();
// libsodium's loader leaves a rejection of its own behind when WebAssembly is refused: the fallback
// has answered it (and the page says so); any other rejection still surfaces.
self.addEventListener('unhandledrejection', (ev) => { if (isSodiumLoadAbort(ev.reason)) ev.preventDefault(); });

async function recordLines(url: string): Promise<string[]> {
  const res = await fetch(url, { cache: 'no-store', credentials: 'same-origin', headers: { accept: 'application/x-ndjson' } });
  if (!res.ok) throw new Error(`the record could not be fetched (${res.status})`);
  // Bytes that are not UTF-8 are not a record: refused, never read past.
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(await res.arrayBuffer());
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

self.onmessage = (ev: MessageEvent<MixRequest>) => {
  void (async () => {
    try {
      post({ kind: 'progress', progress: { phase: 'fetch' } });
      const lines = await recordLines(ev.data.recordUrl);
      post({ kind: 'arithmetic', arithmetic: await arithmetic });
      const done = await makeRankedStep(ev.data.step, ev.data.secret, lines, (progress) => post({ kind: 'progress', progress }));
      post({ kind: 'done', done });
    } catch (e) {
      if (e instanceof MixRefusal) post({ kind: 'refused', code: e.code, message: e.message, detail: e.detail });
      else post({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  })();
};
