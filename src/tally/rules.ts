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
  type Verdict,
  type VerdictQuestion,
} from '../manifest/types.js';

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
}

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

export function countChoice(q: ChoiceQuestion, counts: readonly (readonly number[])[], cast: number, eligible: number): ChoiceResult {
  checkCounts(q, counts, cast, eligible);
  const row = counts[0]!;
  const tally = q.candidates.map((c, i) => ({ id: c.id, votes: row[i]! }));
  const valid = row.reduce((a, b) => a + b, 0); // <= cast, so a safe integer
  const base = { type: 'choice' as const, questionId: q.id, cast, eligible, counts: tally, blank: cast - valid, valid, absoluteMajority: q.absoluteMajority };
  const leaders = topIds(tally);
  if (leaders.length === 0) return { ...base, outcome: 'no-votes', winner: null, leaders, tie: [] };
  const top = tally.find((c) => c.id === leaders[0])!.votes;
  const tie = leaders.length > 1 ? leaders : [];
  // A tie at the top never holds an absolute majority: two shares above one half cannot both exist.
  if (q.absoluteMajority && !(2n * B(top) > B(valid))) return { ...base, outcome: 'no-majority', winner: null, leaders, tie };
  if (leaders.length > 1) return { ...base, outcome: 'tie', winner: null, leaders, tie };
  return { ...base, outcome: 'elected', winner: leaders[0]!, leaders, tie: [] };
}

export function countApproval(q: ApprovalQuestion, counts: readonly (readonly number[])[], cast: number, eligible: number): ApprovalResult {
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
  if (above.length + at.length <= places) {
    const winners = ranked.filter((c) => c.votes >= boundary).map((c) => c.id);
    return { ...base, outcome: 'decided', winners, tie: [], undecided: 0 };
  }
  // More options share the last place than places remain: choosing among them would be arbitrary.
  return { ...base, outcome: 'tie', winners: above, tie: at, undecided: places - above.length };
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
export function countQuestion(q: Question, counts: readonly (readonly number[])[], cast: number, eligible: number): QuestionResult {
  switch (q.type) {
    case 'choice':
      return countChoice(q, counts, cast, eligible);
    case 'approval':
      return countApproval(q, counts, cast, eligible);
    case 'verdict':
      return countVerdict(q, counts, cast, eligible);
    case 'motion':
      return countMotion(q, counts, cast, eligible);
    case 'ranked': // ranked
      return { type: 'ranked', questionId: q.id, countedIn: 'ranked-result' };
  }
}

/**
 * Results of all questions, from the flat list of count groups in selectionGroups(manifest) order, as the
 * tally decrypts them. Throws CountError when the counts do not fit the manifest.
 */
export function countResults(
  manifest: Manifest,
  countsPerGroup: readonly (readonly number[])[],
  cast: number,
  eligible: number,
): QuestionResult[] {
  const sizes = manifest.questions.map((q) => questionGroups(q).length);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (!Array.isArray(countsPerGroup) || countsPerGroup.length !== total)
    throw new CountError(`expected ${total} count groups, got ${Array.isArray(countsPerGroup) ? countsPerGroup.length : typeof countsPerGroup}`);
  let at = 0;
  return manifest.questions.map((q, i) => {
    const part = countsPerGroup.slice(at, at + sizes[i]!);
    at += sizes[i]!;
    return countQuestion(q, part, cast, eligible);
  });
}
