import { defineRule } from '../../src/engine/rule.js';
import { argsSpan, headSpan, isDevelopment, nginxAtLeast, tlsListen, versionLabel } from '../../src/model/nginx/effective.js';
import { HTTP_SSL, includeNote, MOZILLA_SSL_CONFIG, MOZILLA_TLS_GUIDELINES, once, q, serverKey, serverLabel, tlsContentServers } from './NGX1.common.js';

const OUTDATED = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1'];

export default defineRule({
  meta: {
    id: 'NGX011',
    name: 'TlsProtocolsOutdated',
    title: 'ssl_protocols enables SSLv3, TLSv1 or TLSv1.1',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Grades the `ssl_protocols` in effect for each TLS server against Mozilla's intermediate profile (TLSv1.2 TLSv1.3): SSLv2, SSLv3, TLSv1 and TLSv1.1 are reported where they are enabled. When no ssl_protocols is set, nginx's default decides: before 1.23.4 it enables TLSv1 and TLSv1.1, so the server is reported only when the repository pins such an nginx release; with an unknown release it stays silent. Development configurations are skipped.",
      whyIsThisBad:
        'SSLv3 falls to POODLE, and TLS 1.0/1.1 rely on SHA-1 and CBC constructions (BEAST, Lucky13); browsers dropped them in 2020 and PCI DSS forbids them. Keeping them on lets a man in the middle downgrade clients to protocols it can attack, and fails compliance scans.',
      example: 'ssl_protocols TLSv1 TLSv1.1 TLSv1.2;',
      useInstead: 'ssl_protocols TLSv1.2 TLSv1.3;',
    },
    fix: "Set `ssl_protocols TLSv1.2 TLSv1.3;` (Mozilla intermediate) in http or in each TLS server, or `TLSv1.3` alone for the modern profile. On Debian/Ubuntu, note that the stock nginx.conf sets TLSv1 and TLSv1.1 at http level: override it.",
    references: [`${HTTP_SSL}#ssl_protocols`, MOZILLA_TLS_GUIDELINES, MOZILLA_SSL_CONFIG],
    tags: ['nginx', 'tls', 'security'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    for (const server of tlsContentServers(query)) {
      const e = query.effective(server, 'ssl_protocols');
      if (e.state === 'unknown') continue;
      if (e.state === 'set') {
        const d = e.directive;
        if (query.directiveHasPlaceholder(d)) continue;
        const bad = d.args.map((a) => a.value).filter((v) => OUTDATED.includes(v));
        if (bad.length === 0) continue;
        report({
          message: `ssl_protocols enables ${bad.join(', ')}${includeNote(d)}: outdated protocols a man in the middle can downgrade clients to; Mozilla's intermediate profile is TLSv1.2 TLSv1.3`,
          span: d.args.length > 0 ? argsSpan(d, 0) : headSpan(d),
          target: 'ssl_protocols',
        });
        continue;
      }
      const version = query.version;
      if (nginxAtLeast(version, 1, 23, 4) !== false || !version) continue;
      report({
        message: `${serverLabel(query, server)} sets no ssl_protocols, and the default of ${versionLabel(version)} enables TLSv1 and TLSv1.1 (nginx 1.23.4 dropped them from the default)`,
        span: headSpan(tlsListen(query, server)),
        target: `${serverKey(query, server)}:default`,
      });
    }
  },
});
