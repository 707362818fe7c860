import type { LineIndex } from '../../core/position.js';

/**
 * uWSGI's INI reader, line for line as `core/ini.c` does it:
 * - each line is stripped of blanks (space, tab, CR) at both ends;
 * - `[name]` starts a section (the first and last characters are dropped, whatever they are);
 * - a line starting with `;` or `#` is a comment; nothing else is: `master = false # off` sets
 *   master to the string "false # off", which is true;
 * - otherwise the key is what precedes the first `=` (blanks trimmed), the value what follows it;
 *   a line without `=` is a key with an empty value (a flag that is switched on);
 * - keys repeat: for list options every occurrence counts, for the others the last one wins.
 * Only the asked section (`uwsgi` by default) is read by uWSGI; the others are kept for callers.
 */
export interface UwsgiIniEntry {
  section: string;
  key: string;
  /** The value exactly as uWSGI receives it (placeholders not expanded). */
  value: string;
  line: number;
  /** Source offsets of the key and of the value (an empty value sits just after the `=`). */
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

export interface UwsgiIniSection {
  name: string;
  line: number;
  /** Source offsets of the `[name]` header. */
  start: number;
  end: number;
}

export interface UwsgiIniParse {
  sections: UwsgiIniSection[];
  entries: UwsgiIniEntry[];
}

const BLANK = /[ \t\r]/;

export function parseUwsgiIni(text: string, lines: LineIndex): UwsgiIniParse {
  const sections: UwsgiIniSection[] = [];
  const entries: UwsgiIniEntry[] = [];
  let section = '';
  for (let line = 1; line <= lines.lineCount; line++) {
    const raw = lines.lineText(line);
    const lineStart = lines.offsetAt(line, 1);
    let a = 0;
    let b = raw.length;
    while (a < b && BLANK.test(raw[a]!)) a++;
    while (b > a && BLANK.test(raw[b - 1]!)) b--;
    if (a === b) continue;
    const first = raw[a]!;
    if (first === '[') {
      section = raw.slice(a + 1, b - 1);
      sections.push({ name: section, line, start: lineStart + a, end: lineStart + b });
      continue;
    }
    if (first === ';' || first === '#') continue;
    const eq = raw.indexOf('=', a);
    let keyEnd: number;
    let valueStart: number;
    let valueEnd: number;
    if (eq < 0 || eq >= b) {
      keyEnd = b;
      valueStart = b;
      valueEnd = b;
    } else {
      keyEnd = eq;
      while (keyEnd > a && BLANK.test(raw[keyEnd - 1]!)) keyEnd--;
      valueStart = eq + 1;
      while (valueStart < b && BLANK.test(raw[valueStart]!)) valueStart++;
      valueEnd = b;
    }
    entries.push({
      section,
      key: raw.slice(a, keyEnd),
      value: raw.slice(valueStart, valueEnd),
      line,
      keyStart: lineStart + a,
      keyEnd: lineStart + keyEnd,
      valueStart: lineStart + valueStart,
      valueEnd: lineStart + valueEnd,
    });
  }
  return { sections, entries };
}

/** uWSGI's reading of a flag's value (`uwsgi_opt_true`): false, off, no and 0 (any case) switch it off; anything else, even empty, on. */
export function uwsgiFlag(value: string): boolean {
  return !/^(?:false|off|no|0)$/i.test(value);
}

/**
 * Placeholders uWSGI expands at load time: `%(option)`, `$(ENV)`, `@(file)`, magic `%d` `%n` ..., `%[...]`,
 * each replaced by `by(placeholder)`: value.replace(/%\([^)]*\)|\$\([^)]*\)|@\([^)]*\)|%[A-Za-z0-9]|%\[[^\]]*\]/g, by)
 * by indexOf (issue 7: the regex rescans the rest from every `(` or `[` that nothing closes).
 */
export function replaceUwsgiPlaceholders(value: string, by: (placeholder: string) => string): string {
  const lastParen = value.lastIndexOf(')');
  const lastBracket = value.lastIndexOf(']');
  let out = '';
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const next = value[i + 1];
    let end = -1;
    if ((c === '%' || c === '$' || c === '@') && next === '(' && i + 2 <= lastParen) end = value.indexOf(')', i + 2) + 1;
    else if (c === '%' && next !== undefined && /[A-Za-z0-9]/.test(next)) end = i + 2;
    else if (c === '%' && next === '[' && i + 2 <= lastBracket) end = value.indexOf(']', i + 2) + 1;
    if (end < 0) continue;
    out += value.slice(from, i) + by(value.slice(i, end));
    from = end;
    i = end - 1;
  }
  return out + value.slice(from);
}
