#!/usr/bin/env node
// Entry point of the `veche` command: the compiled CLI lives in dist/.
import { main } from '../dist/src/cli/main.js';
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`veche: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 2; },
);
