import { LineIndex, type Span } from '../core/position.js';
import type { FileKind } from '../discover/types.js';
import type { DjangoVersion, Requirement } from '../model/types.js';
import { readToml, tomlGet, tomlString, tomlTable, type TomlTable, type TomlValue } from './toml.js';

/**
 * Declared Python dependencies, read statically from requirements files, pyproject.toml (PEP 621,
 * Poetry, PEP 735 dependency groups), Pipfile, the lock files (Pipfile.lock, poetry.lock, uv.lock),
 * setup.py and setup.cfg, each with the span of the line that declares it.
 */

export interface DependencyFile {
  path: string;
  kind: FileKind;
  text: string;
}

/** Every requirement of every dependency file, in file order. Never throws. */
export function parseDependencies(files: DependencyFile[]): Requirement[] {
  const out: Requirement[] = [];
  for (const file of files) {
    const reader = READERS[file.kind];
    if (!reader) continue;
    try {
      out.push(...reader(new Source(file.path, file.text)).sort((x, y) => x.span.start.offset - y.span.start.offset));
    } catch {
      // A malformed file yields what could be read before the damage; the rest is not guessed.
    }
  }
  return out;
}

const READERS: Partial<Record<FileKind, (src: Source) => Requirement[]>> = {
  requirements: (src) => parseRequirementsTxt(src.path, src.text).requirements,
  pyproject: readPyproject,
  pipfile: readPipfile,
  'pipfile-lock': readPipfileLock,
  'poetry-lock': readPackageLock,
  'uv-lock': readPackageLock,
  'setup-py': readSetupPy,
  'setup-cfg': readSetupCfg,
};

class Source {
  readonly lines: LineIndex;
  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    this.lines = new LineIndex(text);
  }

  span(from: number, to: number): Span {
    return this.lines.span(this.path, from, to);
  }
}

/** PEP 503 normalised name: lower case, runs of `-`, `_`, `.` become one `-`. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

// ---------------------------------------------------------------------------------------------
// Scope: what a file or group is for.

const DEV_WORDS = new Set([
  'dev', 'devel', 'develop', 'development', 'test', 'tests', 'testing', 'local', 'ci', 'lint', 'linting', 'docs', 'doc',
  'typing', 'types', 'mypy', 'debug', 'qa', 'style', 'format', 'coverage',
]);

function isDevName(name: string): boolean {
  return name.toLowerCase().split(/[^a-z0-9]+/).some((w) => DEV_WORDS.has(w));
}

function fileScope(path: string): Requirement['scope'] {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.(txt|in)$/, '');
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  return isDevName(base) || isDevName(dir) ? 'dev' : 'main';
}

// ---------------------------------------------------------------------------------------------
// PEP 508 requirement strings: `name[extras] specifiers ; markers` or `name @ url`.

interface Pep508 {
  name: string;
  extras: string[];
  specifier: string;
  /** Length of the requirement proper (name, extras, specifiers or URL), without markers. */
  length: number;
}

const PEP508 =
  /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(?:@\s*(\S+)|\(?\s*((?:(?:===|[<>=!~]=|[<>])\s*[^,;\s()]+\s*,?\s*)*)\)?)?/;

export function parsePep508(text: string): Pep508 | undefined {
  const m = PEP508.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m[0].length).trim();
  if (rest !== '' && !rest.startsWith(';')) return undefined;
  const extras = (m[2] ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  const specifier = m[3] ? '' : (m[4] ?? '').replace(/\s+/g, '').replace(/,$/, '');
  return { name: normaliseName(m[1]!), extras, specifier, length: m[0].trimEnd().length };
}

/** The exact version a specifier pins (`==4.2.11`, `===4.2`), not a wildcard. */
function pinnedVersion(specifier: string): string | undefined {
  const m = /^===?([^,*]+)$/.exec(specifier);
  return m ? m[1] : undefined;
}

