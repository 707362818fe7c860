import { formatSpan } from '../../src/core/position.js';
import { trimEndChars } from '../../src/core/trim.js';
import { defineRule } from '../../src/engine/rule.js';
import { DEPLOY_ROOT } from '../../src/model/build.js';
import { settingValue } from '../../src/model/django-helpers.js';
import { proxiedApps, type ProxiedApp } from '../../src/model/deployment/topology.js';
import { systemdPlacement } from '../../src/model/deployment/writes.js';
import { filesByPath } from '../../src/model/files.js';
import { argValue, isPrefixLocation, locationMatch } from '../../src/model/nginx/effective.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import type { SystemdUnit } from '../../src/model/systemd/types.js';
import type { DeploymentModel } from '../../src/model/types.js';

/**
 * Where the repository sits on the server: from the unit that starts the app server, its
 * WorkingDirectory= minus the repository directory it stands for (`/srv/shop` for the repository
 * root, `/srv/shop` again when WorkingDirectory=/srv/shop/src and that is the repository's `src`),
 * as the write-path rules place it (src/model/deployment/writes.ts systemdPlacement).
 */
function deployedRoot(pa: ProxiedApp, model: DeploymentModel): string | undefined {
  const inst = pa.instance;
  if (!inst || inst.origin !== 'systemd' || !inst.unit) return undefined;
  const unit: SystemdUnit | undefined = model.systemdUnits.find((u) => u.name === inst.unit!.name && u.file === inst.unit!.file);
  return unit ? systemdPlacement(inst.app?.value, unit, filesByPath(model.files)).root : undefined;
}

function normalise(dir: string): string {
  return trimEndChars(dir, '/').replace(/\/{2,}/g, '/');
}

/** The directory nginx serves for URL prefix `url` in this server: an `alias`, or `root` + the URI. */
function servedDirectory(pa: ProxiedApp, url: string): { dir: string; directive: NginxDirective } | undefined {
  const q = pa.query;
  const locs = q.locations(pa.server).filter((l) => isPrefixLocation(l) && url.startsWith(locationMatch(l).pattern) && locationMatch(l).pattern.length > 1);
  const loc = locs.sort((a, b) => locationMatch(b).pattern.length - locationMatch(a).pattern.length)[0];
  if (!loc) return undefined;
  const own = q.levelOf(loc).children;
  const alias = own.find((d) => d.name === 'alias');
  const pattern = locationMatch(loc).pattern;
  if (alias) {
    const a = argValue(alias, 0);
    if (a.includes('$')) return undefined;
    // alias replaces the location's prefix: /static/x -> <alias>x
    return { dir: normalise(a + url.slice(pattern.length)), directive: alias };
  }
  const root = q.effective(loc, 'root');
  if (root.state !== 'set') return undefined;
  const r = argValue(root.directive, 0);
  if (r.includes('$') || !r.startsWith('/')) return undefined;
  return { dir: normalise(r + url), directive: root.directive };
}

const PAIRS: Array<[url: string, root: string]> = [
  ['STATIC_URL', 'STATIC_ROOT'],
  ['MEDIA_URL', 'MEDIA_ROOT'],
];

export default defineRule({
  meta: {
    id: 'XF004',
    name: 'StaticDirectoryMismatch',
    title: 'nginx serves /static/ or /media/ from another directory than STATIC_ROOT / MEDIA_ROOT as deployed',
    severity: 'high',
    section: 'static-media',
    docs: {
      whatItDoes:
        "For a project started by a systemd unit behind nginx, works out where the repository sits on the server (the unit's WorkingDirectory= minus the repository directory it stands for), resolves STATIC_ROOT and MEDIA_ROOT there (BASE_DIR arithmetic included), and compares them with the directory nginx serves for STATIC_URL and MEDIA_URL in the servers that proxy to the project (an alias replaces the location prefix; root appends the whole URI). Reports a difference. Values that depend on variables are left alone.",
      whyIsThisBad:
        "collectstatic writes the files to STATIC_ROOT and uploads land in MEDIA_ROOT, but nginx looks elsewhere: every stylesheet, script and image answers 404, or, worse, nginx serves an old copy from a previous layout.",
      example: "# settings.py: BASE_DIR = /srv/shop (WorkingDirectory)\nSTATIC_ROOT = BASE_DIR / \"staticfiles\"\n# nginx\nlocation /static/ { alias /srv/shop/static/; }",
      useInstead: "location /static/ { alias /srv/shop/staticfiles/; }",
    },
    fix: 'Point the nginx alias (or root) for STATIC_URL at STATIC_ROOT as deployed, and for MEDIA_URL at MEDIA_ROOT (with a trailing slash on both the location and the alias), or change the setting to the directory nginx serves.',
    references: ['https://docs.djangoproject.com/en/stable/howto/static-files/deployment/', 'https://nginx.org/en/docs/http/ngx_http_core_module.html#alias'],
    tags: ['django', 'nginx', 'cross-file', 'static'],
  },
  scope: 'repo',
  check(model, ctx) {
    const apps = proxiedApps(model).filter((p) => p.instance?.origin === 'systemd');
    if (apps.length === 0) {
      ctx.notApplicable('no nginx server in the repository proxies to a Django project started by a systemd unit');
      return;
    }
    const seen = new Set<string>();
    for (const pa of apps) {
      const root = deployedRoot(pa, model);
      if (!root) continue;
      for (const [urlName, rootName] of PAIRS) {
        const url = settingValue(pa.project, urlName).value;
        const dirSetting = settingValue(pa.project, rootName);
        if (url?.kind !== 'str' || !url.value.startsWith('/') || !dirSetting.binding) continue;
        const v = dirSetting.value;
        const raw = v?.kind === 'str' || v?.kind === 'path' ? v.value : undefined;
        if (!raw || !raw.startsWith('/')) continue;
        const deployed = normalise(raw === DEPLOY_ROOT || raw.startsWith(`${DEPLOY_ROOT}/`) ? root.replace(/\/$/, '') + raw.slice(DEPLOY_ROOT.length) : raw);
        const served = servedDirectory(pa, url.value.endsWith('/') ? url.value : `${url.value}/`);
        if (!served || served.dir === deployed) continue;
        const key = `${rootName}|${served.directive.span.file}:${served.directive.span.start.offset}`;
        if (seen.has(key)) continue;
        seen.add(key);
        ctx.report({
          message: `nginx serves ${url.value} from ${served.dir}/, but ${rootName} is ${deployed} on the server (${formatSpan(dirSetting.binding.span)}, with the repository at ${root} as ${pa.instance!.unit!.name} runs it): ${rootName === 'STATIC_ROOT' ? 'collectstatic writes elsewhere, so static files answer 404' : 'uploads are stored elsewhere, so media files answer 404'}`,
          span: served.directive.span,
          related: [
            { span: dirSetting.binding.span, message: `${rootName} is set here` },
            { span: pa.instance!.span, message: `${pa.instance!.unit!.name} runs the project from ${root}` },
          ],
          target: `${rootName}:${served.directive.span.file}`,
        });
      }
    }
  },
});
