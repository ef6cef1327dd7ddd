// The input and output of a ranked count: one shape for every method, so that the board and the
// verifier call the same countRanked() on the decrypted rankings of a record.

export type RankedMethod = 'meek-stv' | 'scottish-stv' | 'irv' | 'schulze';
export const RANKED_METHODS: readonly RankedMethod[] = ['meek-stv', 'scottish-stv', 'irv', 'schulze'];

/** One preference level: a candidate index, or several candidates ranked equally. */
export type Preference = number | readonly number[];
/** A voter's ranking, most preferred first; may stop early (partial ranking). */
export type Ranking = readonly Preference[];

/**
 * How ties are broken: the record's public seed (with the question's id, so questions sharing a seed
 * get independent lots), or a lot order given outright (a BLT `[tie]` line).
 */
export type TieBreak = { seed: Uint8Array; question?: string } | { order: readonly number[] };

export interface RankedInput {
  candidates: readonly string[];
  seats: number;
  method: RankedMethod;
  rankings: readonly Ranking[];
  /** Voter weights, one positive whole number per ranking (default 1 each). */
  weights?: readonly (number | bigint)[];
  /** Candidates withdrawn after the poll: struck out of every ranking before counting. */
  withdrawn?: readonly number[];
  /** The question requires every candidate to be ranked: a shorter ranking is invalid. */
  rankAll?: boolean;
  tieBreak: TieBreak;
  /**
   * Meek only: 'positive' (veche's rule: an elected candidate below the quota adds no surplus) or
   * 'signed' (Droop.py's: it adds a negative one, which can stall the count). Default 'positive'.
   */
  meekSurplus?: 'positive' | 'signed';
}

/** A ranking that was not counted, with the reason (shown in the result). */
export interface InvalidRanking { index: number; reason: string }

/** A ballot group ready to count: levels of candidate indices (withdrawn ones removed) and a weight. */
export interface BallotGroup { levels: number[][]; weight: bigint }

export type CandidateState = 'hopeful' | 'elected' | 'defeated' | 'withdrawn';

/**
 * One recorded step of a count: what happened and the figures after it. Figures are exact decimal
 * strings (Meek 9 places, Scottish 5 places, IRV and Schulze whole numbers).
 */
export interface CountStep {
  /** begin, elect, iterate, defeat, tie, elect-remaining, defeat-remaining, transfer-surplus, exclude, complete… */
  action: string;
  /** The candidates the action concerns (elected, defeated, transferred from, tied). */
  candidates: number[];
  /** Human detail: iteration result, tie reason, transfer value. */
  note?: string;
  /** Each candidate's votes after this step (absent when the step shows no per-candidate figures). */
  votes?: string[];
  state?: CandidateState[];
  quota?: string;
  /** Method-specific totals: surplus, residual (exhausted), transferValue, nonTransferable, lossOfFractions… */
  figures?: Record<string, string>;
}

export interface CountRound { round: number; steps: CountStep[] }

export interface RankedResult {
  method: RankedMethod;
  candidates: string[];
  seats: number;
  /** Elected candidates, in the order they were elected. */
  elected: number[];
  /** Schulze: the whole order of finish. Others: elected, then the rest by the round they were defeated (latest first). */
  order: number[];
  /** The lot order used for ties: in any tie, the candidate earliest in it is the one disadvantaged. */
  tieOrder: number[];
  tieSource: 'seed' | 'given';
  /** Total weight of the counted rankings. */
  validWeight: string;
  invalid: InvalidRanking[];
  /** Index 0 holds the initial count ("round 0"), then one entry per round. */
  rounds: CountRound[];
}

export class RankedInputError extends Error {
  override name = 'RankedInputError';
}
