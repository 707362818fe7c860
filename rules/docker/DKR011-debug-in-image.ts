import { defineRule } from '../../src/engine/rule.js';
import { debugOn } from '../../src/model/containers/query.js';
import { production, targets } from './DKR0.common.js';

const DEBUG_NAMES = new Set(['DEBUG', 'DJANGO_DEBUG', 'DJANGO_DEBUG_MODE', 'DEBUG_MODE', 'TEMPLATE_DEBUG']);

export default defineRule({
  meta: {
    id: 'DKR011',
    name: 'DebugInProductionImage',
    title: 'DEBUG switched on in the production image',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "Reports ENV DEBUG / DJANGO_DEBUG set to a true value (1, true, yes, on) in the final stage of a production Dockerfile, or in a stage it is built on. A development server started by CMD (runserver) is reported by APP002 through the app-server checks.",
      whyIsThisBad:
        'Django settings commonly read DEBUG from the environment, so the image starts every container with debug on unless each deployment remembers to override it: error pages then show tracebacks, settings and SQL to anyone, and Django keeps every query in memory.',
      example: 'ENV DJANGO_DEBUG=1',
      useInstead: '# leave DEBUG unset in the image (settings default to False); a development compose file sets DJANGO_DEBUG=1',
    },
    fix: 'Remove the ENV (or set it false) in the production image and turn DEBUG on only in development configuration.',
    references: ['https://docs.djangoproject.com/en/stable/ref/settings/#debug', 'https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#debug'],
    tags: ['docker', 'django', 'security'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    if (!production(df, ctx)) return;
    const seen = new Set<number>();
    for (const stage of targets(df)) {
      for (const e of stage.env) {
        if (e.keyword !== 'ENV' || !DEBUG_NAMES.has(e.name.toUpperCase()) || e.value === null || !debugOn(e.value)) continue;
        if (seen.has(e.span.start.offset)) continue;
        seen.add(e.span.start.offset);
        ctx.report({ message: `ENV ${e.name}=${e.value} turns debug on in every container of this production image`, span: e.valueSpan ?? e.span, target: `debug:${e.name}` });
      }
    }
  },
});
