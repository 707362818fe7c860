/**
 * Compose variable interpolation (compose-spec "Interpolation"): `$VAR` and `${VAR}`;
 * `${VAR:-default}` (unset or empty), `${VAR-default}` (unset); `${VAR:?err}` / `${VAR?err}`
 * (required: compose refuses to start); `${VAR:+alt}` / `${VAR+alt}`; defaults and alternatives
 * may nest (`${A:-${B:-x}}`); `$$` is a literal `$`; a `$` not followed by a name or `{` stays as
 * written; an unknown variable without a default becomes the empty string (compose warns).
 *
 * Values come from the project `.env` (beside the compose file) as far as the repository shows;
 * the shell environment of whoever runs compose wins over it, so every variable's value is
 * recorded with where it came from and whether the host could change it.
 */

export interface InterpolationVar {
  name: string;
  /**
   * `project-env`: the value from the project .env; `default`: the variable is not in the .env and
   * the written default (or alternative) was used; `unset`: neither, the empty string was used.
   */
  source: 'project-env' | 'default' | 'unset';
  operator?: ':-' | '-' | ':?' | '?' | ':+' | '+';
  /** The default or alternative text as written, when there is one. */
  fallback?: string;
  /** Where the .env defines it. */
  definedAt?: unknown;
}

export interface Interpolated {
  value: string;
  vars: InterpolationVar[];
  /** A required variable (`:?`/`?`) the repository does not set: compose would stop with this message. */
  requiredMissing?: { name: string; message: string };
  /** Malformed (`${VAR/x/y}`, unterminated `${`): compose refuses the file. */
  error?: string;
}

export type InterpolationLookup = (name: string) => { value: string; definedAt?: unknown } | undefined;

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

export function interpolate(text: string, lookup: InterpolationLookup): Interpolated {
  const out: Interpolated = { value: '', vars: [] };
  out.value = expand(text, lookup, out);
  return out;
}

/** Whether a string has anything compose would interpolate or unescape. */
export function hasInterpolation(text: string): boolean {
  return /\$(?:\$|\{|[_a-zA-Z])/.test(text);
}

function expand(text: string, lookup: InterpolationLookup, acc: Interpolated): string {
  let result = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      result += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      result += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(text, i + 2);
      if (close < 0) {
        acc.error ??= `invalid interpolation format: unterminated "\${" in "${text}"`;
        result += text.slice(i);
        break;
      }
      result += braced(text.slice(i + 2, close), lookup, acc, text);
      i = close + 1;
      continue;
    }
    const m = NAME.exec(text.slice(i + 1));
    if (m) {
      result += variable(m[0], undefined, undefined, lookup, acc);
      i += 1 + m[0].length;
      continue;
    }
    result += '$';
    i++;
  }
  return result;
}

function matchingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (c === '$' && text[j + 1] === '{') {
      depth++;
      j++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}

function braced(inner: string, lookup: InterpolationLookup, acc: Interpolated, whole: string): string {
  const m = NAME.exec(inner);
  if (!m) {
    acc.error ??= `invalid interpolation format for "\${${inner}}" in "${whole}"`;
    return '';
  }
  const name = m[0];
  const rest = inner.slice(name.length);
  if (rest === '') return variable(name, undefined, undefined, lookup, acc);
  const op = /^(:-|:\?|:\+|-|\?|\+)/.exec(rest)?.[1] as InterpolationVar['operator'] | undefined;
  if (!op) {
    acc.error ??= `invalid interpolation format for "\${${inner}}": compose supports only :- - :? ? :+ +`;
    return '';
  }
  return variable(name, op, rest.slice(op.length), lookup, acc);
}

function variable(name: string, op: InterpolationVar['operator'], arg: string | undefined, lookup: InterpolationLookup, acc: Interpolated): string {
  const hit = lookup(name);
  const set = hit !== undefined;
  const nonEmpty = set && hit.value !== '';
  const record = (source: InterpolationVar['source']) => {
    const v: InterpolationVar = { name, source };
    if (op) v.operator = op;
    if (arg !== undefined) v.fallback = arg;
    if (hit?.definedAt !== undefined) v.definedAt = hit.definedAt;
    acc.vars.push(v);
  };
  switch (op) {
    case ':-':
    case '-': {
      const useDefault = op === ':-' ? !nonEmpty : !set;
      if (useDefault) {
        record('default');
        return expand(arg ?? '', lookup, acc);
      }
      record('project-env');
      return hit!.value;
    }
    case ':?':
    case '?': {
      const missing = op === ':?' ? !nonEmpty : !set;
      if (missing) {
        record('unset');
        acc.requiredMissing ??= { name, message: expand(arg ?? '', lookup, acc) || `required variable ${name} is missing a value` };
        return '';
      }
      record('project-env');
      return hit!.value;
    }
    case ':+':
    case '+': {
      const useAlt = op === ':+' ? nonEmpty : set;
      record(set ? 'project-env' : 'unset');
      return useAlt ? expand(arg ?? '', lookup, acc) : '';
    }
    default:
      if (set) {
        record('project-env');
        return hit.value;
      }
      record('unset');
      return '';
  }
}
