/**
 * Database, cache and e-mail URL parsing as dj-database-url and django-environ do it, over a
 * small emulation of urllib.parse. Results are dict values shaped like Django's settings entries.
 */
import { dict, FALSE, int, str, TRUE, type Val } from './values.js';

export interface SplitUrl {
  scheme: string;
  netloc: string;
  path: string;
  query: string;
  fragment: string;
  username?: string;
  password?: string;
  hostname?: string;
  /** undefined = no port; NaN = a port Python would reject with ValueError. */
  port?: number;
}

/** urllib.parse.urlsplit. */
export function urlsplit(url: string): SplitUrl {
  let rest = url.replace(/^[\x00-\x20]+/, '');
  let scheme = '';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const out: SplitUrl = { scheme, netloc, path: rest, query, fragment };
  const at = netloc.lastIndexOf('@');
  const userinfo = at >= 0 ? netloc.slice(0, at) : undefined;
  const hostinfo = at >= 0 ? netloc.slice(at + 1) : netloc;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    out.username = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    if (colon >= 0) out.password = userinfo.slice(colon + 1);
  }
  let host = hostinfo;
  let portText: string | undefined;
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(hostinfo);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2];
  } else {
    const colon = hostinfo.lastIndexOf(':');
    if (colon >= 0) {
      host = hostinfo.slice(0, colon);
      portText = hostinfo.slice(colon + 1);
    }
  }
  if (host) out.hostname = host.toLowerCase();
  if (portText !== undefined && portText !== '') {
    out.port = /^\d+$/.test(portText) && Number(portText) <= 65535 ? Number(portText) : NaN;
  }
  return out;
}

