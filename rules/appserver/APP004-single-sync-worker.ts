import { defineRule } from '../../src/engine/rule.js';
import { describeSource, gunicornWorkerClass, instanceLabel, intOf, optionSpan } from '../../src/model/appserver/query.js';
import type { AppServerOption } from '../../src/model/appserver/types.js';
import { GUNICORN_DESIGN_DOCS, GUNICORN_SETTINGS_DOCS, judged, startedBy, target, UWSGI_DOCS } from './APP0.common.js';

export default defineRule({
  meta: {
    id: 'APP004',
    name: 'SingleSyncWorker',
    title: 'The web server handles one request at a time',
    severity: 'medium',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Reports a production gunicorn web process with one synchronous worker (`--workers 1`, or no `workers` at all: gunicorn's default is 1, or WEB_CONCURRENCY when set) and one thread, and a uWSGI one with one process and no threads. Threads (`--threads 4`, gthread), async workers (gevent, eventlet, uvicorn's worker) or more processes all pass. When the count comes from WEB_CONCURRENCY or another variable the repository does not set, the result is unknown.",
      whyIsThisBad:
        'A sync worker serves exactly one request at a time: while it waits on the database, an external API or a slow client upload, every other visitor queues, and a single slow endpoint stalls the whole site. If that one worker hangs or is killed on timeout, nothing answers until the master starts a new one.',
      example: 'web: gunicorn shop.wsgi --bind 0.0.0.0:$PORT',
      useInstead: 'web: gunicorn shop.wsgi --bind 0.0.0.0:$PORT --workers 3 --threads 2',
    },
    fix: "Run several workers, gunicorn's rule of thumb being (2 x CPU cores) + 1 (`--workers 5`, `workers = multiprocessing.cpu_count() * 2 + 1`, or WEB_CONCURRENCY on a platform), or add threads (`--threads 4`); for uWSGI set `processes` (and `threads`). Containers that scale by replicas still want a few workers or threads per replica.",
    references: [`${GUNICORN_SETTINGS_DOCS}#workers`, `${GUNICORN_DESIGN_DOCS}#how-many-workers`, `${UWSGI_DOCS}/WSGIquickstart.html#adding-concurrency-and-monitoring`],
    tags: ['app-server', 'gunicorn', 'uwsgi', 'performance', 'availability'],
  },
  scope: 'appServer',
  check(inst, ctx) {
    if (!judged(inst, ctx, ['gunicorn', 'uwsgi'])) return;
    if (inst.server === 'gunicorn') {
      const workers = inst.options.workers;
      const klass = gunicornWorkerClass(inst);
      if (klass !== 'sync' || !workers) return;
      if (!inst.options.threads?.certain || !inst.options.worker_class?.certain) return;
      judgeCount(workers, 'gunicorn');
      return;
    }
    // uWSGI: processes x threads, async modes aside.
    if (inst.options.gevent || inst.options.async || inst.options['ugreen'] || inst.options.cheaper) return;
    const threads = intOf(inst.options.threads);
    if (threads === undefined || threads > 1 || !inst.options.threads?.certain) return;
    const processes = inst.options.processes;
    if (processes) judgeCount(processes, 'uWSGI');

    function judgeCount(o: AppServerOption, name: string): void {
      if (o.value.kind === 'unknown') {
        if (o.value.atLeast !== undefined && o.value.atLeast > 1) return;
        if (o.value.variables.length && o.certain) {
          ctx.unknown({
            message: `${instanceLabel(inst)}: the number of workers comes from ${o.value.variables.join(', ')}, which the repository does not set; one sync worker would serve one request at a time`,
            span: optionSpan(inst, o),
            variables: o.value.variables,
            target: target(inst, 'workers'),
          });
        }
        return;
      }
      if (o.value.kind !== 'int' || o.value.value !== 1) return;
      if (!o.certain) {
        if (o.variables?.length) {
          ctx.unknown({
            message: `${instanceLabel(inst)} sets no worker count, so ${name} runs ${o.variables.join(', ')} sync workers, or a single one when it is unset: ${o.doubt ?? `${o.variables.join(', ')} is not set in the repository`}`,
            span: optionSpan(inst, o),
            variables: o.variables,
            target: target(inst, 'workers'),
          });
        }
        return;
      }
      const how = o.source === 'default' ? `sets no ${name === 'gunicorn' ? 'workers' : 'processes'}, so ${name} runs its default single worker` : `runs one worker (${describeSource(o)})`;
      ctx.report({
        message: `${instanceLabel(inst)} ${how} with one thread: it serves one request at a time, and a slow request or a hung worker stalls the site`,
        span: optionSpan(inst, o),
        related: startedBy(inst),
        target: target(inst, 'workers'),
      });
    }
  },
});
