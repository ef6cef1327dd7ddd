// The admin page's ranked questions (issue 12): in the form, the counting methods it offers, the form's
// names for a ranked question's manifest fields (for the validator's messages), and the server's refusal
// of a manifest read back as its list of problems, so the form can say them in its own words; on the
// election's page, the ranked step after the poll closes (shuffles, their decryption, the count).
import type { Manifest, RankedQuestion } from '../../src/manifest/types.js';
import { ApiError, type BoardPage, type ElectionInfo } from './api.js';
import { h, type Child } from './dom.js';
import { adminCall } from './election-manage.js';
import { t } from './i18n.js';

export type RankedMethod = RankedQuestion['method'];

/** In the order the form's menu lists them (the manifest's own list, spec §5). */
export const RANKED_METHODS: readonly RankedMethod[] = ['meek-stv', 'scottish-stv', 'irv', 'schulze'];

/** The form's label of a ranked question's field, from the rest of a manifest path ("seats"), or null. */
export function rankedFieldWords(field: string): string | null {
  switch (field) {
    case 'seats': return t('admin.seats');
    case 'method': return t('admin.rankedMethod');
    case 'mustRankAll': return t('admin.rankAllLegend');
    default: return null;
  }
}

/**
 * The problems of a manifest the server refused (400 invalid-manifest), each "json.path: what is wrong"
 * as the validator wrote it; null for any other failure. The server's message is ManifestError's:
 * "invalid manifest: <one problem>" or "invalid manifest: N problems:\n  - a\n  - b".
 */
export function serverManifestErrors(e: unknown): string[] | null {
  if (!(e instanceof ApiError) || e.code !== 'invalid-manifest') return null;
  const text = e.message.replace(/^invalid manifest: /, '');
  const many = /^\d+ problems:\n {2}- /.exec(text);
  return many ? text.slice(many[0].length).split('\n  - ') : [text];
}

// ---- the election's ranked step (spec §20): mixes, their decryption, then the count ------------------

export const hasRankedQuestions = (m: Manifest): boolean => m.questions.some((q) => q.type === 'ranked');

/** Where the ranked questions are: shuffles and decryptions of the last shuffle on the board, counted yet. */
export interface RankedProgress { election: string; mixes: number; decryptions: number; counted: boolean }

/**
 * Read from the board's last page of rows (types only, never the mixes themselves): every mix,
 * mix-decryption and ranked-result comes after the last ballot, at most a few per trustee.
 */
export async function rankedProgress(id: string, headSeq: number, token: string): Promise<RankedProgress> {
  const from = Math.max(0, headSeq - 999);
  const page = await adminCall<BoardPage>('GET', `/api/elections/${encodeURIComponent(id)}/board?from=${from}&limit=1000`, token);
  const count = (type: string) => page.events.filter((e) => e.type === type).length;
  return { election: id, mixes: count('mix'), decryptions: count('mix-decryption'), counted: count('ranked-result') > 0 };
}

export interface RankedCardView { info: ElectionInfo; progress: RankedProgress | null; busy: boolean; onCount: () => void }

/** The poll card's ranked step, once the poll is closed and until the result is published. */
export function rankedCard(v: RankedCardView): Child {
  const { info, progress } = v;
  if (!hasRankedQuestions(info.manifest) || !(info.phase === 'closed' || info.phase === 'tallied') || !progress) return null;
  const needed = info.manifest.threshold;
  const ready = progress.mixes >= needed && progress.decryptions >= needed;
  return h('section', { class: 'card', 'aria-labelledby': 'ranked-heading', id: 'ranked-step' },
    h('h2', { id: 'ranked-heading' }, t('admin.rankedHeading')),
    progress.counted
      ? h('p', { id: 'ranked-status' }, t('admin.rankedCounted'))
      : [h('p', null, t('admin.rankedHelp')),
         h('p', { id: 'ranked-status' }, t('admin.rankedProgress', { mixes: progress.mixes, decryptions: progress.decryptions, needed })),
         h('div', { class: 'actions' }, h('button', { type: 'button', class: ready ? 'primary' : '', id: 'ranked-result', disabled: v.busy || !ready, onClick: v.onCount }, t('admin.rankedCount')))]);
}

/** Asks the board to decrypt the last shuffle, count every ranked question and publish the rounds. */
export async function countRanked(id: string, token: string): Promise<string> {
  await adminCall('POST', `/api/elections/${encodeURIComponent(id)}/ranked-result`, token, {});
  return t('admin.rankedCounted');
}
