// A small TOML reader: enough for pyproject.toml, Pipfile, poetry.lock and uv.lock (tables, arrays
// of tables, dotted and quoted keys, strings of all four kinds, multi-line arrays, inline tables).
// Values keep their offsets. Dates, numbers and booleans are kept as raw text.

export type TomlValue =
  | { kind: 'string'; value: string; from: number; to: number }
  | { kind: 'raw'; value: string; from: number; to: number }
  | { kind: 'array'; items: TomlValue[]; from: number; to: number }
  | { kind: 'table'; entries: Map<string, TomlEntry>; from: number; to: number }
  | { kind: 'tables'; items: Array<Extract<TomlValue, { kind: 'table' }>>; from: number; to: number };

export type TomlTable = Extract<TomlValue, { kind: 'table' }>;

export interface TomlEntry {
  value: TomlValue;
  /** Offset of the key that set it. */
  keyFrom: number;
}

export class TomlError extends Error {}

export function readToml(text: string): TomlTable {
  const reader = new TomlReader(text);
  return reader.document();
}

class TomlReader {
  private pos = 0;
  private readonly root: TomlTable = { kind: 'table', entries: new Map(), from: 0, to: 0 };

  constructor(private readonly text: string) {}

  document(): TomlTable {
    let current = this.root;
    while (this.skipBlankLines()) {
      const lineStart = this.pos;
      try {
        current = this.statement(current);
      } catch (err) {
        if (!(err instanceof TomlError)) throw err;
        // Skip the broken statement; a multi-line value may leave us mid-value, so resume at the next line.
        this.pos = Math.max(this.pos, lineStart);
        this.toLineEnd();
      }
    }
    return this.root;
  }

  private statement(current: TomlTable): TomlTable {
    if (this.text.startsWith('[[', this.pos)) {
      this.pos += 2;
      const path = this.keyPath(']]');
      const list = this.arrayOfTables(path);
      const table: TomlTable = { kind: 'table', entries: new Map(), from: this.pos, to: this.pos };
      list.items.push(table);
      this.endOfLine();
      return table;
    }
    if (this.text[this.pos] === '[') {
      this.pos++;
      const table = this.tableAt(this.root, this.keyPath(']'));
      this.endOfLine();
      return table;
    }
    const keyFrom = this.pos;
    const path = this.keyPath('=');
    this.skipSpaces();
    const value = this.value();
    this.endOfLine();
    const parent = this.tableAt(current, path.slice(0, -1));
    parent.entries.set(path[path.length - 1]!, { value, keyFrom });
    return current;
  }

