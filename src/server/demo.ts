// The first-start demo: with an empty store, the server creates the demo election (src/manifest/demo.ts),
// runs its key ceremony with the 3 trustees as if on their machines, issues 20 credentials, and opens
// the poll, so `npm start` shows a live election at once.
//
// DEMO SHORTCUT: a real election never has the trustees' secrets or the voters' credentials on the
// server. Here they are written to DATA_DIR/demo-trustees/*.json and DATA_DIR/demo-credentials.csv so
// that one person can play every role; the console says so.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoManifestDraft } from '../manifest/demo.js';
import { makeRoles, publishCredentials, runKeyCeremony } from '../demo/roles.js';
import type { Elections } from './elections.js';

export const DEMO_VOTERS = 20;

export interface DemoElection {
  id: string;
  electionHash: string;
  trusteeTokens: Record<string, string>;
  authorityToken: string;
  /** The private credential list (also in demo-credentials.csv). */
  credentials: { voter: string; credential: string; weight: number }[];
  files: { trustees: string[]; credentials: string };
}

export async function createDemoElection(elections: Elections, dataDir: string): Promise<DemoElection> {
  // The server plays every trustee and the credential authority: it makes their signing keys here.
  const roles = makeRoles(demoManifestDraft());
  const { board, trusteeTokens, authorityToken } = await elections.create(roles.manifest);

  // Each trustee's steps, as its own machine would run them; only the public, signed parts reach the board.
  const finished = await runKeyCeremony(board, roles.trustees);

  const trusteeDir = join(dataDir, 'demo-trustees');
  mkdirSync(trusteeDir, { recursive: true, mode: 0o700 });
  const trusteeFiles = finished.map((s) => {
    const path = join(trusteeDir, `${s.trustee}.json`);
    writeFileSync(path, JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
    return path;
  });
  writeFileSync(join(trusteeDir, 'credential-authority.json'), JSON.stringify(roles.authority, null, 2) + '\n', { mode: 0o600 });

  const voters = Array.from({ length: DEMO_VOTERS }, (_, i) => ({ id: `voter-${String(i + 1).padStart(2, '0')}` }));
  const issued = await publishCredentials(board, roles.authority, voters);
  const csv = join(dataDir, 'demo-credentials.csv');
  writeFileSync(csv, 'voter,credential,weight\n' + issued.map((c) => `${c.voter},${c.credential},${c.weight}`).join('\n') + '\n', { mode: 0o600 });

  await board.openPoll();
  return {
    id: board.electionId,
    electionHash: board.current.electionHash,
    trusteeTokens,
    authorityToken,
    credentials: issued.map((c) => ({ voter: c.voter, credential: c.credential, weight: c.weight })),
    files: { trustees: trusteeFiles, credentials: csv },
  };
}
