import { setFlagsFromString } from 'node:v8';

// What bin/audit-deploy.js sets before the CLI runs, so that the tests see the engine the command
// uses: the `l` flag (V8's linear-time regex engine) for regexes from the audited repository
// (src/core/untrusted-regex.ts).
setFlagsFromString('--enable-experimental-regexp-engine');
