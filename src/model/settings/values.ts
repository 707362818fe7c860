import type { Span } from '../../core/position.js';
import type { PyNode } from '../../parse/python.js';
import type { ParsedPython } from '../../parse/python.js';
import { decidingVariables, type EnvRead, type PyValue } from '../python-value.js';

/**
 * Internal values are public PyValues; the evaluator's richer things (functions, modules, env
 * objects) are `object` values carrying a hidden `ref`, stripped before results leave the module.
 * Lists, dicts and sets are mutated in place, as Python aliases them.
 */
export type Val = PyValue;
export type ObjVal = Extract<PyValue, { kind: 'object' }> & { ref?: Ref };
export type UnknownVal = Extract<PyValue, { kind: 'unknown' }>;
export type ListVal = Extract<PyValue, { kind: 'list' }>;
export type DictVal = Extract<PyValue, { kind: 'dict' }>;

/** Where code lives: the file whose statements run (include() runs a file into another namespace). */
export interface CodeLoc {
  module: string;
  file: string;
  parsed: ParsedPython;
  isPackage: boolean;
}

export interface BindingMeta {
  span: Span;
  valueSpan?: Span;
  history: Span[];
}

export interface Binding {
  value: Val;
  meta?: BindingMeta;
}

export class Scope {
  vars = new Map<string, Binding>();
  constructor(readonly parent?: Scope) {}

  lookup(name: string): Binding | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const b = s.vars.get(name);
      if (b) return b;
    }
    return undefined;
  }
}

export interface Param {
  name: string;
  kind: 'plain' | 'star' | 'kwstar';
  keywordOnly: boolean;
  defaultNode?: PyNode;
  /** Defaults are evaluated once, at definition time, as in Python. */
  defaultValue?: Val;
}

export interface CallArgs {
  args: Val[];
  kwargs: Map<string, Val>;
  node: PyNode;
}

export type NativeFn = (call: CallArgs) => Val;

export type Ref =
  | { tag: 'function'; name: string; params: Param[]; body: PyNode; isLambda: boolean; closure: Scope; globals: Scope; code: CodeLoc }
  | { tag: 'native'; name: string; call: NativeFn }
  | { tag: 'bound'; self: Val; name: string }
  | { tag: 'module'; name: string; ns: Scope; external: boolean }
  | { tag: 'class'; name: string; ns: Scope }
  | { tag: 'external'; name: string }
  | { tag: 'native-object'; typeName: string; attrs: Map<string, Val>; data?: unknown };

/**
 * Where a dict literal's value is written (`"filename": BASE_DIR / "x.log"`), for string, path and
 * unknown values: rules about one entry of a setting (a LOGGING handler's file) point at its line.
 * A side table, so values compare and print as before; the first dict that holds a value wins.
 */
const dictValueSpans = new WeakMap<object, Span>();

export function noteDictValueSpan(v: Val, span: Span): void {
  if ((v.kind === 'str' || v.kind === 'path' || v.kind === 'unknown') && !dictValueSpans.has(v)) dictValueSpans.set(v, span);
}

/** The span of the dict literal entry that holds this value, when it was written in one. */
export function dictValueSpan(v: object): Span | undefined {
  return dictValueSpans.get(v);
}

export const NONE: Val = { kind: 'none' };
export const TRUE: Val = { kind: 'bool', value: true };
export const FALSE: Val = { kind: 'bool', value: false };

export const str = (value: string): Val => ({ kind: 'str', value });
export const int = (value: number): Val => ({ kind: 'int', value });
export const float = (value: number): Val => ({ kind: 'float', value });
export const bool = (value: boolean): Val => ({ kind: 'bool', value });
export const list = (items: Val[]): Val => ({ kind: 'list', items });
export const tuple = (items: Val[]): Val => ({ kind: 'tuple', items });
export const dict = (entries: Array<{ key: Val; value: Val }>): Val => ({ kind: 'dict', entries });

export function dictFromRecord(rec: Record<string, Val>): Val {
  return dict(Object.entries(rec).map(([k, v]) => ({ key: str(k), value: v })));
}

export function unknown(reason: string, variables: string[] = [], alternatives?: Val[]): UnknownVal {
  const u: UnknownVal = { kind: 'unknown', reason, variables: [...new Set(variables)].sort() };
  if (alternatives && alternatives.length > 0) u.alternatives = alternatives;
  return u;
}

export function obj(typeName: string, ref?: Ref, qualifiedName?: string): ObjVal {
  const o: ObjVal = { kind: 'object', typeName };
  if (qualifiedName) o.qualifiedName = qualifiedName;
  if (ref) o.ref = ref;
  return o;
}

