import { defineRule } from '../../src/engine/rule.js';
import { versionAtLeast } from '../../src/model/django-helpers.js';
import { djangoVersionLabel } from './DJ0.deploy-semantics.js';
import { SETTINGS_DOCS } from './DJ1.production.js';

const LEGACY = ['STATICFILES_STORAGE', 'DEFAULT_FILE_STORAGE'] as const;

export default defineRule({
  meta: {
    id: 'DJ120',
    name: 'LegacyStorageSettings',
    title: 'STATICFILES_STORAGE / DEFAULT_FILE_STORAGE are ignored or conflict with STORAGES',
    severity: 'high',
    section: 'static-media',
    docs: {
      whatItDoes:
        'Reports STATICFILES_STORAGE and DEFAULT_FILE_STORAGE on Django 5.1+, which no longer reads them, and on 4.2 to 5.0 when STORAGES is set as well (Django then refuses to start: the two are mutually exclusive). Not applicable before 4.2, where they are the only way to choose storages.',
      whyIsThisBad:
        'On 5.1+ the setting is silently ignored: a WhiteNoise compressed-manifest storage or an S3 media storage quietly falls back to the local file system, so static files lose their hashed names and uploads land on the ephemeral app server disk. On 4.2 to 5.0 with STORAGES also set, every process fails at startup with ImproperlyConfigured.',
      example: "STATICFILES_STORAGE = 'whitenoise.storage.CompressedManifestStaticFilesStorage'",
      useInstead: "STORAGES = {\n    'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},\n    'staticfiles': {'BACKEND': 'whitenoise.storage.CompressedManifestStaticFilesStorage'},\n}",
    },
    fix: "Move the backends into STORAGES ('staticfiles' for STATICFILES_STORAGE, 'default' for DEFAULT_FILE_STORAGE) and delete the old settings.",
    references: [`${SETTINGS_DOCS}#storages`, 'https://docs.djangoproject.com/en/stable/releases/4.2/#custom-file-storages', 'https://docs.djangoproject.com/en/stable/releases/5.1/#features-removed-in-5-1'],
    tags: ['django', 'static-files', 'media', 'upgrade'],
  },
  scope: 'django',
  check(project, ctx) {
    const version = project.djangoVersion;
    if (!versionAtLeast(version, 4, 2)) {
      ctx.notApplicable(`${djangoVersionLabel(project)}: STORAGES does not exist yet, so these settings are the current ones`);
      return;
    }
    const removed = versionAtLeast(version, 5, 1);
    const storages = project.settings.get('STORAGES');
    for (const name of LEGACY) {
      const binding = project.settings.get(name);
      if (!binding) continue;
      if (removed) {
        ctx.report({
          message: `${name} is set, but ${djangoVersionLabel(project)} no longer reads it: the backend it names is silently not used${storages ? '' : ' and Django\'s default storage applies'}`,
          span: binding.span,
          target: name,
        });
      } else if (storages) {
        ctx.report({
          message: `${name} and STORAGES are both set: ${djangoVersionLabel(project)} raises ImproperlyConfigured (they are mutually exclusive), so the site does not start`,
          span: binding.span,
          target: name,
          related: [{ span: storages.span, message: 'STORAGES is set here' }],
        });
      }
    }
  },
});
