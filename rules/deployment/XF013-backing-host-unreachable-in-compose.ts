import type { RelatedLocation } from '../../src/core/finding.js';
import type { Span } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { get } from '../../src/parse/compose/yaml.js';
import {
  composeNames,
  dependsOnHost,
  restsOnDefault,
  databaseClients,
  djangoRuntimes,
  isLoopback,
  isServiceName,
  parseRedisUrl,
  redisEndpoints,
  responsibleLine,
  type BackingServices,
  type DjangoRuntime,
} from '../../src/model/deployment/backing.js';
import { serviceKind, type ServiceKind } from '../../src/model/containers/query.js';
import type { ComposeService } from '../../src/model/containers/types.js';
import type { PyValue } from '../../src/model/python-value.js';

interface Target {
  where: string;
  what: 'Redis' | 'PostgreSQL' | 'MySQL';
  kinds: ServiceKind[];
  host: string;
  port: number;
  span: Span;
  setting: string;
  value: PyValue;
}

/** The Redis URLs and database hosts of the settings a compose service runs. */
function targets(runtime: DjangoRuntime, backing: BackingServices): Target[] {
  const out: Target[] = [];
  for (const ep of redisEndpoints(runtime.subject, backing)) {
    if (ep.value.kind !== 'str') continue;
    const url = parseRedisUrl(ep.value.value);
    if (url) out.push({ where: ep.where, what: 'Redis', kinds: ['redis'], host: url.host, port: url.port, span: ep.span, setting: ep.setting, value: ep.value });
  }
  // An empty HOST makes libpq use PGHOST, else a local unix socket.
  const pghost = runtime.subject.envLayers.some((l) => l.lookup('PGHOST') !== undefined);
  for (const db of databaseClients(runtime.subject)) {
    if ((db.family !== 'postgresql' && db.family !== 'mysql') || db.host === undefined || db.port === undefined) continue;
    if (db.host === '' && (db.family !== 'postgresql' || pghost)) continue;
    const what = db.family === 'postgresql' ? 'PostgreSQL' : 'MySQL';
    out.push({ where: `DATABASES['${db.alias}'] HOST`, what, kinds: [db.family === 'postgresql' ? 'postgres' : 'mysql'], host: db.host.toLowerCase(), port: db.port, span: db.span, setting: 'DATABASES', value: db.config });
  }
  return out;
}

