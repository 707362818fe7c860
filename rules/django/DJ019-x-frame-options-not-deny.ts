import { defineRule } from '../../src/engine/rule.js';
import {
  and3, ask, CHECKS_REFERENCE, describeFact, DJANGO_DOCS, middlewareHas, not3, pyEqualsString, settingFact, settle, sourceRelated, XFRAME_MIDDLEWARE,
} from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ019',
    name: 'XFrameOptionsNotDeny',
    title: "X_FRAME_OPTIONS is not 'DENY'",
    severity: 'low',
    section: 'security',
    docs: {
      whatItDoes:
        "When XFrameOptionsMiddleware is installed, checks that X_FRAME_OPTIONS equals the exact string 'DENY', as Django's security.W019 does (case-sensitive: 'deny' fires). The default is 'DENY' since Django 3.0 and 'SAMEORIGIN' before.",
      whyIsThisBad:
        "With 'SAMEORIGIN' any page of the site may frame any other, so a single page that shows user-controlled content can be used to frame and click-jack the rest of the site.",
      example: "X_FRAME_OPTIONS = 'SAMEORIGIN'",
      useInstead: "X_FRAME_OPTIONS = 'DENY'  # and @xframe_options_sameorigin on the views that must be framed",
    },
    fix: "Set X_FRAME_OPTIONS = 'DENY' (upper case) and allow framing only on the views that need it with @xframe_options_sameorigin.",
    references: [`${DJANGO_DOCS}/ref/clickjacking/`, `${DJANGO_DOCS}/ref/settings/#x-frame-options`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'clickjacking', 'headers'],
    djangoCheck: 'security.W019',
  },
  scope: 'django',
  check(project, ctx) {
    const xf = middlewareHas(project, XFRAME_MIDDLEWARE);
    const option = settingFact(project, 'X_FRAME_OPTIONS');
    const deny = ask(option, (v) => pyEqualsString(v, 'DENY'));
    settle({
      ctx,
      fires: and3(xf.answer, not3(deny)),
      inputs: [[option, deny], [xf.fact, xf.answer]],
      question: "whether X_FRAME_OPTIONS is 'DENY'",
      target: 'X_FRAME_OPTIONS',
      onFire: () =>
        ctx.report({
          message: `${describeFact(option)}, not 'DENY', so pages of the site may be framed (Django compares the exact, case-sensitive string)`,
          span: option.span,
          target: 'X_FRAME_OPTIONS',
          related: sourceRelated(option.value),
        }),
    });
  },
});
