import { defineRule } from '../../src/engine/rule.js';
import { versionAtLeast } from '../../src/model/django-helpers.js';
import { asSequence } from '../../src/model/python-value.js';
import {
  CHECKS_REFERENCE, DJANGO_DOCS, djangoVersionLabel, judgeSecretKey, reportUndecided, settingFact, sourceNote, sourceRelated,
} from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ025',
    name: 'WeakSecretKeyFallback',
    title: 'A SECRET_KEY_FALLBACKS entry is short, repetitive or a startproject key',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "Applies Django's secret key test (security.W025, the W009 rule) to every entry of SECRET_KEY_FALLBACKS: at least 50 characters, at least 5 distinct ones, no 'django-insecure-' prefix. One finding per weak entry.",
      whyIsThisBad:
        'Django still accepts sessions, password-reset links and signed values made with any fallback key, so a weak or leaked old key keeps the site as forgeable as if it were still the main key.',
      example: "SECRET_KEY_FALLBACKS = ['django-insecure-old-key-from-the-template']",
      useInstead: "SECRET_KEY_FALLBACKS = [os.environ['DJANGO_PREVIOUS_SECRET_KEY']]  # removed once rotation is over",
    },
    fix: 'Remove weak or leaked keys from SECRET_KEY_FALLBACKS (users signed in with them will have to sign in again), and drop every fallback once a rotation is complete.',
    references: [`${DJANGO_DOCS}/ref/settings/#secret-key-fallbacks`, `${DJANGO_DOCS}/topics/signing/#protecting-secret-key-and-secret-key-fallbacks`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'secrets'],
    djangoCheck: 'security.W025',
  },
  scope: 'django',
  check(project, ctx) {
    if (!versionAtLeast(project.djangoVersion, 4, 1)) {
      ctx.notApplicable(`SECRET_KEY_FALLBACKS and security.W025 exist only in Django 4.1+; this project uses ${djangoVersionLabel(project)}`);
      return;
    }
    const fallbacks = settingFact(project, 'SECRET_KEY_FALLBACKS');
    const value = fallbacks.value ?? { kind: 'list', items: [] };
    if (value.kind === 'unknown') {
      reportUndecided({ ctx, question: 'whether the fallback keys are strong enough', facts: [fallbacks], target: 'SECRET_KEY_FALLBACKS', fallbackSpan: fallbacks.span });
      return;
    }
    const items = value.kind === 'list' || value.kind === 'tuple' ? asSequence(value)! : undefined;
    if (!items) {
      // Django refuses to start unless the setting is a list or tuple, so the check never runs.
      ctx.unknown({
        message: `Cannot tell how Django judges SECRET_KEY_FALLBACKS: it is a ${value.kind}, not a list or tuple, so Django refuses to start`,
        span: fallbacks.span,
        variables: [],
        target: 'SECRET_KEY_FALLBACKS',
      });
      return;
    }
    items.forEach((item, index) => {
      const name = `SECRET_KEY_FALLBACKS[${index}]`;
      const verdict = judgeSecretKey(item, project, false);
      if (verdict.passes === true) return;
      if (verdict.passes === undefined) {
        const entry = { name, value: item, span: fallbacks.span };
        reportUndecided({ ctx, question: `whether ${name} is strong enough`, facts: [entry], target: name, fallbackSpan: fallbacks.span });
        return;
      }
      ctx.report({
        message: `${name} ${verdict.reason}${sourceNote(item, { secret: true })}: Django still accepts signatures made with it, so it can be used to forge sessions and signed data`,
        span: fallbacks.span,
        target: name,
        related: sourceRelated(item, { secret: true }),
      });
    });
  },
});
