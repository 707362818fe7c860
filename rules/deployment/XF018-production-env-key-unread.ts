import { formatSpan, type Span } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { knownReader } from '../../src/model/deployment/env-readers.js';
import { consideredLayers } from '../../src/model/deployment/env-usage.js';
import type { EnvRead } from '../../src/model/python-value.js';
import type { DjangoProject } from '../../src/model/types.js';

/** A name's occurrence is its definition: inside the entry, or on the entry's first line (a unit's `Environment=NAME=value` entry spans the value only). */
function isDefinition(occurrence: Span, entry: Span): boolean {
  if (occurrence.file !== entry.file) return false;
  return (occurrence.start.offset >= entry.start.offset && occurrence.end.offset <= entry.end.offset) || occurrence.start.line === entry.start.line;
}

/** Optimal string alignment distance (adjacent transpositions count once), capped at max + 1. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * `defined` is probably meant to be `read`: one is the other with a prefix (DJANGO_DEBUG / DEBUG,
 * SECRET_KEY / DJANGO_SECRET_KEY), or they differ by a typo (same first letter; one edit in names of
 * 5+ characters, two in names of 10+).
 */
export function nearMiss(defined: string, read: string): 'prefix' | 'typo' | undefined {
  if (defined === read || defined.length > 200 || read.length > 200) return undefined;
  const [long, short] = defined.length > read.length ? [defined, read] : [read, defined];
  if (short.length >= 4 && long.endsWith(`_${short}`) && /^[A-Z][A-Z0-9]*_$/.test(long.slice(0, long.length - short.length))) return 'prefix';
  const max = short.length >= 10 ? 2 : short.length >= 5 ? 1 : 0;
  if (max > 0 && defined[0]?.toUpperCase() === read[0]?.toUpperCase() && distance(defined.toUpperCase(), read.toUpperCase(), max) <= max) return 'typo';
  return undefined;
}

function outcome(read: EnvRead): string {
  switch (read.decidedBy) {
    case 'default':
      return 'falls back to the default the code gives it';
    case 'required-missing':
      return 'is missing, so the settings fail on import';
    default:
      return 'is not set by anything the repository shows';
  }
}

const FRONTEND_PREFIXES = /^(?:VITE_|NEXT_PUBLIC_|REACT_APP_|VUE_APP_|NUXT_|EXPO_PUBLIC_|PUBLIC_)/;

