import type { Span } from '../../core/position.js';
import { argValue, findHeader, isTlsServer, listensOf } from '../nginx/effective.js';
import type { DeploymentModel, DjangoProject } from '../types.js';
import { proxiedApps } from './topology.js';

/**
 * What the nginx in front of a project already does for it, so that Django findings about the
 * same protection (SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS) can say so and weigh less.
 */
export interface EdgeProtection {
  /** Every nginx path to the project is TLS, and plain-HTTP servers answer with a redirect to https://. */
  redirect?: { span: Span };
  /** Every TLS location that proxies to the project sends Strict-Transport-Security with max-age > 0. */
  hsts?: { span: Span; maxAge: number };
}

const REDIRECT = /^(?:301|302|307|308)$/;

export function edgeProtection(model: DeploymentModel, project: DjangoProject): EdgeProtection {
  const mine = proxiedApps(model).filter((p) => p.project.root === project.root);
  if (mine.length === 0) return {};
  const out: EdgeProtection = {};

  // HTTP -> HTTPS: no plain-HTTP server hands requests to the project, and each configuration
  // that serves it over TLS has a port-80 server returning a redirect to https://.
  if (mine.every((p) => p.tls)) {
    let span: Span | undefined;
    const configs = new Set(mine.map((p) => p.config));
    const allRedirect = [...configs].every((config) => {
      const q = mine.find((p) => p.config === config)!.query;
      const redirecting = q.servers().find((server) => {
        if (isTlsServer(q, server) || !listensOf(q, server).some((l) => l.port === 80)) return false;
        const ret = q.levelOf(server).children.find((d) => d.name === 'return');
        const ok = ret !== undefined && REDIRECT.test(argValue(ret, 0)) && argValue(ret, 1).startsWith('https://');
        if (ok) span ??= ret!.span;
        return ok;
      });
      return redirecting !== undefined;
    });
    if (allRedirect && span) out.redirect = { span };
  }

  // HSTS: each TLS location's effective add_header list carries the header with max-age > 0.
  const tls = mine.filter((p) => p.tls);
  if (tls.length > 0 && tls.length === mine.length) {
    let first: { span: Span; maxAge: number } | undefined;
    const all = tls.every((p) => {
      const headers = p.query.effectiveArray(p.location, 'add_header');
      if (!headers.complete) return false;
      const d = findHeader(headers.directives, 'strict-transport-security');
      const m = d ? /max-age\s*=\s*"?(\d+)/i.exec(argValue(d, 1)) : null;
      if (!d || !m || Number(m[1]) <= 0) return false;
      first ??= { span: d.span, maxAge: Number(m[1]) };
      return true;
    });
    if (all && first) out.hsts = first;
  }
  return out;
}
