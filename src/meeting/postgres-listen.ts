// The notices of meeting appends between server processes sharing one PostgreSQL (spec §19 M9): every
// append commits a NOTIFY on one channel, whose payload is only "<seq> <meeting>" (never the event: a
// payload is at most 8000 bytes, and a notice is not trusted anyway: the listener reads the events from
// the store and checks them). Each process LISTENs on one connection of its own, outside the pool;
// when that connection drops it reconnects with a growing pause and then says "resync": notices sent
// while it was away are lost, so every meeting it follows catches up from its last seq.
import pg from 'pg';
import type { AppendNotices } from './store.js';

/** The channel every veche process on the database notifies and listens on. */
export const MEETING_CHANNEL = 'veche_meeting_appended';

/** The payload of the notice of event `seq` of `meeting`. */
export const noticePayload = (meeting: string, seq: number): string => `${seq} ${meeting}`;

/** The meeting and seq of a notice, or null for a payload that is not one (ignored). */
export function parseNotice(payload: string | undefined): { meeting: string; seq: number } | null {
  const m = /^(0|[1-9][0-9]{0,14}) (.+)$/s.exec(payload ?? '');
  return m ? { meeting: m[2]!, seq: Number(m[1]) } : null;
}

type Follower = { appended(meeting: string, seq: number): void; resync(): void };

/** The first pause before opening a dropped connection again (doubling up to LONGEST_PAUSE_MS). */
export const FIRST_PAUSE_MS = 100;
const LONGEST_PAUSE_MS = 5000;

/** One LISTEN connection, opened with the first follower and ended with close(). */
export class MeetingListener implements AppendNotices {
  private followers = new Set<Follower>();
  private client: pg.Client | null = null;
  private started = false;
  private closed = false;
  private pause: number;
  private timer: NodeJS.Timeout | null = null;

  /** `name`: the connection's application_name (pg_stat_activity shows which process listens);
   *  `firstPauseMs`: the wait before the first attempt to reconnect. */
  constructor(private readonly url: string, private readonly firstPauseMs = FIRST_PAUSE_MS, private readonly name = `veche-meeting-listen-${process.pid}`) {
    this.pause = firstPauseMs;
  }

  follow(appended: (meeting: string, seq: number) => void, resync: () => void): () => void {
    const f: Follower = { appended, resync };
    this.followers.add(f);
    if (!this.started) { this.started = true; void this.connect(); }
    return () => { this.followers.delete(f); };
  }

  /** Resolves once the connection listens (tests and benchmarks wait for it; followers need not). */
  async listening(timeoutMs = 10_000): Promise<void> {
    for (const until = Date.now() + timeoutMs; !this.client; await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() > until) throw new Error('the meeting listener did not connect');
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, application_name: this.name, keepAlive: true });
    let lost = false;
    const retry = () => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      client.removeAllListeners('notification');
      void client.end().catch(() => {});
      if (this.closed) return;
      this.timer = setTimeout(() => { this.timer = null; void this.connect(); }, this.pause);
      this.pause = Math.min(Math.max(LONGEST_PAUSE_MS, this.firstPauseMs), this.pause * 2);
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (n) => {
      if (n.channel !== MEETING_CHANNEL) return;
      const notice = parseNotice(n.payload);
      if (notice) for (const f of this.followers) f.appended(notice.meeting, notice.seq);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${MEETING_CHANNEL}`);
    } catch {
      retry();
      return;
    }
    if (this.closed || lost) { void client.end().catch(() => {}); return; }
    this.client = client;
    this.pause = this.firstPauseMs;
    // Listening now: whatever was appended before (or while the connection was down) is read from the store.
    for (const f of this.followers) f.resync();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    this.client = null;
    if (c) { c.removeAllListeners(); c.on('error', () => {}); await c.end().catch(() => {}); }
  }
}
