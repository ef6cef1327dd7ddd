// Counting rules: from the decrypted (weighted) sums per option to the published result of each question.
//
// Pure functions on plaintext integers, so that the tally and the independent verifier compute the very
// same result from the same numbers. Every comparison that multiplies is done in BigInt: weights make
// counts large, and a fraction's denominator times a count can exceed 2^53, where doubles round.
// Results hold only integers, strings, booleans and null (the canonical encoding admits no floats).
//
// Inputs, per question: `counts[g][o]` = total weight of counted ballots that selected option o in the
// question's selection group g (groups and options in selectionGroups order); `cast` = total weight of
// counted ballots; `eligible` = total weight of all credentials. Every ballot answers every question
// (the ballot proofs enforce each group's [min, max]), so the counts must be consistent with `cast`; if
// they are not, the tally is wrong, and CountError says so rather than publishing a result.

import { questionGroups } from '../manifest/layout.js';
import {
  MOTION_OPTIONS,
  VERDICTS,
  type ApprovalQuestion,
  type ChoiceQuestion,
  type Fraction,
  type Manifest,
  type MotionOption,
  type MotionQuestion,
  type Question,
  type TieBreak,
  type Verdict,
  type VerdictQuestion,
} from '../manifest/types.js';
import { drawnByLot, lotOrderOf } from './tie-break.js';

export class CountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CountError';
  }
}

/** Weighted count of one candidate or option (for approval: total weight of the ballots approving it). */
export interface OptionCount {
  id: string;
  votes: number;
}

export interface ChoiceResult {
  type: 'choice';
  questionId: string;
  cast: number;
  eligible: number;
  /** Per candidate, in manifest order. */
  counts: OptionCount[];
  /** cast minus the votes for candidates. */
  blank: number;
  /** Votes for candidates (not blank): the base of the absolute majority. */
  valid: number;
  absoluteMajority: boolean;
  /**
   * elected: one candidate has the most votes (and, with absoluteMajority, more than half of `valid`);
   * tie: several share the most votes (no absolute majority asked);
   * no-majority: absoluteMajority asked and the leader has at most half of `valid`;
   * no-votes: nobody voted for a candidate.
   */
  outcome: 'elected' | 'tie' | 'no-majority' | 'no-votes';
  winner: string | null;
  /** Candidates with the most votes, in manifest order ([] when no-votes). */
  leaders: string[];
  /** The leaders when more than one shares the top, else []. */
  tie: string[];
  /** Only when the manifest has `tieBreak` (spec §12.1). */
  tieBreak?: TieBreakResult;
}

/**
 * How the manifest's tie-break rule settled the question's tie, if there was one (spec §12.1).
 * seed: `lotOrder` = every item in the lot order of `seed` (earliest = disadvantaged), `drawn` = the items
 * that won a place by lot, manifest order ([] when no tie was broken).
 * runoff: `runoff` = the items tied for the places left undecided, which a runoff must decide ([] when none).
 */
export type TieBreakResult =
  | { method: 'seed'; seed: string; lotOrder: string[]; drawn: string[] }
  | { method: 'runoff'; runoff: string[] };

/** The rule as counting applies it: the manifest's, with the election's seed (spec §12.1). */
export type TieRule = { method: 'seed'; seed: string } | { method: 'runoff' };

export interface ApprovalResult {
  type: 'approval';
  questionId: string;
  cast: number;
  eligible: number;
  /** Per option, in manifest order. */
  counts: OptionCount[];
  /** Number of places to fill (the manifest's `winners`). */
  places: number;
  /** decided: all places filled; tie: the last places are tied and left undecided. */
  outcome: 'decided' | 'tie';
  /** Options that won a place, most approvals first (equal counts in manifest order). */
  winners: string[];
  /** Options tied for the remaining `undecided` places, in manifest order ([] when decided). */
  tie: string[];
  /** places - winners.length: places left to decide among `tie`. */
  undecided: number;
  /** Only when the manifest has `tieBreak` (spec §12.1). */
  tieBreak?: TieBreakResult;
}

