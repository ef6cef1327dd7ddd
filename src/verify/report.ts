// The verifier's report: every check by name, how often it held, and the first failures.

export const CHECKS = {
  'record.format': 'every line is one canonical JSON event with exactly the fields seq, prev, time, type, payload, hash',
  'chain.sequence': 'sequence numbers run 0, 1, 2, ... without gaps',
  'chain.links': 'each event names the hash of the event before it',
  'chain.hashes': 'each event hash is the hash of its content',
  'chain.time': 'event times are valid and never go backwards',
  'election.manifest': 'the first event is the election, with a valid manifest and board key',
  'phase.order': 'each event comes in a phase that allows it, once where it must be once',
  'trustees.keys': 'each trustee published one key, with valid proofs of its coefficients and encryption key',
  'trustees.shares': 'each trustee sent an encrypted share to every other trustee',
  'trustees.ready': "each trustee's verification key matches the public commitments, with a valid proof",
  'keys.joint': 'the election key is the product of the trustees\' constant commitments',
  'credentials.list': 'the credential list is sorted, distinct, valid, with positive weights and the right total',
  'credentials.revocations': 'revocations name listed credentials, once each, before the poll closed',
  'ballots.valid': 'every ballot is bound to this election and its credential, signed, and every proof holds',
  'ballots.eligible': 'every ballot comes from a listed credential that was not revoked',
  'ballots.unique': 'no ballot appears twice',
  'tally.sums': 'the encrypted tally is the weighted sum of the last ballot of each valid credential',
  'tally.counts': 'the tally states the right number of counted ballots and weights',
  'decryption.shares': 'every decryption share comes from a trustee once, with valid proofs',
  'result.counts': 'the published counts are what the decryption shares decrypt to',
  'result.outcomes': 'the published outcomes follow from the counts by the manifest\'s rules',
  'record.complete': 'the record runs to a published result',
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

  get checks(): CheckOutcome[] {
    return [...this.outcomes.values()];
  }

  /** Holds only if no check failed and the record was checked through to its result. */
  get ok(): boolean {
    return this.checks.every((c) => c.failed === 0) && this.outcomes.get('record.complete')!.passed > 0;
  }

  get failedChecks(): CheckId[] {
    return this.checks.filter((c) => c.failed > 0).map((c) => c.id);
  }
}
