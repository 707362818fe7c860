import type { Position, Span } from '../../core/position.js';
import { parseExecLine, splitWords, type ExecCommand, type ParsedExec } from '../../parse/systemd/exec.js';
import type { SystemdEntry, SystemdUnit } from './types.js';

/**
 * Reading a built unit the way systemd does: which assignment wins, what a boolean or a time span
 * means, where a word of a command line is. Rules use these instead of re-reading syntax.
 */

/** Every effective entry of a key in a section (resets already applied), in order. */
export function entriesOf(unit: SystemdUnit, section: string, key: string): SystemdEntry[] {
  return unit.entries.filter((e) => e.section === section && e.key === key);
}

/** The assignment that wins for a single-valued key: the last one. */
export function lastEntry(unit: SystemdUnit, section: string, key: string): SystemdEntry | undefined {
  for (let i = unit.entries.length - 1; i >= 0; i--) {
    const e = unit.entries[i]!;
    if (e.section === section && e.key === key) return e;
  }
  return undefined;
}

/** The winning value of a single-valued key; undefined when unset or reset to its default by `Key=`. */
export function lastValue(unit: SystemdUnit, section: string, key: string): string | undefined {
  const e = lastEntry(unit, section, key);
  return e && e.value !== '' ? e.value : undefined;
}

/** systemd's parse_boolean(): 1/yes/y/true/t/on and 0/no/n/false/f/off, any case. */
export function parseBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(v)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(v)) return false;
  return undefined;
}

const TIME_UNITS: Array<[string[], number]> = [
  [['usec', 'us', 'µs', 'μs'], 1e-6],
  [['msec', 'ms'], 1e-3],
  [['seconds', 'second', 'sec', 's'], 1],
  [['minutes', 'minute', 'min', 'm'], 60],
  [['hours', 'hour', 'hr', 'h'], 3600],
  [['days', 'day', 'd'], 86400],
  [['weeks', 'week', 'w'], 604800],
  [['months', 'month', 'M'], 2629800],
  [['years', 'year', 'y'], 31557600],
];

/**
 * A systemd time span in seconds (systemd.time(7): "90", "1min 30s", "5m", "2h30min", "infinity"),
 * with seconds as the unit of a bare number. Undefined when systemd would not parse it.
 */
export function parseTimespan(value: string): number | undefined {
  const v = value.trim();
  if (v === 'infinity') return Infinity;
  if (v === '') return undefined;
  let total = 0;
  let rest = v;
  let any = false;
  while (rest.length > 0) {
    rest = rest.replace(/^\s+/, '');
    if (rest === '') break;
    // µ and μ (micro sign, Greek mu) escaped: the bundle stays ASCII, which the launcher reads as Latin-1 (scripts/bundle.mjs).
    const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z\u00b5\u03bc]*)/.exec(rest);
    if (!m) return undefined;
    const n = Number(m[1]);
    const unit = m[2]!;
    let factor: number | undefined;
    if (unit === '') factor = 1;
    else for (const [names, f] of TIME_UNITS) if (names.includes(unit)) factor = f;
    if (factor === undefined) return undefined;
    total += n * factor;
    rest = rest.slice(m[0].length);
    any = true;
  }
  return any ? total : undefined;
}

/** Where characters `from`..`to` (indices into the entry's value) sit in the file. */
export function valueRangeSpan(entry: SystemdEntry, from: number, to: number): Span {
  const pieces = entry.valuePieces;
  if (!pieces || pieces.length === 0) return entry.valueSpan;
  const at = (i: number, isEnd: boolean): Position => {
    let base = 0;
    for (const p of pieces) {
      const len = p.text.length;
      if (i < base + len || (isEnd && i === base + len)) {
        const d = i - base;
        return { line: p.span.start.line, column: p.span.start.column + d, offset: p.span.start.offset + d };
      }
      base += len;
    }
    return { ...pieces[pieces.length - 1]!.span.end };
  };
  const start = at(Math.max(0, from), false);
  return { file: entry.valueSpan.file, start, end: to > from ? at(to, true) : start };
}

/**
 * The commands of an Exec*= entry, split as systemd splits them. Parsed once per entry: a dozen rules
 * and model readers ask for the same ExecStart= (11 ms of re-parsing a run on the bench monorepo's
 * 50 units). Callers only read the result.
 */
export function execOf(entry: SystemdEntry): ParsedExec {
  let parsed = PARSED_EXEC.get(entry);
  if (parsed === undefined) {
    parsed = parseExecLine(entry.value);
    PARSED_EXEC.set(entry, parsed);
  }
  return parsed;
}
const PARSED_EXEC = new WeakMap<SystemdEntry, ParsedExec>();

/** The one command of the service's effective ExecStart=, with its entry (undefined when none or several). */
export function mainCommand(unit: SystemdUnit): { entry: SystemdEntry; command: ExecCommand } | undefined {
  const starts = entriesOf(unit, 'Service', 'ExecStart').filter((e) => e.value !== '');
  if (starts.length !== 1) return undefined;
  const entry = starts[0]!;
  const parsed = execOf(entry);
  if (parsed.errors.length > 0 || parsed.commands.length !== 1) return undefined;
  return { entry, command: parsed.commands[0]! };
}