export interface VerdictRow {
  /** Office-holder id. */
  id: string;
  counts: Record<Verdict, number>;
  /** Total weight of the verdicts on this office-holder (each ballot gives exactly one). */
  valid: number;
  /** The verdict with more than half of `valid`, else the manifest's default. */
  outcome: Verdict;
  by: 'majority' | 'default';
}

export interface VerdictResult {
  type: 'verdict';
  questionId: string;
  cast: number;
  eligible: number;
  default: Verdict;
  /** In manifest order. */
  officeHolders: VerdictRow[];
}

export interface MotionResult {
  type: 'motion';
  questionId: string;
  cast: number;
  eligible: number;
  counts: Record<MotionOption, number>;
  /** Weight that took part (for + against + abstain = cast); the quorum is measured on it. */
  tookPart: number;
  quorum: Fraction;
  threshold: Fraction;
  strict: boolean;
  /** tookPart * quorum.den >= quorum.num * eligible. */
  quorumMet: boolean;
  /** Quorum met, for + against > 0, and for/(for+against) > threshold (strict) or >= threshold. */
  passed: boolean;
  outcome: 'passed' | 'rejected' | 'no-quorum';
}

// ranked (spec §20) -->
/** A ranked question is counted from the mixed and decrypted rankings (the ranked-result event), not here. */
export interface RankedPlaceholder { type: 'ranked'; questionId: string; countedIn: 'ranked-result' }
// <-- ranked
export type QuestionResult = ChoiceResult | ApprovalResult | VerdictResult | MotionResult | RankedPlaceholder; // | RankedPlaceholder: ranked

// ---------------------------------------------------------------------------------------------------

const B = BigInt;

function checkWeight(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new CountError(`${name} must be a non-negative integer, got ${String(v)}`);
}

/** Checks the shape of one question's counts and their consistency with `cast` (see the file comment). */
function checkCounts(q: Question, counts: readonly (readonly number[])[], cast: number, eligible: number): void {
  checkWeight('cast', cast);
  checkWeight('eligible', eligible);
  if (cast > eligible) throw new CountError(`cast weight ${cast} is more than the eligible weight ${eligible}`);
  const groups = questionGroups(q);
  if (!Array.isArray(counts) || counts.length !== groups.length)
    throw new CountError(`question "${q.id}": expected ${groups.length} count groups, got ${Array.isArray(counts) ? counts.length : typeof counts}`);
  groups.forEach((g, i) => {
    const row = counts[i];
    const where = `question "${q.id}", row "${g.rowId}"`;
    if (!Array.isArray(row) || row.length !== g.optionIds.length)
      throw new CountError(`${where}: expected ${g.optionIds.length} counts, got ${Array.isArray(row) ? row.length : typeof row}`);
    let sum = 0n;
    row.forEach((c, j) => {
      checkWeight(`${where}, option "${g.optionIds[j]}" count`, c);
      if (c > cast) throw new CountError(`${where}: option "${g.optionIds[j]}" has ${c}, more than the cast weight ${cast}`);
      sum += B(c);
    });
    if (sum < B(g.min) * B(cast) || sum > B(g.max) * B(cast))
      throw new CountError(`${where}: counts sum to ${sum}, outside [${g.min}, ${g.max}] × cast weight ${cast}`);
  });
}

/** Ids with the greatest count, in manifest order ([] when every count is 0). */
function topIds(counts: readonly OptionCount[]): string[] {
  let top = 0;
  for (const c of counts) if (c.votes > top) top = c.votes;
  return top === 0 ? [] : counts.filter((c) => c.votes === top).map((c) => c.id);
}

/** The tieBreak field of a result: `decided` items drawn by lot (seed) or `undecided` items to a runoff. */
function tieBreakResult(rule: TieRule, questionId: string, ids: readonly string[], decided: string[], undecided: string[]): TieBreakResult {
  return rule.method === 'seed'
    ? { method: 'seed', seed: rule.seed, lotOrder: lotOrderOf(rule.seed, questionId, ids), drawn: decided }
    : { method: 'runoff', runoff: undecided };
}