export function native(name: string, call: NativeFn): ObjVal {
  return obj('builtin_function', { tag: 'native', name, call }, name);
}

export function refOf(v: Val): Ref | undefined {
  return v.kind === 'object' ? (v as ObjVal).ref : undefined;
}

/** Python's type name, for messages and isinstance. */
export function typeName(v: Val): string {
  switch (v.kind) {
    case 'none':
      return 'NoneType';
    case 'path':
      return 'PosixPath';
    case 'object':
      return v.typeName;
    default:
      return v.kind;
  }
}

// ---------------------------------------------------------------------------------------------
// Environment provenance

export function envOf(v: Val | undefined): EnvRead[] {
  return v?.origin?.env ?? [];
}

export function envOfAll(values: Array<Val | undefined>): EnvRead[] {
  const out: EnvRead[] = [];
  for (const v of values) for (const r of envOf(v)) if (!out.includes(r)) out.push(r);
  return out;
}

const CONTAINERS = new Set(['list', 'tuple', 'set', 'dict']);

/**
 * Attaches provenance. Scalars are copied (they may be shared); containers are annotated in place,
 * so callers only pass containers they have just created.
 */
export function withOrigin(v: Val, span: Span | undefined, reads: EnvRead[]): Val {
  if (reads.length === 0) return v;
  if (CONTAINERS.has(v.kind)) {
    v.origin = { span: span ?? v.origin?.span, env: mergeReads(envOf(v), reads) };
    return v;
  }
  if (v.kind === 'object' && (v as ObjVal).ref) return v;
  return { ...v, origin: { span: span ?? v.origin?.span, env: mergeReads(envOf(v), reads) } } as Val;
}

function mergeReads(a: EnvRead[], b: EnvRead[]): EnvRead[] {
  const out = [...a];
  for (const r of b) if (!out.includes(r)) out.push(r);
  return out;
}

/** An unknown result of an operation over inputs, at least one of them unknown. */
export function unknownFrom(inputs: Val[], fallbackReason: string): UnknownVal {
  const unknowns = inputs.filter((v): v is UnknownVal => v.kind === 'unknown');
  const vars = new Set<string>();
  for (const v of inputs) for (const n of decidingVariables(v)) vars.add(n);
  const reason = unknowns[0]?.reason ?? fallbackReason;
  return unknown(reason, [...vars]);
}

export function firstUnknown(values: Val[]): UnknownVal | undefined {
  return values.find((v): v is UnknownVal => v.kind === 'unknown');
}

// ---------------------------------------------------------------------------------------------
// Equality, cloning, merging

export function valuesEqual(a: Val, b: Val, depth = 0): boolean {
  if (a === b) return true;
  if (depth > 30 || a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'none':
      return true;
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
    case 'bytes':
    case 'path':
      return a.value === (b as typeof a).value;
    case 'list':
    case 'tuple':
    case 'set': {
      const bi = (b as typeof a).items;
      return a.items.length === bi.length && a.items.every((x, i) => valuesEqual(x, bi[i]!, depth + 1));
    }
    case 'dict': {
      const be = (b as typeof a).entries;
      return (
        a.entries.length === be.length &&
        a.entries.every((e, i) => valuesEqual(e.key, be[i]!.key, depth + 1) && valuesEqual(e.value, be[i]!.value, depth + 1))
      );
    }
    case 'object': {
      const ra = (a as ObjVal).ref;
      const rb = (b as ObjVal).ref;
      if (ra || rb) return ra === rb;
      return a.typeName === (b as typeof a).typeName && a.qualifiedName === (b as typeof a).qualifiedName;
    }
    case 'unknown': {
      const u = b as UnknownVal;
      return a.reason === u.reason && a.variables.join() === u.variables.join() && !a.alternatives && !u.alternatives;
    }
  }
}

/** Deep copy of mutable containers, keeping aliasing between them (memo by identity). */
export function cloneVal(v: Val, memo: Map<Val, Val>): Val {
  if (!CONTAINERS.has(v.kind)) return v;
  const seen = memo.get(v);
  if (seen) return seen;
  if (v.kind === 'dict') {
    const copy: DictVal = { kind: 'dict', entries: [] };
    if (v.origin) copy.origin = v.origin;
    memo.set(v, copy);
    copy.entries = v.entries.map((e) => ({ key: cloneVal(e.key, memo), value: cloneVal(e.value, memo) }));
    return copy;
  }
  const seq = v as Extract<Val, { items: Val[] }>;
  const copy = { kind: seq.kind, items: [] as Val[] } as Extract<Val, { items: Val[] }>;
  if (v.origin) copy.origin = v.origin;
  memo.set(v, copy);
  copy.items = seq.items.map((x) => cloneVal(x, memo));
  return copy;
}

