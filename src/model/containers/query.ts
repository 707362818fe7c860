import { isPlaceholderValue } from '../env/placeholder.js';
import { splitImage } from './dockerfile.js';
import type { ComposeProject, ComposeService, ComposeValue, ContainerEnvVar, DockerStage, DockerfileModel } from './types.js';

/**
 * Questions rules ask of the containers model: the effective environment of a service, what kind
 * of service an image is, whether a value is a secret or a weak password, whether DEBUG is on.
 */

/** The environment a service's container starts with: last definition of each name over its layers. */
export function effectiveEnv(service: ComposeService): Map<string, ContainerEnvVar> {
  const out = new Map<string, ContainerEnvVar>();
  for (const layer of service.envLayers) {
    for (const v of layer.vars) {
      const e: ContainerEnvVar = { name: v.name, value: v.value, span: v.span, layer: layer.kind, file: layer.file };
      if (v.valueSpan) e.valueSpan = v.valueSpan;
      if (layer.kind === 'environment') {
        const written = service.environment.find((x) => x.name === v.name)?.value;
        if (written?.interp) e.interp = written.interp;
      }
      out.set(v.name, e);
    }
  }
  return out;
}

export type ServiceKind = 'postgres' | 'mysql' | 'mongo' | 'redis' | 'memcached' | 'rabbitmq' | 'elasticsearch' | 'proxy' | 'other';

const IMAGE_KINDS: Array<[RegExp, ServiceKind]> = [
  [/(?:^|\/)(?:postgres|postgresql|postgis|timescaledb(?:-ha)?|pgvector|supabase\/postgres)$/, 'postgres'],
  [/(?:^|\/)(?:mysql|mariadb|percona(?:-server)?)$/, 'mysql'],
  [/(?:^|\/)(?:mongo|mongodb)$/, 'mongo'],
  [/(?:^|\/)(?:redis|redis-stack|redis-stack-server|valkey|keydb|dragonfly)$/, 'redis'],
  [/(?:^|\/)memcached$/, 'memcached'],
  [/(?:^|\/)rabbitmq$/, 'rabbitmq'],
  [/(?:^|\/)(?:elasticsearch|opensearch)$/, 'elasticsearch'],
  [/(?:^|\/)(?:nginx|nginx-unprivileged|openresty|traefik|caddy|haproxy|httpd|envoy)$/, 'proxy'],
];

/** The main port of each data service, for services recognised by name. */
export const SERVICE_PORTS: Record<string, ServiceKind> = {
  '5432': 'postgres', '3306': 'mysql', '27017': 'mongo', '6379': 'redis', '11211': 'memcached', '5672': 'rabbitmq', '9200': 'elasticsearch',
};

/** What a service is, from its image (a repository built locally from a Dockerfile is 'other'). */
export function serviceKind(service: ComposeService): ServiceKind {
  if (service.image && !service.build) {
    const repo = splitImage(service.image.value).repository.toLowerCase();
    for (const [re, kind] of IMAGE_KINDS) if (re.test(repo)) return kind;
  }
  if (service.dockerfile || service.build) return 'other';
  return 'other';
}

export function isDataService(kind: ServiceKind): boolean {
  return kind !== 'proxy' && kind !== 'other';
}

/** Python-ish and Django-environ truthiness of DEBUG-like values. */
export function debugOn(value: string): boolean {
  return /^(?:1|true|yes|on|y|t)$/i.test(value.trim());
}

const SECRET_NAME = /(?:^|_)(?:SECRET|SECRET_KEY|PASSWORD|PASSWD|PASS|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY|SECRET_ACCESS_KEY|AUTH_KEY|AUTH_TOKEN|CREDENTIALS?|SIGNING_KEY|ENCRYPTION_KEY|REQUIREPASS)(?:$|_)/;
const NOT_SECRET_NAME = /(?:_FILE|_PATH|_DIR|_LENGTH|_MIN_LENGTH|_ALGORITHM|_BACKEND|_HEADER|_NAME|_EXPIRY|_EXPIRES|_LIFETIME|_TIMEOUT|_TTL|_URL_PATH|_ENABLED|_REQUIRED|_METHOD|_VALIDATORS|_HASHERS|_RESET_TIMEOUT_DAYS)$/;
/** scheme://user:password@host URLs. */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i;

/** Passwords anyone would try first: image defaults, tutorials, keyboard walks. */
const WEAK = new Set([
  'postgres', 'postgresql', 'password', 'passw0rd', 'p@ssw0rd', 'pass', 'admin', 'administrator', 'root', 'toor', 'secret', 'changeme', 'change_me',
  'change-me', 'changeit', '123456', '1234567', '12345678', '123456789', '1234', '12345', 'qwerty', 'letmein', 'test', 'testing', 'guest', 'default',
  'mysql', 'mariadb', 'redis', 'mongo', 'mongodb', 'rabbitmq', 'django', 'user', 'example', 'dev', 'development', 'debug', 'local', 'insecure',
  'supersecret', 'mysecretpassword', 'mypassword', 'secretpassword', 'pass123', 'password123', 'password1', 'admin123', 'docker', 'app', 'db', 'database',
]);

