// `veche credentials ...`: the credential authority, on its own machine. It makes one secret credential
// per voter, keeps who holds which, and signs the public list and every revocation with its key.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { credentialKeys, issueCredentials } from '../../credentials/credentials.js';
import { newAuthority, signCredentialList, signRevocation, type AuthoritySecret } from '../../credentials/authority.js';
import { csvTable, parseCsv, readRecipients, toCsv, type Recipient } from '../../credentials/contacts.js';
import { parseRate, redactSmtp, sendAll, smtpTransport, type Outgoing } from '../../credentials/mail.js';
import { failedRecipients, markBounced, StatusLog } from '../../credentials/mail-status.js';
import { checkBaseUrl, matchRecord, votingLink } from '../../credentials/record-match.js';
import { notYetVoted } from '../../credentials/remind.js';
import { writeLetters, type Letter } from '../../credentials/letters.js';
import { invitationMail, pickLanguage, reminderMail, type CredentialNotice } from '../../credentials/templates/render.js';
import { checkRecord, linesSource } from '../../verify/record-check.js';
import type { VerifierState } from '../../verify/state.js';
import { electionFingerprint } from '../../verify/voter-check.js';
import { weightSecrecyWarnings } from '../../verify/weights.js';
import { intOption, parse, readJsonFile, required, UsageError, writeJsonFile } from '../args.js';
import { makeSubmission } from '../submission.js';
import { credentialsAdd, CREDENTIALS_ADD_HELP } from './credentials-add.js';

export const CREDENTIALS_HELP = `Usage: veche credentials <action> --authority AUTHORITY.json [options]

The credential authority's steps (not the admin's), on its own machine:
  init
      make the authority's signing key; writes AUTHORITY.json (keep it private) and prints the
      public key for the organiser to put in the manifest (credentialAuthority.signingKey).
  issue --record RECORD (--voters FILE.csv | --count N) --out-dir DIR
      make one secret credential per voter, bound to this election (the record is verified first
      and must name this authority's key). Writes:
        DIR/credentials.private.csv   voter,weight,credential: send each voter their own line; keep
                                      it to revoke a lost credential, and guard it
        DIR/credentials.json          the public list (keys and weights only), signed: a submission
      The voters file is CSV with a header: "voter" (an id or e-mail) and optionally "weight".
  revoke --record RECORD (--credential KEY | --voter ID --private DIR/credentials.private.csv)
         [--reason TEXT] --out REVOKE.json
      a signed revocation of one public credential (before the poll closes): its ballots are not
      counted, even those already cast.
${CREDENTIALS_ADD_HELP}
Getting the credentials to the voters (after the board holds the signed list). Each first reads and
verifies RECORD (a file, or the record URL http(s)://HOST/api/elections/ID/record) and refuses, sending
nothing, unless every credential of the private list is on its list with the same weight; revoked
credentials are left out. --authority is optional here (given, the manifest must name its key).
  mail --record RECORD --private DIR/credentials.private.csv [--voters VOTERS.csv] --base-url URL
       --smtp smtp://USER:PASSWORD@HOST:PORT [--from ADDRESS] [--rate 2/s] [--status FILE]
       [--resend] [--only VOTER ...] [--allow-plaintext] [--dry-run]
      mail each voter their own voting link (URL/vote/ID#credential=…) and credential, with the
      election's title and fingerprint and how to vote, in the voter's language (a "language"
      column; else the election's first). Addresses come from an "email" column (the private list's,
      or --voters, joined by voter id), or a voter id that is an address. The organisation's SMTP
      server is used through STARTTLS, required except to this machine (--allow-plaintext to allow);
      smtps:// for TLS from the start. At most --rate mails (N/s, N/min, N/h).
      The status file (default DIR/mail-status.jsonl) gets each voter's outcome, on disk before the
      next mail: sent, re-sent, refused (the server's reply), failed (try again), bounced. A re-run
      sends only to those not yet sent (an interrupted or failed one again; a refused or bounced
      one once its address was corrected); --resend sends again to all selected (--only).
      Exit 1 if any mail was refused or failed. --dry-run checks everything, lists who would be
      mailed and shows one mail (its credential masked), without connecting or writing a status.
  remind --record RECORD --private FILE [--voters FILE] --base-url URL --smtp URL [--from ...]
         [--rate ...] [--status FILE] [--resend] [--only VOTER ...]
      while the poll is open: mail again only the voters whose credential has no ballot on the
      verified record yet, with their link and credential. Status file by default
      DIR/remind-status-YYYY-MM-DD.jsonl (one reminder round a day; --status to choose).
  bounced --status FILE (ADDRESS | NOTICE.eml | MBOX) ...
      mark the voters mailed at these addresses as bounced: addresses, or the bounce notices saved
      from the --from mailbox (delivery status notifications: their failed recipients are read);
      correct their address in the voter list and run mail again.
  letters --record RECORD --private FILE [--voters FILE] --base-url URL --out LETTERS.pdf
      one A4 page per voter to print: name, election fingerprint, credential, a QR code of the
      voting link, instructions in the voter's language (needs the DejaVu fonts: fonts-dejavu-core).
  export --record RECORD --private FILE [--voters FILE] --base-url URL --out MERGE.csv
      voter,name,email,language,link,credential for your own mail merge.
  The PDF and the CSV hold every credential: both are written readable by their owner only.
`;

