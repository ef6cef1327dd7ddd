// Instant-runoff voting (one seat): each round every ballot counts, whole, for its highest-ranked
// continuing candidate; a candidate with more than half of the votes not exhausted wins; otherwise
// the candidate with the fewest votes is excluded (equal fewest: the lot order's loser).
import { lotLoser, lotRank } from './tiebreak.js';
import type { CandidateState, CountRound } from './types.js';
import type { StvInput, StvOutcome } from './scottish.js';

export function countIrv(input: StvInput): StvOutcome {
  const n = input.candidates.length;
  const rank = lotRank(input.tieOrder);
  const state: CandidateState[] = input.candidates.map((_, i) => (input.withdrawn.has(i) ? 'withdrawn' : 'hopeful'));
  const excluded: number[] = [];
  const rounds: CountRound[] = [];
  for (let round = 0; ; round++) {
    const votes = new Array<bigint>(n).fill(0n);
    let exhausted = 0n;
    for (const g of input.groups) {
      const top = g.levels.find((l) => state[l[0]!] === 'hopeful');
      if (top) votes[top[0]!]! += g.weight; else exhausted += g.weight;
    }
    const cont = state.flatMap((s, i) => (s === 'hopeful' ? [i] : []));
    const live = cont.reduce((s, c) => s + votes[c]!, 0n);
    const figures = { exhausted: exhausted.toString(), continuing: live.toString(), majority: (live / 2n + 1n).toString() };
    const steps: CountRound['steps'] = [{ action: 'count', candidates: [], votes: votes.map(String), state: [...state], figures }];
    rounds.push({ round, steps });
    const leader = cont.find((c) => votes[c]! * 2n > live);
    if (leader !== undefined || cont.length === 1) {
      const winner = leader ?? cont[0]!;
      state[winner] = 'elected';
      // The others are out with the decision; by votes, so that the last out is the runner-up.
      const rest = cont.filter((c) => c !== winner).sort((a, b) => (votes[a]! < votes[b]! ? -1 : votes[a]! > votes[b]! ? 1 : rank[a]! - rank[b]!));
      for (const c of rest) { state[c] = 'defeated'; excluded.push(c); }
      steps.push({ action: 'elect', candidates: [winner], note: leader !== undefined ? 'more than half of the continuing votes' : 'last continuing candidate', votes: votes.map(String), state: [...state], figures });
      return { elected: [winner], excluded, rounds };
    }
    const low = cont.reduce((m, c) => (votes[c]! < m ? votes[c]! : m), votes[cont[0]!]!);
    const tied = cont.filter((c) => votes[c] === low);
    const out = tied.length === 1 ? tied[0]! : lotLoser(tied, rank);
    if (tied.length > 1) steps.push({ action: 'tie', candidates: tied, note: `equal fewest: ${input.candidates[out]} excluded by lot` });
    state[out] = 'defeated'; excluded.push(out);
    steps.push({ action: 'exclude', candidates: [out], note: `fewest votes (${low})`, votes: votes.map(String), state: [...state], figures });
  }
}
