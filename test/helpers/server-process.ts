// A real veche server process (node dist/src/server/main.js, as `npm start` runs it) on 127.0.0.1, to
// kill with SIGKILL and restart, or to run several of over one PostgreSQL. Used by the durability and
// hardening tests and by bench/load.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** dist/src/server/main.js, from dist/test/helpers or dist/bench. */
export const SERVER_MAIN = fileURLToPath(new URL('../../src/server/main.js', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcessOptions {
  dataDir: string;
  /** postgres://...; absent: SQLite in dataDir. */
  databaseUrl?: string;
  /** At least 32 characters; the same for every process of one deployment. */
  adminToken: string;
  /** Requests per minute per client; 0 (default here) turns the limit off. */
  rateLimit?: number;
  /** VECHE_LOG=1: Fastify's request log on stdout. */
  log?: boolean;
  env?: Record<string, string>;
}

export class ServerProcess {
  child: ChildProcess | null = null;
  /** Everything the process wrote, over all its starts. */
  stdout = '';
  stderr = '';
  starts = 0;

  private constructor(readonly opts: ServerProcessOptions, public port: number) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(opts: ServerProcessOptions): Promise<ServerProcess> {
    if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: build first (npx tsc -p .)`);
    const p = new ServerProcess(opts, await freePort());
    await p.restart();
    return p;
  }

  /** Starts the process (again) and resolves once it listens. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('server process still running');
    for (let attempt = 0; ; attempt++) {
      try {
        await this.spawnOnce();
        return;
      } catch (e) {
        // The port was taken meanwhile by someone else: take another.
        if (attempt < 3 && /EADDRINUSE/.test((e as Error).message)) { this.port = await freePort(); continue; }
        throw e;
      }
    }
  }

  private async spawnOnce(): Promise<void> {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      VECHE_PORT: String(this.port), VECHE_HOST: '127.0.0.1', VECHE_DATA_DIR: this.opts.dataDir,
      VECHE_DEMO: '0', VECHE_ADMIN_TOKEN: this.opts.adminToken, VECHE_RATE_LIMIT: String(this.opts.rateLimit ?? 0),
      VECHE_LOG: this.opts.log ? '1' : '0', ...this.opts.env,
    };
    if (this.opts.databaseUrl) env.VECHE_DATABASE_URL = this.opts.databaseUrl;
    else delete env.VECHE_DATABASE_URL;
    const child = spawn(process.execPath, [SERVER_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.starts++;
    const startOut = this.stdout.length;
    const startErr = this.stderr.length;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { this.stdout += d; });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; });
    child.once('exit', () => { if (this.child === child) this.child = null; });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { cleanup(); reject(new Error(`server did not start in 60 s:\n${this.stdout.slice(startOut)}\n${this.stderr.slice(startErr)}`)); }, 60_000);
      const onData = () => { if (this.stdout.includes('veche is running at', startOut)) { cleanup(); resolve(); } };
      const onExit = (code: number | null) => { cleanup(); reject(new Error(`server exited (${code}) while starting: ${this.stderr.slice(startErr)}${this.stdout.slice(startOut)}`)); };
      const cleanup = () => { clearTimeout(timer); child.stdout!.off('data', onData); child.off('exit', onExit); };
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
    });
  }

  /** Kills the process (SIGKILL by default: no chance to finish anything) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
    this.child = null;
  }
}
