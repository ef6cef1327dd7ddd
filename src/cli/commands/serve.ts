// `veche serve`: the HTTP server (the same as `npm start`), with options that override the environment.
import { closeOnSignals, optionsFromEnv, runServer } from '../../server/run.js';
import { intOption, parse } from '../args.js';

export const SERVE_HELP = `Usage: veche serve [--port N] [--host ADDR] [--data-dir DIR] [--database-url URL] [--rate-limit N]
                   [--public-url URL] [--no-demo]

Runs the veche server: the API (docs/api.md) and, when built (npm run build:web), the web pages.
Each option defaults to its environment variable:
  --port N            VECHE_PORT (8080)
  --host ADDR         VECHE_HOST (127.0.0.1; 0.0.0.0 to listen on every interface)
  --data-dir DIR      VECHE_DATA_DIR (./data): the SQLite file, the admin token, the demo files
  --database-url URL  VECHE_DATABASE_URL: postgres://... for PostgreSQL; none for SQLite in DIR
  --rate-limit N      VECHE_RATE_LIMIT (3000): requests a minute per client address, 0 = no limit
  --public-url URL    VECHE_PUBLIC_URL: the base of the printed links
  --no-demo           VECHE_DEMO=0: do not create the demo election in an empty store
Other settings: VECHE_ADMIN_TOKEN (use this admin token), VECHE_LOG=1 (request log, no headers),
VECHE_TRUST_PROXY=1 (behind a reverse proxy: client addresses from X-Forwarded-For).
The admin token is made at first start, printed, and kept in DIR/admin-token.
`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, 'database-url': { type: 'string' },
    'rate-limit': { type: 'string' }, 'public-url': { type: 'string' }, 'no-demo': { type: 'boolean' },
  });
  if (values.help) { process.stdout.write(SERVE_HELP); return 0; }
  const opts = optionsFromEnv();
  opts.port = intOption(values, 'port', opts.port, 0, 65535);
  opts.rateLimit = intOption(values, 'rate-limit', opts.rateLimit, 0, 10_000_000);
  if (values.host) opts.host = values.host;
  if (values['data-dir']) opts.dataDir = values['data-dir'];
  if (values['database-url']) opts.databaseUrl = values['database-url'];
  if (values['public-url']) opts.publicUrl = String(values['public-url']).replace(/\/+$/, '');
  if (values['no-demo']) opts.demo = false;
  const server = await runServer(opts);
  closeOnSignals(server);
  // The process lives on while the server listens; the exit code is set when it stops.
  return new Promise<number>((resolve) => server.app.server.once('close', () => resolve(0)));
}
