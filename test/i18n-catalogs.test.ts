// Every interface catalog (web/i18n/*.json) against English: the same keys, plural keys in exactly the
// categories Intl.PluralRules has for the language, the same placeholders, no empty value, and no value
// left in English unless it is right in that language too (an explicit list below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../web/i18n/', import.meta.url));
const load = (lang: string) => JSON.parse(readFileSync(`${dir}${lang}.json`, 'utf8')) as Record<string, unknown>;
const languages = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
const en = load('en') as Record<string, string>;

const CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'];
const PLURAL = new RegExp(`\\.(${CATEGORIES.join('|')})$`);
const base = (key: string) => key.replace(PLURAL, '');
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
const categories = (lang: string) => [...new Intl.PluralRules(lang).resolvedOptions().pluralCategories].sort();

/** English keys with plural forms, by their base ("index.ballots" for index.ballots.one/.other). */
const pluralBases = [...new Set(Object.keys(en).filter((k) => PLURAL.test(k)).map(base))];
const singleKeys = Object.keys(en).filter((k) => !PLURAL.test(k));

/** Texts rightly the same as English in that language: names, codes, words the language shares. */
const SAME_AS_ENGLISH: Record<string, string[]> = {
  de: ['admin.authorityStatus', 'admin.colLink', 'admin.manifestJson', 'admin.quorum', 'admin.trusteeName', 'board.colHash', 'board.phase', 'members.organisation', 'members.organisationIs', 'results.colOption', 'results.quorum'],
  es: ['admin.authorityStatus', 'board.colHash', 'common.no'],
  fr: ['admin.authorityStatus', 'admin.errQuestion', 'admin.options', 'admin.questionTitle', 'admin.questions', 'admin.quorum', 'admin.title', 'board.phase', 'members.actions', 'members.organisation', 'nav.admin', 'results.colOption', 'results.colVote', 'results.quorum', 'verdict.encouragement'],
  ru: ['admin.authorityStatus'],
  uk: ['admin.authorityStatus'],
};

test('the languages: English, Russian and at least four more', () => {
  for (const l of ['en', 'ru', 'de', 'fr', 'es', 'uk']) assert.ok(languages.includes(l), `web/i18n/${l}.json`);
});

test('English plural keys are in exactly its own categories', () => {
  for (const b of pluralBases) {
    const forms = CATEGORIES.filter((c) => `${b}.${c}` in en);
    assert.deepEqual(forms.sort(), categories('en'), b);
  }
});

for (const lang of languages.filter((l) => l !== 'en')) {
  test(`${lang}.json: the key set of en.json, plurals in the categories of Intl.PluralRules('${lang}')`, () => {
    const cat = load(lang);
    const wanted = [...singleKeys, ...pluralBases.flatMap((b) => categories(lang).map((c) => `${b}.${c}`))].sort();
    const have = Object.keys(cat).sort();
    assert.deepEqual(have.filter((k) => !wanted.includes(k)), [], `${lang}.json has keys it should not`);
    assert.deepEqual(wanted.filter((k) => !have.includes(k)), [], `${lang}.json lacks keys`);
  });

  test(`${lang}.json: the placeholders of English, plain text, nothing empty or left in English`, () => {
    const cat = load(lang);
    const same = new Set(SAME_AS_ENGLISH[lang] ?? []);
    const leftInEnglish: string[] = [];
    for (const [key, value] of Object.entries(cat)) {
      assert.equal(typeof value, 'string', `${lang}: ${key}`);
      const text = value as string;
      assert.ok(text.trim().length > 0, `${lang}: ${key} is empty`);
      assert.doesNotMatch(text, /<\/?[a-z][^>]*>/i, `${lang}: ${key} holds HTML`);
      if (PLURAL.test(key) ? !(`${base(key)}.other` in en) : !(key in en)) continue; // reported by the key-set test
      if (PLURAL.test(key)) {
        const other = placeholders(en[`${base(key)}.other`]!);
        // "one" may write the number as a word (so leave {n} out); every other form says all of English's.
        if (key.endsWith('.one')) assert.deepEqual(placeholders(text).filter((p) => !other.includes(p)), [], `${lang}: ${key} placeholders`);
        else assert.deepEqual(placeholders(text), other, `${lang}: ${key} placeholders`);
      } else {
        assert.deepEqual(placeholders(text), placeholders(en[key]!), `${lang}: ${key} placeholders`);
        if (text === en[key] && !same.has(key)) leftInEnglish.push(key);
      }
    }
    assert.deepEqual(leftInEnglish, [], `${lang}.json: texts still in English`);
    for (const key of same) assert.equal(cat[key], en[key], `${lang}: ${key} is on the same-as-English list but differs`);
  });

  test(`${lang}.json: language.name is the language's own name`, () => {
    const name = load(lang)['language.name'];
    const own = new Intl.DisplayNames([lang], { type: 'language' }).of(lang)!;
    assert.equal(String(name).toLocaleLowerCase(lang), own.toLocaleLowerCase(lang));
  });
}
