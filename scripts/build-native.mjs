#!/usr/bin/env node
// Builds the optional native backend (native/veche_native.c) with node-gyp against Debian's
// libsodium-dev. Never fails the caller: without libsodium-dev, a compiler or Node's headers it says
// why and veche runs on libsodium's WASM build (same answers, ~2-3x slower verification).
// Set VECHE_NATIVE=0 to skip it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'native');
const out = join(dir, 'build', 'Release', 'veche_native.node');
const say = (msg) => console.log(`build:native: ${msg}`);

if (process.env.VECHE_NATIVE === '0') { say('skipped (VECHE_NATIVE=0)'); process.exit(0); }

const sources = ['veche_native.c', 'binding.gyp'].map((f) => join(dir, f));
if (existsSync(out) && sources.every((s) => statSync(s).mtimeMs <= statSync(out).mtimeMs)) {
  say(`up to date (${out})`);
  process.exit(0);
}
try {
  execFileSync('pkg-config', ['--exists', 'libsodium'], { stdio: 'ignore' });
} catch {
  say('not built: libsodium-dev (and pkg-config) not found; `apt-get install libsodium-dev pkg-config` enables it. Using libsodium WASM.');
  process.exit(0);
}

// node-gyp: the one npm passes to scripts, else the one on PATH, else npm's own copy.
function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return [process.execPath, process.env.npm_config_node_gyp];
  const onPath = spawnSync('node-gyp', ['--version'], { stdio: 'ignore' });
  if (onPath.status === 0) return ['node-gyp'];
  try {
    const npmDir = dirname(dirname(execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim() + '/npm/x'));
    const gyp = createRequire(join(npmDir, 'npm', 'package.json')).resolve('node-gyp/bin/node-gyp.js');
    return [process.execPath, gyp];
  } catch {
    return null;
  }
}
const gyp = nodeGyp();
if (!gyp) { say('not built: node-gyp not found. Using libsodium WASM.'); process.exit(0); }
const [cmd, ...pre] = gyp;
// Build against the headers of the Node that runs us when it ships them (Debian's and the official
// builds do), so node-gyp needs no download.
const prefix = dirname(dirname(process.execPath));
const nodedir = process.env.npm_config_nodedir ?? (existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null);
const r = spawnSync(cmd, [...pre, 'rebuild', '--directory', dir, ...(nodedir ? [`--nodedir=${nodedir}`] : [])], { encoding: 'utf8' });
if (r.status !== 0 || !existsSync(out)) {
  const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').filter((l) => /error|ERR!/i.test(l)).slice(0, 8).join('\n');
  say(`not built (node-gyp exited ${r.status}); using libsodium WASM.\n${tail}`);
  process.exit(0);
}
say(`built ${out}`);
