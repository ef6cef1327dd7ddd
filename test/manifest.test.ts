import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManifestError, parseManifestJson, validateManifest, LIMITS } from '../src/manifest/validate.js';
import { parseStrictJson, JsonSyntaxError, MAX_JSON_DEPTH } from '../src/manifest/json.js';
import { ChoicesError, decodeSelections, encodeChoices, selectionGroups, validateChoices } from '../src/manifest/layout.js';
import type { Choices, Manifest } from '../src/manifest/types.js';
import { choicesArb, manifestArb } from './manifest-arbitraries.test.js';
import { testDemoManifest } from './helpers/election.js';

// One demo manifest for the whole file: testDemoManifest() makes fresh signing keys on every call, so two
// calls give two different (equally valid) manifests. Each use gets its own deep copy of this one.
const demo = testDemoManifest();
const demoManifest = (): Manifest => structuredClone(demo);

/** The errors validateManifest reports for `m`, or [] when it accepts it. */
function errorsOf(m: unknown): readonly string[] {
  try {
    validateManifest(m);
    return [];
  } catch (e) {
    assert.ok(e instanceof ManifestError, `expected a ManifestError, got ${String(e)}`);
    return e.errors;
  }
}

/** The demo manifest edited by `f` (on a deep copy typed loosely, so that tests can break it). */
function edited(f: (m: any) => void): unknown {
  const m = structuredClone(demoManifest()) as any;
  f(m);
  return m;
}