function requirement(name: string, specifier: string, extras: string[], span: Span, scope: Requirement['scope'], pinned = pinnedVersion(specifier)): Requirement {
  const req: Requirement = { name: normaliseName(name), specifier, extras, span, scope };
  if (pinned !== undefined) req.pinned = pinned;
  return req;
}

// ---------------------------------------------------------------------------------------------
// requirements*.txt / *.in (pip's format)

export interface RequirementsTxt {
  requirements: Requirement[];
  /** Files named by `-r`/`--requirement` (included) and `-c`/`--constraint` (constraints). */
  includes: Array<{ path: string; constraint: boolean; span: Span }>;
}

export function parseRequirementsTxt(path: string, text: string): RequirementsTxt {
  const src = new Source(path, text);
  const scope = fileScope(path);
  const out: RequirementsTxt = { requirements: [], includes: [] };
  for (const line of logicalLines(text)) {
    const content = stripHashComment(line.text).trim();
    if (content === '') continue;
    const lead = line.text.length - line.text.trimStart().length;
    const from = line.offsetOf(lead);
    const spanOf = (len: number) => src.span(from, line.offsetOf(lead + len));
    if (content.startsWith('-')) {
      readOption(content, spanOf, scope, out);
      continue;
    }
    const req = readRequirementText(content, spanOf, scope);
    if (req) out.requirements.push(req);
  }
  return out;
}

function readOption(content: string, spanOf: (len: number) => Span, scope: Requirement['scope'], out: RequirementsTxt): void {
  const m = /^(-r|--requirement|-c|--constraint|-e|--editable)(?:\s*=\s*|\s+)(\S+)/.exec(content) ?? /^(-r|-c|-e)(\S+)/.exec(content);
  if (!m) return;
  const [, flag, arg] = m as unknown as [string, string, string];
  if (flag === '-e' || flag === '--editable') {
    const req = urlRequirement(arg, spanOf(content.length), scope);
    if (req) out.requirements.push(req);
    return;
  }
  out.includes.push({ path: arg, constraint: flag === '-c' || flag === '--constraint', span: spanOf(content.length) });
}

/** A requirement line: PEP 508 text, or a URL/path; per-requirement options (`--hash`) are dropped. */
function readRequirementText(content: string, spanOf: (len: number) => Span, scope: Requirement['scope']): Requirement | undefined {
  const spec = content.replace(/(?<!\s)\s+--?[A-Za-z][\s\S]*$/, '');
  if (/^[a-z][a-z0-9+.-]*:\/\/|^[a-z]+\+[a-z]+:/i.test(spec) || spec.startsWith('.') || spec.startsWith('/')) {
    return urlRequirement(spec, spanOf(spec.length), scope);
  }
  const pep = parsePep508(spec);
  if (!pep) return undefined;
  return requirement(pep.name, pep.specifier, pep.extras, spanOf(pep.length), scope);
}

/** `git+https://…#egg=Django`, `https://…/Django-4.2.1-py3-none-any.whl`: the name, and the version a file name pins. */
function urlRequirement(url: string, span: Span, scope: Requirement['scope']): Requirement | undefined {
  const egg = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(url);
  if (egg) return requirement(egg[1]!.replace(/-\d.*$/, ''), '', [], span, scope);
  const file = /\/([A-Za-z0-9][A-Za-z0-9._]*?)-(\d[^-/]*?)(?:-[^/]*)?\.(?:whl|tar\.gz|zip|tar\.bz2)$/.exec(url);
  if (file) return requirement(file[1]!, `==${file[2]}`, [], span, scope);
  return undefined;
}

interface LogicalLine {
  text: string;
  /** Text offset of an index into `text`. */
  offsetOf(index: number): number;
}

/** Physical lines joined at a trailing backslash, as pip does, keeping where each character came from. */
function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const re = /([^\r\n]*)(\r\n|\r|\n|$)/g;
  let chars = '';
  let map: number[] = [];
  for (let m = re.exec(text); m && m.index < text.length; m = re.exec(text)) {
    const body = m[1]!;
    const continued = body.endsWith('\\');
    const kept = continued ? body.slice(0, -1) : body;
    for (let i = 0; i < kept.length; i++) map.push(m.index + i);
    chars += kept;
    if (!continued) {
      out.push(makeLogical(chars, map));
      chars = '';
      map = [];
    }
    if (m[2] === '') break;
  }
  if (chars) out.push(makeLogical(chars, map));
  return out;
}

