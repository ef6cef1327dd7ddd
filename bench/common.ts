// Shared by the benchmarks: the election shapes, a key ceremony without a board, ballots, timing.
// Every manifest is made by src/demo/roles.ts (makeRoles: fresh signing keys for the trustees and the
// credential authority, written into the draft by completeManifest).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { commitTrusteeKey, finishKeyCeremony, jointPublicKey, makeShares, revealTrusteeKey, type TrusteeSecret } from '../src/keyceremony/trustee.js';
import { demoManifestDraft } from '../src/manifest/demo.js';
import type { ManifestDraft } from '../src/manifest/signers.js';
import { makeRoles, type Roles } from '../src/demo/roles.js';
import { selectionGroups } from '../src/manifest/layout.js';
import type { Manifest, SelectionGroup } from '../src/manifest/types.js';
import type { Point } from '../src/crypto/group.js';
import { makeEvent, encodeEvent, GENESIS_PREV } from '../src/record/events.js';
import type { BallotJson } from '../src/ballot/types.js';

/** The shape Belenios was measured on (issue 5): 3 answers pick exactly 1; 10 answers pick 0 to 3. */
export function twoQuestionDraft(): ManifestDraft {
  const m = demoManifestDraft();
  return {
    ...m,
    id: 'two-questions',
    title: 'Two questions (the shape of the Belenios measurement)',
    questions: [
      { type: 'choice', id: 'q1', title: 'Pick one', candidates: ['a', 'b', 'c'].map((id) => ({ id, label: id.toUpperCase() })), allowBlank: false, absoluteMajority: false },
      { type: 'approval', id: 'q2', title: 'Pick up to three', options: Array.from({ length: 10 }, (_, i) => ({ id: `o${i}`, label: `Option ${i}` })), min: 0, max: 3, winners: 3 },
    ],
  };
}

export const DRAFTS = { demo: demoManifestDraft, 'two-questions': twoQuestionDraft } as const;
export type ShapeName = keyof typeof DRAFTS;

/** The shape's roles: its manifest with fresh signing keys, the trustees' identities, the credential authority. */
export const shapeRoles = (shape: ShapeName): Roles => makeRoles(DRAFTS[shape]());

/** A manifest of the shape (fresh signing keys each call: only its questions matter to most benchmarks). */
export const SHAPES: Record<ShapeName, () => Manifest> = {
  demo: () => shapeRoles('demo').manifest,
  'two-questions': () => shapeRoles('two-questions').manifest,
};

export interface BenchElection {
  shape: ShapeName;
  manifest: Manifest;
  groups: SelectionGroup[];
  electionHash: string;
  publicKey: Point;
  trustees: TrusteeSecret[];
}

/** A full key ceremony (3 trustees, threshold 2) for a fixed fake election hash, without a board: the
 *  rounds runKeyCeremony (src/demo/roles.ts) submits to one, each trustee from its own identity. */
export function benchElection(shape: ShapeName): BenchElection {
  const { manifest, trustees: identities } = shapeRoles(shape);
  const electionHash = (shape === 'demo' ? 'de' : 'c2').repeat(32);
  const committed = identities.map((s) => commitTrusteeKey(s, electionHash, manifest).secret);
  const keys = committed.map(revealTrusteeKey);
  const shares = committed.map((s) => makeShares(s, keys));
  const trustees = committed.map((s) => {
    const done = finishKeyCeremony(s, keys, shares);
    if (done.kind !== 'ready') throw new Error(`trustee ${s.trustee} complains about a share`);
    return done.secret;
  });
  return { shape, manifest, groups: selectionGroups(manifest), electionHash, publicKey: jointPublicKey(keys), trustees };
}

/** A valid random selection for every group (min..max options chosen). */
export function randomSelections(groups: SelectionGroup[], rand: () => number = Math.random): number[][] {
  return groups.map((g) => {
    const n = g.optionIds.length;
    const k = g.min + Math.floor(rand() * (g.max - g.min + 1));
    const picked = new Set<number>();
    while (picked.size < k) picked.add(Math.floor(rand() * n));
    return g.optionIds.map((_, i) => (picked.has(i) ? 1 : 0));
  });
}

export function makeBallot(el: Pick<BenchElection, 'electionHash' | 'publicKey' | 'groups'>): BallotJson {
  const voter = credentialKeys(el.electionHash, newCredential());
  return encryptBallot(el.electionHash, el.publicKey, el.groups, randomSelections(el.groups), voter).ballot;
}

/** Bytes of one ballot as a line of the record (the event around it included, newline included). */
export function recordBytesPerBallot(ballot: BallotJson): number {
  const e = makeEvent(1234567, GENESIS_PREV, 'ballot', ballot);
  return Buffer.byteLength(encodeEvent(e)) + 1;
}

/** CPU time (user + system) of this thread in ms: fairer than wall time on a shared machine. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function timed<T>(f: () => T | Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const c0 = cpuMs();
  const t0 = performance.now();
  const value = await f();
  return { value, wallMs: performance.now() - t0, cpuMs: cpuMs() - c0 };
}

export function argNumber(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
}

export const machine = () => `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), node ${process.version}`;

export const fmt = (x: number, digits = 1) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Runs requests on worker threads (one per core) and collects the answers. */
export async function onWorkers<Req, Res>(script: URL, requests: Req[], threads: number): Promise<Res[]> {
  const { Worker } = await import('node:worker_threads');
  const workers = Array.from({ length: Math.min(threads, requests.length) }, () => new Worker(script));
  const out: Res[] = new Array(requests.length);
  let next = 0;
  try {
    await Promise.all(workers.map(async (w) => {
      while (next < requests.length) {
        const k = next++;
        out[k] = await new Promise<Res>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
          w.postMessage(requests[k]);
        });
        w.removeAllListeners('error');
      }
    }));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}

/** CPU time of the calling thread in ms (Linux /proc/thread-self/schedstat; NaN elsewhere). Node 20 has no
 *  process.threadCpuUsage, and process.cpuUsage() counts every thread of the process. */
export function threadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

export interface ChildUsage { wallS: number; cpuS: number; peakMB: number; stdout: string }

/**
 * Runs a command as a child process under GNU time (/usr/bin/time), the same way for veche and for
 * Belenios: wall time, user + system CPU time of the process and all its threads, and peak RSS.
 */
export function timeChild(cmd: string, args: string[], cwd?: string): ChildUsage {
  if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is missing: apt-get install time');
  const dir = mkdtempSync(join(tmpdir(), 'veche-time-'));
  try {
    const out = join(dir, 'usage');
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', out, cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
    const [wall, user, sys, kb] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number, number];
    return { wallS: wall, cpuS: user + sys, peakMB: kb / 1024, stdout: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Load averages over 1, 5 and 15 minutes, as `uptime` shows them. */
export const loadAverage = () => loadavg().map((x) => x.toFixed(2)).join(', ');
