// Mailing voters their own credential through the organisation's SMTP server (nodemailer), from the
// credential authority's machine: the voting server never sees a private credential. Throttled, and
// resumable after a crash: each voter's outcome is appended to a status file and fsynced before the
// next mail, so a re-run skips whoever was sent and retries whoever was not.
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import { credentialKeys } from './credentials.js';
import type { Recipient } from './contacts.js';
import type { VerifierState } from '../verify/state.js';

// ---- the record: what is mailed must be what the board lists -----------------------------------------

/** Refuses (fail closed) a private list that does not match the record's signed credential list: a
 *  credential that is not listed, or listed with another weight. Revoked credentials are left out. */
export function matchRecord(state: VerifierState, recipients: Recipient[]): { send: Recipient[]; revoked: Recipient[]; unlisted: number } {
  if (!state.credentials) throw new Error('refused: the record holds no credential list yet (publish the signed list first)');
  const problems: string[] = [];
  const send: Recipient[] = [];
  const revoked: Recipient[] = [];
  const mine = new Set<string>();
  for (const r of recipients) {
    const key = credentialKeys(state.electionHash, r.credential).key;
    mine.add(key);
    const weight = state.credentials.get(key);
    if (weight === undefined) problems.push(`voter "${r.voter}": the credential is not on the record's list (a private list of another election, or an altered one)`);
    else if (weight !== r.weight) problems.push(`voter "${r.voter}": weight ${r.weight} here, ${weight} on the record`);
    else if (state.revoked.has(key)) revoked.push(r);
    else send.push(r);
  }
  if (problems.length) throw new Error(`refused: the private list does not match the record, nothing sent:\n  ${problems.slice(0, 20).join('\n  ')}`);
  return { send, revoked, unlisted: [...state.credentials.keys()].filter((k) => !mine.has(k)).length };
}

/** The voter's own link: the credential is in the fragment, which a browser never sends to the server. */
export function votingLink(baseUrl: string, electionId: string, credential: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/vote/${encodeURIComponent(electionId)}#credential=${credential}`;
}

export function checkBaseUrl(baseUrl: string): string {
  let u: URL;
  try { u = new URL(baseUrl); } catch { throw new Error(`--base-url: "${baseUrl}" is not a URL (expected like https://vote.example.org)`); }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('--base-url: expected an http(s) URL');
  if (u.search || u.hash || u.username || u.password) throw new Error('--base-url: the voting server\'s address only, without query, fragment or user');
  return u.toString().replace(/\/+$/, '');
}

// ---- the status file -----------------------------------------------------------------------------------

export type MailStatus = 'sending' | 'sent' | 're-sent' | 'refused' | 'failed' | 'bounced';

export interface StatusEntry {
  voter: string;
  email: string;
  status: MailStatus;
  time: string;
  /** The SMTP server's reply (or the error) for this attempt. */
  reply?: string;
  messageId?: string;
}

interface StatusHeader { format: 'veche/mail-status/v1'; election: string; kind: string }

/** JSON Lines: a header naming the election and the kind of mail, then one entry per attempt and outcome.
 *  Never holds a credential. */
export class StatusLog {
  private latest = new Map<string, StatusEntry>();
  private fd: number;

  private constructor(readonly path: string, fd: number, entries: StatusEntry[]) {
    this.fd = fd;
    for (const e of entries) this.latest.set(e.voter, e);
  }

  static open(path: string, header: Omit<StatusHeader, 'format'>): StatusLog {
    const unlock = lockStatus(path);
    try {
      const log = StatusLog.read(path, header);
      log.unlock = unlock;
      return log;
    } catch (e) { unlock(); throw e; }
  }

  private unlock: () => void = () => {};

