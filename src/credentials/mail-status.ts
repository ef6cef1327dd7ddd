// The status file of a mailing: JSON Lines, fsynced line by line, so that a run killed at any point
// leaves on disk what was sent and what was only being sent; one run per file at a time (a lock).
// Bounces, which come back later, are added to it by address or from the bounce notices.
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

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
    // The local part has no '@' and the domain no '>', so the match is linear: a notice comes from outside,
    // and a line of many '@' must not hold the authority's tool or the server for hours.
    if (name === 'final-recipient') recipient = /^rfc822\s*;\s*<?([^\s<>@]+@[^\s<>]+?)>?\s*$/i.exec(field[2]!)?.[1]?.toLowerCase() ?? null;
    else if (name === 'action' && recipient && field[2]!.trim().toLowerCase() === 'failed') failed.add(recipient);
  }
  return [...failed];
}
