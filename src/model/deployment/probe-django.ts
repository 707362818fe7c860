import type { Span } from '../../core/position.js';
import { settingAnchor, settingValue } from '../django-helpers.js';
import { asSequence, asStringList, isNone, truthy } from '../python-value.js';
import type { DeploymentModel, DjangoProject } from '../types.js';
import { pythonRegex, resolvePath } from '../urlconf.js';
import type { HealthProbe } from './probes.js';

/**
 * What Django's middleware does with a health probe's request before any view runs, as far as the
 * settings show it: SecurityMiddleware's HTTPS redirect (SECURE_SSL_REDIRECT, SECURE_REDIRECT_EXEMPT,
 * SECURE_SSL_HOST, request.is_secure()), CommonMiddleware's host validation and APPEND_SLASH.
 * Every answer is 'unknown' when a value it depends on cannot be known.
 */

/** Middleware known not to answer a request itself before URL resolution (they pass it on or only add headers). */
const PASSIVE = [
  'django.middleware.',
  'django.contrib.sessions.middleware.',
  'django.contrib.auth.middleware.',
  'django.contrib.messages.middleware.',
  'django.contrib.sites.middleware.',
  'django.contrib.admindocs.middleware.',
  'whitenoise.middleware.',
  'corsheaders.middleware.',
  'django_prometheus.middleware.',
  'csp.middleware.',
  'allauth.account.middleware.',
  'django_htmx.middleware.',
  'simple_history.middleware.',
  'axes.middleware.',
];

/**
 * The settings a probe's request meets: production's, unless the probed container's own environment
 * sets a variable the settings read; then that service's own evaluation (a compose service, a
 * Kubernetes container), or undefined when there is not exactly one (the rules stay silent).
 */
export function settingsForProbe(model: DeploymentModel, probe: HealthProbe): DjangoProject | undefined {
  const project = probe.project;
  if (!project) return undefined;
  const env = probe.env;
  if (!env) return project;
  const reads = new Set(project.settings.envReads.map((r) => r.name));
  const relevant = env.names.some((n) => reads.has(n)) || (env.open && reads.size > 0);
  if (!relevant) return project;
  const label = env.variantLabel;
  if (!label) return undefined;
  const variants = (model.djangoServiceVariants ?? []).filter((v) => v.root === project.root && v.service && (v.service.name === label || v.service.name.startsWith(`${label} (`)));
  return variants.length === 1 ? variants[0] : undefined;
}

export interface MiddlewareView {
  list: string[];
  span: Span;
}

/** MIDDLEWARE as a known list of strings, or undefined. */
export function middleware(project: DjangoProject): MiddlewareView | undefined {
  const v = settingValue(project, 'MIDDLEWARE').value;
  const list = v ? asStringList(v) : undefined;
  return list ? { list, span: settingAnchor(project, 'MIDDLEWARE') } : undefined;
}

/** True when every middleware before index `upTo` (all when undefined) is one known not to answer requests itself. */
export function passiveBefore(list: string[], upTo = list.length): boolean {
  return list.slice(0, upTo).every((m) => PASSIVE.some((p) => m.startsWith(p)));
}

/** django.http.request.split_domain_port, host part only, lower-cased. */
export function hostOnly(host: string): string {
  const h = host.toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const i = h.lastIndexOf(':');
  return i >= 0 && h.indexOf(':') === i ? h.slice(0, i) : h;
}

/** Django's validate_host against the production ALLOWED_HOSTS (DEBUG's localhost allowance included); undefined when unknown. */
export function probeHostAllowed(project: DjangoProject, probe: HealthProbe, hostAllowed: (host: string, allowed: readonly string[]) => boolean): boolean | undefined {
  const v = settingValue(project, 'ALLOWED_HOSTS').value;
  let allowed = v ? asStringList(v) : undefined;
  if (!allowed) return undefined;
  const debug = settingValue(project, 'DEBUG').value;
  if (allowed.length === 0) {
    const d = debug ? truthy(debug) : false;
    if (d === undefined) return undefined;
    if (d) allowed = ['.localhost', '127.0.0.1', '[::1]'];
  }
  if (probe.hostHeader === undefined) return undefined;
  if (probe.hostHeader === 'pod-ip') return allowed.includes('*') ? true : false;
  return hostAllowed(hostOnly(probe.hostHeader), allowed);
}

export type SslRedirect =
  | { kind: 'none'; why: string }
  | { kind: 'unknown' }
  | {
      kind: 'redirect';
      /** SECURE_SSL_HOST, when set: the redirect goes to that host instead of the request's. */
      sslHost?: string;
      /** Where SECURE_SSL_REDIRECT is set. */
      span: Span;
    };

