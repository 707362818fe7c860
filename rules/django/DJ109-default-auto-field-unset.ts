import { defineRule } from '../../src/engine/rule.js';
import { moduleAnchor, versionAtLeast } from '../../src/model/django-helpers.js';
import { decidingVariables } from '../../src/model/python-value.js';
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
        "Reports production settings that do not set DEFAULT_AUTO_FIELD on Django 3.2 up to 5.2 while one of the project's own installed apps has a concrete model without an explicit primary key and an AppConfig without default_auto_field: exactly the models for which Django raises models.W042. Not applicable before 3.2 (the setting did not exist), from 6.0 (the default became BigAutoField), or when no such model exists.",
      whyIsThisBad:
        "Every check run prints W042 for each such model, which buries real warnings, and their tables get 32-bit keys that overflow at about 2.1 billion rows. Setting it later makes makemigrations produce primary-key migrations for every table.",
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
    const models = project.implicitPkModels;
    const installedApps = project.settings.get('INSTALLED_APPS');
    if (models === undefined) {
      ctx.unknown({
        message: 'DEFAULT_AUTO_FIELD is not set, and INSTALLED_APPS is not known statically, so it cannot be told which models get an automatic 32-bit key',
        span: moduleAnchor(project),
        target: 'DEFAULT_AUTO_FIELD',
        variables: installedApps ? decidingVariables(installedApps.value) : [],
      });
      return;
    }
    if (models.length === 0) {
      ctx.notApplicable('no model of a local installed app relies on an automatic primary key');
      return;
    }
    const names = models.slice(0, 3).map((m) => `${m.app}.${m.model}`).join(', ') + (models.length > 3 ? `, and ${models.length - 3} more` : '');
    ctx.report({
      message: `DEFAULT_AUTO_FIELD is not set on ${djangoVersionLabel(project)}, so ${names} ${models.length === 1 ? 'gets' : 'get'} a 32-bit AutoField primary key and every check run warns models.W042`,
      span: moduleAnchor(project),
      target: 'DEFAULT_AUTO_FIELD',
      related: models.slice(0, 10).map((m) => ({ span: m.span, message: `${m.app}.${m.model} has no explicit primary key` })),
    });
  },
});
