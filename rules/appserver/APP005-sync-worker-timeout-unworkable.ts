import { defineRule } from '../../src/engine/rule.js';
import { describeSource, gunicornWorkerClass, instanceLabel, intOf } from '../../src/model/appserver/query.js';
import { GUNICORN_DESIGN_DOCS, GUNICORN_SETTINGS_DOCS, judged, startedBy, target } from './APP0.common.js';

/** Below this, ordinary slow requests (a report, an upload, a cold cache) get their worker killed. */
const MIN_TIMEOUT = 5;

export default defineRule({
  meta: {
    id: 'APP005',
    name: 'SyncWorkerTimeoutUnworkable',
    title: "gunicorn's worker timeout is off or too short for sync workers",
    severity: 'medium',
    section: 'app-server',
    docs: {
      whatItDoes:
        `Reports a production gunicorn with sync workers (the default class, one thread) whose \`timeout\` is 0, which gunicorn documents as disabling the timeout entirely, or below ${MIN_TIMEOUT} seconds. Other worker classes (gthread, gevent, uvicorn) are skipped: for them the timeout only checks that the worker process is alive, not how long a request takes.`,
      whyIsThisBad:
        'For a sync worker the timeout is the only guard against a request that never finishes: with 0, a worker stuck on a hung database call or an external API is never recycled, and after a few of those no worker is left to answer. A timeout of a few seconds does the opposite: every request slower than that (an export, an upload, a cold cache) gets its worker killed mid-response and the client a 502.',
      example: 'gunicorn shop.wsgi --workers 4 --timeout 0',
      useInstead: 'gunicorn shop.wsgi --workers 4 --timeout 60',
    },
    fix: "Set a timeout above your slowest legitimate request and at or below nginx's proxy_read_timeout (gunicorn's default is 30 s); move long work to a task queue, or use a threaded/async worker class when requests must stay open longer.",
    references: [`${GUNICORN_SETTINGS_DOCS}#timeout`, `${GUNICORN_DESIGN_DOCS}#choosing-a-worker-type`],
    tags: ['app-server', 'gunicorn', 'reliability'],
  },
  scope: 'appServer',
  check(inst, ctx) {
    if (!judged(inst, ctx, ['gunicorn'], false)) return;
    const o = inst.options.timeout;
    const seconds = intOf(o);
    if (!o || seconds === undefined || o.source === 'default' || !o.certain) return;
    if (gunicornWorkerClass(inst) !== 'sync' || !inst.options.worker_class?.certain || !inst.options.threads?.certain) return;
    if (seconds === 0) {
      ctx.report({
        message: `${instanceLabel(inst)} disables the worker timeout (${describeSource(o)}): a sync worker stuck on a request is never recycled, and the site runs out of workers`,
        span: o.span ?? inst.span,
        related: startedBy(inst),
        target: target(inst, 'timeout'),
      });
    } else if (seconds < MIN_TIMEOUT) {
      ctx.report({
        message: `${instanceLabel(inst)} kills any sync worker silent for more than ${seconds} s (${describeSource(o)}): ordinary slow requests end in a 502 and a worker restart`,
        span: o.span ?? inst.span,
        related: startedBy(inst),
        target: target(inst, 'timeout'),
      });
    }
  },
});
