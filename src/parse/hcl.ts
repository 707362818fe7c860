/**
 * A small positioned reader for the HCL subset Terraform configurations use: blocks with labels,
 * nested blocks, attributes, strings (interpolations kept as text), numbers, booleans, null, lists,
 * objects, references and function calls (kept as expression text: their values are unknown),
 * heredocs and the three comment styles. Broken input yields problems with a location, never a throw.
 * It knows nothing of Terraform's meaning.
 */
import { LineIndex, type Span } from '../core/position.js';

export type HclValue =
  | { kind: 'string'; value: string; /** True when the text holds `${...}` or `%{...}`: its final value is not known. */ interpolated: boolean; span: Span }
  | { kind: 'number'; value: number; span: Span }
  | { kind: 'bool'; value: boolean; span: Span }
  | { kind: 'null'; span: Span }
  | { kind: 'list'; items: HclValue[]; span: Span }
  | { kind: 'object'; entries: HclObjectEntry[]; span: Span }
  /** A reference (`var.x`, `aws_x.y.id`), a function call, an operator or a `for` expression: unknown. */
  | { kind: 'expr'; text: string; /** Set when the whole expression is one `var.NAME` reference. */ variable?: string; span: Span };

export interface HclObjectEntry {
  key: string;
  keySpan: Span;
  value: HclValue;
}

export interface HclAttribute {
  name: string;
  nameSpan: Span;
  value: HclValue;
  /** From the name to the end of the value. */
  span: Span;
}

export interface HclBlock {
  type: string;
  labels: string[];
  /** The type keyword and labels: where a finding about the block as a whole points. */
  headerSpan: Span;
  /** The whole block, header to closing brace. */
  span: Span;
  body: HclBody;
}

export interface HclBody {
  attributes: HclAttribute[];
  blocks: HclBlock[];
}

export interface HclProblem {
  message: string;
  span: Span;
}

export interface HclFile {
  file: string;
  body: HclBody;
  problems: HclProblem[];
}

const MAX_DEPTH = 100;

class Reader {
  pos = 0;
  readonly problems: HclProblem[] = [];
  constructor(readonly text: string, readonly file: string, readonly lines: LineIndex) {}

  span(a: number, b: number): Span {
    return this.lines.span(this.file, a, b);
  }

  problem(message: string, a: number, b = a + 1): void {
    const end = Math.min(Math.max(b, a), this.text.length);
    this.problems.push({ message, span: this.span(a, end) });
  }