export function isSecretName(name: string): boolean {
  const n = name.toUpperCase();
  return SECRET_NAME.test(n) && !NOT_SECRET_NAME.test(n);
}

export function isWeakPassword(value: string): boolean {
  const v = value.trim().toLowerCase();
  return WEAK.has(v) || /^(?:django-insecure|insecure|dev|local|test)[-_]/.test(v) || /^(.)\1{3,}$/.test(v);
}

export interface SecretJudgement {
  /** 'weak': a guessable password; 'literal': a real-looking secret written in the file; 'url': a password inside a URL. */
  kind: 'weak' | 'literal' | 'url';
  /** The secret itself: for redaction only, never for printing. */
  secret: string;
}

/**
 * Whether an environment value set for `name` is a committed secret or a weak password.
 * Placeholders, empty values, references (`${VAR}`, `/run/secrets/x`) and obvious non-secrets
 * (booleans, small numbers) are not.
 */
export function judgeSecret(name: string, value: string): SecretJudgement | undefined {
  const v = value.trim();
  if (v === '' || /\$\{?\w/.test(v) || v.startsWith('/run/secrets/')) return undefined;
  const url = URL_PASSWORD.exec(v);
  if (url) {
    const pw = url[1]!;
    if (isPlaceholderValue(pw) || /^(?:\*+|x+)$/i.test(pw) || /^\$/.test(pw)) return undefined;
    return { kind: isWeakPassword(pw) ? 'weak' : 'url', secret: pw };
  }
  if (!isSecretName(name)) return undefined;
  if (/^(?:true|false|yes|no|on|off|none|null|\d{1,3})$/i.test(v)) return undefined;
  if (isWeakPassword(v)) return { kind: 'weak', secret: v };
  if (isPlaceholderValue(v)) return undefined;
  return { kind: 'literal', secret: v };
}

/** A value set through interpolation: the default was used because the variable is not in the project .env. */
export function fromDefault(v: ComposeValue): boolean {
  return !!v.interp && v.interp.vars.some((x) => x.source === 'default');
}

/** Whether a value depends on a variable the repository does not set (no default, not in .env). */
export function dependsOnUnsetVariable(v: ComposeValue): string[] {
  return v.interp ? v.interp.vars.filter((x) => x.source === 'unset').map((x) => x.name) : [];
}

/** The Dockerfile (and stage) a service is built from. */
export function dockerStageOf(service: ComposeService, dockerfiles: readonly DockerfileModel[]): { df: DockerfileModel; stage?: DockerStage } | undefined {
  if (!service.dockerfile) return undefined;
  const df = dockerfiles.find((d) => d.file === service.dockerfile!.file);
  if (!df) return undefined;
  const stage = service.dockerfile.stage !== undefined ? df.stages[service.dockerfile.stage] : undefined;
  return stage ? { df, stage } : { df };
}

/** The compose services that build a Dockerfile. */
export function servicesBuilding(df: DockerfileModel, projects: readonly ComposeProject[]): Array<{ project: ComposeProject; service: ComposeService }> {
  const out: Array<{ project: ComposeProject; service: ComposeService }> = [];
  for (const project of projects) for (const service of project.services) if (service.dockerfile?.file === df.file) out.push({ project, service });
  return out;
}

/** A user value that means root (`root`, `0`, `root:root`, `0:0`, `root:group`). */
export function isRootUser(user: string): boolean {
  const u = user.trim().split(':')[0]!.trim();
  return u === 'root' || u === '0';
}

/** The long-running services of a project (one-shot jobs left out). */
export function isOneShot(service: ComposeService, project: ComposeProject): boolean {
  if (project.services.some((s) => s.dependsOn.some((d) => d.service === service.name && d.condition === 'service_completed_successfully'))) return true;
  const argv = [...(service.entrypoint?.argv ?? []), ...(service.command?.argv ?? [])].join(' ');
  if (/\bmanage\.py\s+(?:migrate|collectstatic|compilemessages|createsuperuser|loaddata|check|test|shell)\b/.test(argv) && !/&&\s*(?:gunicorn|uwsgi|uvicorn|daphne|celery)/.test(argv)) return true;
  if (/^(?:pytest|tox|npm\s+(?:run\s+)?(?:build|test)|yarn\s+(?:build|test)|sphinx-build|make\b)/.test(argv)) return true;
  // Tool containers run with `docker compose run` (cookiecutter-django's awscli for backups, a migrate job).
  if (/^(?:aws|awscli|aws-cli|cli|[\w-]+-cli|migrat\w*|collectstatic|tests?|pytest|docs|setup|init|seed|createsuperuser|manage|shell|tools?)$/i.test(service.name)) return true;
  return false;
}
