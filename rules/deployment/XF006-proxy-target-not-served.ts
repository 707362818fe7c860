import { formatSpan } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { filesOfKind } from '../../src/model/files.js';
import { nginxTargets, reaches } from '../../src/model/appserver/proxy.js';
import { instanceLabel, listenAddresses } from '../../src/model/appserver/query.js';
import type { AppServerInstance } from '../../src/model/appserver/types.js';
import { projectOfInstance } from '../../src/model/deployment/topology.js';

export default defineRule({
  meta: {
    id: 'XF006',
    name: 'ProxyTargetNotServed',
    title: "nginx proxies to an address where none of the project's app servers listens",
    severity: 'blocker',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Compares where nginx sends requests (proxy_pass and uwsgi_pass targets, upstream members included) with where the repository's production app servers listen (gunicorn bind, uWSGI sockets, uvicorn host and port). Reports a local target (loopback or a unix socket) that none of them listens on while the app servers' own addresses are all known. Targets that are variables, other hosts, or app servers whose address depends on the environment or a socket unit are left alone, and so are repositories that also run a non-Python backend (pm2, another server) nginx may be meant for.",
      whyIsThisBad:
        "nginx cannot connect: every request answers 502 Bad Gateway. A port changed on one side only, or a socket path that differs by one character between the nginx site and the unit, takes the whole site down at the next deploy.",
      example: "# nginx\nproxy_pass http://unix:/run/gunicorn.sock;\n# gunicorn.service\nExecStart=/srv/venv/bin/gunicorn shop.wsgi --bind unix:/run/shop.sock",
      useInstead: "proxy_pass http://unix:/run/shop.sock;",
    },
    fix: "Point the nginx target at the address the app server binds (same port, or the same unix socket path), or change the app server's bind to match nginx.",
    references: ['https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass', 'https://docs.gunicorn.org/en/stable/settings.html#bind'],
    tags: ['nginx', 'app-server', 'cross-file'],
  },
  scope: 'repo',
  check(model, ctx) {
    const servers = model.appServers.filter((i) => i.role === 'production' && i.web && i.server !== 'runserver' && projectOfInstance(model, i));
    // Another kind of backend in the repository (a Node app under pm2 or npm start) may be what a target is for.
    if (filesOfKind(model.files, 'pm2').length > 0 || model.appServers.some((i) => i.role === 'production' && i.server === 'other')) {
      ctx.notApplicable('the repository also runs non-Python backends nginx may proxy to');
      return;
    }
    const targets = nginxTargets(model).filter((t) => t.local);
    if (servers.length === 0 || targets.length === 0) {
      ctx.notApplicable('needs both a local nginx proxy target and a production app server of a Django project');
      return;
    }
    // Every address must be known: a bind from $PORT or an inherited socket could be anything.
    const addresses = servers.flatMap((i) => listenAddresses(i).map((a) => ({ a, i })));
    const known = servers.every((i) => {
      const list = listenAddresses(i);
      return list.length > 0 && list.every((a) => a.option.certain && (a.kind === 'unix' ? a.path !== undefined : a.kind === 'tcp' && a.port !== undefined && a.host !== undefined));
    });
    if (!known) return;
    const seen = new Set<string>();
    for (const t of targets) {
      if (addresses.some(({ a }) => reaches(t, a))) continue;
      const key = `${t.span.file}:${t.span.start.offset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const where = t.kind === 'unix' ? `unix:${t.path}` : `${t.host}:${t.port}`;
      const describe = (i: AppServerInstance) => `${instanceLabel(i)} listens on ${listenAddresses(i).map((a) => a.text).join(', ')}`;
      ctx.report({
        message: `nginx sends requests to ${where} (${formatSpan(t.span)}), where no app server of the project listens (${servers.map(describe).join('; ')}): every request there answers 502 Bad Gateway`,
        span: t.span,
        related: servers.slice(0, 3).map((i) => ({ span: listenAddresses(i)[0]?.span ?? i.span, message: `${instanceLabel(i)} listens here` })),
        target: `target:${where}`,
      });
    }
  },
});
