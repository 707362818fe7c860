import { defineRule, type RuleContext } from '../../src/engine/rule.js';
import type { SystemdUnit } from '../../src/model/systemd/types.js';
import { entriesOf, execOf, lastEntry, lastValue, parseBoolean, valueRangeSpan } from '../../src/model/systemd/query.js';
import { serviceHeader, serviceType, SYSTEMD_SERVICE, SYSTEMD_SYNTAX } from './SYS0.common.js';

const EXEC_KEYS = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'];

export default defineRule({
  meta: {
    id: 'SYS018',
    name: 'UnitFailsToLoad',
    title: 'A unit file systemd refuses to load',
    severity: 'high',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "Reports what makes systemd refuse a whole unit: an unterminated `[Section` header, a line over 1 MiB, binary content, unbalanced quotes in an Exec*= command line, a service with no ExecStart= (allowed only for Type=oneshot, and then only with ExecStop=, RemainAfterExit=yes or SuccessAction=), and several ExecStart= commands outside Type=oneshot. Path problems are SYS006's. Development units are checked too: they do not load either.",
      whyIsThisBad:
        "systemd marks the unit 'bad-setting' or 'error' and will not start it: `systemctl start` fails, and a deploy that only restarts the service leaves the site down.",
      example: '[Service\nExecStart=/srv/app/venv/bin/gunicorn "shop.wsgi',
      useInstead: '[Service]\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi',
    },
    fix: 'Fix the syntax (close the header bracket or the quote) and check the unit with `systemd-analyze verify` before deploying.',
    references: [SYSTEMD_SYNTAX, `${SYSTEMD_SERVICE}#Command%20lines`, 'https://www.freedesktop.org/software/systemd/man/systemd-analyze.html#systemd-analyze%20verify%20FILE...'],
    tags: ['systemd', 'correctness'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    for (const p of unit.problems) {
      if (!p.fatal) continue;
      ctx.report({ message: `${unit.name}: ${p.message}: systemd refuses to load the unit, so it never starts`, span: p.span, target: `${unit.name}:${p.message}` });
    }
    if (unit.type !== 'service' && unit.type !== 'socket') return;
    if (unit.type === 'service' && !unit.problems.some((p) => p.fatal)) checkExecStart(unit, ctx);
    const section = unit.type === 'service' ? 'Service' : 'Socket';
    for (const key of EXEC_KEYS) {
      for (const entry of entriesOf(unit, section, key)) {
        const parsed = execOf(entry);
        for (const e of parsed.errors) {
          ctx.report({
            message: `${unit.name}: ${key}= has ${e.message.replace(/ in command line$/, '').replace(/^Unbalanced/, 'unbalanced').replace(/^Empty/, 'an empty')}: systemd rejects the setting and the unit does not load`,
            span: valueRangeSpan(entry, e.start, e.end),
            target: `${unit.name}:${key}`,
          });
        }
      }
    }
  },
});

function checkExecStart(unit: SystemdUnit, ctx: RuleContext): void {
  const starts = entriesOf(unit, 'Service', 'ExecStart');
  const parsed = starts.map((e) => ({ entry: e, exec: execOf(e) }));
  if (parsed.some((p) => p.exec.errors.length > 0)) return;
  const commands = parsed.flatMap((p) => p.exec.commands.map((c) => ({ entry: p.entry, command: c })));
  const typeEntry = lastEntry(unit, 'Service', 'Type');
  const type = serviceType(unit);
  const hasStop = entriesOf(unit, 'Service', 'ExecStop').some((e) => e.value !== '');
  const success = lastValue(unit, 'Unit', 'SuccessAction');
  const remain = parseBoolean(lastValue(unit, 'Service', 'RemainAfterExit') ?? '') === true;
  let message: string | undefined;
  let span = serviceHeader(unit);
  if (commands.length === 0) {
    if (!hasStop && !success) message = 'has no ExecStart=, ExecStop= or SuccessAction=';
    else if (type !== 'oneshot') message = `has no ExecStart=, which only Type=oneshot allows (Type=${type})`;
    else if (!remain && !success) message = 'has no ExecStart= and neither SuccessAction= nor RemainAfterExit=yes';
    if (typeEntry && typeEntry.value !== '' && commands.length === 0 && type !== 'oneshot') span = typeEntry.valueSpan;
  } else if (commands.length > 1 && type !== 'oneshot') {
    message = `has more than one ExecStart= command, which only Type=oneshot allows (Type=${type})`;
    span = commands[1]!.entry.valueSpan;
  }
  if (!message) return;
  ctx.report({ message: `${unit.name} ${message}: systemd refuses to load the service, so it never starts`, span, target: `${unit.name}:ExecStart` });
}
