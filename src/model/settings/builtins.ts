/** Python builtins and the methods of str, bytes, list, dict, set, tuple and pathlib paths. */
import type { PyNode } from '../../parse/python.js';
import { decidingVariables, truthy } from '../python-value.js';
import { formatValue, reprOf, strFormat, strOf } from './format.js';
import type { Interp } from './interpreter.js';
import { contains, dictLookup, dictSet, iterate, ordering, pyEquals, type OpResult, OpError } from './ops.js';
import { abspath, pathJoin, pathName, pathParent, purePath } from './paths.js';
import { KNOWN_EXCEPTIONS } from './signals.js';
import {
  bool,
  envOfAll,
  FALSE,
  float,
  int,
  native,
  NONE,
  obj,
  refOf,
  Scope,
  str,
  TRUE,
  tuple,
  unknown,
  unknownFrom,
  valuesEqual,
  withOrigin,
  type CallArgs,
  type Ref,
  type Val,
} from './values.js';

/** Arguments by position or keyword. */
export function arg(call: CallArgs, index: number, name?: string): Val | undefined {
  if (index >= 0 && index < call.args.length) return call.args[index];
  return name ? call.kwargs.get(name) : undefined;
}

function inputsOf(call: CallArgs, self?: Val): Val[] {
  return [...(self ? [self] : []), ...call.args, ...call.kwargs.values()];
}

/**
 * Runs a computation over arguments that must all be known; unknown inputs give an unknown result
 * carrying their deciding variables and env reads.
 */
function known(interp: Interp, call: CallArgs, inputs: Val[], f: () => OpResult): Val {
  const reads = envOfAll(inputs);
  if (inputs.some((v) => v.kind === 'unknown')) return withOrigin(unknownFrom(inputs, 'computed from a value that is not known'), interp.span(call.node), reads);
  const r = f();
  if (r instanceof OpError) return interp.fail(call.node, r.message, inputs);
  if (r.kind === 'list' || r.kind === 'dict' || r.kind === 'tuple' || r.kind === 'set') return reads.length ? withOrigin(r, interp.span(call.node), reads) : r;
  return withOrigin(r, interp.span(call.node), reads);
}

const WS = ' \t\n\r\x0b\x0c\u001c\u001d\u001e\u001f\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

