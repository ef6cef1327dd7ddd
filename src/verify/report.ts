// The verifier's report: every check by name, how often it held, and the first failures.

export const CHECKS = {
  'record.format': 'every line is one canonical JSON event with exactly the fields seq, prev, time, type, payload, hash',
  'chain.sequence': 'sequence numbers run 0, 1, 2, ... without gaps',
  'chain.links': 'each event names the hash of the event before it',
  'chain.hashes': 'each event hash is the hash of its content',
  'chain.time': 'event times are valid and never go backwards',
  'election.manifest': 'the first event is the election, with a valid manifest and board key',
  'phase.order': 'each event comes in a phase that allows it, once where it must be once',
  'phase.schedule': "the poll opened no earlier than the manifest's opening time, took no ballot at or after its closing time, and closed early only where the manifest allows it",
  'trustees.signatures': "every trustee event is signed by that trustee's key in the manifest",
  'trustees.commitments': 'each trustee committed to its key before any key was revealed, and revealed that key',
  'trustees.keys': 'each trustee published one key, with valid proofs of its coefficients and encryption key',
  'trustees.shares': 'each trustee sent an encrypted share to every other trustee',
  'trustees.complaints': 'every complaint about a share is judged from the record (who is at fault)',
  'trustees.ready': "each trustee's verification key matches the public commitments, with a valid proof",
  'keys.joint': 'the election key is the product of the trustees\' constant commitments, right after the last trustee was ready',
  'credentials.list': 'the credential list is sorted, distinct, valid, with positive weights and the right total',
  'credentials.signature': "the credential list, every revocation and every addition are signed by the credential authority's key in the manifest",
  'credentials.revocations': 'revocations name listed credentials, once each, before the poll closed',
  'credentials.additions': 'credentials added after the list are new keys, each replacing at most one revoked credential of its weight, before the poll closed',
  'ballots.valid': 'every ballot is bound to this election and its credential, signed, and every proof holds',
  'ballots.eligible': 'every ballot comes from a listed credential that was not revoked',
  'ballots.unique': 'no ballot appears twice',
  'tally.sums': 'the encrypted tally is the weighted sum of the last ballot of each valid credential',
  'tally.counts': 'the tally states the right number of counted ballots and weights',
  'record.stable': 'the second pass read the same counted ballots as the first (each line has the hash found before)',
  'decryption.shares': 'every decryption share comes from a trustee once, with valid proofs',
  'result.counts': 'the published counts are what the decryption shares decrypt to',
  'result.outcomes': 'the published outcomes follow from the counts by the manifest\'s rules',
  // ranked (spec §20) -->
  'mix.shuffles': 'every mix is by a trustee, once, in turn, signed, and its proof of shuffle holds: its input is the ranked rows of the counted ballots (first mix) or the mix before',
  'mix.decryption': 'every decryption of the last mix comes from a trustee once, after the mixes, with valid proofs',
  'ranked.rankings': 'the published rankings are what the last mix decrypts to with the first threshold decryptions',
  'ranked.count': "each ranked question's published count is its method's count of those rankings, ties by the record's seed",
  // <-- ranked
  'record.complete': 'the record runs to a published result (required with --final)',
} as const;

export type CheckId = keyof typeof CHECKS;

export interface CheckOutcome {
  id: CheckId;
  description: string;
  passed: number;
  failed: number;
  /** The first failures, with the line (sequence number) where each was found. */
  failures: { seq: number | null; message: string }[];
}

export class Report {
  private outcomes = new Map<CheckId, CheckOutcome>();
  /** What the record shows that everyone should know but is no failure (e.g. weights that expose votes). */
  readonly warnings: { seq: number | null; message: string }[] = [];

  constructor() {
    for (const id of Object.keys(CHECKS) as CheckId[]) {
      this.outcomes.set(id, { id, description: CHECKS[id], passed: 0, failed: 0, failures: [] });
    }
  }

  pass(id: CheckId, times = 1): void {
    this.outcomes.get(id)!.passed += times;
  }

  fail(id: CheckId, seq: number | null, message: string): void {
    const o = this.outcomes.get(id)!;
    o.failed++;
    if (o.failures.length < 10) o.failures.push({ seq, message });
  }

  /** Records `ok` for `id`; returns ok. */
  check(id: CheckId, seq: number | null, ok: boolean, message: string): boolean {
    if (ok) this.pass(id);
    else this.fail(id, seq, message);
    return ok;
  }

  warn(seq: number | null, message: string): void {
    if (this.warnings.length < 100) this.warnings.push({ seq, message });
  }

  get checks(): CheckOutcome[] {
    return [...this.outcomes.values()];
  }

  /** Holds only if no check failed and the record was checked through to its result. */
  get ok(): boolean {
    return this.okSoFar && this.outcomes.get('record.complete')!.passed > 0;
  }

  /** Every check made so far holds (a record that has not reached its result yet may still be fine). */
  get okSoFar(): boolean {
    return this.checks.every((c) => c.failed === 0 || c.id === 'record.complete');
  }

  get failedChecks(): CheckId[] {
    return this.checks.filter((c) => c.failed > 0).map((c) => c.id);
  }
}
