import { defineRule } from '../../src/engine/rule.js';
import { executableKind } from '../../src/parse/systemd/exec.js';
import { entriesOf, execOf, isTemplatePlaceholder, valueRangeSpan } from '../../src/model/systemd/query.js';
import { SYSTEMD_EXEC, SYSTEMD_SERVICE } from './SYS0.common.js';

const EXEC_KEYS = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'];

export default defineRule({
  meta: {
    id: 'SYS006',
    name: 'PathNotAbsolute',
    title: 'An executable, WorkingDirectory= or EnvironmentFile= path that systemd refuses',
    severity: 'high',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "Reports Exec*= programs that are neither absolute paths nor plain names (systemd ≥ 239 looks plain names up in its fixed search path, but `venv/bin/gunicorn`, `./run.sh`, `~/bin/x` or `${VENV}/bin/x` are refused: variables are not expanded in the program path), a WorkingDirectory= that is neither absolute nor `~`, and an EnvironmentFile= that is not absolute. Values that start with a specifier (%h ...) or hold template placeholders (`{{ app_dir }}`, `<%= dir %>`, `PROJECT_DIR` ...) are left alone; `$HOME/app` is reported, as systemd expands no variables there. Checked in every unit, development ones included: systemd refuses them anywhere.",
      whyIsThisBad:
        "systemd refuses the unit when it loads ('Neither a valid executable name nor an absolute path', 'WorkingDirectory= path is not absolute'): the service never starts. A relative EnvironmentFile= is skipped with only a log line, so the app starts without its settings and secrets.",
      example: '[Service]\nWorkingDirectory=srv/app\nEnvironmentFile=.env.production\nExecStart=venv/bin/gunicorn shop.wsgi',
      useInstead: '[Service]\nWorkingDirectory=/srv/app\nEnvironmentFile=/srv/app/.env.production\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi',
    },
    fix: 'Write absolute paths (WorkingDirectory=/srv/app, ExecStart=/srv/app/venv/bin/gunicorn ...); put variable parts in the arguments, or behind a specifier such as %h.',
    references: [`${SYSTEMD_SERVICE}#Command%20lines`, `${SYSTEMD_EXEC}#WorkingDirectory=`, `${SYSTEMD_EXEC}#EnvironmentFile=`],
    tags: ['systemd', 'correctness'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    if (unit.type !== 'service' && unit.type !== 'socket') return;
    const section = unit.type === 'service' ? 'Service' : 'Socket';
    for (const key of EXEC_KEYS) {
      for (const entry of entriesOf(unit, section, key)) {
        for (const command of execOf(entry).commands) {
          if (executableKind(command.path) !== 'invalid' || /\{\{|\{%|<%/.test(entry.value)) continue;
          const p = command.path;
          const why = /\$\{?\w/.test(p.text) ? 'variables are not expanded in the program path' : p.text.startsWith('~') ? '~ is not expanded there' : 'it is neither absolute nor a plain program name';
          const ignored = command.prefixes.includes('-');
          ctx.report({
            message: ignored
              ? `${unit.name}: ${key}=${p.text} is not a path systemd accepts (${why}); with the '-' prefix systemd drops the command, so it never runs; use the absolute path`
              : `${unit.name}: ${key}=${p.text} is not a path systemd accepts (${why}), so the unit fails to load and never starts; use the absolute path`,
            span: valueRangeSpan(entry, p.start, p.end),
            target: `${unit.name}:${key}:${p.text}`,
          });
        }
      }
    }
    if (unit.type !== 'service') return;
    for (const entry of entriesOf(unit, 'Service', 'WorkingDirectory')) {
      const optional = entry.value.startsWith('-');
      const path = optional ? entry.value.slice(1) : entry.value;
      if (path === '' || path === '~' || path.startsWith('/') || path.startsWith('%') || isTemplatePlaceholder(path)) continue;
      ctx.report({
        message: optional
          ? `${unit.name}: WorkingDirectory=${entry.value} is not absolute; systemd ignores it and the service runs in / instead; write the absolute path`
          : `${unit.name}: WorkingDirectory=${path} is not absolute (only an absolute path or ~ is accepted), so the unit fails to load and never starts; write the absolute path`,
        span: entry.valueSpan,
        target: `${unit.name}:WorkingDirectory`,
      });
    }
    for (const entry of entriesOf(unit, 'Service', 'EnvironmentFile')) {
      const path = entry.value.startsWith('-') ? entry.value.slice(1) : entry.value;
      if (path === '' || path.startsWith('/') || path.startsWith('%') || isTemplatePlaceholder(path)) continue;
      ctx.report({
        message: `${unit.name}: EnvironmentFile=${path} is not absolute, so systemd skips it (only logging it) and the app starts without those settings and secrets; write the absolute path`,
        span: entry.valueSpan,
        target: `${unit.name}:EnvironmentFile:${path}`,
      });
    }
  },
});
