import { defineRule } from '../../src/engine/rule.js';
import { cutFromFirst } from '../../src/core/trim.js';
import type { AppServerInstance } from '../../src/model/appserver/types.js';
import { appProxiedLocations, argSpan, argValue, isDevelopment, passTarget, type NginxQuery } from '../../src/model/nginx/effective.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import type { DeploymentModel } from '../../src/model/types.js';
import { andMore, GUNICORN_DEPLOY, HTTP_PROXY, locationLabel, nginxSeconds, once, q, reportLocations, serverKey } from './NGX1.common.js';

interface Endpoint {
  unix?: string;
  port?: number;
}

/** Where a proxy_pass sends requests: its own address, or the servers of the upstream it names. */
function endpoints(query: NginxQuery, pass: NginxDirective): Endpoint[] {
  const t = passTarget(pass);
  if (t.unix) return [{ unix: cutFromFirst(argValue(pass, 0).replace(/^\w+:\/\/unix:/, ''), ':') }];
  if (!t.host || t.variableHost) return [];
  const upstream = query.upstreams().get(t.host);
  if (!upstream) return [{ port: t.port ?? (t.scheme === 'https' ? 443 : 80) }];
  return query
    .levelOf(upstream)
    .children.filter((d) => d.name === 'server')
    .map((d): Endpoint => {
      const addr = argValue(d, 0);
      if (addr.startsWith('unix:')) return { unix: addr.slice(5) };
      const m = /:(\d+)$/.exec(addr);
      return { port: m ? Number(m[1]) : 80 };
    });
}

function bindMatches(bind: string, e: Endpoint): boolean {
  if (bind.startsWith('unix:')) return e.unix !== undefined && bind.slice(5) === e.unix;
  if (bind.startsWith('fd://')) return false;
  const m = /:(\d+)$/.exec(bind);
  return e.port !== undefined && (m ? Number(m[1]) : 8000) === e.port;
}

/** The one production gunicorn instance bound where the proxy_pass sends requests, if exactly one is. */
function gunicornBehind(query: NginxQuery, pass: NginxDirective, model: DeploymentModel): AppServerInstance | undefined {
  const targets = endpoints(query, pass);
  if (targets.length === 0) return undefined;
  const matches = boundGunicorns(model.appServers).filter(({ binds }) => binds.some((bind) => targets.some((t) => bindMatches(bind, t))));
  return matches.length === 1 ? matches[0]!.instance : undefined;
}

/** Production gunicorn instances with their certain, resolved bind addresses: listed once per app-server list, not once per proxy_pass. */
const boundGunicornsOf = new WeakMap<readonly AppServerInstance[], Array<{ instance: AppServerInstance; binds: string[] }>>();
function boundGunicorns(appServers: readonly AppServerInstance[]): Array<{ instance: AppServerInstance; binds: string[] }> {
  let list = boundGunicornsOf.get(appServers);
  if (!list) {
    list = [];
    for (const a of appServers) {
      if (a.server !== 'gunicorn' || a.role !== 'production') continue;
      const bind = a.options['bind'];
      if (!bind || !bind.certain || bind.value.kind !== 'list') continue;
      list.push({ instance: a, binds: bind.value.items.filter((item) => !item.unresolved?.length).map((item) => item.value) });
    }
    boundGunicornsOf.set(appServers, list);
  }
  return list;
}

/** A sync worker's timeout (seconds) when certain: other worker classes only use it as a heartbeat. */
function syncTimeout(a: AppServerInstance): { seconds: number; span: AppServerInstance['span']; written: string } | undefined {
  const cls = a.options['worker_class'];
  const timeout = a.options['timeout'];
  if (!cls || !cls.certain || cls.value.kind !== 'str' || !/^(?:sync|gunicorn\.workers\.sync\.SyncWorker)$/.test(cls.value.value)) return undefined;
  if (!timeout || !timeout.certain || timeout.value.kind !== 'int' || timeout.value.value <= 0) return undefined;
  return { seconds: timeout.value.value, span: timeout.span ?? a.span, written: timeout.source === 'default' ? 'its default --timeout' : `--timeout ${timeout.value.value}` };
}