function makeLogical(text: string, map: number[]): LogicalLine {
  return {
    text,
    offsetOf: (i) => (i < map.length ? map[i]! : i === 0 ? 0 : map[map.length - 1]! + 1),
  };
}

// ---------------------------------------------------------------------------------------------
// pyproject.toml

function readPyproject(src: Source): Requirement[] {
  const doc = readToml(src.text);
  const out: Requirement[] = [];
  out.push(...pep508Array(src, tomlGet(doc, 'project', 'dependencies'), 'main'));
  for (const [group, entry] of tomlTable(doc, 'project', 'optional-dependencies')?.entries ?? []) {
    out.push(...pep508Array(src, entry.value, isDevName(group) ? 'dev' : 'main'));
  }
  for (const [group, entry] of tomlTable(doc, 'dependency-groups')?.entries ?? []) {
    out.push(...pep508Array(src, entry.value, isDevName(group) ? 'dev' : 'main'));
  }
  const poetry = tomlTable(doc, 'tool', 'poetry');
  out.push(...poetryTable(src, tomlTable(poetry, 'dependencies'), 'main'));
  out.push(...poetryTable(src, tomlTable(poetry, 'dev-dependencies'), 'dev'));
  for (const [group, entry] of tomlTable(poetry, 'group')?.entries ?? []) {
    if (entry.value.kind !== 'table') continue;
    out.push(...poetryTable(src, tomlTable(entry.value, 'dependencies'), isDevName(group) ? 'dev' : 'main'));
  }
  return out;
}

/** An array of PEP 508 strings; each requirement's span is its string literal, quotes included. */
function pep508Array(src: Source, value: TomlValue | undefined, scope: Requirement['scope']): Requirement[] {
  if (value?.kind !== 'array') return [];
  const out: Requirement[] = [];
  for (const item of value.items) {
    if (item.kind !== 'string') continue;
    const pep = parsePep508(item.value.trim());
    if (pep) out.push(requirement(pep.name, pep.specifier, pep.extras, src.span(item.from, item.to), scope));
  }
  return out;
}

/**
 * Poetry's and Pipfile's `name = "spec"` / `name = { version = "spec", extras = [...] }` tables.
 * The span runs from the key to the end of its value. Poetry reads a bare version as `==`.
 */
function poetryTable(src: Source, table: TomlTable | undefined, scope: Requirement['scope'], bareIsExact = true): Requirement[] {
  const out: Requirement[] = [];
  for (const [name, entry] of table?.entries ?? []) {
    if (name.toLowerCase() === 'python') continue;
    const v = entry.value;
    const spec = v.kind === 'string' ? v.value : v.kind === 'table' ? tomlString(v, 'version') ?? '' : undefined;
    if (spec === undefined) continue;
    const extrasValue = v.kind === 'table' ? v.entries.get('extras')?.value : undefined;
    const extras = extrasValue?.kind === 'array' ? extrasValue.items.flatMap((i) => (i.kind === 'string' ? [i.value] : [])) : [];
    const specifier = normaliseTableSpecifier(spec, bareIsExact);
    out.push(requirement(name, specifier, extras, src.span(entry.keyFrom, v.to), scope));
  }
  return out;
}

