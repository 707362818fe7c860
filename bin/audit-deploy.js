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
// Why a larger interrupt budget (6x V8's default of 67,584): V8 hands a function to its optimizing
// compiler (TurboFan, on a background thread) after a few budgets' worth of bytecode has run in it.
// An audit runs hundreds of functions lukewarm rather than a few hot loops, and with the default
// V8 spent about 1 s of CPU compiling them during a 2 s audit of the benchmark monorepo, on the
// machine's second core, which the parse-ahead worker and the garbage collector's helpers need.
// With 6x, only the truly hot functions are optimized: the monorepo ran 15-20% faster with a third
// less CPU, a 200-project monorepo no slower (README, Performance). Set before the bundle is
// compiled, so the code cache (made under the same flags) stays valid; a budget given to node
// itself wins.
//
// --enable-experimental-regexp-engine: the `l` flag, V8's linear-time regex engine, which runs the
// regular expressions that come from the audited repository (src/core/untrusted-regex.ts) so that a
// stranger's nginx.conf cannot hang the audit. test/support/v8-flags.ts sets it for the tests.
const setV8Flag = v8FlagSetter();
if (!/--interrupt-budget\b/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`)) setV8Flag('--interrupt-budget=405504');
setV8Flag('--enable-experimental-regexp-engine');
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

/**
 * V8's own setFlagsFromString, the function node:v8 exports, taken from process.binding('v8'): requiring
 * node:v8 loads the stream modules and heap utilities with it, about 2 ms of a 200 ms run. The binding
 * is deprecated (DEP0111, a warning on first access, silenced here for that one call only, whatever the
 * user's own --no-deprecation says afterwards); where it is gone, node:v8 is used.
 */
function v8FlagSetter() {
  const quiet = process.noDeprecation;
  try {
    process.noDeprecation = true;
    const binding = process.binding('v8');
    if (typeof binding.setFlagsFromString === 'function') return (flag) => binding.setFlagsFromString(flag);
  } catch {
    // no such binding: the public module below
  } finally {
    process.noDeprecation = quiet;
  }
  return require('node:v8').setFlagsFromString;
}

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
  // Latin-1: the build makes sure the bundle is ASCII (scripts/bundle.mjs), and Latin-1 skips UTF-8 decoding.
  const source = `(function (exports, require, module, __filename, __dirname, __auditDeployModuleUrl) {${readFileSync(file, 'latin1')}\n})`;
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
