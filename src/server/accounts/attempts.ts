// Failed password logins, counted per e-mail address and per client address over a sliding window; a
// key with too many failures is refused (429) before its password is even hashed. Kept in this process's
// memory: a restart or another server node starts afresh (docs/accounts.md).
export interface AttemptLimits { perAccount: number; perAddress: number; windowMs: number }
export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };

export class LoginAttempts {
  private failures = new Map<string, number[]>();

  constructor(private limits: AttemptLimits = DEFAULT_ATTEMPT_LIMITS, private now: () => number = Date.now) {}

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length) this.failures.set(key, list); else this.failures.delete(key);
    return list;
  }

  /** Milliseconds until this login may be tried again, or 0 if it may be tried now. */
  blockedFor(email: string, address: string): number {
    const wait = (key: string, max: number) => {
      const list = this.recent(key);
      return list.length >= max ? list[list.length - max]! + this.limits.windowMs - this.now() : 0;
    };
    return Math.max(wait(`email:${email}`, this.limits.perAccount), wait(`addr:${address}`, this.limits.perAddress));
  }

  failed(email: string, address: string): void {
    for (const key of [`email:${email}`, `addr:${address}`]) this.failures.set(key, [...this.recent(key), this.now()]);
  }

  /** A right password clears the account's count (not the address's: one address may try many accounts). */
  succeeded(email: string): void {
    this.failures.delete(`email:${email}`);
  }
}