function normaliseTableSpecifier(spec: string, bareIsExact: boolean): string {
  const s = spec.replace(/\s+/g, '');
  if (s === '*' || s === '') return '';
  if (bareIsExact && /^\d[\w.]*$/.test(s)) return `==${s}`;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Pipfile, Pipfile.lock, poetry.lock, uv.lock

function readPipfile(src: Source): Requirement[] {
  const doc = readToml(src.text);
  return [...poetryTable(src, tomlTable(doc, 'packages'), 'main', false), ...poetryTable(src, tomlTable(doc, 'dev-packages'), 'dev', false)];
}

/** Pipfile.lock is JSON; the span of each package is its `"name": {` key, found after its section's key. */
function readPipfileLock(src: Source): Requirement[] {
  let data: unknown;
  try {
    data = JSON.parse(src.text);
  } catch {
    return [];
  }
  const out: Requirement[] = [];
  for (const [section, scope] of [['default', 'main'], ['develop', 'dev']] as const) {
    const packages = (data as Record<string, unknown>)?.[section];
    if (!packages || typeof packages !== 'object') continue;
    const sectionAt = src.text.search(new RegExp(`"${section}"\\s*:`));
    for (const [name, info] of Object.entries(packages as Record<string, { version?: unknown }>)) {
      const version = typeof info?.version === 'string' ? info.version.replace(/\s+/g, '') : '';
      const keyAt = src.text.indexOf(JSON.stringify(name), Math.max(0, sectionAt));
      const from = keyAt < 0 ? 0 : keyAt;
      out.push(requirement(name, version, [], src.span(from, from + JSON.stringify(name).length), scope));
    }
  }
  return out;
}

/**
 * `[[package]] name = … version = …` (poetry.lock, uv.lock). Every package is pinned; the span is
 * the `name = "…"` line. Old poetry.lock files mark development packages with `category = "dev"`.
 */
function readPackageLock(src: Source): Requirement[] {
  const packages = tomlGet(readToml(src.text), 'package');
  if (packages?.kind !== 'tables') return [];
  const out: Requirement[] = [];
  for (const pkg of packages.items) {
    const name = pkg.entries.get('name');
    const version = tomlString(pkg, 'version');
    if (name?.value.kind !== 'string' || !version) continue;
    const scope = tomlString(pkg, 'category') === 'dev' ? 'dev' : 'main';
    out.push(requirement(name.value.value, `==${version}`, [], src.span(name.keyFrom, name.value.to), scope, version));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// setup.py and setup.cfg

/** String literals in `install_requires=[…]` (main) and `tests_require=[…]` (dev). Never runs the file. */
function readSetupPy(src: Source): Requirement[] {
  const out: Requirement[] = [];
  for (const [keyword, scope] of [['install_requires', 'main'], ['tests_require', 'dev']] as const) {
    const start = new RegExp(`\\b${keyword}\\s*=\\s*[[(]`, 'g');
    for (let m = start.exec(src.text); m; m = start.exec(src.text)) {
      const close = src.text.indexOf(m[0].endsWith('[') ? ']' : ')', start.lastIndex);
      const end = close < 0 ? src.text.length : close;
      out.push(...stringLiterals(src, start.lastIndex, end, scope));
    }
  }
  return out;
}

function stringLiterals(src: Source, from: number, to: number, scope: Requirement['scope']): Requirement[] {
  const out: Requirement[] = [];
  for (const m of pyLiterals(src.text, from, to)) {
    if (!m[1]) continue;
    const pep = parsePep508(m[2]!.trim());
    if (pep) out.push(requirement(pep.name, pep.specifier, pep.extras, src.span(m.index, m.index + m[0].length), scope));
  }
  return out;
}

/**
 * The matches of /(['"])((?:\\.|(?!\1)[^\\\r\n])*)\1|#[^\r\n]*\/g from `from` that start before `to`
 * (one-line Python strings and comments), in linear time (issue 7: the regex rescans the rest of the
 * line from every quote that is not closed, and every escaped quote is one). A string ends at the
 * first unescaped quote of its kind; a line break, or a backslash before one or at the end, stops it.
 * A backslash run's pairing does not depend on where the string started, so the first stop after a
 * quote is remembered, per kind, for the later (escaped) quotes before it.
 */
export function pyLiterals(text: string, from: number, to: number): Array<{ index: number; 0: string; 1?: string; 2?: string }> {
  const out: Array<{ index: number; 0: string; 1?: string; 2?: string }> = [];
  const stop = new Map<string, { after: number; at: number }>();
  const firstStop = (open: number, q: string): number => {
    const known = stop.get(q);
    if (known && known.after < open && open < known.at) return known.at;
    let i = open + 1;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\\') {
        if (i + 1 < text.length && !'\n\r\u2028\u2029'.includes(text[i + 1]!)) i += 2;
        else break;
      } else if (c === q || c === '\r' || c === '\n') break;
      else i++;
    }
    stop.set(q, { after: open, at: i });
    return i;
  };
  for (let p = from; p < to && p < text.length; p++) {
    const c = text[p]!;
    if (c === '#') {
      let end = p + 1;
      while (end < text.length && text[end] !== '\r' && text[end] !== '\n') end++;
      out.push({ index: p, 0: text.slice(p, end) });
      p = end - 1;
    } else if (c === '"' || c === "'") {
      const end = firstStop(p, c);
      if (text[end] !== c) continue;
      out.push({ index: p, 0: text.slice(p, end + 1), 1: c, 2: text.slice(p + 1, end) });
      p = end;
    }
  }
  return out;
}

/** `[options] install_requires =` and `[options.extras_require]`, one requirement per continuation line. */
function readSetupCfg(src: Source): Requirement[] {
  const out: Requirement[] = [];
  let section = '';
  let key: string | undefined;
  const re = /([^\r\n]*)(\r\n|\r|\n|$)/g;
  for (let m = re.exec(src.text); m && m.index < src.text.length; m = re.exec(src.text)) {
    const line = m[1]!;
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      section = header[1]!.trim();
      key = undefined;
    } else if (/^\S/.test(line) && !/^[#;]/.test(line)) {
      const kv = setupCfgKeyValue(line);
      key = kv?.[1];
      if (kv && kv[2]) out.push(...setupCfgValue(src, section, key, kv[2], m.index + line.length - kv[2].length));
    } else if (key !== undefined && line.trim() !== '' && !/^\s*[#;]/.test(line)) {
      const lead = line.length - line.trimStart().length;
      out.push(...setupCfgValue(src, section, key, line.trim(), m.index + lead));
    }
    if (m[2] === '') break;
  }
  return out;
}

function setupCfgValue(src: Source, section: string, key: string | undefined, value: string, at: number): Requirement[] {
  let scope: Requirement['scope'];
  if (section === 'options' && key === 'install_requires') scope = 'main';
  else if (section === 'options' && key === 'tests_require') scope = 'dev';
  else if (section === 'options.extras_require' && key) scope = isDevName(key) ? 'dev' : 'main';
  else return [];
  const text = stripSpacedHashComment(value);
  const pep = parsePep508(text);
  return pep ? [requirement(pep.name, pep.specifier, pep.extras, src.span(at, at + pep.length), scope)] : [];
}

// ---------------------------------------------------------------------------------------------
// The Django version

const LOCK_FILES = new Set(['poetry.lock', 'uv.lock', 'Pipfile.lock']);

/** The latest Django release series; assumed when nothing says which Django is installed. */
export const ASSUMED_LATEST_DJANGO = { major: 6, minor: 0 } as const;

/** The last minor release of each finished major series, for upper bounds such as `django<4`. */
const LAST_MINOR: Record<number, number> = { 1: 11, 2: 2, 3: 2, 4: 2, 5: 2 };

/**
 * The Django release series a project runs, in order of trust: a lock-file pin, an `==` pin, the
 * lower bound of `>=`/`~=`/`^`/`~`/`>`, then an upper bound `<X.Y` (one series below it) or
 * `<=X.Y`. Production requirements are preferred over development ones at each step. With no
 * Django requirement at all, the latest series is assumed (`assumed: true`).
 */
export function detectDjangoVersion(reqs: Requirement[]): DjangoVersion {
  const django = reqs.filter((r) => r.name === 'django');
  const ordered = [...django.filter((r) => r.scope === 'main'), ...django.filter((r) => r.scope === 'dev')];
  const isLock = (r: Requirement) => LOCK_FILES.has(r.span.file.slice(r.span.file.lastIndexOf('/') + 1));
  const steps: Array<(r: Requirement) => Series | undefined> = [
    (r) => (isLock(r) && r.pinned ? seriesOf(r.pinned) : undefined),
    (r) => (r.pinned ? seriesOf(r.pinned) : undefined),
    (r) => lowerBound(r.specifier),
    (r) => upperBound(r.specifier),
  ];
  for (const step of steps) {
    for (const r of ordered) {
      const series = step(r);
      if (series) return { ...series, assumed: false, text: `${r.name}${r.specifier}`, span: r.span };
    }
  }
  return { ...ASSUMED_LATEST_DJANGO, assumed: true };
}

interface Series {
  major: number;
  minor: number;
}

function seriesOf(version: string): Series | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?/.exec(version.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2] ?? 0) } : undefined;
}

