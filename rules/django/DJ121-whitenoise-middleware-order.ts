import { defineRule } from '../../src/engine/rule.js';
import { SECURITY_MIDDLEWARE } from './DJ0.deploy-semantics.js';
import { checkMiddlewareOrder } from './DJ1.production.js';

const WHITENOISE = 'whitenoise.middleware.WhiteNoiseMiddleware';

export default defineRule({
  meta: {
    id: 'DJ121',
    name: 'WhiteNoiseMiddlewareOrder',
    title: 'WhiteNoiseMiddleware is not directly after SecurityMiddleware',
    severity: 'medium',
    section: 'static-media',
    docs: {
      whatItDoes:
        "Reports a MIDDLEWARE list where 'whitenoise.middleware.WhiteNoiseMiddleware' is not immediately after SecurityMiddleware (or first, when SecurityMiddleware is absent), the position WhiteNoise's documentation requires.",
      whyIsThisBad:
        'Middleware above WhiteNoise runs for every static file request: sessions, authentication or CORS work, database queries and response rewriting (GZip, locale redirects) are wasted on assets or break their caching headers, and a redirecting middleware may send asset requests elsewhere.',
      example: "MIDDLEWARE = [\n    'django.middleware.security.SecurityMiddleware',\n    'django.contrib.sessions.middleware.SessionMiddleware',\n    'whitenoise.middleware.WhiteNoiseMiddleware',\n]",
      useInstead: "MIDDLEWARE = [\n    'django.middleware.security.SecurityMiddleware',\n    'whitenoise.middleware.WhiteNoiseMiddleware',\n    'django.contrib.sessions.middleware.SessionMiddleware',\n]",
    },
    fix: 'Move WhiteNoiseMiddleware to the line right after SecurityMiddleware.',
    references: ['https://whitenoise.readthedocs.io/en/stable/django.html#enable-whitenoise'],
    tags: ['django', 'static-files', 'whitenoise'],
  },
  scope: 'django',
  check(project, ctx) {
    checkMiddlewareOrder(project, ctx, {
      middleware: WHITENOISE,
      question: 'where WhiteNoiseMiddleware sits in MIDDLEWARE',
      misplaced: (items) => {
        const at = items.indexOf(WHITENOISE);
        if (at < 0) return undefined;
        const security = items.indexOf(SECURITY_MIDDLEWARE);
        const expected = security >= 0 ? security + 1 : 0;
        if (at === expected) return undefined;
        const before = items.slice(0, at).filter((m) => m !== SECURITY_MIDDLEWARE);
        const shown = before.slice(0, 3).map((m) => m.slice(m.lastIndexOf('.') + 1)).join(', ') + (before.length > 3 ? ', ...' : '');
        const where = security > at ? 'above SecurityMiddleware' : `after ${shown}`;
        return `WhiteNoiseMiddleware is at position ${at + 1} of MIDDLEWARE, ${where}: it must come directly after SecurityMiddleware so that no other middleware runs for static files`;
      },
    });
  },
});