describe('validateManifest', () => {
  test('accepts the demo manifest and returns an equal copy, not the same object', () => {
    const d = demoManifest();
    const m = validateManifest(d);
    assert.deepEqual(m, d);
    assert.notEqual(m, d);
    assert.notEqual(m.questions[0], d.questions[0]);
    assert.equal(d.questions.length, 4);
    assert.deepEqual(d.trustees.map((t) => t.id), ['t1', 't2', 't3']);
    assert.equal(d.threshold, 2);
  });

  test('names the JSON path of a duplicate option id', () => {
    const errs = errorsOf(edited((m) => (m.questions[1].options[1].id = m.questions[1].options[0].id)));
    assert.deepEqual(errs, ['questions[1].options[1].id: duplicate id "solar-roof"']);
  });

  test('collects every error, not only the first, and lists them in the message', () => {
    const bad = edited((m) => {
      m.id = 'Demo!';
      m.questions[0].candidates[2].label = '   ';
      m.questions[1].max = 9;
      m.questions[3].quorum = { num: 3, den: 2 };
      m.trustees[1].id = 't1';
      m.threshold = 4;
      m.extra = true;
    });
    try {
      validateManifest(bad);
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof ManifestError);
      assert.deepEqual([...e.errors].sort(), [
        'extra: unknown field',
        'id: invalid id "Demo!": use 1 to 64 of a-z, 0-9 and "-"',
        'questions[0].candidates[2].label: must not be empty',
        'questions[1].max: 9 is more than the number of options (5)',
        'questions[3].quorum: 3/2 is more than 1 (num must not exceed den)',
        'threshold: 4 is more than the number of trustees (3)',
        'trustees[1].id: duplicate id "t1"',
      ]);
      for (const x of e.errors) assert.ok(e.message.includes(x));
    }
  });

  const cases: [string, (m: any) => void, string][] = [
    ['not an object', () => {}, ''],
    ['wrong version', (m) => (m.version = 'veche/manifest/v1'), 'version: expected "veche/manifest/v2", got the string "veche/manifest/v1"'],
    ['trustee without a signing key', (m) => delete m.trustees[0].signingKey, 'trustees[0].signingKey: required field is missing'],
    ['trustee signing key not a point', (m) => (m.trustees[0].signingKey = 'A'.repeat(42) + 'B'), 'trustees[0].signingKey: not a valid public key'],
    ['two signers with one key', (m) => (m.credentialAuthority.signingKey = m.trustees[0].signingKey), 'trustees: every trustee and the credential authority need their own signing key'],
    ['no credential authority', (m) => delete m.credentialAuthority, 'credentialAuthority: required field is missing'],
    ['missing field', (m) => delete m.trustees, 'trustees: required field is missing'],
    ['unknown field in a question', (m) => (m.questions[0].absolutMajority = true), 'questions[0].absolutMajority: unknown field'],
    ['unknown question type', (m) => (m.questions[2].type = 'borda'), 'questions[2].type: unknown question type "borda", expected "choice", "approval", "verdict", "motion" or "ranked"'], // ranked: a type of its own since issue 12
    ['id too long', (m) => (m.questions[0].id = 'a'.repeat(65)), 'questions[0].id: invalid id'],
    ['upper-case option id', (m) => (m.questions[0].candidates[0].id = 'Okafor'), 'questions[0].candidates[0].id: invalid id "Okafor"'],
    ['duplicate question id', (m) => (m.questions[3].id = 'chair'), 'questions[3].id: duplicate id "chair"'],
    ['empty title', (m) => (m.title = ''), 'title: must not be empty'],
    ['label too long', (m) => (m.questions[0].title = 'x'.repeat(LIMITS.label + 1)), 'questions[0].title: too long'],
    ['no questions', (m) => (m.questions = []), 'questions: at least one question is needed'],
    ['too many questions', (m) => (m.questions = Array.from({ length: 51 }, (_, i) => ({ ...m.questions[3], id: `q${i}` }))), 'questions: too many: 51, at most 50'],
    ['too many options', (m) => (m.questions[1].options = Array.from({ length: 101 }, (_, i) => ({ id: `o${i}`, label: 'x' }))), 'questions[1].options: too many: 101, at most 100'],
    ['no candidates', (m) => (m.questions[0].candidates = []), 'questions[0].candidates: at least one candidate is needed'],
    ['one candidate without blank', (m) => m.questions[0].candidates.splice(1), 'questions[0].candidates: at least two candidates are needed when blank votes are not allowed'],
    ['min above max', (m) => (m.questions[1].min = 2) && (m.questions[1].max = 1), 'questions[1].min: min (2) is more than max (1)'],
    ['negative min', (m) => (m.questions[1].min = -1), 'questions[1].min: must not be negative, got -1'],
    ['max 0', (m) => (m.questions[1].max = 0), 'questions[1].max: must be at least 1, got 0'],
    ['winners 0', (m) => (m.questions[1].winners = 0), 'questions[1].winners: must be at least 1, got 0'],
    ['winners above n', (m) => (m.questions[1].winners = 6), 'questions[1].winners: 6 is more than the number of options (5)'],
    ['fractional max', (m) => (m.questions[1].max = 1.5), 'questions[1].max: expected an integer, got the number 1.5'],
    ['string number', (m) => (m.questions[1].max = '2'), 'questions[1].max: expected an integer, got the string "2"'],
    ['unknown verdict default', (m) => (m.questions[2].default = 'praise'), 'questions[2].default: expected one of "encouragement", "punishment", "no-consequences", got the string "praise"'],
    ['den 0', (m) => (m.questions[3].quorum = { num: 0, den: 0 }), 'questions[3].quorum.den: must be at least 1, got 0'],
    ['negative num', (m) => (m.questions[3].quorum = { num: -1, den: 2 }), 'questions[3].quorum.num: must not be negative, got -1'],
    ['fraction with extra field', (m) => (m.questions[3].quorum.pct = 50), 'questions[3].quorum.pct: unknown field'],
    ['threshold lets a tie pass', (m) => (m.questions[3].strict = false), 'questions[3].threshold: 1/2 with strict false lets a tie pass the motion'],
    ['threshold below one half', (m) => (m.questions[3].threshold = { num: 1, den: 3 }), 'questions[3].threshold: 1/3 is less than 1/2'],
    ['strict unanimity unreachable', (m) => (m.questions[3].threshold = { num: 1, den: 1 }), 'questions[3].threshold: more than 1/1 can never be reached'],
    ['boolean as string', (m) => (m.questions[0].allowBlank = 'false'), 'questions[0].allowBlank: expected true or false, got the string "false"'],
    ['no trustees', (m) => (m.trustees = []) && (m.threshold = 1), 'trustees: at least one trustee is needed'],
    ['threshold 0', (m) => (m.threshold = 0), 'threshold: must be at least 1, got 0'],
    ['trustee with empty name', (m) => (m.trustees[0].name = ''), 'trustees[0].name: must not be empty'],
    ['no languages', (m) => (m.languages = []), 'languages: at least one language is needed'],
    ['bad language', (m) => (m.languages = ['en', 'English']), 'languages[1]: invalid language code "English"'],
    ['duplicate language', (m) => (m.languages = ['en', 'en']), 'languages[1]: duplicate language "en"'],
    ['opens not ISO', (m) => (m.opens = 'tomorrow'), 'opens: expected an ISO 8601 UTC time'],
    ['opens not UTC', (m) => (m.opens = '2025-05-01T09:00:00+02:00'), 'opens: expected an ISO 8601 UTC time'],
    ['impossible date', (m) => (m.opens = '2025-02-30T09:00:00Z'), 'opens: expected an ISO 8601 UTC time'],
    ['closes before opens', (m) => (m.opens = '2025-05-02T00:00:00Z') && (m.closes = '2025-05-01T00:00:00.000Z'), 'closes: must be later than opens'],
    ['option not an object', (m) => (m.questions[1].options[4] = 'garden'), 'questions[1].options[4]: expected an object, got the string "garden"'],
    ['"__proto__" key', (m) => Object.defineProperty(m, '__proto__', { value: {}, enumerable: true }), '__proto__: unknown field'],
  ];
  for (const [name, f, expected] of cases) {
    test(`rejects: ${name}`, () => {
      const errs = name === 'not an object' ? errorsOf([demoManifest()]) : errorsOf(edited(f));
      assert.ok(errs.length > 0, 'accepted');
      if (expected) assert.ok(errs.some((e) => e.startsWith(expected)), `no error starting with ${JSON.stringify(expected)} in ${JSON.stringify(errs)}`);
      else assert.deepEqual(errs, ['(manifest): expected an object, got an array']);
    });
  }

  test('accepts the boundaries: 50 questions of 100 options, unanimity, empty description, a period', () => {
    const m = edited((m) => {
      m.questions = Array.from({ length: LIMITS.questions }, (_, i) => ({
        type: 'approval',
        id: `q${i}`,
        title: 'Q',
        options: Array.from({ length: LIMITS.options }, (_, j) => ({ id: `o${j}`, label: `O${j}` })),
        min: 0,
        max: 100,
        winners: 100,
      }));
      m.questions[0] = { type: 'motion', id: 'q0', title: 'M', quorum: { num: 0, den: 1 }, threshold: { num: 1, den: 1 }, strict: false };
      m.description = '';
      m.threshold = 3;
      m.opens = '2025-05-01T09:00Z';
      m.closes = '2025-05-01T21:00:00.5Z';
    });
    assert.deepEqual(errorsOf(m), []);
  });

  test('never throws anything but ManifestError on arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }), (v) => {
        errorsOf(v);
      }),
      { numRuns: 500 },
    );
  });

  test('never throws anything but ManifestError on valid manifests with one part replaced by arbitrary JSON', () => {
    // Replacing a random node deep inside a valid manifest reaches the checks of every field.
    const paths = (v: unknown, at: (string | number)[] = []): (string | number)[][] =>
      typeof v === 'object' && v !== null
        ? [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, Array.isArray(v) ? Number(k) : k]))]
        : [at];
    fc.assert(
      fc.property(manifestArb, fc.nat(), fc.jsonValue(), fc.boolean(), (m, pick, replacement, remove) => {
        const all = paths(m).filter((p) => p.length > 0);
        const path = all[pick % all.length]!;
        const copy = structuredClone(m) as any;
        let parent = copy;
        for (const k of path.slice(0, -1)) parent = parent[k];
        const last = path[path.length - 1]!;
        if (remove && !Array.isArray(parent)) delete parent[last];
        else parent[last] = replacement;
        errorsOf(copy);
        // Also through the text reader.
        try {
          parseManifestJson(JSON.stringify(copy));
        } catch (e) {
          assert.ok(e instanceof ManifestError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('accepts every generated valid manifest, unchanged, also through JSON text', () => {
    fc.assert(
      fc.property(manifestArb, (m) => {
        assert.deepEqual(validateManifest(m), m);
        assert.deepEqual(parseManifestJson(JSON.stringify(m, null, 2)), m);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseManifestJson', () => {
  test('reports malformed JSON with line and column', () => {
    assert.throws(() => parseManifestJson('{\n  "version": "veche/manifest/v2",\n  "id": demo\n}'), (e: unknown) => {
      assert.ok(e instanceof ManifestError);
      assert.equal(e.message, 'invalid manifest: (json): malformed JSON at line 3, column 9: unexpected character "d", expected a JSON value');
      return true;
    });
    for (const [text, msg] of [
      ['', 'empty document'],
      ['{"a":1,}', 'expected a string key'],
      ['{"a":1} x', 'after the end of the JSON value'],
      ['{"a":"x\ny"}', 'control character U+000a inside a string'],
      ['{"a":01}', 'invalid number'],
      ['{"a":NaN}', 'expected a JSON value'],
      ['{"a":"\\x"}', 'invalid escape \\x'],
      ['{"a":"abc', 'unterminated string'],
      ['[1, 2', "expected ',' or ']'"],
    ] as const) {
      assert.throws(() => parseManifestJson(text), (e: unknown) => e instanceof ManifestError && e.message.includes(msg), text);
    }
  });

  test('rejects duplicate keys, which JSON.parse would silently resolve', () => {
    const text = JSON.stringify(demoManifest()).replace('"threshold":2', '"threshold":2,"threshold":3');
    assert.throws(() => parseManifestJson(text), /duplicate key "threshold"/);
  });

  test('bounds nesting instead of overflowing the stack', () => {
    assert.throws(() => parseManifestJson('['.repeat(100_000)), /nesting deeper than 64 levels/);
    assert.deepEqual(parseStrictJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)), JSON.parse('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)));
  });

  test('accepts a leading byte-order mark and surrounding whitespace', () => {
    assert.deepEqual(parseManifestJson('\uFEFF \n' + JSON.stringify(demoManifest()) + '\r\n'), demoManifest());
  });

  test('the strict reader agrees with JSON.parse on every valid JSON text (without duplicate keys)', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6 }), (text) => {
        assert.deepEqual(parseStrictJson(text), JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });

  test('the strict reader throws only JsonSyntaxError, and only where JSON.parse throws too', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json().map((s) => s.slice(0, Math.max(0, s.length - 1)))), (text) => {
        let ours: unknown;
        try {
          ours = parseStrictJson(text);
        } catch (e) {
          assert.ok(e instanceof JsonSyntaxError);
          // We also reject duplicate keys, where JSON.parse would not throw.
          if (!/duplicate key/.test(e.message)) assert.throws(() => JSON.parse(text));
          return;
        }
        if (text.startsWith('\uFEFF')) {
          // We skip a leading byte-order mark, JSON.parse does not.
          assert.deepEqual(ours, JSON.parse(text.slice(1)));
          return;
        }
        assert.deepEqual(ours, JSON.parse(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('selectionGroups', () => {
  test('lays out the demo ballot in normative order', () => {
    assert.deepEqual(selectionGroups(demoManifest()), [
      { questionId: 'chair', index: 0, rowId: 'chair', optionIds: ['okafor', 'lindqvist', 'petrova'], min: 1, max: 1 },
      { questionId: 'projects', index: 0, rowId: 'projects', optionIds: ['solar-roof', 'bike-shed', 'playground', 'laundry', 'garden'], min: 0, max: 2 },
      { questionId: 'officers-review', index: 0, rowId: 'treasurer', optionIds: ['encouragement', 'punishment', 'no-consequences'], min: 1, max: 1 },
      { questionId: 'officers-review', index: 1, rowId: 'secretary', optionIds: ['encouragement', 'punishment', 'no-consequences'], min: 1, max: 1 },
      { questionId: 'officers-review', index: 2, rowId: 'maintenance', optionIds: ['encouragement', 'punishment', 'no-consequences'], min: 1, max: 1 },
      { questionId: 'fee-increase', index: 0, rowId: 'fee-increase', optionIds: ['for', 'against', 'abstain'], min: 1, max: 1 },
    ]);
  });

  test('a choice with blank allowed has min 0', () => {
    const m = edited((m) => (m.questions[0].allowBlank = true)) as Manifest;
    assert.equal(selectionGroups(m)[0]!.min, 0);
  });
});

describe('encodeChoices / decodeSelections', () => {
  const good = (): Choices => ({
    chair: { type: 'choice', candidate: 'petrova' },
    projects: { type: 'approval', options: ['garden', 'solar-roof'] },
    'officers-review': { type: 'verdict', verdicts: { treasurer: 'encouragement', secretary: 'no-consequences', maintenance: 'punishment' } },
    'fee-increase': { type: 'motion', vote: 'abstain' },
  });

  test('encodes the demo ballot', () => {
    assert.deepEqual(encodeChoices(demoManifest(), good()), [
      [0, 0, 1],
      [1, 0, 0, 0, 1],
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  test('decodes back, approvals in manifest order', () => {
    const m = demoManifest();
    const c = good();
    const d = decodeSelections(m, encodeChoices(m, c));
    assert.deepEqual(d, { ...c, projects: { type: 'approval', options: ['solar-roof', 'garden'] } });
  });

  const bad: [string, (c: any) => void, string][] = [
    ['missing question', (c) => delete c.chair, 'question "chair": no answer given'],
    ['unknown question', (c) => (c.budget = { type: 'motion', vote: 'for' }), 'unknown question "budget"'],
    ['unknown candidate', (c) => (c.chair.candidate = 'smith'), 'question "chair": unknown candidate "smith"'],
    ['blank not allowed', (c) => (c.chair.candidate = null), 'question "chair": a blank vote is not allowed'],
    ['candidate missing', (c) => delete c.chair.candidate, 'question "chair": "candidate" is missing'],
    ['wrong answer type', (c) => (c.chair = { type: 'motion', vote: 'for' }), 'question "chair": answer of type "motion" given to a choice question'],
    ['too many approvals', (c) => c.projects.options.push('laundry'), 'question "projects": 3 approved, at most 2 allowed'],
    ['approval twice', (c) => (c.projects.options = ['garden', 'garden']), 'question "projects": option "garden" approved twice'],
    ['unknown option', (c) => (c.projects.options = ['pool']), 'question "projects": unknown option "pool"'],
    ['missing verdict', (c) => delete c['officers-review'].verdicts.secretary, 'question "officers-review": no verdict for office-holder "secretary"'],
    ['unknown office-holder', (c) => (c['officers-review'].verdicts.mayor = 'punishment'), 'question "officers-review": unknown office-holder "mayor"'],
    ['unknown verdict', (c) => (c['officers-review'].verdicts.treasurer = 'praise'), 'question "officers-review": office-holder "treasurer": unknown verdict "praise"'],
    ['unknown vote', (c) => (c['fee-increase'].vote = 'yes'), 'question "fee-increase": unknown vote "yes"'],
    ['extra field', (c) => (c['fee-increase'].weight = 2), 'question "fee-increase": unknown field "weight"'],
  ];
  for (const [name, f, expected] of bad) {
    test(`rejects: ${name}`, () => {
      const c = good() as any;
      f(c);
      assert.throws(
        () => encodeChoices(demoManifest(), c),
        (e: unknown) => e instanceof ChoicesError && e.errors.some((x) => x.startsWith(expected)),
        `expected ${JSON.stringify(expected)}`,
      );
    });
  }

  test('too few approvals', () => {
    const m = edited((m) => (m.questions[1].min = 1)) as Manifest;
    const c = { ...good(), projects: { type: 'approval' as const, options: [] } };
    assert.throws(() => encodeChoices(m, c), /question "projects": 0 approved, at least 1 needed/);
  });

  test('does not mistake Object.prototype properties for answers', () => {
    const m = edited((m) => (m.questions[3].id = 'constructor')) as Manifest;
    const c = good() as any;
    delete c['fee-increase'];
    assert.throws(() => encodeChoices(m, c), /question "constructor": no answer given/);
    const v = edited((m) => (m.questions[2].officeHolders[0].id = 'constructor')) as Manifest;
    assert.throws(() => encodeChoices(v, good()), /no verdict for office-holder "constructor"/);
  });

  test('rejects vectors that do not fit', () => {
    const m = demoManifest();
    const v = encodeChoices(m, good());
    assert.throws(() => decodeSelections(m, v.slice(1)), /expected 6 selection vectors, got 5/);
    assert.throws(() => decodeSelections(m, [[1, 1, 0], ...v.slice(1)]), /group 0 \(question "chair", row "chair"\): 2 selected, expected 1 to 1/);
    assert.throws(() => decodeSelections(m, [[0, 0, 2], ...v.slice(1)]), /selections must be 0 or 1/);
    assert.throws(() => decodeSelections(m, [[0, 1], ...v.slice(1)]), /expected 3 selections/);
  });

  test('roundtrip over random manifests and random valid choices', () => {
    fc.assert(
      fc.property(
        manifestArb.chain((m) => fc.tuple(fc.constant(m), choicesArb(m))),
        ([m, c]) => {
          const v = encodeChoices(m, c);
          const groups = selectionGroups(m);
          assert.equal(v.length, groups.length);
          v.forEach((row, i) => {
            const g = groups[i]!;
            assert.equal(row.length, g.optionIds.length);
            const s = row.reduce((a, b) => a + b, 0);
            assert.ok(row.every((x) => x === 0 || x === 1) && s >= g.min && s <= g.max);
          });
          const d = decodeSelections(m, v);
          assert.deepEqual(d, validateChoices(m, c));
          assert.deepEqual(encodeChoices(m, d), v);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('every valid 0/1 vector list decodes and re-encodes to itself', () => {
    const arb = manifestArb.chain((m) =>
      fc.tuple(
        fc.constant(m),
        fc.tuple(
          ...selectionGroups(m).map((g) =>
            fc
              .subarray(g.optionIds.map((_, i) => i), { minLength: g.min, maxLength: g.max })
              .map((on) => g.optionIds.map((_, i) => (on.includes(i) ? 1 : 0))),
          ),
        ),
      ),
    );
    fc.assert(
      fc.property(arb, ([m, v]) => {
        assert.deepEqual(encodeChoices(m, decodeSelections(m, v)), v);
      }),
      { numRuns: 300 },
    );
  });
});
