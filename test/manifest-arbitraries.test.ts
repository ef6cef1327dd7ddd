// fast-check generators of valid manifests and of valid choices, shared by the manifest and rules tests.
// (A .test.ts file so that it is built and run with the tests; its own test checks the generators.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { baseMul, encodePoint } from '../src/crypto/group.js';
import {
  MOTION_OPTIONS,
  VERDICTS,
  type Answer,
  type ApprovalQuestion,
  type ChoiceQuestion,
  type Choices,
  type Manifest,
  type MotionQuestion,
  type Option,
  type Question,
  type VerdictQuestion,
} from '../src/manifest/types.js';
import { validateManifest } from '../src/manifest/validate.js';
import { validateChoices } from '../src/manifest/layout.js';

// fast-check v4 records may have a null prototype unless told otherwise; the validator returns ordinary
// objects, and deepEqual compares prototypes, so generated values are ordinary objects too.

// Ids that are also Object.prototype property names catch lookups that forget Object.hasOwn.
export const idArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z0-9-]{1,10}$/), weight: 6 },
  { arbitrary: fc.constantFrom('constructor', 'tostring', 'valueof', '0', '1', '10', '-'), weight: 1 },
);

export const labelArb: fc.Arbitrary<string> = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '');

export const optionsArb = (minLength: number, maxLength: number): fc.Arbitrary<Option[]> =>
  fc.uniqueArray(fc.record({ id: idArb, label: labelArb }, { noNullPrototype: true }), { selector: (o) => o.id, minLength, maxLength })
    // Labels a voter could not tell apart are refused (spec §5): the valid manifests have distinct ones.
    .filter((opts) => new Set(opts.map((o) => o.label.trim().toLowerCase())).size === opts.length);

export const choiceQuestionArb: fc.Arbitrary<ChoiceQuestion> = fc
  .record({ id: idArb, title: labelArb, candidates: optionsArb(1, 6), allowBlank: fc.boolean(), absoluteMajority: fc.boolean() })
  .filter((q) => q.allowBlank || q.candidates.length >= 2)
  .map((q) => ({ type: 'choice' as const, ...q }));

export const approvalQuestionArb: fc.Arbitrary<ApprovalQuestion> = fc
  .record({ id: idArb, title: labelArb, options: optionsArb(1, 6) })
  .chain(({ id, title, options }) => {
    const n = options.length;
    return fc
      .record({ min: fc.integer({ min: 0, max: n }), max: fc.integer({ min: 1, max: n }), winners: fc.integer({ min: 1, max: n }) })
      .filter((b) => b.min <= b.max)
      .map((b) => ({ type: 'approval' as const, id, title, options, ...b }));
  });

export const verdictQuestionArb: fc.Arbitrary<VerdictQuestion> = fc
  .record({ id: idArb, title: labelArb, officeHolders: optionsArb(1, 4), default: fc.constantFrom(...VERDICTS) })
  .map((q) => ({ type: 'verdict' as const, ...q }));

/** Fractions the validator accepts: any quorum; thresholds under which a tie fails. */
export const quorumArb = fc.integer({ min: 1, max: 12 }).chain((den) => fc.integer({ min: 0, max: den }).map((num) => ({ num, den })));
export const strictThresholdArb = fc
  .integer({ min: 2, max: 12 })
  .chain((den) => fc.integer({ min: Math.ceil(den / 2), max: den - 1 }).map((num) => ({ num, den })));
export const laxThresholdArb = fc
  .integer({ min: 1, max: 12 })
  .chain((den) => fc.integer({ min: Math.floor(den / 2) + 1, max: den }).map((num) => ({ num, den })));

export const motionQuestionArb: fc.Arbitrary<MotionQuestion> = fc
  .record({ id: idArb, title: labelArb, quorum: quorumArb, strict: fc.boolean() })
  .chain((q) => (q.strict ? strictThresholdArb : laxThresholdArb).map((threshold) => ({ type: 'motion' as const, ...q, threshold })));