/**
 * Whether SecurityMiddleware answers the probe's request with a redirect to https:// (it does so in
 * process_request, before URL resolution, when SECURE_SSL_REDIRECT is on, request.is_secure() is
 * false and no SECURE_REDIRECT_EXEMPT pattern is found in the path without its leading slashes).
 */
export function sslRedirectFor(project: DjangoProject, probe: HealthProbe, mw: MiddlewareView): SslRedirect {
  const redirect = settingValue(project, 'SECURE_SSL_REDIRECT').value;
  if (!redirect) return { kind: 'none', why: 'SECURE_SSL_REDIRECT is off' };
  const on = truthy(redirect);
  if (on === undefined) return { kind: 'unknown' };
  if (!on) return { kind: 'none', why: 'SECURE_SSL_REDIRECT is off' };
  const at = mw.list.indexOf('django.middleware.security.SecurityMiddleware');
  if (at < 0) return { kind: 'none', why: 'SecurityMiddleware is not installed' };
  if (!passiveBefore(mw.list, at)) return { kind: 'unknown' };
  if (probe.scheme === 'https') return { kind: 'none', why: 'the probe speaks HTTPS' };
  // request.is_secure(): a forwarded-scheme header the probe sends itself may make it true.
  const proxyHeader = settingValue(project, 'SECURE_PROXY_SSL_HEADER').value;
  const pair = proxyHeader ? asSequence(proxyHeader) : undefined;
  if (proxyHeader && proxyHeader.kind !== 'none' && !pair) return { kind: 'unknown' };
  const meta = pair?.[0]?.kind === 'str' ? pair[0].value : undefined;
  const sent = new Set(probe.headers.map((h) => `HTTP_${h.name.toUpperCase().replace(/-/g, '_')}`));
  if ((meta && sent.has(meta)) || [...sent].some((h) => h.startsWith('HTTP_X_FORWARDED') || h === 'HTTP_FORWARDED' || h === 'HTTP_X_SCHEME')) return { kind: 'unknown' };
  const inst = probe.instance;
  if (inst && (inst.options['certfile'] || inst.options['keyfile'] || inst.options['ssl_certfile'] || inst.options['ssl-certfile'])) return { kind: 'unknown' };
  // SECURE_REDIRECT_EXEMPT: re.search against request.path.lstrip("/").
  const exemptValue = settingValue(project, 'SECURE_REDIRECT_EXEMPT').value;
  const exempt = exemptValue ? asStringList(exemptValue) : [];
  if (!exempt) return { kind: 'unknown' };
  const path = probe.path.split(/[?#]/)[0]!.replace(/^\/+/, '');
  for (const pattern of exempt) {
    const re = pythonRegex(pattern);
    if (!re) return { kind: 'unknown' };
    if (re.test(path)) return { kind: 'none', why: `SECURE_REDIRECT_EXEMPT exempts it ('${pattern}')` };
  }
  const hostValue = settingValue(project, 'SECURE_SSL_HOST').value;
  let sslHost: string | undefined;
  if (hostValue && hostValue.kind !== 'none') {
    if (hostValue.kind !== 'str') return { kind: 'unknown' };
    if (hostValue.value) sslHost = hostValue.value;
  }
  return { kind: 'redirect', ...(sslHost ? { sslHost } : {}), span: settingAnchor(project, 'SECURE_SSL_REDIRECT') };
}

/** APPEND_SLASH as production has it (default True); undefined when unknown. */
export function appendSlash(project: DjangoProject): boolean | undefined {
  const b = project.settings.get('APPEND_SLASH');
  if (!b) return true;
  return truthy(b.value);
}

/** What Django answers a probe's request, as far as the settings and URLconf show it. */
export type DjangoAnswer = (
  | { kind: 'unknown' }
  /** SecurityMiddleware's 301 to https:// (SECURE_SSL_HOST's host when set, else the request's Host). */
  | { kind: 'https-redirect'; sslHost?: string; span: Span }
  /** CommonMiddleware's APPEND_SLASH 301 to the path with a slash (a relative Location). */
  | { kind: 'slash-redirect'; to: string }
  /** No URL pattern matches: 404. */
  | { kind: 'not-found' }
  /** A view is called (its own answer is not judged here). */
  | { kind: 'view' }
) & {
  /** The host check (request.get_host(), when the answer needs it) rejects the probe's Host: Django answers 400 first. */
  hostRejected?: boolean;
  /** The probe's Host is not known (a load balancer's): 400 is possible instead. */
  hostUnknown?: boolean;
};

/**
 * Django's answer to a probe, in the order Django produces it: SecurityMiddleware's HTTPS redirect in
 * process_request (request.get_host() validating the Host unless SECURE_SSL_HOST is set), CommonMiddleware's
 * host validation, URL resolution against ROOT_URLCONF (DEBUG-only routes counting only with DEBUG on),
 * then CommonMiddleware's APPEND_SLASH redirect on a 404. 'unknown' as soon as something that decides it
 * cannot be known: middleware that could answer first, FORCE_SCRIPT_NAME, a part of the URLconf that
 * cannot be read statically.
 */
export function djangoAnswer(project: DjangoProject, probe: HealthProbe, hostAllowed: (host: string, allowed: readonly string[]) => boolean): DjangoAnswer {
  const mw = middleware(project);
  if (!mw) return { kind: 'unknown' };
  const host = probeHostAllowed(project, probe, hostAllowed);
  const flags = { ...(host === false ? { hostRejected: true } : {}), ...(host === undefined ? { hostUnknown: true } : {}) };
  const ssl = sslRedirectFor(project, probe, mw);
  if (ssl.kind === 'unknown') return { kind: 'unknown' };
  if (ssl.kind === 'redirect') {
    // The Host is validated first by CommonMiddleware when it comes before SecurityMiddleware, and by
    // SecurityMiddleware itself (request.get_host()) unless SECURE_SSL_HOST names the host.
    const commonAt = mw.list.indexOf('django.middleware.common.CommonMiddleware');
    const commonFirst = commonAt >= 0 && commonAt < mw.list.indexOf('django.middleware.security.SecurityMiddleware');
    // Before Django 4.1, CommonMiddleware also made its APPEND_SLASH redirect in process_request: placed
    // first, it may answer before SecurityMiddleware does.
    if (commonFirst && slashRedirect(project, probe) !== false) return { kind: 'unknown' };
    if (ssl.sslHost) return { kind: 'https-redirect', sslHost: ssl.sslHost, span: ssl.span, ...(commonFirst ? flags : {}) };
    return { kind: 'https-redirect', span: ssl.span, ...flags };
  }
  // Past SecurityMiddleware, any middleware could answer before URL resolution (or after it, on a 404).
  if (!passiveBefore(mw.list)) return { kind: 'unknown' };
  const common = mw.list.includes('django.middleware.common.CommonMiddleware');
  const hostFlags = common ? flags : {};
  const conf = project.urlConf;
  if (!conf) return { kind: 'unknown' };
  if (mw.list.some((m) => m.startsWith('whitenoise.'))) {
    const staticUrl = settingValue(project, 'STATIC_URL').value;
    if (!staticUrl || staticUrl.kind !== 'str' || probe.path.startsWith(staticUrl.value.startsWith('/') ? staticUrl.value : `/${staticUrl.value}`)) return { kind: 'unknown' };
  }
  const scriptName = settingValue(project, 'FORCE_SCRIPT_NAME').value;
  if (scriptName && isNone(scriptName) !== true) return { kind: 'unknown' };
  const debugValue = settingValue(project, 'DEBUG').value;
  const debug = debugValue ? truthy(debugValue) : false;
  const res = resolvePath(conf, probe.path, { debug });
  if (res.kind === 'unknown') return { kind: 'unknown' };
  if (res.kind === 'match') return { kind: 'view', ...hostFlags };
  const pathOnly = probe.path.split('?')[0]!;
  const query = probe.path.includes('?') ? probe.path.slice(probe.path.indexOf('?')) : '';
  if (common && !pathOnly.endsWith('/')) {
    const slash = appendSlash(project);
    if (slash === undefined) return { kind: 'unknown' };
    if (slash) {
      const withSlash = resolvePath(conf, `${pathOnly}/${query}`, { debug });
      if (withSlash.kind === 'unknown') return { kind: 'unknown' };
      if (withSlash.kind === 'match') return { kind: 'slash-redirect', to: `${pathOnly}/${query}`, ...hostFlags };
    }
  }
  return { kind: 'not-found', ...hostFlags };
}

/** Whether APPEND_SLASH would redirect the probe's path (false: it would not; undefined: cannot tell). */
function slashRedirect(project: DjangoProject, probe: HealthProbe): boolean | undefined {
  const pathOnly = probe.path.split('?')[0]!;
  if (pathOnly.endsWith('/')) return false;
  const slash = appendSlash(project);
  if (slash !== true) return slash === false ? false : undefined;
  const conf = project.urlConf;
  if (!conf) return undefined;
  const debugValue = settingValue(project, 'DEBUG').value;
  const debug = debugValue ? truthy(debugValue) : false;
  const here = resolvePath(conf, probe.path, { debug });
  if (here.kind === 'match') return false;
  const there = resolvePath(conf, `${pathOnly}/`, { debug });
  if (here.kind === 'unknown' || there.kind === 'unknown') return undefined;
  return there.kind === 'match';
}
