// How questions become ballot selections.
//
// A ballot is a list of selection groups, each a vector of 0/1 selections whose sum lies in [min, max];
// that is exactly what the ballot proofs show and what the homomorphic tally adds up. The order of groups
// and of options inside them is normative: ballots, proofs, the encrypted tally and the verifier all index
// by it, so it is derived here, once, from the manifest order and the VERDICTS / MOTION_OPTIONS constants.

import {
  MOTION_OPTIONS,
  VERDICTS,
  type Answer,
  type Choices,
  type Manifest,
  type MotionOption,
  type Question,
  type SelectionGroup,
  type Verdict,
} from './types.js';

export class ChoicesError extends Error {
  /** Every problem found, each naming the question. */
  readonly errors: readonly string[];

  constructor(errors: readonly string[]) {
    const shown = errors.length === 1 ? errors[0] : `${errors.length} problems:\n  - ${errors.join('\n  - ')}`;
    super(`invalid choices: ${shown}`);
    this.name = 'ChoicesError';
    this.errors = errors;
  }
}

/** The selection groups of one question, in normative order. */
export function questionGroups(q: Question): SelectionGroup[] {
  switch (q.type) {
    case 'choice':
      return [{ questionId: q.id, index: 0, rowId: q.id, optionIds: q.candidates.map((c) => c.id), min: q.allowBlank ? 0 : 1, max: 1 }];
    case 'approval':
      return [{ questionId: q.id, index: 0, rowId: q.id, optionIds: q.options.map((o) => o.id), min: q.min, max: q.max }];
    case 'verdict':
      return q.officeHolders.map((h, i) => ({ questionId: q.id, index: i, rowId: h.id, optionIds: [...VERDICTS], min: 1, max: 1 }));
    case 'motion':
      return [{ questionId: q.id, index: 0, rowId: q.id, optionIds: [...MOTION_OPTIONS], min: 1, max: 1 }];
    case 'ranked': // ranked: no selection group, its rows are encrypted apart (spec §8.7)
      return [];
  }
}

/** All selection groups of the ballot: questions in manifest order, each question's groups in order. */
export function selectionGroups(manifest: Manifest): SelectionGroup[] {
  return manifest.questions.flatMap(questionGroups);
}

// ---------------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function unknownFields(o: Obj, known: readonly string[], where: string, errors: string[]): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) errors.push(`${where}: unknown field ${JSON.stringify(k)}`);
}

/**
 * Checks a voter's plaintext choices against the manifest: an answer for every question and for no other,
 * of the question's type, naming only its candidates/options/office-holders, within its bounds.
 * Returns a clean copy (approval options in manifest order); throws ChoicesError listing every problem.
 */
export function validateChoices(manifest: Manifest, choices: unknown): Choices {
  const errors: string[] = [];
  if (!isObject(choices)) throw new ChoicesError([`expected an object of answers by question id, got ${show(choices)}`]);
  const out: Choices = {};
  const questionIds = new Set(manifest.questions.map((q) => q.id));
  for (const k of Object.keys(choices)) if (!questionIds.has(k)) errors.push(`unknown question ${show(k)}`);

  for (const q of manifest.questions) {
    const where = `question "${q.id}"`;
    // Object.hasOwn, not `in`: an id such as "constructor" must not find Object.prototype's property.
    if (!Object.hasOwn(choices, q.id)) {
      errors.push(`${where}: no answer given`);
      continue;
    }
    const a = choices[q.id];
    if (!isObject(a)) {
      errors.push(`${where}: expected an answer object, got ${show(a)}`);
      continue;
    }
    if (a.type !== q.type) {
      errors.push(`${where}: answer of type ${show(a.type)} given to a ${q.type} question`);
      continue;
    }
    const answer = checkAnswer(q, a, where, errors);
    if (answer) out[q.id] = answer;
  }
  if (errors.length > 0) throw new ChoicesError(errors);
  return out;
}

