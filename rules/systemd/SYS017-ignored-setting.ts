import { defineRule } from '../../src/engine/rule.js';
import { KNOWN_KEYS } from '../../src/model/systemd/known-keys.js';
import { SYSTEMD_SYNTAX, SYSTEMD_UNIT } from './SYS0.common.js';

export default defineRule({
  meta: {
    id: 'SYS017',
    name: 'SettingIgnoredBySystemd',
    title: 'A line, key or section that systemd ignores',
    severity: 'medium',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "Reports what systemd skips with only a log line: a line without '=' (the obsolete `.include` directive among them), an assignment before any section, a section the unit type does not have (`[service]` in lower case, `[Instal]`), a key placed in the wrong section (`After=` in [Service], `StartLimitIntervalSec=` in [Service], `Restart=` in [Unit]), and a key systemd does not know that looks like a misspelt one (`Restrat=`, `user=`, `EnviromentFile=`). Keys unknown to systemd 252 that resemble no known key are not reported: newer releases may know them. Checked in production units only.",
      whyIsThisBad:
        'The setting silently does not apply: a misspelt User= leaves the service running as root, a misspelt Restart= leaves it dead after a crash, and a whole `[service]` section is dropped. Nothing fails at deploy time, so the mistake lives on.',
      example: '[Service]\nUsers=www-data\nRestrat=on-failure',
      useInstead: '[Service]\nUser=www-data\nRestart=on-failure',
    },
    fix: 'Correct the spelling (keys and section names are case-sensitive); run `systemd-analyze verify` on the unit to see every warning.',
    references: [SYSTEMD_SYNTAX, SYSTEMD_UNIT, 'https://www.freedesktop.org/software/systemd/man/systemd-analyze.html#systemd-analyze%20verify%20FILE...'],
    tags: ['systemd', 'correctness'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    if (unit.role !== 'production') return;
    // Line-independent identities: the n-th problem of a kind in a file.
    const seen = new Map<string, number>();
    const ordinal = (p: { message: string; span: { file: string } }) => {
      const k = `${p.span.file}:${p.message}`;
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      return `${p.span.file}:${n}`;
    };
    for (const p of unit.problems) {
      if (p.fatal) continue;
      if (p.kind === 'unknown-key') {
        const section = /in section \[([^\]]+)\]/.exec(p.message)?.[1] ?? '';
        const home = sectionsOf(unit.type).find((s) => s !== section && KNOWN_KEYS[s]?.has(p.name ?? ''));
        if (home) {
          ctx.report({
            message: `${unit.name}: ${p.name}= belongs in [${home}]; in [${section}] systemd ignores it, so it has no effect`,
            span: p.span,
            target: `${unit.name}:${section}:${p.name}`,
          });
          continue;
        }
        const guess = closestKey(p.name ?? '', KNOWN_KEYS[section]);
        if (!guess) continue;
        ctx.report({
          message: `${unit.name}: systemd does not know ${p.name}= in [${section}] and ignores it; did you mean ${guess}=?`,
          span: p.span,
          target: `${unit.name}:${section}:${p.name}`,
        });
      } else if (p.kind === 'unknown-section') {
        const known = ['Unit', 'Service', 'Socket', 'Timer', 'Path', 'Mount', 'Install'];
        const guess = known.find((k) => k.toLowerCase() === (p.name ?? '').toLowerCase()) ?? closestKey(p.name ?? '', new Set(known));
        ctx.report({
          message: `${unit.name}: systemd ignores the whole [${p.name}] section (${guess ? `did you mean [${guess}]?` : `a ${unit.type} unit has no such section`}), so none of its settings apply`,
          span: p.span,
          target: `${unit.name}:[${p.name}]`,
        });
      } else if (p.kind === 'syntax' && p.name === '.include') {
        ctx.report({
          message: `${unit.name}: systemd no longer supports .include and ignores this line, so none of the included file's settings apply; put the overrides in a drop-in (${unit.name}.d/override.conf)`,
          span: p.span,
          target: `${unit.name}:include:${ordinal(p)}`,
        });
      } else if (p.kind === 'syntax') {
        ctx.report({ message: `${unit.name}: ${p.message.replace(/\.? ?Ignoring\.?$|, ignoring line\.$/i, '')}: systemd ignores this line`, span: p.span, target: `${unit.name}:ignored-line:${ordinal(p)}` });
      }
    }
  },
});

function sectionsOf(type: string): string[] {
  const own = { service: 'Service', socket: 'Socket', timer: 'Timer', path: 'Path', mount: 'Mount' }[type];
  return own ? ['Unit', own, 'Install'] : ['Unit', 'Install'];
}

/** A known key one or two edits away (or differing only in case); undefined when none or several. */
function closestKey(name: string, known: ReadonlySet<string> | undefined): string | undefined {
  if (!known || name === '') return undefined;
  const lower = name.toLowerCase();
  const byCase = [...known].filter((k) => k.toLowerCase() === lower);
  if (byCase.length === 1) return byCase[0];
  const limit = name.length <= 5 ? 1 : 2;
  let best: string[] = [];
  let bestDistance = limit + 1;
  for (const k of known) {
    if (Math.abs(k.length - name.length) > limit) continue;
    const d = distance(lower, k.toLowerCase(), limit);
    if (d < bestDistance) {
      bestDistance = d;
      best = [k];
    } else if (d === bestDistance) best.push(k);
  }
  return best.length === 1 ? best[0] : undefined;
}

/** Damerau-Levenshtein (optimal string alignment) distance, capped. */
function distance(a: string, b: string, cap: number): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > cap) return cap + 1;
  }
  return d[a.length]![b.length]!;
}
