import type { Span } from '../core/position.js';

/** Which library read an environment variable (each casts differently). */
export type EnvLibrary =
  | 'os.environ'
  | 'os.getenv'
  | 'python-decouple'
  | 'django-environ'
  | 'dj-database-url'
  | 'python-dotenv';

/** One read of an environment variable by the settings, and what decided its value. */
export interface EnvRead {
  name: string;
  library: EnvLibrary;
  /** The call in the settings module. */
  call: Span;
  /** Where the value came from: an env source line, the code's default, or nothing (unknown). */
  decidedBy: 'env-source' | 'default' | 'unknown' | 'required-missing';
  /** The env source line that supplied the value (with its layer, e.g. ".env.production"). */
  source?: { span: Span; layer: string };
  /** The raw string the library saw, before casting (never print it unredacted). */
  raw?: string | null;
}

/** Where a value came from: the expression/assignment span and the env reads that decided it. */
export interface Origin {
  span?: Span;
  env?: EnvRead[];
}

/**
 * The abstract value of a Python expression. Every value is either fully known or `unknown`
 * (with the reason and the environment variables that would decide it). Containers may hold
 * unknown items; `unknown.alternatives` lists the possible values when a merge of branches
 * produced it (e.g. `if os.environ.get("X"):` with X undecidable).
 */
export type PyValue = (
  | { kind: 'none' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'bytes'; value: string }
  | { kind: 'list'; items: PyValue[] }
  | { kind: 'tuple'; items: PyValue[] }
  | { kind: 'set'; items: PyValue[] }
  | { kind: 'dict'; entries: Array<{ key: PyValue; value: PyValue }> }
  | { kind: 'path'; value: string }
  /** Anything else the evaluator knows exists but rules do not inspect: functions, classes, modules, objects. */
  | { kind: 'object'; typeName: string; qualifiedName?: string }
  | { kind: 'unknown'; reason: string; variables: string[]; alternatives?: PyValue[] }
) & { origin?: Origin };

export type PyKind = PyValue['kind'];

// ---------------------------------------------------------------------------------------------
// Questions rules ask of values. Each answers `undefined` when the value cannot be known, so
// that a rule can report "unknown" rather than guess.

export function isUnknown(v: PyValue | undefined): v is Extract<PyValue, { kind: 'unknown' }> {
  return v !== undefined && v.kind === 'unknown';
}

/** Python truthiness (`bool(v)`); undefined when unknown or when the value holds no answer. */
export function truthy(v: PyValue): boolean | undefined {
  switch (v.kind) {
    case 'none':
      return false;
    case 'bool':
      return v.value;
    case 'int':
    case 'float':
      return v.value !== 0;
    case 'str':
    case 'bytes':
    case 'path':
      return v.kind === 'path' ? true : v.value.length > 0;
    case 'list':
    case 'tuple':
    case 'set':
      return v.items.length > 0;
    case 'dict':
      return v.entries.length > 0;
    case 'object':
      return true;
    case 'unknown': {
      const alts = v.alternatives;
      if (!alts || alts.length === 0) return undefined;
      const answers = alts.map(truthy);
      return answers.every((a) => a === answers[0]) ? answers[0] : undefined;
    }
  }
}

/** Python `v is True`; undefined when unknown. */
export function isTrue(v: PyValue): boolean | undefined {
  if (v.kind === 'unknown') {
    const alts = v.alternatives;
    if (!alts || alts.length === 0) return undefined;
    const answers = alts.map(isTrue);
    return answers.every((a) => a === answers[0]) ? answers[0] : undefined;
  }
  return v.kind === 'bool' && v.value === true;
}

/** Python `v is None`; undefined when unknown. */
export function isNone(v: PyValue): boolean | undefined {
  if (v.kind === 'unknown') {
    const alts = v.alternatives;
    if (!alts || alts.length === 0) return undefined;
    const answers = alts.map(isNone);
    return answers.every((a) => a === answers[0]) ? answers[0] : undefined;
  }
  return v.kind === 'none';
}

export function asString(v: PyValue): string | undefined {
  return v.kind === 'str' ? v.value : undefined;
}

/** Items of a list/tuple/set; undefined for anything else (including unknown). */
export function asSequence(v: PyValue): PyValue[] | undefined {
  return v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set' ? v.items : undefined;
}

/** The string items of a sequence when every item is a known string. */
export function asStringList(v: PyValue): string[] | undefined {
  const items = asSequence(v);
  if (!items) return undefined;
  const out: string[] = [];
  for (const it of items) {
    if (it.kind !== 'str') return undefined;
    out.push(it.value);
  }
  return out;
}

/** Look up a string key in a dict value. `null` = known absent; undefined = cannot tell. */
export function dictGet(v: PyValue, key: string): PyValue | null | undefined {
  if (v.kind !== 'dict') return undefined;
  let unsure = false;
  for (let i = v.entries.length - 1; i >= 0; i--) {
    const e = v.entries[i]!;
    if (e.key.kind === 'str' && e.key.value === key) return e.value;
    if (e.key.kind === 'unknown') unsure = true;
  }
  return unsure ? undefined : null;
}

/** Membership of a string in a sequence: `needle in v`. undefined when it cannot be told. */
export function containsString(v: PyValue, needle: string): boolean | undefined {
  const items = asSequence(v);
  if (!items) return undefined;
  let unsure = false;
  for (const it of items) {
    if (it.kind === 'str' && it.value === needle) return true;
    if (it.kind === 'unknown') unsure = true;
  }
  return unsure ? undefined : false;
}

/** Variables that decide an unknown value, including those of unknown items inside containers. */
export function decidingVariables(v: PyValue): string[] {
  const out = new Set<string>();
  const walk = (x: PyValue): void => {
    if (x.kind === 'unknown') x.variables.forEach((n) => out.add(n));
    else if (x.kind === 'list' || x.kind === 'tuple' || x.kind === 'set') x.items.forEach(walk);
    else if (x.kind === 'dict') x.entries.forEach((e) => (walk(e.key), walk(e.value)));
  };
  walk(v);
  return [...out].sort();
}

/** A short Python-like rendering of a value for messages (strings are not redacted here). */
export function pyRepr(v: PyValue, depth = 0): string {
  if (depth > 3) return '...';
  switch (v.kind) {
    case 'none':
      return 'None';
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'int':
    case 'float':
      return String(v.value);
    case 'str':
      return `'${v.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'bytes':
      return `b'${v.value}'`;
    case 'path':
      return `Path('${v.value}')`;
    case 'list':
      return `[${v.items.map((i) => pyRepr(i, depth + 1)).join(', ')}]`;
    case 'tuple':
      return v.items.length === 1 ? `(${pyRepr(v.items[0]!, depth + 1)},)` : `(${v.items.map((i) => pyRepr(i, depth + 1)).join(', ')})`;
    case 'set':
      return v.items.length ? `{${v.items.map((i) => pyRepr(i, depth + 1)).join(', ')}}` : 'set()';
    case 'dict':
      return `{${v.entries.map((e) => `${pyRepr(e.key, depth + 1)}: ${pyRepr(e.value, depth + 1)}`).join(', ')}}`;
    case 'object':
      return `<${v.qualifiedName ?? v.typeName}>`;
    case 'unknown':
      return v.variables.length ? `<unknown: depends on ${v.variables.join(', ')}>` : '<unknown>';
  }
}
