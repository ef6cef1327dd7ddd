// What organisers need in a manifest (issue 11, point 6): candidates a voter cannot tell apart are
// refused, candidates may have descriptions, options may be shown in a random order, an election may be
// a test, and every text may be given in each of the election's languages (spec §5, §5.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localizedManifest } from '../src/manifest/localize.js';
import { ManifestError, validateManifest } from '../src/manifest/validate.js';
import type { Manifest } from '../src/manifest/types.js';
import { smallManifest } from './helpers/election-fixture.js';

const errorsOf = (m: unknown): string[] => {
  try { validateManifest(m); return []; } catch (e) { if (e instanceof ManifestError) return [...e.errors]; throw e; }
};

test('manifest: two candidates with the same label (but for case and spaces) are refused, naming both', () => {
  const m = smallManifest('dup');
  const q = m.questions[0]!;
  if (q.type !== 'choice') throw new Error('unreachable');
  const errors = errorsOf({ ...m, questions: [{ ...q, candidates: [{ id: 'a', label: 'Anna Ivanova' }, { id: 'b', label: 'Boris' }, { id: 'c', label: '  anna ivanova ' }] }, m.questions[1]] });
  assert.deepEqual(errors, ['questions[0].candidates[2].label: the same candidate as number 1: "  anna ivanova "']);
  // Different ids with different labels are fine, and so is one label in two questions.
  assert.deepEqual(errorsOf(m), []);
});

test('manifest: descriptions, random order, test elections and translations are checked field by field', () => {
  const m = smallManifest('org');
  const [chair, projects] = m.questions as [Extract<Manifest['questions'][number], { type: 'choice' }>, Extract<Manifest['questions'][number], { type: 'approval' }>];
  const good = {
    ...m,
    test: true,
    languages: ['en', 'ru'],
    questions: [{ ...chair, shuffle: true, candidates: chair.candidates.map((c, i) => (i === 0 ? { ...c, description: 'Teacher, 12 years on the board.' } : c)) }, { ...projects, shuffle: false }],
    translations: { ru: { title: 'Тестовое голосование', questions: { chair: { title: 'Председатель', options: { a: { label: 'А', description: 'Учитель.' } } }, projects: { options: { p: { label: 'П' } } } } } },
  };
  const v = validateManifest(good);
  assert.equal(v.test, true);
  assert.equal((v.questions[0] as { shuffle?: boolean }).shuffle, true);
  assert.equal((v.questions[0] as { candidates: { description?: string }[] }).candidates[0]!.description, 'Teacher, 12 years on the board.');
  assert.equal(v.translations!.ru!.questions!.chair!.options!.a!.label, 'А');

  // Each wrong part is refused with its path.
  assert.match(errorsOf({ ...good, test: 'yes' })[0]!, /^test: /);
  assert.match(errorsOf({ ...good, questions: [{ ...good.questions[0], shuffle: 1 }, good.questions[1]] })[0]!, /^questions\[0\]\.shuffle: /);
  assert.match(errorsOf({ ...good, questions: [{ ...good.questions[0], candidates: [{ id: 'a', label: 'A', about: 'x' }, ...chair.candidates.slice(1)] }, good.questions[1]] })[0]!, /^questions\[0\]\.candidates\[0\]\.about: unknown field/);
  assert.deepEqual(errorsOf({ ...good, translations: { de: { title: 'Test' } } }), ['translations.de: unknown field'], 'a language the election does not offer');
  assert.deepEqual(errorsOf({ ...good, translations: { ru: { questions: { nope: { title: 'x' } } } } }), ['translations.ru.questions.nope: unknown field']);
  assert.deepEqual(errorsOf({ ...good, translations: { ru: { questions: { chair: { options: { zz: { label: 'x' } } } } } } }), ['translations.ru.questions.chair.options.zz: unknown field']);
  assert.match(errorsOf({ ...good, translations: { ru: { title: '' } } })[0]!, /^translations\.ru\.title: /);
  assert.match(errorsOf({ ...good, translations: { ru: { title: 'x'.repeat(501) } } })[0]!, /^translations\.ru\.title: /);
  // A "__proto__" key as JSON gives it (an own property) is just an unknown language.
  assert.deepEqual(errorsOf({ ...good, translations: JSON.parse('{"__proto__": {"title": "x"}}') }), ['translations.__proto__: unknown field']);
});

test('localized manifest: texts from the language asked for, the rest as written; ids, rules and order unchanged', () => {
  const m = validateManifest({
    ...smallManifest('loc'),
    languages: ['en', 'ru'],
    translations: { ru: { title: 'Голосование', questions: { chair: { title: 'Председатель', options: { b: { label: 'Б' } } } } } },
  });
  const ru = localizedManifest(m, 'ru');
  assert.equal(ru.title, 'Голосование');
  assert.equal(ru.description, m.description);
  assert.equal(ru.questions[0]!.title, 'Председатель');
  const labels = (x: Manifest) => (x.questions[0] as { candidates: { id: string; label: string }[] }).candidates.map((c) => `${c.id}:${c.label}`);
  assert.deepEqual(labels(ru), ['a:A', 'b:Б', 'c:C']);
  assert.equal(ru.questions[1]!.title, m.questions[1]!.title);
  assert.deepEqual(ru.questions.map((q) => [q.id, q.type]), m.questions.map((q) => [q.id, q.type]));
  assert.equal(localizedManifest(m, 'en'), m, 'no translation: the manifest itself');
  assert.deepEqual(labels(localizedManifest(m, 'de')), labels(m));
});
