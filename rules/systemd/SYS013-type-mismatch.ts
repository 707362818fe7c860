import { defineRule } from '../../src/engine/rule.js';
import { lastEntry, parseBoolean } from '../../src/model/systemd/query.js';
import { CELERY_DAEMONIZING, celeryCommand, djangoCommand, hasFlag, invocations, isProductionService, optionValues, serviceHeader, serviceType, SYSTEMD_SERVICE, type Invocation, type Word } from './SYS0.common.js';

export default defineRule({
  meta: {
    id: 'SYS013',
    name: 'ServiceTypeMismatch',
    title: 'Type= does not match how the program runs (detaches, or never forks)',
    severity: 'high',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "Reports a production service whose program puts itself in the background (`celery multi start`, celery worker --detach, gunicorn --daemon, uwsgi --daemonize) under a Type= that expects it to stay in the foreground (simple, exec, notify, the default simple), Type=forking for a server that stays in the foreground (gunicorn without --daemon, uvicorn, daphne, celery worker or beat, manage.py runserver), and Type=oneshot for such a server.",
      whyIsThisBad:
        "A detaching program's first process exits at once: under Type=simple systemd sees the service end and kills what is left in its cgroup, so the workers die seconds after starting (or run unsupervised with KillMode=process). Under Type=forking systemd waits for the first process to exit; a foreground server never does, the start times out after TimeoutStartSec and systemd kills it, in a loop with Restart=. Under Type=oneshot there is no start timeout at all: the unit stays 'activating' forever and whatever is ordered after it (multi-user.target at boot) never starts.",
      example: '[Service]\nType=simple\nExecStart=/srv/app/venv/bin/celery -A shop multi start w1 --pidfile=/run/celery/%n.pid',
      useInstead: '[Service]\nType=exec\nExecStart=/srv/app/venv/bin/celery -A shop worker --loglevel=INFO',
    },
    fix: "Run the program in the foreground with Type=exec (celery worker rather than celery multi, gunicorn without --daemon), or keep the daemonising form with Type=forking and PIDFile= as Celery's documented unit does.",
    references: [`${SYSTEMD_SERVICE}#Type=`, `${CELERY_DAEMONIZING}#usage-systemd`, 'https://docs.gunicorn.org/en/stable/settings.html#daemon'],
    tags: ['systemd', 'availability'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    if (!isProductionService(unit)) return;
    const type = serviceType(unit);
    const typeEntry = lastEntry(unit, 'Service', 'Type');
    const typeSpan = typeEntry && typeEntry.value !== '' ? typeEntry.valueSpan : serviceHeader(unit);
    const invs = invocations(unit);
    if (invs.length !== 1) return;
    const inv = invs[0]!;
    const detach = detaches(inv);
    if (detach && ['simple', 'exec', 'notify', 'notify-reload', 'idle'].includes(type)) {
      if (type === 'simple' && parseBoolean(lastEntry(unit, 'Service', 'RemainAfterExit')?.value ?? '') === true) return;
      ctx.report({
        message: `${unit.name} runs ${detach.what}, which detaches into the background, as Type=${type}${typeEntry ? '' : ' (the default)'}: systemd sees the main process exit and stops the service, killing the workers; run it in the foreground (${detach.instead}) with Type=exec, or use Type=forking with PIDFile=`,
        span: detach.word.span,
        target: `${unit.name}:Type`,
        related: typeEntry ? [{ span: typeSpan, message: `Type=${type}` }] : [],
      });
      return;
    }
    if (type === 'oneshot' && !detach && foreground(inv)) {
      ctx.report({
        message: `${unit.name} is Type=oneshot but ${foreground(inv)} runs until stopped: systemd waits for it to exit with no start timeout, so the unit stays 'activating' forever and every unit ordered after it (multi-user.target at boot) waits; use Type=exec with Restart=on-failure`,
        span: typeSpan,
        target: `${unit.name}:Type`,
        related: [{ span: inv.program.span, message: `${foreground(inv)} runs in the foreground` }],
      });
      return;
    }
    if (type === 'forking' && !detach && foreground(inv)) {
      ctx.report({
        message: `${unit.name} is Type=forking but ${foreground(inv)} stays in the foreground: systemd waits for it to exit, the start times out after TimeoutStartSec and the service is killed; use Type=exec (or notify for gunicorn)`,
        span: typeSpan,
        target: `${unit.name}:Type`,
        related: [{ span: inv.program.span, message: `${inv.tool} runs in the foreground` }],
      });
    }
  },
});

function detaches(inv: Invocation): { what: string; word: Word; instead: string } | undefined {
  const celery = celeryCommand(inv);
  if (celery?.text === 'multi') {
    const action = inv.args[inv.args.indexOf(celery) + 1];
    if (!action || ['start', 'restart'].includes(action.text) || !['stop', 'stopwait', 'kill', 'show', 'names', 'expand', 'get', 'help'].includes(action.text)) {
      return { what: 'celery multi', word: celery, instead: 'celery worker' };
    }
  }
  if (celery && (celery.text === 'worker' || celery.text === 'beat')) {
    const d = hasFlag(inv.args, ['--detach']);
    if (d) return { what: `celery ${celery.text} --detach`, word: d, instead: `celery ${celery.text} without --detach` };
  }
  if (inv.tool === 'gunicorn') {
    const d = hasFlag(inv.args, ['--daemon', '-D']);
    if (d) return { what: 'gunicorn --daemon', word: d, instead: 'gunicorn without --daemon' };
  }
  if (inv.tool === 'uwsgi') {
    const d = optionValues(inv.args, ['--daemonize', '--daemonize2'])[0];
    if (d) return { what: 'uwsgi --daemonize', word: d, instead: 'uwsgi without --daemonize' };
  }
  return undefined;
}

function foreground(inv: Invocation): string | undefined {
  switch (inv.tool) {
    case 'gunicorn':
    case 'uvicorn':
    case 'daphne':
    case 'hypercorn':
      return inv.tool;
    case 'celery': {
      const c = celeryCommand(inv);
      return c && (c.text === 'worker' || c.text === 'beat') && !hasFlag(inv.args, ['--detach']) ? `celery ${c.text}` : undefined;
    }
    case 'django':
      return djangoCommand(inv)?.text === 'runserver' ? 'manage.py runserver' : undefined;
    default:
      return undefined;
  }
}
