import { defineRule } from '../../src/engine/rule.js';
import { instanceLabel, strOf } from '../../src/model/appserver/query.js';
import { judged, serviceValue, target, unitOf, UWSGI_DOCS } from './APP0.common.js';

const ROOT = /^(?:root|0)$/;

export default defineRule({
  meta: {
    id: 'APP009',
    name: 'UwsgiWorkersAsRoot',
    title: 'uWSGI workers run as root',
    severity: 'high',
    section: 'app-server',
    docs: {
      whatItDoes:
        'Reports a production uWSGI whose `uid` or `gid` is root (or 0), and one started as root by a systemd unit (no `User=`, or `User=root`) whose configuration sets no `uid`, so that uWSGI never drops privileges.',
      whyIsThisBad:
        'Every request runs in a root process: a remote code execution, a path traversal in an upload handler or a deserialisation bug in the application gives the attacker the whole machine (system files, other services, SSH keys) instead of one unprivileged account.',
      example: '[uwsgi]\nmodule = shop.wsgi\nuid = root',
      useInstead: '[uwsgi]\nmodule = shop.wsgi\nuid = www-data\ngid = www-data',
    },
    fix: 'Set `uid` and `gid` to an unprivileged account (uWSGI drops privileges after binding its sockets), or run the unit as that user with `User=`/`Group=` and leave uid/gid unset.',
    references: [`${UWSGI_DOCS}/Options.html#uid`, `${UWSGI_DOCS}/ThingsToKnow.html`, 'https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#User='],
    tags: ['app-server', 'uwsgi', 'security', 'privileges'],
  },
  scope: 'appServer',
  check(inst, ctx, model) {
    if (!judged(inst, ctx, ['uwsgi'], false)) return;
    let explicit = false;
    for (const name of ['uid', 'gid']) {
      const o = inst.options[name];
      const v = strOf(o);
      if (!o || v === undefined || !ROOT.test(v)) continue;
      explicit = true;
      ctx.report({
        message: `${instanceLabel(inst)} sets ${name} = ${v}: its workers keep root privileges, so any flaw in the application is a root compromise`,
        span: o.span ?? inst.span,
        target: target(inst, name),
      });
    }
    if (explicit || inst.origin !== 'systemd') return;
    const unit = unitOf(inst, model);
    if (!unit) return;
    const user = serviceValue(unit, 'User');
    const dynamic = serviceValue(unit, 'DynamicUser');
    if ((user && !ROOT.test(user)) || (dynamic && /^(?:1|yes|y|true|t|on)$/i.test(dynamic))) return;
    if (inst.options.uid) return;
    ctx.report({
      message: `${instanceLabel(inst)} is started as root by ${unit.name} (${user ? `User=${user}` : 'no User='}) and its configuration sets no uid: uWSGI never drops privileges, every worker runs as root`,
      span: inst.span,
      related: [{ span: unit.span, message: `${unit.name} has no unprivileged User=` }],
      target: target(inst, 'uid'),
    });
  },
});
