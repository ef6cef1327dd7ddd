// How often sign-in links may be asked for: per client address and per voter (or per address typed
// in, when it is in no register: the answer must not tell the two apart), within a sliding window.
export interface LinkLimits { perVoter: number; perAddress: number; windowMs: number }
export const DEFAULT_LINK_LIMITS: LinkLimits = { perVoter: 3, perAddress: 20, windowMs: 15 * 60_000 };

export class LinkRequests {
  private seen = new Map<string, number[]>();

  constructor(readonly limits: LinkLimits = DEFAULT_LINK_LIMITS, private now: () => number = Date.now) {}

  private recent(key: string): number[] {
    const from = this.now() - this.limits.windowMs;
    const list = (this.seen.get(key) ?? []).filter((t) => t > from);
    if (list.length === 0) this.seen.delete(key); else this.seen.set(key, list);
    return list;
  }

  /** Counts one request and says whether it may be served (both counts under their limits). */
  take(who: string, client: string): boolean {
    const keys: [string, number][] = [[`who:${who}`, this.limits.perVoter], [`addr:${client}`, this.limits.perAddress]];
    if (keys.some(([k, max]) => this.recent(k).length >= max)) return false;
    // Old keys go when looked at again; a flood of fresh keys is bounded by the route's own rate limit.
    if (this.seen.size > 100_000) for (const k of [...this.seen.keys()].slice(0, 50_000)) this.recent(k);
    for (const [k] of keys) this.seen.set(k, [...this.recent(k), this.now()]);
    return true;
  }
}
