import { defineRule } from '../../src/engine/rule.js';
import { effectiveEnv, serviceKind } from '../../src/model/containers/query.js';
import { COMPOSE_SERVICES, production } from './CMP0.common.js';

/**
 * Whether a volume's container path is a Redis configuration or ACL file or Redis's configuration
 * directory (as /(?:redis|valkey|keydb)[^/]*\.conf$|users\.acl$|\/usr\/local\/etc\/redis\/?$/
 * tests), from the last path segment instead of from every keyword (issue 7).
 */
export function redisConfigTarget(target: string): boolean {
  const last = target.slice(target.lastIndexOf('/') + 1);
  if (last.endsWith('.conf') && /redis|valkey|keydb/.test(last.slice(0, -5))) return true;
  return target.endsWith('users.acl') || target.endsWith('/usr/local/etc/redis') || target.endsWith('/usr/local/etc/redis/');
}

const LOOPBACK = /^(?:127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/;

export default defineRule({
  meta: {
    id: 'CMP011',
    name: 'RedisWithoutPassword',
    title: 'Redis reachable from outside without a password',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "Reports a Redis (or Valkey, KeyDB) service of a production compose project that is reachable beyond the compose network (a port published on a non-loopback address, or `network_mode: host`) and sets no password: no `--requirepass` in its command, no redis.conf (or ACL file) mounted, no REDIS_PASSWORD for images that read it. A Redis that only other containers reach is not reported.",
      whyIsThisBad:
        "Redis has no authentication by default and trusts every client completely: anyone who reaches the port can read the cache and sessions, flush them, or write a cron file or SSH key through CONFIG SET and take over the host. Exposed Redis instances are scanned for and exploited automatically.",
      example: 'redis:\n  image: redis:7.4\n  ports:\n    - "6379:6379"',
      useInstead: 'redis:\n  image: redis:7.4\n  command: ["redis-server", "--requirepass", "${REDIS_PASSWORD:?}"]\n  # and no published port unless needed: "127.0.0.1:6379:6379"',
    },
    fix: 'Stop publishing the port (other services reach redis:6379 on the compose network) or bind it to 127.0.0.1, and set a password with `--requirepass` (or ACLs in a mounted redis.conf); give the password to Django in the REDIS_URL.',
    references: ['https://redis.io/docs/latest/operate/oss_and_stack/management/security/', `${COMPOSE_SERVICES}#ports`, 'https://hub.docker.com/_/redis'],
    tags: ['compose', 'security', 'cache'],
  },
  scope: 'compose',
  check(project, ctx) {
    if (!production(project, ctx)) return;
    for (const s of project.services) {
      if (serviceKind(s) !== 'redis') continue;
      const exposed = s.ports.find((p) => !p.hostIp || !LOOPBACK.test(p.hostIp));
      const hostNet = s.networkMode?.value === 'host' ? s.networkMode : undefined;
      if (!exposed && !hostNet) continue;
      const argv = [...(s.entrypoint?.argv ?? []), ...(s.command?.argv ?? [])];
      if (argv.some((a) => /requirepass|aclfile/.test(a)) || argv.some((a) => /\.conf$/.test(a))) continue;
      if (s.volumes.some((v) => v.target && redisConfigTarget(v.target))) continue;
      const env = effectiveEnv(s);
      // REDIS_PASSWORD (Bitnami and others) set, or required from the host (`${REDIS_PASSWORD:?}`); REDIS_ARGS with --requirepass (redis-stack).
      const pw = env.get('REDIS_PASSWORD');
      if (pw && (pw.value || pw.interp)) continue;
      if (/requirepass/.test(env.get('REDIS_ARGS')?.value ?? '')) continue;
      const how = hostNet ? 'on the host network' : `through port ${exposed!.published ?? exposed!.target}${exposed!.hostIp ? ` on ${exposed!.hostIp}` : ' on every interface'}`;
      ctx.report({
        message: `service ${s.name} runs Redis without a password and is reachable ${how}: anyone who connects can read, flush or rewrite it`,
        span: s.image?.span ?? s.nameSpan,
        related: [{ span: hostNet ? hostNet.span : exposed!.span, message: 'where it is exposed' }],
        target: `${s.name}:requirepass`,
      });
    }
  },
});