function checkAnswer(q: Question, a: Obj, where: string, errors: string[]): Answer | undefined {
  const before = errors.length;
  switch (q.type) {
    case 'choice': {
      unknownFields(a, ['type', 'candidate'], where, errors);
      if (!Object.hasOwn(a, 'candidate')) {
        errors.push(`${where}: "candidate" is missing (use null for a blank vote)`);
        return undefined;
      }
      const c = a.candidate;
      if (c === null) {
        if (!q.allowBlank) errors.push(`${where}: a blank vote is not allowed, pick one candidate`);
      } else if (typeof c !== 'string' || !q.candidates.some((x) => x.id === c)) {
        errors.push(`${where}: unknown candidate ${show(c)}`);
      }
      return errors.length > before ? undefined : { type: 'choice', candidate: c as string | null };
    }
    case 'approval': {
      unknownFields(a, ['type', 'options'], where, errors);
      const opts = a.options;
      if (!Array.isArray(opts)) {
        errors.push(`${where}: "options" must be an array of option ids, got ${show(opts)}`);
        return undefined;
      }
      const chosen = new Set<string>();
      for (const o of opts) {
        if (typeof o !== 'string' || !q.options.some((x) => x.id === o)) errors.push(`${where}: unknown option ${show(o)}`);
        else if (chosen.has(o)) errors.push(`${where}: option ${show(o)} approved twice`);
        else chosen.add(o);
      }
      if (errors.length > before) return undefined;
      if (chosen.size < q.min) errors.push(`${where}: ${chosen.size} approved, at least ${q.min} needed`);
      if (chosen.size > q.max) errors.push(`${where}: ${chosen.size} approved, at most ${q.max} allowed`);
      if (errors.length > before) return undefined;
      return { type: 'approval', options: q.options.filter((x) => chosen.has(x.id)).map((x) => x.id) };
    }
    case 'verdict': {
      unknownFields(a, ['type', 'verdicts'], where, errors);
      const v = a.verdicts;
      if (!isObject(v)) {
        errors.push(`${where}: "verdicts" must be an object of verdicts by office-holder id, got ${show(v)}`);
        return undefined;
      }
      const ids = new Set(q.officeHolders.map((h) => h.id));
      for (const k of Object.keys(v)) if (!ids.has(k)) errors.push(`${where}: unknown office-holder ${show(k)}`);
      const verdicts: Record<string, Verdict> = {};
      for (const h of q.officeHolders) {
        if (!Object.hasOwn(v, h.id)) {
          errors.push(`${where}: no verdict for office-holder "${h.id}"`);
          continue;
        }
        const x = v[h.id];
        if (typeof x !== 'string' || !(VERDICTS as readonly string[]).includes(x))
          errors.push(`${where}: office-holder "${h.id}": unknown verdict ${show(x)}, expected one of ${VERDICTS.join(', ')}`);
        else verdicts[h.id] = x as Verdict;
      }
      return errors.length > before ? undefined : { type: 'verdict', verdicts };
    }
    case 'motion': {
      unknownFields(a, ['type', 'vote'], where, errors);
      const x = a.vote;
      if (typeof x !== 'string' || !(MOTION_OPTIONS as readonly string[]).includes(x)) {
        errors.push(`${where}: unknown vote ${show(x)}, expected one of ${MOTION_OPTIONS.join(', ')}`);
        return undefined;
      }
      return errors.length > before ? undefined : { type: 'motion', vote: x as MotionOption };
    }
    // ranked (spec §8.7) -->
    case 'ranked': {
      unknownFields(a, ['type', 'ranking'], where, errors);
      const r = a.ranking;
      if (!Array.isArray(r)) {
        errors.push(`${where}: "ranking" must be an array of candidate ids, most preferred first, got ${show(r)}`);
        return undefined;
      }
      const seen = new Set<string>();
      for (const c of r) {
        if (typeof c !== 'string' || !q.candidates.some((x) => x.id === c)) errors.push(`${where}: unknown candidate ${show(c)}`);
        else if (seen.has(c)) errors.push(`${where}: candidate ${show(c)} ranked twice`);
        else seen.add(c);
      }
      if (errors.length === before && seen.size === 0) errors.push(`${where}: rank at least one candidate`);
      if (errors.length === before && q.mustRankAll && seen.size !== q.candidates.length) errors.push(`${where}: ${seen.size} of ${q.candidates.length} candidates ranked, and this question needs all`);
      return errors.length > before ? undefined : { type: 'ranked', ranking: r as string[] };
    }
    // <-- ranked
  }
}

// ranked (spec §8.7) -->
/** The ranked answers as candidate indices (most preferred first), one list per ranked question in
 *  manifest order. Throws ChoicesError on invalid choices. */