export function countChoice(q: ChoiceQuestion, counts: readonly (readonly number[])[], cast: number, eligible: number, rule?: TieRule): ChoiceResult {
  checkCounts(q, counts, cast, eligible);
  const row = counts[0]!;
  const tally = q.candidates.map((c, i) => ({ id: c.id, votes: row[i]! }));
  const valid = row.reduce((a, b) => a + b, 0); // <= cast, so a safe integer
  const base = { type: 'choice' as const, questionId: q.id, cast, eligible, counts: tally, blank: cast - valid, valid, absoluteMajority: q.absoluteMajority };
  const ids = q.candidates.map((c) => c.id);
  const settled = (r: ChoiceResult, drawn: string[] = [], runoff: string[] = []): ChoiceResult =>
    rule ? { ...r, tieBreak: tieBreakResult(rule, q.id, ids, drawn, runoff) } : r;
  const leaders = topIds(tally);
  if (leaders.length === 0) return settled({ ...base, outcome: 'no-votes', winner: null, leaders, tie: [] });
  const top = tally.find((c) => c.id === leaders[0])!.votes;
  const tie = leaders.length > 1 ? leaders : [];
  // A tie at the top never holds an absolute majority: two shares above one half cannot both exist.
  // So the tie-break rule never applies there: nobody reached the majority the manifest asks for.
  if (q.absoluteMajority && !(2n * B(top) > B(valid))) return settled({ ...base, outcome: 'no-majority', winner: null, leaders, tie });
  if (leaders.length > 1) {
    if (rule?.method === 'seed') {
      const winner = drawnByLot(lotOrderOf(rule.seed, q.id, ids), ids, leaders, 1)[0]!;
      return settled({ ...base, outcome: 'elected', winner, leaders, tie }, [winner]);
    }
    return settled({ ...base, outcome: 'tie', winner: null, leaders, tie }, [], leaders);
  }
  return settled({ ...base, outcome: 'elected', winner: leaders[0]!, leaders, tie: [] });
}

export function countApproval(q: ApprovalQuestion, counts: readonly (readonly number[])[], cast: number, eligible: number, rule?: TieRule): ApprovalResult {
  checkCounts(q, counts, cast, eligible);
  const row = counts[0]!;
  const tally = q.options.map((o, i) => ({ id: o.id, votes: row[i]! }));
  const places = q.winners;
  if (!Number.isSafeInteger(places) || places < 1 || places > tally.length)
    throw new CountError(`question "${q.id}": winners must be between 1 and ${tally.length}, got ${places}`);
  // Array.prototype.sort is stable, so equal counts keep manifest order.
  const ranked = [...tally].sort((a, b) => b.votes - a.votes);
  const boundary = ranked[places - 1]!.votes; // votes of the last place
  const above = ranked.filter((c) => c.votes > boundary).map((c) => c.id);
  const at = tally.filter((c) => c.votes === boundary).map((c) => c.id);
  const base = { type: 'approval' as const, questionId: q.id, cast, eligible, counts: tally, places };
  const ids = q.options.map((o) => o.id);
  const settled = (r: ApprovalResult, drawn: string[] = [], runoff: string[] = []): ApprovalResult =>
    rule ? { ...r, tieBreak: tieBreakResult(rule, q.id, ids, drawn, runoff) } : r;
  if (above.length + at.length <= places) {
    const winners = ranked.filter((c) => c.votes >= boundary).map((c) => c.id);
    return settled({ ...base, outcome: 'decided', winners, tie: [], undecided: 0 });
  }
  // More options share the last place than places remain: without a tie-break rule choosing among them
  // would be arbitrary, so they are left undecided (or, by the rule, drawn by lot or sent to a runoff).
  const undecided = places - above.length;
  if (rule?.method === 'seed') {
    const drawn = drawnByLot(lotOrderOf(rule.seed, q.id, ids), ids, at, undecided);
    return settled({ ...base, outcome: 'decided', winners: [...above, ...drawn], tie: at, undecided: 0 }, drawn);
  }
  return settled({ ...base, outcome: 'tie', winners: above, tie: at, undecided }, [], at);
}

