/**
 * A hand-built, realistic AuditResult for the reporter tests (reporters are pure functions of it).
 * Not a test file itself: shared by test/report-*.test.ts.
 */
import type { Finding, Notice } from '../src/core/finding.js';
import type { Span } from '../src/core/position.js';
import type { AuditResult, ItemStatus, RuleOutcome } from '../src/engine/result.js';
import type { RuleMeta } from '../src/engine/rule.js';
import { computeReadiness } from '../src/score/readiness.js';

export const ROOT = '/home/dev/acme shop';
export const SECRET_KEY_VALUE = 'django-insecure-9f8a7s6d5f4g3h2j1k0lqwertyuiop';
export const DB_PASSWORD = 'hunter2hunter2';
export const SECRETS = [SECRET_KEY_VALUE, DB_PASSWORD];

export function span(file: string, line: number, column: number, endLine: number, endColumn: number, offset = 0): Span {
  return { file, start: { line, column, offset }, end: { line: endLine, column: endColumn, offset: offset + 1 } };
}

export const DEBUG_META: RuleMeta = {
  id: 'DJ018',
  name: 'DebugEnabled',
  title: 'DEBUG is on in production',
  severity: 'blocker',
  section: 'security',
  docs: {
    whatItDoes: 'Checks that the production settings turn DEBUG off.',
    whyIsThisBad: 'With DEBUG on, any error page shows settings, source lines and request data to visitors.',
    example: 'DEBUG = True',
    useInstead: "DEBUG = env.bool('DEBUG', default=False)",
  },
  fix: 'Set DEBUG = False in the production settings, e.g. from an environment variable. Never enable it on a public host.',
  references: ['https://docs.djangoproject.com/en/stable/ref/settings/#debug'],
  tags: ['security', 'django'],
  djangoCheck: 'security.W018',
};

export const SECRET_META: RuleMeta = {
  id: 'DJ005',
  name: 'WeakSecretKey',
  title: 'SECRET_KEY is weak or committed',
  severity: 'blocker',
  section: 'security',
  docs: {
    whatItDoes: 'Checks that SECRET_KEY is long, random and not committed to the repository.',
    whyIsThisBad: 'Anyone who knows the key can forge sessions, password reset tokens and signed cookies.',
    example: "SECRET_KEY = 'django-insecure-abc'",
    useInstead: "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']",
  },
  fix: 'Generate a new key with get_random_secret_key() and load it from the environment.',
  references: ['https://docs.djangoproject.com/en/stable/ref/settings/#secret-key'],
  tags: ['security'],
  djangoCheck: ['security.W009'],
};

export const HSTS_META: RuleMeta = {
  id: 'DJ012',
  name: 'HstsMissing',
  title: 'HSTS is not enabled',
  severity: 'high',
  section: 'security',
  docs: { whatItDoes: 'Checks SECURE_HSTS_SECONDS.', whyIsThisBad: 'Browsers may reach the site over plain HTTP.' },
  fix: 'Set SECURE_HSTS_SECONDS to at least 31536000 once HTTPS works everywhere.',
  // Not a URL: must not become helpUri.
  references: ['see the Django deployment checklist'],
  tags: ['security', 'https'],
  djangoCheck: 'security.W004',
};

export const STATIC_META: RuleMeta = {
  id: 'ST002',
  name: 'StaticRootMissing',
  title: 'STATIC_ROOT is not set',
  severity: 'medium',
  section: 'static-media',
  docs: { whatItDoes: 'Checks that STATIC_ROOT is set.', whyIsThisBad: 'collectstatic has nowhere to write.' },
  fix: 'Set STATIC_ROOT to a directory the web server serves.',
  references: [],
  tags: [],
};

export const LOGGING_META: RuleMeta = {
  id: 'LG001',
  name: 'NoErrorLogging',
  title: 'Errors are not logged anywhere',
  severity: 'low',
  section: 'logging-monitoring',
  docs: { whatItDoes: 'Checks LOGGING.', whyIsThisBad: 'Errors vanish.' },
  fix: 'Configure a LOGGING handler.',
  references: ['https://docs.djangoproject.com/en/stable/topics/logging/'],
  tags: ['observability'],
};

export const ENV_META: RuleMeta = {
  id: 'EN003',
  name: 'EnvFileCommitted',
  title: 'A production .env file is committed',
  severity: 'high',
  section: 'configuration',
  docs: { whatItDoes: 'Finds committed production env files.', whyIsThisBad: 'Credentials leak with the repository.' },
  fix: 'Remove the file from the repository and rotate its credentials.',
  references: [],
  tags: ['security'],
};

export const CACHE_META: RuleMeta = {
  id: 'CA001',
  name: 'LocmemCache',
  title: 'The cache is per-process memory',
  severity: 'medium',
  section: 'cache',
  docs: { whatItDoes: 'Checks CACHES.', whyIsThisBad: 'Each worker has its own cache.' },
  fix: 'Use Redis or Memcached.',
  references: [],
  tags: [],
};

