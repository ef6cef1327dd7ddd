// A veche server process for test/pg-group-commit.test.ts (run as its own OS process):
//   cast URL ELECTION FILE  casts the ballots in FILE (a JSON array) through a Board over PostgresStore,
//                           4 at a time, and prints each receipt as a JSON line once it is handed out;
//   hang URL ELECTION       opens a group-commit session, chains an event in it, prints "holding" and
//                           waits forever inside the session (to be killed mid-batch).
// It exports nothing: `node --test dist/test/` also loads this file, and then it does nothing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Board } from '../../src/board/board.js';
import { PostgresStore } from '../../src/board/postgres-store.js';
import { makeEvent } from '../../src/record/events.js';

async function cast(url: string, election: string, file: string): Promise<void> {
  const store = await PostgresStore.connect(url, { poolSize: 4 });
  const board = await Board.load(store, election);
  const ballots = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
  let next = 0;
  await Promise.all([0, 1, 2, 3].map(async () => {
    while (next < ballots.length) {
      const { receipt } = await board.castBallot(ballots[next++]);
      process.stdout.write(JSON.stringify(receipt) + '\n');
    }
  }));
  await store.close();
}

async function hang(url: string, election: string): Promise<void> {
  const store = await PostgresStore.connect(url, { poolSize: 2 });
  await store.exclusive(election, async () => {
    const head = (await store.head(election))!;
    await store.append(election, makeEvent(head.seq + 1, head.hash, 'poll-closed', {}));
    process.stdout.write('holding\n');
    await new Promise(() => {});
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [mode, url, election, file] = process.argv.slice(2);
  (mode === 'cast' ? cast(url!, election!, file!) : hang(url!, election!)).catch((e: unknown) => { console.error(e); process.exit(1); });
}
