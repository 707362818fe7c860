#!/usr/bin/env node
// Thin launcher. `npm ci` runs `prepare`, which builds dist/: the single-file CLI
// (dist/audit-deploy.cjs) with a V8 code cache beside it, and the plain compiled modules as a fallback.
//
// Why a code cache: on a small repository, compiling the 1.4 MB bundle used to cost more than the audit
// itself (Node 20 has no module.enableCompileCache). The bundle is compiled through vm.Script with the
// bytecode V8 produced on an earlier run, which cuts start-up by about 40%. V8 rejects a cache made by
// another Node version or with other V8 flags; then the bundle is compiled as usual and the cache is
// written again (atomically; quietly skipped where dist/ is read-only).
//
// Why CommonJS (bin/package.json says so for this folder): an ES module entry point makes Node start
// its ES module loader, which first loads fs/promises, readline and the stream modules: about 10 ms of
// a 200 ms run on a small repository. The bundle is a script, so nothing here needs ES modules.
'use strict';
const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const bundleFile = join(__dirname, '..', 'dist', 'audit-deploy.cjs');

// Run as the command; scripts/warm-code-cache.cjs requires this file for loadBundle only.
if (require.main === module) {
  const loaded = existsSync(bundleFile) ? Promise.resolve().then(() => loadBundle(bundleFile)) : import('../dist/src/cli/main.js');
  loaded
    .then(({ main, afterRun }) =>
      main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
        afterRun?.();
      }),
    )
    .catch((err) => {
      process.stderr.write(`audit-deploy: internal error: ${err && err.stack ? err.stack : err}\n`);
      process.exitCode = 2;
    });
}
module.exports = { bundleFile, loadBundle };

function loadBundle(file) {
  const { Script } = require('node:vm');
  const cacheFile = file + '.v8cache';
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The CommonJS wrapper, plus the bundle's stand-in for import.meta.url (scripts/bundle.mjs defines it).
  const source = `(function (exports, require, module, __filename, __dirname, __auditDeployModuleUrl) {${readFileSync(file, 'utf8')}\n})`;
  const script = new Script(source, { filename: file, cachedData });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, join(file, '..'), pathToFileURL(file).href);
  const refresh = process.env.AUDIT_DEPLOY_CODE_CACHE === 'write' || cachedData === undefined || script.cachedDataRejected === true;
  const writeCache = () => {
    try {
      const temp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, cacheFile);
    } catch {
      // A read-only installation: run without the cache.
    }
  };
  return {
    main: mod.exports.main,
    // After the run, so the cache also holds the functions the audit compiled lazily.
    afterRun: refresh ? writeCache : undefined,
    writeCache,
    cacheAccepted: cachedData !== undefined && script.cachedDataRejected !== true,
  };
}
