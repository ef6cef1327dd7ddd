// The trustee page's side of its ranked steps: where they stand (read from the record's mix events) and
// the worker that checks the record and makes the step (web/workers/trustee-mix.ts). The secret goes to
// that worker, in this browser, and nowhere else; the payload comes back to be posted by the page.
import type { TrusteeSecret } from '../../src/keyceremony/trustee.js';
import type { Arithmetic } from './trustee-mix-arithmetic.js';
import type { MixMessage, MixRequest } from '../workers/trustee-mix.js';
import { ApiError } from './api.js';
import { t } from './i18n.js';
import { MixRefusal, rankedStatusOf, type RankedStatus, type RankedStep, type StepDone, type StepProgress } from './trustee-mix.js';

const elections = (id: string) => `/api/elections/${encodeURIComponent(id)}`;

/** The mix events of the record (a status to show; each step checks the whole record itself). */
export async function fetchRankedStatus(election: string): Promise<RankedStatus> {
  let res: Response;
  try {
    res = await fetch(`${elections(election)}/record?types=mix,mix-decryption,ranked-result`, { cache: 'no-store', headers: { accept: 'application/x-ndjson' } });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (!res.ok) throw new ApiError(res.status, `http-${res.status}`, res.statusText);
  return rankedStatusOf((await res.text()).split('\n').filter((l) => l !== ''));
}

/** Runs one step in the worker; `onProgress` hears how it goes, `onArithmetic` which arithmetic it runs on. Rejects with MixRefusal on a refusal. */
export function runRankedStep(step: RankedStep, secret: TrusteeSecret, election: string, onProgress: (p: StepProgress | { phase: 'fetch' }) => void, onArithmetic: (a: Arithmetic) => void = () => {}): Promise<StepDone> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker('/assets/trustee-mix.js');
    } catch (e) {
      reject(new Error(t('trustee.mixWorkerFailed', { reason: (e as Error).message })));
      return;
    }
    const end = (f: () => void) => { worker.terminate(); f(); };
    worker.onmessage = (ev: MessageEvent<MixMessage>) => {
      const m = ev.data;
      if (m.kind === 'progress') onProgress(m.progress);
      else if (m.kind === 'arithmetic') onArithmetic(m.arithmetic);
      else if (m.kind === 'done') end(() => resolve(m.done));
      else if (m.kind === 'refused') end(() => reject(new MixRefusal(m.code, m.message, m.detail)));
      else end(() => reject(new Error(t('trustee.mixWorkerFailed', { reason: m.message }))));
    };
    worker.onerror = (ev) => end(() => reject(new Error(t('trustee.mixWorkerFailed', { reason: ev.message || 'the worker stopped' }))));
    const request: MixRequest = { step, secret, recordUrl: `${elections(election)}/record` };
    worker.postMessage(request);
  });
}
