// Writes dist/audit-deploy.cjs.v8cache: the bundle compiled as bin/audit-deploy.js compiles it, then
// audited over the given repositories in this one process (output discarded), so that the cache holds
// the bytecode of every function those audits compiled on the way.
//
// Why several repositories: V8 compiles a function when it is first called, and a function left out of
// the cache is compiled from source on every run that needs it. A cache made from the bundled sample
// alone (Python and env files only) left out the YAML, nginx, systemd, Dockerfile and Kubernetes
// readers and most rules: on the bench monorepo that cost about 100 ms a run. The repositories below
// hold every kind of file the audit reads; the larger cache costs the sample about 5 ms to load.
'use strict';
const { existsSync, rmSync } = require('node:fs');
const { loadBundle, bundleFile } = require('../bin/audit-deploy.js');

const dirs = process.argv.slice(2).filter((d) => existsSync(d));
const quiet = { write() {}, isTTY: false };

(async () => {
  rmSync(`${bundleFile}.v8cache`, { force: true });
  const { main, writeCache } = loadBundle(bundleFile);
  if (dirs.length === 0) await main(['rules'], { stdout: quiet, stderr: quiet, env: { NO_COLOR: '1' } });
  for (const dir of dirs) await main([dir, '--format', 'json'], { stdout: quiet, stderr: quiet, env: { NO_COLOR: '1' } });
  writeCache();
})().catch((err) => {
  process.stderr.write(`warm-code-cache: ${err && err.stack ? err.stack : err}\n`);
  process.exitCode = 1;
});
