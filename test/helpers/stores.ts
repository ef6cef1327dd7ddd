// The stores the server tests run against. Each test file loops over testStores(); a store whose
// database is unavailable here makes null (the test then skips, saying why). Only exports.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/board/sqlite-store.js';
import type { BoardStore } from '../../src/board/store.js';
import { PostgresStore } from '../../src/board/postgres-store.js';
import { freshDatabase } from './postgres.js';

export interface TestStore { store: BoardStore; dispose(): Promise<void> }
export interface TestStoreFactory { name: string; make(label: string): Promise<TestStore | null> }

export function testStores(): TestStoreFactory[] {
  return [
    {
      name: 'sqlite',
      async make(label) {
        const dir = mkdtempSync(join(tmpdir(), `veche-${label}-`));
        const store = new SqliteStore(join(dir, 'veche.sqlite'));
        return { store, async dispose() { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
      },
    },
    {
      // A fresh database in this run's throwaway cluster (test/helpers/postgres.ts): null outside CI when
      // PostgreSQL cannot start here (after a loud message); in CI that throws, so the test fails.
      name: 'postgres',
      async make(label) {
        const db = await freshDatabase(label);
        if (!db) return null;
        const store = await PostgresStore.connect(db.url);
        return { store, async dispose() { await store.close(); await db.drop(); } };
      },
    },
  ];
}
