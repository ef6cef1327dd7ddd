// How PostgresStore's appends behave when several server processes append to one election at once,
// in its three modes: 'lock' (the default: Board's read-check-append under a per-election lock),
// 'advisory' (the lock only inside the append transaction) and 'optimistic' (no lock; the primary key
// alone refuses the loser of a race). Each
// "process" is a real Board over its own PostgresStore (its own connection pool), submitting cheap
// events (credential revocations, signed by the credential authority before the run, so only the board's
// check of one signature comes on top of the store's cost) as fast as it can; a Board
// that loses a race refreshes and tries again, as in the server. Prints appends/s, the retries
// (SequenceConflicts) per append, latency, and checks the chain and that nothing was lost or doubled.
//   node dist/bench/pg-append.js [--processes 4] [--concurrency 4] [--seconds 5] [--revocations 1500·seconds]
// (the revocations are signed before each mode's run; a mode that uses them all up stops early and says so)
// (VECHE_BENCH_DATABASE_URL, or a throwaway cluster from test/helpers/postgres.ts)
import { Board } from '../src/board/board.js';
import { PostgresStore, type AppendMode } from '../src/board/postgres-store.js';
import { SequenceConflict } from '../src/board/store.js';
import type { BoardEvent } from '../src/record/events.js';
import { baseMul, encodePoint, randomScalar } from '../src/crypto/group.js';
import { signCredentialList, signRevocation } from '../src/credentials/authority.js';
import { makeRoles, type Roles } from '../src/demo/roles.js';
import type { RevocationPayload } from '../src/record/events.js';

function intArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`--${name}: a positive whole number`);
  return v;
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

/** Counts the SequenceConflicts a store throws (each one is a retry of Board). */
function counting(store: PostgresStore, counter: { conflicts: number }): PostgresStore {
  const append = store.append.bind(store);
  store.append = async (election: string, event: BoardEvent, code?: string) => {
    try { await append(election, event, code); } catch (e) { if (e instanceof SequenceConflict) counter.conflicts++; throw e; }
  };
  return store;
}

/** The election's roles (src/demo/roles.ts): one trustee and the credential authority, with fresh signing keys. */
function roles(id: string): Roles {
  return makeRoles({
    id, title: 'append benchmark', description: '', languages: ['en'],
    questions: [{ type: 'choice', id: 'q', title: 'Q', candidates: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], allowBlank: false, absoluteMajority: false }],
    trustees: [{ id: 't1', name: 'T1' }], threshold: 1,
  });
}

async function run(url: string, mode: AppendMode, processes: number, concurrency: number, seconds: number, keys: string[]): Promise<void> {
  const counter = { conflicts: 0 };
  const stores = await Promise.all(Array.from({ length: processes }, async () => counting(await PostgresStore.connect(url, { mode, poolSize: 4 }), counter)));
  const id = `append-${mode}-${Date.now().toString(36)}`;
  // The setup phase is enough: revocations are allowed there once the credential list is published.
  const r = roles(id);
  const first = await Board.create(stores[0]!, r.manifest);
  const election = first.current.electionHash;
  await first.submitCredentials(signCredentialList(election, keys.map((key) => ({ key, weight: 1 })), r.authority.signing));
  const revocations = new Map<string, RevocationPayload>(keys.map((key) => [key, signRevocation(election, key, 'bench', r.authority.signing)]));
  const boards = [first, ...(await Promise.all(stores.slice(1).map((s) => Board.load(s, id))))];
  let next = 0;
  let appended = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  // Each process has `concurrency` requests in flight, as a server with several clients does.
  let failed = 0;
  let firstFailure = '';
  await Promise.all(boards.flatMap((b) => Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline && next < keys.length) {
      const key = keys[next++]!;
      const t = performance.now();
      try {
        await b.revokeCredential(revocations.get(key)!);
        latencies.push(performance.now() - t);
        appended++;
      } catch (e) {
        // Board gave up after its retries: the request fails (a voter would get an error).
        failed++;
        firstFailure ||= `${(e as Error).name}: ${(e as Error).message}`;
      }
    }
  })));
  const elapsed = (performance.now() - t0) / 1000;
  const events = await stores[0]!.events(id);
  for (let k = 1; k < events.length; k++) if (events[k]!.prev !== events[k - 1]!.hash || events[k]!.seq !== k) throw new Error('broken chain');
  const revoked = events.filter((e) => e.type === 'credential-revoked').map((e) => (e.payload as { key: string }).key);
  if (revoked.length !== appended || new Set(revoked).size !== appended) throw new Error(`appended ${appended}, stored ${revoked.length} (${new Set(revoked).size} distinct)`);
  latencies.sort((a, b) => a - b);
  console.log(`  ${mode.padEnd(10)} ${(appended / elapsed).toFixed(0).padStart(5)} appends/s   ${(counter.conflicts / Math.max(1, appended)).toFixed(2)} retries per append   p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms   ${failed} requests failed${failed ? ` (${firstFailure})` : ''}   chain intact, none lost or doubled${next >= keys.length ? ' (revocations used up early: give --revocations)' : ''}`);
  for (const s of stores) await s.close();
}

async function main(): Promise<void> {
  const processes = intArg('processes', 4);
  const concurrency = intArg('concurrency', 4);
  const seconds = intArg('seconds', 5);
  let url = process.env.VECHE_BENCH_DATABASE_URL;
  let drop: (() => Promise<void>) | null = null;
  if (!url) {
    const { freshDatabase } = await import('../test/helpers/postgres.js');
    const db = await freshDatabase('append');
    if (!db) throw new Error('PostgreSQL could not be started here (set VECHE_BENCH_DATABASE_URL)');
    url = db.url;
    drop = () => db.drop();
  }
  const keys = Array.from({ length: intArg('revocations', 1500 * seconds) }, () => encodePoint(baseMul(randomScalar()))).sort();
  console.log(`Board appends over PostgreSQL: ${processes} processes x ${concurrency} requests in flight, one election, ${seconds} s per mode`);
  try {
    for (const mode of ['lock', 'advisory', 'optimistic'] as const) await run(url, mode, processes, concurrency, seconds, keys);
  } catch (e) {
    console.error(e);
    process.exitCode = 1;
  } finally {
    await drop?.();
  }
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
