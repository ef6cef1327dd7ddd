// A throwaway PostgreSQL for the tests: one cluster per test run on 127.0.0.1 and a free port, a fresh
// database per test file. The cluster is shared by the test files of one `node --test` run (keyed by the
// runner's pid) and stopped by a small watchdog when that runner exits, so a crashed test leaves
// nothing running. VECHE_TEST_DATABASE_URL (a server where we may CREATE DATABASE) replaces it.
//
// When PostgreSQL cannot be started: in CI (CI=true) the tests FAIL; locally they skip, loudly.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from './server-process.js';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const IS_ROOT = process.getuid?.() === 0;
const inCI = () => /^(1|true|yes)$/i.test(process.env.CI ?? '');

function pgBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb and postgres refuse root). */
function pgRun(bin: string, args: string[]): string {
  const [cmd, argv] = IS_ROOT ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a cluster in `dir` (already created by us) and returns the admin URL. */
async function startCluster(dir: string, ownerPid: number): Promise<string> {
  const bin = pgBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); run scripts/install-system-deps.sh');
  const data = join(dir, 'data');
  if (IS_ROOT) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()));
  pgRun(join(bin, 'initdb'), ['-D', data, '-U', 'veche', '--auth=trust', '--encoding=UTF8', '--locale=C', '-N']);
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    // fsync off: these clusters hold test data only; durability tests kill the veche server, not PostgreSQL.
    const opts = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c fsync=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB`;
    try {
      pgRun(join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
    } catch (e) {
      lastError = e;
      continue;
    }
    // The watchdog stops the cluster and removes its files once the owning process is gone.
    const stop = IS_ROOT ? `runuser -u postgres -- ${bin}/pg_ctl -D ${data} -m immediate -w stop` : `${bin}/pg_ctl -D ${data} -m immediate -w stop`;
    const watchdog = spawn('setsid', ['sh', '-c', `while kill -0 ${ownerPid} 2>/dev/null; do sleep 1; done; ${stop} >/dev/null 2>&1; rm -rf ${dir}`], { detached: true, stdio: 'ignore' });
    watchdog.unref();
    return `postgres://veche@127.0.0.1:${port}/postgres`;
  }
  let log = '';
  try { log = readFileSync(join(dir, 'log'), 'utf8').slice(-2000); } catch { /* no log */ }
  throw new Error(`PostgreSQL did not start: ${(lastError as Error)?.message}\n${log}`);
}

/** The admin URL of this run's cluster, starting it if this process is the first to ask. */
async function clusterUrl(): Promise<string> {
  if (process.env.VECHE_TEST_DATABASE_URL) return process.env.VECHE_TEST_DATABASE_URL;
  // Under `node --test` each file runs in a child of the runner: share one cluster per runner.
  const owner = process.env.NODE_TEST_CONTEXT ? process.ppid : process.pid;
  const dir = join(tmpdir(), `veche-pg-${userInfo().username}-${owner}`);
  const urlFile = join(dir, 'url');
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // Another test file of this run is starting it; wait for its URL (or its failure).
    for (let waited = 0; waited < 90_000; waited += 100) {
      if (existsSync(urlFile)) return readFileSync(urlFile, 'utf8').trim();
      if (existsSync(join(dir, 'failed'))) throw new Error(readFileSync(join(dir, 'failed'), 'utf8'));
      await sleep(100);
    }
    throw new Error(`timed out waiting for the test PostgreSQL cluster in ${dir}`);
  }
  try {
    const url = await startCluster(dir, owner);
    writeFileSync(urlFile + '.tmp', url);
    execFileSync('mv', [urlFile + '.tmp', urlFile]);
    return url;
  } catch (e) {
    writeFileSync(join(dir, 'failed'), (e as Error).message);
    // Leave the marker for the waiting files of this run; remove the rest when the runner exits.
    spawn('setsid', ['sh', '-c', `while kill -0 ${owner} 2>/dev/null; do sleep 1; done; rm -rf ${dir}`], { detached: true, stdio: 'ignore' }).unref();
    throw e;
  }
}

export interface TestDatabase {
  url: string;
  /** Drops the database (call at the end of the file; the cluster itself goes when the run ends). */
  drop(): Promise<void>;
}

let counter = 0;

async function createDatabase(adminUrl: string, name: string): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try { await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } finally { await c.end(); }
    },
  };
}

let unavailable: string | null = null;

/**
 * A fresh, empty database for one test file. Returns null (after a loud message) only outside CI when
 * PostgreSQL cannot be started; in CI it throws, so the tests fail instead of silently skipping.
 */
export async function freshDatabase(label = 'test'): Promise<TestDatabase | null> {
  if (unavailable !== null && !inCI()) return null;
  try {
    const admin = await clusterUrl();
    const name = `veche_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase().slice(0, 30)}_${process.pid}_${++counter}`;
    return await createDatabase(admin, name);
  } catch (e) {
    unavailable = (e as Error).message;
    if (inCI()) throw new Error(`PostgreSQL is required in CI and could not be started: ${unavailable}`);
    process.stderr.write(`\n${'!'.repeat(78)}\n!! PostgreSQL tests SKIPPED: ${unavailable.split('\n')[0]}\n!! (in CI, CI=true, they fail instead; run scripts/install-system-deps.sh)\n${'!'.repeat(78)}\n\n`);
    return null;
  }
}

/** Why PostgreSQL tests are skipped here, or null if they run. */
export function postgresSkipReason(): string | null {
  return unavailable === null ? null : `PostgreSQL unavailable: ${unavailable.split('\n')[0]}`;
}
