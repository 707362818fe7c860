import { defineRule } from '../../src/engine/rule.js';
import { lastEntry } from '../../src/model/systemd/query.js';
import { celeryCommand, djangoCommand, invocations, isProductionService, SYSTEMD_SERVICE, type Invocation } from './SYS0.common.js';
import type { DeploymentModel } from '../../src/model/types.js';

export default defineRule({
  meta: {
    id: 'SYS010',
    name: 'NotifyTypeWithoutNotify',
    title: 'Type=notify for a program that never tells systemd it is ready',
    severity: 'high',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "Reports Type=notify (or notify-reload) on a production service whose main program is known not to send sd_notify READY=1: celery, uvicorn, daphne, manage.py runserver, flask run, and gunicorn older than 20.0 when the requirements pin it. gunicorn 20.0 and later, uWSGI and unknown programs are not reported.",
      whyIsThisBad:
        'systemd waits for READY=1 until TimeoutStartSec (90 s by default), then considers the start failed, kills the service and, with Restart=, starts it again: the app serves for a minute and a half at a time, and units ordered after it wait or fail.',
      example: '[Service]\nType=notify\nExecStart=/srv/app/venv/bin/celery -A shop worker',
      useInstead: '[Service]\nType=exec\nExecStart=/srv/app/venv/bin/celery -A shop worker',
    },
    fix: 'Use Type=exec (or simple) for programs that do not speak the notify protocol; keep Type=notify for gunicorn ≥ 20 and uWSGI, which do.',
    references: [`${SYSTEMD_SERVICE}#Type=`, 'https://www.freedesktop.org/software/systemd/man/sd_notify.html', 'https://github.com/benoitc/gunicorn/issues/2165'],
    tags: ['systemd', 'availability'],
  },
  scope: 'systemd',
  check(unit, ctx, model) {
    if (!isProductionService(unit)) return;
    const type = lastEntry(unit, 'Service', 'Type');
    if (!type || (type.value !== 'notify' && type.value !== 'notify-reload')) return;
    const invs = invocations(unit);
    // Only the program systemd starts directly can notify (NotifyAccess=main): shell wrappers are not judged.
    const main = invs.find((i) => !i.viaShell);
    if (!main || invs.length !== 1) return;
    const why = silentReason(main, model);
    if (!why) return;
    ctx.report({
      message: `${unit.name} is Type=${type.value} but ${why}: systemd waits for READY=1 until TimeoutStartSec, then kills the service as failed to start; use Type=exec`,
      span: type.valueSpan,
      target: `${unit.name}:Type`,
      related: [{ span: main.program.span, message: `${main.tool} does not send READY=1` }],
    });
  },
});

function silentReason(inv: Invocation, model: DeploymentModel): string | undefined {
  switch (inv.tool) {
    case 'celery':
      return celeryCommand(inv) ? `celery ${celeryCommand(inv)!.text} never sends sd_notify READY=1` : undefined;
    case 'uvicorn':
    case 'daphne':
      return `${inv.tool} never sends sd_notify READY=1`;
    case 'django':
      return djangoCommand(inv)?.text === 'runserver' ? 'manage.py runserver never sends sd_notify READY=1' : undefined;
    case 'flask':
      return 'flask run never sends sd_notify READY=1';
    case 'gunicorn': {
      const old = oldGunicorn(model);
      return old ? `gunicorn ${old} (pinned in the requirements) predates sd_notify support, added in 20.0` : undefined;
    }
    default:
      return undefined;
  }
}

/** A pinned gunicorn older than 20.0 in any project's main requirements. */
function oldGunicorn(model: DeploymentModel): string | undefined {
  for (const p of model.djangoProjects) {
    for (const r of p.requirements) {
      if (r.name !== 'gunicorn' || r.scope !== 'main' || !r.pinned) continue;
      const major = Number(r.pinned.split('.')[0]);
      if (Number.isFinite(major) && major < 20) return r.pinned;
    }
  }
  return undefined;
}
