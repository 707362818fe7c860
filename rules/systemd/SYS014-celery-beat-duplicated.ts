import { defineRule } from '../../src/engine/rule.js';
import { CELERY_DAEMONIZING, celeryCommand, hasFlag, invocations, isProductionService } from './SYS0.common.js';

export default defineRule({
  meta: {
    id: 'SYS014',
    name: 'CeleryBeatMayRunTwice',
    title: 'celery beat embedded in a worker (-B) or run from a template unit',
    severity: 'medium',
    section: 'process-manager',
    docs: {
      whatItDoes:
        'Reports a production service that runs `celery worker` with -B/--beat (the scheduler embedded in the worker), and `celery beat` started from a template unit (beat@.service), which can run as several instances.',
      whyIsThisBad:
        "Celery's documentation says -B is for development: every worker started with it runs its own scheduler, so as soon as a second worker (or a second instance of a template) runs, every periodic task is sent twice: duplicate e-mails, double billing runs, races on the same rows.",
      example: '[Service]\nExecStart=/srv/app/venv/bin/celery -A shop worker -B --loglevel=INFO',
      useInstead: '# celery-worker.service\nExecStart=/srv/app/venv/bin/celery -A shop worker --loglevel=INFO\n# celery-beat.service (exactly one)\nExecStart=/srv/app/venv/bin/celery -A shop beat --loglevel=INFO',
    },
    fix: 'Run celery beat as its own single service (one instance, no template), and start workers without -B.',
    references: [`${CELERY_DAEMONIZING}#usage-systemd`, 'https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html#starting-the-scheduler'],
    tags: ['systemd', 'celery'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    if (!isProductionService(unit)) return;
    for (const inv of invocations(unit)) {
      const cmd = celeryCommand(inv);
      if (!cmd) continue;
      if (cmd.text === 'worker') {
        const beat = hasFlag(inv.args, ['-B', '--beat']);
        if (!beat) continue;
        ctx.report({
          message: `${unit.name} runs celery worker with ${beat.text} (embedded beat): each worker started this way runs its own scheduler, so with a second worker every periodic task runs twice; run celery beat as its own single service`,
          span: beat.span,
          target: `${unit.name}:beat`,
        });
      } else if (cmd.text === 'beat' && unit.template) {
        ctx.report({
          message: `${unit.name} is a template that runs celery beat: each instance started runs its own scheduler and every periodic task is sent once per instance; run beat from a plain (non-template) unit`,
          span: cmd.span,
          target: `${unit.name}:beat`,
        });
      }
    }
  },
});
