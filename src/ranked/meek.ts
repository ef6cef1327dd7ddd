// Meek STV in fixed-point decimal with 9 places (omega = 10^-6), step for step as the reference
// counts (Droop.py's Meek Parametric rule as implemented by stv-rs; their transcripts are in
// test/fixtures/stv-meek). docs/spec.md §17 states every rule; the comments here say why.
import { MEEK9 } from './fixed.js';
import { lotRank } from './tiebreak.js';
import type { BallotGroup, CandidateState, CountRound, CountStep } from './types.js';

const F = MEEK9;
const OMEGA = F.one / 10n ** 6n; // 0.000001000

export interface MeekInput {
  candidates: readonly string[];
  seats: number;
  /** Withdrawn candidates are already struck out of the groups. */
  withdrawn: ReadonlySet<number>;
  groups: readonly BallotGroup[];
  tieOrder: readonly number[];
  /**
   * How the total surplus counts an elected candidate below the quota: 'positive' (as zero, veche's
   * rule) or 'signed' (as a negative excess, Droop.py's, which can leave no candidate to defeat).
   */
  surplus?: 'positive' | 'signed';
}

export interface MeekOutcome {
  elected: number[];
  defeated: number[];
  rounds: CountRound[];
  /** Total weight of the groups counted (the reference's "Ballots"). */
  ballots: bigint;
}

export class MeekStalled extends Error {
  override name = 'MeekStalled';
}

interface Tally { sum: bigint[]; exhausted: bigint }

/** Distributes one group's unit of voting power down its levels (reference: process_ballot_rec). */
function countGroup(g: BallotGroup, keep: readonly bigint[], tally: Tally): void {
  let unused = F.fromInt(g.weight);
  const credit = (c: number, used: bigint): void => {
    const scaled = used * g.weight; // exact: power × a whole weight
    tally.sum[c]! += scaled;
    unused -= scaled;
  };
  // Split is power·k (truncated) to the candidate and power·(1−k) (truncated) onward; computing the
  // remainder as power − used would round it up and hand later candidates more than was left.
  const hasEqual = g.levels.some((l) => l.length !== 1);
  if (!hasEqual) {
    let power = F.one;
    for (const [c] of g.levels) {
      const k = keep[c!]!;
      credit(c!, F.mul(power, k));
      power = F.mul(power, F.one - k);
      if (power === 0n) break;
    }
  } else {
    // Equal preferences as Droop.py: the power is split evenly among the level's candidates that are
    // not defeated; what each keeps not goes to the next level. A level of only defeated candidates
    // stops the ballot there (Droop.py's rule, kept so the counts match).
    const descend = (power: bigint, i: number): void => {
      if (i === g.levels.length) return;
      const level = g.levels[i]!.filter((c) => keep[c] !== 0n);
      if (level.length === 0) return;
      const share = F.divInt(power, BigInt(level.length));
      for (const c of level) {
        const k = keep[c]!;
        credit(c, F.mul(share, k));
        const rest = F.mul(share, F.one - k);
        if (rest !== 0n) descend(rest, i + 1);
      }
    };
    descend(F.one, 0);
  }
  tally.exhausted += unused;
}

