/** Python operators over known values. Unknown operands are handled by the caller. */
import { percentFormat, strOf } from './format.js';
import { pathJoin } from './paths.js';
import { bool, FALSE, float, int, str, TRUE, valuesEqual, type ObjVal, type Val } from './values.js';

/** An operation Python would reject (TypeError, ZeroDivisionError, IndexError...). */
export class OpError {
  constructor(readonly message: string) {}
}

export type OpResult = Val | OpError;

function num(v: Val): number | undefined {
  if (v.kind === 'int' || v.kind === 'float') return v.value;
  if (v.kind === 'bool') return v.value ? 1 : 0;
  return undefined;
}

const isIntLike = (v: Val): boolean => v.kind === 'int' || v.kind === 'bool';

function numResult(x: number, asInt: boolean): Val {
  return asInt ? int(x) : float(x);
}

function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

function seqItems(v: Val): Val[] | undefined {
  return v.kind === 'list' || v.kind === 'tuple' ? v.items : undefined;
}

export function binaryOp(op: string, a: Val, b: Val): OpResult {
  const hooks = nativeHooks(a);
  if (hooks?.binop) {
    const r = hooks.binop(op, b, false);
    if (r) return r;
  }
  const rhooks = nativeHooks(b);
  if (rhooks?.binop) {
    const r = rhooks.binop(op, a, true);
    if (r) return r;
  }
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return numericOp(op, x, y, isIntLike(a) && isIntLike(b));
  switch (op) {
    case '+':
      if (a.kind === 'str' && b.kind === 'str') return str(a.value + b.value);
      if (a.kind === 'bytes' && b.kind === 'bytes') return { kind: 'bytes', value: a.value + b.value };
      if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', items: [...a.items, ...b.items] };
      if (a.kind === 'tuple' && b.kind === 'tuple') return { kind: 'tuple', items: [...a.items, ...b.items] };
      break;
    case '*': {
      const [s, n] = isIntLike(b) ? [a, num(b)!] : isIntLike(a) ? [b, num(a)!] : [undefined, 0];
      if (s?.kind === 'str') return str(s.value.repeat(Math.max(0, n)));
      if (s?.kind === 'list' || s?.kind === 'tuple') {
        const items: Val[] = [];
        for (let i = 0; i < n && items.length < 100000; i++) items.push(...s.items);
        return { kind: s.kind, items };
      }
      break;
    }
    case '%':
      if (a.kind === 'str') {
        const r = percentFormat(a.value, b);
        return r === undefined ? new OpError('string formatting with % failed') : str(r);
      }
      break;
    case '/':
      if (a.kind === 'path' && (b.kind === 'str' || b.kind === 'path')) return { kind: 'path', value: pathJoin(a.value, b.value) };
      if (a.kind === 'str' && b.kind === 'path') return { kind: 'path', value: pathJoin(a.value, b.value) };
      break;
    case '|':
    case '&':
    case '-':
    case '^':
      if (a.kind === 'set' && b.kind === 'set') return setOp(op, a.items, b.items);
      if (op === '|' && a.kind === 'dict' && b.kind === 'dict') {
        const out: Val = { kind: 'dict', entries: a.entries.map((e) => ({ ...e })) };
        for (const e of b.entries) dictSet(out, e.key, e.value);
        return out;
      }
      break;
  }
  return new OpError(`unsupported operand types for ${op}: '${typeLabel(a)}' and '${typeLabel(b)}'`);
}

function typeLabel(v: Val): string {
  return v.kind === 'object' ? v.typeName : v.kind === 'none' ? 'NoneType' : v.kind;
}

function numericOp(op: string, x: number, y: number, ints: boolean): OpResult {
  switch (op) {
    case '+':
      return numResult(x + y, ints);
    case '-':
      return numResult(x - y, ints);
    case '*':
      return numResult(x * y, ints);
    case '/':
      if (y === 0) return new OpError('division by zero');
      return float(x / y);
    case '//':
      if (y === 0) return new OpError('integer division or modulo by zero');
      return numResult(Math.floor(x / y), ints);
    case '%':
      if (y === 0) return new OpError('integer division or modulo by zero');
      return numResult(pyMod(x, y), ints);
    case '**':
      if (ints && y < 0) return float(x ** y);
      return numResult(x ** y, ints);
    case '&':
    case '|':
    case '^':
    case '<<':
    case '>>':
      if (!ints) return new OpError(`unsupported operand types for ${op}: 'float'`);
      if (op === '&') return int(Number(BigInt(x) & BigInt(y)));
      if (op === '|') return int(Number(BigInt(x) | BigInt(y)));
      if (op === '^') return int(Number(BigInt(x) ^ BigInt(y)));
      if (op === '<<') return int(Number(BigInt(x) << BigInt(y)));
      return int(Number(BigInt(x) >> BigInt(y)));
    case '@':
      break;
  }
  return new OpError(`unsupported operator ${op}`);
}