/** Every command of every effective ExecStart= entry. */
export function startCommands(unit: SystemdUnit): Array<{ entry: SystemdEntry; command: ExecCommand }> {
  const out: Array<{ entry: SystemdEntry; command: ExecCommand }> = [];
  for (const entry of entriesOf(unit, 'Service', 'ExecStart')) {
    for (const command of execOf(entry).commands) out.push({ entry, command });
  }
  return out;
}

/**
 * The service's Type= as systemd resolves it: the written value, else `simple` when ExecStart= is
 * set, `dbus` with BusName=, otherwise `oneshot`.
 */
export function serviceType(unit: SystemdUnit): string {
  const t = lastValue(unit, 'Service', 'Type');
  if (t) return t;
  if (entriesOf(unit, 'Service', 'ExecStart').some((e) => e.value !== '')) return 'simple';
  if (lastValue(unit, 'Service', 'BusName')) return 'dbus';
  return 'oneshot';
}

/** Unit names listed by a dependency key (After=, Requires=, ...): space-separated, accumulating. */
export function unitNames(unit: SystemdUnit, section: string, key: string): Array<{ name: string; entry: SystemdEntry; span: Span }> {
  const out: Array<{ name: string; entry: SystemdEntry; span: Span }> = [];
  for (const entry of entriesOf(unit, section, key)) {
    const re = /\S+/g;
    for (let m = re.exec(entry.value); m; m = re.exec(entry.value)) {
      out.push({ name: m[0], entry, span: valueRangeSpan(entry, m.index, m.index + m[0].length) });
    }
  }
  return out;
}

/** The program an ExecStart runs, as a base name: "gunicorn", "python3", "celery", "sh" ... */
export function programName(command: ExecCommand): string {
  const t = command.path.text;
  return t.slice(t.lastIndexOf('/') + 1);
}

/** The words of a shell `-c` script when the command is `sh -c '...'` / `bash -c "..."`. */
export function shellScript(command: ExecCommand): { text: string; wordIndex: number } | undefined {
  if (!/^(?:ba|da|z|k)?sh$/.test(programName(command))) return undefined;
  const args = command.args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if ((/^-[a-z]*$/.test(a.text) && a.text.includes('c')) && i + 1 < args.length) return { text: args[i + 1]!.text, wordIndex: i + 2 };
    if (!a.text.startsWith('-')) return undefined;
  }
  return undefined;
}

/** Variables the Environment= lines of a unit set, with where each value is. */
export function environmentAssignments(unit: SystemdUnit): EnvironmentAssignment[] {
  const out: EnvironmentAssignment[] = [];
  for (const entry of entriesOf(unit, 'Service', 'Environment')) {
    for (const w of splitWords(entry.value).words) {
      const eq = w.text.indexOf('=');
      if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(w.text.slice(0, eq))) continue;
      const raw = entry.value.slice(w.start, w.end);
      const rawEq = raw.indexOf('=');
      // Point at the value: exactly when the word is written plainly or in quotes around the whole word.
      let valueSpan = valueRangeSpan(entry, w.start, w.end);
      if (raw === w.text) valueSpan = valueRangeSpan(entry, w.start + eq + 1, w.end);
      else if (/^(["']).*\1$/s.test(raw) && raw.slice(1, -1) === w.text) valueSpan = valueRangeSpan(entry, w.start + 1 + eq + 1, w.end - 1);
      else if (rawEq > 0 && raw.slice(rawEq + 1).replace(/^(["'])(.*)\1$/s, '$2') === w.text.slice(eq + 1)) {
        const quoted = /^["']/.test(raw.slice(rawEq + 1));
        valueSpan = valueRangeSpan(entry, w.start + rawEq + 1 + (quoted ? 1 : 0), w.end - (quoted ? 1 : 0));
      }
      out.push({ name: w.text.slice(0, eq), value: w.text.slice(eq + 1), entry, valueSpan, span: valueRangeSpan(entry, w.start, w.end) });
    }
  }
  return out;
}


export interface EnvironmentAssignment {
  name: string;
  /** The value as the process sees it (quotes removed, escapes applied). */
  value: string;
  entry: SystemdEntry;
  /** The value in the file (the whole `NAME=value` word when quoting makes the value alone unmappable). */
  valueSpan: Span;
  span: Span;
}

/**
 * A value written for a templating tool rather than for systemd: Jinja/Ansible `{{ var }}` and
 * `{% ... %}`, ERB `<%= %>`, `@VAR@` / `__VAR__` markers, and upper-case placeholders such as
 * `PROJECT_NAME` inside a name. Rules do not judge such values. (`$VAR` is not one: systemd
 * itself reads some of those, and refuses them where it does not.)
 */
export function isTemplatePlaceholder(value: string): boolean {
  return /\{\{|\{%|<%|@[A-Z_]{3,}@|__[A-Z][A-Z0-9_]*__|(?:^|[^A-Za-z])[A-Z]{2,}(?:_[A-Z]+)+(?:$|[^A-Za-z])/.test(value);
}
