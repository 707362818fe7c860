import { defineRule } from '../../src/engine/rule.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { argSpan, argValue } from '../../src/model/nginx/effective.js';
import { NGINX_DOCS, q } from './NGX1.common.js';

const LIMIT_REQ = `${NGINX_DOCS}/http/ngx_http_limit_req_module.html`;
const LIMIT_CONN = `${NGINX_DOCS}/http/ngx_http_limit_conn_module.html`;

/** The zone a limit_req / limit_conn uses, with the argument that names it. */
function usedZone(d: NginxDirective): { zone: string; index: number } | undefined {
  if (d.name === 'limit_req') {
    const i = d.args.findIndex((a) => a.value.startsWith('zone='));
    return i >= 0 ? { zone: d.args[i]!.value.slice(5), index: i } : undefined;
  }
  if (d.name === 'limit_conn' && d.args.length >= 1) return { zone: argValue(d, 0), index: 0 };
  return undefined;
}

/** The zone a limit_req_zone / limit_conn_zone defines (`zone=name:10m`). */
function definedZone(d: NginxDirective): string | undefined {
  const a = d.args.find((x) => x.value.startsWith('zone='));
  return a ? a.value.slice(5).split(':')[0] : undefined;
}

export default defineRule({
  meta: {
    id: 'NGX032',
    name: 'LimitZoneUndefined',
    title: 'limit_req / limit_conn uses a zone no limit_req_zone / limit_conn_zone defines',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Checks every `limit_req zone=NAME` and `limit_conn NAME` against the zones defined by `limit_req_zone ... zone=NAME:size` and `limit_conn_zone ... zone=NAME:size` in the repository's nginx files (this configuration, the nginx.conf that encloses a site file, and the other production files, since conf.d files share one http block). A complete nginx.conf with no unreadable include gets a failure; a site file, whose enclosing http block may live outside the repository, gets an unknown. Development configurations are checked too: nginx refuses to start either way.",
      whyIsThisBad:
        'nginx -t fails (`zero size shared memory zone "NAME"`): the reload that was meant to add rate limiting is refused, and a fresh start leaves every site down. Often the zone was defined in a server-wide file on the old machine and never copied.',
      example: 'location /accounts/login/ {\n    limit_req zone=login burst=5;\n    proxy_pass http://django;\n}',
      useInstead: 'limit_req_zone $binary_remote_addr zone=login:10m rate=1r/s;  # in http\nlocation /accounts/login/ {\n    limit_req zone=login burst=5;\n    proxy_pass http://django;\n}',
    },
    fix: 'Define the zone in the http block (`limit_req_zone $binary_remote_addr zone=NAME:10m rate=10r/s;`, or limit_conn_zone for limit_conn), or correct the zone name.',
    references: [`${LIMIT_REQ}#limit_req`, `${LIMIT_REQ}#limit_req_zone`, `${LIMIT_CONN}#limit_conn_zone`],
    tags: ['nginx', 'rate-limiting'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    const query = q(config, model);
    const uses = query.allDirectives().filter((d) => d.name === 'limit_req' || d.name === 'limit_conn');
    if (uses.length === 0) return;
    const defined = { limit_req: new Set<string>(), limit_conn: new Set<string>() };
    const collect = (list: readonly NginxDirective[]) => {
      for (const d of list) {
        const z = d.name === 'limit_req_zone' || d.name === 'limit_conn_zone' ? definedZone(d) : undefined;
        if (z !== undefined) defined[d.name === 'limit_req_zone' ? 'limit_req' : 'limit_conn'].add(z);
      }
    };
    collect(query.allDirectives());
    for (const other of model.nginx) if (other !== config && (other.role === config.role || other.role === 'production')) collect(q(other, model).allDirectives());
    const certain = config.context === 'main' && query.unresolvedHttpIncludes().length === 0;
    for (const d of uses) {
      const used = usedZone(d);
      if (!used || query.hasPlaceholder(used.zone) || used.zone.includes('$')) continue;
      if (defined[d.name as 'limit_req' | 'limit_conn'].has(used.zone)) continue;
      const def = d.name === 'limit_req' ? 'limit_req_zone' : 'limit_conn_zone';
      if (certain) {
        ctx.report({
          message: `${d.name} uses zone "${used.zone}", which no ${def} defines: nginx -t fails (zero size shared memory zone "${used.zone}") and nginx will not start`,
          span: argSpan(d, used.index),
          target: `${d.name}:${used.zone}`,
        });
      } else {
        ctx.unknown({
          message: `${d.name} uses zone "${used.zone}", which no ${def} in the repository defines: unless the server's own nginx.conf defines it, nginx refuses to start`,
          span: argSpan(d, used.index),
          variables: [`${def} zone=${used.zone}`],
          target: `${d.name}:${used.zone}`,
        });
      }
    }
  },
});
