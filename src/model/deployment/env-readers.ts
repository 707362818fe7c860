import type { Requirement } from '../types.js';

/**
 * Programs and libraries that read environment variables themselves, so that a key production
 * defines for them is not "unread" although no line of the project names it. A row applies when
 * one of its requirements is declared (PEP 503 names; a trailing `*` matches a name prefix), or
 * always when it has none. Sources: each project's documentation of its environment variables.
 */
export interface EnvReader {
  who: string;
  requirements?: string[];
  keys?: string[];
  prefixes?: string[];
}

export const ENV_READERS: EnvReader[] = [
  {
    who: 'Python, the C library and the usual tools',
    keys: ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TERM', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'PWD', 'HOSTNAME', 'VIRTUAL_ENV', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy', 'NODE_ENV'],
    prefixes: ['PYTHON', 'LC_', 'PIP_', 'UV_', 'POETRY_', 'KUBERNETES_', 'NPM_CONFIG_', 'npm_config_'],
  },
  {
    who: 'Django (manage.py, createsuperuser --noinput, the autoreloader)',
    keys: ['DJANGO_SETTINGS_MODULE', 'DJANGO_CONFIGURATION', 'DJANGO_COLORS', 'DJANGO_ALLOW_ASYNC_UNSAFE', 'DJANGO_WATCHMAN_TIMEOUT', 'DJANGO_AUTORELOAD_ENV', 'DJANGO_TEST_PROCESSES'],
    prefixes: ['DJANGO_SUPERUSER_'],
  },
  {
    who: 'hosting platforms and buildpacks (Heroku, Dokku, Render, Fly.io)',
    keys: ['PORT', 'WEB_CONCURRENCY', 'DYNO', 'DISABLE_COLLECTSTATIC', 'DEBUG_COLLECTSTATIC', 'RENDER', 'FLY_APP_NAME'],
  },
  { who: 'gunicorn', requirements: ['gunicorn'], keys: ['GUNICORN_CMD_ARGS', 'WEB_CONCURRENCY', 'PORT', 'FORWARDED_ALLOW_IPS', 'SCRIPT_NAME'] },
  { who: 'uvicorn', requirements: ['uvicorn'], keys: ['WEB_CONCURRENCY', 'PORT', 'FORWARDED_ALLOW_IPS'], prefixes: ['UVICORN_'] },
  { who: 'uWSGI (UWSGI_<OPTION> sets any option)', requirements: ['uwsgi', 'pyuwsgi'], prefixes: ['UWSGI_'] },
  { who: 'Celery', requirements: ['celery'], keys: ['C_FORCE_ROOT', 'C_FAKEFORK'], prefixes: ['CELERY_'] },
  { who: 'Flower', requirements: ['flower'], prefixes: ['FLOWER_'] },
  { who: 'the AWS SDK (boto3/botocore)', requirements: ['boto3', 'botocore', 'django-storages', 'awscli', 's3transfer', 'aiobotocore'], prefixes: ['AWS_'] },
  { who: 'Google Cloud client libraries', requirements: ['google-cloud-*', 'google-auth', 'django-storages'], keys: ['GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT'] },
  { who: 'the Azure SDK', requirements: ['azure-*', 'django-storages'], prefixes: ['AZURE_'] },
  { who: 'the Sentry SDK', requirements: ['sentry-sdk', 'raven'], prefixes: ['SENTRY_'] },
  { who: 'the New Relic agent', requirements: ['newrelic'], prefixes: ['NEW_RELIC_'] },
  { who: 'Datadog ddtrace', requirements: ['ddtrace'], prefixes: ['DD_'] },
  { who: 'OpenTelemetry', requirements: ['opentelemetry-*'], prefixes: ['OTEL_'] },
  { who: 'Elastic APM', requirements: ['elastic-apm'], prefixes: ['ELASTIC_APM_'] },
  { who: 'Scout APM', requirements: ['scout-apm'], prefixes: ['SCOUT_'] },
  { who: 'Honeybadger', requirements: ['honeybadger'], prefixes: ['HONEYBADGER_'] },
  { who: 'libpq (psycopg)', requirements: ['psycopg', 'psycopg2', 'psycopg2-binary', 'psycopg-binary', 'psycopg-c'], prefixes: ['PG'] },
  { who: 'the MySQL client library', requirements: ['mysqlclient', 'pymysql'], keys: ['MYSQL_PWD', 'MYSQL_HOST', 'MYSQL_TCP_PORT', 'MYSQL_UNIX_PORT'] },
  {
    who: 'database and broker images sharing the file (postgres, mysql, mariadb, mongo, rabbitmq)',
    prefixes: ['POSTGRES_', 'MYSQL_', 'MARIADB_', 'MONGO_INITDB_', 'RABBITMQ_DEFAULT_'],
  },
];

function matches(name: string, pattern: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Who reads `key` without the project naming it, given the declared requirements; undefined when nobody known does. */
export function knownReader(key: string, requirements: readonly Requirement[]): string | undefined {
  for (const r of ENV_READERS) {
    if (r.requirements && !requirements.some((q) => r.requirements!.some((p) => matches(q.name, p)))) continue;
    if (r.keys?.includes(key) || r.prefixes?.some((p) => key.startsWith(p))) return r.who;
  }
  return undefined;
}