  /** Dotted key up to `close` (consumed). */
  private keyPath(close: string): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.text[this.pos];
      if (c === '"' || c === "'") parts.push((this.string() as { value: string }).value);
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.pos, this.pos + 200));
        if (!m) throw new TomlError();
        parts.push(m[0]);
        this.pos += m[0].length;
      }
      this.skipSpaces();
      if (this.text[this.pos] === '.') {
        this.pos++;
        continue;
      }
      if (!this.text.startsWith(close, this.pos)) throw new TomlError();
      this.pos += close.length;
      return parts;
    }
  }

  private tableAt(base: TomlTable, path: string[]): TomlTable {
    let t = base;
    for (const key of path) {
      const hit = t.entries.get(key)?.value;
      if (hit?.kind === 'table') t = hit;
      else if (hit?.kind === 'tables' && hit.items.length > 0) t = hit.items[hit.items.length - 1]!;
      else {
        const made: TomlTable = { kind: 'table', entries: new Map(), from: this.pos, to: this.pos };
        t.entries.set(key, { value: made, keyFrom: this.pos });
        t = made;
      }
    }
    return t;
  }

  private arrayOfTables(path: string[]): Extract<TomlValue, { kind: 'tables' }> {
    const parent = this.tableAt(this.root, path.slice(0, -1));
    const key = path[path.length - 1]!;
    const hit = parent.entries.get(key)?.value;
    if (hit?.kind === 'tables') return hit;
    const made: Extract<TomlValue, { kind: 'tables' }> = { kind: 'tables', items: [], from: this.pos, to: this.pos };
    parent.entries.set(key, { value: made, keyFrom: this.pos });
    return made;
  }

  private value(): TomlValue {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") return this.string();
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    const m = /^[^\s,\]}#]+/.exec(this.text.slice(this.pos, this.pos + 100));
    if (!m) throw new TomlError();
    const from = this.pos;
    this.pos += m[0].length;
    return { kind: 'raw', value: m[0], from, to: this.pos };
  }

  private string(): TomlValue {
    const from = this.pos;
    const quote = this.text[from]!;
    const triple = this.text.startsWith(quote.repeat(3), from);
    const open = triple ? 3 : 1;
    let i = from + open;
    // A newline right after an opening triple quote is not part of the string.
    if (triple && this.text[i] === '\r') i++;
    if (triple && this.text[i] === '\n') i++;
    let value = '';
    for (; i < this.text.length; i++) {
      const ch = this.text[i]!;
      if (!triple && (ch === '\n' || ch === '\r')) break;
      if (ch === quote && this.text.startsWith(quote.repeat(open), i)) {
        this.pos = i + open;
        return { kind: 'string', value, from, to: this.pos };
      }
      if (ch === '\\' && quote === '"') {
        const esc = this.escape(i);
        value += esc.text;
        i = esc.end - 1;
        continue;
      }
      value += ch;
    }
    throw new TomlError();
  }

  private escape(at: number): { text: string; end: number } {
    const c = this.text[at + 1] ?? '';
    const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\', e: '\x1b' };
    if (c in simple) return { text: simple[c]!, end: at + 2 };
    const hex = /^(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))/.exec(this.text.slice(at + 1, at + 10));
    if (hex) return { text: String.fromCodePoint(parseInt(hex[1] ?? hex[2]!, 16)), end: at + 1 + hex[0].length };
    // A line-ending backslash in a multi-line string trims the newline and following blanks.
    const ws = /^[ \t]*\r?\n[\s]*/.exec(this.text.slice(at + 1));
    if (ws) return { text: '', end: at + 1 + ws[0].length };
    return { text: c, end: at + 2 };
  }

  private array(): TomlValue {
    const from = this.pos++;
    const items: TomlValue[] = [];
    for (;;) {
      this.skipBlankAndComments();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return { kind: 'array', items, from, to: this.pos };
      }
      if (this.pos >= this.text.length) throw new TomlError();
      items.push(this.value());
      this.skipBlankAndComments();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== ']') throw new TomlError();
    }
  }

  private inlineTable(): TomlValue {
    const from = this.pos++;
    const table: TomlTable = { kind: 'table', entries: new Map(), from, to: from };
    for (;;) {
      this.skipBlankAndComments();
      if (this.text[this.pos] === '}') {
        this.pos++;
        table.to = this.pos;
        return table;
      }
      const keyFrom = this.pos;
      const path = this.keyPath('=');
      this.skipSpaces();
      const value = this.value();
      this.tableAt(table, path.slice(0, -1)).entries.set(path[path.length - 1]!, { value, keyFrom });
      this.skipBlankAndComments();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') throw new TomlError();
    }
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }

  private skipBlankAndComments(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '#') this.toLineEnd();
      else return;
    }
  }

  /** Skips blank lines and comment lines; false at the end of the text. */
  private skipBlankLines(): boolean {
    this.skipBlankAndComments();
    return this.pos < this.text.length;
  }

  private endOfLine(): void {
    this.skipSpaces();
    const c = this.text[this.pos];
    if (c === '#') this.toLineEnd();
    else if (c !== undefined && c !== '\n' && c !== '\r') throw new TomlError();
  }

  private toLineEnd(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== '\n' && this.text[this.pos] !== '\r') this.pos++;
  }
}

export function tomlGet(table: TomlTable | undefined, ...path: string[]): TomlValue | undefined {
  let v: TomlValue | undefined = table;
  for (const key of path) {
    if (v?.kind !== 'table') return undefined;
    v = v.entries.get(key)?.value;
  }
  return v;
}

export function tomlTable(table: TomlTable | undefined, ...path: string[]): TomlTable | undefined {
  const v = tomlGet(table, ...path);
  return v?.kind === 'table' ? v : undefined;
}

export function tomlString(table: TomlTable | undefined, key: string): string | undefined {
  const v = table?.entries.get(key)?.value;
  return v?.kind === 'string' ? v.value : undefined;
}

