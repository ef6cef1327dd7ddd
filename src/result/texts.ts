// Texts from a catalog of the interface (web/i18n/LANG.json): {name} placeholders filled, numbers in the
// language's digits, and counted phrases in the language's plural form (`key.one`, `key.few`,
// `key.many`, `key.other`, as Intl.PluralRules names them for the language). One rule for the pages
// (web/lib/i18n.ts) and for what is made outside a browser (the PDF report). Browser-safe.

export type Catalog = Readonly<Record<string, string>>;
export type Params = Record<string, string | number>;

/** Fills {name} placeholders; numbers are written by `number`. Unknown placeholders stay as written. */
export function fillText(text: string, params: Params | undefined, number: (n: number) => string): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    return v === undefined ? m : typeof v === 'number' ? number(v) : v;
  });
}

/** The catalog key of the plural form of `key` for `n` in `lang` (`key.other` when that form is missing). */
export function pluralKey(lang: string, key: string, n: number, has: (k: string) => boolean): string {
  const form = `${key}.${new Intl.PluralRules(lang).select(n)}`;
  return has(form) ? form : `${key}.other`;
}

export interface Texts {
  readonly lang: string;
  /** The text for `key`, with placeholders filled; the key itself when no catalog has it. */
  t(key: string, params?: Params): string;
  /** The plural form of `key` for `n`, with {n} and the other placeholders filled. */
  tn(key: string, n: number, params?: Params): string;
  number(n: number): string;
  percent(part: number, whole: number): string;
}

/** Texts in `lang` from its catalog, English (`fallback`) where a key is missing. */
export function catalogTexts(lang: string, catalog: Catalog, fallback: Catalog): Texts {
  const lookup = (k: string): string | undefined => catalog[k] ?? fallback[k];
  const numbers = new Intl.NumberFormat(lang);
  const number = (n: number) => numbers.format(n);
  const t = (key: string, params?: Params) => fillText(lookup(key) ?? key, params, number);
  return {
    lang,
    t,
    tn: (key, n, params) => fillText(lookup(pluralKey(lang, key, n, (k) => lookup(k) !== undefined)) ?? key, { n, ...params }, number),
    number,
    percent: (part, whole) => (whole <= 0 ? '—' : new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(part / whole)),
  };
}
