import { defineRule } from '../../src/engine/rule.js';
import { asSequence, truthy } from '../../src/model/python-value.js';
import type { DjangoProject } from '../../src/model/types.js';
import { pyContains, settingFact, sourceNote, sourceRelated } from './DJ0.deploy-semantics.js';
import { appInstalled, cannotTell, cannotTellValue } from './DJ1.production.js';
import { untrustedRegExp } from '../../src/core/untrusted-regex.js';

const CORS_APP = 'corsheaders';
/** An origin no sane allow-list matches; a pattern that accepts it accepts every (HTTPS) origin. */
const PROBE_ORIGIN = 'https://attacker-origin.invalid';

/** Python's re.match anchors at the start; the JS translation of simple patterns is close enough for this test. */
function matchesAnyOrigin(pattern: string): boolean {
  const re = untrustedRegExp(`^(?:${pattern})`);
  return re ? re.test(PROBE_ORIGIN) : false;
}

function corsInstalled(project: DjangoProject) {
  const app = appInstalled(project, CORS_APP);
  if (app.answer !== false) return app;
  const mw = settingFact(project, 'MIDDLEWARE');
  const inMiddleware = mw.value ? pyContains(mw.value, 'corsheaders.middleware.CorsMiddleware') : false;
  return { answer: inMiddleware, fact: inMiddleware === undefined ? mw : app.fact };
}

export default defineRule({
  meta: {
    id: 'DJ123',
    name: 'CorsAllowAllOrigins',
    title: 'django-cors-headers allows every origin',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "With django-cors-headers installed, reports CORS_ALLOW_ALL_ORIGINS (or its old name CORS_ORIGIN_ALLOW_ALL) set to a truthy value, and CORS_ALLOWED_ORIGIN_REGEXES (or CORS_ORIGIN_REGEX_WHITELIST) entries that match any origin, such as r'.*' or r'^https://.*$'.",
      whyIsThisBad:
        "Every website a user visits may then read your API's responses through the user's browser. Combined with CORS_ALLOW_CREDENTIALS, any page can act with the user's session cookies and read private data.",
      example: 'CORS_ALLOW_ALL_ORIGINS = True',
      useInstead: "CORS_ALLOWED_ORIGINS = ['https://app.example.com']",
    },
    fix: 'List the exact front-end origins in CORS_ALLOWED_ORIGINS; when a regex is needed, anchor it to your own domain (r"^https://\\w+\\.example\\.com$").',
    references: ['https://github.com/adamchainz/django-cors-headers#configuration', 'https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS'],
    tags: ['django', 'security', 'cors'],
  },
  scope: 'django',
  check(project, ctx) {
    const installed = corsInstalled(project);
    if (installed.answer === false) return;
    if (installed.answer === undefined) return cannotTell(ctx, 'whether django-cors-headers is installed', installed.fact);
    const credentials = truthy(settingFact(project, 'CORS_ALLOW_CREDENTIALS').value ?? { kind: 'bool', value: false }) === true;
    const withCookies = credentials ? ', with credentials allowed, so any site can act with the user\'s session' : '';

    for (const name of ['CORS_ALLOW_ALL_ORIGINS', 'CORS_ORIGIN_ALLOW_ALL']) {
      const flag = settingFact(project, name);
      if (!flag.binding || !flag.value) continue;
      const on = truthy(flag.value);
      if (on === undefined) cannotTell(ctx, `whether ${name} allows every origin`, flag);
      else if (on) {
        ctx.report({
          message: `${name} is on${sourceNote(flag.value)}: every website can read responses from this site through a visitor's browser${withCookies}`,
          span: flag.span,
          target: name,
          related: sourceRelated(flag.value),
        });
      }
    }
    for (const name of ['CORS_ALLOWED_ORIGIN_REGEXES', 'CORS_ORIGIN_REGEX_WHITELIST']) {
      const regexes = settingFact(project, name);
      if (!regexes.binding || !regexes.value) continue;
      const items = asSequence(regexes.value);
      if (!items) {
        cannotTell(ctx, `whether ${name} matches every origin`, regexes);
        continue;
      }
      const open = items.find((i) => i.kind === 'str' && matchesAnyOrigin(i.value));
      if (open && open.kind === 'str') {
        ctx.report({
          message: `${name} contains r'${open.value}', which matches any origin: every website can read responses from this site${withCookies}`,
          span: regexes.span,
          target: name,
        });
      } else if (items.some((i) => i.kind === 'unknown')) {
        cannotTellValue(ctx, `Cannot tell whether ${name} matches every origin`, regexes.span, regexes.value, name);
      }
    }
  },
});
