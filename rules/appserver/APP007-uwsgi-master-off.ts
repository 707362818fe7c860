import { defineRule } from '../../src/engine/rule.js';
import { boolOf, describeSource, instanceLabel } from '../../src/model/appserver/query.js';
import { judged, startedBy, target, UWSGI_DOCS } from './APP0.common.js';

export default defineRule({
  meta: {
    id: 'APP007',
    name: 'UwsgiMasterOff',
    title: 'uWSGI runs without its master process',
    severity: 'medium',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Reports a production uWSGI web server without `master = true` (`--master`, `-M`): uWSGI's default is no master. A value of false, off, no or 0 switches it off; any other value, even an empty one, switches it on. uWSGI Emperor vassals and Debian's apps-enabled files, which get a master from their manager's defaults, are not judged.",
      whyIsThisBad:
        'Without the master process nothing respawns a worker that crashes or is killed, there are no graceful reloads (SIGHUP) for deploys, and harakiri timeouts, max-requests recycling, memory limits and the stats server do not work, since the master is what enforces them.',
      example: '[uwsgi]\nmodule = shop.wsgi\nsocket = /run/uwsgi/shop.sock\nprocesses = 4',
      useInstead: '[uwsgi]\nmodule = shop.wsgi\nsocket = /run/uwsgi/shop.sock\nprocesses = 4\nmaster = true',
    },
    fix: 'Add `master = true` to the [uwsgi] section (or `--master` to the command line).',
    references: [`${UWSGI_DOCS}/Options.html#master`, `${UWSGI_DOCS}/ThingsToKnow.html`, `${UWSGI_DOCS}/Management.html`],
    tags: ['app-server', 'uwsgi', 'reliability'],
  },
  scope: 'appServer',
  check(inst, ctx) {
    if (!judged(inst, ctx, ['uwsgi'])) return;
    const o = inst.options.master;
    if (!o || boolOf(o) !== false || !o.certain) return;
    ctx.report({
      message:
        o.source === 'default'
          ? `${instanceLabel(inst)} does not enable the master process (uWSGI's default is off): crashed workers are not respawned, and harakiri, max-requests and graceful reloads do not work`
          : `${instanceLabel(inst)} switches the master process off (${describeSource(o)}): crashed workers are not respawned, and harakiri, max-requests and graceful reloads do not work`,
      span: o.span ?? inst.span,
      related: startedBy(inst),
      target: target(inst, 'master'),
    });
  },
});
