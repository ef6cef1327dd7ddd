// The encrypted tally: its stated numbers now; its sums in a second pass over the ballots.
import { ciphertextEquals, type Ciphertext } from '../crypto/elgamal.js';
import { combineSums, emptySums } from '../tally/tally.js';
import { decodeSums } from '../tally/decrypt.js';
import type { BoardEvent, TallyPayload } from '../record/events.js';
import type { Report } from './report.js';
import type { VerifierState } from './state.js';

export function verifyTallyEvent(e: BoardEvent, st: VerifierState, report: Report): void {
  if (!report.check('phase.order', e.seq, st.phase === 'closed', 'tally before the poll closed, or twice')) return;
  const p = e.payload as TallyPayload;
  let counted = 0;
  let castWeight = 0;
  for (const [credential] of st.lastBallot) {
    if (st.revoked.has(credential)) continue;
    counted++;
    castWeight += st.credentials!.get(credential)!;
  }
  report.check('tally.counts', e.seq, Object.keys(p).length === 4 && p.ballots === counted && p.castWeight === castWeight && p.eligibleWeight === st.eligibleWeight,
    `tally states ${String(p.ballots)} ballots / weight ${String(p.castWeight)} of ${String(p.eligibleWeight)}; the record has ${counted} / ${castWeight} of ${st.eligibleWeight}`);
  try {
    const sums = decodeSums(p.sums);
    if (sums.length !== st.groups.length || sums.some((row, g) => row.length !== st.groups[g]!.optionIds.length)) throw new Error('wrong shape');
    st.tallySums = sums;
  } catch (err) {
    report.fail('tally.sums', e.seq, `tally sums malformed: ${(err as Error).message}`);
  }
  st.tally = p;
  st.tallySeq = e.seq;
  st.phase = 'tallied';
}

/** Second pass: adds the sums of the counted ballots, computed in batches (src/verify/tally-ranges.ts), and compares with the tally. */
export class TallyRecount {
  private sums;
  constructor(private readonly st: VerifierState) {
    this.sums = emptySums(st.groups);
  }

  /** Adds sums of counted ballots computed elsewhere (a worker thread's batch). */
  addSums(partial: Ciphertext[][]): void {
    this.sums = combineSums(this.sums, partial);
  }

  finish(report: Report): void {
    const published = this.st.tallySums;
    if (!published) return;
    const same = this.sums.every((row, g) => row.every((c, i) => ciphertextEquals(c, published[g]![i]!)));
    report.check('tally.sums', this.st.tallySeq, same, 'the published encrypted tally is not the sum of the counted ballots');
  }
}
