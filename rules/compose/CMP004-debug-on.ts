import { defineRule } from '../../src/engine/rule.js';
import { debugOn, isDataService, serviceKind } from '../../src/model/containers/query.js';
import { COMPOSE_SERVICES, production } from './CMP0.common.js';

const DEBUG_NAMES = new Set(['DEBUG', 'DJANGO_DEBUG', 'DJANGO_DEBUG_MODE', 'DEBUG_MODE', 'TEMPLATE_DEBUG']);

export default defineRule({
  meta: {
    id: 'CMP004',
    name: 'DebugOnInProduction',
    title: 'DEBUG on in a production compose file',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "Reports DEBUG or DJANGO_DEBUG set to a true value (1, true, yes, on, any case) in the `environment:` of a service of a production compose project, literally, as the default of `${VAR:-...}` that production falls back to, or from the project .env. Database, cache and proxy images are left alone.",
      whyIsThisBad:
        'Django settings usually read DEBUG from the environment, so the container serves tracebacks, local variables and settings to any visitor who triggers an error, and keeps every SQL query in memory.',
      example: 'web:\n  environment:\n    DJANGO_DEBUG: "True"',
      useInstead: 'web:\n  environment:\n    DJANGO_DEBUG: "False"',
    },
    fix: 'Set it false (or leave it out) in production compose files; turn it on only in the development override.',
    references: ['https://docs.djangoproject.com/en/stable/ref/settings/#debug', `${COMPOSE_SERVICES}#environment`],
    tags: ['compose', 'django', 'security'],
  },
  scope: 'compose',
  check(project, ctx) {
    if (!production(project, ctx)) return;
    for (const s of project.services) {
      const kind = serviceKind(s);
      if (isDataService(kind) || kind === 'proxy') continue;
      for (const e of s.environment) {
        if (!DEBUG_NAMES.has(e.name.toUpperCase()) || !e.value || !debugOn(e.value.value)) continue;
        const v = e.value;
        const unset = v.interp?.vars.filter((x) => x.source === 'unset') ?? [];
        if (unset.length > 0) continue;
        const how = v.interp?.vars.some((x) => x.source === 'default') ? ` (the default when ${v.interp.vars.map((x) => x.name).join(', ')} is not set)` : v.interp ? ' (from the project .env)' : '';
        ctx.report({ message: `service ${s.name}: ${e.name}=${v.value}${how} turns debug on in production`, span: v.span, target: `${s.name}:${e.name}` });
      }
    }
  },
});