  private static read(path: string, header: Omit<StatusHeader, 'format'>): StatusLog {
    const entries: StatusEntry[] = [];
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    // A crash mid-write leaves at most a cut-off last line: it is dropped. Anything else wrong is refused.
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    if (complete !== '') {
      const parsed = complete.slice(0, -1).split('\n').map((l, i) => { try { return JSON.parse(l) as unknown; } catch { throw new Error(`${path} line ${i + 1}: not a status line`); } });
      const head = parsed.shift() as StatusHeader | undefined;
      if (head?.format !== 'veche/mail-status/v1') throw new Error(`${path}: not a veche mail status file`);
      if (head.election !== header.election) throw new Error(`${path}: the status of another election (${head.election.slice(0, 16)}…)`);
      if (head.kind !== header.kind) throw new Error(`${path}: a status file of ${head.kind} mails, not ${header.kind}`);
      entries.push(...(parsed as StatusEntry[]));
    }
    const fd = openSync(path, 'a', 0o600);
    if (complete.length < text.length) { ftruncateSync(fd, complete.length); fsyncSync(fd); }
    const log = new StatusLog(path, fd, entries);
    if (complete === '') {
      log.write({ format: 'veche/mail-status/v1', ...header });
      // The new file's name is durable too.
      const dir = openSync(dirname(path), 'r');
      try { fsyncSync(dir); } finally { closeSync(dir); }
    }
    return log;
  }

  /** An existing status file, whatever its election (to mark bounces). */
  static openExisting(path: string): StatusLog {
    if (!existsSync(path)) throw new Error(`${path}: no such status file`);
    const head = JSON.parse(readFileSync(path, 'utf8').split('\n')[0] || 'null') as StatusHeader | null;
    if (head?.format !== 'veche/mail-status/v1') throw new Error(`${path}: not a veche mail status file`);
    return StatusLog.open(path, { election: head.election, kind: head.kind });
  }

  get(voter: string): StatusEntry | undefined { return this.latest.get(voter); }
  entries(): StatusEntry[] { return [...this.latest.values()]; }

  /** Appended and on disk (fsync) before this returns. */
  append(entry: StatusEntry): void {
    this.write(entry);
    this.latest.set(entry.voter, entry);
  }

  private write(value: unknown): void {
    writeSync(this.fd, JSON.stringify(value) + '\n');
    fsyncSync(this.fd);
  }

  close(): void { closeSync(this.fd); this.unlock(); }
}

/** One run per status file at a time (two would mail the same voters): FILE.lock holds the runner's
 *  pid; a lock whose process is gone (killed) is taken over. Returns the release. */
function lockStatus(path: string): () => void {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => { try { unlinkSync(lock); } catch { /* already gone */ } };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lock, 'utf8'));
      if (Number.isSafeInteger(pid) && pid > 0 && alive(pid)) throw new Error(`${path} is in use by another run (process ${pid}); wait for it, or remove ${lock} if that process is not a veche run`);
      unlinkSync(lock);
    }
  }
  throw new Error(`cannot lock ${path}`);
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

// ---- sending ---------------------------------------------------------------------------------------------

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
  log: StatusLog;
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
    o.log.append({ voter: r.voter, email: r.email, status: 'sending', time: new Date().toISOString() });
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
    o.log.append(entry);
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

/** Marks the voters whose mail came back (a bounce notice, days later) as bounced, by address. */
export function markBounced(log: StatusLog, addresses: string[]): { marked: string[]; unknown: string[] } {
  const marked: string[] = [];
  const unknown: string[] = [];
  for (const a of addresses) {
    const hits = log.entries().filter((e) => e.email.toLowerCase() === a.trim().toLowerCase() && (e.status === 'sent' || e.status === 're-sent'));
    if (hits.length === 0) { unknown.push(a); continue; }
    for (const h of hits) { log.append({ voter: h.voter, email: h.email, status: 'bounced', time: new Date().toISOString(), reply: 'marked bounced by the authority' }); marked.push(h.voter); }
  }
  return { marked, unknown };
}

/** The recipients a bounce notice (an RFC 3464 delivery status notification, as a saved .eml file or
 *  an mbox of several) reports as failed: each per-recipient block's Final-Recipient with Action: failed.
 *  Delayed or delivered blocks are not bounces. */
export function failedRecipients(dsn: string): string[] {
  const lines = dsn.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  const failed = new Set<string>();
  let recipient: string | null = null;
  for (const line of lines) {
    const field = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!field) { if (line.trim() === '') recipient = null; continue; }
    const name = field[1]!.toLowerCase();
    if (name === 'final-recipient') recipient = /^rfc822\s*;\s*<?([^\s<>]+@[^\s<>]+?)>?\s*$/i.exec(field[2]!)?.[1]?.toLowerCase() ?? null;
    else if (name === 'action' && recipient && field[2]!.trim().toLowerCase() === 'failed') failed.add(recipient);
  }
  return [...failed];
}