export default defineRule({
  meta: {
    id: 'XF018',
    name: 'ProductionEnvKeyUnread',
    title: 'A production environment key that nothing reads (often a misspelt name the settings read under another)',
    severity: 'medium',
    section: 'configuration',
    docs: {
      whatItDoes:
        "Looks at the keys the Django service's production environment defines (production .env files, a compose service's environment and env_file, a unit's Environment= and EnvironmentFile=) and reports each one that nothing reads: the evaluated settings never ask for it (in any environment evaluated), no file in the repository names it outside its definitions (settings, scripts, compose interpolation, units, workflows ...), and no program or library the project declares reads it on its own (gunicorn's WEB_CONCURRENCY, boto3's AWS_*, Sentry's SENTRY_*, libpq's PG*, Celery's CELERY_* ...: a documented table). It says nothing when any code reads the environment by names not written out (os.environ as a whole, os.getenv(name), pydantic BaseSettings, django-configurations, dynaconf, importlib or exec, a star import of a module the repository does not hold such as a server-side local_settings.py). When the settings read a near name instead (DJANGO_DEBUG defined, DEBUG read; a prefix or a typo) that falls back to its default in production, that is the finding; other unread keys are reported at low severity, and only in the service's own environment (its compose environment/env_file, its unit's Environment=/EnvironmentFile=; not a file another image also loads), in a repository with no code in other languages.",
      whyIsThisBad:
        "A key nobody reads is a setting the operator believes is applied and is not: DJANGO_DEBUG=False in the env file while the settings read DEBUG leaves DEBUG at whatever the code defaults to, SECURE_SSL_REDIRECT set under a name the settings never ask for leaves the site on plain HTTP. Dead keys also hide the live ones during an incident.",
      example: "# .env.production\nDJANGO_DEBUG=False\n# settings.py\nDEBUG = env.bool(\"DEBUG\", default=True)",
      useInstead: "# .env.production\nDEBUG=False",
    },
    fix: 'Rename the key to the name the settings read (or change the settings to read this name); delete keys that are no longer used.',
    references: [
      'https://docs.djangoproject.com/en/stable/topics/settings/',
      'https://docs.docker.com/compose/how-tos/environment-variables/set-environment-variables/',
      'https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#Environment=',
      'https://12factor.net/config',
    ],
    tags: ['django', 'cross-file', 'configuration', 'environment'],
  },
  scope: 'repo',
  check(model, ctx) {
    const usage = model.envUsage;
    const projects: DjangoProject[] = [...model.djangoProjects, ...(model.djangoServiceVariants ?? [])];
    if (!usage || projects.length === 0) {
      ctx.notApplicable('no Django project with production environment sources');
      return;
    }
    // Code reads variables it does not name: no key can be called unread.
    if (usage.dynamic.length > 0) return;
    const reads = new Set<string>();
    for (const p of [...projects, ...model.djangoProjects.map((x) => ({ ...x, settings: x.unsetEnvSettings }))]) {
      for (const r of p.settings.envReads) reads.add(r.name);
    }
    const definitions: Span[] = [];
    for (const p of projects) for (const l of consideredLayers(p)) for (const e of l.entries()) definitions.push(e.span);
    const projectLayers = new Set(model.djangoProjects.flatMap((p) => p.envLayers));
    // env files other images also load (a postgres or proxy container): their keys may be for them.
    const sharedWithImages = new Set<string>();
    for (const cp of model.composeProjects ?? []) for (const s of cp.services) if (!s.build) for (const f of s.envFiles) if (f.file) sharedWithImages.add(f.file);
    const seen = new Set<string>();
    for (const p of projects) {
      // Settings that could not be evaluated fully may read more than was recorded.
      if (p.settings.problems.some((q) => q.kind === 'evaluation')) continue;
      for (const layer of consideredLayers(p)) {
        if (layer.role !== 'production') continue;
        if (layer.kind === 'dotenv' && layer.file) {
          const dir = layer.file.includes('/') ? layer.file.slice(0, layer.file.lastIndexOf('/')) : '';
          const base = layer.file.slice(layer.file.lastIndexOf('/') + 1);
          if (base.startsWith('.env') && usage.packageDirs.has(dir)) continue;
        }
        for (const e of layer.entries()) {
          const key = `${e.span.file}:${e.span.start.offset}`;
          if (seen.has(key)) continue;
          const name = e.name;
          if (reads.has(name) || FRONTEND_PREFIXES.test(name) || knownReader(name, p.requirements)) continue;
          const named = (usage.references.get(name) ?? []).some((r) => !definitions.some((d) => isDefinition(r, d)));
          if (named) continue;
          const own = p.settings.envReads.filter((r) => r.decidedBy !== 'env-source');
          const miss = own.map((r) => ({ read: r, kind: nearMiss(name, r.name) })).find((x) => x.kind !== undefined);
          const where = p.service && layer.kind === 'dotenv' ? ` (${p.service.name})` : '';
          if (miss) {
            seen.add(key);
            const r = miss.read;
            ctx.report({
              message: `${name} is defined in ${layer.name}${where} but nothing reads it, while the settings read ${r.name} (${formatSpan(r.call)}), which ${outcome(r)}: ${miss.kind === 'prefix' ? 'the names differ by a prefix' : 'a misspelling'}, so the value meant for production is not applied`,
              span: e.span,
              related: [{ span: r.call, message: `the settings read ${r.name} here` }],
              target: `${name}@${layer.file ?? layer.name}`,
            });
            continue;
          }
          // Other unread keys only where the consumer is known to be this service alone: its own
          // compose environment/env_file or unit Environment=/EnvironmentFile=, and no code in
          // another language that could read it.
          const serviceLayer = p.service !== undefined && !projectLayers.has(layer) && !(layer.file && sharedWithImages.has(layer.file));
          if (!serviceLayer || usage.otherLanguages.length > 0) continue;
          seen.add(key);
          ctx.report({
            message: `${name} is defined in ${layer.name}${where} but nothing reads it: the settings never ask for it, no file in the repository names it, and no declared library reads it on its own. A value set here changes nothing; remove it, or read it where it was meant to apply`,
            span: e.span,
            related: [{ span: { file: p.settings.file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } }, message: `the production settings (${p.production.module}) read the environment without asking for ${name}` }],
            target: `${name}@${layer.file ?? layer.name}`,
            severity: 'low',
          });
        }
      }
    }
  },
});
