// Builds the veche HTTP server from a store and settings. Tests use it with app.inject or a real listen
// on 127.0.0.1:0; main.ts and `veche serve` start it for real (run.ts).
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { BoardStore } from '../board/store.js';
import { enableFastBackend } from '../crypto/backend-sodium.js';
import { parseStrictJson } from '../manifest/json.js';
import { Elections } from './elections.js';
import { toApiError } from './errors.js';
import { adminRoutes } from './routes/admin.js';
import { authorityRoutes, CREDENTIALS_BODY_LIMIT } from './routes/authority.js';
import { pageRoutes } from './routes/pages.js';
import { publicRoutes } from './routes/public.js';
import { trusteeRoutes } from './routes/trustee.js';
import { meetingRoutes } from './routes/meetings.js';
import type { MeetingStore } from '../meeting/store.js';
import { DEFAULT_SCHEDULE_INTERVAL_MS, startScheduler } from './schedule.js';
import { Access, type AccountSettings } from './accounts/access.js';
import { accountRoutes } from './routes/accounts.js';
import { VoterAuth, type VoterAuthSettings } from './voter-auth/voter-auth.js'; // voter sign-in
import { voterAuthRoutes } from './routes/voter-auth.js'; // voter sign-in
// server mail and server authority (spec §6.5) -->
import { Outbox, type ServerMailSettings } from './mail/outbox.js';
import { ServerAuthority } from './authority/server-authority.js';
import { serverAuthorityRoutes } from './authority/routes.js';
import { startMailRounds } from './mail/rounds.js';
import { reportRoutes } from './routes/report.js'; // result report PDF (issue 11 point 7)
import { forumRoutes } from './routes/forum.js'; import type { ForumStore } from '../forum/store.js'; // forum (spec §21)
// <-- server mail

export interface ServerSettings {
  /** Where the web pages are (dist/web); null or missing: the page routes answer 404 no-pages. */
  webDir?: string | null;
  /** Requests per minute per client address, over all routes; 0 turns the limit off. Default 3000. */
  rateLimit?: number;
  /** Largest request body in bytes (the credential list has its own, larger limit). Default 1 MiB. */
  bodyLimit?: number;
  /** Largest credential list in bytes; default 64 MiB (about 800,000 voters). */
  credentialsBodyLimit?: number;
  /** Fastify's request log (never headers or bodies); default off. */
  logger?: boolean;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (for the rate limit). */
  trustProxy?: boolean;
  /** How often the schedule (src/server/schedule.ts) looks at the elections, in ms; 0: never. Default 5000. */
  scheduleIntervalMs?: number;
  /** Bodies and meeting records (src/meeting/store.ts); without one the meeting routes are not served. */
  meetingStore?: MeetingStore | null;
  /** Organisations, accounts, sessions and the audit log (src/server/accounts); without them only tokens sign in. */
  accounts?: AccountSettings | null;
  /** Voter sign-in for elections that ask for it (spec §6.3, src/server/voter-auth); without it their ballots are refused. */
  voterAuth?: VoterAuthSettings | null;
  /** The server's own mails and, for elections that ask for it, the server as credential authority (src/server/mail, src/server/authority). */
  serverMail?: ServerMailSettings | null;
  /** forum (spec §21): a body's forum (src/forum/store.ts), served beside the meetings; `forumDigestIntervalMs`: the digest round (default daily, 0: only when asked). */
  forumStore?: ForumStore | null; forumDigestIntervalMs?: number;
}

export const DEFAULT_RATE_LIMIT = 3000;
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** The page policy: nothing but this origin's own files; no inline script or style, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

// csp: the trustee page and its worker may compile WebAssembly (libsodium's ristretto255 for the
// shuffle, web/lib/trustee-mix-arithmetic.ts): 'wasm-unsafe-eval' permits that and nothing else (no
// eval, no new Function). A dedicated worker takes the policy of its own script's answer, so both get it.
export const WASM_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'");
/** The route of the one page, and the path of the one script, that get WASM_CONTENT_SECURITY_POLICY. */
export const WASM_PAGE_ROUTE = '/trustee/:id/:trusteeId';
export const WASM_WORKER_PATH = '/assets/trustee-mix.js';

function contentSecurityPolicyFor(req: FastifyRequest): string {
  const path = req.url.split('?')[0];
  return req.routeOptions.url === WASM_PAGE_ROUTE || path === WASM_WORKER_PATH ? WASM_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
}
// <-- csp

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export interface VecheApp { app: FastifyInstance; elections: Elections; /** api-docs: every route served (HEAD left out), for test/api-docs */ routes: { method: string; url: string }[]; voterAuth?: VoterAuth | null; serverAuthority?: ServerAuthority | null; mailRounds?: { tick(): Promise<void> } | null }

