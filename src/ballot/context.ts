// Transcript contexts: what every ballot proof is bound to (election, credential, question, row, option).
import type { SelectionGroup } from '../manifest/types.js';

export const TAG_OPTION_PROOF = 'ballot/option';
export const TAG_SUM_PROOF = 'ballot/sum';
export const TAG_SIGNATURE = 'ballot/signature';
export const TAG_CONTENT = 'ballot/content';
export const TAG_TRACKING = 'ballot/tracking';

export function optionContext(election: string, credential: string, group: SelectionGroup, option: number) {
  return { election, credential, question: group.questionId, row: group.rowId, option: group.optionIds[option]! };
}

export function sumContext(election: string, credential: string, group: SelectionGroup) {
  return { election, credential, question: group.questionId, row: group.rowId, min: group.min, max: group.max };
}

export const signatureContext = (election: string) => ({ election });

export function range(min: number, max: number): number[] {
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}
