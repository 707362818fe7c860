import { defineRule } from '../../src/engine/rule.js';
import { instanceLabel } from '../../src/model/appserver/query.js';
import { GUNICORN_SETTINGS_DOCS, judged, target } from './APP0.common.js';

export default defineRule({
  meta: {
    id: 'APP013',
    name: 'ServerRefusesConfiguration',
    title: 'The app server exits at start: its command line or config is invalid',
    severity: 'blocker',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Reports what makes a production app server exit before serving anything: a gunicorn command line (or GUNICORN_CMD_ARGS) that its argument parser rejects (an ambiguous abbreviation such as `--worker`, an option missing its value, `--workers abc`, a flag given a value such as `--reload=1`), a gunicorn.conf.py value its validator rejects (`reload = \"yes\"`, `timeout = \"03\"`, `workers = -1`), and a Procfile command the shell cannot parse (an unterminated quote). An option the rule does not know is not reported: it may belong to a newer gunicorn.",
      whyIsThisBad:
        'The process exits with a usage or configuration error at every start: the service restarts in a loop (or the dyno crashes) and the site is down from the first deploy, with the reason only in the service log.',
      example: 'web: gunicorn shop.wsgi --worker 4',
      useInstead: 'web: gunicorn shop.wsgi --workers 4',
    },
    fix: "Correct the option as the message says (spell long options in full, give numbers as plain integers, use `reload = True` rather than strings), and check with `gunicorn --check-config ...` in CI.",
    references: [`${GUNICORN_SETTINGS_DOCS}`, 'https://docs.python.org/3/library/argparse.html#allow-abbrev', 'https://devcenter.heroku.com/articles/procfile'],
    tags: ['app-server', 'gunicorn', 'availability'],
  },
  scope: 'appServer',
  check(inst, ctx) {
    if (!judged(inst, ctx, ['gunicorn', 'uwsgi', 'uvicorn', 'daphne', 'hypercorn', 'runserver'], false)) return;
    for (const p of inst.problems) {
      if (!p.fatal) continue;
      ctx.report({
        message: `${instanceLabel(inst)} exits at start: ${p.message}`,
        span: p.span,
        target: target(inst, `refused:${p.message}`),
      });
    }
  },
});