/**
 * A version clause, trimmed: /^(===|==|~=|>=|<=|!=|>|<|\^|~)?\s*(.+)$/ with `(?!\s)` after the blanks, the
 * same on a trimmed clause (its version cannot start with the blanks), linear (issue 7).
 */
export const CLAUSE = /^(===|==|~=|>=|<=|!=|>|<|\^|~)?\s*(?!\s)(.+)$/;

function clauses(specifier: string): Array<{ op: string; version: string }> {
  return specifier
    .split(',')
    .map((c) => CLAUSE.exec(c.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ op: m[1] ?? '==', version: m[2]! }));
}

function lowerBound(specifier: string): Series | undefined {
  for (const { op, version } of clauses(specifier)) {
    if (['>=', '~=', '^', '~', '>'].includes(op) || (op === '==' && version.includes('*'))) return seriesOf(version);
  }
  return undefined;
}

function upperBound(specifier: string): Series | undefined {
  for (const { op, version } of clauses(specifier)) {
    const s = seriesOf(version);
    if (!s) continue;
    if (op === '<=') return s;
    if (op !== '<') continue;
    if (s.minor > 0) return { major: s.major, minor: s.minor - 1 };
    const last = LAST_MINOR[s.major - 1];
    if (last !== undefined) return { major: s.major - 1, minor: last };
  }
  return undefined;
}

