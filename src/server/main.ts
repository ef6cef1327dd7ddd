// `npm start`: the veche server with settings from the environment (see docs/api.md):
// VECHE_PORT, VECHE_DATA_DIR, VECHE_DATABASE_URL, VECHE_RATE_LIMIT, VECHE_HOST, VECHE_PUBLIC_URL,
// VECHE_DEMO=0, VECHE_ADMIN_TOKEN, VECHE_LOG=1, VECHE_TRUST_PROXY=1.
import { closeOnSignals, optionsFromEnv, runServer } from './run.js';

try {
  closeOnSignals(await runServer(optionsFromEnv()));
} catch (e) {
  process.stderr.write(`veche server: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
