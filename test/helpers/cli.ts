// Runs the real `veche` command (bin/veche.js over the compiled dist/) as a child process, as a
// user would. Only exports: `node --test dist/test/` also loads this file, and then it defines no test.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** bin/veche.js, found from this file's place in dist/test/helpers/. */
export const vecheBin = fileURLToPath(new URL('../../../bin/veche.js', import.meta.url));

export interface CliRun { code: number; stdout: string; stderr: string }

export function veche(args: string[], opts: { cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [vecheBin, ...args], { cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') { reject(err); return; }
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed; fails with its output otherwise. */
export async function vecheOk(args: string[], opts: { cwd?: string } = {}): Promise<CliRun> {
  const r = await veche(args, opts);
  if (r.code !== 0) throw new Error(`veche ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