export function unquote(s: string): string {
  return s.replace(/(%[0-9a-fA-F]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

export function unquotePlus(s: string): string {
  return unquote(s.replace(/\+/g, ' '));
}

/** urllib.parse.parse_qs (blank values dropped, as by default). Keys in first-seen order. */
export function parseQs(query: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = unquotePlus(part.slice(0, eq));
    const v = unquotePlus(part.slice(eq + 1));
    if (v === '') continue;
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}

type Entries = Array<{ key: Val; value: Val }>;

function set(entries: Entries, key: string, value: Val): void {
  const hit = entries.find((e) => e.key.kind === 'str' && e.key.value === key);
  if (hit) hit.value = value;
  else entries.push({ key: str(key), value });
}

function remove(entries: Entries, key: string): void {
  const i = entries.findIndex((e) => e.key.kind === 'str' && e.key.value === key);
  if (i >= 0) entries.splice(i, 1);
}

export type UrlResult = { ok: true; value: Val } | { ok: false; error: string };

// ---------------------------------------------------------------------------------------------
// dj-database-url

const DJ_SCHEMES: Record<string, string> = {
  postgres: 'django.db.backends.postgresql',
  postgresql: 'django.db.backends.postgresql',
  pgsql: 'django.db.backends.postgresql',
  postgis: 'django.contrib.gis.db.backends.postgis',
  mongodb: 'django_mongodb',
  'mongodb+srv': 'django_mongodb',
  mysql: 'django.db.backends.mysql',
  mysql2: 'django.db.backends.mysql',
  mysqlgis: 'django.contrib.gis.db.backends.mysql',
  'mysql-connector': 'mysql.connector.django',
  mssql: 'sql_server.pyodbc',
  mssqlms: 'mssql',
  spatialite: 'django.contrib.gis.db.backends.spatialite',
  sqlite: 'django.db.backends.sqlite3',
  oracle: 'django.db.backends.oracle',
  oraclegis: 'django.contrib.gis.db.backends.oracle',
  redshift: 'django_redshift_backend',
  cockroach: 'django_cockroachdb',
  timescale: 'timescale.db.backends.postgresql',
  timescalegis: 'timescale.db.backends.postgis',
};
const DJ_SEARCH_PATH_SCHEMES = new Set(['postgres', 'postgresql', 'pgsql', 'postgis', 'redshift', 'timescale', 'timescalegis']);

export interface DjDatabaseOptions {
  engine?: string;
  connMaxAge: Val;
  connHealthChecks: Val;
  disableServerSideCursors: Val;
  sslRequire: boolean;
  testOptions?: Val;
}

/** dj_database_url.parse. */
export function djDatabaseParse(url: string, o: DjDatabaseOptions): UrlResult {
  if (url === 'sqlite://:memory:') return { ok: true, value: dict([{ key: str('ENGINE'), value: str(DJ_SCHEMES.sqlite!) }, { key: str('NAME'), value: str(':memory:') }]) };
  const u = urlsplit(url);
  let path = u.path.slice(1);
  if (u.scheme === 'sqlite' && path === '') path = ':memory:';
  let hostname = u.hostname ?? '';
  if (hostname.includes('%')) {
    hostname = u.netloc;
    if (hostname.includes('@')) hostname = hostname.slice(hostname.lastIndexOf('@') + 1);
    hostname = unquote(hostname);
  }
  const engine = o.engine ?? DJ_SCHEMES[u.scheme];
  if (engine === undefined) return { ok: false, error: `dj-database-url has no support for scheme '${u.scheme}' (ValueError)` };
  if (u.port !== undefined && Number.isNaN(u.port)) return { ok: false, error: 'invalid port in database URL (ValueError)' };
  const stringPort = [DJ_SCHEMES.oracle, DJ_SCHEMES.mssql, DJ_SCHEMES.mssqlms].includes(engine);
  const port: Val = u.port ? (stringPort ? str(String(u.port)) : int(u.port)) : str('');
  const entries: Entries = [];
  set(entries, 'NAME', str(unquote(path)));
  set(entries, 'USER', str(unquote(u.username ?? '')));
  set(entries, 'PASSWORD', str(unquote(u.password ?? '')));
  set(entries, 'HOST', str(hostname));
  set(entries, 'PORT', port);
  set(entries, 'CONN_MAX_AGE', o.connMaxAge);
  set(entries, 'CONN_HEALTH_CHECKS', o.connHealthChecks);
  set(entries, 'DISABLE_SERVER_SIDE_CURSORS', o.disableServerSideCursors);
  set(entries, 'ENGINE', str(engine));
  if (o.testOptions && o.testOptions.kind === 'dict' && o.testOptions.entries.length > 0) set(entries, 'TEST', o.testOptions);
  const options: Entries = [];
  for (const [key, values] of parseQs(u.query)) {
    if (u.scheme === 'mysql' && key === 'ssl-ca') {
      set(options, 'ssl', dict([{ key: str('ca'), value: str(values[values.length - 1]!) }]));
      continue;
    }
    const value = values[values.length - 1]!;
    if (/^\d+$/.test(value)) set(options, key, int(Number(value)));
    else if (['true', 'false'].includes(value.toLowerCase())) set(options, key, value.toLowerCase() === 'true' ? TRUE : FALSE);
    else set(options, key, str(value));
  }
  if (o.sslRequire) set(options, 'sslmode', str('require'));
  const schema = options.find((e) => e.key.kind === 'str' && e.key.value === 'currentSchema');
  if (schema && DJ_SEARCH_PATH_SCHEMES.has(u.scheme)) {
    remove(options, 'currentSchema');
    const text = schema.value.kind === 'str' || schema.value.kind === 'int' ? String(schema.value.value) : '';
    set(options, 'options', str(`-c search_path=${text}`));
  }
  if (options.length > 0) set(entries, 'OPTIONS', dict(options));
  return { ok: true, value: dict(entries) };
}

// ---------------------------------------------------------------------------------------------
// django-environ

const POSTGRES_FAMILY = new Set(['postgres', 'postgresql', 'psql', 'pgsql', 'postgis', 'prometheus-postgresql', 'prometheus-postgis']);
const ENVIRON_DB_SCHEMES: Record<string, string> = {
  postgres: 'django.db.backends.postgresql',
  postgresql: 'django.db.backends.postgresql',
  psql: 'django.db.backends.postgresql',
  pgsql: 'django.db.backends.postgresql',
  postgis: 'django.contrib.gis.db.backends.postgis',
  'prometheus-postgresql': 'django_prometheus.db.backends.postgresql',
  'prometheus-postgis': 'django_prometheus.db.backends.postgis',
  cockroachdb: 'django_cockroachdb',
  mysql: 'django.db.backends.mysql',
  mysql2: 'django.db.backends.mysql',
  'mysql-connector': 'mysql.connector.django',
  mysqlgis: 'django.contrib.gis.db.backends.mysql',
  'prometheus-mysql': 'django_prometheus.db.backends.mysql',
  mssql: 'mssql',
  oracle: 'django.db.backends.oracle',
  pyodbc: 'sql_server.pyodbc',
  redshift: 'django_redshift_backend',
  spatialite: 'django.contrib.gis.db.backends.spatialite',
  'prometheus-spatialite': 'django_prometheus.db.backends.spatialite',
  sqlite: 'django.db.backends.sqlite3',
  'prometheus-sqlite': 'django_prometheus.db.backends.sqlite3',
  ldap: 'ldapdb.backends.ldap',
};
const DB_BASE_OPTIONS = new Set(['CONN_MAX_AGE', 'ATOMIC_REQUESTS', 'AUTOCOMMIT', 'DISABLE_SERVER_SIDE_CURSORS', 'CONN_HEALTH_CHECKS']);

/** environ's `_cast`: a Python literal when the text is one, else the text. */
export function literalCast(v: string): Val {
  const t = v.trim();
  if (/^[+-]?\d+$/.test(t)) return int(Number(t));
  if (/^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$/.test(t)) return { kind: 'float', value: Number(t) };
  if (t === 'True') return TRUE;
  if (t === 'False') return FALSE;
  if (t === 'None') return { kind: 'none' };
  const q = /^'([^'\\]*)'$|^"([^"\\]*)"$/.exec(t);
  if (q) return str(q[1] ?? q[2] ?? '');
  return str(v);
}

function castInt(v: string): Val {
  return /^\d+$/.test(v) ? int(Number(v)) : str(v);
}

/** Env.db_url_config. */
export function environDbUrl(url: string, engine?: string): UrlResult {
  if (url === 'sqlite://:memory:') return { ok: true, value: dict([{ key: str('ENGINE'), value: str(ENVIRON_DB_SCHEMES.sqlite!) }, { key: str('NAME'), value: str(':memory:') }]) };
  const u = urlsplit(url);
  let path = unquotePlus(u.path.slice(1).split('?')[0]!);
  if (u.scheme === 'sqlite' && path === '') path = ':memory:';
  if (u.scheme === 'ldap') path = `ldap://${u.hostname ?? ''}${u.port ? `:${u.port}` : ''}`;
  if (u.port !== undefined && Number.isNaN(u.port) && !(POSTGRES_FAMILY.has(u.scheme) && u.netloc.includes(','))) {
    return { ok: false, error: 'invalid port in database URL (ValueError)' };
  }
  let hostname = u.hostname ?? '';
  let port: Val = u.port ? int(u.port) : str('');
  const dbNetloc = unquote(u.netloc.slice(u.netloc.lastIndexOf('@') + 1));
  if (POSTGRES_FAMILY.has(u.scheme) && dbNetloc.includes(',')) {
    const hosts: string[] = [];
    const ports: string[] = [];
    for (const h of dbNetloc.split(',')) {
      const m = /^(.*):(\d+)$/.exec(h);
      hosts.push(m ? m[1]! : h);
      if (m) ports.push(m[2]!);
    }
    hostname = hosts.join(',');
    port = castInt(ports.join(','));
  }
  const entries: Entries = [];
  set(entries, 'NAME', str(path));
  set(entries, 'USER', str(unquote(u.username ?? '')));
  set(entries, 'PASSWORD', str(unquote(u.password ?? '')));
  set(entries, 'HOST', str(hostname));
  set(entries, 'PORT', port.kind === 'str' && port.value === '' ? str('') : port);
  if ((POSTGRES_FAMILY.has(u.scheme) || path.includes('cloudsql')) && path.startsWith('/')) {
    const cut = path.lastIndexOf('/');
    set(entries, 'HOST', str(path.slice(0, cut)));
    set(entries, 'NAME', str(path.slice(cut + 1)));
  }
  if (u.scheme === 'oracle') {
    if (path === '') {
      const host = entries.find((e) => e.key.kind === 'str' && e.key.value === 'HOST')!.value;
      set(entries, 'NAME', str(host.kind === 'str' ? unquote(host.value) : ''));
      set(entries, 'HOST', str(''));
    }
    if (port.kind === 'str' && port.value === '') remove(entries, 'PORT');
    else set(entries, 'PORT', str(port.kind === 'int' ? String(port.value) : port.kind === 'str' ? port.value : ''));
  }
  if (u.query) {
    const options: Entries = [];
    for (const [k, values] of parseQs(u.query)) {
      if (DB_BASE_OPTIONS.has(k.toUpperCase())) set(entries, k.toUpperCase(), literalCast(values[0]!));
      else set(options, k, castInt(values[0]!));
    }
    set(entries, 'OPTIONS', dict(options));
  }
  const chosen = engine ?? u.scheme;
  const resolved = ENVIRON_DB_SCHEMES[chosen] ?? chosen;
  if (!resolved) return { ok: true, value: dict([]) };
  set(entries, 'ENGINE', str(resolved));
  return { ok: true, value: dict(entries) };
}

const REDIS_DRIVER = 'django_redis.cache.RedisCache';
const CACHE_SCHEMES: Record<string, string> = {
  dbcache: 'django.core.cache.backends.db.DatabaseCache',
  dummycache: 'django.core.cache.backends.dummy.DummyCache',
  filecache: 'django.core.cache.backends.filebased.FileBasedCache',
  locmemcache: 'django.core.cache.backends.locmem.LocMemCache',
  memcache: 'django.core.cache.backends.memcached.MemcachedCache',
  pymemcache: 'django.core.cache.backends.memcached.PyMemcacheCache',
  pylibmc: 'django.core.cache.backends.memcached.PyLibMCCache',
  rediscache: REDIS_DRIVER,
  redis: REDIS_DRIVER,
  rediss: REDIS_DRIVER,
  valkey: REDIS_DRIVER,
  valkeys: REDIS_DRIVER,
};
const CACHE_BASE_OPTIONS = new Set(['TIMEOUT', 'KEY_PREFIX', 'VERSION', 'KEY_FUNCTION', 'BINARY']);

/**
 * Env.cache_url_config. The redis scheme maps to django_redis (what environ picks when the
 * redis_cache package is absent, the usual case).
 */
export function environCacheUrl(url: string, backend?: string): UrlResult {
  const u = urlsplit(url);
  const scheme = CACHE_SCHEMES[u.scheme];
  if (!scheme) return { ok: false, error: `django-environ would raise ImproperlyConfigured: invalid cache schema ${u.scheme}` };
  const query = u.query ? parseQs(u.query) : new Map<string, string[]>();
  const locs = u.netloc.split(',');
  const entries: Entries = [];
  set(entries, 'BACKEND', str(scheme));
  set(entries, 'LOCATION', locs.length === 1 ? str(locs[0]!) : { kind: 'list', items: locs.map(str) });
  if (u.scheme === 'filecache') set(entries, 'LOCATION', str(u.netloc + u.path));
  if (!u.netloc && (u.scheme === 'memcache' || u.scheme === 'pymemcache')) set(entries, 'LOCATION', str(`unix:${u.path}`));
  else if (u.scheme.startsWith('redis')) {
    const s = u.hostname ? u.scheme.replace('cache', '') : 'unix';
    let locations = u.netloc.split(',').map((loc) => `${s}://${loc}${u.path}`);
    if (!u.hostname) {
      const dbKey = [...query.keys()].find((k) => k.toLowerCase() === 'db');
      if (dbKey) {
        const db = query.get(dbKey)![0]!;
        query.delete(dbKey);
        locations = locations.map((l) => `${l}?db=${db}`);
      }
    }
    set(entries, 'LOCATION', locations.length === 1 ? str(locations[0]!) : { kind: 'list', items: locations.map(str) });
  }
  if (backend) set(entries, 'BACKEND', str(backend));
  if (query.size > 0) {
    const chosen = backend ?? scheme;
    const options: Entries = [];
    for (const [k, v] of query) {
      const key = chosen === 'django.core.cache.backends.redis.RedisCache' ? k.toLowerCase() : k.toUpperCase();
      if (CACHE_BASE_OPTIONS.has(k.toUpperCase())) set(entries, key, literalCast(v[0]!));
      else set(options, key, literalCast(v[0]!));
    }
    set(entries, 'OPTIONS', dict(options));
  }
  return { ok: true, value: dict(entries) };
}

const EMAIL_SCHEMES: Record<string, string> = {
  smtp: 'django.core.mail.backends.smtp.EmailBackend',
  smtps: 'django.core.mail.backends.smtp.EmailBackend',
  'smtp+tls': 'django.core.mail.backends.smtp.EmailBackend',
  'smtp+ssl': 'django.core.mail.backends.smtp.EmailBackend',
  consolemail: 'django.core.mail.backends.console.EmailBackend',
  filemail: 'django.core.mail.backends.filebased.EmailBackend',
  memorymail: 'django.core.mail.backends.locmem.EmailBackend',
  dummymail: 'django.core.mail.backends.dummy.EmailBackend',
};

/** Env.email_url_config. */
export function environEmailUrl(url: string, backend?: string): UrlResult {
  const u = urlsplit(url);
  const entries: Entries = [];
  const none: Val = { kind: 'none' };
  set(entries, 'EMAIL_FILE_PATH', str(unquotePlus(u.path.slice(1).split('?')[0]!)));
  set(entries, 'EMAIL_HOST_USER', u.username !== undefined ? str(unquote(u.username)) : none);
  set(entries, 'EMAIL_HOST_PASSWORD', u.password !== undefined ? str(unquote(u.password)) : none);
  set(entries, 'EMAIL_HOST', u.hostname !== undefined ? str(u.hostname) : none);
  if (u.port !== undefined && Number.isNaN(u.port)) return { ok: false, error: 'invalid port in e-mail URL (ValueError)' };
  set(entries, 'EMAIL_PORT', u.port !== undefined ? int(u.port) : none);
  if (backend) set(entries, 'EMAIL_BACKEND', str(backend));
  else if (!EMAIL_SCHEMES[u.scheme]) return { ok: false, error: `django-environ would raise ImproperlyConfigured: invalid email schema ${u.scheme}` };
  else set(entries, 'EMAIL_BACKEND', str(EMAIL_SCHEMES[u.scheme]!));
  if (u.scheme === 'smtps' || u.scheme === 'smtp+tls') set(entries, 'EMAIL_USE_TLS', TRUE);
  else if (u.scheme === 'smtp+ssl') set(entries, 'EMAIL_USE_SSL', TRUE);
  if (u.query) {
    const options: Entries = [];
    for (const [k, v] of parseQs(u.query)) {
      if (k.toUpperCase() === 'EMAIL_USE_TLS' || k.toUpperCase() === 'EMAIL_USE_SSL') set(entries, k.toUpperCase(), castInt(v[0]!));
      else set(options, k.toUpperCase(), castInt(v[0]!));
    }
    set(entries, 'OPTIONS', dict(options));
  }
  return { ok: true, value: dict(entries) };
}

const SEARCH_SCHEMES: Record<string, string> = {
  elasticsearch: 'haystack.backends.elasticsearch_backend.ElasticsearchSearchEngine',
  elasticsearch2: 'haystack.backends.elasticsearch2_backend.Elasticsearch2SearchEngine',
  elasticsearch5: 'haystack.backends.elasticsearch5_backend.Elasticsearch5SearchEngine',
  elasticsearch7: 'haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine',
  solr: 'haystack.backends.solr_backend.SolrEngine',
  whoosh: 'haystack.backends.whoosh_backend.WhooshEngine',
  xapian: 'haystack.backends.xapian_backend.XapianEngine',
  simple: 'haystack.backends.simple_backend.SimpleEngine',
};

/** Env.search_url_config, reduced to ENGINE and URL/PATH (what rules look at). */
export function environSearchUrl(url: string, engine?: string): UrlResult {
  const u = urlsplit(url);
  const base = u.scheme.replace(/s$/, '');
  const scheme = SEARCH_SCHEMES[u.scheme] ?? SEARCH_SCHEMES[base];
  if (!scheme) return { ok: false, error: `django-environ would raise ImproperlyConfigured: invalid search schema ${u.scheme}` };
  const entries: Entries = [];
  set(entries, 'ENGINE', str(engine ?? scheme));
  const path = unquotePlus(u.path.slice(1).split('?')[0]!);
  if (base.startsWith('elasticsearch')) {
    const cut = path.lastIndexOf('/');
    const secure = u.scheme.endsWith('s');
    set(entries, 'URL', str(`${secure ? 'https' : 'http'}://${u.netloc}${cut >= 0 ? `/${path.slice(0, cut)}` : ''}`));
    set(entries, 'INDEX_NAME', str(cut >= 0 ? path.slice(cut + 1) : path));
  } else if (base === 'solr') set(entries, 'URL', str(`http://${u.netloc}/${path}`));
  else if (base !== 'simple') set(entries, 'PATH', str(`/${path}`));
  return { ok: true, value: dict(entries) };
}
