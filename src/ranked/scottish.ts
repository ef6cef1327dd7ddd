// Scottish STV: the Scottish Local Government Elections Order 2007 (SSI 2007/42), schedule 1,
// rules 45-52: whole-vote quota, weighted inclusive Gregory surplus transfers with transfer values
// truncated to 5 decimal places (rule 48(3)), exclusion one candidate at a time, ties settled by the
// votes at the most recent preceding stage where they differed, then by lot (the seed's lot order).
import { SCOT5 } from './fixed.js';
import { lotLoser, lotRank, lotWinner } from './tiebreak.js';
import type { BallotGroup, CandidateState, CountRound, CountStep } from './types.js';

const F = SCOT5;

export interface StvInput {
  candidates: readonly string[];
  seats: number;
  withdrawn: ReadonlySet<number>;
  groups: readonly BallotGroup[];
  tieOrder: readonly number[];
}

export interface StvOutcome { elected: number[]; excluded: number[]; rounds: CountRound[] }

/** A parcel: papers with the same preferences and the same history, so they always move together. */
interface Parcel { levels: number[][]; weight: bigint; value: bigint; pos: number; holder: number }

export function countScottish(input: StvInput): StvOutcome {
  const n = input.candidates.length;
  const rank = lotRank(input.tieOrder);
  const state: CandidateState[] = input.candidates.map((_, i) => (input.withdrawn.has(i) ? 'withdrawn' : 'hopeful'));
  const votes: bigint[] = new Array<bigint>(n).fill(0n);
  const history: bigint[][] = []; // votes at the end of each stage, for ties
  const elected: number[] = [];
  const excluded: number[] = [];
  const pendingSurplus: number[] = []; // elected, surplus not yet transferred
  let nonTransferable = 0n;
  let lossOfFractions = 0n;

  // Rule 45/46: first preferences; quota = whole votes / (seats + 1), fraction ignored, plus 1.
  const parcels: Parcel[] = input.groups.map((g) => ({ levels: g.levels, weight: g.weight, value: F.one, pos: 0, holder: g.levels[0]![0]! }));
  for (const p of parcels) votes[p.holder]! += p.weight * p.value;
  const firstPreferences = parcels.reduce((s, p) => s + p.weight, 0n);
  const quota = F.fromInt(firstPreferences / BigInt(input.seats + 1) + 1n);

  const rounds: CountRound[] = [];
  const continuing = (): number[] => state.flatMap((s, i) => (s === 'hopeful' ? [i] : []));
  const snapshot = (step: Omit<CountStep, 'votes' | 'state' | 'quota'>): CountStep => ({
    ...step, votes: votes.map(F.format), state: [...state], quota: F.format(quota),
    figures: { ...(step.figures ?? {}), nonTransferable: F.format(nonTransferable), lossOfFractions: F.format(lossOfFractions) },
  });

  /**
   * Ties (rules 49(2), 51(2)): the votes at the end of the most recent preceding stage at which the
   * tied candidates had unequal votes decide; should several still share the best there, the same
   * rule is applied to them further back; equal at all stages: lot (rules 49(3), 51(2)(b)).
   */
  const breakTie = (tied: number[], highest: boolean): { pick: number; how: string } => {
    let pool = tied;
    const stages: number[] = [];
    for (let s = history.length - 1; s >= 0 && pool.length > 1; s--) {
      const at = history[s]!;
      const best = pool.reduce((m, c) => (highest ? (at[c]! > m ? at[c]! : m) : (at[c]! < m ? at[c]! : m)), at[pool[0]!]!);
      const narrowed = pool.filter((c) => at[c] === best);
      if (narrowed.length < pool.length) { pool = narrowed; stages.push(s); }
    }
    const by = stages.length > 0 ? `votes at the end of round ${stages.join(', then ')}` : '';
    if (pool.length === 1) return { pick: pool[0]!, how: by };
    return { pick: highest ? lotWinner(pool, rank) : lotLoser(pool, rank), how: by ? `${by}, then lot` : 'lot' };
  };
  /** Order by votes, highest first; equal votes by the tie rule. */
  const byVotesDesc = (cs: number[]): number[] => {
    const out: number[] = [];
    let rest = [...cs];
    while (rest.length > 0) {
      const top = rest.reduce((m, c) => (votes[c]! > m ? votes[c]! : m), votes[rest[0]!]!);
      const tied = rest.filter((c) => votes[c] === top);
      const pick = tied.length === 1 ? tied[0]! : breakTie(tied, true).pick;
      out.push(pick);
      rest = rest.filter((c) => c !== pick);
    }
    return out;
  };

  const endStage = (steps: CountStep[]): boolean => {
    history.push([...votes]);
    // Rule 47: every continuing candidate at or over the quota is elected, highest first.
    for (const c of byVotesDesc(continuing().filter((c) => votes[c]! >= quota))) {
      if (elected.length === input.seats) break;
      state[c] = 'elected'; elected.push(c);
      if (votes[c]! > quota) pendingSurplus.push(c);
      steps.push(snapshot({ action: 'elect', candidates: [c], note: 'reached the quota' }));
    }
    if (elected.length === input.seats) return true;
    const left = input.seats - elected.length;
    const cont = continuing();
    // Rule 52: as many continuing candidates as vacancies left: all elected, no further transfer.
    if (cont.length <= left) {
      for (const c of byVotesDesc(cont)) { state[c] = 'elected'; elected.push(c); steps.push(snapshot({ action: 'elect-remaining', candidates: [c], note: 'as many continuing candidates as vacancies' })); }
      return true;
    }
    return false;
  };

  /** Moves papers to their next available preference (a continuing candidate) at `value(p)`. */
  const transfer = (from: number, value: (p: Parcel) => bigint): { moved: bigint[]; lost: bigint } => {
    const moved = new Array<bigint>(n).fill(0n);
    let lost = 0n;
    for (const p of parcels) {
      if (p.holder !== from) continue;
      p.value = value(p);
      let next = p.pos + 1;
      while (next < p.levels.length && state[p.levels[next]![0]!] !== 'hopeful') next++;
      const credit = p.weight * p.value;
      if (next < p.levels.length) {
        p.pos = next; p.holder = p.levels[next]![0]!;
        votes[p.holder]! += credit; moved[p.holder]! += credit;
      } else {
        p.holder = -1; nonTransferable += credit; lost += credit;
      }
    }
    return { moved, lost };
  };

  const first: CountStep[] = [snapshot({ action: 'begin', candidates: [], note: `quota ${F.format(quota)} from ${firstPreferences} first preferences` })];
  rounds.push({ round: 0, steps: first });
  let done = endStage(first);

  for (let stage = 1; !done; stage++) {
    const steps: CountStep[] = [];
    rounds.push({ round: stage, steps });
    if (pendingSurplus.length > 0) {
      // Rule 49: the largest surplus first; equal surpluses by the tie rule (the higher goes first).
      const top = pendingSurplus.reduce((m, c) => (votes[c]! > m ? votes[c]! : m), votes[pendingSurplus[0]!]!);
      const tied = pendingSurplus.filter((c) => votes[c] === top);
      const tie = tied.length > 1 ? breakTie(tied, true) : undefined;
      const from = tie ? tie.pick : tied[0]!;
      if (tie) steps.push({ action: 'tie', candidates: tied, note: `equal surpluses: ${input.candidates[from]} first (${tie.how})` });
      pendingSurplus.splice(pendingSurplus.indexOf(from), 1);
      const total = votes[from]!;
      const surplus = total - quota;
      // Rule 48(3): transfer value = surplus × value received / total votes, to 5 places, truncated.
      const { moved, lost } = transfer(from, (p) => (surplus * p.value) / total);
      const sent = moved.reduce((a, b) => a + b, 0n) + lost;
      lossOfFractions += surplus - sent;
      votes[from] = quota;
      steps.push(snapshot({
        action: 'transfer-surplus', candidates: [from], note: `surplus ${F.format(surplus)} of ${F.format(total)}`,
        figures: { surplus: F.format(surplus), transferred: F.format(sent - lost), exhausted: F.format(lost), fractionsLost: F.format(surplus - sent), ...Object.fromEntries(moved.flatMap((m, c) => (m > 0n ? [[`to:${c}`, F.format(m)]] : []))) },
      }));
    } else {
      // Rule 50: exclude the lowest; equal lowest by the tie rule (the lower is excluded).
      const cont = continuing();
      const low = cont.reduce((m, c) => (votes[c]! < m ? votes[c]! : m), votes[cont[0]!]!);
      const tied = cont.filter((c) => votes[c] === low);
      const tie = tied.length > 1 ? breakTie(tied, false) : undefined;
      const out = tie ? tie.pick : tied[0]!;
      if (tie) steps.push({ action: 'tie', candidates: tied, note: `equal lowest: ${input.candidates[out]} excluded (${tie.how})` });
      state[out] = 'defeated'; excluded.push(out);
      const had = votes[out]!;
      // Rule 50(2): every paper of the excluded candidate goes on at the value it was received at.
      const { moved, lost } = transfer(out, (p) => p.value);
      votes[out] = 0n;
      steps.push(snapshot({
        action: 'exclude', candidates: [out], note: `${F.format(had)} votes`,
        figures: { transferred: F.format(had - lost), exhausted: F.format(lost), ...Object.fromEntries(moved.flatMap((m, c) => (m > 0n ? [[`to:${c}`, F.format(m)]] : []))) },
      }));
    }
    done = endStage(steps);
  }
  // Candidates still continuing when the seats are filled: out together, the fewest votes first.
  for (const c of byVotesDesc(continuing()).reverse()) { state[c] = 'defeated'; excluded.push(c); }
  rounds[rounds.length - 1]!.steps.push(snapshot({ action: 'complete', candidates: [] }));
  return { elected, excluded, rounds };
}
