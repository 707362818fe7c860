#!/usr/bin/env node
// Thin launcher. `npm ci` runs `prepare`, which builds dist/: the single-file CLI
// (dist/audit-deploy.mjs, fastest to start) and the plain compiled modules as a fallback.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/audit-deploy.mjs', import.meta.url);
const { main } = await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`audit-deploy: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  },
);
