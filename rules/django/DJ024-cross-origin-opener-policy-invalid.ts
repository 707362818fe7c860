import { defineRule } from '../../src/engine/rule.js';
import { versionAtLeast } from '../../src/model/django-helpers.js';
import { isNone, type PyValue } from '../../src/model/python-value.js';
import {
  and3, ask, CHECKS_REFERENCE, describeFact, DJANGO_DOCS, djangoVersionLabel, middlewareHas, not3, SECURITY_MIDDLEWARE, settingFact, settle,
  sourceRelated, type Tri,
} from './DJ0.deploy-semantics.js';

/** Django's CROSS_ORIGIN_OPENER_POLICY_VALUES. */
const VALID = new Set(['same-origin', 'same-origin-allow-popups', 'unsafe-none']);

/** Python `v not in VALID`: scalars are compared; an unhashable value makes the test raise. */
function notAValidPolicy(v: PyValue): Tri {
  switch (v.kind) {
    case 'str':
      return !VALID.has(v.value);
    case 'bool':
    case 'int':
    case 'float':
    case 'bytes':
    case 'none':
      return true;
    case 'unknown': {
      const answers = (v.alternatives ?? []).map(notAValidPolicy);
      return answers.length > 0 && answers.every((a) => a === answers[0]) ? answers[0] : undefined;
    }
    default:
      return undefined;
  }
}

export default defineRule({
  meta: {
    id: 'DJ024',
    name: 'CrossOriginOpenerPolicyInvalid',
    title: 'SECURE_CROSS_ORIGIN_OPENER_POLICY has a value browsers do not know',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "With SecurityMiddleware installed and SECURE_CROSS_ORIGIN_OPENER_POLICY not None, checks that it is one of 'same-origin', 'same-origin-allow-popups' or 'unsafe-none', as Django's security.E024 does (Django 4.0+, where the setting appeared).",
      whyIsThisBad:
        'Browsers ignore a Cross-Origin-Opener-Policy header with an unknown value, so pages stay in a browsing context group that cross-origin windows can reach, which opens cross-window attacks such as XS-Leaks. E024 is an Error: Django refuses to run management commands until it is fixed.',
      example: "SECURE_CROSS_ORIGIN_OPENER_POLICY = 'same_origin'",
      useInstead: "SECURE_CROSS_ORIGIN_OPENER_POLICY = 'same-origin'",
    },
    fix: "Use 'same-origin' (the default), 'same-origin-allow-popups' if the site opens cross-origin pop-ups such as OAuth windows, or None to send no header.",
    references: [`${DJANGO_DOCS}/ref/middleware/#cross-origin-opener-policy`, `${DJANGO_DOCS}/ref/settings/#secure-cross-origin-opener-policy`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'headers'],
    djangoCheck: 'security.E024',
  },
  scope: 'django',
  check(project, ctx) {
    if (!versionAtLeast(project.djangoVersion, 4, 0)) {
      ctx.notApplicable(`security.E024 exists only in Django 4.0+; this project uses ${djangoVersionLabel(project)}`);
      return;
    }
    const sm = middlewareHas(project, SECURITY_MIDDLEWARE);
    const coop = settingFact(project, 'SECURE_CROSS_ORIGIN_OPENER_POLICY');
    const invalid = ask(coop, (v) => and3(not3(isNone(v)), notAValidPolicy(v)));
    settle({
      ctx,
      fires: and3(sm.answer, invalid),
      inputs: [[coop, invalid], [sm.fact, sm.answer]],
      question: 'whether SECURE_CROSS_ORIGIN_OPENER_POLICY is valid',
      target: 'SECURE_CROSS_ORIGIN_OPENER_POLICY',
      onFire: () =>
        ctx.report({
          message: `${describeFact(coop)}, which is not a Cross-Origin-Opener-Policy value, so browsers ignore the header (Django stops management commands on this error)`,
          span: coop.span,
          target: 'SECURE_CROSS_ORIGIN_OPENER_POLICY',
          related: sourceRelated(coop.value),
        }),
    });
  },
});
