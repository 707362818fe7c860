import { defineRule } from '../../src/engine/rule.js';
import { moduleAnchor, versionAtLeast } from '../../src/model/django-helpers.js';
import { djangoVersionLabel } from './DJ0.deploy-semantics.js';
import { SETTINGS_DOCS } from './DJ1.production.js';

export default defineRule({
  meta: {
    id: 'DJ109',
    name: 'DefaultAutoFieldUnset',
    title: 'DEFAULT_AUTO_FIELD is not set (Django 3.2 to 5.2)',
    severity: 'low',
    section: 'database',
    docs: {
      whatItDoes:
        "Reports production settings that do not set DEFAULT_AUTO_FIELD on Django 3.2 up to 5.2, where implicit primary keys default to the 32-bit AutoField and models without an explicit key raise models.W042. Not applicable before 3.2 (the setting did not exist) and from 6.0 (the default became BigAutoField).",
      whyIsThisBad:
        "Every check run prints W042 for each such model, which buries real warnings, and new tables get 32-bit keys that overflow at about 2.1 billion rows. Setting it later makes makemigrations produce primary-key migrations for every table.",
      example: '# DEFAULT_AUTO_FIELD not set',
      useInstead: "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'",
    },
    fix: "Set DEFAULT_AUTO_FIELD explicitly: 'django.db.models.AutoField' to keep existing tables unchanged, or 'django.db.models.BigAutoField' for new projects (then review the migrations it causes).",
    references: [`${SETTINGS_DOCS}#default-auto-field`, 'https://docs.djangoproject.com/en/stable/topics/db/models/#automatic-primary-key-fields'],
    tags: ['django', 'database'],
    djangoCheck: 'models.W042',
  },
  scope: 'django',
  check(project, ctx) {
    const v = project.djangoVersion;
    if (!versionAtLeast(v, 3, 2) || versionAtLeast(v, 6, 0)) {
      ctx.notApplicable(`${djangoVersionLabel(project)}: ${versionAtLeast(v, 6, 0) ? 'BigAutoField is the default' : 'DEFAULT_AUTO_FIELD does not exist yet'}`);
      return;
    }
    if (project.settings.get('DEFAULT_AUTO_FIELD')) return;
    ctx.report({
      message: `DEFAULT_AUTO_FIELD is not set on ${djangoVersionLabel(project)}: models without an explicit primary key get a 32-bit AutoField and every check run warns (models.W042)`,
      span: moduleAnchor(project),
      target: 'DEFAULT_AUTO_FIELD',
    });
  },
});
