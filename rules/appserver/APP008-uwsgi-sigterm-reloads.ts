import { defineRule } from '../../src/engine/rule.js';
import { boolOf, instanceLabel } from '../../src/model/appserver/query.js';
import type { DeploymentModel } from '../../src/model/types.js';
import { judged, serviceValue, startedBy, target, unitOf, UWSGI_DOCS } from './APP0.common.js';

/** Signals that stop uWSGI 2.0 (SIGINT and SIGQUIT shut it down; SIGTERM reloads it). */
const STOPPING = /^(?:SIG)?(?:INT|QUIT|2|3)$/i;

/** uWSGI 2.1 and later exit on SIGTERM; 2.0.x (every release on PyPI so far) reloads. */
function pinnedAtLeast21(model: DeploymentModel): boolean {
  for (const p of model.djangoProjects) {
    for (const r of p.requirements) {
      if (r.name !== 'uwsgi' && r.name !== 'pyuwsgi') continue;
      const m = /^(\d+)\.(\d+)/.exec(r.pinned ?? '');
      if (m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 1))) return true;
    }
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'APP008',
    name: 'UwsgiSigtermReloads',
    title: 'uWSGI reloads instead of stopping on SIGTERM',
    severity: 'medium',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Reports a production uWSGI with a master process and without `die-on-term`, when what stops it sends SIGTERM: a systemd unit without `KillSignal=SIGQUIT` or `SIGINT`, a Procfile platform, a container runtime, or an unknown launcher. uWSGI 2.0 (every release so far; 2.1 changes this) answers SIGTERM with a brutal reload of all workers, not a shutdown. Emperor vassals and Debian's apps-enabled files are stopped by their manager and are not judged; a requirement pinning uWSGI 2.1 or later passes.",
      whyIsThisBad:
        '`systemctl stop`, `docker stop` and platform restarts send SIGTERM and wait. uWSGI reloads instead of exiting, so the stop hangs until the timeout (90 s for systemd, 10 s for Docker, 30 s on Heroku) and the process is SIGKILLed: in-flight requests are cut off, deploys and restarts are slow, and the unix socket and pidfile are left behind.',
      example: '[uwsgi]\nmaster = true\nmodule = shop.wsgi\nsocket = /run/uwsgi/shop.sock',
      useInstead: '[uwsgi]\nmaster = true\ndie-on-term = true\nmodule = shop.wsgi\nsocket = /run/uwsgi/shop.sock',
    },
    fix: 'Add `die-on-term = true` to the [uwsgi] section (or `--die-on-term`), or, under systemd, set `KillSignal=SIGQUIT` in the unit as the uWSGI systemd guide does.',
    references: [`${UWSGI_DOCS}/Management.html#signals-for-controlling-uwsgi`, `${UWSGI_DOCS}/Systemd.html`, `${UWSGI_DOCS}/Options.html#die-on-term`],
    tags: ['app-server', 'uwsgi', 'reliability'],
  },
  scope: 'appServer',
  check(inst, ctx, model) {
    if (!judged(inst, ctx, ['uwsgi'], false)) return;
    const master = inst.options.master;
    const die = inst.options['die-on-term'];
    if (boolOf(master) !== true || !die || boolOf(die) !== false || !die.certain) return;
    if (pinnedAtLeast21(model)) return;
    let stopper = 'whatever stops it (systemd, Docker, a platform) sends SIGTERM';
    const unit = unitOf(inst, model);
    if (inst.origin === 'systemd') {
      if (!unit) return;
      const kill = serviceValue(unit, 'KillSignal');
      if (kill && STOPPING.test(kill)) return;
      if (kill && !/^(?:SIG)?TERM$|^15$/i.test(kill)) return;
      stopper = `${unit.name} stops it with ${kill ?? 'SIGTERM (systemd\'s default KillSignal)'}`;
    } else if (inst.origin === 'procfile') stopper = 'the platform stops dynos with SIGTERM';
    else if (inst.origin === 'dockerfile' || inst.origin === 'compose') stopper = 'docker stop sends SIGTERM';
    ctx.report({
      message: `${instanceLabel(inst)} runs a master without die-on-term, and ${stopper}: uWSGI 2.0 answers SIGTERM with a brutal reload, so stopping hangs until it is killed and in-flight requests are cut off`,
      span: die.span ?? inst.span,
      related: [...startedBy(inst), ...(master?.span ? [{ span: master.span, message: 'master process on' }] : [])],
      target: target(inst, 'die-on-term'),
    });
  },
});
