// The pages' language files (web/i18n/*.json): every language says everything English says, with the
// same placeholders, and plural forms where English has them. Adding a language is adding one file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../web/i18n/', import.meta.url));
const load = (lang: string) => JSON.parse(readFileSync(`${dir}${lang}.json`, 'utf8')) as Record<string, string>;
const languages = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
const PLURAL = /\.(zero|one|two|few|many|other)$/;
const base = (key: string) => key.replace(PLURAL, '');
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('English and Russian are there', () => {
  assert.ok(languages.includes('en') && languages.includes('ru'));
});

for (const lang of languages) {
  test(`${lang}.json: every key of en.json, the same placeholders, a plural "other" form`, () => {
    const en = load('en');
    const cat = load(lang);
    assert.equal(typeof cat['language.name'], 'string');
    const keys = new Set(Object.keys(cat).map(base));
    const missing = [...new Set(Object.keys(en).map(base))].filter((k) => !keys.has(k));
    assert.deepEqual(missing, [], `${lang}.json lacks keys`);
    const extra = [...keys].filter((k) => !Object.keys(en).some((e) => base(e) === k));
    assert.deepEqual(extra, [], `${lang}.json has keys English does not`);
    for (const [key, text] of Object.entries(cat)) {
      assert.equal(typeof text, 'string', key);
      assert.ok(text.trim().length > 0, `${lang}: ${key} is empty`);
      if (PLURAL.test(key)) {
        assert.ok(`${base(key)}.other` in cat, `${lang}: ${base(key)} needs an "other" form`);
        // A plural form may leave out {n} (e.g. "one" written as a word) but adds no placeholder English lacks.
        const allowed = new Set(placeholders(en[`${base(key)}.other`] ?? ''));
        for (const p of placeholders(text)) assert.ok(allowed.has(p), `${lang}: ${key} has {${p}}`);
      } else {
        assert.deepEqual(placeholders(text), placeholders(en[key]!), `${lang}: ${key} placeholders`);
      }
    }
  });
}
