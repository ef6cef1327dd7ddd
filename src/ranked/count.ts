// One entry for every ranked count: checks the input, prepares the ballots, fixes the lot order,
// and dispatches by method. The board and the verifier both call this on the published rankings.
import { checkShape, prepareBallots } from './ballots.js';
import { countIrv } from './irv.js';
import { countMeek } from './meek.js';
import { countSchulze } from './schulze.js';
import { countScottish } from './scottish.js';
import { lotOrder } from './tiebreak.js';
import { RANKED_METHODS, RankedInputError, type RankedInput, type RankedResult } from './types.js';

function tieOrderOf(input: RankedInput): { order: number[]; source: 'seed' | 'given' } {
  const n = input.candidates.length;
  if ('seed' in input.tieBreak) {
    if (!(input.tieBreak.seed instanceof Uint8Array)) throw new RankedInputError('the tie-break seed must be bytes');
    if (input.tieBreak.seed.length < 16) throw new RankedInputError('the tie-break seed must have at least 16 bytes');
    return { order: lotOrder(input.tieBreak.seed, n, input.tieBreak.question ?? ''), source: 'seed' };
  }
  const order = [...input.tieBreak.order];
  if (order.length !== n || new Set(order).size !== n || order.some((c) => !Number.isInteger(c) || c < 0 || c >= n))
    throw new RankedInputError('a given tie order must list every candidate index once');
  return { order, source: 'given' };
}

/** Order of finish for STV and IRV: the elected in order, then the others, last defeated first. */
function finishOrder(elected: number[], defeated: number[], n: number, withdrawn: ReadonlySet<number>): number[] {
  const rest = [...defeated].reverse();
  const seen = new Set([...elected, ...rest]);
  const others = Array.from({ length: n }, (_, i) => i).filter((i) => !seen.has(i) && !withdrawn.has(i));
  return [...elected, ...others, ...rest];
}

export function countRanked(input: RankedInput): RankedResult {
  if (!RANKED_METHODS.includes(input.method)) throw new RankedInputError(`unknown method ${JSON.stringify(input.method)}`);
  checkShape(input);
  if (input.method === 'irv' && input.seats !== 1) throw new RankedInputError('IRV elects one candidate: seats must be 1');
  const { order: tieOrder, source } = tieOrderOf(input);
  const allowEqual = input.method === 'meek-stv' || input.method === 'schulze';
  const { groups, invalid, validWeight } = prepareBallots(input, allowEqual);
  const withdrawn = new Set(input.withdrawn ?? []);
  const base = {
    method: input.method, candidates: [...input.candidates], seats: input.seats,
    tieOrder, tieSource: source, validWeight: validWeight.toString(), invalid,
  };
  const args = { candidates: input.candidates, seats: input.seats, withdrawn, groups, tieOrder };
  switch (input.method) {
    case 'meek-stv': {
      const r = countMeek({ ...args, surplus: input.meekSurplus ?? 'positive' });
      return { ...base, elected: r.elected, order: finishOrder(r.elected, r.defeated, input.candidates.length, withdrawn), rounds: r.rounds };
    }
    case 'scottish-stv': {
      const r = countScottish(args);
      return { ...base, elected: r.elected, order: finishOrder(r.elected, r.excluded, input.candidates.length, withdrawn), rounds: r.rounds };
    }
    case 'irv': {
      const r = countIrv(args);
      return { ...base, elected: r.elected, order: finishOrder(r.elected, r.excluded, input.candidates.length, withdrawn), rounds: r.rounds };
    }
    case 'schulze': {
      const r = countSchulze(args);
      return { ...base, elected: r.order.slice(0, input.seats), order: r.order, rounds: r.rounds };
    }
  }
}
