// Plurals are right in every language (issue 11, point 9): the pages' own i18n module (web/lib/i18n.ts,
// bundled here with esbuild as the pages are, its catalogs fetched as in a browser) renders counted
// phrases for 1, 2, 5 and 21 in the form Intl.PluralRules gives; the texts made outside a browser (the
// PDF report, src/result/texts.ts) give the very same strings; `veche verify` says "1 ballot".
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { catalogTexts } from '../src/result/texts.js';
import { counted } from '../src/verify/standing.js';
import { catalog, loadPageModules } from './helpers/page-modules.js';

const LANGS = ['en', 'ru', 'uk', 'de', 'fr', 'es'];

interface PageI18n {
  setLanguage(lang: string, remember?: boolean): void;
  languageReady(): Promise<void>;
  currentLanguage(): string;
  tn(key: string, n: number, params?: Record<string, string | number>): string;
}
let page: PageI18n;

before(async () => {
  page = await loadPageModules<PageI18n>({ 'i18n.ts': ['setLanguage', 'languageReady', 'currentLanguage', 'tn'] });
});

async function use(lang: string): Promise<void> {
  page.setLanguage(lang, false);
  await page.languageReady();
  assert.equal(page.currentLanguage(), lang);
}

/** key -> language -> the texts for 1, 2, 5, 21. */
const EXPECTED: Record<string, Record<string, [string, string, string, string]>> = {
  'results.validVotes': {
    en: ['1 vote for candidates.', '2 votes for candidates.', '5 votes for candidates.', '21 votes for candidates.'],
    ru: ['1 голос за кандидатов.', '2 голоса за кандидатов.', '5 голосов за кандидатов.', '21 голос за кандидатов.'],
    uk: ['1 голос за кандидатів.', '2 голоси за кандидатів.', '5 голосів за кандидатів.', '21 голос за кандидатів.'],
    de: ['1 Stimme für Kandidaten.', '2 Stimmen für Kandidaten.', '5 Stimmen für Kandidaten.', '21 Stimmen für Kandidaten.'],
    fr: ['1 voix pour des candidats.', '2 voix pour des candidats.', '5 voix pour des candidats.', '21 voix pour des candidats.'],
    es: ['1 voto a candidatos.', '2 votos a candidatos.', '5 votos a candidatos.', '21 votos a candidatos.'],
  },
  'results.blankVotes': {
    en: ['1 blank vote.', '2 blank votes.', '5 blank votes.', '21 blank votes.'],
    ru: ['1 пустой голос.', '2 пустых голоса.', '5 пустых голосов.', '21 пустой голос.'],
    uk: ['1 порожній голос.', '2 порожні голоси.', '5 порожніх голосів.', '21 порожній голос.'],
    de: ['1 leere Stimme.', '2 leere Stimmen.', '5 leere Stimmen.', '21 leere Stimmen.'],
    fr: ['1 vote blanc.', '2 votes blancs.', '5 votes blancs.', '21 votes blancs.'],
    es: ['1 voto en blanco.', '2 votos en blanco.', '5 votos en blanco.', '21 votos en blanco.'],
  },
  'rules.approvalExactly': {
    en: ['Choose exactly 1 option.', 'Choose exactly 2 options.', 'Choose exactly 5 options.', 'Choose exactly 21 options.'],
    ru: ['Выберите ровно 1 вариант.', 'Выберите ровно 2 варианта.', 'Выберите ровно 5 вариантов.', 'Выберите ровно 21 вариант.'],
    uk: ['Оберіть рівно 1 варіант.', 'Оберіть рівно 2 варіанти.', 'Оберіть рівно 5 варіантів.', 'Оберіть рівно 21 варіант.'],
    de: ['Wählen Sie genau 1 Option.', 'Wählen Sie genau 2 Optionen.', 'Wählen Sie genau 5 Optionen.', 'Wählen Sie genau 21 Optionen.'],
    fr: ['Choisissez exactement 1 option.', 'Choisissez exactement 2 options.', 'Choisissez exactement 5 options.', 'Choisissez exactement 21 options.'],
    es: ['Elija exactamente 1 opción.', 'Elija exactamente 2 opciones.', 'Elija exactamente 5 opciones.', 'Elija exactamente 21 opciones.'],
  },
  'report.events': {
    en: ['1 event', '2 events', '5 events', '21 events'],
    ru: ['1 событие', '2 события', '5 событий', '21 событие'],
    uk: ['1 подія', '2 події', '5 подій', '21 подія'],
    de: ['1 Ereignis', '2 Ereignisse', '5 Ereignisse', '21 Ereignisse'],
    fr: ['1 événement', '2 événements', '5 événements', '21 événements'],
    es: ['1 evento', '2 eventos', '5 eventos', '21 eventos'],
  },
};

for (const lang of LANGS) {
  test(`${lang}: counted phrases for 1, 2, 5, 21 through the pages' i18n module`, async () => {
    await use(lang);
    for (const [key, byLang] of Object.entries(EXPECTED)) {
      assert.deepEqual([1, 2, 5, 21].map((n) => page.tn(key, n)), byLang[lang], `${lang}: ${key}`);
    }
  });
}

test('the PDF report\'s texts (src/result/texts.ts) give what the pages give, for every plural key and language', async () => {
  const en = catalog('en');
  const bases = [...new Set(Object.keys(en).filter((k) => /\.(one|other)$/.test(k)).map((k) => k.replace(/\.(one|other)$/, '')))];
  for (const lang of LANGS) {
    await use(lang);
    const tx = catalogTexts(lang, catalog(lang), en);
    for (const key of bases) for (const n of [0, 1, 2, 5, 21, 1_000_000]) assert.equal(tx.tn(key, n), page.tn(key, n), `${lang} ${key} ${n}`);
  }
});

test('veche verify\'s standing: "1 ballot", "2 ballots" (src/verify/standing.ts)', () => {
  assert.deepEqual([0, 1, 2, 21, 1204].map((n) => counted(n, 'ballot', 'ballots')), ['0 ballots', '1 ballot', '2 ballots', '21 ballots', '1,204 ballots']);
});

test('every count-bearing page text is in plural forms: no number next to a noun in a single-form key', () => {
  // English texts whose number stands right before a counted noun must be plural keys.
  const en = catalog('en');
  const single = Object.entries(en).filter(([k]) => !/\.(zero|one|two|few|many|other)$/.test(k));
  // meeting.castAll is shown only for two votes or more ("Cast these {n} votes").
  const shownForMany = new Set(['meeting.castAll']);
  const counted = single.filter(([k, v]) => !shownForMany.has(k) && /\{(n|count|total|ballots|max)\} (votes|ballots|options|events|credentials|trustees|voters|places)\b/.test(v)).map(([k]) => k);
  assert.deepEqual(counted, []);
});
