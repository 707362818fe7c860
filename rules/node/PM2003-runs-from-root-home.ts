import { defineRule } from '../../src/engine/rule.js';
import { appName, PM2_DOCS, productionFile } from './PM20.common.js';

export default defineRule({
  meta: {
    id: 'PM2003',
    name: 'Pm2RunsFromRootHome',
    title: 'pm2 app runs from /root',
    severity: 'medium',
    section: 'process-manager',
    docs: {
      whatItDoes: "Reports a production pm2 app whose `cwd` or `script` is a literal path under `/root/` (root's home directory).",
      whyIsThisBad:
        "Code in /root is only readable by root, so the app is run as root: any vulnerability in it (or in one of its hundreds of npm dependencies) gives an attacker the whole server. It also means deploys are done as root and files the app writes are root's.",
      example: "{ name: 'api', cwd: '/root/api', script: 'dist/server.js' }",
      useInstead: "{ name: 'api', cwd: '/srv/api', script: 'dist/server.js' }\n// owned by a dedicated user; pm2 started by that user (pm2 startup -u api)",
    },
    fix: 'Move the application to a directory such as /srv/<app> or /home/<app>, owned by a dedicated unprivileged user, and start pm2 as that user (`pm2 startup systemd -u <user> --hp /home/<user>`).',
    references: [`${PM2_DOCS}#general`, 'https://pm2.keymetrics.io/docs/usage/startup/', 'https://nodejs.org/en/learn/getting-started/security-best-practices'],
    tags: ['pm2', 'node', 'security'],
  },
  scope: 'pm2',
  check(file, ctx) {
    if (!productionFile(file, ctx)) return;
    for (const app of file.apps) {
      for (const key of ['cwd', 'script']) {
        const v = app.options.get(key);
        if (!v || typeof v.value !== 'string' || !/^\/root(?:\/|$)/.test(v.value)) continue;
        ctx.report({ message: `pm2 app ${appName(app)}: ${key} ${v.value} is in root's home, so the app runs as root`, span: v.span, target: `${appName(app)}:${key}` });
        break;
      }
    }
  },
});
