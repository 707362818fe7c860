import { defineRule } from '../../src/engine/rule.js';
import { describeFact, settingFact, sourceRelated } from './DJ0.deploy-semantics.js';
import { cannotTell, SETTINGS_DOCS } from './DJ1.production.js';

const ONE_YEAR = 31_536_000;

/** The max-age Django writes into the header: f"max-age={SECURE_HSTS_SECONDS}". */
function seconds(v: { kind: string; value?: unknown }): number | undefined {
  if (v.kind === 'int' || v.kind === 'float') return v.value as number;
  if (v.kind === 'bool') return v.value ? 1 : 0;
  if (v.kind === 'str' && /^\s*\d+\s*$/.test(v.value as string)) return Number(v.value);
  return undefined;
}

export default defineRule({
  meta: {
    id: 'DJ107',
    name: 'HstsMaxAgeTooShort',
    title: 'SECURE_HSTS_SECONDS is set but shorter than one year',
    severity: 'low',
    section: 'security',
    docs: {
      whatItDoes:
        'Reports a non-zero SECURE_HSTS_SECONDS below 31536000 (one year). Django only warns when HSTS is off entirely (security.W004).',
      whyIsThisBad:
        'Browsers forget a short HSTS policy quickly, so a returning visitor can again be downgraded to plain HTTP by a network attacker; HSTS preload lists also require at least one year. Short values are meant for the rollout, and are often never raised.',
      example: 'SECURE_HSTS_SECONDS = 3600',
      useInstead: 'SECURE_HSTS_SECONDS = 31536000  # after a trial period with a short value',
    },
    fix: 'Once HTTPS works for the site and every subdomain you include, raise SECURE_HSTS_SECONDS to 31536000 (one year) or more.',
    references: [`${SETTINGS_DOCS}#secure-hsts-seconds`, 'https://docs.djangoproject.com/en/stable/ref/middleware/#http-strict-transport-security', 'https://hstspreload.org/'],
    tags: ['django', 'security', 'https'],
  },
  scope: 'django',
  check(project, ctx) {
    const hsts = settingFact(project, 'SECURE_HSTS_SECONDS');
    if (!hsts.binding || !hsts.value) return;
    if (hsts.value.kind === 'none') return;
    const n = seconds(hsts.value);
    if (n === undefined) return cannotTell(ctx, 'how long the HSTS policy lasts', hsts);
    if (n <= 0 || n >= ONE_YEAR) return;
    const days = Math.floor(n / 86_400);
    const human = days >= 1 ? `about ${days} day${days === 1 ? '' : 's'}` : `${n} second${n === 1 ? '' : 's'}`;
    ctx.report({
      message: `${describeFact(hsts)}: browsers keep the HTTPS-only policy for ${human} instead of at least a year (31536000), and preload lists reject it`,
      span: hsts.span,
      target: 'SECURE_HSTS_SECONDS',
      related: sourceRelated(hsts.value),
    });
  },
});
