import type { Severity } from '../core/finding.js';

/** A manual checklist item's attested state, as the team records it in the configuration. */
export interface Attestation {
  status: 'done' | 'not-done' | 'n/a';
  by?: string;
  /** ISO date (YYYY-MM-DD) when it was last checked. */
  date?: string;
  note?: string;
}

/**
 * The project's audit-deploy configuration (`.audit-deploy.yml` or `[tool.audit-deploy]` in
 * pyproject.toml). Every field is optional; command-line flags win over it.
 */
export interface AuditConfig {
  /** Repo-relative or absolute path of the file it came from; undefined when none was found. */
  file?: string;
  /** Rule ids or prefixes to run (default: all). */
  select: string[];
  /** Rule ids or prefixes never to run. */
  ignore: string[];
  /** Severity overrides by rule id. */
  severity: Record<string, Severity>;
  /** Findings of these rules (ids or prefixes) in files matching the gitignore-style pattern are dropped. */
  perPathIgnores: Array<{ pattern: string; rules: string[] }>;
  minScore?: number;
  failOn?: Severity;
  /** DJANGO_SETTINGS_MODULE production uses (as --settings). */
  settings?: string;
  /** gitignore-style patterns of files that describe production (e.g. `deploy/*.env`). */
  production: string[];
  /** gitignore-style patterns of files that are for development only, whatever their names say. */
  development: string[];
  /** Manual checklist items' attestations, by item id (e.g. MAN001). */
  attestations: Record<string, Attestation>;
  /** A baseline file (repo-relative to the config's directory). */
  baseline?: string;
  /** Wall-clock budget of the audit, in seconds (`max-time`). */
  maxTime?: number;
}

export function emptyConfig(): AuditConfig {
  return { select: [], ignore: [], severity: {}, perPathIgnores: [], production: [], development: [], attestations: {} };
}

/** An invalid configuration: the CLI prints it and exits 2. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly where: string, message: string) {
    super(`${file}${where ? `:${where}` : ''}: ${message}`);
  }
}
