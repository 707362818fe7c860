/**
 * Strict JSON (RFC 8259, what npm's JSON.parse accepts for package.json) read with the offset of
 * every value, key and member, in UTF-16 code units of the text (string indices). Never throws: the
 * first syntax error becomes a problem with its offset and no tree.
 *
 * Why our own: package.json only needs its `scripts` with positions, and the one positioned
 * JavaScript parser we have (@babel/parser, for pm2 ecosystem files) costs about 50 ms to load,
 * more than the rest of a small audit's model building.
 */

export type JsonNode = JsonObject | JsonArray | JsonScalar;

export interface JsonObject {
  kind: 'object';
  start: number;
  end: number;
  /** Every member in order, duplicates included (JSON.parse keeps the last). */
  members: JsonMember[];
}

export interface JsonArray {
  kind: 'array';
  start: number;
  end: number;
  items: JsonNode[];
}

export interface JsonScalar {
  kind: 'string' | 'number' | 'boolean' | 'null';
  start: number;
  end: number;
  value: string | number | boolean | null;
}

export interface JsonMember {
  key: string;
  /** The key's opening quote. */
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
  /** From the key's opening quote to the end of the value. */
  start: number;
  end: number;
}

export interface JsonParse {
  root?: JsonNode;
  problem?: { message: string; offset: number };
}

/** Deeper nesting is refused (a hostile file must not overflow the stack). */
export const JSON_MAX_DEPTH = 1000;

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseJsonWithPositions(text: string, maxDepth: number = JSON_MAX_DEPTH): JsonParse {
  const reader = new Reader(text, maxDepth);
  try {
    reader.skipSpace();
    const root = reader.value(0);
    reader.skipSpace();
    if (reader.pos < text.length) reader.fail(`unexpected ${describe(text, reader.pos)} after the JSON value`);
    return { root };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { problem: { message: err.message, offset: err.offset } };
    throw err;
  }
}

function describe(text: string, pos: number): string {
  if (pos >= text.length) return 'end of input';
  const ch = text[pos]!;
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `character U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `'${ch}'`;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Reader {
  pos = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  fail(message: string, at: number = this.pos): never {
    throw new JsonSyntaxError(`${message} at offset ${at}`, at);
  }

  skipSpace(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  value(depth: number): JsonNode {
    const t = this.text;
    const start = this.pos;
    const c = t[start];
    if (c === '{' || c === '[') {
      if (depth >= this.maxDepth) this.fail(`nested more than ${this.maxDepth} levels deep`);
      return c === '{' ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === '"') {
      const value = this.string();
      return { kind: 'string', start, end: this.pos, value };
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (t.startsWith(word, start)) {
        this.pos = start + word.length;
        return { kind: value === null ? 'null' : 'boolean', start, end: this.pos, value };
      }
    }
    NUMBER.lastIndex = start;
    const m = NUMBER.exec(t);
    if (m && m[0].length > 0) {
      this.pos = start + m[0].length;
      return { kind: 'number', start, end: this.pos, value: Number(m[0]) };
    }
    return this.fail(`unexpected ${describe(t, start)}, expected a value`);
  }

  private object(depth: number): JsonObject {
    const start = this.pos;
    this.pos++; // {
    const members: JsonMember[] = [];
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', start, end: this.pos, members };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail(`unexpected ${describe(this.text, this.pos)}, expected a member name in double quotes`);
      const keyStart = this.pos;
      const key = this.string();
      const keyEnd = this.pos;
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(`unexpected ${describe(this.text, this.pos)}, expected ':'`);
      this.pos++;
      this.skipSpace();
      const value = this.value(depth);
      members.push({ key, keyStart, keyEnd, value, start: keyStart, end: value.end });
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return { kind: 'object', start, end: this.pos, members };
      }
      this.fail(`unexpected ${describe(this.text, this.pos)}, expected ',' or '}'`);
    }
  }

  private array(depth: number): JsonArray {
    const start = this.pos;
    this.pos++; // [
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', start, end: this.pos, items };
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return { kind: 'array', start, end: this.pos, items };
      }
      this.fail(`unexpected ${describe(this.text, this.pos)}, expected ',' or ']'`);
    }
  }

  /** A string at this.pos (on its opening quote); leaves pos after the closing quote. */
  private string(): string {
    const t = this.text;
    const open = this.pos;
    let p = open + 1;
    let out = '';
    let from = p;
    for (;;) {
      if (p >= t.length) this.fail('unterminated string', open);
      const c = t.charCodeAt(p);
      if (c === 0x22) break; // "
      if (c < 0x20) this.fail(`unescaped ${describe(t, p)} in a string`, p);
      if (c !== 0x5c) {
        p++;
        continue;
      }
      out += t.slice(from, p);
      const e = t[p + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          p += 2;
          break;
        case 'b':
          out += '\b';
          p += 2;
          break;
        case 'f':
          out += '\f';
          p += 2;
          break;
        case 'n':
          out += '\n';
          p += 2;
          break;
        case 'r':
          out += '\r';
          p += 2;
          break;
        case 't':
          out += '\t';
          p += 2;
          break;
        case 'u': {
          const hex = t.slice(p + 2, p + 6);
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail('invalid \\u escape in a string', p);
          out += String.fromCharCode(parseInt(hex, 16));
          p += 6;
          break;
        }
        default:
          this.fail(`invalid escape ${e === undefined ? 'at the end of input' : `\\${e}`} in a string`, p);
      }
      from = p;
    }
    out += t.slice(from, p);
    this.pos = p + 1;
    return out;
  }
}
