import { defineRule } from '../../src/engine/rule.js';
import { versionAtLeast } from '../../src/model/django-helpers.js';
import { isNone, pyRepr, type PyValue } from '../../src/model/python-value.js';
import {
  and3, ask, CHECKS_REFERENCE, describeFact, DJANGO_DOCS, djangoVersionLabel, middlewareHas, not3, or3, pyStrip, SECURITY_MIDDLEWARE, settingFact,
  settle, sourceRelated, type Tri,
} from './DJ0.deploy-semantics.js';

/** Django's REFERRER_POLICY_VALUES. */
const VALID = new Set([
  'no-referrer', 'no-referrer-when-downgrade', 'origin', 'origin-when-cross-origin',
  'same-origin', 'strict-origin', 'strict-origin-when-cross-origin', 'unsafe-url',
]);

interface PolicyVerdict {
  invalid: Tri;
  /** Offending values, as Python would show them. */
  offenders: string[];
}

/** One member of `set(policy)`: a str must be a known policy; any other hashable value never is. */
function memberInvalid(item: PyValue): Tri {
  switch (item.kind) {
    case 'str':
      return !VALID.has(item.value);
    case 'none':
    case 'bool':
    case 'int':
    case 'float':
    case 'bytes':
      return true;
    case 'unknown':
      return (item.alternatives ?? []).length > 0 && item.alternatives!.every((a) => memberInvalid(a) === true) ? true : undefined;
    default:
      // Unhashable (list, dict, set) makes set() raise; tuples and objects are left undecided.
      return undefined;
  }
}

/**
 * Django 3.0+: a str is split on ',' and each part stripped; anything else is turned into a set.
 * The policy is invalid when that set is not a subset of the known values.
 */
function judgePolicy(v: PyValue): PolicyVerdict {
  if (v.kind === 'str') {
    const parts = v.value.split(',').map(pyStrip);
    const offenders = parts.filter((p) => !VALID.has(p)).map((p) => `'${p}'`);
    return { invalid: offenders.length > 0, offenders };
  }
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set' || v.kind === 'dict') {
    const members = v.kind === 'dict' ? v.entries.map((e) => e.key) : v.items;
    const answers = members.map(memberInvalid);
    const offenders = members.filter((_, i) => answers[i] === true).map((m) => pyRepr(m));
    return { invalid: or3(...answers), offenders };
  }
  if (v.kind === 'unknown') {
    const verdicts = (v.alternatives ?? []).map(judgePolicy);
    const agreed = verdicts.length > 0 && verdicts.every((x) => x.invalid === verdicts[0]!.invalid) ? verdicts[0]!.invalid : undefined;
    return { invalid: agreed, offenders: agreed ? verdicts.flatMap((x) => x.offenders) : [] };
  }
  if (v.kind === 'bytes') return { invalid: v.value.length > 0, offenders: v.value.length > 0 ? [pyRepr(v)] : [] };
  // set(5) or set(True) raises TypeError: Django's check crashes, no decision to mirror.
  return { invalid: undefined, offenders: [] };
}

export default defineRule({
  meta: {
    id: 'DJ023',
    name: 'ReferrerPolicyInvalid',
    title: 'SECURE_REFERRER_POLICY has a value browsers do not know',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "With SecurityMiddleware installed and SECURE_REFERRER_POLICY not None, checks every policy in it against the values of the Referrer-Policy specification, as Django's security.E023 does (Django 3.0+): a string is split on commas and each part stripped; a list, tuple or set is checked item by item.",
      whyIsThisBad:
        'Browsers ignore a Referrer-Policy header they cannot parse, so a typo silently leaves the site with no policy at all. E023 is an Error: Django refuses to run management commands such as migrate until it is fixed or silenced.',
      example: "SECURE_REFERRER_POLICY = 'same_origin'",
      useInstead: "SECURE_REFERRER_POLICY = 'same-origin'",
    },
    fix: "Use one of: no-referrer, no-referrer-when-downgrade, origin, origin-when-cross-origin, same-origin, strict-origin, strict-origin-when-cross-origin, unsafe-url (or a comma-separated fallback list of them).",
    references: [`${DJANGO_DOCS}/ref/middleware/#referrer-policy`, `${DJANGO_DOCS}/ref/settings/#secure-referrer-policy`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'headers', 'privacy'],
    djangoCheck: 'security.E023',
  },
  scope: 'django',
  check(project, ctx) {
    if (!versionAtLeast(project.djangoVersion, 3, 0)) {
      ctx.notApplicable(`security.E023 exists only in Django 3.0+; this project uses ${djangoVersionLabel(project)}`);
      return;
    }
    const sm = middlewareHas(project, SECURITY_MIDDLEWARE);
    const policy = settingFact(project, 'SECURE_REFERRER_POLICY');
    const set = ask(policy, (v) => not3(isNone(v)));
    const verdict = policy.value ? judgePolicy(policy.value) : { invalid: undefined, offenders: [] };
    settle({
      ctx,
      fires: and3(sm.answer, set, verdict.invalid),
      inputs: [[policy, and3(set, verdict.invalid)], [sm.fact, sm.answer]],
      question: 'whether SECURE_REFERRER_POLICY is valid',
      target: 'SECURE_REFERRER_POLICY',
      onFire: () =>
        ctx.report({
          message: `${describeFact(policy)}: ${verdict.offenders.join(', ')} ${verdict.offenders.length === 1 ? 'is not a' : 'are not'} Referrer-Policy value${verdict.offenders.length === 1 ? '' : 's'}, so browsers ignore the header (Django stops management commands on this error)`,
          span: policy.span,
          target: 'SECURE_REFERRER_POLICY',
          related: sourceRelated(policy.value),
        }),
    });
  },
});