export function encodeRankings(manifest: Manifest, choices: Choices): number[][] {
  const valid = validateChoices(manifest, choices);
  return manifest.questions.flatMap((q) => {
    const a = valid[q.id]!;
    return q.type === 'ranked' && a.type === 'ranked' ? [a.ranking.map((id) => q.candidates.findIndex((c) => c.id === id))] : [];
  });
}
// <-- ranked

/** One 0/1 vector per selection group, in selectionGroups order. Throws ChoicesError on invalid choices. */
export function encodeChoices(manifest: Manifest, choices: Choices): number[][] {
  const valid = validateChoices(manifest, choices);
  const vectors: number[][] = [];
  for (const q of manifest.questions) {
    const a = valid[q.id]!;
    for (const g of questionGroups(q)) {
      let selected: (id: string) => boolean;
      switch (a.type) {
        case 'choice':
          selected = (id) => id === a.candidate;
          break;
        case 'approval':
          selected = (id) => a.options.includes(id);
          break;
        case 'verdict':
          selected = (id) => a.verdicts[g.rowId] === id;
          break;
        case 'motion':
          selected = (id) => id === a.vote;
          break;
        case 'ranked': // ranked: has no selection group
          selected = () => false;
          break;
      }
      vectors.push(g.optionIds.map((id) => (selected(id) ? 1 : 0)));
    }
  }
  return vectors;
}

/**
 * Inverse of encodeChoices, for tests and for showing a voter (or an auditor) what a ballot says.
 * Throws ChoicesError when the vectors do not fit the manifest's groups.
 */
export function decodeSelections(manifest: Manifest, vectors: readonly (readonly number[])[], rankings?: readonly (readonly number[])[]): Choices {
  const groups = selectionGroups(manifest);
  // ranked: the revealed rankings (candidate indices), one per ranked question, when given (an audit)
  const rankedCount = manifest.questions.filter((q) => q.type === 'ranked').length;
  if (rankings !== undefined && rankings.length !== rankedCount) throw new ChoicesError([`expected ${rankedCount} rankings, got ${rankings.length}`]);
  let r = 0;
  if (!Array.isArray(vectors) || vectors.length !== groups.length)
    throw new ChoicesError([`expected ${groups.length} selection vectors, got ${Array.isArray(vectors) ? vectors.length : show(vectors)}`]);
  const errors: string[] = [];
  const picked: string[][] = groups.map((g, i) => {
    const v = vectors[i];
    const where = `group ${i} (question "${g.questionId}", row "${g.rowId}")`;
    if (!Array.isArray(v) || v.length !== g.optionIds.length) {
      errors.push(`${where}: expected ${g.optionIds.length} selections`);
      return [];
    }
    if (!v.every((x) => x === 0 || x === 1)) {
      errors.push(`${where}: selections must be 0 or 1`);
      return [];
    }
    const ids = g.optionIds.filter((_, j) => v[j] === 1);
    if (ids.length < g.min || ids.length > g.max) errors.push(`${where}: ${ids.length} selected, expected ${g.min} to ${g.max}`);
    return ids;
  });
  if (errors.length > 0) throw new ChoicesError(errors);

  const out: Choices = {};
  let i = 0;
  for (const q of manifest.questions) {
    switch (q.type) {
      case 'choice':
        out[q.id] = { type: 'choice', candidate: picked[i++]![0] ?? null };
        break;
      case 'approval':
        out[q.id] = { type: 'approval', options: picked[i++]! };
        break;
      case 'verdict': {
        const verdicts: Record<string, Verdict> = {};
        for (const h of q.officeHolders) verdicts[h.id] = picked[i++]![0] as Verdict;
        out[q.id] = { type: 'verdict', verdicts };
        break;
      }
      case 'motion':
        out[q.id] = { type: 'motion', vote: picked[i++]![0] as MotionOption };
        break;
      case 'ranked': { // ranked
        if (rankings === undefined) break;
        const idx = rankings[r++]!;
        if (!idx.every((c) => Number.isInteger(c) && c >= 0 && c < q.candidates.length) || new Set(idx).size !== idx.length) {
          throw new ChoicesError([`question "${q.id}": the ranking does not name each of its candidates at most once`]);
        }
        out[q.id] = { type: 'ranked', ranking: idx.map((c) => q.candidates[c]!.id) };
        break;
      }
    }
  }
  return out;
}