export function pyStrip(s: string, chars: string | undefined, left: boolean, right: boolean): string {
  const set = chars ?? WS;
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.includes(s[a]!)) a++;
  if (right) while (b > a && set.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** Python int(text, base): undefined where Python raises ValueError. */
export function pyIntFromStr(text: string, base = 10): number | undefined {
  let s = pyStrip(text, undefined, true, true);
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  let b = base;
  const prefix = /^0([xob])/i.exec(s);
  if (prefix && (b === 0 || b === { x: 16, o: 8, b: 2 }[prefix[1]!.toLowerCase() as 'x' | 'o' | 'b'])) {
    b = { x: 16, o: 8, b: 2 }[prefix[1]!.toLowerCase() as 'x' | 'o' | 'b'];
    s = s.slice(2).replace(/^_/, '');
  } else if (b === 0) {
    if (isPyZeroLiteral(s)) return 0;
    if (s.startsWith('0')) return undefined;
    b = 10;
  }
  if (s === '' || s.startsWith('_') || s.endsWith('_') || s.includes('__')) return undefined;
  const digits = s.replace(/_/g, '');
  const valid = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
  if (![...digits.toLowerCase()].every((c) => valid.includes(c))) return undefined;
  return sign * parseInt(digits, b);
}

/** `/^0+(_?0)*$/` (zeros, single underscores between them) in linear time: the regex is cubic on long input. */
export function isPyZeroLiteral(s: string): boolean {
  return /^[0_]+$/.test(s) && s[0] === '0' && !s.endsWith('_') && !s.includes('__');
}

/** The end of `\d(_?\d)*` (digits, single underscores between them) starting at i, or -1. */
function digitRun(s: string, i: number): number {
  const digit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  if (!digit(s[i])) return -1;
  i++;
  for (;;) {
    if (digit(s[i])) i++;
    else if (s[i] === '_' && digit(s[i + 1])) i += 2;
    else return i;
  }
}

/**
 * Python's float literal syntax, as `/^[+-]?((\d(_?\d)*)?\.?\d(_?\d)*|\d(_?\d)*\.)([eE][+-]?\d(_?\d)*)?$/`
 * tests it, by a scan (the regex is super-linear on long digit strings): `1`, `.5`, `1.5`, `1.`, each
 * with an optional exponent.
 */
export function isPyFloatLiteral(s: string): boolean {
  let i = s[0] === '+' || s[0] === '-' ? 1 : 0;
  const whole = digitRun(s, i);
  if (whole >= 0) i = whole;
  if (s[i] === '.') {
    const frac = digitRun(s, i + 1);
    if (frac >= 0) i = frac;
    else if (whole < 0) return false;
    else i++;
  } else if (whole < 0) return false;
  if (s[i] === 'e' || s[i] === 'E') {
    const sign = s[i + 1] === '+' || s[i + 1] === '-' ? 1 : 0;
    const exp = digitRun(s, i + 1 + sign);
    if (exp < 0) return false;
    i = exp;
  }
  return i === s.length;
}

/** Python float(text): undefined where Python raises ValueError. */
export function pyFloatFromStr(text: string): number | undefined {
  const s = pyStrip(text, undefined, true, true).toLowerCase();
  const m = /^([+-]?)(inf|infinity|nan)$/.exec(s);
  if (m) return m[2] === 'nan' ? NaN : m[1] === '-' ? -Infinity : Infinity;
  if (!isPyFloatLiteral(s)) return undefined;
  return Number(s.replace(/_/g, ''));
}

function toInt(v: Val, base?: Val): OpResult {
  switch (v.kind) {
    case 'int':
      return v;
    case 'bool':
      return int(v.value ? 1 : 0);
    case 'float':
      if (!Number.isFinite(v.value)) return new OpError('cannot convert float infinity or NaN to integer');
      return int(Math.trunc(v.value));
    case 'str':
    case 'bytes': {
      const b = base?.kind === 'int' ? base.value : 10;
      const n = pyIntFromStr(v.value, b);
      return n === undefined ? new OpError(`invalid literal for int() with base ${b}: ${reprOf(v)} (ValueError)`) : int(n);
    }
  }
  return new OpError(`int() argument must be a string or a number, not '${v.kind}'`);
}

function toFloat(v: Val): OpResult {
  switch (v.kind) {
    case 'int':
    case 'float':
      return float(v.value);
    case 'bool':
      return float(v.value ? 1 : 0);
    case 'str': {
      const n = pyFloatFromStr(v.value);
      return n === undefined ? new OpError(`could not convert string to float: ${reprOf(v)} (ValueError)`) : float(n);
    }
  }
  return new OpError(`float() argument must be a string or a number, not '${v.kind}'`);
}

/** Python's round(): half to even. */
function pyRound(x: number, digits: number): number {
  const f = 10 ** digits;
  const y = x * f;
  const r = Math.round(y);
  const even = Math.abs(y % 1) === 0.5 ? (r % 2 === 0 ? r : r - 1) : r;
  return even / f;
}

function sortValues(interp: Interp, call: CallArgs, items: Val[], keyFn: Val | undefined, reverse: boolean): OpResult {
  const keyed = items.map((v) => ({ v, k: keyFn && keyFn.kind !== 'none' ? interp.callValue(keyFn, { args: [v], kwargs: new Map(), node: call.node }) : v }));
  if (keyed.some((x) => x.k.kind === 'unknown')) return unknownFrom(keyed.map((x) => x.k), 'sort key not known');
  let bad = false;
  keyed.sort((a, b) => {
    const c = ordering(a.k, b.k);
    if (c === undefined) bad = true;
    return c ?? 0;
  });
  if (bad) return new OpError('values cannot be ordered (TypeError)');
  if (reverse) keyed.reverse();
  return { kind: 'list', items: keyed.map((x) => x.v) };
}

function typeObject(name: string, call: (c: CallArgs) => Val): Val {
  return obj('type', { tag: 'native', name, call }, name);
}

export function makeBuiltins(interp: Interp): Scope {
  const s = new Scope();
  const def = (name: string, fn: (c: CallArgs) => Val): void => void s.vars.set(name, { value: native(name, fn) });
  const type = (name: string, fn: (c: CallArgs) => Val): void => void s.vars.set(name, { value: typeObject(name, fn) });

  type('str', (c) => {
    const v = arg(c, 0, 'object');
    if (!v) return str('');
    if (v.kind === 'bytes' && c.args.length > 1) return known(interp, c, [v], () => str(v.value));
    return known(interp, c, [v], () => {
      const t = strOf(v);
      return t === undefined ? new OpError(`str() of '${v.kind}' is not known here`) : str(t);
    });
  });
  type('int', (c) => {
    const v = arg(c, 0, 'x');
    if (!v) return int(0);
    const base = arg(c, 1, 'base');
    return known(interp, c, base ? [v, base] : [v], () => toInt(v, base));
  });
  type('float', (c) => {
    const v = arg(c, 0, 'x');
    return v ? known(interp, c, [v], () => toFloat(v)) : float(0);
  });
  type('bool', (c) => {
    const v = arg(c, 0, 'o');
    if (!v) return FALSE;
    const t = truthy(v);
    if (t === undefined) return withOrigin(unknownFrom([v], 'truth of a value that is not known'), interp.span(c.node), envOfAll([v]));
    return withOrigin(bool(t), interp.span(c.node), envOfAll([v]));
  });
  const seqType = (kind: 'list' | 'tuple' | 'set') => (c: CallArgs): Val => {
    const v = arg(c, 0, 'iterable');
    if (!v) return { kind, items: [] };
    return known(interp, c, [v], () => {
      const items = iterate(v);
      if (!items) return new OpError(`'${v.kind}' object is not iterable`);
      if (kind !== 'set') return { kind, items: [...items] };
      const out: Val[] = [];
      for (const it of items) if (!out.some((x) => valuesEqual(x, it))) out.push(it);
      return { kind, items: out };
    });
  };
  type('list', seqType('list'));
  type('tuple', seqType('tuple'));
  type('set', seqType('set'));
  type('frozenset', seqType('set'));
  type('dict', (c) => {
    const d: Val = { kind: 'dict', entries: [] };
    const src = c.args[0];
    if (src) {
      if (src.kind === 'unknown') return unknownFrom([src], src.reason);
      if (src.kind === 'dict') for (const e of src.entries) dictSet(d, e.key, e.value);
      else {
        const items = iterate(src);
        if (!items) return interp.fail(c.node, `dict() of '${src.kind}'`, [src]);
        for (const it of items) {
          const pair = iterate(it);
          if (!pair || pair.length !== 2) return unknownFrom([it], 'dict() from items that are not pairs');
          dictSet(d, pair[0]!, pair[1]!);
        }
      }
    }
    for (const [k, v] of c.kwargs) dictSet(d, str(k), v);
    return d;
  });
  def('len', (c) => {
    const v = c.args[0] ?? NONE;
    return known(interp, c, [v], () => {
      if (v.kind === 'str') return int([...v.value].length);
      if (v.kind === 'bytes') return int(v.value.length);
      if (v.kind === 'dict') return int(v.entries.length);
      const items = v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set' ? v.items : undefined;
      return items ? int(items.length) : new OpError(`object of type '${v.kind}' has no len()`);
    });
  });
  def('sorted', (c) => {
    const v = c.args[0] ?? NONE;
    return known(interp, c, [v], () => {
      const items = iterate(v);
      if (!items) return new OpError(`'${v.kind}' object is not iterable`);
      return sortValues(interp, c, [...items], c.kwargs.get('key'), truthy(c.kwargs.get('reverse') ?? FALSE) === true);
    });
  });
  const extreme = (name: string, sign: number) => (c: CallArgs): Val => {
    const items = c.args.length === 1 ? (c.args[0]!.kind === 'unknown' ? undefined : iterate(c.args[0]!)) : c.args;
    if (!items) return unknownFrom(c.args, `${name}() of values that are not known`);
    if (items.length === 0) return c.kwargs.get('default') ?? interp.fail(c.node, `${name}() arg is an empty sequence (ValueError)`);
    return known(interp, c, items, () => {
      let best = items[0]!;
      for (const it of items.slice(1)) {
        const o = ordering(it, best);
        if (o === undefined) return new OpError(`${name}() of values that cannot be ordered`);
        if (o * sign > 0) best = it;
      }
      return best;
    });
  };
  def('min', extreme('min', -1));
  def('max', extreme('max', 1));
  const anyAll = (isAny: boolean) => (c: CallArgs): Val => {
    const v = c.args[0] ?? NONE;
    const items = v.kind === 'unknown' ? undefined : iterate(v);
    if (!items) return unknownFrom([v], 'items not known');
    let open = false;
    for (const it of items) {
      const t = truthy(it);
      if (t === undefined) open = true;
      else if (t === isAny) return withOrigin(bool(isAny), interp.span(c.node), envOfAll(items));
    }
    return open ? unknownFrom(items, 'items not known') : withOrigin(bool(!isAny), interp.span(c.node), envOfAll(items));
  };
  def('any', anyAll(true));
  def('all', anyAll(false));
  def('isinstance', (c) => {
    const v = c.args[0] ?? NONE;
    const t = c.args[1] ?? NONE;
    if (v.kind === 'unknown') return unknownFrom([v], v.reason);
    const types = t.kind === 'tuple' ? t.items : [t];
    const names = types.map((x) => (x.kind === 'object' ? x.qualifiedName ?? x.typeName : ''));
    const mine = isinstanceNames(v);
    if (names.some((n) => n === '' || !KNOWN_TYPE_NAMES.has(n))) return unknown('isinstance() with a type the evaluator does not model');
    return bool(names.some((n) => mine.includes(n)));
  });
  def('range', (c) => {
    const nums = c.args;
    return known(interp, c, nums, () => {
      if (!nums.every((x) => x.kind === 'int' || x.kind === 'bool')) return new OpError('range() arguments must be integers');
      const n = nums.map((x) => (x.kind === 'int' ? x.value : x.kind === 'bool' ? Number(x.value) : 0));
      const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
      if (step === 0) return new OpError('range() arg 3 must not be zero');
      const items: Val[] = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (items.length >= 10000) return unknown('range too large to expand');
        items.push(int(i));
      }
      return { kind: 'list', items };
    });
  });
  def('enumerate', (c) => {
    const v = c.args[0] ?? NONE;
    const start = arg(c, 1, 'start') ?? int(0);
    return known(interp, c, [v, start], () => {
      const items = iterate(v);
      if (!items || start.kind !== 'int') return new OpError('enumerate() of a non-iterable');
      return { kind: 'list', items: items.map((it, i) => tuple([int(start.value + i), it])) };
    });
  });
  def('zip', (c) =>
    known(interp, c, c.args, () => {
      const lists = c.args.map(iterate);
      if (lists.some((l) => !l)) return new OpError('zip() argument is not iterable');
      const n = Math.min(...lists.map((l) => l!.length));
      const items: Val[] = [];
      for (let i = 0; i < (lists.length ? n : 0); i++) items.push(tuple(lists.map((l) => l![i]!)));
      return { kind: 'list', items };
    }),
  );
  def('reversed', (c) => known(interp, c, c.args, () => {
    const items = c.args[0] && iterate(c.args[0]);
    return items ? { kind: 'list', items: [...items].reverse() } : new OpError('reversed() of a non-sequence');
  }));
  def('abs', (c) => known(interp, c, c.args, () => {
    const v = c.args[0] ?? NONE;
    if (v.kind === 'int' || v.kind === 'float') return { kind: v.kind, value: Math.abs(v.value) };
    if (v.kind === 'bool') return int(Number(v.value));
    return new OpError(`bad operand type for abs(): '${v.kind}'`);
  }));
  def('round', (c) => known(interp, c, c.args, () => {
    const v = c.args[0] ?? NONE;
    const nd = arg(c, 1, 'ndigits');
    if (v.kind !== 'int' && v.kind !== 'float' && v.kind !== 'bool') return new OpError('round() of a non-number');
    const x = v.kind === 'bool' ? Number(v.value) : v.value;
    if (!nd || nd.kind === 'none') return int(pyRound(x, 0));
    if (nd.kind !== 'int') return new OpError('round() ndigits must be an integer');
    return v.kind === 'float' ? float(pyRound(x, nd.value)) : int(pyRound(x, nd.value));
  }));
  def('repr', (c) => known(interp, c, c.args, () => {
    const r = reprOf(c.args[0] ?? NONE);
    return r === undefined ? new OpError('repr() not known') : str(r);
  }));
  def('format', (c) => known(interp, c, c.args, () => {
    const spec = c.args[1];
    const r = formatValue(c.args[0] ?? NONE, spec?.kind === 'str' ? spec.value : '');
    return r === undefined ? new OpError('format() not supported') : str(r);
  }));
  def('sum', (c) => known(interp, c, c.args, () => {
    const items = c.args[0] && iterate(c.args[0]);
    if (!items) return new OpError('sum() of a non-iterable');
    let total = c.args[1]?.kind === 'int' || c.args[1]?.kind === 'float' ? c.args[1].value : 0;
    let isFloat = c.args[1]?.kind === 'float';
    for (const it of items) {
      if (it.kind === 'unknown') return unknownFrom(items, it.reason);
      if (it.kind !== 'int' && it.kind !== 'float' && it.kind !== 'bool') return new OpError('sum() of non-numbers');
      total += it.kind === 'bool' ? Number(it.value) : it.value;
      if (it.kind === 'float') isFloat = true;
    }
    return isFloat ? float(total) : int(total);
  }));
  def('ord', (c) => known(interp, c, c.args, () => (c.args[0]?.kind === 'str' && [...c.args[0].value].length === 1 ? int(c.args[0].value.codePointAt(0)!) : new OpError('ord() expected a character'))));
  def('chr', (c) => known(interp, c, c.args, () => (c.args[0]?.kind === 'int' ? str(String.fromCodePoint(c.args[0].value)) : new OpError('chr() expected an integer'))));
  def('callable', (c) => {
    const v = c.args[0] ?? NONE;
    if (v.kind === 'unknown') return unknownFrom([v], v.reason);
    const r = refOf(v);
    return bool(!!r && r.tag !== 'module' && (r.tag !== 'native-object' || !!(r.data as { call?: unknown })?.call));
  });
  def('map', (c) => {
    const [f, ...its] = c.args;
    if (!f) return unknown('map() without a function');
    return known(interp, c, its, () => {
      const lists = its.map(iterate);
      if (lists.some((l) => !l)) return new OpError('map() argument is not iterable');
      const n = Math.min(...lists.map((l) => l!.length));
      const items: Val[] = [];
      for (let i = 0; i < n; i++) items.push(interp.callValue(f, { args: lists.map((l) => l![i]!), kwargs: new Map(), node: c.node }));
      return { kind: 'list', items };
    });
  });
  def('filter', (c) => {
    const [f, it] = c.args;
    if (!f || !it) return unknown('filter() arguments missing');
    return known(interp, c, [it], () => {
      const items = iterate(it);
      if (!items) return new OpError('filter() argument is not iterable');
      const out: Val[] = [];
      for (const x of items) {
        const keep = f.kind === 'none' ? x : interp.callValue(f, { args: [x], kwargs: new Map(), node: c.node });
        const t = truthy(keep);
        if (t === undefined) return unknownFrom([keep], 'filter() condition not known');
        if (t) out.push(x);
      }
      return { kind: 'list', items: out };
    });
  });
  def('print', () => NONE);
  def('open', (c) => withOrigin(unknown(`contents of a file opened by the settings`, decidingVariables(c.args[0] ?? NONE)), interp.span(c.node), envOfAll(c.args)));
  def('getattr', (c) => {
    const [o, n, d] = c.args;
    if (!o || !n) return unknown('getattr() arguments missing');
    if (n.kind !== 'str') return unknownFrom([n], 'attribute name not known');
    if (d && o.kind !== 'unknown') {
      const ref = refOf(o);
      if (ref?.tag === 'module' && !ref.external && !ref.ns.vars.has(n.value)) return d;
      if (ref?.tag === 'class' && !ref.ns.vars.has(n.value)) return d;
    }
    return interp.getAttr(o, n.value, c.node);
  });
  def('hasattr', (c) => {
    const [o, n] = c.args;
    const ref = o && refOf(o);
    if (n?.kind === 'str' && (ref?.tag === 'module' || ref?.tag === 'class') && !(ref.tag === 'module' && ref.external)) return bool(ref.ns.vars.has(n.value));
    return unknown('hasattr() not known here');
  });
  def('type', (c) => {
    const v = c.args[0] ?? NONE;
    if (v.kind === 'unknown') return unknownFrom([v], v.reason);
    const name = isinstanceNames(v)[0] ?? 'object';
    return s.vars.get(name)?.value ?? obj('type', undefined, name);
  });
  def('globals', (c) => namespaceObject(interp, interp.frame.globals, c.node));
  def('locals', (c) => namespaceObject(interp, interp.frame.scope, c.node));
  def('vars', (c) => {
    const ref = c.args[0] && refOf(c.args[0]);
    if (ref?.tag === 'module' || ref?.tag === 'class') return { kind: 'dict', entries: [...ref.ns.vars].map(([k, b]) => ({ key: str(k), value: b.value })) };
    return c.args.length === 0 ? namespaceObject(interp, interp.frame.scope, c.node) : unknown('vars() of an object');
  });
  s.vars.set('__name__', { value: str('builtins') });
  for (const e of KNOWN_EXCEPTIONS) s.vars.set(e, { value: obj('type', { tag: 'class', name: e, ns: new Scope() }, e) });
  return s;
}

