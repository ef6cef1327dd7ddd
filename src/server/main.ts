// `npm start`: the veche server with settings from the environment (see docs/api.md):
// VECHE_PORT, VECHE_DATA_DIR, VECHE_DATABASE_URL, VECHE_RATE_LIMIT, VECHE_HOST, VECHE_PUBLIC_URL,
// VECHE_DEMO=0, VECHE_ADMIN_TOKEN, VECHE_LOG=1, VECHE_TRUST_PROXY=1.
import { closeOnSignals, optionsFromEnv, runServer } from './run.js';
import { useCheckThread } from '../board/check-thread.js';

// VECHE_CHECK_THREAD=1: ballots' proof checks on a thread, the event loop free for I/O (src/board/check-thread.ts).
if (process.env.VECHE_CHECK_THREAD === '1') useCheckThread();

try {
  closeOnSignals(await runServer(optionsFromEnv()));
} catch (e) {
  process.stderr.write(`veche server: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