/** Reads the voter list: a "voter" column (an id or e-mail), optionally "weight", and the contact
 *  columns "name", "email", "language", carried into the private list for mailing. */
export function parseVotersCsv(text: string): { id: string; weight?: number; name?: string; email?: string; language?: string }[] {
  let table: ReturnType<typeof csvTable>;
  try { table = csvTable(text, 'voters CSV'); } catch (e) { throw new UsageError((e as Error).message); }
  const seen = new Set<string>();
  return table.rows.map((r) => {
    const id = r.get('voter');
    if (!id) throw new UsageError(`voters CSV line ${r.line}: empty voter`);
    if (seen.has(id)) throw new UsageError(`voters CSV line ${r.line}: voter "${id}" appears twice`);
    seen.add(id);
    const contact = Object.fromEntries((['name', 'email', 'language'] as const).filter((c) => r.get(c) !== '').map((c) => [c, r.get(c)]));
    if (r.get('weight') === '') return { id, ...contact };
    const weight = Number(r.get('weight'));
    if (!Number.isSafeInteger(weight) || weight < 1) throw new UsageError(`voters CSV line ${r.line}: weight must be a positive whole number`);
    return { id, weight, ...contact };
  });
}

function loadAuthority(path: string): AuthoritySecret {
  const a = readJsonFile(path) as AuthoritySecret;
  if (a?.version !== 'veche/authority-secret/v2' || typeof a.signing?.secret !== 'string') throw new UsageError(`${path}: not a credential authority file (veche/authority-secret/v2)`);
  return a;
}

