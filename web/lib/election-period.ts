// The voting period as the booth shows it (and the organiser's preview): in the reader's own zone,
// named; in the election's zone too where that differs; and whether the poll may close early.
import { formatInZone, readerZone } from '../../src/manifest/zoned-time.js';
import { h, type Child } from './dom.js';
import { currentLanguage, t } from './i18n.js';

export function periodText(m: { opens?: string; closes?: string; timeZone?: string; earlyClose?: boolean }): Child {
  const when = (zone?: string) => ({ opens: m.opens ? formatInZone(m.opens, currentLanguage(), zone) : '—', closes: m.closes ? formatInZone(m.closes, currentLanguage(), zone) : '—' });
  return [
    h('p', { class: 'period' }, t('booth.period', when())),
    m.timeZone && m.timeZone !== readerZone() ? h('p', { class: 'hint' }, t('booth.periodElectionZone', { zone: m.timeZone, ...when(m.timeZone) })) : null,
    m.closes ? h('p', { class: 'hint' }, t(m.earlyClose ? 'booth.earlyCloseAllowed' : 'booth.closesOnTime')) : null,
  ];
}