export function countMeek(input: MeekInput): MeekOutcome {
  const n = input.candidates.length;
  const names = input.candidates;
  const rank = lotRank(input.tieOrder);
  const ballots = input.groups.reduce((s, g) => s + g.weight, 0n);
  const state: CandidateState[] = names.map((_, i) => (input.withdrawn.has(i) ? 'withdrawn' : 'hopeful'));
  const keep: bigint[] = names.map(() => F.one);
  const elected: number[] = [];
  const defeated: number[] = [];
  let toElect = input.seats;
  const quotaFor = (exhausted: bigint): bigint => F.divInt(F.fromInt(ballots) - exhausted, BigInt(input.seats + 1)) + 1n;
  let quota = quotaFor(0n);
  let surplus = 0n;

  const countVotes = (): Tally => {
    const tally: Tally = { sum: new Array<bigint>(n).fill(0n), exhausted: 0n };
    for (const g of input.groups) countGroup(g, keep, tally);
    return tally;
  };

  const rounds: CountRound[] = [{ round: 0, steps: [] }];
  let steps = rounds[0]!.steps;
  const record = (action: string, tally: Tally, candidates: number[], withCandidates: boolean, note?: string): void => {
    const votesTotal = tally.sum.reduce((a, b) => a + b, 0n);
    const step: CountStep = {
      action, candidates, quota: F.format(quota),
      figures: {
        votes: F.format(votesTotal), residual: F.format(tally.exhausted),
        total: F.format(votesTotal + tally.exhausted), surplus: F.format(surplus),
      },
    };
    if (note !== undefined) step.note = note;
    if (withCandidates) { step.votes = tally.sum.map(F.format); step.state = [...state]; }
    steps.push(step);
  };

  let count = countVotes();
  count.exhausted = 0n; // the reference shows no residual at the start (all is still in play)
  record('begin', count, [], true);

  const hopefuls = (): number[] => state.flatMap((s, i) => (s === 'hopeful' ? [i] : []));

  const electHopefuls = (tally: Tally): boolean => {
    const reached = hopefuls().filter((c) => tally.sum[c]! >= quota);
    // More candidates over the quota than seats left cannot happen with this quota but for rounding;
    // the reference would stop with an error. Here the highest keep the seats, the lot deciding ties.
    const chosen = reached.length <= toElect ? reached
      : [...reached].sort((a, b) => (tally.sum[b]! > tally.sum[a]! ? 1 : tally.sum[b]! < tally.sum[a]! ? -1 : rank[b]! - rank[a]!))
        .slice(0, toElect).sort((a, b) => a - b);
    for (const c of chosen) {
      state[c] = 'elected'; elected.push(c); toElect--;
      record('elect', tally, [c], true);
    }
    return chosen.length > 0;
  };

  const signed = input.surplus === 'signed';
  const electedSurplus = (tally: Tally): bigint => elected.reduce((s, c) => {
    const excess = tally.sum[c]! - quota;
    return s + (excess < 0n && !signed ? 0n : excess);
  }, 0n);

  // Iterates keep factors until someone is elected, the surplus is at most omega, or it stops falling.
  const iterate = (): 'elected' | 'omega' | 'stable' => {
    let lastSurplus = F.fromInt(ballots);
    for (;;) {
      count = countVotes();
      quota = quotaFor(count.exhausted);
      const any = electHopefuls(count);
      surplus = electedSurplus(count);
      if (any) return 'elected';
      if (surplus <= OMEGA) return 'omega';
      if (surplus >= lastSurplus) { steps.push({ action: 'stable', candidates: [], figures: { surplus: F.format(surplus) } }); return 'stable'; }
      lastSurplus = surplus;
      for (const c of state.keys()) {
        if (state[c] !== 'elected') continue;
        // New keep factor k·quota/votes, both steps rounded up so no elected candidate falls short.
        // A zero tally (votes below one unit reach them) would divide by zero in the reference; the
        // factor is then left unchanged.
        if (count.sum[c]! !== 0n) keep[c] = F.divUp(F.mulUp(keep[c]!, quota), count.sum[c]!);
      }
    }
  };

  const nextDefeated = (): number => {
    const hs = hopefuls();
    const min = hs.reduce((m, c) => (count.sum[c]! < m ? count.sum[c]! : m), count.sum[hs[0]!]!);
    // Candidates within the surplus of the lowest could change places were the surplus transferred:
    // they are treated as tied, and the lot order decides.
    const low = hs.filter((c) => count.sum[c]! <= min + surplus);
    // Only a negative (signed) surplus leaves nobody: Droop.py stops there too.
    if (low.length === 0) throw new MeekStalled(`no candidate within the surplus ${F.format(surplus)} of the lowest vote: the signed-surplus rule cannot continue`);
    if (low.length === 1) return low[0]!;
    const loser = low.reduce((a, b) => (rank[b]! < rank[a]! ? b : a));
    record('tie', count, low, false, names[loser]);
    return loser;
  };

  for (let round = 1; ; round++) {
    const standing = hopefuls().length;
    if (toElect === 0 || standing === toElect || standing === 0) break;
    rounds.push({ round, steps: [] });
    steps = rounds[rounds.length - 1]!.steps;
    const why = iterate();
    record('iterate', count, [], false, why);
    if (why !== 'elected') {
      const loser = nextDefeated();
      state[loser] = 'defeated'; defeated.push(loser);
      record('defeat', count, [loser], true, why === 'omega' ? `surplus ${F.format(surplus)} < omega` : `stable surplus ${F.format(surplus)}`);
      keep[loser] = 0n;
      count = countVotes();
    }
  }

  for (const c of state.keys()) {
    if (state[c] !== 'hopeful') continue;
    if (elected.length < input.seats) {
      state[c] = 'elected'; elected.push(c);
      record('elect-remaining', count, [c], true);
    } else {
      state[c] = 'defeated'; defeated.push(c);
      record('defeat-remaining', count, [c], true);
      keep[c] = 0n;
    }
    count = countVotes();
  }
  record('complete', count, [], true);
  return { elected, defeated, rounds, ballots };
}
