// Loaded with `node --import` before the CLI in test/no-exec.test.ts: any attempt to start a
// process, open a network connection, start a worker, or load a module from the audited tree is
// recorded (and refused) and makes the process exit with status 3 at the end.
import childProcess from 'node:child_process';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { createRequire, register } from 'node:module';
import net from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import workerThreads from 'node:worker_threads';

const target = resolve(process.env.SANDBOX_TARGET ?? '/nonexistent');
const violations = [];
function refuse(what) {
  violations.push(what);
  throw new Error(`sandbox: ${what} refused`);
}

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  childProcess[name] = (...args) => refuse(`child_process.${name}(${String(args[0])})`);
}
net.connect = net.createConnection = (...args) => refuse(`net.connect(${JSON.stringify(args[0])})`);
net.Socket.prototype.connect = function (...args) {
  return refuse(`socket.connect(${JSON.stringify(args[0])})`);
};
for (const mod of [http, https]) {
  mod.request = mod.get = (...args) => refuse(`http request ${String(args[0]?.href ?? args[0]?.host ?? args[0])}`);
}
dns.lookup = (...args) => refuse(`dns.lookup(${args[0]})`);
globalThis.fetch = (...args) => refuse(`fetch(${String(args[0])})`);
workerThreads.Worker = class {
  constructor(file) {
    refuse(`new Worker(${String(file)})`);
  }
};

// CommonJS loads (require) of files inside the audited tree.
const require = createRequire(import.meta.url);
const Module = require('node:module');
const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
  let file;
  try {
    file = Module._resolveFilename(request, parent, isMain);
  } catch {
    file = undefined;
  }
  if (file && resolve(file).startsWith(target + '/')) refuse(`require(${file})`);
  return originalLoad.apply(this, arguments);
};

// ES module loads (import / import()) of files inside the audited tree, via a resolve hook.
register('data:text/javascript,' + encodeURIComponent(`
  const target = ${JSON.stringify(pathToFileURL(target).href + '/')};
  export async function resolve(specifier, context, next) {
    const r = await next(specifier, context);
    if (r.url.startsWith(target)) throw new Error('sandbox: import(' + r.url + ') refused');
    return r;
  }
`));

process.on('exit', () => {
  if (violations.length > 0) {
    process.stderr.write(`SANDBOX VIOLATIONS:\n${violations.join('\n')}\n`);
    process.exitCode = 3;
  }
});
