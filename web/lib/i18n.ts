// Interface languages: one JSON file per language in web/i18n/ (English is the fallback for missing keys).
// The language is chosen from those the page offers (for the booth: the election's languages), by the
// voter's earlier choice, else the browser's preferences; a switcher changes it at any time.
import { english, names } from 'veche:i18n';
import { fillText, pluralKey, type Params } from '../../src/result/texts.js';

const STORAGE_KEY = 'veche-language';
const FALLBACK = 'en';

/** The catalogs at hand: English always; another once fetched (English stands in until then). */
const catalogs: Record<string, Record<string, string>> = { [FALLBACK]: english };
let current = FALLBACK;
let offered: string[] = Object.keys(names);
/** The language asked for last, while its catalog is on its way. */
let wanted = FALLBACK;
let loaded: Promise<void> = Promise.resolve();
let onLoaded: () => void = () => {};

export const availableLanguages = (): string[] => Object.keys(names).sort();

/** What to do when a chosen language's catalog arrives (the page rerenders). */
export function whenLanguageLoads(f: () => void): void { onLoaded = f; }

/** Settles once the language asked for last is in use (or English, if its catalog cannot be had). */
export const languageReady = (): Promise<void> => loaded;

/** Fetches a catalog: a JSON object of strings only, else it is not used. */
async function fetchCatalog(lang: string): Promise<Record<string, string> | null> {
  try {
    const res = await fetch(`/assets/i18n/${encodeURIComponent(lang)}.json`, { credentials: 'same-origin' });
    if (!res.ok) return null;
    const c = (await res.json()) as unknown;
    if (typeof c !== 'object' || c === null || Array.isArray(c) || !Object.values(c).every((v) => typeof v === 'string')) return null;
    return c as Record<string, string>;
  } catch {
    return null;
  }
}
export const currentLanguage = (): string => current;
/** The language chosen last: the one in use, or the one whose texts are on their way (the switcher shows it). */
export const chosenLanguage = (): string => wanted;

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
  wanted = names[lang] ? lang : FALLBACK;
  if (remember) {
    try { localStorage.setItem(STORAGE_KEY, wanted); } catch { /* private mode: choice lasts for this page */ }
  }
  const use = (l: string) => { current = l; document.documentElement.lang = l; };
  if (catalogs[wanted]) { use(wanted); loaded = Promise.resolve(); return; }
  const asked = wanted;
  loaded = fetchCatalog(asked).then((c) => {
    if (c) catalogs[asked] = c;
    // Only the last choice counts; a catalog that cannot be had leaves the page in English.
    if (wanted !== asked) return;
    if (!c) wanted = FALLBACK;
    use(wanted);
    onLoaded();
  });
}

function lookup(key: string): string | undefined {
  return catalogs[current]?.[key] ?? catalogs[FALLBACK]?.[key];
}

const fill = (text: string, params?: Params): string => fillText(text, params, formatNumber);

/** The text for `key` in the current language, with {name} placeholders filled. */
export function t(key: string, params?: Params): string {
  return fill(lookup(key) ?? key, params);
}

/** A plural form: `key.one`, `key.few`, `key.many`, `key.other`… chosen by the language's rules for `n`
 *  (the rule of src/result/texts.ts, which the PDF report uses too). */
export function tn(key: string, n: number, params?: Params): string {
  return fill(lookup(pluralKey(current, key, n, (k) => lookup(k) !== undefined)) ?? key, { n, ...params });
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
export const languageName = (lang: string): string => names[lang] ?? lang;
