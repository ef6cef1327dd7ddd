// The admin form's ranked question (issue 12): the counting methods it offers, the form's names for a
// ranked question's manifest fields (for the validator's messages), and the server's refusal of a
// manifest read back as its list of problems, so the form can say them in its own words.
import type { RankedQuestion } from '../../src/manifest/types.js';
import { ApiError } from './api.js';
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
