import { defineRule } from '../../src/engine/rule.js';
import { settingFact, sourceNote, sourceRelated } from './DJ0.deploy-semantics.js';
import { NON_DELIVERING_BACKENDS } from './DJ1.email.js';
import { cannotTell, DEPLOY_CHECKLIST, SETTINGS_DOCS } from './DJ1.production.js';

export default defineRule({
  meta: {
    id: 'DJ115',
    name: 'EmailBackendNotDelivering',
    title: 'EMAIL_BACKEND does not deliver mail (console, locmem, dummy or file-based)',
    severity: 'medium',
    section: 'email',
    docs: {
      whatItDoes:
        "Reports a production EMAIL_BACKEND that is one of Django's development backends: console, locmem, dummy or filebased. Third-party backends (django-anymail, django-ses, ...) and the default SMTP backend are not reported.",
      whyIsThisBad:
        'Password-reset and verification emails, and the error reports sent to ADMINS, silently never arrive: users are locked out and nobody hears about server errors. The console backend also writes message bodies, including reset links, into the logs.',
      example: "EMAIL_BACKEND = 'django.core.mail.backends.console.EmailBackend'",
      useInstead: "EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'  # with EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS...",
    },
    fix: 'Use the SMTP backend with your provider\'s settings, or a provider backend such as django-anymail, in production; keep console/locmem backends in development and test settings.',
    references: [`${SETTINGS_DOCS}#email-backend`, 'https://docs.djangoproject.com/en/stable/topics/email/#email-backends', `${DEPLOY_CHECKLIST}#email-backend-and-related-settings`],
    tags: ['django', 'email'],
  },
  scope: 'django',
  check(project, ctx) {
    const backend = settingFact(project, 'EMAIL_BACKEND');
    if (!backend.binding || !backend.value) return;
    if (backend.value.kind !== 'str') {
      if (backend.value.kind === 'unknown') cannotTell(ctx, 'whether EMAIL_BACKEND delivers mail', backend);
      return;
    }
    const what = NON_DELIVERING_BACKENDS[backend.value.value];
    if (!what) return;
    ctx.report({
      message: `EMAIL_BACKEND is '${backend.value.value}'${sourceNote(backend.value)}, which ${what}: password-reset emails and error reports to ADMINS never reach anyone`,
      span: backend.span,
      target: 'EMAIL_BACKEND',
      related: sourceRelated(backend.value),
    });
  },
});
