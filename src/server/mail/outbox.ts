// The server's own mail (VECHE_SMTP_URL): every mail goes through the credential authority's sendAll
// (src/credentials/mail.ts: throttled, one status per recipient before the next mail), with the
// statuses in the server's store instead of a file, so a round cut off by a restart goes on where it
// stopped: whoever was sent is skipped, whoever was only being sent is sent again.
import type { Transporter } from 'nodemailer';
import { parseRate, sendAll, type Outgoing, type SendSummary } from '../../credentials/mail.js';
import type { StatusEntry } from '../../credentials/mail-status.js';
import { HttpError } from '../errors.js';
import type { ServerMailStore } from './store.js';

export interface ServerMailSettings {
  store: ServerMailStore;
  /** VECHE_PUBLIC_URL: the links in the mails point at it (a mail is sent in the background, where no request says the address). */
  publicUrl?: string;
  /** The transport to VECHE_SMTP_URL; null: the server sends no mail (and says so where one is asked for). */
  transport: (Pick<Transporter, 'sendMail'> & { close?: () => void }) | null;
  /** VECHE_MAIL_FROM; default "veche <noreply@HOST of the public URL>". */
  from?: string;
  /** VECHE_MAIL_RATE, like "2/s" (the default) or "120/min". */
  rate?: string;
  /** Where a failed round is reported (never a credential). */
  log?: (line: string) => void;
}

export class Outbox {
  readonly store: ServerMailStore;
  private interval: number;
  /** One run per election and kind of mail at a time in this process (across processes: the rounds' lease). */
  private running = new Map<string, Promise<SendSummary>>();

  constructor(readonly settings: ServerMailSettings) {
    this.store = settings.store;
    this.interval = parseRate(settings.rate ?? '2/s');
  }

  get enabled(): boolean { return this.settings.transport !== null && this.settings.publicUrl !== undefined; }

  /** Why no mail can go out, or null. */
  why(): string | null {
    if (!this.settings.transport) return 'this server has no mail server (VECHE_SMTP_URL)';
    if (!this.settings.publicUrl) return 'this server has no public address (VECHE_PUBLIC_URL) for the links in its mails';
    return null;
  }

  requireEnabled(): void {
    const why = this.why();
    if (why) throw new HttpError(503, 'no-mailer', `${why}; nothing was sent`);
  }

  base(): string { return this.settings.publicUrl!.replace(/\/+$/, ''); }

  private from(): string { return this.settings.from ?? `veche <noreply@${new URL(this.base()).hostname}>`; }

  log(line: string): void { (this.settings.log ?? ((l) => process.stderr.write(l + '\n')))(line); }

  /** Sends the mails of one kind for one election, skipping the recipients already sent; `afterSent`
   *  runs once a mail's status is stored as sent (the server authority forgets the credential there). */
  send(election: string, kind: string, mails: Outgoing[], afterSent?: (entry: StatusEntry) => Promise<void>): Promise<SendSummary> {
    const key = `${election} ${kind}`;
    const before = this.running.get(key) ?? Promise.resolve(null);
    const run = before.catch(() => null).then(async () => {
      this.requireEnabled();
      const latest = new Map((await this.store.statuses(election, kind)).map((e) => [e.voter, e]));
      return sendAll(mails, {
        transport: this.settings.transport!, from: this.from(), interval: this.interval, resend: false,
        log: {
          get: (voter) => latest.get(voter),
          append: async (entry) => {
            await this.store.putStatus(election, kind, entry);
            latest.set(entry.voter, entry);
            if (afterSent && (entry.status === 'sent' || entry.status === 're-sent')) await afterSent(entry);
          },
        },
      });
    });
    const p = run.finally(() => { if (this.running.get(key) === p) this.running.delete(key); });
    this.running.set(key, p);
    return p;
  }

  /** Waits for the runs under way (close, tests). */
  async flush(): Promise<void> { await Promise.allSettled([...this.running.values()]); }
}
