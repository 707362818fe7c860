import type { Span } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { asSequence, dictGet, truthy, type PyValue } from '../../src/model/python-value.js';
import type { DjangoProject } from '../../src/model/types.js';
import { cannotTellValue, envSourceRelated, hostLocality } from './DJ1.production.js';

const REDIS_URL = /^(rediss?|valkeys?):\/\/(?:([^@/?#]*)@)?(\[[^\]]*\]|[^/:?#]*)(?::\d*)?([/?#].*)?$/i;

interface Endpoint {
  /** Where it is configured, for the message: "CACHES['default'] LOCATION". */
  where: string;
  value: PyValue;
  /** A password given beside the URL (cache OPTIONS, a channels host dict). */
  sidePassword?: PyValue | null;
  setting: string;
  span: Span;
}

type Verdict = { exposed: false } | { exposed: true; host: string } | { exposed: undefined };

function judgeUrl(url: string, sidePassword: PyValue | null | undefined): Verdict {
  const m = REDIS_URL.exec(url.trim());
  if (!m) return { exposed: false };
  const userinfo = m[2] ?? '';
  const host = m[3]!;
  const query = m[4] ?? '';
  // Any credential in the URL (user:password, or a bare token) or a password option counts as authentication.
  const inUrl = userinfo.replace(/^:/, '') !== '' || /[?&]password=[^&]+/.test(query);
  if (inUrl) return { exposed: false };
  if (sidePassword) {
    const t = truthy(sidePassword);
    if (t === true) return { exposed: false };
    if (t === undefined) return { exposed: undefined };
  }
  return hostLocality(host) === 'remote' ? { exposed: true, host } : { exposed: false };
}

function cacheEndpoints(project: DjangoProject, out: Endpoint[]): void {
  const b = project.settings.get('CACHES');
  if (!b || b.value.kind !== 'dict') return;
  for (const e of b.value.entries) {
    if (e.key.kind !== 'str') continue;
    const location = dictGet(e.value, 'LOCATION');
    if (!location) continue;
    const options = dictGet(e.value, 'OPTIONS');
    const side = options && options.kind === 'dict' ? dictGet(options, 'PASSWORD') ?? dictGet(options, 'password') : null;
    const urls = asSequence(location) ?? [location];
    for (const u of urls) out.push({ where: `CACHES['${e.key.value}'] LOCATION`, value: u, sidePassword: side, setting: 'CACHES', span: b.span });
  }
}

function channelEndpoints(project: DjangoProject, out: Endpoint[]): void {
  const b = project.settings.get('CHANNEL_LAYERS');
  if (!b || b.value.kind !== 'dict') return;
  for (const e of b.value.entries) {
    if (e.key.kind !== 'str') continue;
    const config = dictGet(e.value, 'CONFIG');
    const hosts = config ? dictGet(config, 'hosts') : undefined;
    for (const h of (hosts && asSequence(hosts)) ?? []) {
      // (host, port) tuples carry no password at all; dicts may carry 'address' and 'password'.
      const where = `CHANNEL_LAYERS['${e.key.value}'] hosts`;
      if (h.kind === 'tuple' && h.items[0]?.kind === 'str') {
        out.push({ where, value: { kind: 'str', value: `redis://${h.items[0].value}` }, setting: 'CHANNEL_LAYERS', span: b.span });
      } else if (h.kind === 'dict') {
        const address = dictGet(h, 'address');
        if (address) out.push({ where, value: address, sidePassword: dictGet(h, 'password') ?? null, setting: 'CHANNEL_LAYERS', span: b.span });
      } else out.push({ where, value: h, setting: 'CHANNEL_LAYERS', span: b.span });
    }
  }
}

function celeryEndpoints(project: DjangoProject, out: Endpoint[]): void {
  for (const name of ['CELERY_BROKER_URL', 'CELERY_RESULT_BACKEND', 'BROKER_URL']) {
    const b = project.settings.get(name);
    if (b) out.push({ where: name, value: b.value, setting: name, span: b.span });
  }
}

export default defineRule({
  meta: {
    id: 'DJ114',
    name: 'RedisWithoutPassword',
    title: 'A remote Redis server is used without a password',
    severity: 'high',
    section: 'cache',
    docs: {
      whatItDoes:
        "Reports redis:// and rediss:// URLs in CACHES LOCATION, CELERY_BROKER_URL, CELERY_RESULT_BACKEND and CHANNEL_LAYERS hosts that carry no credentials (and no PASSWORD option beside them) while pointing at a public host name or IP. Loopback addresses, unix sockets, dot-less service names of a compose or Kubernetes network, private IP ranges, private DNS suffixes and names with an 'internal' or 'private' label are deliberately left alone: there, a password-less Redis is a network-isolation decision the repository cannot judge.",
      whyIsThisBad:
        'A reachable Redis without authentication gives anyone who finds it the cached pages and sessions, the task queue (Celery executes what it reads, so forged tasks run code) and, through CONFIG SET, often a shell on the server.',
      example: "CELERY_BROKER_URL = 'redis://cache.example.net:6379/0'",
      useInstead: "CELERY_BROKER_URL = os.environ['CELERY_BROKER_URL']  # rediss://:<password>@cache.example.net:6380/0",
    },
    fix: 'Enable authentication on the Redis server (requirepass or ACL users), put the password in the URL from the production environment (rediss://:password@host:port/db), prefer TLS (rediss://), and firewall the port to the application servers.',
    references: ['https://redis.io/docs/latest/operate/oss_and_stack/management/security/', 'https://docs.djangoproject.com/en/stable/topics/cache/#redis', 'https://docs.celeryq.dev/en/stable/userguide/configuration.html#broker-url'],
    tags: ['django', 'security', 'cache', 'redis'],
  },
  scope: 'django',
  check(project, ctx) {
    const endpoints: Endpoint[] = [];
    cacheEndpoints(project, endpoints);
    channelEndpoints(project, endpoints);
    celeryEndpoints(project, endpoints);
    for (const ep of endpoints) {
      if (ep.value.kind === 'unknown') {
        cannotTellValue(ctx, `Cannot tell whether ${ep.where} is a password-less remote Redis`, ep.span, ep.value, ep.setting);
        continue;
      }
      if (ep.value.kind !== 'str') continue;
      const verdict = judgeUrl(ep.value.value, ep.sidePassword);
      if (verdict.exposed === false) continue;
      if (verdict.exposed === undefined) {
        cannotTellValue(ctx, `Cannot tell whether ${ep.where} sends a password to Redis`, ep.span, ep.sidePassword ?? ep.value, ep.setting);
        continue;
      }
      ctx.report({
        message: `${ep.where} points at the Redis server '${verdict.host}' without a password: anyone who can reach it reads and writes the ${ep.setting === 'CACHES' ? 'cache' : ep.setting === 'CHANNEL_LAYERS' ? 'channel messages' : 'task queue'}`,
        span: ep.span,
        target: ep.setting,
        related: envSourceRelated(ep.value, true),
      });
    }
  },
});