async function recordLines(source: string): Promise<string[]> {
  let text: string;
  if (/^https?:\/\//.test(source)) {
    let res: Response;
    try { res = await fetch(source, { signal: AbortSignal.timeout(120_000) }); } catch (e) { throw new UsageError(`cannot fetch the record ${source}: ${(e as Error).message}`); }
    if (!res.ok) throw new UsageError(`cannot fetch the record ${source}: ${res.status} ${res.statusText}`);
    text = await res.text();
  } else {
    try { text = readFileSync(source, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The record, verified so far, naming this authority: the authority signs and sends nothing for a board it cannot check. */
async function checkedRecord(source: string, authority: AuthoritySecret | null): Promise<VerifierState> {
  const { report, state } = await checkRecord(linesSource(await recordLines(source)));
  if (!report.okSoFar) throw new UsageError(`refused: the record does not verify (${report.failedChecks.filter((c) => c !== 'record.complete').join(', ')})`);
  if (authority && state.manifest!.credentialAuthority.signingKey !== authority.signing.key) throw new UsageError('refused: the manifest names another credential authority key than this one');
  return state;
}

const readText = (path: string) => { try { return readFileSync(path, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); } };

function recipientsOf(values: Record<string, unknown>, needEmail: boolean): Recipient[] {
  try {
    return readRecipients(readText(required(values, 'private')), values.voters ? readText(values.voters as string) : null, { needEmail });
  } catch (e) { throw new UsageError((e as Error).message); }
}

/** What every mail and letter says of one voter. */
function noticeOf(state: VerifierState, baseUrl: string, r: Recipient): { language: string; notice: CredentialNotice } {
  const m = state.manifest!;
  return {
    language: pickLanguage(r.language, m.languages),
    notice: {
      name: r.name, title: m.title, authority: m.credentialAuthority.name, fingerprint: electionFingerprint(state.electionHash),
      link: votingLink(baseUrl, m.id, r.credential), credential: r.credential, weight: r.weight, questions: m.questions.length,
      ...(m.closes ? { closes: m.closes } : {}),
    },
  };
}

const pad = (s: string) => s.padEnd(9);

async function mailCommand(action: 'mail' | 'remind', values: Record<string, unknown>, state: VerifierState, baseUrl: string): Promise<number> {
  const all = recipientsOf(values, true);
  let chosen: Recipient[];
  if (action === 'mail') {
    const { send, revoked, unlisted } = (() => { try { return matchRecord(state, all); } catch (e) { throw new UsageError((e as Error).message); } })();
    for (const r of revoked) console.log(`${pad('skipped')} ${r.email}: credential revoked on the record`);
    if (unlisted > 0) console.warn(`warning: ${unlisted} credential(s) on the record's list are not in this private list`);
    chosen = send;
  } else {
    const n = (() => { try { return notYetVoted(state, all); } catch (e) { throw new UsageError((e as Error).message); } })();
    console.log(`${n.voted} voter(s) have voted, ${n.remind.length} not yet${n.revoked ? `, ${n.revoked} revoked` : ''}`);
    chosen = n.remind;
  }
  const only = (values.only as string[] | undefined) ?? [];
  for (const v of only) if (!all.some((r) => r.voter === v)) throw new UsageError(`--only: no voter "${v}" in the private list`);
  if (only.length) chosen = chosen.filter((r) => only.includes(r.voter));

  const mails: (Outgoing & { language: string })[] = chosen.map((r) => {
    const { language, notice } = noticeOf(state, baseUrl, r);
    return { recipient: r, language, ...(action === 'mail' ? invitationMail(language, notice) : reminderMail(language, notice)) };
  });
  if (values['dry-run']) {
    // What would go out, without a connection or a status line; the credential shown is masked.
    for (const m of mails) console.log(`would mail ${m.recipient.email} (${m.language})`);
    const first = mails[0];
    if (first) {
      const mask = (t: string) => t.split(first.recipient.credential).join(`${first.recipient.credential.slice(0, 5)}-•••••-•••••-•••••-•••••`);
      console.log(`\n--- the mail to ${first.recipient.email}, credential masked ---\nSubject: ${first.subject}\n\n${mask(first.text)}`);
    }
    console.log(`${mails.length} mail(s) would be sent (dry run: nothing sent)`);
    return 0;
  }
  const smtp = required(values, 'smtp');
  let interval: number;
  try { interval = parseRate((values.rate as string | undefined) ?? '2/s'); } catch (e) { throw new UsageError((e as Error).message); }
  const smtpUser = (() => { try { return decodeURIComponent(new URL(smtp).username); } catch { return ''; } })();
  const from = (values.from as string | undefined) ?? (smtpUser.includes('@') ? smtpUser : '');
  if (!from) throw new UsageError('--from is required (the sender address), unless the SMTP user name is one');
  if (/[\r\n]/.test(from)) throw new UsageError('--from: one line');
  const privateDir = dirname(required(values, 'private'));
  const statusPath = (values.status as string | undefined) ?? join(privateDir, action === 'mail' ? 'mail-status.jsonl' : `remind-status-${new Date().toISOString().slice(0, 10)}.jsonl`);
  let transport: ReturnType<typeof smtpTransport>;
  try { transport = smtpTransport(smtp, { allowPlaintext: values['allow-plaintext'] === true }); } catch (e) { throw new UsageError((e as Error).message); }
  // One look at the server first (connection, TLS, login): a wrong password or a server without
  // STARTTLS stops here, before any voter is marked.
  try { await transport.verify(); } catch (e) {
    transport.close();
    const err = e as Error & { response?: string; code?: string };
    const tls = err.code === 'ETLS' ? ' (STARTTLS failed: the credentials would cross the network in clear; use smtps://, a server that offers STARTTLS, or --allow-plaintext)' : '';
    throw new UsageError(`cannot use the SMTP server ${redactSmtp(smtp)}: ${err.response ?? err.message}${tls}`);
  }
  let log: StatusLog;
  try { log = StatusLog.open(statusPath, { election: state.electionHash, kind: action === 'mail' ? 'invitation' : 'reminder' }); } catch (e) { transport.close(); throw new UsageError((e as Error).message); }
  console.log(`${action === 'mail' ? 'mailing' : 'reminding'} ${mails.length} voter(s) through ${redactSmtp(smtp)}; status in ${statusPath}`);
  try {
    const sum = await sendAll(mails, {
      transport, from, interval, log, resend: values.resend === true,
      onResult: (r, entry, why) => console.log(entry ? `${pad(entry.status)} ${r.email}${entry.status === 'sent' || entry.status === 're-sent' ? '' : `: ${entry.reply ?? ''}`}` : `${pad('skipped')} ${r.email}: ${why}`),
    });
    console.log(`${sum.sent} sent, ${sum.resent} re-sent, ${sum.refused} refused, ${sum.failed} failed, ${sum.skipped} skipped`);
    return sum.refused + sum.failed > 0 ? 1 : 0;
  } finally {
    transport.close();
    log.close();
  }
}

export async function credentialsCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    authority: { type: 'string' }, record: { type: 'string' }, voters: { type: 'string' }, count: { type: 'string' }, 'out-dir': { type: 'string' }, credential: { type: 'string' }, voter: { type: 'string' }, private: { type: 'string' }, reason: { type: 'string' }, out: { type: 'string' },
    smtp: { type: 'string' }, from: { type: 'string' }, rate: { type: 'string' }, status: { type: 'string' }, resend: { type: 'boolean' }, only: { type: 'string', multiple: true }, 'base-url': { type: 'string' }, 'allow-plaintext': { type: 'boolean' }, 'dry-run': { type: 'boolean' },
    reissue: { type: 'string' }, weight: { type: 'string' }, server: { type: 'string' }, token: { type: 'string' }, // add
  }, action === 'bounced');
  if (values.help || !['init', 'issue', 'revoke', 'add', 'mail', 'remind', 'bounced', 'letters', 'export'].includes(action ?? '')) { process.stdout.write(CREDENTIALS_HELP); return values.help ? 0 : 2; }
  if (action === 'bounced') {
    if (positionals.length === 0) throw new UsageError('bounced: give the addresses that bounced, or the bounce notices (.eml or mbox files)');
    // Saved bounce notices are read for the recipients they report as failed; anything else is an address.
    const addresses = positionals.flatMap((p) => {
      if (!existsSync(p)) return [p];
      const found = failedRecipients(readText(p));
      if (found.length === 0) console.warn(`warning: ${p}: no failed recipient in it (not a delivery status notification?)`);
      return found;
    });
    let log: StatusLog;
    try { log = StatusLog.openExisting(required(values, 'status')); } catch (e) { throw new UsageError((e as Error).message); }
    try {
      const { marked, unknown } = markBounced(log, addresses);
      console.log(`${marked.length} voter(s) marked bounced${unknown.length ? `; no mail was sent to ${unknown.join(', ')}` : ''}`);
      return unknown.length ? 1 : 0;
    } finally { log.close(); }
  }
  if (['mail', 'remind', 'letters', 'export'].includes(action!)) {
    const authority = values.authority ? loadAuthority(values.authority) : null;
    let baseUrl: string;
    try { baseUrl = checkBaseUrl(required(values, 'base-url')); } catch (e) { throw new UsageError((e as Error).message); }
    const state = await checkedRecord(required(values, 'record'), authority);
    if (action === 'mail' || action === 'remind') {
      if (state.phase !== 'setup' && state.phase !== 'open') throw new UsageError(`refused: the poll has closed (the record stands at "${state.phase}")`);
      return mailCommand(action, values, state, baseUrl);
    }
    const out = required(values, 'out');
    let send: Recipient[];
    try { send = matchRecord(state, recipientsOf(values, false)).send; } catch (e) { throw new UsageError((e as Error).message); }
    if (action === 'letters') {
      const letters: Letter[] = send.map((r) => noticeOf(state, baseUrl, r));
      try { await writeLetters(out, letters); } catch (e) { throw new UsageError((e as Error).message); }
      console.log(`${letters.length} letters written to ${out} (one page each; it holds every credential: print, then delete it)`);
      return 0;
    }
    const rows = send.map((r) => { const { language, notice } = noticeOf(state, baseUrl, r); return [r.voter, r.name, r.email, language, notice.link, r.credential]; });
    writeFileSync(out, toCsv([['voter', 'name', 'email', 'language', 'link', 'credential'], ...rows]), { mode: 0o600 });
    console.log(`${rows.length} voters written to ${out}`);
    return 0;
  }
  const authorityPath = required(values, 'authority');
  if (action === 'init') {
    if (existsSync(authorityPath)) throw new UsageError(`${authorityPath} exists: refusing to overwrite the authority's key`);
    const a = newAuthority();
    writeJsonFile(authorityPath, a, 0o600);
    console.log(`authority key written to ${authorityPath} (keep it private)`);
    console.log(`credential authority signing key, for the manifest: ${a.signing.key}`);
    return 0;
  }
  const authority = loadAuthority(authorityPath);
  const state = await checkedRecord(required(values, 'record'), authority);
  const election = state.electionHash;
  if (action === 'add') return credentialsAdd(values, state, authority, readText);
  if (action === 'revoke') {
    let key = values.credential as string | undefined;
    if (!key) {
      const voter = required(values, 'voter');
      const rows = parseCsv(readText(required(values, 'private')));
      const header = rows.shift() ?? [];
      const row = rows.find((r) => r[header.indexOf('voter')] === voter);
      if (!row) throw new UsageError(`no voter "${voter}" in the private list`);
      key = credentialKeys(election, row[header.indexOf('credential')]!).key;
    }
    if (!state.credentials?.has(key)) throw new UsageError('this credential is not on the board\'s list');
    if (state.revoked.has(key)) throw new UsageError('this credential is already revoked');
    const out = required(values, 'out');
    writeJsonFile(out, makeSubmission('credential-revoked', election, signRevocation(election, key, values.reason ?? '', authority.signing)));
    console.log(`signed revocation written to ${out}`);
    return 0;
  }
  if (state.credentials) throw new UsageError('the board already holds a credential list');
  let voters: ReturnType<typeof parseVotersCsv>;
  if (values.voters) voters = parseVotersCsv(readFileSync(values.voters, 'utf8'));
  else if (values.count) voters = Array.from({ length: intOption(values, 'count', 0, 1, 10_000_000) }, (_, i) => ({ id: `voter-${i + 1}` }));
  else throw new UsageError('give --voters FILE.csv or --count N');
  const dir = required(values, 'out-dir');
  mkdirSync(dir, { recursive: true });
  const issued = issueCredentials(election, voters);
  // The contact columns the voter list had go along (before the credential, which stays last).
  const contactColumns = (['name', 'email', 'language'] as const).filter((c) => voters.some((v) => (v as Record<string, unknown>)[c] !== undefined));
  const byId = new Map(voters.map((v) => [v.id, v as Record<string, unknown>]));
  const csv = toCsv([['voter', 'weight', ...contactColumns, 'credential'], ...issued.private.map((c) => [c.voter, c.weight, ...contactColumns.map((k) => String(byId.get(c.voter)?.[k] ?? '')), c.credential])]);
  writeFileSync(join(dir, 'credentials.private.csv'), csv, { mode: 0o600 });
  writeJsonFile(join(dir, 'credentials.json'), makeSubmission('credentials', election, signCredentialList(election, issued.public, authority.signing)));
  for (const w of weightSecrecyWarnings(issued.public)) console.warn(`warning: ${w}`);
  console.log(`${issued.private.length} credentials: private list in ${join(dir, 'credentials.private.csv')}, public list in ${join(dir, 'credentials.json')}`);
  return 0;
}
