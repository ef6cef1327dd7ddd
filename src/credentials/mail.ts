// Mailing voters their own credential through the organisation's SMTP server (nodemailer), from the
// credential authority's machine: the voting server never sees a private credential. Throttled, and
// resumable after a crash: each voter's outcome goes to the status file (mail-status.ts) before the
// next mail, so a re-run skips whoever was sent and retries whoever was not.
import { createTransport, type Transporter } from 'nodemailer';
import type { Recipient } from './contacts.js';
import type { StatusEntry, StatusLog } from './mail-status.js';

/** "10/s", "120/min" or "1000/h" -> milliseconds between mails. */
export function parseRate(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\/(s|min|h)$/.exec(text.trim());
  const n = m ? Number(m[1]) : NaN;
  const interval = m && n > 0 ? ({ s: 1000, min: 60_000, h: 3_600_000 } as const)[m[2] as 's' | 'min' | 'h'] / n : NaN;
  if (!(interval >= 1)) throw new Error(`--rate: expected like 2/s, 60/min or 500/h (at most 1000/s), not "${text}"`);
  return interval;
}

/** A transport for an smtp:// or smtps:// URL. Plain SMTP is upgraded with STARTTLS, and required to be,
 *  except to this machine (the credential would cross the network in clear) unless allowPlaintext. */
export function smtpTransport(url: string, options: { allowPlaintext?: boolean } = {}): Transporter {
  let u: URL;
  try { u = new URL(url); } catch { throw new Error('--smtp: expected a URL like smtp://user:password@mail.example.org:587'); }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error('--smtp: expected smtp:// (STARTTLS) or smtps:// (TLS)');
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  const requireTLS = u.protocol === 'smtp:' && !loopback && !options.allowPlaintext;
  return createTransport({
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 587,
    secure: u.protocol === 'smtps:',
    requireTLS,
    ignoreTLS: loopback && u.protocol === 'smtp:' && options.allowPlaintext === true,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    pool: true,
    maxConnections: 1,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
}

export function redactSmtp(url: string): string {
  try { const u = new URL(url); if (u.password) u.password = '***'; return u.toString(); } catch { return '(unparsable URL)'; }
}

export interface Outgoing { recipient: Recipient; subject: string; text: string }

export interface SendOptions {
  transport: Pick<Transporter, 'sendMail'>;
  from: string;
  /** Milliseconds between two mails. */
  interval: number;
  /** The status file (mail-status.ts), or the server's table of the same entries (src/server/mail/): an
   *  entry is durable once append returns or its promise resolves. */
  log: Pick<StatusLog, 'get'> & { append(entry: StatusEntry): void | Promise<void> };
  /** Send again to voters already sent (status re-sent). */
  resend: boolean;
  onResult?: (voter: Recipient, entry: StatusEntry | null, why: string) => void;
}

export interface SendSummary { sent: number; resent: number; refused: number; failed: number; skipped: number }

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What a re-run does with a voter, from their last status. */
function plan(last: StatusEntry | undefined, email: string, resend: boolean): { send: boolean; as: 'sent' | 're-sent'; why: string } {
  if (!last) return { send: true, as: 'sent', why: '' };
  switch (last.status) {
    case 'sent': case 're-sent':
      if (resend) return { send: true, as: 're-sent', why: '' };
      return { send: false, as: 'sent', why: last.email === email ? `already ${last.status} at ${last.time}` : `already ${last.status} at ${last.time} to ${last.email} (the address changed: --resend to send to the new one)` };
    // Interrupted: the server did not confirm (or the confirmation was not recorded): send again.
    case 'sending': return { send: true, as: 'sent', why: '' };
    case 'failed': return { send: true, as: 'sent', why: '' };
    case 'refused': case 'bounced':
      if (resend || last.email !== email) return { send: true, as: 're-sent', why: '' };
      return { send: false, as: 'sent', why: `${last.status} at ${last.time} (${last.reply ?? ''}): correct the address in the voter list, or --resend` };
  }
}

const sanitizeHeader = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();

export async function sendAll(mails: Outgoing[], o: SendOptions): Promise<SendSummary> {
  const summary: SendSummary = { sent: 0, resent: 0, refused: 0, failed: 0, skipped: 0 };
  let next = 0;
  for (const m of mails) {
    const r = m.recipient;
    const p = plan(o.log.get(r.voter), r.email, o.resend);
    if (!p.send) { summary.skipped++; o.onResult?.(r, null, p.why); continue; }
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    await o.log.append({ voter: r.voter, email: r.email, status: 'sending', time: new Date().toISOString() });
    let entry: StatusEntry;
    try {
      const info = await o.transport.sendMail({
        from: o.from,
        to: { name: sanitizeHeader(r.name), address: r.email },
        subject: sanitizeHeader(m.subject),
        text: m.text,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      const rejected = (info.rejected as unknown[] | undefined)?.length ?? 0;
      entry = rejected > 0
        ? { voter: r.voter, email: r.email, status: 'refused', time: new Date().toISOString(), reply: String(info.response ?? 'recipient rejected') }
        : { voter: r.voter, email: r.email, status: p.as, time: new Date().toISOString(), reply: String(info.response ?? ''), messageId: String(info.messageId ?? '') };
    } catch (e) {
      const err = e as Error & { responseCode?: number; response?: string; code?: string };
      // 5xx is the server's final word on this recipient; anything else (4xx, network) is worth a retry.
      const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500;
      entry = { voter: r.voter, email: r.email, status: permanent ? 'refused' : 'failed', time: new Date().toISOString(), reply: err.response ?? `${err.code ?? ''} ${err.message}`.trim() };
    }
    await o.log.append(entry);
    // Counted from the end of this mail: the server sees no two mails closer than the interval.
    next = Date.now() + o.interval;
    if (entry.status === 'sent') summary.sent++;
    else if (entry.status === 're-sent') summary.resent++;
    else if (entry.status === 'refused') summary.refused++;
    else summary.failed++;
    o.onResult?.(r, entry, '');
  }
  return summary;
}

