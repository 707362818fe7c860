import type { Span } from '../core/position.js';
import type { PyValue } from './python-value.js';
import type { SettingBinding } from './settings-types.js';
import type { DjangoProject, DjangoVersion } from './types.js';

/** Django's global_settings defaults that rules need when a setting is not assigned (5.2). */
export function djangoDefault(name: string, version: DjangoVersion): PyValue | undefined {
  const str = (value: string): PyValue => ({ kind: 'str', value });
  const at = (maj: number, min: number) => versionAtLeast(version, maj, min);
  switch (name) {
    case 'DEBUG':
      return { kind: 'bool', value: false };
    case 'ALLOWED_HOSTS':
    case 'MIDDLEWARE':
    case 'INSTALLED_APPS':
    case 'SECRET_KEY_FALLBACKS':
    case 'ADMINS':
    case 'MANAGERS':
    case 'CSRF_TRUSTED_ORIGINS':
    case 'SILENCED_SYSTEM_CHECKS':
      return { kind: 'list', items: [] };
    case 'SECRET_KEY':
      return str('');
    case 'SECURE_HSTS_SECONDS':
      return { kind: 'int', value: 0 };
    case 'SECURE_HSTS_INCLUDE_SUBDOMAINS':
    case 'SECURE_HSTS_PRELOAD':
    case 'SECURE_SSL_REDIRECT':
    case 'SESSION_COOKIE_SECURE':
    case 'CSRF_COOKIE_SECURE':
    case 'CSRF_USE_SESSIONS':
    case 'USE_X_FORWARDED_HOST':
      return { kind: 'bool', value: false };
    case 'SESSION_COOKIE_HTTPONLY':
      return { kind: 'bool', value: true };
    case 'SECURE_CONTENT_TYPE_NOSNIFF':
      return { kind: 'bool', value: at(3, 0) };
    case 'SECURE_REFERRER_POLICY':
      return at(3, 1) ? str('same-origin') : { kind: 'none' };
    case 'SECURE_CROSS_ORIGIN_OPENER_POLICY':
      return at(4, 0) ? str('same-origin') : undefined;
    case 'SECURE_PROXY_SSL_HEADER':
    case 'STATIC_ROOT':
    case 'STATIC_URL':
      return { kind: 'none' };
    case 'X_FRAME_OPTIONS':
      return str(at(3, 0) ? 'DENY' : 'SAMEORIGIN');
    case 'MEDIA_ROOT':
    case 'MEDIA_URL':
      return str('');
    case 'EMAIL_BACKEND':
      return str('django.core.mail.backends.smtp.EmailBackend');
    case 'SERVER_EMAIL':
      return str('root@localhost');
    case 'DEFAULT_FROM_EMAIL':
      return str('webmaster@localhost');
    case 'LOGGING':
      return { kind: 'dict', entries: [] };
    case 'DEFAULT_AUTO_FIELD':
      return str(at(6, 0) ? 'django.db.models.BigAutoField' : 'django.db.models.AutoField');
    default:
      return undefined;
  }
}

export function versionAtLeast(v: DjangoVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

export function versionText(v: DjangoVersion): string {
  return `${v.major}.${v.minor}${v.assumed ? ' (assumed: no pinned Django version found)' : ''}`;
}

/** The effective value of a setting: its binding, else Django's default (no binding). */
export function settingValue(project: DjangoProject, name: string): { value: PyValue | undefined; binding?: SettingBinding } {
  const binding = project.settings.get(name);
  if (binding) return { value: binding.value, binding };
  return { value: djangoDefault(name, project.djangoVersion) };
}

/**
 * Where a finding about a setting should point: its last assignment when it is set, else the top
 * of the production settings module (line 1), which is where the missing line belongs.
 */
export function settingAnchor(project: DjangoProject, name: string): Span {
  const binding = project.settings.get(name);
  if (binding) return binding.span;
  return moduleAnchor(project);
}

/** Line 1 of the production settings module. */
export function moduleAnchor(project: DjangoProject): Span {
  const file = project.production.file;
  return { file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } };
}

/** A check id is silenced when SILENCED_SYSTEM_CHECKS names it. */
export function isSilenced(project: DjangoProject, checkId: string): boolean {
  return project.silencedChecks.has(checkId);
}

/** Django's own host validation (django.http.request.validate_host / is_same_domain). */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*') return true;
    if (p.startsWith('.')) return h.endsWith(p) || h === p.slice(1);
    return h === p;
  });
}
