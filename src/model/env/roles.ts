import type { EnvSourceRole } from './types.js';

/**
 * What an env file's name and location say about the environment it is for. Words are taken
 * from every path segment, split at `.`, `-`, `_` and `/` (`.envs/.production/.django` gives
 * "envs", "production", "django").
 *
 * Precedence, first match wins:
 * 1. example: a template (`.example`, `.sample`, `.template`, `.dist`, `.tpl`, `.defaults`),
 *    even when it names production (`.env.production.example`): its values are placeholders.
 * 2. staging: `staging`, `stage`, `stg`, `preprod`, `uat`.
 * 3. production: `production`, `prod`, `prd`, `live`.
 * 4. test: `test`, `tests`, `testing`, `ci`.
 * 5. development: anything else, including `dev`/`local` names, a plain `.env`, and names with no
 *    environment word such as `docker.env` or `app.env`. A plain `.env` is the developer's own
 *    file; the model only uses it when the settings load it themselves. A compose file or unit
 *    that feeds a file to a production service decides that file's role itself.
 */
export function envFileRole(relPath: string): EnvSourceRole {
  const words = new Set(relPath.toLowerCase().split(/[./_\-\\]+/).filter(Boolean));
  const has = (list: readonly string[]) => list.some((w) => words.has(w));
  if (has(EXAMPLE_WORDS)) return 'example';
  if (has(STAGING_WORDS)) return 'staging';
  if (has(PRODUCTION_WORDS)) return 'production';
  if (has(TEST_WORDS)) return 'test';
  return 'development';
}

const EXAMPLE_WORDS = ['example', 'examples', 'sample', 'samples', 'template', 'templates', 'dist', 'tpl', 'defaults'] as const;
const STAGING_WORDS = ['staging', 'stage', 'stg', 'preprod', 'uat'] as const;
const PRODUCTION_WORDS = ['production', 'prod', 'prd', 'live'] as const;
const TEST_WORDS = ['test', 'tests', 'testing', 'ci'] as const;