/**
 * `key = value` as `/^([^=:]+?)\s*[=:]\s*(.*)$/` reads it ([whole, key, value] or undefined), in linear
 * time: the regex is cubic on a line of whitespace.
 */
export function setupCfgKeyValue(line: string): [string, string, string] | undefined {
  let j = 0;
  while (j < line.length && line[j] !== '=' && line[j] !== ':') j++;
  if (j === 0 || j === line.length) return undefined;
  const value = line.slice(j + 1).trimStart();
  if (/[\n\r\u2028\u2029]/.test(value)) return undefined;
  const key = line.slice(0, Math.max(1, line.slice(0, j).trimEnd().length));
  return [line, key, value];
}

function lastLineBreak(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if ('\n\r\u2028\u2029'.includes(s[i]!)) return i;
  return -1;
}

/** `s.replace(/(^|\s)#.*$/, '')` in linear time (the regex is quadratic on many `#` before a line break). */
export function stripHashComment(s: string): string {
  for (let h = s.indexOf('#', lastLineBreak(s) + 1); h >= 0; h = s.indexOf('#', h + 1)) {
    if (h === 0) return '';
    if (/\s/.test(s[h - 1]!)) return s.slice(0, h - 1);
  }
  return s;
}

/** `s.replace(/\s+#.*$/, '')` in linear time (the regex is quadratic on a long run of blanks). */
export function stripSpacedHashComment(s: string): string {
  for (let h = s.indexOf('#', lastLineBreak(s) + 1); h >= 0; h = s.indexOf('#', h + 1)) {
    if (h > 0 && /\s/.test(s[h - 1]!)) {
      let r = h - 1;
      while (r > 0 && /\s/.test(s[r - 1]!)) r--;
      return s.slice(0, r);
    }
  }
  return s;
}
