// Decryption shares and the result: proofs of every share, counts recombined, outcomes recounted.
import { canonicalJson } from '../crypto/encoding.js';
import { checkDecryptionShare, combineShares } from '../tally/decrypt.js';
import { countResults, type QuestionResult } from '../tally/rules.js';
import { tieSeed } from '../tally/tie-break.js';
import { encodePoint } from '../crypto/group.js';
import type { BoardEvent, DecryptionSharePayload, ResultPayload } from '../record/events.js';
import type { Report } from './report.js';
import type { VerifierState } from './state.js';
import { checkPayloadSignature } from '../record/signature.js';

export function verifyDecryptionShare(e: BoardEvent, st: VerifierState, report: Report): void {
  const p = e.payload as DecryptionSharePayload;
  const index = st.manifest!.trustees.findIndex((t) => t.id === p.trustee) + 1;
  const ordered = st.phase === 'tallied' && index > 0 && p.index === index && !st.decryptionShares.some((s) => s.trustee === p.trustee);
  if (!report.check('phase.order', e.seq, ordered, `decryption share from ${String(p.trustee)} out of order, misnumbered or repeated`)) return;
  const unsigned = checkPayloadSignature(st.electionHash, st.manifest!, { role: 'trustee', id: p.trustee }, 'decryption-share', p);
  if (!report.check('trustees.signatures', e.seq, unsigned === null, `decryption share of ${p.trustee}: ${unsigned}`)) return;
  const vk = st.ceremony.ready.get(p.trustee);
  // Exactly {D, proof} per part too: nothing on the record may carry extra data the proofs do not cover.
  const exact = Object.keys(p).sort().join(',') === 'index,shares,signature,trustee' && Array.isArray(p.shares)
    && p.shares.every((row) => !Array.isArray(row) || row.every((part) => typeof part !== 'object' || part === null || Object.keys(part).sort().join(',') === 'D,proof'));
  const problem = !vk ? 'trustee has no verification key' : !st.tallySums ? 'no valid tally to decrypt' : !exact ? 'unexpected fields' : checkDecryptionShare(st.electionHash, vk, st.tallySums, p);
  if (report.check('decryption.shares', e.seq, problem === null, `decryption share of ${p.trustee}: ${problem}`)) st.decryptionShares.push(p);
}

export function verifyResult(e: BoardEvent, st: VerifierState, report: Report): void {
  if (!report.check('phase.order', e.seq, st.phase === 'tallied', 'result before the tally, or twice')) return;
  st.phase = 'decrypted';
  const p = e.payload as ResultPayload;
  st.result = p;
  st.resultSeq = e.seq;
  const t = st.manifest!.threshold;
  const used = st.decryptionShares.slice(0, t);
  let counts: number[][] | null = null;
  try {
    if (used.length < t || !st.tallySums || !st.tally) throw new Error(`${t} valid decryption shares needed, ${used.length} on the record`);
    counts = combineShares(st.tallySums, used, st.tally.castWeight);
  } catch (err) {
    report.fail('result.counts', e.seq, (err as Error).message);
  }
  if (counts) {
    const ok = Object.keys(p).length === 6 && canonicalJson(p.counts) === canonicalJson(counts)
      && canonicalJson(p.trustees) === canonicalJson(used.map((s) => s.trustee))
      && p.ballots === st.tally!.ballots && p.castWeight === st.tally!.castWeight && p.eligibleWeight === st.tally!.eligibleWeight;
    report.check('result.counts', e.seq, ok, 'the published counts, trustees or totals differ from the decryption');
    try {
      const seed = st.manifest!.tieBreak?.method === 'seed' ? tieSeed(st.electionHash, encodePoint(st.jointKey!)) : undefined;
      const results = countResults(st.manifest!, counts, st.tally!.castWeight, st.tally!.eligibleWeight, seed);
      if (canonicalJson(results) === canonicalJson(p.results)) report.pass('result.outcomes');
      else report.fail('result.outcomes', e.seq, outcomesProblem(results, p.results));
    } catch (err) {
      report.fail('result.outcomes', e.seq, (err as Error).message);
    }
  }
}

/** Names the first question whose published result differs from the recount, and says whether its tie-break is what differs. */
function outcomesProblem(computed: readonly QuestionResult[], published: unknown): string {
  if (!Array.isArray(published) || published.length !== computed.length) return 'the published outcomes do not follow from the counts';
  const r = computed.find((x, j) => canonicalJson(x) !== canonicalJson(published[j]));
  if (!r) return 'the published outcomes do not follow from the counts';
  const theirs = published[computed.indexOf(r)] as Record<string, unknown> | null;
  const strip = (x: unknown) => { const { tieBreak: _t, winner: _w, winners: _ws, outcome: _o, undecided: _u, ...rest } = (x ?? {}) as Record<string, unknown>; return canonicalJson(rest); };
  if ('tieBreak' in r && strip(r) === strip(theirs))
    return `question "${r.questionId}": the tie is not settled by the manifest's tie-break rule (${r.tieBreak!.method === 'seed' ? `lot order ${r.tieBreak!.lotOrder.join(', ')}` : 'a runoff'})`;
  return `question "${r.questionId}": the published outcome does not follow from the counts`;
}
