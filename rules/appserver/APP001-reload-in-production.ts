import { defineRule } from '../../src/engine/rule.js';
import { describeSource, instanceLabel, reloadOption } from '../../src/model/appserver/query.js';
import { GUNICORN_SETTINGS_DOCS, judged, startedBy, target, UVICORN_SETTINGS_DOCS, UWSGI_DOCS } from './APP0.common.js';

export default defineRule({
  meta: {
    id: 'APP001',
    name: 'ReloadInProduction',
    title: 'Code reloading is on in a production app server',
    severity: 'high',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Reports gunicorn's `reload` (`--reload`, `reload = True` in gunicorn.conf.py), uvicorn's `--reload` and uWSGI's `py-autoreload` (above 0) in a production app server, whether set on its command line or in its config file. `--reload` and `--py-autoreload` on a systemd ExecStart= line are left to the systemd rules (SYS002); Django's runserver has its own rule.",
      whyIsThisBad:
        'Reloading is a development aid: the server watches every imported file (polling or inotify, which costs CPU on every worker), and restarts workers whenever a file changes, so a deploy that copies files in place, a log or upload written under the code tree, or an editor on the server bounces the site in the middle of requests. gunicorn also cannot combine it with `preload_app`, and uvicorn runs a single process under it whatever `--workers` says.',
      example: '# gunicorn.conf.py\nbind = "127.0.0.1:8000"\nworkers = 4\nreload = True',
      useInstead: '# gunicorn.conf.py\nbind = "127.0.0.1:8000"\nworkers = 4\n# reload on deploys with: systemctl reload gunicorn (SIGHUP)',
    },
    fix: 'Remove the reload option from the production command line or config file (keep it in a development Procfile.dev or compose override). To pick up new code, reload the server on deploy: `kill -HUP` the gunicorn master (systemctl reload), `uwsgi --reload pidfile` or touch-reload.',
    references: [`${GUNICORN_SETTINGS_DOCS}#reload`, UVICORN_SETTINGS_DOCS, `${UWSGI_DOCS}/Options.html#py-autoreload`],
    tags: ['app-server', 'gunicorn', 'uwsgi', 'uvicorn', 'reliability'],
  },
  scope: 'appServer',
  check(inst, ctx) {
    if (!judged(inst, ctx, ['gunicorn', 'uvicorn', 'uwsgi'], false)) return;
    const { on, option } = reloadOption(inst);
    if (!option || option.source === 'default') return;
    // `--reload` / `--py-autoreload` on an ExecStart= line are reported by the systemd rules (SYS002).
    if (inst.origin === 'systemd' && option.source === 'command-line') return;
    if (on === undefined) {
      if (option.certain && option.value.kind === 'unknown' && option.value.variables.length) {
        ctx.unknown({
          message: `${instanceLabel(inst)}: whether code reloading is on depends on ${option.value.variables.join(', ')}`,
          span: option.span ?? inst.span,
          variables: option.value.variables,
          target: target(inst, 'reload'),
        });
      }
      return;
    }
    if (!on || !option.certain) return;
    const what = inst.server === 'uwsgi' ? 'uWSGI polls the Python modules and reloads' : `${inst.server} watches the code and restarts its workers`;
    ctx.report({
      message: `${describeSource(option)}: ${what} whenever a file changes; reloading is for development, not for a production ${inst.server === 'uwsgi' ? 'uWSGI' : inst.server}`,
      span: option.span ?? inst.span,
      related: startedBy(inst),
      target: target(inst, 'reload'),
    });
  },
});