export const questionArb: fc.Arbitrary<Question> = fc.oneof(choiceQuestionArb, approvalQuestionArb, verdictQuestionArb, motionQuestionArb);

export const manifestArb: fc.Arbitrary<Manifest> = fc
  .record(
    {
      id: idArb,
      title: labelArb,
      description: fc.string({ maxLength: 30 }),
      languages: fc.uniqueArray(fc.constantFrom('en', 'ru', 'de', 'fr', 'pt-BR', 'zh-Hant'), { minLength: 1, maxLength: 4 }),
      questions: fc.uniqueArray(questionArb, { selector: (q) => q.id, minLength: 1, maxLength: 5 }),
      trustees: fc.uniqueArray(fc.record({ id: idArb, name: labelArb }, { noNullPrototype: true }), { selector: (t) => t.id, minLength: 1, maxLength: 5 }),
      period: fc.option(
        fc
          .tuple(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.integer({ min: 1, max: 1_000_000_000 }))
          .map(([a, d]) => [new Date(a).toISOString(), new Date(a + d).toISOString()] as const),
        { nil: undefined },
      ),
    },
    { requiredKeys: ['id', 'title', 'description', 'languages', 'questions', 'trustees'], noNullPrototype: true },
  )
  .chain((r) =>
    fc.integer({ min: 1, max: r.trustees.length }).map((threshold) => {
      const m: Manifest = {
        version: 'veche/manifest/v2',
        id: r.id,
        title: r.title,
        description: r.description,
        languages: r.languages,
        questions: r.questions,
        // Fixed, distinct signing keys (g^2, g^3, ... and g for the authority): the run stays reproducible.
        trustees: r.trustees.map((t, i) => ({ ...t, signingKey: encodePoint(baseMul(BigInt(i + 2))) })),
        credentialAuthority: { name: 'Authority', signingKey: encodePoint(baseMul(1n)) },
        threshold,
      };
      if (r.period) [m.opens, m.closes] = r.period;
      return m;
    }),
  );

export function answerArb(q: Question): fc.Arbitrary<Answer> {
  switch (q.type) {
    case 'choice': {
      const ids: (string | null)[] = q.candidates.map((c) => c.id);
      if (q.allowBlank) ids.push(null);
      return fc.constantFrom(...ids).map((candidate) => ({ type: 'choice' as const, candidate }));
    }
    case 'approval':
      // Shuffled, so that encoding must not depend on the order in which the voter listed them.
      return fc
        .shuffledSubarray(q.options.map((o) => o.id), { minLength: q.min, maxLength: q.max })
        .map((options) => ({ type: 'approval' as const, options }));
    case 'verdict':
      return fc
        .tuple(...q.officeHolders.map(() => fc.constantFrom(...VERDICTS)))
        .map((vs) => ({ type: 'verdict' as const, verdicts: Object.fromEntries(q.officeHolders.map((h, i) => [h.id, vs[i]!])) }));
    case 'motion':
      return fc.constantFrom(...MOTION_OPTIONS).map((vote) => ({ type: 'motion' as const, vote }));
    case 'ranked': // ranked
      return fc.shuffledSubarray(q.candidates.map((c) => c.id), { minLength: q.mustRankAll ? q.candidates.length : 1 }).map((ranking) => ({ type: 'ranked' as const, ranking }));
  }
}

export function choicesArb(m: Manifest): fc.Arbitrary<Choices> {
  return fc
    .tuple(...m.questions.map(answerArb))
    .map((answers) => Object.fromEntries(m.questions.map((q, i) => [q.id, answers[i]!])) as Choices);
}

test('the generators produce valid manifests and valid choices', () => {
  fc.assert(
    fc.property(
      manifestArb.chain((m) => fc.tuple(fc.constant(m), choicesArb(m))),
      ([m, c]) => {
        assert.deepEqual(validateManifest(m), m);
        validateChoices(m, c);
      },
    ),
    { numRuns: 300 },
  );
});
