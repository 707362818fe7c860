import { defineRule } from '../../src/engine/rule.js';
import { appName, PM2_DOCS, productionFile } from './PM20.common.js';

export default defineRule({
  meta: {
    id: 'PM2001',
    name: 'Pm2WatchInProduction',
    title: 'pm2 restarts the app whenever a file changes',
    severity: 'medium',
    section: 'process-manager',
    docs: {
      whatItDoes:
        'Reports `watch: true` (or a list of watched paths) on an app of a production pm2 ecosystem file (ecosystem.config.js/.cjs/.mjs/.json; files with dev, local or test in their path are development). A computed value (`watch: process.env.WATCH === "1"`) is not judged.',
      whyIsThisBad:
        'Watching is a development convenience: in production every write under the watched tree (uploaded files, logs, cache files, a deploy copying files one by one) restarts the app, dropping in-flight requests and, during a deploy, starting it on a half-copied release.',
      example: "module.exports = { apps: [{ name: 'api', script: 'dist/server.js', watch: true }] }",
      useInstead: "module.exports = { apps: [{ name: 'api', script: 'dist/server.js', watch: false }] }\n// restart explicitly after a deploy: pm2 reload ecosystem.config.js --env production",
    },
    fix: 'Set `watch: false` in the production file (or keep watching in a separate development ecosystem file) and reload the app explicitly after each deploy with `pm2 reload`.',
    references: [`${PM2_DOCS}#advanced-features`, 'https://pm2.keymetrics.io/docs/usage/watch-and-restart/'],
    tags: ['pm2', 'node', 'reliability'],
  },
  scope: 'pm2',
  check(file, ctx) {
    if (!productionFile(file, ctx)) return;
    for (const app of file.apps) {
      const w = app.options.get('watch');
      if (!w) continue;
      const on = w.value === true || (typeof w.value === 'string' && w.value !== '') || (Array.isArray(w.value) && w.value.length > 0);
      if (!on) continue;
      ctx.report({ message: `pm2 app ${appName(app)} watches ${w.value === true ? 'its whole directory' : 'files'} and restarts on every change, in production`, span: w.pairSpan, target: `${appName(app)}:watch` });
    }
  },
});
