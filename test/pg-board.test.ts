// The board suite (test/helpers/board-suite.ts) on PostgreSQL: one fresh database in the run's
// throwaway cluster; every makeStore() call is a new connection pool to it, as a new server process
// would open. Fails in CI if PostgreSQL cannot start; skips loudly elsewhere.
import { after, describe, test } from 'node:test';
import { PostgresStore } from '../src/board/postgres-store.js';
import { boardStoreSuite } from './helpers/board-suite.js';
import { freshDatabase, postgresSkipReason } from './helpers/postgres.js';

const db = await freshDatabase('board_suite');
if (db) {
  after(() => db.drop());
  boardStoreSuite('PostgreSQL', () => PostgresStore.connect(db.url, { poolSize: 3 }));
} else {
  describe('bulletin board on PostgreSQL', () => {
    test('PostgreSQL available', { skip: postgresSkipReason() ?? 'PostgreSQL unavailable' }, () => {});
  });
}
