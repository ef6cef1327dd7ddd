// Shared by test/credentials-*.test.ts: a real election whose key ceremony ran on a real SQLite board
// (the CLI's board directory), with the credential authority's file on disk and the credentials issued
// and published through the real `veche credentials issue`, `board submit` and `board open`; and a real
// SMTP server (the smtp-server package) on loopback that parses every mail it accepts with mailparser.
// Only exports: `node --test dist/test/` also loads this file, and then it defines no test.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SqliteStore } from '../src/board/sqlite-store.js';
import type { Manifest } from '../src/manifest/types.js';
import { compactManifest, createWithKeys, rolesOf } from './helpers/election.js';
import { vecheOk } from './helpers/cli.js';

export const VOTERS_CSV = [
  'voter,name,email,language,weight',
  'alice,Alice Martin,alice@example.org,en,1',
  'boris,Борис Петров,boris@example.org,ru,2',
  'chloe,Chloé Dubois,chloe@example.org,fr,1',
  'dmytro,Дмитро Коваль,dmytro@example.org,uk,1',
  'erin,"Erin O\'Neil, jr.",erin@example.org,,1',
].join('\n') + '\n';

export interface MailElection {
  work: string;
  at: (...p: string[]) => string;
  run: (args: string[]) => ReturnType<typeof vecheOk>;
  manifest: Manifest;
  electionHash: string;
  /** voter id -> credential, from the private list the authority wrote. */
  credentials: Map<string, string>;
}

/** The election, up to an open poll; the record is in work/record.jsonl, the authority's files in work/authority/. */
export async function mailElection(label: string): Promise<MailElection> {
  const work = mkdtempSync(join(tmpdir(), `veche-credentials-${label}-`));
  const at = (...p: string[]) => join(work, ...p);
  const run = (args: string[]) => vecheOk(args, { cwd: work });
  mkdirSync(at('board'));
  mkdirSync(at('authority'));
  const manifest: Manifest = { ...compactManifest(`mail-${label}`), title: 'Совет кооператива 2027 / Co-op council 2027' };
  const store = new SqliteStore(at('board', 'board.sqlite'));
  const { board } = await createWithKeys(store, manifest);
  const electionHash = board.current.electionHash;
  await store.close();
  writeFileSync(at('authority', 'authority.json'), JSON.stringify(rolesOf(manifest).authority), { mode: 0o600 });
  writeFileSync(at('authority', 'voters.csv'), VOTERS_CSV);
  await run(['board', 'export', '--board', 'board', '--out', 'record.jsonl']);
  await run(['credentials', 'issue', '--authority', 'authority/authority.json', '--record', 'record.jsonl', '--voters', 'authority/voters.csv', '--out-dir', 'authority']);
  await run(['board', 'submit', '--board', 'board', 'authority/credentials.json']);
  await run(['board', 'open', '--board', 'board']);
  await run(['board', 'export', '--board', 'board', '--out', 'record.jsonl']);
  const rows = readFileSync(at('authority', 'credentials.private.csv'), 'utf8').trim().split('\n');
  const credentials = new Map(rows.slice(1).map((r) => [/^[^,]+/.exec(r)![0], r.split(',').at(-1)!]));
  return { work, at, run, manifest, electionHash, credentials };
}

export interface Received { to: string; mail: ParsedMail; /** Date.now() when the message's data ended. */ at: number }

export interface TestSmtp {
  url: string;
  received: Received[];
  /** Addresses the server refuses at RCPT TO with 550 (for good), and with 451 (for now). */
  refuse: Set<string>;
  defer: Set<string>;
  /** Called for each message before the server answers it; return false to leave it unanswered (not accepted). */
  beforeAccept: (() => boolean) | null;
  close(): Promise<void>;
}

/** A real SMTP server on loopback (127.0.0.1 unless told) without STARTTLS that wants user veche /
 *  password secret (AUTH PLAIN/LOGIN). */
export async function startSmtp(host = '127.0.0.1'): Promise<TestSmtp> {
  const state: TestSmtp = { url: '', received: [], refuse: new Set(), defer: new Set(), beforeAccept: null, close: async () => {} };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'veche' && auth.password === 'secret') cb(null, { user: 'veche' });
      else cb(new Error('Invalid username or password'));
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) {
      if (state.refuse.has(address.address)) cb(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      else if (state.defer.has(address.address)) cb(Object.assign(new Error('4.7.1 greylisted, try again later'), { responseCode: 451 }));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const at = Date.now();
        if (state.beforeAccept && !state.beforeAccept()) return; // never answered: the client is killed meanwhile
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          for (const r of session.envelope.rcptTo) state.received.push({ to: r.address, mail, at });
          cb();
        }, (e: Error) => cb(e));
      });
    },
  });
  server.on('error', () => { /* a client killed mid-session */ });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  state.url = `smtp://veche:secret@${host}:${port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/** The link, the credential and the fingerprint a mail gives, read from its text as a voter would. */
export function readMail(text: string): { link: string; credential: string; fingerprint: string } {
  const link = /^ {2}(https?:\/\/\S+)$/m.exec(text)?.[1];
  const credential = /^ {2}([0-9A-Z]{5}(?:-[0-9A-Z]{5}){4})$/m.exec(text)?.[1];
  const fingerprint = /^ {2}([0-9a-f]{4}(?: [0-9a-f]{4}){4})$/m.exec(text)?.[1];
  if (!link || !credential || !fingerprint) throw new Error(`mail without link, credential or fingerprint:\n${text}`);
  return { link, credential, fingerprint };
}
