// The server tests' side of HTTP: a real server on 127.0.0.1 and a random port, a small JSON client,
// and the trustees' and voters' steps done as their own machines would (src/keyceremony, src/ballot),
// with only HTTP between them and the server. Only exports.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BoardStore } from '../../src/board/store.js';
import { buildApp, type ServerSettings } from '../../src/server/app.js';
import { ensureAdminToken } from '../../src/server/auth.js';
import type { Elections } from '../../src/server/elections.js';
import { commitTrusteeKey, finishKeyCeremony, makeShares, revealTrusteeKey, type TrusteeSecret } from '../../src/keyceremony/trustee.js';
import { signCredentialList } from '../../src/credentials/authority.js';
import type { Manifest } from '../../src/manifest/types.js';
import { rolesOf } from './election.js';
import { veche, type CliRun } from './cli.js';
import type { BoardEvent, PayloadByType } from '../../src/record/events.js';
import { issueCredentials } from '../../src/credentials/credentials.js';

export interface TestServer {
  base: string;
  app: FastifyInstance;
  elections: Elections;
  adminToken: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startServer(store: BoardStore, settings: ServerSettings = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'veche-server-'));
  const admin = await ensureAdminToken(store, dataDir);
  const { app, elections } = await buildApp(store, { rateLimit: 0, webDir: null, ...settings });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}`, app, elections, adminToken: admin.token!, dataDir,
    async close() { await app.close(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}

export interface Reply { status: number; body: any; text: string; headers: Headers }

export interface RequestOptions {
  token?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (for malformed bodies), with contentType (default application/json). */
  raw?: string;
  contentType?: string;
}

export async function call(base: string, method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.json !== undefined) { body = JSON.stringify(opts.json); headers['content-type'] = 'application/json'; }
  if (opts.raw !== undefined) { body = opts.raw; headers['content-type'] = opts.contentType ?? 'application/json'; }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = null;
  try { parsed = JSON.parse(text); } catch { /* not JSON (the record is JSON Lines) */ }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** Calls that must succeed; fails with the server's answer otherwise. */
export async function ok(base: string, method: string, path: string, opts: RequestOptions = {}): Promise<any> {
  const r = await call(base, method, path, opts);
  if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return r.body;
}

export async function recordEvents(base: string, id: string, types?: string): Promise<BoardEvent[]> {
  const r = await call(base, 'GET', `/api/elections/${id}/record${types ? `?types=${types}` : ''}`);
  if (r.status !== 200) throw new Error(`record: ${r.status} ${r.text}`);
  return r.text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BoardEvent);
}

const payloads = <T extends keyof PayloadByType>(events: BoardEvent[], type: T) => events.filter((e) => e.type === type).map((e) => e.payload as PayloadByType[T]);

/** The key ceremony through the trustee routes, each trustee with its own token and signing key. Returns the trustees' finished secrets. */
export async function keyCeremony(base: string, id: string, tokens: Record<string, string>): Promise<TrusteeSecret[]> {
  const [genesis] = await recordEvents(base, id, 'election');
  const { manifest } = genesis!.payload as PayloadByType['election'];
  const path = (t: string, step: string) => `/api/elections/${id}/trustees/${t}/${step}`;
  const committed = rolesOf(manifest).trustees.map((t) => commitTrusteeKey(t, genesis!.hash, manifest));
  for (const c of committed) await ok(base, 'POST', path(c.secret.trustee, 'commitment'), { token: tokens[c.secret.trustee]!, json: c.commitment });
  for (const c of committed) await ok(base, 'POST', path(c.secret.trustee, 'key'), { token: tokens[c.secret.trustee]!, json: revealTrusteeKey(c.secret) });
  const secrets = committed.map((c) => c.secret);
  const keys = payloads(await recordEvents(base, id, 'trustee-key'), 'trustee-key');
  for (const s of secrets) await ok(base, 'POST', path(s.trustee, 'shares'), { token: tokens[s.trustee]!, json: makeShares(s, keys) });
  const shares = payloads(await recordEvents(base, id, 'trustee-shares'), 'trustee-shares');
  const finished: TrusteeSecret[] = [];
  for (const s of secrets) {
    const done = finishKeyCeremony(s, keys, shares);
    if (done.kind !== 'ready') throw new Error(`trustee ${s.trustee} complains`);
    await ok(base, 'POST', path(s.trustee, 'ready'), { token: tokens[s.trustee]!, json: done.ready });
    finished.push(done.secret);
  }
  return finished;
}

export interface HttpElection {
  id: string;
  electionHash: string;
  trusteeTokens: Record<string, string>;
  authorityToken: string;
  secrets: TrusteeSecret[];
  credentials: { voter: string; credential: string; key: string; weight: number }[];
  jointKey: string;
  boardKey: string;
}

/** Creates an election through the API and takes it to the open poll (or only through the ceremony). */
export async function openElectionOverHttp(server: TestServer, manifest: Manifest, voters: number, open = true): Promise<HttpElection> {
  const admin = { token: server.adminToken };
  const created = await ok(server.base, 'POST', '/api/elections', { ...admin, json: manifest });
  const secrets = await keyCeremony(server.base, manifest.id, created.trusteeTokens);
  const issued = issueCredentials(created.electionHash, Array.from({ length: voters }, (_, i) => ({ id: `v${i}` })));
  const list = signCredentialList(created.electionHash, issued.public, rolesOf(manifest).authority.signing);
  await ok(server.base, 'POST', `/api/elections/${manifest.id}/credentials`, { token: created.authorityToken, json: list });
  if (open) await ok(server.base, 'POST', `/api/elections/${manifest.id}/open`, admin);
  const info = await ok(server.base, 'GET', `/api/elections/${manifest.id}`);
  return { id: manifest.id, electionHash: created.electionHash, trusteeTokens: created.trusteeTokens, authorityToken: created.authorityToken, secrets, credentials: issued.private, jointKey: info.jointKey, boardKey: info.boardKey };
}

export async function recordText(base: string, id: string): Promise<string> {
  const r = await call(base, 'GET', `/api/elections/${id}/record`);
  if (r.status !== 200) throw new Error(`record: ${r.status} ${r.text}`);
  return r.text;
}

/** A meeting's record and its secret votes' election records, as the server gives them, checked as a
 *  user checks them: `veche verify <meeting> --final --elections <folder>`. */
export async function verifyMeetingAsServed(base: string, meeting: string, electionIds: string[]): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'veche-meeting-verify-'));
  const elections = join(dir, 'elections');
  mkdirSync(elections);
  writeFileSync(join(dir, `${meeting}.jsonl`), (await call(base, 'GET', `/api/meetings/${meeting}/record`)).text);
  for (const id of electionIds) writeFileSync(join(elections, `${id}.jsonl`), await recordText(base, id));
  return veche(['verify', join(dir, `${meeting}.jsonl`), '--final', '--elections', elections]);
}