export function countVerdict(q: VerdictQuestion, counts: readonly (readonly number[])[], cast: number, eligible: number): VerdictResult {
  checkCounts(q, counts, cast, eligible);
  const officeHolders = q.officeHolders.map((h, i): VerdictRow => {
    const row = counts[i]!;
    const c = Object.fromEntries(VERDICTS.map((v, j) => [v, row[j]!])) as Record<Verdict, number>;
    const valid = row.reduce((a, b) => a + b, 0);
    const majority = VERDICTS.find((v) => 2n * B(c[v]) > B(valid));
    return majority !== undefined
      ? { id: h.id, counts: c, valid, outcome: majority, by: 'majority' }
      : { id: h.id, counts: c, valid, outcome: q.default, by: 'default' };
  });
  return { type: 'verdict', questionId: q.id, cast, eligible, default: q.default, officeHolders };
}

export function countMotion(q: MotionQuestion, counts: readonly (readonly number[])[], cast: number, eligible: number): MotionResult {
  checkCounts(q, counts, cast, eligible);
  const row = counts[0]!;
  const c = Object.fromEntries(MOTION_OPTIONS.map((v, j) => [v, row[j]!])) as Record<MotionOption, number>;
  const tookPart = cast;
  const quorumMet = B(tookPart) * B(q.quorum.den) >= B(q.quorum.num) * B(eligible);
  const decisive = B(c.for) + B(c.against);
  const lhs = B(c.for) * B(q.threshold.den);
  const rhs = B(q.threshold.num) * decisive;
  // Nobody for or against decides nothing, whatever the threshold.
  const reached = decisive > 0n && (q.strict ? lhs > rhs : lhs >= rhs);
  const passed = quorumMet && reached;
  return {
    type: 'motion',
    questionId: q.id,
    cast,
    eligible,
    counts: c,
    tookPart,
    quorum: { num: q.quorum.num, den: q.quorum.den },
    threshold: { num: q.threshold.num, den: q.threshold.den },
    strict: q.strict,
    quorumMet,
    passed,
    outcome: !quorumMet ? 'no-quorum' : passed ? 'passed' : 'rejected',
  };
}

/** The result of one question from its count groups (in questionGroups order). Throws CountError. */
export function countQuestion(q: Question, counts: readonly (readonly number[])[], cast: number, eligible: number, rule?: TieRule): QuestionResult {
  switch (q.type) {
    case 'choice':
      return countChoice(q, counts, cast, eligible, rule);
    case 'approval':
      return countApproval(q, counts, cast, eligible, rule);
    case 'verdict':
      return countVerdict(q, counts, cast, eligible);
    case 'motion':
      return countMotion(q, counts, cast, eligible);
    case 'ranked': // ranked
      return { type: 'ranked', questionId: q.id, countedIn: 'ranked-result' };
  }
}

/** The manifest's tie-break rule with the election's seed (spec §12.1); CountError if the seed is due and missing. */
export function tieRule(tieBreak: TieBreak | undefined, seed: string | undefined): TieRule | undefined {
  if (!tieBreak) return undefined;
  if (tieBreak.method === 'runoff') return { method: 'runoff' };
  if (typeof seed !== 'string' || !/^[0-9a-f]{64}$/.test(seed))
    throw new CountError('the manifest breaks ties by lot, and no tie-break seed (from the joint key) was given');
  return { method: 'seed', seed };
}

/**
 * Results of all questions, from the flat list of count groups in selectionGroups(manifest) order, as the
 * tally decrypts them. `seed` (tieSeed of src/tally/tie-break.ts) is needed when the manifest breaks ties
 * by lot. Throws CountError when the counts do not fit the manifest.
 */
export function countResults(
  manifest: Manifest,
  countsPerGroup: readonly (readonly number[])[],
  cast: number,
  eligible: number,
  seed?: string,
): QuestionResult[] {
  const rule = tieRule(manifest.tieBreak, seed);
  const sizes = manifest.questions.map((q) => questionGroups(q).length);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (!Array.isArray(countsPerGroup) || countsPerGroup.length !== total)
    throw new CountError(`expected ${total} count groups, got ${Array.isArray(countsPerGroup) ? countsPerGroup.length : typeof countsPerGroup}`);
  let at = 0;
  return manifest.questions.map((q, i) => {
    const part = countsPerGroup.slice(at, at + sizes[i]!);
    at += sizes[i]!;
    return countQuestion(q, part, cast, eligible, rule);
  });
}
