import { defineRule } from '../../src/engine/rule.js';
import { dictGet, truthy, type PyValue } from '../../src/model/python-value.js';
import { settingFact } from './DJ0.deploy-semantics.js';
import { appInstalled, cannotTell, DEPLOY_CHECKLIST, SETTINGS_DOCS, envSourceRelated } from './DJ1.production.js';

const STATICFILES_APP = 'django.contrib.staticfiles';

/** Storages that write static files somewhere else (S3, GCS, Azure...): collectstatic needs no STATIC_ROOT. */
function isRemoteStorage(backend: string): boolean {
  return !backend.startsWith('django.contrib.staticfiles.') && !backend.startsWith('whitenoise.') && !backend.startsWith('django.core.files.storage.');
}

function staticfilesBackend(project: Parameters<typeof appInstalled>[0]): string | undefined {
  const storages = project.settings.get('STORAGES')?.value;
  const entry: PyValue | null | undefined = storages ? dictGet(storages, 'staticfiles') : undefined;
  const backend = entry ? dictGet(entry, 'BACKEND') : undefined;
  if (backend && backend.kind === 'str') return backend.value;
  const legacy = project.settings.get('STATICFILES_STORAGE')?.value;
  return legacy && legacy.kind === 'str' ? legacy.value : undefined;
}

export default defineRule({
  meta: {
    id: 'DJ101',
    name: 'StaticRootUnset',
    title: 'STATIC_ROOT is not set while django.contrib.staticfiles is installed',
    severity: 'high',
    section: 'static-media',
    docs: {
      whatItDoes:
        "Checks that the production settings give STATIC_ROOT a directory when 'django.contrib.staticfiles' is installed and static files are stored on the local file system. No Django system check looks at this.",
      whyIsThisBad:
        "collectstatic refuses to run without STATIC_ROOT, so the deployment either fails at the build step or ships without CSS, JavaScript and admin assets: with DEBUG off, Django does not serve static files itself.",
      example: "INSTALLED_APPS = [..., 'django.contrib.staticfiles']\nSTATIC_URL = 'static/'",
      useInstead: "STATIC_URL = 'static/'\nSTATIC_ROOT = BASE_DIR / 'staticfiles'",
    },
    fix: 'Set STATIC_ROOT to an absolute directory outside the source tree (e.g. BASE_DIR / "staticfiles"), run collectstatic during the build, and serve that directory from the web server or WhiteNoise.',
    references: [`${SETTINGS_DOCS}#static-root`, `${DEPLOY_CHECKLIST}#static-root-and-static-url`, 'https://docs.djangoproject.com/en/stable/howto/static-files/deployment/'],
    tags: ['django', 'static-files'],
  },
  scope: 'django',
  check(project, ctx) {
    const app = appInstalled(project, STATICFILES_APP);
    if (app.answer === false) return;
    if (app.answer === undefined) return cannotTell(ctx, "whether 'django.contrib.staticfiles' is installed", app.fact);
    const backend = staticfilesBackend(project);
    if (backend !== undefined && isRemoteStorage(backend)) return;

    const root = settingFact(project, 'STATIC_ROOT');
    const value = root.value ?? { kind: 'none' };
    const set = truthy(value);
    if (set === true) return;
    if (set === undefined) return cannotTell(ctx, 'whether STATIC_ROOT is set', root);
    const what = root.binding ? `STATIC_ROOT is ${value.kind === 'none' ? 'None' : 'empty'}` : 'STATIC_ROOT is not set';
    ctx.report({
      message: `${what} while '${STATICFILES_APP}' is installed: collectstatic fails, and with DEBUG off no static file (CSS, JavaScript, admin assets) is served`,
      span: root.span,
      target: 'STATIC_ROOT',
      related: envSourceRelated(root.value),
    });
  },
});
