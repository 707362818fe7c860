import { defineRule } from '../../src/engine/rule.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import type { DeploymentModel } from '../../src/model/types.js';
import {
  appProxiedLocations,
  argValue,
  hasCatchAllNames,
  headSpan,
  isDevelopment,
  listensOf,
  rejectsHandshake,
  type NginxQuery,
} from '../../src/model/nginx/effective.js';
import { blockHead, DJANGO_DOCS, GUNICORN_DEPLOY, HTTP_CORE, levelReturn, once, q, serverKey, serverLabel } from './NGX1.common.js';

/** A server that turns requests away: return 444/4xx at server level, or ssl_reject_handshake on. */
function rejecting(query: NginxQuery, server: NginxDirective): boolean {
  if (rejectsHandshake(query, server)) return true;
  const r = levelReturn(query, server);
  if (r && r.name === 'return' && /^(?:4\d\d)$/.test(argValue(r, 0))) return true;
  return appProxiedLocations(query, server).length === 0;
}

export default defineRule({
  meta: {
    id: 'NGX031',
    name: 'NoCatchAllServer',
    title: 'Requests with unknown Host headers reach Django: no catch-all default_server',
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes:
        "For each server that proxies to the application, and each port it listens on, checks that requests for unknown host names go elsewhere: to a `default_server` that refuses them (`return 444;` or `ssl_reject_handshake on;`) anywhere in the repository's production nginx files. It reports the application server when it is the default itself: marked `default_server`, named `_` or with no server_name, or (in a complete nginx.conf) the first server on the port with no default_server declared. A site file whose default depends on files the repository does not show is not judged; development configurations are skipped.",
      whyIsThisBad:
        "Any Host header then reaches Django: scanners and bots hitting the bare IP or forged names fill the logs and error e-mails with DisallowedHost, and the site's only barrier against host-header poisoning (password-reset links, cache poisoning) is ALLOWED_HOSTS, which is often relaxed to '*' behind a proxy.",
      example: 'server {\n    listen 80 default_server;\n    server_name _;\n    location / { proxy_pass http://django; }\n}',
      useInstead:
        'server {\n    listen 80 default_server;\n    listen 443 ssl default_server;\n    ssl_reject_handshake on;\n    return 444;\n}\nserver {\n    listen 80;\n    server_name shop.example.com;\n    location / { proxy_pass http://django; }\n}',
    },
    fix: 'Add a catch-all server (`listen 80 default_server; listen 443 ssl default_server; ssl_reject_handshake on; return 444;`) and give the application server its real server_name.',
    references: [`${HTTP_CORE}#listen`, 'https://nginx.org/en/docs/http/request_processing.html', GUNICORN_DEPLOY, `${DJANGO_DOCS}/topics/security/#host-header-validation`],
    tags: ['nginx', 'security', 'host-header'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    const guarded = guardedPorts(model);
    const fullView = config.context === 'main' && query.unresolvedHttpIncludes().length === 0;
    const servers = query.servers();
    // Servers by port, in order, and the ports with a declared default_server: computed once, so
    // large configurations stay linear.
    const onPortOf = new Map<number, NginxDirective[]>();
    const declaredDefault = new Set<number>();
    for (const s of servers) {
      for (const l of listensOf(query, s)) {
        if (l.port === undefined) continue;
        const list = onPortOf.get(l.port) ?? [];
        if (list[list.length - 1] !== s) list.push(s);
        onPortOf.set(l.port, list);
        if (l.defaultServer) declaredDefault.add(l.port);
      }
    }
    for (const server of servers) {
      if (appProxiedLocations(query, server).length === 0) continue;
      const judged = new Set<number>();
      for (const listen of listensOf(query, server)) {
        const port = listen.port;
        if (port === undefined || guarded.has(port) || judged.has(port)) continue;
        judged.add(port);
        let why: string | undefined;
        let target = `${serverKey(query, server)}:${port}`;
        let span = listen.implicit ? blockHead(server) : headSpan(listen.directive);
        if (listen.defaultServer) why = `is the default_server for port ${port}`;
        else if (hasCatchAllNames(query, server)) {
          const name = query.levelOf(server).children.find((d) => d.name === 'server_name');
          if (name) span = headSpan(name);
          target = `${serverKey(query, server)}:names`;
          why = `has a catch-all server_name and nothing else on port ${port} refuses unknown hosts`;
        } else if (fullView) {
          const onPort = onPortOf.get(port) ?? [];
          const declared = declaredDefault.has(port);
          if (!declared && onPort[0] === server) why = `is the first server on port ${port} with no default_server declared, so nginx makes it the default`;
        }
        if (!why) continue;
        report({
          message: `${serverLabel(query, server)} ${why}: requests with any Host header reach Django; add a default_server that returns 444`,
          span,
          target,
        });
      }
    }
  },
});

/** Ports that already have a refusing default server somewhere in production (once per model). */
const guardedCache = new WeakMap<DeploymentModel, Set<number>>();

function guardedPorts(model: DeploymentModel): Set<number> {
  let guarded = guardedCache.get(model);
  if (!guarded) {
    guarded = new Set<number>();
    for (const other of model.nginx) {
      if (other.role !== 'production') continue;
      const oq = q(other, model);
      for (const s of oq.servers()) {
        if (!rejecting(oq, s)) continue;
        for (const l of listensOf(oq, s)) if (l.defaultServer && l.port !== undefined) guarded.add(l.port);
      }
    }
    guardedCache.set(model, guarded);
  }
  return guarded;
}