function setOp(op: string, a: Val[], b: Val[]): Val {
  const has = (xs: Val[], v: Val): boolean => xs.some((x) => pyEquals(x, v) === true);
  let items: Val[];
  if (op === '|') items = [...a, ...b.filter((v) => !has(a, v))];
  else if (op === '&') items = a.filter((v) => has(b, v));
  else if (op === '-') items = a.filter((v) => !has(b, v));
  else items = [...a.filter((v) => !has(b, v)), ...b.filter((v) => !has(a, v))];
  return { kind: 'set', items };
}

/** Python `a == b` for known values; undefined when an unknown part decides it. */
export function pyEquals(a: Val, b: Val): boolean | undefined {
  if (a.kind === 'unknown' || b.kind === 'unknown') return undefined;
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return x === y;
  const sa = seqItems(a);
  const sb = seqItems(b);
  if (sa && sb) {
    if (a.kind !== b.kind || sa.length !== sb.length) return false;
    let unsure = false;
    for (let i = 0; i < sa.length; i++) {
      const r = pyEquals(sa[i]!, sb[i]!);
      if (r === false) return false;
      if (r === undefined) unsure = true;
    }
    return unsure ? undefined : true;
  }
  if (a.kind === 'set' && b.kind === 'set') {
    if (a.items.length !== b.items.length) return false;
    return a.items.every((v) => b.items.some((w) => pyEquals(v, w) === true));
  }
  if (a.kind === 'dict' && b.kind === 'dict') return valuesEqual(a, b);
  if (a.kind === 'object' || b.kind === 'object') {
    const ha = nativeHooks(a);
    if (ha?.str !== undefined && (b.kind === 'str' || b.kind === 'object')) return ha.str === (b.kind === 'str' ? b.value : nativeHooks(b)?.str);
    return a === b || valuesEqual(a, b);
  }
  if (a.kind !== b.kind) return false;
  return valuesEqual(a, b);
}

export function compareOp(op: string, a: Val, b: Val): OpResult {
  switch (op) {
    case '==':
    case '!=': {
      const r = pyEquals(a, b);
      if (r === undefined) return new OpError('cannot compare');
      return bool(op === '==' ? r : !r);
    }
    case 'is':
    case 'is not': {
      const r = pyIs(a, b);
      return bool(op === 'is' ? r : !r);
    }
    case 'in':
    case 'not in': {
      const r = contains(b, a);
      if (r instanceof OpError) return r;
      if (r === undefined) return new OpError('membership undecidable');
      return bool(op === 'in' ? r : !r);
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const c = ordering(a, b);
      if (c === undefined) return new OpError(`'${op}' not supported between '${typeLabel(a)}' and '${typeLabel(b)}'`);
      return bool(op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0);
    }
  }
  return new OpError(`unsupported comparison ${op}`);
}

function pyIs(a: Val, b: Val): boolean {
  if (a.kind === 'none' || b.kind === 'none') return a.kind === b.kind;
  if (a.kind === 'bool' || b.kind === 'bool') return a.kind === 'bool' && b.kind === 'bool' && a.value === b.value;
  if (a.kind === 'object' || b.kind === 'object') return a === b || ((a as ObjVal).ref !== undefined && (a as ObjVal).ref === (b as ObjVal).ref);
  if (a.kind === 'list' || a.kind === 'dict' || a.kind === 'set') return a === b;
  return valuesEqual(a, b);
}

/** -1/0/1 ordering of two values Python can order; undefined otherwise. */
export function ordering(a: Val, b: Val): number | undefined {
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if ((a.kind === 'str' && b.kind === 'str') || (a.kind === 'path' && b.kind === 'path')) {
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  }
  const sa = seqItems(a);
  const sb = seqItems(b);
  if (sa && sb && a.kind === b.kind) {
    for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
      const c = ordering(sa[i]!, sb[i]!);
      if (c === undefined) return undefined;
      if (c !== 0) return c;
    }
    return sa.length - sb.length;
  }
  return undefined;
}

/** `needle in haystack`; undefined when unknown items leave it open. */
export function contains(haystack: Val, needle: Val): boolean | undefined | OpError {
  const hooks = nativeHooks(haystack);
  if (hooks?.contains) {
    const r = hooks.contains(needle);
    return r.kind === 'bool' ? r.value : undefined;
  }
  if (haystack.kind === 'str') {
    if (needle.kind !== 'str') return needle.kind === 'unknown' ? undefined : new OpError("'in <string>' requires string as left operand");
    return haystack.value.includes(needle.value);
  }
  let items: Val[];
  if (haystack.kind === 'list' || haystack.kind === 'tuple' || haystack.kind === 'set') items = haystack.items;
  else if (haystack.kind === 'dict') items = haystack.entries.map((e) => e.key);
  else if (haystack.kind === 'unknown') return undefined;
  else return new OpError(`argument of type '${typeLabel(haystack)}' is not iterable`);
  let unsure = false;
  for (const it of items) {
    const r = pyEquals(it, needle);
    if (r === true) return true;
    if (r === undefined) unsure = true;
  }
  return unsure ? undefined : false;
}

