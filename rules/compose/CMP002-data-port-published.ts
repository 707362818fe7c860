import { defineRule } from '../../src/engine/rule.js';
import { isDataService, SERVICE_PORTS, serviceKind } from '../../src/model/containers/query.js';
import { COMPOSE_SERVICES, production } from './CMP0.common.js';

const LOOPBACK = /^(?:127\.\d+\.\d+\.\d+|::1|localhost)$/;

function containerPort(target: string): string {
  return target.split('-')[0]!.trim();
}

export default defineRule({
  meta: {
    id: 'CMP002',
    name: 'DataPortPublished',
    title: 'Database or cache port published on every interface',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        'Reports, in production compose projects, a `ports:` entry that publishes a database, cache or broker (PostgreSQL 5432, MySQL/MariaDB 3306, MongoDB 27017, Redis 6379, Memcached 11211, RabbitMQ 5672, Elasticsearch 9200; by image or container port) without a host IP or on 0.0.0.0 / `::`, including `"5432"` alone (a random host port), and a data service on `network_mode: host`. Binding to 127.0.0.1 is fine; other services reach it over the compose network without any published port.',
      whyIsThisBad:
        "Docker writes its own iptables rules for published ports, ahead of ufw and firewalld, so the database answers on the server's public address even when the host firewall says otherwise. Internet-wide scanners find open 5432/6379 ports within hours; Redis and Memcached have no password by default and PostgreSQL images are often started with weak ones.",
      example: 'db:\n  image: postgres:16\n  ports:\n    - "5432:5432"',
      useInstead: 'db:\n  image: postgres:16\n  # no ports: the web service reaches db:5432 on the compose network\n  # or, for an admin tunnel: "127.0.0.1:5432:5432"',
    },
    fix: 'Remove the `ports:` entry (services on the same compose network reach it by service name), or bind it to the loopback address (`127.0.0.1:5432:5432`) and use an SSH tunnel for administration.',
    references: [`${COMPOSE_SERVICES}#ports`, 'https://docs.docker.com/engine/network/packet-filtering-firewalls/', 'https://redis.io/docs/latest/operate/oss_and_stack/management/security/'],
    tags: ['compose', 'security', 'network'],
  },
  scope: 'compose',
  check(project, ctx) {
    if (!production(project, ctx)) return;
    for (const s of project.services) {
      const kind = serviceKind(s);
      if (isDataService(kind) && s.networkMode?.value === 'host') {
        ctx.report({ message: `service ${s.name} (${kind}) uses network_mode: host, so it listens on every interface of the server`, span: s.networkMode.span, target: `${s.name}:network_mode` });
      }
      for (const p of s.ports) {
        const port = containerPort(p.target);
        const portKind = SERVICE_PORTS[port];
        // Every port of a known data image; a data port of a locally built or unknown image.
        if (!isDataService(kind) && !(kind === 'other' && portKind !== undefined)) continue;
        const ip = p.hostIp?.replace(/^\[|\]$/g, '');
        if (ip && !/^(?:0\.0\.0\.0|::|\*)$/.test(ip)) continue;
        if (ip && LOOPBACK.test(ip)) continue;
        const what = isDataService(kind) ? kind : portKind!;
        const host = p.published ? `host port ${p.published}` : 'a random host port';
        ctx.report({
          message: `service ${s.name} publishes ${what} port ${port} on ${host} of every interface${ip ? ` (${ip})` : ''}: reachable from outside the server, past ufw/firewalld`,
          span: p.span,
          target: `${s.name}:port:${port}`,
        });
      }
    }
  },
});
