// Interface languages: one JSON file per language in web/i18n/ (English is the fallback for missing keys).
// The language is chosen from those the page offers (for the booth: the election's languages), by the
// voter's earlier choice, else the browser's preferences; a switcher changes it at any time.
import catalogs from 'veche:i18n';

const STORAGE_KEY = 'veche-language';
const FALLBACK = 'en';

let current = FALLBACK;
let offered: string[] = Object.keys(catalogs);

export const availableLanguages = (): string[] => Object.keys(catalogs).sort();
export const currentLanguage = (): string => current;

/** The languages this page offers: `wanted` (e.g. the manifest's) among those that have a catalog. */
export function offerLanguages(wanted?: readonly string[]): string[] {
  const have = availableLanguages();
  const matches = (wanted ?? have).map((w) => have.find((l) => l === w) ?? have.find((l) => l === w.split('-')[0])).filter((l): l is string => !!l);
  offered = [...new Set(matches)];
  if (offered.length === 0) offered = [have.includes(FALLBACK) ? FALLBACK : have[0]!];
  return offered;
}

function stored(): string | null {
  try { return localStorage.getItem(STORAGE_KEY); } catch { return null; }
}

/** Picks the language: the stored choice if offered, else the first browser preference offered, else the first offered. */
export function chooseLanguage(): string {
  const candidates = [stored(), ...(navigator.languages ?? [navigator.language])].filter((l): l is string => !!l);
  let pick: string | undefined;
  for (const c of candidates) {
    pick = offered.find((l) => l === c) ?? offered.find((l) => l === c.split('-')[0]);
    if (pick) break;
  }
  setLanguage(pick ?? offered[0]!, false);
  return current;
}

export function setLanguage(lang: string, remember = true): void {
  current = catalogs[lang] ? lang : FALLBACK;
  document.documentElement.lang = current;
  if (remember) {
    try { localStorage.setItem(STORAGE_KEY, current); } catch { /* private mode: choice lasts for this page */ }
  }
}

function lookup(key: string): string | undefined {
  return catalogs[current]?.[key] ?? catalogs[FALLBACK]?.[key];
}

function fill(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? formatValue(params[name]!) : m));
}

const formatValue = (v: string | number): string => (typeof v === 'number' ? formatNumber(v) : v);

/** The text for `key` in the current language, with {name} placeholders filled. */
export function t(key: string, params?: Record<string, string | number>): string {
  return fill(lookup(key) ?? key, params);
}

/** A plural form: `key.one`, `key.few`, `key.many`, `key.other`… chosen by the language's rules for `n`. */
export function tn(key: string, n: number, params?: Record<string, string | number>): string {
  const form = new Intl.PluralRules(current).select(n);
  const text = lookup(`${key}.${form}`) ?? lookup(`${key}.other`) ?? key;
  return fill(text, { n, ...params });
}

/** True when the current catalog (or English) has `key`: for optional texts such as server error codes. */
export const has = (key: string): boolean => lookup(key) !== undefined;

export const formatNumber = (n: number): string => new Intl.NumberFormat(current).format(n);

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '—';
  return new Intl.NumberFormat(current, { style: 'percent', maximumFractionDigits: 1 }).format(part / whole);
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(current, { dateStyle: 'short', timeStyle: 'medium' }).format(d);
}

/** The language's own name, from its catalog. */
export const languageName = (lang: string): string => catalogs[lang]?.['language.name'] ?? lang;