/** Names this service may resolve besides the project's services: links, external links, extra hosts. */
function extraNames(service: ComposeService): Set<string> | undefined {
  const out = new Set<string>();
  for (const key of ['links', 'external_links']) {
    const n = get(service.node, key);
    if (n?.kind === 'seq') for (const item of n.items) if (item.kind === 'scalar' && typeof item.value === 'string') item.value.split(':').forEach((x) => out.add(x.toLowerCase()));
  }
  const extra = get(service.node, 'extra_hosts');
  if (extra) {
    if (extra.kind === 'seq') {
      for (const item of extra.items) if (item.kind === 'scalar' && typeof item.value === 'string') out.add(item.value.split(/[:=]/)[0]!.toLowerCase());
    } else if (extra.kind === 'map') extra.pairs.forEach((p) => out.add(p.key.toLowerCase()));
    else return undefined;
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'XF013',
    name: 'BackingHostUnreachableInCompose',
    title: "A compose service's Redis or database URL names a host its container cannot reach",
    severity: 'blocker',
    section: 'configuration',
    docs: {
      whatItDoes:
        "For each production compose service that runs the Django project, reads the Redis URLs (CACHES, Celery broker and result backend, CHANNEL_LAYERS, SESSION_REDIS) and DATABASES hosts of the settings as that service sees them. Reports a loopback host (localhost, 127.0.0.1), or a PostgreSQL entry without HOST (libpq then uses a local unix socket) and no PGHOST, while Redis or the database runs as another service of the same compose project, and a plain service-style name (no dots) that no service of the project answers to (service names, container_name, hostname, network aliases, links, extra_hosts) while the project runs that kind of server under another name. Services with a network_mode, names some other compose file defines, and containers that start the server themselves are left alone; unknown names are not judged for services that declare their own networks or in projects joined to an external or fixed-name network. Values expanded from host variables, or resting on a default of the settings code while the service's environment is not all in the repository, are not judged.",
      whyIsThisBad:
        "Inside a container, localhost is the container itself: nothing listens on 6379 or 5432 there, so every connection is refused. A name no service answers to fails DNS resolution on the project network. Either way the cache, the task queue or the database is unreachable and the application fails at the first request or task.",
      example: "# docker-compose.prod.yml\nservices:\n  web:\n    environment:\n      CELERY_BROKER_URL: redis://localhost:6379/0\n  redis:\n    image: redis:7.4",
      useInstead: "      CELERY_BROKER_URL: redis://redis:6379/0   # the service name",
    },
    fix: 'Use the name of the compose service that runs the server (redis, db, ...) as the host, or a network alias it declares; keep localhost only for processes in the same container or with network_mode: host.',
    references: [
      'https://docs.docker.com/compose/how-tos/networking/',
      'https://docs.docker.com/reference/compose-file/services/#network_mode',
      'https://docs.celeryq.dev/en/stable/userguide/configuration.html#broker-url',
    ],
    tags: ['compose', 'redis', 'database', 'cross-file'],
  },
  scope: 'repo',
  check(model, ctx) {
    const backing = model.backingServices;
    const runtimes = djangoRuntimes(model).filter((r) => r.compose);
    if (!backing || runtimes.length === 0) {
      ctx.notApplicable('no production compose service runs the Django project');
      return;
    }
    const elsewhere = new Set((model.composeProjects ?? []).flatMap((p) => p.services.flatMap((s) => composeNames(s).map((n) => ({ p, n })))).map((x) => `${x.p.name}\0${x.n.toLowerCase()}`));
    const seen = new Set<string>();
    for (const runtime of runtimes) {
      const { project, service } = runtime.compose!;
      if (service.networkMode) continue;
      const extra = extraNames(service);
      if (!extra) continue;
      const own = new Set(project.services.flatMap((s) => composeNames(s).map((n) => n.toLowerCase())));
      const ownWords = service.command?.argv.join(' ') ?? '';
      for (const t of targets(runtime, backing)) {
        // A server on the host network is not reached by its service name either: not this rule's advice.
        const servers = project.services.filter((s) => t.kinds.includes(serviceKind(s)) && s !== service && !s.networkMode);
        if (servers.length === 0) continue;
        const server = servers[0]!;
        const who = runtime.subject.service?.name ?? `compose service ${service.name} (${project.name})`;
        const at = responsibleLine(t.value, t.span, t.setting);
        const related: RelatedLocation[] = [
          { span: server.image?.span ?? server.nameSpan, message: `${t.what} runs in compose service ${server.name}` },
          { span: runtime.span ?? service.nameSpan, message: `${who} runs these settings` },
          ...at.related,
        ];
        if (dependsOnHost(backing, t.value, 'host') || restsOnDefault(runtime, t.value)) continue;
        const key = `${t.span.file}:${t.span.start.offset}:${t.where}:${t.host}:${service.name}`;
        if (seen.has(key)) continue;
        if (isLoopback(t.host) || t.host === '') {
          // A container that starts the server itself does have it on localhost.
          if (/(?:redis|valkey|keydb)-server|postgres\b|mysqld/.test(ownWords)) continue;
          seen.add(key);
          const names = t.host === '' ? 'no host, so the driver uses a local unix socket' : `${t.host}:${t.port}`;
          ctx.report({
            message: `${t.where} names ${names}, but in ${who} that is the container itself, where no ${t.what} listens; ${t.what} runs in compose service ${server.name} (host ${server.name}): every connection fails`,
            span: at.span,
            related,
            target: `${t.where}@${service.name}`,
          });
          continue;
        }
        if (!isServiceName(t.host) || own.has(t.host) || extra.has(t.host)) continue;
        if (backing.openNetworkProjects.has(project) || get(service.node, 'networks') !== undefined) continue;
        // Another compose file may run it (a project this audit merged differently).
        if ([...elsewhere].some((k) => k.endsWith(`\0${t.host}`))) continue;
        seen.add(key);
        ctx.report({
          message: `${t.where} names the host ${t.host}, but no service of ${project.name} answers to that name (its ${t.what} runs as ${servers.map((s) => s.name).join(', ')}): name resolution fails in ${who} and every connection with it`,
          span: at.span,
          related,
          target: `${t.where}@${service.name}`,
        });
      }
    }
  },
});
