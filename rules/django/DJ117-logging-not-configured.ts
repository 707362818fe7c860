import { defineRule } from '../../src/engine/rule.js';
import { truthy } from '../../src/model/python-value.js';
import { settingFact } from './DJ0.deploy-semantics.js';
import { cannotTell, DEPLOY_CHECKLIST, SETTINGS_DOCS } from './DJ1.production.js';

export default defineRule({
  meta: {
    id: 'DJ117',
    name: 'LoggingNotConfigured',
    title: 'No LOGGING configuration in production',
    severity: 'medium',
    section: 'logging-monitoring',
    docs: {
      whatItDoes:
        "Reports production settings where LOGGING is unset or empty, unless LOGGING_CONFIG is None (logging is then set up by the project's own code).",
      whyIsThisBad:
        "Django's default configuration sends the 'django' logger to the console only while DEBUG is on. In production, unhandled exceptions go nowhere but the ADMINS email (often empty), so 500 errors leave no trace in the container or process logs.",
      example: '# LOGGING not set',
      useInstead: "LOGGING = {\n    'version': 1,\n    'disable_existing_loggers': False,\n    'handlers': {'console': {'class': 'logging.StreamHandler'}},\n    'root': {'handlers': ['console'], 'level': 'INFO'},\n}",
    },
    fix: "Define LOGGING with at least a console (stdout/stderr) handler for the root and 'django' loggers at INFO or WARNING, so the process manager or container runtime collects errors.",
    references: [`${SETTINGS_DOCS}#logging`, 'https://docs.djangoproject.com/en/stable/topics/logging/#default-logging-configuration', `${DEPLOY_CHECKLIST}#logging`],
    tags: ['django', 'logging', 'observability'],
  },
  scope: 'django',
  check(project, ctx) {
    const config = project.settings.get('LOGGING_CONFIG');
    if (config && config.value.kind === 'none') return;
    const logging = settingFact(project, 'LOGGING');
    const v = logging.value ?? { kind: 'dict', entries: [] };
    const present = truthy(v);
    if (present === true) return;
    if (present === undefined) return cannotTell(ctx, 'whether LOGGING is configured', logging);
    ctx.report({
      message: `${logging.binding ? 'LOGGING is empty' : 'LOGGING is not set'}: with DEBUG off, Django's default logging writes errors nowhere but the ADMINS email, so 500 errors leave no trace in the server logs`,
      span: logging.span,
      target: 'LOGGING',
    });
  },
});
