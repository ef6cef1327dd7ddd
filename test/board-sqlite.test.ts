// The board suite (test/helpers/board-suite.ts) on the embedded default store: one real SQLite file
// in a temporary directory; every makeStore() call is a new connection to it, as a new process would open.
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { boardStoreSuite } from './helpers/board-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'veche-board-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

boardStoreSuite('SQLite', async () => new SqliteStore(join(dir, 'board.sqlite')));
