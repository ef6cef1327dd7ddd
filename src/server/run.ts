// Starting and stopping the server process: used by main.ts (npm start) and `veche serve`.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { openStore, redactUrl } from '../board/open-store.js';
import type { BoardStore } from '../board/store.js';
import { buildApp, DEFAULT_RATE_LIMIT } from './app.js';
import { ensureAdminToken } from './auth.js';
import { createDemoElection, type DemoElection } from './demo.js';
import { SqliteMeetingStore, type MeetingStore } from '../meeting/store.js';
import { PostgresMeetingStore } from '../meeting/postgres-store.js';
import { FIRST_PAUSE_MS } from '../meeting/postgres-listen.js'; // meetings across processes
import { openForumStore } from '../forum/open.js';
import { openAccountStore } from './accounts/open.js';
import { oidcFromEnv } from './accounts/oidc.js';
import type { OidcSettings } from './accounts/store.js';
import { openVoterAuthStore, voterAuthSettings } from './voter-auth/open.js'; // voter sign-in
import { openServerMailStore, serverMailSettings } from './mail/open.js'; // server mail (spec §6.5)

export interface RunOptions {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  rateLimit: number;
  /** Base of the printed links; default http://localhost:PORT. */
  publicUrl?: string;
  /** Create the demo election when the store holds no election. */
  demo: boolean;
  adminToken?: string;
  webDir?: string | null;
  logger?: boolean;
  trustProxy?: boolean;
  /** How often the schedule looks at the elections (ms); default 5000. */
  scheduleIntervalMs?: number;
  /** The server-wide OpenID Connect provider (VECHE_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET). */
  oidc?: OidcSettings | null;
}

/** dist/web, next to the compiled server (dist/src/server). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web', import.meta.url));

function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${name}: expected a whole number from ${min} to ${max}, got "${v}"`);
  return n;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): RunOptions {
  return {
    port: envInt(env, 'VECHE_PORT', 8080, 0, 65535),
    host: env.VECHE_HOST || '127.0.0.1',
    dataDir: env.VECHE_DATA_DIR || './data',
    ...(env.VECHE_DATABASE_URL ? { databaseUrl: env.VECHE_DATABASE_URL } : {}),
    rateLimit: envInt(env, 'VECHE_RATE_LIMIT', DEFAULT_RATE_LIMIT, 0, 10_000_000),
    ...(env.VECHE_PUBLIC_URL ? { publicUrl: env.VECHE_PUBLIC_URL.replace(/\/+$/, '') } : {}),
    demo: env.VECHE_DEMO !== '0',
    ...(env.VECHE_ADMIN_TOKEN ? { adminToken: env.VECHE_ADMIN_TOKEN } : {}),
    logger: env.VECHE_LOG === '1',
    trustProxy: env.VECHE_TRUST_PROXY === '1',
    scheduleIntervalMs: envInt(env, 'VECHE_SCHEDULE_INTERVAL_MS', 5000, 100, 3_600_000),
    oidc: oidcFromEnv(env),
  };
}

export interface RunningServer {
  app: FastifyInstance;
  store: BoardStore;
  url: string;
  adminToken: string | null;
  demo: DemoElection | null;
  /** Stops taking requests, lets running ones finish, closes the store. */
  close(): Promise<void>;
}

