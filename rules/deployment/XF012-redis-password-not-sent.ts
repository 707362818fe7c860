import type { RelatedLocation } from '../../src/core/finding.js';
import { formatSpan, type Span } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { dependsOnHost, restsOnDefault, djangoRuntimes, parseRedisUrl, responsibleLine, redisEndpoints, redisServersFor, sendsPassword, type RedisServer } from '../../src/model/deployment/backing.js';

/** Where a server's password (or its absence) is decided. */
function authSpan(s: RedisServer): Span {
  return s.auth.kind !== 'none' && s.auth.span ? s.auth.span : s.span;
}

export default defineRule({
  meta: {
    id: 'XF012',
    name: 'RedisPasswordNotSent',
    title: 'Redis requires a password that the Django or Celery URL pointing at it does not send',
    severity: 'blocker',
    section: 'cache',
    docs: {
      whatItDoes:
        "Joins the Redis servers the repository runs (a compose service started with --requirepass, a mounted or stand-alone redis.conf with requirepass or an ACL default user with a password, a Bitnami image with REDIS_PASSWORD) with the Redis URLs of the production settings as each service sees them (CACHES LOCATION, CELERY_BROKER_URL, BROKER_URL, CELERY_RESULT_BACKEND, CHANNEL_LAYERS hosts, SESSION_REDIS). Reports a URL that reaches such a server by its compose service name (or, on a machine without compose Redis, by a loopback address and the port of a stand-alone redis.conf) and carries no credentials, with no password option beside it. URLs whose value, or servers whose password, the repository does not show are not judged.",
      whyIsThisBad:
        "A Redis server with requirepass answers every command of an unauthenticated client with NOAUTH Authentication required: cache reads and writes raise errors (500s wherever the cache or cached sessions are used), Celery workers cannot fetch tasks and the web process cannot queue them, and channel layers drop every message.",
      example: "# docker-compose.prod.yml\nredis:\n  image: redis:7.4\n  command: redis-server --requirepass ${REDIS_PASSWORD:?}\n# .env.production\nCELERY_BROKER_URL=redis://redis:6379/0",
      useInstead: "CELERY_BROKER_URL=redis://:<the same password>@redis:6379/0",
    },
    fix: "Put the password in each URL that reaches the server (redis://:PASSWORD@host:6379/0, or redis://USER:PASSWORD@... for an ACL user), from the same secret the server's requirepass uses; for django-redis a PASSWORD entry in the cache OPTIONS also works.",
    references: [
      'https://redis.io/docs/latest/operate/oss_and_stack/management/security/#authentication',
      'https://redis.io/docs/latest/commands/auth/',
      'https://docs.djangoproject.com/en/stable/topics/cache/#redis',
      'https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html',
    ],
    tags: ['cache', 'redis', 'celery', 'cross-file'],
  },
  scope: 'repo',
  check(model, ctx) {
    const backing = model.backingServices;
    if (!backing || backing.redis.length === 0) {
      ctx.notApplicable('the repository runs no Redis server');
      return;
    }
    const seen = new Set<string>();
    for (const runtime of djangoRuntimes(model)) {
      for (const ep of redisEndpoints(runtime.subject, backing)) {
        if (ep.value.kind !== 'str') continue;
        const url = parseRedisUrl(ep.value.value);
        if (!url) continue;
        const servers = redisServersFor(backing, runtime, url.host, url.port);
        if (servers.length === 0) continue;
        // A URL or password expanded from a host variable is not known, whatever the evaluation saw.
        if (dependsOnHost(backing, ep.value, 'userinfo') || dependsOnHost(backing, ep.value, 'host') || dependsOnHost(backing, ep.value, 'query') || dependsOnHost(backing, ep.sidePassword) || restsOnDefault(runtime, ep.value, ep.sidePassword)) continue;
        const sends = sendsPassword(ep, url);
        if (sends !== false) continue;
        // Every server the name may reach must demand a password; a password-less one means the URL may work.
        if (servers.some((s) => s.auth.kind === 'none')) continue;
        const where = runtime.subject.service ? ` (as ${runtime.subject.service.name} sees it)` : '';
        const related = (s: RedisServer): RelatedLocation[] => [
          { span: authSpan(s), message: `${s.label}: ${s.auth.how}` },
          ...(authSpan(s) !== s.span && s.origin !== 'conf' ? [{ span: s.span, message: `${s.label} runs here` }] : []),
        ];
        const at = responsibleLine(ep.value, ep.span, ep.setting);
        const rel = [...servers.flatMap(related), ...at.related, ...(runtime.span && runtime.subject.service === undefined ? [{ span: runtime.span, message: 'the service that runs these settings' }] : [])];
        const key = `${ep.span.file}:${ep.span.start.offset}:${ep.where}:${url.shown}`;
        if (servers.some((s) => s.auth.kind === 'unknown')) {
          const vars = [...new Set(servers.flatMap((s) => (s.auth.kind === 'unknown' ? s.auth.variables : [])))];
          if (vars.length === 0 || seen.has(`u:${key}`)) continue;
          seen.add(`u:${key}`);
          ctx.unknown({
            message: `${ep.where}${where} connects to ${url.shown} without a password, and whether ${servers.map((s) => s.label).join(', ')} requires one depends on ${vars.join(', ')} (${servers.map((s) => s.auth.how).join('; ')})`,
            span: at.span,
            variables: vars,
            related: rel,
            target: `${ep.where}->${url.host}`,
          });
          continue;
        }
        if (seen.has(key)) continue;
        seen.add(key);
        const server = servers[0]!;
        ctx.report({
          message: `${ep.where}${where} connects to ${url.shown} without a password, but ${server.label} requires one (${server.auth.how}; ${formatSpan(authSpan(server))}): every ${ep.purpose} command fails with NOAUTH Authentication required`,
          span: at.span,
          related: rel,
          target: `${ep.where}->${url.host}`,
        });
      }
    }
  },
});