  /** Skip spaces, tabs and comments; newlines too when `newlines`. */
  skip(newlines: boolean): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\ufeff') this.pos++;
      else if (c === '\n') {
        if (!newlines) return;
        this.pos++;
      } else if (c === '#' || (c === '/' && t[this.pos + 1] === '/')) {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else if (c === '/' && t[this.pos + 1] === '*') {
        const end = t.indexOf('*/', this.pos + 2);
        if (end < 0) {
          this.problem('unterminated /* comment', this.pos, this.pos + 2);
          this.pos = t.length;
        } else this.pos = end + 2;
      } else return;
    }
  }

  ident(): string | undefined {
    const m = /[A-Za-z_][A-Za-z0-9_-]*/y;
    m.lastIndex = this.pos;
    const r = m.exec(this.text);
    if (!r) return undefined;
    this.pos += r[0].length;
    return r[0];
  }

  /** Skip to the next line (error recovery). */
  skipLine(): void {
    const nl = this.text.indexOf('\n', this.pos);
    this.pos = nl < 0 ? this.text.length : nl + 1;
  }

  body(depth: number, nested: boolean): HclBody {
    const body: HclBody = { attributes: [], blocks: [] };
    const t = this.text;
    for (;;) {
      this.skip(true);
      if (this.pos >= t.length) return body;
      const c = t[this.pos]!;
      if (c === '}') {
        if (nested) return body;
        this.problem('unexpected "}"', this.pos);
        this.pos++;
        continue;
      }
      const start = this.pos;
      const name = this.ident();
      if (name === undefined) {
        this.problem(`unexpected ${JSON.stringify(c)}: expected an attribute or a block`, this.pos);
        this.skipLine();
        continue;
      }
      const nameSpan = this.span(start, this.pos);
      this.skip(false);
      if (t[this.pos] === '=' && t[this.pos + 1] !== '=') {
        this.pos++;
        this.skip(false);
        const value = this.expression(depth, '');
        if (!value) {
          this.problem(`attribute "${name}" has no value`, start, this.pos);
          this.skipLine();
          continue;
        }
        body.attributes.push({ name, nameSpan, value, span: this.span(start, spanEnd(value)) });
        this.skip(false);
        const d = t[this.pos];
        if (d !== undefined && d !== '\n' && d !== '}') {
          this.problem(`unexpected text after the value of "${name}"`, this.pos);
          this.skipLine();
        }
        continue;
      }
      const labels: string[] = [];
      let ok = true;
      let headerEnd = nameSpan.end.offset;
      for (;;) {
        this.skip(false);
        const d = t[this.pos];
        if (d === '"') {
          const s = this.string();
          labels.push(s.kind === 'string' ? s.value : '');
        } else if (d !== undefined && /[A-Za-z_]/.test(d)) labels.push(this.ident()!);
        else break;
        headerEnd = this.pos;
      }
      if (t[this.pos] !== '{') {
        this.problem(`expected "=" or "{" after "${name}"`, this.pos);
        ok = false;
      }
      if (!ok) {
        this.skipLine();
        continue;
      }
      this.pos++;
      if (depth >= MAX_DEPTH) {
        this.problem('blocks nested too deeply', start, this.pos);
        this.pos = t.length;
        return body;
      }
      const inner = this.body(depth + 1, true);
      if (t[this.pos] === '}') this.pos++;
      else this.problem(`block "${name}" is not closed`, start, headerEnd);
      body.blocks.push({ type: name, labels, headerSpan: this.span(start, headerEnd), span: this.span(start, this.pos), body: inner });
    }
  }

  /**
   * One expression. `stops` lists the characters that end it at bracket depth 0 besides a newline
   * (",]" in a list, ",}" in an object). A literal followed by an operator becomes an `expr`.
   */
  expression(depth: number, stops: string): HclValue | undefined {
    const start = this.pos;
    const primary = this.primary(depth);
    if (!primary) return undefined;
    const after = this.pos;
    this.skip(false);
    const c = this.text[this.pos];
    const isOp = c !== undefined && (/[?!<>+\-*/%&|]/.test(c) || (c === '=' && this.text[this.pos + 1] === '='));
    if (isOp && !stops.includes(c!)) {
      this.rest(stops);
      return this.exprValue(start, this.pos);
    }
    this.pos = after;
    return primary;
  }

  exprValue(a: number, b: number): HclValue {
    let end = b;
    while (end > a && /\s/.test(this.text[end - 1]!)) end--;
    const text = this.text.slice(a, end);
    const m = /^var\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(text);
    return { kind: 'expr', text, ...(m ? { variable: m[1]! } : {}), span: this.span(a, end) };
  }

  /** Consume the rest of an expression to its end (a newline or a stop character at depth 0). */
  rest(stops: string): void {
    const t = this.text;
    let depth = 0;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '"') {
        this.string();
        continue;
      }
      if (c === '#' || (c === '/' && t[this.pos + 1] === '/')) {
        if (depth === 0) return;
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (c === '/' && t[this.pos + 1] === '*') {
        this.skip(false);
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) return;
        depth--;
      } else if (depth === 0 && (c === '\n' || stops.includes(c))) return;
      this.pos++;
    }
    if (depth > 0) this.problem('unclosed bracket in an expression', this.pos - 1);
  }

  primary(depth: number): HclValue | undefined {
    const t = this.text;
    const start = this.pos;
    const c = t[this.pos];
    if (c === undefined) return undefined;
    if (c === '"') return this.string();
    if (c === '<' && t[this.pos + 1] === '<') return this.heredoc();
    const num = /-?(?:\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/y;
    num.lastIndex = this.pos;
    const n = num.exec(t);
    if (n && (c !== '-' || n[0].length > 1)) {
      this.pos += n[0].length;
      return { kind: 'number', value: Number(n[0]), span: this.span(start, this.pos) };
    }
    if (c === '[') {
      if (/^\[\s*for\s/.test(t.slice(this.pos, this.pos + 20))) return this.balanced(start);
      return this.list(depth);
    }
    if (c === '{') {
      if (/^\{\s*for\s/.test(t.slice(this.pos, this.pos + 20))) return this.balanced(start);
      return this.object(depth);
    }
    if (c === '(') return this.balanced(start);
    if (c === '!' || c === '-') {
      this.pos++;
      this.rest('');
      return this.exprValue(start, this.pos);
    }
    const id = this.ident();
    if (id === undefined) return undefined;
    if (t[this.pos] === '(' || t[this.pos] === '.' || t[this.pos] === '[' || t[this.pos] === ':') {
      // a function call or a traversal: scan it whole
      while (this.pos < t.length) {
        const d = t[this.pos]!;
        if (d === '(' || d === '[') {
          this.balanced(this.pos);
        } else if (d === '.' || (d === ':' && t[this.pos + 1] === ':')) {
          this.pos += d === ':' ? 2 : 1;
          if (t[this.pos] === '*') this.pos++;
          else if (!this.ident()) {
            const m = /\d+/y;
            m.lastIndex = this.pos;
            const r = m.exec(t);
            if (r) this.pos += r[0].length;
            else break;
          }
        } else break;
      }
      return this.exprValue(start, this.pos);
    }
    const span = this.span(start, this.pos);
    if (id === 'true' || id === 'false') return { kind: 'bool', value: id === 'true', span };
    if (id === 'null') return { kind: 'null', span };
    return { kind: 'expr', text: id, span };
  }

  /** A bracketed expression kept as text (it may span lines). */
  balanced(start: number): HclValue {
    const t = this.text;
    let depth = 0;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '"') {
        this.string();
        continue;
      }
      if (c === '#' || (c === '/' && t[this.pos + 1] === '/')) {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (c === '/' && t[this.pos + 1] === '*') {
        this.skip(false);
        continue;
      }
      this.pos++;
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        depth--;
        if (depth === 0) return this.exprValue(start, this.pos);
      }
    }
    this.problem(`"${t[start]}" is not closed`, start);
    return this.exprValue(start, this.pos);
  }

  string(): HclValue {
    const t = this.text;
    const start = this.pos;
    this.pos++;
    let value = '';
    let interpolated = false;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '"') {
        this.pos++;
        return { kind: 'string', value, interpolated, span: this.span(start, this.pos) };
      }
      if (c === '\n') break;
      if (c === '\\') {
        const d = t[this.pos + 1] ?? '';
        value += d === 'n' ? '\n' : d === 't' ? '\t' : d === 'r' ? '\r' : d;
        this.pos += 2;
        continue;
      }
      if ((c === '$' || c === '%') && t[this.pos + 1] === '{') {
        if (t[this.pos - 1] === c && t[this.pos - 2] !== c) {
          // "$${" is a literal "${"
          value += '{';
          this.pos++;
          continue;
        }
        interpolated = true;
        const from = this.pos;
        this.pos += 2;
        let depth = 1;
        while (this.pos < t.length && depth > 0) {
          const d = t[this.pos]!;
          if (d === '\n') break;
          if (d === '"') {
            this.string();
            continue;
          }
          if (d === '{') depth++;
          else if (d === '}') depth--;
          this.pos++;
        }
        value += t.slice(from, this.pos);
        continue;
      }
      value += c;
      this.pos++;
    }
    this.problem('unterminated string', start, this.pos);
    return { kind: 'string', value, interpolated: true, span: this.span(start, this.pos) };
  }

  heredoc(): HclValue {
    const t = this.text;
    const start = this.pos;
    const m = /<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/y;
    m.lastIndex = this.pos;
    const r = m.exec(t);
    if (!r) {
      this.pos += 2;
      this.problem('malformed heredoc', start, this.pos);
      return { kind: 'expr', text: '<<', span: this.span(start, this.pos) };
    }
    const indent = r[1] === '-';
    const marker = r[2]!;
    this.pos += r[0].length;
    const lines: string[] = [];
    while (this.pos < t.length) {
      const nl = t.indexOf('\n', this.pos);
      const lineEnd = nl < 0 ? t.length : nl;
      const line = t.slice(this.pos, lineEnd).replace(/\r$/, '');
      if (line.trim() === marker) {
        this.pos = this.pos + line.length;
        let body = lines;
        if (indent) {
          const widths = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
          const cut = widths.length ? Math.min(...widths) : 0;
          body = lines.map((l) => l.slice(cut));
        }
        const value = body.map((l) => l + '\n').join('');
        return { kind: 'string', value, interpolated: /[$%]\{/.test(value), span: this.span(start, this.pos) };
      }
      lines.push(line);
      this.pos = nl < 0 ? t.length : nl + 1;
    }
    this.problem(`heredoc "${marker}" is not closed`, start, start + r[0].length - 1);
    return { kind: 'string', value: lines.join('\n'), interpolated: true, span: this.span(start, this.pos) };
  }

  list(depth: number): HclValue {
    const t = this.text;
    const start = this.pos;
    this.pos++;
    const items: HclValue[] = [];
    for (;;) {
      this.skip(true);
      const c = t[this.pos];
      if (c === undefined) {
        this.problem('"[" is not closed', start);
        break;
      }
      if (c === ']') {
        this.pos++;
        break;
      }
      if (c === ',') {
        this.pos++;
        continue;
      }
      const v = depth < MAX_DEPTH ? this.expression(depth + 1, ',]') : undefined;
      if (!v) {
        this.problem(`unexpected ${JSON.stringify(c)} in a list`, this.pos);
        this.rest(',]');
        if (this.pos < t.length && t[this.pos] !== ']' && t[this.pos] !== ',') this.pos++;
        continue;
      }
      items.push(v);
    }
    return { kind: 'list', items, span: this.span(start, this.pos) };
  }

  object(depth: number): HclValue {
    const t = this.text;
    const start = this.pos;
    this.pos++;
    const entries: HclObjectEntry[] = [];
    for (;;) {
      this.skip(true);
      const c = t[this.pos];
      if (c === undefined) {
        this.problem('"{" is not closed', start);
        break;
      }
      if (c === '}') {
        this.pos++;
        break;
      }
      if (c === ',') {
        this.pos++;
        continue;
      }
      const ks = this.pos;
      let key: string | undefined;
      if (c === '"') {
        const s = this.string();
        key = s.kind === 'string' ? s.value : '';
      } else if (c === '(') {
        this.balanced(ks);
        key = t.slice(ks, this.pos);
      } else key = this.ident();
      const keySpan = this.span(ks, this.pos);
      this.skip(false);
      if (key === undefined || (t[this.pos] !== '=' && t[this.pos] !== ':')) {
        this.problem('expected "key = value" in an object', ks, Math.max(this.pos, ks + 1));
        this.rest(',}');
        if (this.pos < t.length && t[this.pos] !== '}' && t[this.pos] !== ',') this.pos++;
        continue;
      }
      this.pos++;
      this.skip(false);
      const v = depth < MAX_DEPTH ? this.expression(depth + 1, ',}') : undefined;
      if (!v) {
        this.problem(`object key "${key}" has no value`, ks, this.pos);
        this.rest(',}');
        continue;
      }
      entries.push({ key, keySpan, value: v });
    }
    return { kind: 'object', entries, span: this.span(start, this.pos) };
  }
}

function spanEnd(v: HclValue): number {
  return v.span.end.offset;
}

/** Parse one HCL file. Never throws: anything unreadable becomes a problem with a location. */
export function parseHcl(text: string, file: string, lines: LineIndex = new LineIndex(text)): HclFile {
  const r = new Reader(text, file, lines);
  let body: HclBody = { attributes: [], blocks: [] };
  try {
    body = r.body(0, false);
  } catch (e) {
    r.problem(`HCL reader stopped: ${e instanceof Error ? e.message : String(e)}`, Math.min(r.pos, Math.max(0, text.length - 1)));
  }
  return { file, body, problems: r.problems };
}

/** The attribute of a body by name (the last one when repeated). */
export function attr(body: HclBody, name: string): HclAttribute | undefined {
  let found: HclAttribute | undefined;
  for (const a of body.attributes) if (a.name === name) found = a;
  return found;
}