export async function buildApp(store: BoardStore, settings: ServerSettings = {}): Promise<VecheApp> {
  // The board checks ballot proofs through libsodium (WASM) when it loads: ~4x faster than noble, same answers.
  await enableFastBackend();
  const app = Fastify({
    logger: settings.logger ? { redact: ['req.headers.authorization', 'req.headers.cookie'] } : false,
    bodyLimit: settings.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Requests are taken as sent or refused: ajv never drops unknown fields, converts types or fills defaults.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    routerOptions: { maxParamLength: 200 },
    trustProxy: settings.trustProxy ?? false,
    // A client has this long to send its whole request (not to wait for the answer: a tally may take long).
    requestTimeout: 120_000,
  });
  const elections = new Elections(store);
  const routes: { method: string; url: string }[] = []; app.addHook('onRoute', (r) => { for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url }); }); // api-docs: the route list

  // JSON only, read by the strict reader (duplicate keys and excessive nesting are errors, not guesses).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') { done(null, undefined); return; }
    try { done(null, parseStrictJson(text)); } catch (e) { done(e as Error, undefined); }
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toApiError(err);
    if (status >= 500) {
      // Method and path only: never headers (tokens) or bodies (ballots).
      if (settings.logger) req.log.error({ err }, 'internal error');
      else process.stderr.write(`veche server: internal error on ${req.method} ${req.routeOptions.url ?? req.url}: ${(err as Error).message}\n`);
    }
    if (status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not-found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

  // No body at all reads as an empty object: the routes that take none accept both, the others say what is missing.
  app.addHook('preValidation', async (req) => {
    if (req.method === 'POST' && req.body === undefined) req.body = {};
  });

  app.addHook('onSend', async (req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    reply.header('content-security-policy', contentSecurityPolicyFor(req)); // csp
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  const limit = settings.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (limit > 0) {
    await app.register(rateLimit, {
      global: true,
      max: limit,
      timeWindow: 60_000,
      errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, error: 'rate-limited', message: `too many requests: at most ${ctx.max} a minute; retry in ${ctx.after}` }),
    });
  }

  const voterAuth = settings.voterAuth ? new VoterAuth(settings.voterAuth) : null; // voter sign-in
  await app.register(publicRoutes, { elections, voterAuth, publicUrl: settings.accounts?.publicUrl ?? null });
  const access = settings.accounts ? new Access(store, settings.accounts) : null; // accounts
  if (access) await app.register(accountRoutes, { elections, access }); // accounts
  if (voterAuth) await app.register(voterAuthRoutes, { elections, voterAuth, access }); // voter sign-in
  await app.register(adminRoutes, { elections, access });
  await app.register(authorityRoutes, { elections, credentialsBodyLimit: settings.credentialsBodyLimit ?? CREDENTIALS_BODY_LIMIT, access });
  await app.register(trusteeRoutes, { elections });
  await app.register(reportRoutes, { elections, publicUrl: settings.accounts?.publicUrl ?? null }); // result report PDF (issue 11 point 7)
  // server mail and server authority (spec §6.5) -->
  const outbox = settings.serverMail ? new Outbox(settings.serverMail) : null;
  const serverAuthority = outbox ? new ServerAuthority(elections, outbox) : null;
  if (outbox && serverAuthority) {
    elections.prepareManifest = (m) => serverAuthority.prepareManifest(m);
    await app.register(serverAuthorityRoutes, { elections, authority: serverAuthority, outbox, access });
  }
  // <-- server mail
  if (settings.meetingStore) await app.register(meetingRoutes, { boardStore: store, meetingStore: settings.meetingStore, elections });
  if (settings.meetingStore && settings.forumStore) await app.register(forumRoutes, { boardStore: store, meetingStore: settings.meetingStore, forumStore: settings.forumStore, outbox, digestIntervalMs: settings.forumDigestIntervalMs, elections }); // forum (spec §21)
  await app.register(pageRoutes, { webDir: settings.webDir ?? null });
  const interval = settings.scheduleIntervalMs ?? DEFAULT_SCHEDULE_INTERVAL_MS;
  if (interval > 0) {
    const scheduler = startScheduler(elections, interval, (line) => app.log.info(line));
    app.addHook('onClose', async () => scheduler.stop());
  }
  // server mail: its rounds on the schedule's interval; a mail under way is finished, not cut off -->
  const mailRounds = outbox && serverAuthority ? startMailRounds(elections, outbox, serverAuthority, interval, voterAuth?.store ?? null) : null;
  if (outbox) app.addHook('onClose', async () => { mailRounds?.stop(); await outbox.flush(); });
  // <-- server mail
  await app.ready();
  return { app, elections, routes, voterAuth, serverAuthority, mailRounds };
}