const KNOWN_TYPE_NAMES = new Set(['str', 'int', 'float', 'bool', 'list', 'tuple', 'set', 'frozenset', 'dict', 'bytes']);

function isinstanceNames(v: Val): string[] {
  switch (v.kind) {
    case 'bool':
      return ['bool', 'int'];
    case 'none':
      return ['NoneType'];
    case 'path':
      return ['PosixPath'];
    case 'object':
      return [v.typeName];
    default:
      return [v.kind];
  }
}

/** globals()/locals(): a mapping view over a namespace, so `globals().update(...)` binds names. */
function namespaceObject(interp: Interp, scope: Scope, node: PyNode): Val {
  const attrs = new Map<string, Val>();
  const setName = (k: Val, v: Val): void => {
    if (k.kind === 'str') scope.vars.set(k.value, { value: v, meta: { span: interp.span(node), history: [interp.span(node)] } });
  };
  attrs.set('update', native('update', (c) => {
    const src = c.args[0];
    if (src?.kind === 'dict') for (const e of src.entries) setName(e.key, e.value);
    for (const [k, v] of c.kwargs) setName(str(k), v);
    return NONE;
  }));
  attrs.set('get', native('get', (c) => {
    const k = c.args[0];
    return k?.kind === 'str' ? scope.vars.get(k.value)?.value ?? c.args[1] ?? NONE : unknown('key not known');
  }));
  attrs.set('setdefault', native('setdefault', (c) => {
    const k = c.args[0];
    if (k?.kind !== 'str') return unknown('key not known');
    const b = scope.vars.get(k.value);
    if (b) return b.value;
    setName(k, c.args[1] ?? NONE);
    return c.args[1] ?? NONE;
  }));
  return obj('dict', {
    tag: 'native-object',
    typeName: 'dict',
    attrs,
    data: {
      getitem: (k: Val) => (k.kind === 'str' && scope.vars.get(k.value) ? scope.vars.get(k.value)!.value : new OpError(`KeyError: ${reprOf(k)}`)),
      setitem: (k: Val, v: Val) => setName(k, v),
      contains: (k: Val) => (k.kind === 'str' ? bool(scope.vars.has(k.value)) : unknown('key not known')),
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Attributes and methods of data values

const STR_METHODS = new Set([
  'lower', 'upper', 'strip', 'lstrip', 'rstrip', 'split', 'rsplit', 'splitlines', 'join', 'replace', 'startswith', 'endswith',
  'format', 'partition', 'rpartition', 'find', 'rfind', 'index', 'rindex', 'count', 'isdigit', 'isalpha', 'isalnum', 'isspace',
  'islower', 'isupper', 'isnumeric', 'isdecimal', 'isidentifier', 'capitalize', 'title', 'casefold', 'swapcase', 'zfill',
  'center', 'ljust', 'rjust', 'encode', 'removeprefix', 'removesuffix', 'decode',
]);
const LIST_METHODS = new Set(['append', 'extend', 'insert', 'remove', 'pop', 'index', 'count', 'copy', 'sort', 'reverse', 'clear']);
const DICT_METHODS = new Set(['get', 'setdefault', 'update', 'copy', 'items', 'keys', 'values', 'pop', 'popitem', 'clear']);
const SET_METHODS = new Set(['add', 'update', 'discard', 'remove', 'union', 'intersection', 'difference', 'copy', 'issubset', 'issuperset', 'pop', 'clear']);
const PATH_METHODS = new Set([
  'resolve', 'absolute', 'joinpath', 'exists', 'is_dir', 'is_file', 'mkdir', 'with_name', 'with_suffix', 'as_posix',
  'expanduser', 'read_text', 'read_bytes', 'relative_to', 'glob', 'rglob', 'is_absolute', 'touch', 'open', 'iterdir', 'stat', 'samefile',
]);

export function getValueAttr(interp: Interp, v: Val, name: string, node: PyNode): Val {
  const bound = (): Val => obj('method', { tag: 'bound', self: v, name } as Ref, name);
  switch (v.kind) {
    case 'str':
    case 'bytes':
      if (STR_METHODS.has(name)) return bound();
      break;
    case 'list':
      if (LIST_METHODS.has(name)) return bound();
      break;
    case 'tuple':
      if (name === 'index' || name === 'count') return bound();
      break;
    case 'dict':
      if (DICT_METHODS.has(name)) return bound();
      break;
    case 'set':
      if (SET_METHODS.has(name)) return bound();
      break;
    case 'path':
      return pathAttr(interp, v.value, name, node) ?? bound();
    case 'int':
    case 'float':
      return unknown(`attribute '${name}' of a number`);
  }
  return interp.fail(node, `'${v.kind === 'none' ? 'NoneType' : v.kind}' object has no attribute '${name}' (AttributeError)`, [v]);
}

function pathAttr(interp: Interp, p: string, name: string, node: PyNode): Val | undefined {
  const path = (x: string): Val => ({ kind: 'path', value: x });
  switch (name) {
    case 'parent':
      return path(pathParent(p));
    case 'parents': {
      const items: Val[] = [];
      let cur = purePath(p);
      for (let i = 0; i < 64; i++) {
        const up = pathParent(cur);
        if (up === cur) break;
        items.push(path(up));
        cur = up;
      }
      return tuple(items);
    }
    case 'name':
      return str(pathName(p));
    case 'stem': {
      const n = pathName(p);
      const dot = n.lastIndexOf('.');
      return str(dot > 0 ? n.slice(0, dot) : n);
    }
    case 'suffix': {
      const n = pathName(p);
      const dot = n.lastIndexOf('.');
      return str(dot > 0 ? n.slice(dot) : '');
    }
    case 'parts': {
      const s = purePath(p);
      const parts = s.split('/').filter(Boolean);
      return tuple([...(s.startsWith('/') ? ['/'] : []), ...parts].map(str));
    }
    case 'anchor':
    case 'root':
      return str(p.startsWith('/') ? '/' : '');
    default:
      if (PATH_METHODS.has(name)) return undefined;
      return interp.fail(node, `'PosixPath' object has no attribute '${name}' (AttributeError)`);
  }
}

function strSplit(s: string, sep: string | undefined, maxsplit: number, fromRight: boolean): string[] | undefined {
  if (sep === '') return undefined;
  if (sep === undefined) {
    const words = s.split(new RegExp(`[${WS.replace(/[\]\\^-]/g, '\\$&')}]+`)).filter((w) => w !== '');
    if (maxsplit < 0 || words.length <= maxsplit + 1) return words;
    if (!fromRight) {
      // Keep the remainder intact after maxsplit words.
      let rest = pyStrip(s, undefined, true, false);
      const out: string[] = [];
      for (let i = 0; i < maxsplit; i++) {
        const m = new RegExp(`^([^${WS}]+)[${WS}]+`).exec(rest);
        if (!m) break;
        out.push(m[1]!);
        rest = rest.slice(m[0].length);
      }
      if (rest) out.push(rest);
      return out;
    }
    let rest = pyStrip(s, undefined, false, true);
    const out: string[] = [];
    for (let i = 0; i < maxsplit; i++) {
      const m = new RegExp(`[${WS}]+([^${WS}]+)$`).exec(rest);
      if (!m) break;
      out.unshift(m[1]!);
      rest = rest.slice(0, rest.length - m[0].length);
    }
    if (rest) out.unshift(rest);
    return out;
  }
  const parts = s.split(sep);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  if (!fromRight) return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
  return [parts.slice(0, parts.length - maxsplit).join(sep), ...parts.slice(parts.length - maxsplit)];
}

function optStr(v: Val | undefined): string | undefined | null {
  if (!v || v.kind === 'none') return undefined;
  return v.kind === 'str' ? v.value : null;
}

function prefixes(v: Val | undefined): string[] | undefined {
  if (v?.kind === 'str') return [v.value];
  if (v?.kind === 'tuple' && v.items.every((i) => i.kind === 'str')) return v.items.map((i) => (i as { value: string }).value);
  return undefined;
}

function strMethod(s: string, name: string, c: CallArgs, interp: Interp, bytes: boolean): OpResult {
  const a0 = c.args[0];
  const mk = (x: string): Val => (bytes ? { kind: 'bytes', value: x } : str(x));
  switch (name) {
    case 'lower':
    case 'casefold':
      return mk(s.toLowerCase());
    case 'upper':
      return mk(s.toUpperCase());
    case 'strip':
    case 'lstrip':
    case 'rstrip': {
      const chars = optStr(a0);
      if (chars === null) return new OpError(`${name} arg must be None or str`);
      return mk(pyStrip(s, chars, name !== 'rstrip', name !== 'lstrip'));
    }
    case 'split':
    case 'rsplit': {
      const sep = optStr(arg(c, 0, 'sep'));
      const max = arg(c, 1, 'maxsplit');
      if (sep === null) return new OpError('must be str or None');
      const parts = strSplit(s, sep, max?.kind === 'int' ? max.value : -1, name === 'rsplit');
      return parts ? { kind: 'list', items: parts.map(mk) } : new OpError('empty separator (ValueError)');
    }
    case 'splitlines':
      return { kind: 'list', items: s.split(/\r\n|\r|\n/).filter((x, i, all) => !(i === all.length - 1 && x === '')).map(mk) };
    case 'join': {
      const items = a0 ? iterate(a0) : undefined;
      if (!items) return new OpError('join() needs an iterable');
      if (items.some((i) => i.kind === 'unknown')) return unknownFrom(items, 'joined items not known');
      if (!items.every((i) => i.kind === (bytes ? 'bytes' : 'str'))) return new OpError('sequence item: expected str instance (TypeError)');
      return mk(items.map((i) => (i as { value: string }).value).join(s));
    }
    case 'replace': {
      const [o, n, cnt] = c.args;
      if (o?.kind !== (bytes ? 'bytes' : 'str') || n?.kind !== (bytes ? 'bytes' : 'str')) return new OpError('replace() arguments must be str');
      const old = (o as { value: string }).value;
      const rep = (n as { value: string }).value;
      let limit = cnt?.kind === 'int' && cnt.value >= 0 ? cnt.value : Infinity;
      if (old === '') return mk(s);
      let out = '';
      let rest = s;
      while (limit-- > 0) {
        const i = rest.indexOf(old);
        if (i < 0) break;
        out += rest.slice(0, i) + rep;
        rest = rest.slice(i + old.length);
      }
      return mk(out + rest);
    }
    case 'startswith':
    case 'endswith': {
      const ps = prefixes(a0);
      if (!ps) return new OpError(`${name} first arg must be str or a tuple of str`);
      return bool(ps.some((p) => (name === 'startswith' ? s.startsWith(p) : s.endsWith(p))));
    }
    case 'format': {
      const r = strFormat(s, c.args, c.kwargs);
      return r === undefined ? new OpError('str.format() failed') : str(r);
    }
    case 'partition':
    case 'rpartition': {
      if (a0?.kind !== 'str' || a0.value === '') return new OpError('partition() needs a non-empty separator');
      const i = name === 'partition' ? s.indexOf(a0.value) : s.lastIndexOf(a0.value);
      if (i < 0) return tuple(name === 'partition' ? [mk(s), mk(''), mk('')] : [mk(''), mk(''), mk(s)]);
      return tuple([mk(s.slice(0, i)), mk(a0.value), mk(s.slice(i + a0.value.length))]);
    }
    case 'find':
    case 'rfind':
    case 'index':
    case 'rindex': {
      if (a0?.kind !== 'str') return new OpError(`${name}() needs a str`);
      const i = name.startsWith('r') ? s.lastIndexOf(a0.value) : s.indexOf(a0.value);
      if (i < 0 && name.endsWith('index')) return new OpError('substring not found (ValueError)');
      return int(i);
    }
    case 'count':
      if (a0?.kind !== 'str') return new OpError('count() needs a str');
      return int(a0.value === '' ? s.length + 1 : s.split(a0.value).length - 1);
    case 'isdigit':
    case 'isnumeric':
    case 'isdecimal':
      return bool(s.length > 0 && /^\d+$/u.test(s));
    case 'isalpha':
      return bool(/^\p{L}+$/u.test(s));
    case 'isalnum':
      return bool(/^[\p{L}\p{N}]+$/u.test(s));
    case 'isspace':
      return bool(s.length > 0 && [...s].every((ch) => WS.includes(ch)));
    case 'islower':
      return bool(/\p{Ll}/u.test(s) && !/\p{Lu}/u.test(s));
    case 'isupper':
      return bool(/\p{Lu}/u.test(s) && !/\p{Ll}/u.test(s));
    case 'isidentifier':
      return bool(/^[\p{L}_][\p{L}\p{N}_]*$/u.test(s));
    case 'capitalize':
      return mk(s.charAt(0).toUpperCase() + s.slice(1).toLowerCase());
    case 'title':
      return mk(s.toLowerCase().replace(/(^|[^\p{L}])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase()));
    case 'swapcase':
      return mk([...s].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join(''));
    case 'zfill': {
      if (a0?.kind !== 'int') return new OpError('zfill() needs an int');
      const sign = s.startsWith('-') || s.startsWith('+') ? s[0]! : '';
      return mk(sign + s.slice(sign.length).padStart(a0.value - sign.length, '0'));
    }
    case 'center':
    case 'ljust':
    case 'rjust': {
      if (a0?.kind !== 'int') return new OpError(`${name}() needs an int`);
      const fill = c.args[1]?.kind === 'str' ? c.args[1].value : ' ';
      const pad = Math.max(0, a0.value - s.length);
      if (name === 'ljust') return mk(s + fill.repeat(pad));
      if (name === 'rjust') return mk(fill.repeat(pad) + s);
      const left = Math.floor(pad / 2) + (pad % 2 && a0.value % 2 ? 1 : 0);
      return mk(fill.repeat(left) + s + fill.repeat(pad - left));
    }
    case 'encode':
      return { kind: 'bytes', value: s };
    case 'decode':
      return str(s);
    case 'removeprefix':
      return a0?.kind === 'str' && s.startsWith(a0.value) ? mk(s.slice(a0.value.length)) : mk(s);
    case 'removesuffix':
      return a0?.kind === 'str' && a0.value && s.endsWith(a0.value) ? mk(s.slice(0, -a0.value.length)) : mk(s);
  }
  void interp;
  return new OpError(`str.${name}() is not supported`);
}

/** Calls a method of a data value; mutating methods change the value in place. */
export function callMethod(interp: Interp, self: Val, name: string, c: CallArgs): Val {
  const inputs = inputsOf(c, self);
  switch (self.kind) {
    case 'str':
    case 'bytes': {
      const s = self.value;
      if (name === 'join' && c.args[0] && c.args[0].kind !== 'unknown') {
        return known(interp, c, [self], () => strMethod(s, name, c, interp, self.kind === 'bytes'));
      }
      return known(interp, c, inputs, () => strMethod(s, name, c, interp, self.kind === 'bytes'));
    }
    case 'list':
      return listMethod(interp, self, name, c);
    case 'tuple':
      return known(interp, c, inputs, () => seqQuery(self.items, name, c));
    case 'dict':
      return dictMethod(interp, self, name, c);
    case 'set':
      return setMethod(interp, self, name, c);
    case 'path':
      return pathMethod(interp, self.value, name, c);
  }
  return interp.fail(c.node, `'${self.kind}' has no method '${name}'`, inputs);
}

function seqQuery(items: Val[], name: string, c: CallArgs): OpResult {
  const x = c.args[0] ?? NONE;
  if (name === 'count') return int(items.filter((i) => pyEquals(i, x) === true).length);
  if (name === 'index') {
    const i = items.findIndex((it) => pyEquals(it, x) === true);
    return i < 0 ? new OpError('value is not in list (ValueError)') : int(i);
  }
  return new OpError(`unsupported method ${name}`);
}

function listMethod(interp: Interp, self: Extract<Val, { kind: 'list' }>, name: string, c: CallArgs): Val {
  const a0 = c.args[0];
  switch (name) {
    case 'append':
      self.items.push(a0 ?? NONE);
      return NONE;
    case 'extend': {
      const items = a0 && a0.kind !== 'unknown' ? iterate(a0) : undefined;
      if (items) self.items.push(...items);
      else self.items.push(unknownFrom(a0 ? [a0] : [], 'items added from a value that is not known'));
      return NONE;
    }
    case 'insert': {
      const idx = a0;
      const v = c.args[1] ?? NONE;
      if (idx?.kind !== 'int') {
        self.items.push(v);
        return NONE;
      }
      const n = self.items.length;
      const i = idx.value < 0 ? Math.max(0, n + idx.value) : Math.min(n, idx.value);
      self.items.splice(i, 0, v);
      return NONE;
    }
    case 'remove': {
      const i = self.items.findIndex((it) => pyEquals(it, a0 ?? NONE) === true);
      if (i < 0) {
        if (a0?.kind === 'unknown' || self.items.some((it) => it.kind === 'unknown')) return NONE;
        return interp.fail(c.node, `list.remove(x): x not in list (ValueError)`);
      }
      self.items.splice(i, 1);
      return NONE;
    }
    case 'pop': {
      if (self.items.length === 0) return interp.fail(c.node, 'pop from empty list (IndexError)');
      const i = a0?.kind === 'int' ? (a0.value < 0 ? self.items.length + a0.value : a0.value) : self.items.length - 1;
      if (i < 0 || i >= self.items.length) return interp.fail(c.node, 'pop index out of range (IndexError)');
      return self.items.splice(i, 1)[0]!;
    }
    case 'copy':
      return { kind: 'list', items: [...self.items] };
    case 'clear':
      self.items.length = 0;
      return NONE;
    case 'reverse':
      self.items.reverse();
      return NONE;
    case 'sort': {
      const r = sortValues(interp, c, [...self.items], c.kwargs.get('key'), truthy(c.kwargs.get('reverse') ?? FALSE) === true);
      if (!(r instanceof OpError) && r.kind === 'list') self.items.splice(0, self.items.length, ...r.items);
      return NONE;
    }
    default:
      return known(interp, c, [...c.args], () => seqQuery(self.items, name, c));
  }
}

function dictMethod(interp: Interp, self: Extract<Val, { kind: 'dict' }>, name: string, c: CallArgs): Val {
  const a0 = c.args[0];
  switch (name) {
    case 'get': {
      const k = a0 ?? NONE;
      const hit = dictLookup(self, k);
      if (hit === undefined || k.kind === 'unknown') return unknownFrom([k], 'dict key not known');
      return hit ?? c.args[1] ?? NONE;
    }
    case 'setdefault': {
      const k = a0 ?? NONE;
      const hit = dictLookup(self, k);
      if (hit) return hit;
      if (hit === undefined) return unknownFrom([k], 'dict key not known');
      const v = c.args[1] ?? NONE;
      self.entries.push({ key: k, value: v });
      return v;
    }
    case 'update': {
      if (a0?.kind === 'dict') for (const e of a0.entries) dictSet(self, e.key, e.value);
      else if (a0 && a0.kind !== 'none') {
        const items = a0.kind === 'unknown' ? undefined : iterate(a0);
        const pairs = items?.map((it) => iterate(it));
        if (pairs && pairs.every((p) => p && p.length === 2)) for (const p of pairs) dictSet(self, p![0]!, p![1]!);
        else self.entries.push({ key: unknownFrom([a0], 'keys of a mapping that is not known'), value: unknownFrom([a0], 'values of a mapping that is not known') });
      }
      for (const [k, v] of c.kwargs) dictSet(self, str(k), v);
      return NONE;
    }
    case 'copy':
      return { kind: 'dict', entries: self.entries.map((e) => ({ ...e })) };
    case 'items':
      return { kind: 'list', items: self.entries.map((e) => tuple([e.key, e.value])) };
    case 'keys':
      return { kind: 'list', items: self.entries.map((e) => e.key) };
    case 'values':
      return { kind: 'list', items: self.entries.map((e) => e.value) };
    case 'pop': {
      const k = a0 ?? NONE;
      const i = self.entries.findIndex((e) => pyEquals(e.key, k) === true);
      if (i < 0) return c.args[1] ?? interp.fail(c.node, `KeyError: ${reprOf(k) ?? '?'}`);
      return self.entries.splice(i, 1)[0]!.value;
    }
    case 'popitem': {
      const e = self.entries.pop();
      return e ? tuple([e.key, e.value]) : interp.fail(c.node, 'popitem(): dictionary is empty (KeyError)');
    }
    case 'clear':
      self.entries.length = 0;
      return NONE;
  }
  return interp.fail(c.node, `dict.${name}() is not supported`);
}

function setMethod(interp: Interp, self: Extract<Val, { kind: 'set' }>, name: string, c: CallArgs): Val {
  const add = (v: Val): void => {
    if (!self.items.some((x) => pyEquals(x, v) === true)) self.items.push(v);
  };
  const a0 = c.args[0];
  switch (name) {
    case 'add':
      add(a0 ?? NONE);
      return NONE;
    case 'update':
      for (const a of c.args) for (const v of (a.kind === 'unknown' ? undefined : iterate(a)) ?? [unknownFrom([a], 'items not known')]) add(v);
      return NONE;
    case 'discard':
    case 'remove': {
      const i = self.items.findIndex((x) => pyEquals(x, a0 ?? NONE) === true);
      if (i >= 0) self.items.splice(i, 1);
      else if (name === 'remove' && a0?.kind !== 'unknown') return interp.fail(c.node, 'set.remove(x): x not in set (KeyError)');
      return NONE;
    }
    case 'copy':
      return { kind: 'set', items: [...self.items] };
    case 'clear':
      self.items.length = 0;
      return NONE;
    case 'pop':
      return self.items.shift() ?? interp.fail(c.node, 'pop from an empty set (KeyError)');
  }
  return known(interp, c, c.args, () => {
    const other = a0 ? iterate(a0) : undefined;
    if (!other) return new OpError(`set.${name}() needs an iterable`);
    const inOther = (v: Val): boolean => other.some((x) => pyEquals(x, v) === true);
    switch (name) {
      case 'union':
        return { kind: 'set', items: [...self.items, ...other.filter((v) => !self.items.some((x) => pyEquals(x, v) === true))] };
      case 'intersection':
        return { kind: 'set', items: self.items.filter(inOther) };
      case 'difference':
        return { kind: 'set', items: self.items.filter((v) => !inOther(v)) };
      case 'issubset':
        return bool(self.items.every(inOther));
      case 'issuperset':
        return bool(other.every((v) => self.items.some((x) => pyEquals(x, v) === true)));
    }
    return new OpError(`set.${name}() is not supported`);
  });
}

function pathMethod(interp: Interp, p: string, name: string, c: CallArgs): Val {
  const path = (x: string): Val => ({ kind: 'path', value: x });
  const root = interp.opts.deployRoot;
  switch (name) {
    case 'resolve':
    case 'absolute':
      return path(abspath(purePath(p), root));
    case 'joinpath':
      return known(interp, c, c.args, () => {
        let out = p;
        for (const a of c.args) {
          if (a.kind !== 'str' && a.kind !== 'path') return new OpError('joinpath() needs str or Path');
          out = pathJoin(out, a.value);
        }
        return path(out);
      });
    case 'with_name':
      return known(interp, c, c.args, () => (c.args[0]?.kind === 'str' ? path(pathJoin(pathParent(p), c.args[0].value)) : new OpError('with_name() needs a str')));
    case 'with_suffix':
      return known(interp, c, c.args, () => {
        if (c.args[0]?.kind !== 'str') return new OpError('with_suffix() needs a str');
        const n = pathName(p);
        const dot = n.lastIndexOf('.');
        return path(pathJoin(pathParent(p), (dot > 0 ? n.slice(0, dot) : n) + c.args[0].value));
      });
    case 'as_posix':
      return str(purePath(p));
    case 'is_absolute':
      return bool(p.startsWith('/'));
    case 'expanduser':
      return p.startsWith('~') ? unknown('home directory of the process user') : path(p);
    case 'relative_to':
      return known(interp, c, c.args, () => {
        const base = c.args[0];
        if (base?.kind !== 'str' && base?.kind !== 'path') return new OpError('relative_to() needs a path');
        const b = purePath(base.value);
        const s = purePath(p);
        if (s === b) return path('.');
        return s.startsWith(`${b}/`) ? path(s.slice(b.length + 1)) : new OpError(`'${s}' is not relative to '${b}' (ValueError)`);
      });
    case 'mkdir':
    case 'touch':
      return NONE;
    default:
      return unknown(`Path.${name}() depends on the file system at run time`);
  }
}

export { TRUE };
