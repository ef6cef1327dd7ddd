// The phase of an election, in words.
import type { Phase } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

export const phaseText = (phase: Phase): string => t(`phase.${phase}`);

export const phaseBadge = (phase: Phase): HTMLElement => h('span', { class: `badge${phase === 'open' ? ' open' : ''}` }, phaseText(phase));
