import { defineRule } from '../../src/engine/rule.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import type { DeploymentModel } from '../../src/model/types.js';
import {
  hasCatchAllNames,
  headSpan,
  isDefaultServer,
  isDevelopment,
  isTlsServer,
  listensOf,
  locationMatch,
  passOf,
  serverNames,
  type NginxQuery,
} from '../../src/model/nginx/effective.js';
import { blockHead, HTTP_REWRITE, levelReturn, locationLabel, MOZILLA_SSL_CONFIG, q, redirectOf, serverKey, serverLabel, tlsContentServers, toHttps } from './NGX1.common.js';

/** Locations that hand requests to a backend and are not answered by a return first. */
function servedLocations(query: NginxQuery, server: NginxDirective): NginxDirective[] {
  return query
    .locations(server)
    .filter((loc) => passOf(query, loc) !== undefined && levelReturn(query, loc) === undefined && !/well-known/.test(locationMatch(loc).pattern));
}

/** A server-level `if (...) { return 301 https://... }` (the `$scheme`/`$https` idiom of a shared server). */
function conditionalHttpsRedirect(query: NginxQuery, server: NginxDirective): boolean {
  return query
    .levelOf(server)
    .children.some((d) => d.name === 'if' && d.block !== undefined && query.levelOf(d).children.some((c) => { const r = redirectOf(c); return r !== undefined && toHttps(r); }));
}

/** The names every production TLS server answers to, across the repository's configurations: found once per model view, not once per configuration. */
const tlsNamesOf = new WeakMap<DeploymentModel, { anyTls: boolean; tlsNames: Set<string> }>();
function productionTlsNames(model: DeploymentModel): { anyTls: boolean; tlsNames: Set<string> } {
  let found = tlsNamesOf.get(model);
  if (!found) {
    found = { anyTls: false, tlsNames: new Set<string>() };
    for (const other of model.nginx) {
      if (other.role !== 'production') continue;
      const oq = q(other, model);
      for (const s of tlsContentServers(oq)) {
        found.anyTls = true;
        for (const n of serverNames(oq, s)) found.tlsNames.add(n.toLowerCase());
      }
    }
    tlsNamesOf.set(model, found);
  }
  return found;
}

export default defineRule({
  meta: {
    id: 'NGX014',
    name: 'HttpsRedirectMissing',
    title: 'Plain-HTTP server serves the application instead of redirecting to HTTPS',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Where the repository's nginx serves a site over TLS, reports a port-80 server (or the port-80 listen of a server shared with 443) that hands requests to the application (a location with proxy_pass, uwsgi_pass ..., ACME `/.well-known/` locations aside) instead of answering with `return 301 https://$host$request_uri;`. The plain server must share a name with a TLS server, or be a catch-all. Configurations with no TLS server at all are not judged (TLS may end at a load balancer), nor are development configurations.",
      whyIsThisBad:
        "Users who type the bare domain or follow an old http:// link use the site unencrypted: session cookies, passwords and CSRF tokens cross the network in clear text, and anyone on the path (public Wi-Fi) can read or change pages. Django's SECURE_SSL_REDIRECT only helps if the request reaches Django and Django knows the scheme.",
      example:
        'server {\n    listen 80;\n    server_name shop.example.com;\n    location / { proxy_pass http://django; }\n}\nserver {\n    listen 443 ssl;\n    server_name shop.example.com;\n    ...\n}',
      useInstead:
        'server {\n    listen 80;\n    server_name shop.example.com;\n    location /.well-known/acme-challenge/ { root /var/www/certbot; }\n    location / { return 301 https://$host$request_uri; }\n}',
    },
    fix: 'Make the port-80 server answer every request with `return 301 https://$host$request_uri;` (308 keeps the method of POST requests), keeping only the ACME challenge location if certificates are issued over HTTP.',
    references: [`${HTTP_REWRITE}#return`, MOZILLA_SSL_CONFIG, 'https://docs.djangoproject.com/en/stable/topics/security/#ssl-https'],
    tags: ['nginx', 'tls', 'security'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const { anyTls, tlsNames } = productionTlsNames(model);
    if (!anyTls) return;
    for (const server of query.servers()) {
      const legacySsl = query.effective(server, 'ssl');
      if (legacySsl.state === 'set' && legacySsl.directive.args[0]?.value === 'on') continue;
      const plain = listensOf(query, server).filter((l) => !l.ssl && !l.unix && l.port === 80);
      if (plain.length === 0) continue;
      if (levelReturn(query, server)) continue;
      const served = servedLocations(query, server);
      if (served.length === 0) continue;
      if (conditionalHttpsRedirect(query, server)) continue;
      const shared = isTlsServer(query, server);
      if (!shared) {
        const names = serverNames(query, server).map((n) => n.toLowerCase());
        const catchAll = hasCatchAllNames(query, server) || isDefaultServer(query, server);
        if (!catchAll && !names.some((n) => tlsNames.has(n))) continue;
      }
      const listen = plain[0]!;
      ctx.report({
        message: `${serverLabel(query, server)} answers plain HTTP on port 80 with the application (${locationLabel(served[0]!)}) instead of redirecting to https://: cookies and credentials travel unencrypted`,
        span: listen.implicit ? blockHead(server) : headSpan(listen.directive),
        related: [{ span: blockHead(served[0]!), message: 'served over plain HTTP here' }],
        target: `${serverKey(query, server)}:80`,
      });
    }
  },
});