export default defineRule({
  meta: {
    id: 'NGX027',
    name: 'ProxyTimeoutsUnworkable',
    title: "Proxy timeouts that cannot work: read shorter or far longer than gunicorn's timeout, connect over 75s, read under 2s",
    severity: 'low',
    section: 'web-server',
    docs: {
      whatItDoes:
        "For locations proxying to the application, checks the proxy timeouts in effect: `proxy_read_timeout` (60s by default) shorter than the worker timeout of the gunicorn instance the repository binds at that address (sync workers only, whose timeout bounds a request; reported once per server) or, when written out, at least twice that timeout and a minute longer (gunicorn kills the worker first, so the long wait it promises never happens), `proxy_connect_timeout` above 75 seconds (nginx documents it usually cannot exceed 75s: the kernel gives up first) and `proxy_read_timeout` or `proxy_send_timeout` under 2 seconds (ordinary requests then end in 504). Locations that upgrade connections (websockets) and development configurations are not judged.",
      whyIsThisBad:
        'When nginx stops waiting before gunicorn would kill the worker (and always with a read timeout of a second or two), a slow page, export or report becomes a 504 Gateway Timeout while the worker keeps computing the answer nobody receives, holding one of the few sync workers. A huge connect timeout does not buy anything: the operating system abandons the connection attempt first, and the setting only hides that the backend is down.',
      example: 'location / {\n    proxy_pass http://django;\n    proxy_connect_timeout 300s;\n    proxy_read_timeout 1s;\n}',
      useInstead: 'location / {\n    proxy_pass http://django;\n    proxy_connect_timeout 5s;\n    proxy_read_timeout 60s;  # a little above gunicorn --timeout\n}',
    },
    fix: "Keep proxy_connect_timeout short (a few seconds, 75s at most) and set proxy_read_timeout a little above the application server's worker timeout (gunicorn's --timeout, 30s by default); to allow slow requests, raise both together.",
    references: [`${HTTP_PROXY}#proxy_connect_timeout`, `${HTTP_PROXY}#proxy_read_timeout`, GUNICORN_DEPLOY],
    tags: ['nginx', 'proxy', 'timeouts'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    for (const server of query.servers()) {
      const shortReads: Array<{ location: NginxDirective; pass: NginxDirective; seconds: number; limit: NonNullable<ReturnType<typeof syncTimeout>>; set: boolean }> = [];
      for (const { location, pass } of appProxiedLocations(query, server)) {
        const upgrades = query.effectiveArray(location, 'proxy_set_header').directives.some((d) => argValue(d, 0).toLowerCase() === 'upgrade');
        const connect = query.effective(location, 'proxy_connect_timeout');
        if (connect.state === 'set' && !query.directiveHasPlaceholder(connect.directive)) {
          const s = nginxSeconds(argValue(connect.directive, 0));
          if (s !== undefined && s > 75) {
            report({
              message: `proxy_connect_timeout ${argValue(connect.directive, 0)} is over the 75s nginx can use (the kernel gives up first): it only delays noticing a dead backend`,
              span: argSpan(connect.directive, 0),
              target: 'proxy_connect_timeout',
            });
          }
        }
        if (upgrades) continue;
        const worker = gunicornBehind(query, pass, model);
        const limit = worker ? syncTimeout(worker) : undefined;
        const read = query.effective(location, 'proxy_read_timeout');
        if (limit && read.state !== 'unknown' && !(read.state === 'set' && query.directiveHasPlaceholder(read.directive))) {
          const seconds = read.state === 'set' ? nginxSeconds(argValue(read.directive, 0)) : 60;
          if (seconds !== undefined && seconds >= 2 && seconds < limit.seconds) shortReads.push({ location, pass, seconds, limit, set: read.state === 'set' });
          // Much longer (at least twice and a minute more, written out): gunicorn's arbiter kills the sync
          // worker at its timeout, so the slow request this wait is for ends in 502 long before it.
          if (read.state === 'set' && seconds !== undefined && seconds >= 2 * limit.seconds && seconds - limit.seconds >= 60) {
            report({
              message: `proxy_read_timeout ${argValue(read.directive, 0)} waits for requests that gunicorn ends after ${limit.seconds}s (a sync worker past its timeout is killed): a request slower than ${limit.seconds}s gets a 502, not the ${seconds}s this allows`,
              span: argSpan(read.directive, 0),
              related: [{ span: limit.span, message: `gunicorn's worker timeout (${limit.written}): ${limit.seconds}s` }],
              target: `proxy_read_timeout-long:${locationLabel(location)}`,
            });
          }
        }
        for (const name of ['proxy_read_timeout', 'proxy_send_timeout']) {
          const e = query.effective(location, name);
          if (e.state !== 'set' || query.directiveHasPlaceholder(e.directive)) continue;
          const s = nginxSeconds(argValue(e.directive, 0));
          if (s === undefined || s >= 2) continue;
          report({
            message: `${name} ${argValue(e.directive, 0)} is shorter than ordinary requests take: slow pages end in 504 while the worker keeps running`,
            span: argSpan(e.directive, 0),
            target: name,
          });
        }
      }
      const first = shortReads[0];
      if (first) {
        reportLocations(
          { report: (input) => ctx.report({ ...input, related: [...(input.related ?? []), { span: first.limit.span, message: `gunicorn's worker timeout (${first.limit.written}): ${first.limit.seconds}s` }] }) },
          shortReads,
          (loc, others) =>
            `nginx gives up on ${locationLabel(loc)}${andMore(others)} after ${first.seconds}s (${first.set ? 'proxy_read_timeout' : "proxy_read_timeout's 60s default"}), but gunicorn lets a sync worker run ${first.limit.seconds}s: slower requests end in 504 while the worker keeps running`,
          `${serverKey(query, server)}:read-vs-gunicorn`,
        );
      }
    }
  },
});
