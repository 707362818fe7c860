import { defineRule } from '../../src/engine/rule.js';
import { checkMiddlewareOrder } from './DJ1.production.js';

const CORS = 'corsheaders.middleware.CorsMiddleware';
const COMMON = 'django.middleware.common.CommonMiddleware';

export default defineRule({
  meta: {
    id: 'DJ122',
    name: 'CorsMiddlewareOrder',
    title: 'CorsMiddleware is placed after CommonMiddleware',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "Reports a MIDDLEWARE list where django-cors-headers' 'corsheaders.middleware.CorsMiddleware' comes after 'django.middleware.common.CommonMiddleware'. django-cors-headers requires it as high as possible, before any middleware that can return a response.",
      whyIsThisBad:
        'CommonMiddleware answers some requests itself (APPEND_SLASH redirects, PREPEND_WWW, disallowed user agents) before CorsMiddleware runs, so those responses lack CORS headers and browsers block them: cross-origin API calls fail with opaque CORS errors, typically only for some URLs.',
      example: "MIDDLEWARE = [\n    'django.middleware.common.CommonMiddleware',\n    'corsheaders.middleware.CorsMiddleware',\n]",
      useInstead: "MIDDLEWARE = [\n    'corsheaders.middleware.CorsMiddleware',\n    'django.middleware.common.CommonMiddleware',\n]",
    },
    fix: 'Move CorsMiddleware above CommonMiddleware (right after SecurityMiddleware, or after WhiteNoise when both are used).',
    references: ['https://github.com/adamchainz/django-cors-headers#setup'],
    tags: ['django', 'cors'],
  },
  scope: 'django',
  check(project, ctx) {
    checkMiddlewareOrder(project, ctx, {
      middleware: CORS,
      question: 'whether CorsMiddleware comes before CommonMiddleware',
      misplaced: (items) => {
        const cors = items.indexOf(CORS);
        const common = items.indexOf(COMMON);
        if (cors < 0 || common < 0 || cors < common) return undefined;
        return `CorsMiddleware (position ${cors + 1}) comes after CommonMiddleware (position ${common + 1}) in MIDDLEWARE: responses CommonMiddleware returns itself, such as APPEND_SLASH redirects, carry no CORS headers and browsers block them`;
      },
    });
  },
});