const SETTINGS = 'acme/settings/production.py';
const ENV_FILE = 'deploy/my env/.env.production';

export const debugFinding: Finding = {
  ruleId: 'DJ018',
  severity: 'blocker',
  status: 'fail',
  message: 'DEBUG is True in acme.settings.production',
  span: span(SETTINGS, 12, 1, 12, 13, 300),
  related: [{ span: span(ENV_FILE, 3, 7, 3, 11, 40), message: 'DEBUG=true set here' }],
  fingerprint: 'DJ018:acme/settings/production.py:DEBUG:security.W018',
  djangoCheck: 'security.W018',
  environment: 'production',
};

/** A rule that forgot to redact: the reporters must still never print the value. */
export const secretFinding: Finding = {
  ruleId: 'DJ005',
  severity: 'blocker',
  status: 'fail',
  message: `SECRET_KEY '${SECRET_KEY_VALUE}' is committed and starts with django-insecure-`,
  span: span(SETTINGS, 5, 14, 5, 14, 100), // empty region on purpose
  related: [],
  fingerprint: 'DJ005:acme/settings/production.py:SECRET_KEY',
  djangoCheck: 'security.W009',
  environment: 'production',
};

export const hstsUnknown: Finding = {
  ruleId: 'DJ012',
  severity: 'high',
  status: 'unknown',
  message: 'SECURE_HSTS_SECONDS comes from HSTS_SECONDS, which no production source sets',
  span: span(SETTINGS, 30, 1, 30, 48, 900),
  related: [],
  fingerprint: 'DJ012:acme/settings/production.py:SECURE_HSTS_SECONDS',
  decidingVariables: ['HSTS_SECONDS'],
  environment: 'production',
};

export const envFinding: Finding = {
  ruleId: 'EN003',
  severity: 'high',
  status: 'fail',
  message: `deploy/my env/.env.production is committed and sets DATABASE_PASSWORD=${DB_PASSWORD}`,
  span: span(ENV_FILE, 1, 1, 1, 1, 0), // zero-width at the file start
  related: [],
  fingerprint: 'EN003:deploy/my env/.env.production:DATABASE_PASSWORD',
};

export const notices: Notice[] = [
  { kind: 'too-large', message: `skipped ${ROOT}/media/dump.sql (over 1048576 bytes)`, file: 'media/dump.sql' },
  { kind: 'info', message: 'could not tell which settings module production uses in legacy' },
  { kind: 'encoding', message: 'invalid UTF-8 replaced', span: span('acme/settings/base.py', 7, 3, 7, 9, 80) },
];

function outcome(meta: RuleMeta, status: ItemStatus, findings: Finding[] = [], reason?: string): RuleOutcome {
  return reason === undefined ? { meta, status, findings } : { meta, status, findings, reason };
}

export function makeOutcomes(): RuleOutcome[] {
  return [
    outcome(CACHE_META, 'na', [], 'no CACHES setting in a project without workers'),
    outcome(DEBUG_META, 'fail', [debugFinding]),
    outcome(SECRET_META, 'fail', [secretFinding]),
    outcome(HSTS_META, 'unknown', [hstsUnknown]),
    outcome(ENV_META, 'fail', [envFinding]),
    outcome(LOGGING_META, 'silenced', [], 'silenced in SILENCED_SYSTEM_CHECKS'),
    outcome(STATIC_META, 'pass'),
  ];
}

export function makeResult(): AuditResult {
  const outcomes = makeOutcomes();
  return {
    tool: { name: 'audit-deploy', version: '0.1.0' },
    root: ROOT,
    outcomes,
    // Deliberately not in report order: reporters sort.
    findings: [envFinding, hstsUnknown, debugFinding, secretFinding],
    notices,
    readiness: computeReadiness(outcomes, 80),
    suppressed: [],
    projects: [
      {
        root: '.',
        settingsModule: 'acme.settings.production',
        settingsFile: SETTINGS,
        reason: 'DJANGO_SETTINGS_MODULE in acme/wsgi.py',
        djangoVersion: '4.2',
        djangoVersionAssumed: false,
        envSources: [ENV_FILE],
      },
    ],
  };
}

/** A clean repository: every item passes or does not apply. */
export function makeCleanResult(): AuditResult {
  const outcomes = [outcome(DEBUG_META, 'pass'), outcome(STATIC_META, 'pass'), outcome(CACHE_META, 'na', [], 'no cache')];
  return {
    tool: { name: 'audit-deploy', version: '0.1.0' },
    root: ROOT,
    outcomes,
    findings: [],
    notices: [],
    readiness: computeReadiness(outcomes, 80),
    suppressed: [],
    projects: [],
  };
}
