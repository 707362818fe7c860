import { defineRule } from '../../src/engine/rule.js';
import { appName, PM2_DOCS, productionFile } from './PM20.common.js';

export default defineRule({
  meta: {
    id: 'PM2004',
    name: 'Pm2NoMemoryLimit',
    title: 'pm2 app has no max_memory_restart',
    severity: 'low',
    section: 'process-manager',
    docs: {
      whatItDoes: 'Reports an app of a production pm2 ecosystem file without `max_memory_restart`. Files where apps are spread from a variable or built by a function are not judged for keys they may hide.',
      whyIsThisBad:
        'A Node process with a slow memory leak grows until the kernel OOM killer ends it (or something else on the server) at a random moment. With max_memory_restart pm2 restarts it gracefully when it passes the limit, before the machine starts swapping.',
      example: "{ name: 'api', script: 'dist/server.js', instances: 2 }",
      useInstead: "{ name: 'api', script: 'dist/server.js', instances: 2, max_memory_restart: '512M' }",
    },
    fix: "Add `max_memory_restart` with a limit below the memory the server can give each instance (e.g. '512M'), and monitor restarts.",
    references: [`${PM2_DOCS}#control-flow`, 'https://pm2.keymetrics.io/docs/usage/memory-limit/'],
    tags: ['pm2', 'node', 'reliability'],
  },
  scope: 'pm2',
  check(file, ctx) {
    if (!productionFile(file, ctx)) return;
    for (const app of file.apps) {
      if (app.options.has('max_memory_restart')) continue;
      const anchor = app.options.get('name')?.pairSpan ?? app.span;
      ctx.report({ message: `pm2 app ${appName(app)} has no max_memory_restart: a memory leak grows until the OOM killer ends it`, span: anchor, target: `${appName(app)}:max_memory_restart` });
    }
  },
});
