import { defineRule } from '../../src/engine/rule.js';
import { filesOfKind } from '../../src/model/files.js';
import { entriesOf, lastEntry, parseTimespan } from '../../src/model/systemd/query.js';
import { GUNICORN_SETTINGS, invocations, isProductionService, optionValues, SYSTEMD_SERVICE, type Word } from './SYS0.common.js';

/** gunicorn's default graceful_timeout, in seconds. */
const GUNICORN_GRACEFUL_DEFAULT = 30;

export default defineRule({
  meta: {
    id: 'SYS009',
    name: 'StopTimeoutShorterThanGraceful',
    title: "TimeoutStopSec= shorter than gunicorn's graceful timeout",
    severity: 'low',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "Reports a production service that starts gunicorn when the unit's stop timeout (TimeoutStopSec=, or TimeoutSec=) is set and shorter than gunicorn's graceful timeout: --graceful-timeout on the command line, or gunicorn's default of 30 seconds when the command line names no configuration file, no gunicorn configuration file is in the repository and GUNICORN_CMD_ARGS is not set. A graceful timeout set in gunicorn.conf.py is not read here yet.",
      whyIsThisBad:
        'On stop or restart gunicorn lets workers finish their requests for up to the graceful timeout; systemd sends SIGKILL when its own stop timeout ends first, so every deploy cuts the requests still running (uploads, reports, payments) instead of letting them finish.',
      example: '[Service]\nExecStart=/srv/app/venv/bin/gunicorn --graceful-timeout 30 shop.wsgi\nTimeoutStopSec=5',
      useInstead: '[Service]\nExecStart=/srv/app/venv/bin/gunicorn --graceful-timeout 30 shop.wsgi\nTimeoutStopSec=35',
    },
    fix: 'Make TimeoutStopSec= a few seconds longer than gunicorn\'s graceful timeout (e.g. 35 for the default 30), or lower --graceful-timeout to what you can afford to wait.',
    references: [`${SYSTEMD_SERVICE}#TimeoutStopSec=`, `${GUNICORN_SETTINGS}#graceful-timeout`],
    tags: ['systemd', 'app-server', 'availability'],
  },
  scope: 'systemd',
  check(unit, ctx, model) {
    if (!isProductionService(unit)) return;
    const stop = lastEntry(unit, 'Service', 'TimeoutStopSec') ?? lastEntry(unit, 'Service', 'TimeoutSec');
    if (!stop || stop.value === '') return;
    const stopSec = parseTimespan(stop.value);
    if (stopSec === undefined || stopSec === 0 || stopSec === Infinity) return;
    const gunicorn = invocations(unit).find((i) => i.tool === 'gunicorn');
    if (!gunicorn) return;
    const flag = optionValues(gunicorn.args, ['--graceful-timeout'])[0];
    let graceful: number | undefined;
    let where: Word | undefined;
    if (flag) {
      graceful = /^\d+$/.test(flag.text) ? Number(flag.text) : undefined;
      where = flag;
    } else {
      const configured =
        optionValues(gunicorn.args, ['--config'], ['-c']).length > 0 ||
        entriesOf(unit, 'Service', 'Environment').some((e) => e.value.includes('GUNICORN_CMD_ARGS')) ||
        filesOfKind(model.files, 'gunicorn-config').length > 0;
      if (!configured) graceful = GUNICORN_GRACEFUL_DEFAULT;
    }
    if (graceful === undefined || stopSec >= graceful) return;
    ctx.report({
      message: `${unit.name}: ${stop.key}=${stop.value} is shorter than gunicorn's graceful timeout (${graceful}s${flag ? '' : ', its default'}): systemd SIGKILLs the workers while they are still finishing requests, so each restart cuts them; set ${stop.key}=${graceful + 5}`,
      span: stop.valueSpan,
      target: `${unit.name}:${stop.key}`,
      related: where ? [{ span: where.span, message: `--graceful-timeout ${where.text}` }] : [],
    });
  },
});
