import { defineRule } from '../../src/engine/rule.js';
import { versionAtLeast } from '../../src/model/django-helpers.js';
import { pyRepr, type PyValue } from '../../src/model/python-value.js';
import { DJANGO_DOCS, djangoVersionLabel, reportUndecided, settingFact, sourceNote, sourceRelated, type Tri } from './DJ0.deploy-semantics.js';

/** Python `'://' not in origin` for one entry; other types than str make the test undecidable here. */
function lacksScheme(origin: PyValue): Tri {
  if (origin.kind === 'str') return !origin.value.includes('://');
  if (origin.kind === 'unknown') {
    const answers = (origin.alternatives ?? []).map(lacksScheme);
    return answers.length > 0 && answers.every((a) => a === answers[0]) ? answers[0] : undefined;
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'DJ040',
    name: 'CsrfTrustedOriginWithoutScheme',
    title: 'A CSRF_TRUSTED_ORIGINS entry has no scheme',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "On Django 4.0+, checks that every CSRF_TRUSTED_ORIGINS entry contains '://', as Django's 4_0.E001 compatibility check does. One finding per offending entry.",
      whyIsThisBad:
        "Since Django 4.0 an origin is matched with its scheme, so a bare host name such as 'example.com' never matches and cross-origin POSTs from it fail the CSRF check. 4_0.E001 is an Error, so manage.py commands such as migrate refuse to run.",
      example: "CSRF_TRUSTED_ORIGINS = ['example.com', '.example.com']",
      useInstead: "CSRF_TRUSTED_ORIGINS = ['https://example.com', 'https://*.example.com']",
    },
    fix: "Prefix each entry with its scheme, usually https:// (a leading '.' becomes 'https://*.').",
    references: [`${DJANGO_DOCS}/ref/settings/#csrf-trusted-origins`, `${DJANGO_DOCS}/releases/4.0/`, `${DJANGO_DOCS}/ref/checks/#backwards-compatibility`],
    tags: ['django', 'security', 'csrf', 'compatibility'],
    djangoCheck: '4_0.E001',
  },
  scope: 'django',
  check(project, ctx) {
    if (!versionAtLeast(project.djangoVersion, 4, 0)) {
      ctx.notApplicable(`4_0.E001 exists only in Django 4.0+; this project uses ${djangoVersionLabel(project)}`);
      return;
    }
    const origins = settingFact(project, 'CSRF_TRUSTED_ORIGINS');
    const value = origins.value ?? { kind: 'list', items: [] };
    const related = sourceRelated(value);
    if (value.kind === 'str') {
      // Django iterates a str character by character: every character is an origin without a scheme.
      if (value.value.length > 0) {
        ctx.report({
          message: `CSRF_TRUSTED_ORIGINS is the string ${pyRepr(value)}${sourceNote(value)}, not a list: Django checks each character as an origin, none has a scheme, and trusted origins never match`,
          span: origins.span,
          target: 'CSRF_TRUSTED_ORIGINS',
          related,
        });
      }
      return;
    }
    const items = value.kind === 'list' || value.kind === 'tuple' || value.kind === 'set' ? value.items : undefined;
    if (!items) {
      reportUndecided({ ctx, question: 'whether every trusted origin has a scheme', facts: [{ ...origins, value }], target: 'CSRF_TRUSTED_ORIGINS', fallbackSpan: origins.span });
      return;
    }
    items.forEach((item, index) => {
      const name = `CSRF_TRUSTED_ORIGINS[${index}]`;
      const missing = lacksScheme(item);
      if (missing === false) return;
      if (missing === undefined) {
        reportUndecided({ ctx, question: `whether ${name} has a scheme`, facts: [{ name, value: item, span: origins.span }], target: name, fallbackSpan: origins.span });
        return;
      }
      ctx.report({
        message: `${name} is ${pyRepr(item)}${sourceNote(item)}, without a scheme: since Django 4.0 it never matches a request's origin, and Django stops management commands on this error`,
        span: origins.span,
        target: name,
        related: sourceRelated(item),
      });
    });
  },
});
