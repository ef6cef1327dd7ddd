// The first-start demo: with an empty store, the server creates the demo election (src/manifest/demo.ts),
// runs its key ceremony with the 3 trustees as if on their machines, issues 20 credentials, and opens
// the poll, so `npm start` shows a live election at once.
//
// DEMO SHORTCUT: a real election never has the trustees' secrets or the voters' credentials on the
// server. Here they are written to DATA_DIR/demo-trustees/*.json and DATA_DIR/demo-credentials.csv so
// that one person can play every role; the console says so.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueCredentials } from '../credentials/credentials.js';
import { finishKeyCeremony, generateTrusteeKey, makeShares, type TrusteeSecret } from '../keyceremony/trustee.js';
import { demoManifest } from '../manifest/demo.js';
import type { Elections } from './elections.js';

export const DEMO_VOTERS = 20;

export interface DemoElection {
  id: string;
  electionHash: string;
  trusteeTokens: Record<string, string>;
  /** The private credential list (also in demo-credentials.csv). */
  credentials: { voter: string; credential: string; weight: number }[];
  files: { trustees: string[]; credentials: string };
}

export async function createDemoElection(elections: Elections, dataDir: string): Promise<DemoElection> {
  const { board, trusteeTokens } = await elections.create(demoManifest());
  const election = board.current.electionHash;
  const manifest = board.current.manifest;

  // Each trustee's steps, as its own machine would run them; only the public parts reach the board.
  const generated = manifest.trustees.map((t, i) => generateTrusteeKey(election, t.id, i + 1, manifest.threshold));
  for (const g of generated) await board.submitTrusteeKey(g.published);
  const secrets = generated.map((g) => g.secret);
  const keys = () => manifest.trustees.map((t) => board.current.trusteeKeys.get(t.id)!);
  for (const s of secrets) await board.submitTrusteeShares(makeShares(s, keys()));
  const shares = manifest.trustees.map((t) => board.current.trusteeShares.get(t.id)!);
  const finished: TrusteeSecret[] = [];
  for (const s of secrets) {
    const done = finishKeyCeremony(s, keys(), shares);
    await board.submitTrusteeReady(done.ready);
    finished.push(done.secret);
  }

  const trusteeDir = join(dataDir, 'demo-trustees');
  mkdirSync(trusteeDir, { recursive: true, mode: 0o700 });
  const trusteeFiles = finished.map((s) => {
    const path = join(trusteeDir, `${s.trustee}.json`);
    writeFileSync(path, JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
    return path;
  });

  const voters = Array.from({ length: DEMO_VOTERS }, (_, i) => ({ id: `voter-${String(i + 1).padStart(2, '0')}` }));
  const issued = issueCredentials(election, voters);
  await board.submitCredentials({ credentials: issued.public });
  const csv = join(dataDir, 'demo-credentials.csv');
  writeFileSync(csv, 'voter,credential,weight\n' + issued.private.map((c) => `${c.voter},${c.credential},${c.weight}`).join('\n') + '\n', { mode: 0o600 });

  await board.openPoll();
  return {
    id: board.electionId,
    electionHash: election,
    trusteeTokens,
    credentials: issued.private.map((c) => ({ voter: c.voter, credential: c.credential, weight: c.weight })),
    files: { trustees: trusteeFiles, credentials: csv },
  };
}
