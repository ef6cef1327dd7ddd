// The interface catalogs (web/i18n/LANG.json) read from disk, for texts made outside a browser (the PDF
// report). The pages fetch the same files.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogTexts, type Catalog, type Texts } from './texts.js';

// dist/src/result/ -> the repository's web/i18n/.
const DIR = fileURLToPath(new URL('../../../web/i18n/', import.meta.url));

function load(lang: string): Catalog | null {
  if (!/^[a-z]{2,3}$/.test(lang)) return null;
  const path = `${DIR}${lang}.json`;
  if (!existsSync(path)) return null;
  const c = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (typeof c !== 'object' || c === null || !Object.values(c).every((v) => typeof v === 'string')) throw new Error(`${path}: not a catalog of strings`);
  return c as Catalog;
}

/** The languages with a catalog: the first of `wanted` that has one ("pt-BR" tries "pt"), else English. */
export function reportLanguage(wanted: readonly string[]): string {
  return wanted.map((l) => l.split('-')[0]!.toLowerCase()).find((l) => load(l) !== null) ?? 'en';
}

/** Texts in `lang` (English where its catalog lacks a key). Throws for a language without a catalog. */
export function textsIn(lang: string): Texts {
  const en = load('en');
  const c = load(lang);
  if (!en) throw new Error(`the English catalog is missing (${DIR}en.json)`);
  if (!c) throw new Error(`no texts in the language "${lang}" (no ${DIR}${lang}.json)`);
  return catalogTexts(lang, c, en);
}
