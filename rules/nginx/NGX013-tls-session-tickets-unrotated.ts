import { defineRule } from '../../src/engine/rule.js';
import { headSpan, isDevelopment, nginxAtLeast, tlsListen, versionLabel } from '../../src/model/nginx/effective.js';
import { flag, HTTP_SSL, MOZILLA_SSL_CONFIG, MOZILLA_TLS_GUIDELINES, once, q, serverKey, serverLabel, tlsContentServers } from './NGX1.common.js';

export default defineRule({
  meta: {
    id: 'NGX013',
    name: 'TlsSessionTicketsUnrotated',
    title: 'TLS session tickets on with keys that are never rotated',
    severity: 'low',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Reports a TLS server whose session tickets are on (`ssl_session_tickets on`, or nginx's default) while nothing rotates the ticket keys: nginx rotates them itself only from 1.23.2 and only with a shared session cache (`ssl_session_cache shared:...`). Not reported when only TLSv1.3 is enabled (its resumption mixes in a fresh key exchange), with `ssl_session_ticket_key` files (rotating them is then the operator's job), with a shared cache on an nginx release that is not known to be older than 1.23.2, or in development configurations.",
      whyIsThisBad:
        'The ticket key encrypts every resumable session. Generated once at start-up and kept until the next restart, it undoes forward secrecy: whoever obtains it (from memory, a core dump) can decrypt all recorded sessions since the start. Mozilla therefore recommends `ssl_session_tickets off` unless keys are rotated.',
      example: 'ssl_protocols TLSv1.2 TLSv1.3;\nssl_session_tickets on;',
      useInstead: 'ssl_session_cache shared:MozSSL:10m;\nssl_session_timeout 1d;\nssl_session_tickets off;',
    },
    fix: 'Set `ssl_session_tickets off;` and use a shared session cache (`ssl_session_cache shared:MozSSL:10m;`) for resumption; on nginx 1.23.2 and later a shared cache alone makes nginx rotate ticket keys.',
    references: [`${HTTP_SSL}#ssl_session_tickets`, `${HTTP_SSL}#ssl_session_cache`, MOZILLA_TLS_GUIDELINES, MOZILLA_SSL_CONFIG],
    tags: ['nginx', 'tls', 'security'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    for (const server of tlsContentServers(query)) {
      const tickets = query.effective(server, 'ssl_session_tickets');
      if (tickets.state === 'unknown') continue;
      if (tickets.state === 'set' && flag(tickets.directive) !== 'on') continue;
      // TLS 1.3 resumption mixes in a fresh key exchange: only TLS 1.2 and older tickets undo forward secrecy.
      const protocols = query.effective(server, 'ssl_protocols');
      if (protocols.state === 'unknown') continue;
      if (protocols.state === 'set' && !protocols.directive.args.some((a) => /^(?:SSLv\d|TLSv1(?:\.[012])?)$/.test(a.value))) continue;
      const keys = query.effective(server, 'ssl_session_ticket_key');
      if (keys.state !== 'unset') continue;
      const cache = query.effective(server, 'ssl_session_cache');
      if (cache.state === 'unknown') continue;
      const shared = cache.state === 'set' && cache.directive.args.some((a) => a.value.startsWith('shared:'));
      const version = query.version;
      const rotates = nginxAtLeast(version, 1, 23, 2);
      if (shared && rotates !== false) continue;
      const why = shared
        ? `${versionLabel(version!)} predates 1.23.2, which first rotates ticket keys`
        : 'no shared ssl_session_cache is in effect, so nginx keeps one random ticket key per worker until restart';
      const explicit = tickets.state === 'set' ? tickets.directive : undefined;
      report({
        message: `${explicit ? 'ssl_session_tickets is on' : `${serverLabel(query, server)} keeps nginx's default ssl_session_tickets on`} and ${why}: a leaked key decrypts every session since start-up; set ssl_session_tickets off`,
        span: explicit ? headSpan(explicit) : headSpan(tlsListen(query, server)),
        target: explicit ? 'ssl_session_tickets' : `${serverKey(query, server)}:default`,
      });
    }
  },
});