export async function runServer(opts: RunOptions, print: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<RunningServer> {
  if (opts.oidc && !opts.publicUrl) throw new Error('VECHE_OIDC_ISSUER needs VECHE_PUBLIC_URL: the OpenID Connect redirect URI is built from it');
  mkdirSync(opts.dataDir, { recursive: true });
  const store = await openStore(opts.databaseUrl, opts.dataDir);
  const accounts = await openAccountStore(opts.databaseUrl, opts.dataDir).catch(async (e: unknown) => { await store.close(); throw e; });
  // Bodies and meeting records: beside the board, in the same database.
  // PostgreSQL: the other processes' appends come by LISTEN/NOTIFY (spec §19 M9); VECHE_MEETING_LISTEN_RETRY_MS: the first pause before a dropped LISTEN connection is opened again.
  const meetings: MeetingStore = opts.databaseUrl ? await PostgresMeetingStore.connect(opts.databaseUrl, undefined, envInt(process.env, 'VECHE_MEETING_LISTEN_RETRY_MS', FIRST_PAUSE_MS, 10, 60_000)) : new SqliteMeetingStore(join(opts.dataDir, 'veche.sqlite'));
  const voterStore = await openVoterAuthStore(opts.databaseUrl, opts.dataDir); // voter sign-in (spec §6.3)
  const mailStore = await openServerMailStore(opts.databaseUrl, opts.dataDir); // server mail and server authority (spec §6.5)
  const forum = await openForumStore(opts.databaseUrl, opts.dataDir); // bodies' forums (spec §21)
  try {
    const admin = await ensureAdminToken(store, opts.dataDir, opts.adminToken);
    const serverMail = serverMailSettings(mailStore, process.env, opts.publicUrl); // VECHE_SMTP_URL, VECHE_MAIL_FROM, VECHE_MAIL_RATE
    const { app, elections } = await buildApp(store, {
      webDir: opts.webDir === undefined ? DEFAULT_WEB_DIR : opts.webDir, rateLimit: opts.rateLimit, logger: opts.logger ?? false, trustProxy: opts.trustProxy ?? false, scheduleIntervalMs: opts.scheduleIntervalMs ?? 5000,
      accounts: { store: accounts, ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}), oidc: opts.oidc ?? null },
      meetingStore: meetings,
      voterAuth: voterAuthSettings(voterStore, process.env, opts.publicUrl, opts.oidc ?? null), // voter sign-in: VECHE_SMTP_URL, VECHE_MAIL_FROM
      serverMail, // server mail
      forumStore: forum, // forums
    });
    const demo = opts.demo && (await store.elections()).length === 0 ? await createDemoElection(elections, opts.dataDir) : null;
    await app.listen({ port: opts.port, host: opts.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : opts.port;
    const base = opts.publicUrl ?? `http://${opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
    const lines = [
      `veche is running at ${base}/`,
      `  store:    ${opts.databaseUrl ? redactUrl(opts.databaseUrl) : join(opts.dataDir, 'veche.sqlite')}`,
      `  admin:    ${base}/admin/`,
      `  login:    ${base}/login`,
      // The token itself is never printed: the console often ends up in a log. It is in a file only
      // its owner can read (mode 0600).
      admin.source === 'env'
        ? '  admin token: the one given in VECHE_ADMIN_TOKEN (not printed)'
        : admin.source === 'created'
          ? `  admin token: made now and saved in ${admin.file} (mode 0600; read it with: cat ${admin.file})`
          : admin.token
            ? `  admin token: in ${admin.file}`
            : `  admin token: set earlier; its text is not in ${admin.file} (give one with VECHE_ADMIN_TOKEN to replace it)`,
    ];
    const linksFile = join(opts.dataDir, 'demo-links.txt');
    if (demo) {
      const links = demoLinks(base, demo);
      writeFileSync(linksFile, links.all.join('\n') + '\n', { mode: 0o600 });
      lines.push('', ...links.shown, `  (every link: ${linksFile})`);
    } else if (existsSync(linksFile)) {
      lines.push('', `demo election links: ${linksFile}`);
    }
    if (!opts.webDir && opts.webDir !== undefined) lines.push('', 'web pages: off');
    else if (!existsSync(join(opts.webDir ?? DEFAULT_WEB_DIR, 'index.html'))) lines.push('', 'web pages: not built (npm run build:web); the API works without them');
    lines.push('', 'stop with Ctrl-C');
    for (const l of lines) print(l);
    let closing: Promise<void> | null = null;
    return {
      app, store, url: base, adminToken: admin.token, demo,
      close: () => (closing ??= app.close().then(() => Promise.all([store.close(), accounts.close(), meetings.close(), voterStore.close(), mailStore.close(), forum.close()])).then(() => { serverMail.transport?.close?.(); })),
    };
  } catch (e) {
    await store.close().catch(() => undefined);
    await accounts.close().catch(() => undefined);
    await meetings.close().catch(() => undefined);
    await voterStore.close().catch(() => undefined); // voter sign-in
    await mailStore.close().catch(() => undefined); // server mail
    await forum.close().catch(() => undefined); // forums
    throw e;
  }
}

function demoLinks(base: string, demo: DemoElection): { shown: string[]; all: string[] } {
  const voter = (c: { voter: string; credential: string }) => `${base}/vote/${demo.id}#credential=${c.credential}`;
  const trustee = (id: string, token: string) => `${base}/trustee/${demo.id}/${id}#token=${token}`;
  const head = [
    `Demo election "${demo.id}": the poll is open for ${demo.credentials.length} voters.`,
    '  DEMO SHORTCUT: the trustees\' secrets and the voters\' credentials were made on this server so that',
    '  one person can try every role. In a real election they never are: each trustee makes their own',
    '  secret in their browser, and the credential authority (not the admin) makes and signs the',
    '  credential list in its own browser (/authority/<election>) or with veche credentials.',
  ];
  const tail = [
    `  board:    ${base}/board/${demo.id}`,
    `  results:  ${base}/results/${demo.id}`,
    ...Object.entries(demo.trusteeTokens).map(([id, token]) => `  trustee ${id}: ${trustee(id, token)}`),
    `  trustee secrets (open them on the trustee page to decrypt): ${demo.files.trustees.join(', ')}`,
    `  voter credentials: ${demo.files.credentials}`,
  ];
  return {
    shown: [...head, ...demo.credentials.slice(0, 3).map((c) => `  vote (${c.voter}): ${voter(c)}`), ...tail],
    all: [...head, ...demo.credentials.map((c) => `  vote (${c.voter}): ${voter(c)}`), ...tail],
  };
}

/** Closes the server on SIGTERM or SIGINT (a second signal exits at once). */
export function closeOnSignals(server: RunningServer): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) { process.exit(130); }
    stopping = true;
    process.stdout.write(`\n${signal}: finishing running requests and closing the store...\n`);
    server.close().then(
      () => { process.exitCode = 0; process.stdout.write('stopped\n'); },
      (e: unknown) => { process.stderr.write(`error while stopping: ${(e as Error).message}\n`); process.exitCode = 1; },
    ).finally(() => { process.removeListener('SIGTERM', stop); process.removeListener('SIGINT', stop); });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
