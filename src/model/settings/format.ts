import type { Val } from './values.js';
import type { ObjVal } from './values.js';

/** Python `repr(float)`. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mant, exp] = x.toExponential().split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  const s = String(x);
  return s.includes('.') ? s : `${s}.0`;
}

export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return quote + out + quote;
}

/** Python `repr(v)`; undefined when the value is not known well enough. */
export function reprOf(v: Val, depth = 0): string | undefined {
  if (depth > 20) return undefined;
  const all = (items: Val[]): string[] | undefined => {
    const out: string[] = [];
    for (const it of items) {
      const r = reprOf(it, depth + 1);
      if (r === undefined) return undefined;
      out.push(r);
    }
    return out;
  };
  switch (v.kind) {
    case 'str':
      return strRepr(v.value);
    case 'bytes':
      return `b${strRepr(v.value)}`;
    case 'path':
      return `PosixPath(${strRepr(v.value)})`;
    case 'list': {
      const parts = all(v.items);
      return parts && `[${parts.join(', ')}]`;
    }
    case 'tuple': {
      const parts = all(v.items);
      return parts && (parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`);
    }
    case 'set': {
      const parts = all(v.items);
      return parts && (parts.length ? `{${parts.join(', ')}}` : 'set()');
    }
    case 'dict': {
      const parts: string[] = [];
      for (const e of v.entries) {
        const k = reprOf(e.key, depth + 1);
        const x = reprOf(e.value, depth + 1);
        if (k === undefined || x === undefined) return undefined;
        parts.push(`${k}: ${x}`);
      }
      return `{${parts.join(', ')}}`;
    }
    default:
      return strOf(v, depth);
  }
}

/** Python `str(v)`; undefined when unknown. */
export function strOf(v: Val, depth = 0): string | undefined {
  switch (v.kind) {
    case 'none':
      return 'None';
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'int':
      return intStr(v.value);
    case 'float':
      return floatRepr(v.value);
    case 'str':
    case 'path':
      return v.value;
    case 'bytes':
      return `b${strRepr(v.value)}`;
    case 'list':
    case 'tuple':
    case 'set':
    case 'dict':
      return reprOf(v, depth);
    case 'object': {
      const ref = (v as ObjVal).ref;
      if (ref?.tag === 'native-object' && typeof (ref.data as { str?: unknown })?.str === 'string') return (ref.data as { str: string }).str;
      return undefined;
    }
    case 'unknown':
      return undefined;
  }
}

export function intStr(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.trunc(n)).toString();
}

interface Spec {
  fill: string;
  align?: string;
  sign: string;
  alt: boolean;
  zero: boolean;
  width: number;
  grouping?: string;
  precision?: number;
  type: string;
}

function parseSpec(spec: string): Spec | undefined {
  const m = /^(?:(.)?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su.exec(spec);
  if (!m) return undefined;
  return {
    fill: m[1] ?? (m[6] && !m[2] ? '0' : ' '),
    align: m[2] ?? (m[6] ? '=' : undefined),
    sign: m[3] ?? '-',
    alt: !!m[5],
    zero: !!m[6],
    width: m[7] ? Number(m[7]) : 0,
    grouping: m[8],
    precision: m[9] !== undefined ? Number(m[9]) : undefined,
    type: m[10] ?? '',
  };
}

function group(intPart: string, sep: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** Python `format(v, spec)` for str, int, float and bool; undefined when unsupported. */
export function formatValue(v: Val, spec: string): string | undefined {
  if (spec === '') return strOf(v);
  const s = parseSpec(spec);
  if (!s) return undefined;
  let body: string;
  let signStr = '';
  const numeric = v.kind === 'int' || v.kind === 'float' || v.kind === 'bool';
  if (v.kind === 'str' || v.kind === 'path') {
    if (s.type && s.type !== 's') return undefined;
    body = s.precision !== undefined ? v.value.slice(0, s.precision) : v.value;
  } else if (numeric) {
    let n = v.kind === 'bool' ? (v.value ? 1 : 0) : v.value;
    let type = s.type;
    if (!type) type = v.kind === 'float' ? (s.precision !== undefined ? 'g' : 'r') : 'd';
    if (n < 0 || Object.is(n, -0)) {
      signStr = '-';
      n = -n;
    } else if (s.sign === '+') signStr = '+';
    else if (s.sign === ' ') signStr = ' ';
    const p = s.precision ?? 6;
    switch (type) {
      case 'd':
      case 'n':
        if (!Number.isInteger(n)) return undefined;
        body = intStr(n);
        break;
      case 'x':
      case 'X':
      case 'o':
      case 'b': {
        if (!Number.isInteger(n)) return undefined;
        const radix = type === 'o' ? 8 : type === 'b' ? 2 : 16;
        body = n.toString(radix);
        if (type === 'X') body = body.toUpperCase();
        if (s.alt) body = `0${type}${body}`;
        break;
      }
      case 'c':
        body = String.fromCodePoint(n);
        break;
      case 'f':
      case 'F':
        body = n.toFixed(p);
        break;
      case '%':
        body = `${(n * 100).toFixed(p)}%`;
        break;
      case 'e':
      case 'E': {
        const [m, e] = n.toExponential(p).split('e') as [string, string];
        body = `${m}e${e.startsWith('-') ? '-' : '+'}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
        if (type === 'E') body = body.toUpperCase();
        break;
      }
      case 'g':
      case 'G': {
        const prec = p === 0 ? 1 : p;
        const exp = n === 0 ? 0 : Math.floor(Math.log10(n));
        if (exp >= -4 && exp < prec) {
          body = n.toFixed(Math.max(0, prec - 1 - exp));
          if (!s.alt && body.includes('.')) body = body.replace(/\.?0+$/, '');
        } else {
          const [m, e] = n.toExponential(prec - 1).split('e') as [string, string];
          const mant = s.alt ? m : m.replace(/\.?0+$/, '');
          body = `${mant}e${e.startsWith('-') ? '-' : '+'}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
        }
        if (type === 'G') body = body.toUpperCase();
        break;
      }
      case 'r':
        body = floatRepr(n);
        break;
      default:
        return undefined;
    }
    if (s.grouping) {
      const [ip, ...rest] = body.split('.');
      body = [group(ip!, s.grouping), ...rest].join('.');
    }
  } else {
    const text = strOf(v);
    if (text === undefined || s.type) return undefined;
    body = text;
  }
  const total = signStr.length + body.length;
  const pad = Math.max(0, s.width - total);
  const align = s.align ?? (numeric ? '>' : '<');
  const fill = s.fill.repeat(pad);
  switch (align) {
    case '<':
      return signStr + body + fill;
    case '>':
      return fill + signStr + body;
    case '=':
      return signStr + fill + body;
    case '^': {
      const left = Math.floor(pad / 2);
      return s.fill.repeat(left) + signStr + body + s.fill.repeat(pad - left);
    }
  }
  return undefined;
}

/**
 * `fmt.replace(/%(\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g, ...)` by a
 * scan, in linear time (the regex is cubic on many `%(` before a `)`): each directive's key, flags,
 * width, precision and conversion, undefined where the regex's group would be.
 */
export function replacePercentDirectives(
  fmt: string,
  replace: (key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => string,
): string {
  const digit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  /** The directive's part after `%` or after `(key)`, from i: its pieces and end, or undefined. */
  const tail = (i: number) => {
    const flagsFrom = i;
    while (i < fmt.length && '#0- +'.includes(fmt[i]!)) i++;
    const flags = fmt.slice(flagsFrom, i);
    let width: string | undefined;
    if (fmt[i] === '*') width = fmt[i++];
    else if (digit(fmt[i])) {
      const from = i;
      while (digit(fmt[i])) i++;
      width = fmt.slice(from, i);
    }
    let prec: string | undefined;
    if (fmt[i] === '.' && digit(fmt[i + 1])) {
      const from = ++i;
      while (digit(fmt[i])) i++;
      prec = fmt.slice(from, i);
    }
    if (fmt[i] === 'h' || fmt[i] === 'l' || fmt[i] === 'L') i++;
    const conv = fmt[i];
    return conv !== undefined && 'diouxXeEfFgGcrsa%'.includes(conv) ? { flags, width, prec, conv, end: i + 1 } : undefined;
  };
  let out = '';
  let done = 0;
  let close = -1;
  // Every `%(` before the same `)` continues alike after it: its tail is read once.
  let afterClose: { at: number; tail: ReturnType<typeof tail> } | undefined;
  for (let p = fmt.indexOf('%'); p >= 0; p = fmt.indexOf('%', p)) {
    let key: string | undefined;
    let t: ReturnType<typeof tail>;
    if (fmt[p + 1] === '(') {
      if (close < p + 2) close = fmt.indexOf(')', p + 2);
      if (close < 0) {
        p++;
        continue;
      }
      if (afterClose?.at !== close) afterClose = { at: close, tail: tail(close + 1) };
      t = afterClose.tail;
      if (t) key = fmt.slice(p + 2, close);
    } else t = tail(p + 1);
    if (!t) {
      p++;
      continue;
    }
    out += fmt.slice(done, p) + replace(key, t.flags, t.width, t.prec, t.conv);
    done = p = t.end;
  }
  return out + fmt.slice(done);
}

/** Python `fmt % args`; undefined when it cannot be computed. */
export function percentFormat(fmt: string, args: Val): string | undefined {
  const positional = args.kind === 'tuple' ? args.items : [args];
  const mapping = args.kind === 'dict' ? args : undefined;
  let index = 0;
  let failed = false;
  const out = replacePercentDirectives(fmt, (key, flags, width, prec, conv) => {
    if (conv === '%') return '%';
    let v: Val | undefined;
    if (key !== undefined) {
      const hit = mapping?.entries.find((e) => e.key.kind === 'str' && e.key.value === key);
      v = hit?.value;
    } else v = positional[index++];
    if (!v) {
      failed = true;
      return '';
    }
    let text: string | undefined;
    if (conv === 's') text = strOf(v);
    else if (conv === 'r' || conv === 'a') text = reprOf(v);
    else {
      const type = conv === 'i' || conv === 'u' ? 'd' : conv;
      const spec = `${flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : ''}${flags.includes('#') ? '#' : ''}${prec !== undefined ? `.${prec}` : ''}${type}`;
      const num = type === 'd' && v.kind === 'float' ? { kind: 'int' as const, value: Math.trunc(v.value) } : v;
      text = num.kind === 'int' || num.kind === 'float' || num.kind === 'bool' ? formatValue(num, spec) : undefined;
    }
    if (text === undefined) {
      failed = true;
      return '';
    }
    const w = width && width !== '*' ? Number(width) : 0;
    if (text.length < w) text = flags.includes('-') ? text.padEnd(w) : flags.includes('0') && conv !== 's' ? text.padStart(w, '0') : text.padStart(w);
    return text;
  });
  if (failed) return undefined;
  if (!mapping && args.kind === 'tuple' && index !== positional.length) return undefined;
  return out;
}

/**
 * A format field's name split into its first part and what follows: the `[key]` items (their keys) and
 * `.attribute` parts (undefined), as /^([^.[]*)(.*)$/ and then matchAll(/\[([^\]]*)\]|\.(\w+)/g) on
 * group 2 give them, by one scan (issue 7: both regexes are quadratic on some names). Undefined when a
 * line break follows the first `.` or `[` (where the first regex does not match).
 */
export function fieldPath(field: string): [string, Array<string | undefined>] | undefined {
  const cut = field.search(/[.[]/);
  if (cut < 0) return [field, []];
  const rest = field.slice(cut);
  if (/[\n\r\u2028\u2029]/.test(rest)) return undefined;
  const keys: Array<string | undefined> = [];
  let closed = true;
  for (let i = 0; i < rest.length; ) {
    if (rest[i] === '[' && closed) {
      const end = rest.indexOf(']', i + 1);
      if (end >= 0) {
        keys.push(rest.slice(i + 1, end));
        i = end + 1;
        continue;
      }
      closed = false;
    }
    if (rest[i] === '.' && /\w/.test(rest[i + 1] ?? '')) {
      let end = i + 2;
      while (end < rest.length && /\w/.test(rest[end]!)) end++;
      keys.push(undefined);
      i = end;
      continue;
    }
    i++;
  }
  return [field.slice(0, cut), keys];
}

/** Python `fmt.format(*args, **kwargs)` for plain fields; undefined when it cannot be computed. */
export function strFormat(fmt: string, args: Val[], kwargs: Map<string, Val>): string | undefined {
  let auto = 0;
  let failed = false;
  const out = fmt.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (m, field: string | undefined, conv, spec) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const path = fieldPath(field ?? '');
    if (!path) {
      failed = true;
      return '';
    }
    const [head, keys] = path;
    let v: Val | undefined = head === '' ? args[auto++] : /^\d+$/.test(head) ? args[Number(head)] : kwargs.get(head);
    for (const key of keys) {
      if (!v) break;
      if (key === undefined) {
        v = undefined;
        break;
      }
      if ((v.kind === 'list' || v.kind === 'tuple') && /^\d+$/.test(key)) v = v.items[Number(key)];
      else if (v.kind === 'dict') v = v.entries.find((e) => e.key.kind === 'str' && e.key.value === key)?.value;
      else v = undefined;
    }
    if (!v) {
      failed = true;
      return '';
    }
    let text: string | undefined;
    if (conv === 'r' || conv === 'a') text = reprOf(v);
    else if (conv === 's') text = strOf(v);
    if (conv) text = text === undefined ? undefined : formatValue({ kind: 'str', value: text }, spec ?? '');
    else text = formatValue(v, spec ?? '');
    if (text === undefined) failed = true;
    return text ?? '';
  });
  return failed ? undefined : out;
}