/** Items Python would iterate over; undefined when not iterable or not known. */
export function iterate(v: Val): Val[] | undefined {
  switch (v.kind) {
    case 'list':
    case 'tuple':
    case 'set':
      return v.items;
    case 'dict':
      return v.entries.map((e) => e.key);
    case 'str':
      return [...v.value].map(str);
    default: {
      const hooks = nativeHooks(v);
      return hooks?.iterate?.();
    }
  }
}

export function normIndex(i: number, len: number): number {
  return i < 0 ? i + len : i;
}

export function subscriptOp(container: Val, key: Val): OpResult {
  const hooks = nativeHooks(container);
  if (hooks?.getitem) return hooks.getitem(key);
  if (container.kind === 'dict') {
    const hit = dictLookup(container, key);
    if (hit === null) return new OpError(`KeyError: ${strOf(key) ?? '?'}`);
    return hit ?? new OpError('dict key not known');
  }
  const seq = container.kind === 'str' ? [...container.value].map(str) : seqItems(container);
  if (seq && (key.kind === 'int' || key.kind === 'bool')) {
    const i = normIndex(key.kind === 'bool' ? Number(key.value) : key.value, seq.length);
    if (i < 0 || i >= seq.length) return new OpError(`IndexError: index ${key.value} out of range`);
    return seq[i]!;
  }
  return new OpError(`'${typeLabel(container)}' object is not subscriptable with ${typeLabel(key)}`);
}

/** Dict lookup by Python equality: the value, null when known absent, or undefined when unsure. */
export function dictLookup(d: Extract<Val, { kind: 'dict' }>, key: Val): Val | null | undefined {
  let unsure = false;
  for (let i = d.entries.length - 1; i >= 0; i--) {
    const r = pyEquals(d.entries[i]!.key, key);
    if (r === true) return d.entries[i]!.value;
    if (r === undefined) unsure = true;
  }
  return unsure ? undefined : null;
}

export function dictSet(d: Val, key: Val, value: Val): void {
  if (d.kind !== 'dict') return;
  const hit = d.entries.find((e) => pyEquals(e.key, key) === true);
  if (hit) hit.value = value;
  else d.entries.push({ key, value });
}

export function sliceOf(container: Val, start: Val | undefined, stop: Val | undefined, step: Val | undefined): OpResult {
  const seq = container.kind === 'str' ? [...container.value] : seqItems(container);
  if (!seq) return new OpError(`'${typeLabel(container)}' cannot be sliced`);
  const n = (v: Val | undefined): number | undefined | null => (v === undefined || v.kind === 'none' ? undefined : v.kind === 'int' ? v.value : v.kind === 'bool' ? Number(v.value) : null);
  const [a, b, c] = [n(start), n(stop), n(step)];
  if (a === null || b === null || c === null) return new OpError('slice indices must be integers');
  const stepv = c ?? 1;
  if (stepv === 0) return new OpError('slice step cannot be zero');
  const len = seq.length;
  const clamp = (i: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, i < 0 ? i + len : i));
  const out: Array<Val | string> = [];
  if (stepv > 0) {
    for (let i = a === undefined ? 0 : clamp(a, 0, len), end = b === undefined ? len : clamp(b, 0, len); i < end; i += stepv) out.push(seq[i]!);
  } else {
    for (let i = a === undefined ? len - 1 : clamp(a, -1, len - 1), end = b === undefined ? -1 : clamp(b, -1, len - 1); i > end; i += stepv) out.push(seq[i]!);
  }
  if (container.kind === 'str') return str((out as string[]).join(''));
  return { kind: container.kind as 'list' | 'tuple', items: out as Val[] };
}

export function unaryOp(op: string, v: Val): OpResult {
  const x = num(v);
  if (x === undefined) return new OpError(`bad operand type for unary ${op}: '${typeLabel(v)}'`);
  if (op === '-') return numResult(-x, isIntLike(v));
  if (op === '+') return numResult(x, isIntLike(v));
  if (op === '~' && isIntLike(v)) return int(~x);
  return new OpError(`bad operand for unary ${op}`);
}

export { TRUE, FALSE };

/** Protocol hooks a native object (os.environ, environ.Path, Csv...) may implement. */
export interface NativeHooks {
  str?: string;
  binop?: (op: string, other: Val, reflected: boolean) => Val | undefined;
  getitem?: (key: Val) => OpResult;
  contains?: (key: Val) => Val;
  iterate?: () => Val[] | undefined;
}

export function nativeHooks(v: Val): NativeHooks | undefined {
  if (v.kind !== 'object') return undefined;
  const ref = (v as ObjVal).ref;
  if (ref?.tag !== 'native-object') return undefined;
  return ref.data as NativeHooks | undefined;
}
