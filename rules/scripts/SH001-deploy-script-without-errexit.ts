import { defineRule } from '../../src/engine/rule.js';
import { baseName, deployAction, djangoCommand } from '../../src/model/scripts/build.js';
import type { ScriptCommand, ShellScript } from '../../src/model/scripts/types.js';
import { BASH_SET, deployScript, printsOnly } from './SH0.common.js';

/** Steps whose failure leaves the release broken: fetching code, installing, building, changing directory. */
function fallibleStep(c: ScriptCommand): string | undefined {
  const a = c.argv;
  const sub = a[1] ?? '';
  if (c.name === 'cd' && a.length > 1) return `cd ${a[1]}`;
  if (c.name === 'git' && /^(?:pull|fetch|checkout|reset|merge|clone|switch|rebase)$/.test(sub)) return `git ${sub}`;
  if (/^(?:pip|pip3|pipenv|poetry|uv|bundle|composer)$/.test(c.name) && /^(?:install|sync|update)$/.test(sub)) return `${c.name} ${sub}`;
  if (/^python[\d.]*$/.test(c.name) && a[1] === '-m' && a[2] === 'pip') return 'pip install';
  if (/^(?:npm|yarn|pnpm)$/.test(c.name) && /^(?:ci|install|build|run)$/.test(sub)) return `${c.name} ${sub}`;
  if (c.name === 'docker' && /^(?:build|pull)$/.test(sub)) return `docker ${sub}`;
  if ((c.name === 'docker' && sub === 'compose') || c.name === 'docker-compose') {
    const verb = a.find((x, i) => i > (c.name === 'docker' ? 1 : 0) && /^(?:build|pull)$/.test(x));
    if (verb) return `docker compose ${verb}`;
  }
  const dj = djangoCommand(c);
  if (dj === 'migrate' || dj === 'collectstatic' || dj === 'compilemessages') return `manage.py ${dj}`;
  if (/^(?:rsync|scp|make|tar|unzip)$/.test(c.name)) return c.name;
  return undefined;
}

/** What goes live or restarts the application. */
function goesLive(c: ScriptCommand): string | undefined {
  const action = deployAction(c);
  if (action && !/^(?:git pull|ssh to a host|scp to a host|rsync to a host|manage\.py collectstatic)$/.test(action)) return action;
  if (c.name === 'kill' && c.argv.some((x) => /^-(?:HUP|USR2|SIGHUP|1)$/.test(x))) return 'kill -HUP';
  if (c.name === 'touch' && c.argv.some((x) => /\.(?:wsgi|ini)$|reload/.test(baseName(x)))) return `touch ${c.argv[1]}`;
  if (/^(?:uwsgi)$/.test(c.name) && c.argv.some((x) => x.startsWith('--reload'))) return 'uwsgi --reload';
  if (c.name === 'docker' && c.argv[1] === 'service' && c.argv[2] === 'update') return 'docker service update';
  return undefined;
}

function checksStatus(next: ScriptCommand | undefined): boolean {
  return !!next && next.allWords.some((w) => w.includes('$?')) ;
}

function unguardedFailure(script: ShellScript, unit: number): { step: ScriptCommand; stepWhat: string; live: ScriptCommand; liveWhat: string } | undefined {
  const cmds = script.commands.filter((c) => c.unit === unit && !c.defines);
  let first: { c: ScriptCommand; what: string } | undefined;
  for (let n = 0; n < cmds.length; n++) {
    const c = cmds[n]!;
    if (printsOnly(c)) continue;
    const live = goesLive(c);
    if (live && first && !c.errexit && first.c.list !== c.list) return { step: first.c, stepWhat: first.what, live: c, liveWhat: live };
    const what = fallibleStep(c);
    if (!first && what && !c.errexit && !c.guarded && !c.condition && !checksStatus(cmds.slice(n + 1).find((x) => x.list !== c.list))) first = { c, what };
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'SH001',
    name: 'DeployScriptWithoutErrexit',
    title: 'Deploy script goes on after a failed step',
    severity: 'medium',
    section: 'ci-cd',
    docs: {
      whatItDoes:
        "Reports a deploy script (named deploy*/release*/provision*, kept under deploy/ or ops/, or one that restarts services, pulls code on a server or applies migrations) in which a step that can fail (cd, git pull, pip/npm install, docker build/pull, migrate, collectstatic, rsync ...) is followed by a step that puts the release live (systemctl/supervisorctl restart, docker compose up, pm2 reload, kubectl apply, kill -HUP ...) while errexit is off: no `set -e` (or `set -euo pipefail`, `set -o errexit`, `#!/bin/bash -e`) before them, the step not chained with `&&`, not followed by `|| exit`, not an `if` condition and its status not tested. Commands sent through ssh (a heredoc or a quoted command) or `bash -c` run in a shell of their own and are judged on their own. Development scripts and container entrypoints are not judged.",
      whyIsThisBad:
        "A shell carries on after a failed command by default. When `git pull` hits a conflict, `pip install` cannot reach the index or `migrate` fails half way, the script still restarts the application: production now runs a mixture of old and new code, or code whose dependencies or schema are missing, and the deploy log shows success.",
      example: '#!/bin/bash\ncd /srv/shop\ngit pull origin main\npip install -r requirements.txt\nsudo systemctl restart gunicorn',
      useInstead: '#!/bin/bash\nset -euo pipefail\ncd /srv/shop\ngit pull origin main\npip install -r requirements.txt\nsudo systemctl restart gunicorn',
    },
    fix: 'Put `set -euo pipefail` at the top of the script (and at the top of any heredoc sent to ssh, or use `ssh host bash -e <<EOF`), or chain the steps with `&&` / end each with `|| exit 1`.',
    references: [BASH_SET, 'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#set', 'https://www.shellcheck.net/wiki/SC2164'],
    tags: ['scripts', 'deploy', 'reliability'],
  },
  scope: 'script',
  check(script, ctx) {
    if (!deployScript(script, ctx)) return;
    for (const unit of script.units) {
      const hit = unguardedFailure(script, unit.id);
      if (!hit) continue;
      const where = unit.via ? `the commands sent to ${unit.via}` : 'the script';
      const span = unit.viaSpan ?? script.shebang?.span ?? hit.step.span;
      ctx.report({
        message: `${where} run${unit.via ? '' : 's'} without errexit (no set -e): if ${hit.stepWhat} (line ${hit.step.line}) fails, it still goes on to ${hit.liveWhat} (line ${hit.live.line})`,
        span,
        related: [
          { span: hit.step.span, message: `${hit.stepWhat}: a failure here is ignored` },
          { span: hit.live.span, message: `${hit.liveWhat} runs anyway` },
        ],
        target: unit.via ? `errexit:${unit.via}` : 'errexit',
      });
    }
  },
});
