import { defineRule } from '../../src/engine/rule.js';
import type { ScriptCommand } from '../../src/model/scripts/types.js';
import { printsOnly } from './SH0.common.js';

/** curl short options that take an argument: in `-sSLk` the letters after one of them are its argument. */
const CURL_ARG = new Set('oOdDHuXAebcFTwxEKmrYyzCPQtU'.split(''));
const LOCAL_URL = /^(?:https?:\/\/)?(?:localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)(?:[:/]|$)/i;
const ENV_OFF: Array<[RegExp, RegExp]> = [
  [/^NODE_TLS_REJECT_UNAUTHORIZED$/, /^0$/],
  [/^PYTHONHTTPSVERIFY$/, /^0$/],
  [/^GIT_SSL_NO_VERIFY$/, /^(?:1|true|yes)$/i],
  [/^(?:CURL_CA_BUNDLE|REQUESTS_CA_BUNDLE)$/, /^$/],
];

function curlInsecure(c: ScriptCommand): boolean {
  for (const x of c.argv.slice(1)) {
    if (x === '--insecure') return true;
    if (/^-[a-zA-Z]+$/.test(x)) {
      for (const ch of x.slice(1)) {
        if (ch === 'k') return true;
        if (CURL_ARG.has(ch)) break;
      }
    }
  }
  return false;
}

/** What turns certificate checks off, or undefined. */
export function tlsOff(c: ScriptCommand): { what: string; span: ScriptCommand['span'] } | undefined {
  for (const a of c.assignments) {
    if (ENV_OFF.some(([n, v]) => n.test(a.name) && v.test(a.value))) return { what: `${a.name}=${a.value}`, span: a.span };
  }
  if (printsOnly(c)) return undefined;
  const a = c.argv;
  const urls = a.slice(1).filter((x) => /^(?:https?:\/\/|[\w.-]+:\d+|localhost)/i.test(x));
  const localOnly = urls.length > 0 && urls.every((u) => LOCAL_URL.test(u));
  if (c.name === 'curl' && curlInsecure(c) && !localOnly) return { what: 'curl -k/--insecure', span: c.span };
  if (c.name === 'wget' && a.includes('--no-check-certificate') && !localOnly) return { what: 'wget --no-check-certificate', span: c.span };
  if (c.name === 'git') {
    const joined = a.join(' ');
    if (/http\.sslverify[= ](?:false|0|no)\b/i.test(joined)) return { what: 'git http.sslVerify=false', span: c.span };
  }
  if ((c.name === 'npm' || c.name === 'yarn' || c.name === 'pnpm') && /strict-ssl[= ]false\b/.test(a.join(' '))) return { what: `${c.name} strict-ssl false`, span: c.span };
  if (c.name === 'export' || c.name === 'env' || c.name === 'declare') {
    for (const x of a.slice(1)) {
      const eq = x.indexOf('=');
      if (eq > 0 && ENV_OFF.some(([n, v]) => n.test(x.slice(0, eq)) && v.test(x.slice(eq + 1)))) return { what: x, span: c.span };
    }
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'SH004',
    name: 'TlsVerificationDisabled',
    title: 'Script turns TLS certificate verification off',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "Reports, in deploy, start and other non-development shell scripts, commands that skip certificate checks: `curl -k`/`--insecure` (also inside `-sSLk`), `wget --no-check-certificate`, `git -c http.sslVerify=false` / `git config http.sslVerify false`, `npm config set strict-ssl false`, and the variables NODE_TLS_REJECT_UNAUTHORIZED=0, PYTHONHTTPSVERIFY=0, GIT_SSL_NO_VERIFY=1 (assigned, exported or passed with env). A curl or wget whose URLs all point at localhost is not reported: a local health check against a self-signed certificate leaks nothing.",
      whyIsThisBad:
        "Without certificate verification anyone on the network path (a compromised router, a hostile Wi-Fi, a cloud neighbour) can impersonate the server: the script then downloads their code or packages, or sends them its tokens and passwords, and runs it all as part of the deploy.",
      example: 'curl -sSLk https://get.example.com/install.sh -o install.sh',
      useInstead: 'curl -sSL --fail https://get.example.com/install.sh -o install.sh\n# for an internal CA: curl --cacert /etc/ssl/internal-ca.pem ...',
    },
    fix: 'Remove the flag or variable; when a server uses a private CA, give the tool that CA (`--cacert`, `GIT_SSL_CAINFO`, `NODE_EXTRA_CA_CERTS`, `REQUESTS_CA_BUNDLE`) instead of turning verification off.',
    references: ['https://curl.se/docs/manpage.html#-k', 'https://git-scm.com/docs/git-config#Documentation/git-config.txt-httpsslVerify', 'https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue', 'https://peps.python.org/pep-0476/'],
    tags: ['scripts', 'security', 'tls'],
  },
  scope: 'script',
  check(script, ctx) {
    if (script.role === 'development') {
      ctx.notApplicable(`a development script (${script.roleReason})`);
      return;
    }
    for (const c of script.commands) {
      const hit = tlsOff(c);
      if (hit) ctx.report({ message: `${hit.what} turns TLS certificate verification off: the connection can be intercepted`, span: hit.span, target: `tls:${hit.what}` });
    }
  },
});