export function cloneVars(vars: Map<string, Binding>, memo: Map<Val, Val>): Map<string, Binding> {
  const out = new Map<string, Binding>();
  for (const [k, b] of vars) {
    out.set(k, { value: cloneVal(b.value, memo), meta: b.meta ? { ...b.meta, history: [...b.meta.history] } : undefined });
  }
  return out;
}

export interface Condition {
  text: string;
  variables: string[];
}

/** The value after two branches that could not be told apart. */
export function mergeValues(a: Val, b: Val, cond: Condition, depth = 0): Val {
  if (valuesEqual(a, b)) return a;
  if (depth < 8 && a.kind === b.kind) {
    if ((a.kind === 'list' || a.kind === 'tuple') && a.items.length === (b as typeof a).items.length) {
      const bi = (b as typeof a).items;
      return withOrigin({ kind: a.kind, items: a.items.map((x, i) => mergeValues(x, bi[i]!, cond, depth + 1)) }, a.origin?.span, envOfAll([a, b]));
    }
    if (a.kind === 'dict') {
      const be = (b as DictVal).entries;
      if (a.entries.length === be.length && a.entries.every((e, i) => valuesEqual(e.key, be[i]!.key))) {
        const entries = a.entries.map((e, i) => ({ key: e.key, value: mergeValues(e.value, be[i]!.value, cond, depth + 1) }));
        return withOrigin({ kind: 'dict', entries }, a.origin?.span, envOfAll([a, b]));
      }
    }
  }
  const alternatives: Val[] = [];
  for (const x of [...alternativesOf(a), ...alternativesOf(b)]) {
    if (!alternatives.some((y) => valuesEqual(x, y))) alternatives.push(x);
  }
  const vars = [...cond.variables, ...decidingVariables(a), ...decidingVariables(b)];
  const u = unknown(`depends on ${cond.text}`, vars, alternatives);
  return withOrigin(u, undefined, envOfAll([a, b]));
}

function alternativesOf(v: Val): Val[] {
  if (v.kind === 'unknown' && v.alternatives && v.alternatives.length > 0) return v.alternatives;
  return [v];
}

// ---------------------------------------------------------------------------------------------
// Public form

/** Strips internal refs (functions, modules, env objects become plain `object` values). */
export function toPublic(v: Val, memo = new Map<Val, Val>()): PyValue {
  const seen = memo.get(v);
  if (seen) return seen;
  switch (v.kind) {
    case 'object': {
      const o = v as ObjVal;
      const out: PyValue = { kind: 'object', typeName: o.typeName };
      if (o.qualifiedName) out.qualifiedName = o.qualifiedName;
      if (o.origin) out.origin = o.origin;
      memo.set(v, out);
      return out;
    }
    case 'list':
    case 'tuple':
    case 'set': {
      const out = { kind: v.kind, items: [] as PyValue[] } as Extract<PyValue, { items: PyValue[] }>;
      if (v.origin) out.origin = v.origin;
      memo.set(v, out);
      out.items = v.items.map((x) => toPublic(x, memo));
      return out;
    }
    case 'dict': {
      const out: DictVal = { kind: 'dict', entries: [] };
      if (v.origin) out.origin = v.origin;
      memo.set(v, out);
      out.entries = v.entries.map((e) => ({ key: toPublic(e.key, memo), value: toPublic(e.value, memo) }));
      return out;
    }
    case 'unknown': {
      if (!v.alternatives) return v;
      const out: UnknownVal = { ...v, alternatives: v.alternatives.map((x) => toPublic(x, memo)) };
      memo.set(v, out);
      return out;
    }
    default:
      return v;
  }
}

/** Python's str.isupper(): at least one cased character and no lower-case one. */
export function isUpperName(name: string): boolean {
  // Asked of every name a settings module binds, on every evaluation: ASCII names (nearly all) by
  // their character codes, without a string per character.
  let cased = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
    if (c >= 65 && c <= 90) cased = true;
    else if (c >= 128) return isUpperUnicode(name);
  }
  return cased;
}

function isUpperUnicode(name: string): boolean {
  let cased = false;
  for (const ch of name) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    if (lower === upper) continue;
    if (ch !== upper) return false;
    cased = true;
  }
  return cased;
}
