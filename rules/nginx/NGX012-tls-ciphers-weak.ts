import { defineRule } from '../../src/engine/rule.js';
import { argSpan, isDevelopment } from '../../src/model/nginx/effective.js';
import { HTTP_SSL, includeNote, MOZILLA_SSL_CONFIG, MOZILLA_TLS_GUIDELINES, once, q, tlsContentServers } from './NGX1.common.js';

/** OpenSSL cipher-string words that select broken or unauthenticated suites. */
const WEAK_WORDS = new Map<string, string>([
  ['RC4', 'RC4'],
  ['DES', 'single DES'],
  ['3DES', '3DES (Sweet32)'],
  ['MD5', 'MD5 MACs'],
  ['NULL', 'no encryption (NULL)'],
  ['ENULL', 'no encryption (eNULL)'],
  ['ANULL', 'no authentication (aNULL)'],
  ['ADH', 'anonymous Diffie-Hellman (ADH)'],
  ['AECDH', 'anonymous ECDH (AECDH)'],
  ['EXPORT', 'export-grade suites'],
  ['EXP', 'export-grade suites'],
  ['EXPORT40', 'export-grade suites'],
  ['EXPORT56', 'export-grade suites'],
  ['LOW', 'LOW-strength suites'],
  ['MEDIUM', 'MEDIUM-strength suites'],
  ['COMPLEMENTOFALL', 'suites outside ALL (eNULL)'],
  ['SSLV2', 'SSLv2 suites'],
]);

/** Broad aliases that include anonymous (aNULL) suites unless !aNULL removes them. */
const ANON_INCLUDING = new Set(['ALL', 'HIGH']);

/** Weak parts of a single suite name, e.g. ECDHE-RSA-DES-CBC3-SHA. */
function weakSuite(name: string): string[] {
  const n = name.toUpperCase();
  const out: string[] = [];
  if (/^EXP\d*-/.test(n)) out.push('export-grade suites');
  if (/(?:^|-)RC4(?:-|$)/.test(n)) out.push('RC4');
  if (/DES-CBC3|(?:^|-)3DES(?:-|$)/.test(n)) out.push('3DES (Sweet32)');
  else if (/(?:^|-)DES(?:-|$)|DES-CBC-/.test(n)) out.push('single DES');
  if (/(?:^|-)MD5$/.test(n)) out.push('MD5 MACs');
  if (/(?:^|-)NULL(?:-|$)/.test(n)) out.push('no encryption (NULL)');
  if (/^(?:ADH|AECDH)-/.test(n) || /-ANON-/.test(n)) out.push('anonymous key exchange');
  return out;
}

export function weakCipherParts(list: string): string[] {
  const tokens = list.split(/[:\s,]+/).filter(Boolean);
  const negated = new Set(tokens.filter((t) => t.startsWith('!') || t.startsWith('-')).map((t) => t.slice(1).toUpperCase()));
  const found = new Set<string>();
  for (const raw of tokens) {
    if (raw.startsWith('!') || raw.startsWith('-') || raw.startsWith('@')) continue;
    const t = raw.replace(/^\+/, '');
    // A combined selector (kEECDH+AESGCM) picks the intersection: judge each part.
    const parts = t.split('+').map((p) => p.toUpperCase());
    for (const p of parts) {
      const word = WEAK_WORDS.get(p);
      if (word && !negated.has(p)) found.add(word);
    }
    if (parts.length === 1) {
      if (!WEAK_WORDS.has(parts[0]!)) for (const w of weakSuite(t)) found.add(w);
      if (ANON_INCLUDING.has(parts[0]!) && !negated.has('ANULL') && !negated.has('ADH')) found.add(`anonymous suites (${parts[0]} without !aNULL)`);
    }
  }
  return [...found];
}

export default defineRule({
  meta: {
    id: 'NGX012',
    name: 'TlsCiphersWeak',
    title: 'ssl_ciphers admits broken or unauthenticated cipher suites',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Reads the `ssl_ciphers` in effect for each TLS server as OpenSSL would and reports selectors that are not excluded with `!`: RC4, DES, 3DES, MD5, NULL/eNULL, aNULL/ADH/AECDH, EXPORT, LOW, and broad aliases (ALL, HIGH, MEDIUM) without `!aNULL`, which include anonymous suites. Mozilla's intermediate list is the reference of a good one. `ssl_prefer_server_ciphers on` is not reported: with a list like Mozilla's every suite is strong and the order matters little (Mozilla now recommends off so clients can pick ChaCha20 on phones). Development configurations are skipped.",
      whyIsThisBad:
        'A client and a man in the middle can negotiate the weakest suite the server accepts: RC4 and export suites are breakable, 3DES leaks plaintext over long connections (Sweet32), and anonymous suites do no authentication at all, so anyone on the path can impersonate the site.',
      example: 'ssl_ciphers HIGH:MEDIUM:3DES;',
      useInstead:
        'ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;',
    },
    fix: "Use Mozilla's intermediate cipher list (generated at ssl-config.mozilla.org), or nginx's default HIGH:!aNULL:!MD5 at the very least; never list RC4, DES, 3DES, MD5, NULL or EXPORT suites.",
    references: [`${HTTP_SSL}#ssl_ciphers`, MOZILLA_TLS_GUIDELINES, MOZILLA_SSL_CONFIG, 'https://docs.openssl.org/3.0/man1/openssl-ciphers/'],
    tags: ['nginx', 'tls', 'security'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    for (const server of tlsContentServers(query)) {
      const e = query.effective(server, 'ssl_ciphers');
      if (e.state !== 'set') continue;
      const d = e.directive;
      if (query.directiveHasPlaceholder(d)) continue;
      const weak = weakCipherParts(d.args.map((a) => a.value).join(':'));
      if (weak.length === 0) continue;
      report({
        message: `ssl_ciphers admits ${weak.join(', ')}${includeNote(d)}: a client or a man in the middle can negotiate them; use Mozilla's intermediate list`,
        span: argSpan(d, 0),
        target: 'ssl_ciphers',
      });
    }
  },
});
