import type { RelatedLocation } from '../../core/finding.js';
import { LineIndex, type Position, type Span } from '../../core/position.js';
import type { NginxArg } from '../../model/nginx/types.js';
import { BLOCK_DIRECTIVES, DIRECTIVE_BLOCKS, HANDLER_BLOCKS, LINE_START_DIRECTIVES, SIMPLE_DIRECTIVES, isRawBlockDirective } from './directives.js';
import { scanLuaBlock } from './lua.js';

/**
 * nginx configuration syntax, read the way nginx reads it: `ngx_conf_read_token` and
 * `ngx_conf_parse` (src/core/ngx_conf_file.c), rule for rule.
 *
 * - Whitespace is space, tab, CR and LF. At the start of a token only: `;` ends a directive, `{`
 *   opens a block, `}` closes one, `#` starts a comment to the end of the line, `"` and `'` open a
 *   quoted token, `\` escapes the next character.
 * - Inside an unquoted token only whitespace, `;` and `{` end it: `a#b`, `a}b`, `a"b` are single
 *   tokens. `{` right after `$` does not end it (`${host}`).
 * - A closing quote must be followed by whitespace, `;`, `{` or `)`; `)` then starts a token.
 * - Every token is unescaped (quoted or not): `\"` `\'` `\\` give the character, `\t` `\r` `\n`
 *   control characters, any other `\x` stays as typed.
 * - A token (or comment) that does not fit nginx's 4096-byte read buffer is "too long".
 * - `if (...)`: the `(` of the first argument and the `)` of the last are removed, as the rewrite
 *   module does (a lone `(` or `)` argument disappears).
 * - `*_by_lua_block { ... }` bodies are Lua, kept raw (`rawBody`).
 *
 * Errors carry nginx's own wording at the line nginx reports. nginx stops at the first error; we
 * go on where the rest can still be read reliably, so one broken line does not hide the rest of the
 * file from the audit:
 * - a stray `;` or a bad character after a closing quote is skipped (the token structure around it
 *   is intact);
 * - `}` after arguments with no `;`, and the end of the file in the middle of a directive, keep the
 *   directive as written and close it there;
 * - an extra `}` at the top level is dropped; a `{` with no directive name opens a block that is
 *   read (to keep the braces balanced) and dropped;
 * - the end of the file inside blocks closes them all, with one error (the innermost block).
 * Everything parsed before the first error is exactly what nginx would read.
 */

/** A directive as parsed from one file; the model builder expands includes and sets parents. */
export interface ParsedDirective {
  name: string;
  /** The name as a token (a `map`/`types` entry may be quoted, e.g. `'' 0;`). */
  nameArg: NginxArg;
  args: NginxArg[];
  /** From the name's first character to the `;` or closing `}` included. */
  span: Span;
  nameSpan: Span;
  block?: ParsedDirective[];
  rawBody?: string;
  rawBodySpan?: Span;
}

export type ParseProblemKind = 'syntax' | 'missing-semicolon' | 'limit';

export interface ParsedProblem {
  /** nginx's wording for syntax errors. */
  message: string;
  span: Span;
  /**
   * `syntax`: nginx refuses the file with this message. `missing-semicolon`: a well-known
   * directive name found as the first word of a line inside another directive's arguments
   * (nginx may or may not refuse it, depending on the first directive's argument rules).
   */
  kind: ParseProblemKind;
  related?: RelatedLocation[];
}

export interface ParsedNginxFile {
  file: string;
  directives: ParsedDirective[];
  problems: ParsedProblem[];
  /** Offsets of `#` comments (start, end), for tools that need to skip them (e.g. template detection). */
  comments: Array<[number, number]>;
}

export interface ParseOptions {
  /** Line index of the whole text (shared, e.g., by the pieces of an `nginx -T` dump). */
  lines?: LineIndex;
  /** Parse only text[start, end): one file of an `nginx -T` dump. */
  start?: number;
  end?: number;
  /**
   * The block the file's top level is read in, when known (`http` for a file included there):
   * `server x;` is then an error at the top level too. Unknown by default.
   */
  context?: string;
  /**
   * The text is a `-g` parameter (`nginx -g 'daemon off;'` in a Dockerfile or unit), read the way
   * nginx reads one: no blocks, and its own end-of-text message.
   */
  param?: boolean;
}

/** nginx's NGX_CONF_BUFFER: a token must fit in it. */
const CONF_BUFFER = 4096;

interface Token {
  value: string;
  raw: string;
  quoted: boolean;
  start: number;
  end: number;
}

type ReadKind = 'ok' | 'block-start' | 'block-done' | 'file-done';

interface ReadResult {
  kind: ReadKind;
  args: Token[];
  /** Offset of the `;`, `{` or `}` that ended the read; the end of the text for file-done. */
  at: number;
  /** file-done with a directive (or token) unfinished. */
  unfinished?: boolean;
  /** Where an unclosed quoted token started, for the end-of-file message. */
  openQuote?: number;
  /** The unfinished token was already reported as too long (the end of the file is the same error). */
  reported?: boolean;
}

const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

function isSpace(c: number): boolean {
  return c === SP || c === TAB || c === CR || c === LF;
}

/** UTF-8 length of text[from, to), as nginx counts its buffer. */
function utf8Bytes(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    // A surrogate pair is 4 bytes: 2 for each half.
    n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
  }
  return n;
}

/** A UTF-16 code unit is at most 3 bytes: below this many units a token cannot reach 4096 bytes. */
const SAFE_UNITS = Math.floor((CONF_BUFFER - 1) / 3);

/** The value nginx stores for a token: the escapes it knows applied, every other backslash kept. */
export function unescapeNginx(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[i + 1]!;
      if (n === '"' || n === "'" || n === '\\') {
        out += n;
        i++;
        continue;
      }
      if (n === 't' || n === 'r' || n === 'n') {
        out += n === 't' ? '\t' : n === 'r' ? '\r' : '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** The tokenizer: one call of `read()` is one call of ngx_conf_read_token. */
class Reader {
  pos: number;
  readonly comments: Array<[number, number]> = [];

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
    private readonly problem: (message: string, start: number, end: number, related?: Array<[number, number, string]>) => void,
  ) {
    this.pos = start;
  }

  /** Move past text consumed by someone else (a raw Lua body). */
  skipTo(offset: number): void {
    this.pos = offset;
  }

  private countedFrom = -1;
  private countedTo = -1;
  private counted = 0;

  /** Bytes of text[start, pos), counted incrementally for a token that keeps growing. */
  private bytesSince(start: number): number {
    if (this.countedFrom !== start || this.countedTo > this.pos) {
      this.countedFrom = start;
      this.countedTo = start;
      this.counted = 0;
    }
    this.counted += utf8Bytes(this.text, this.countedTo, this.pos);
    this.countedTo = this.pos;
    return this.counted;
  }

  read(): ReadResult {
    const text = this.text;
    const args: Token[] = [];
    let needSpace = false;
    let lastSpace = true;
    let sharpComment = false;
    let variable = false;
    let escaped = false;
    let sQuoted = false;
    let dQuoted = false;
    // Start of the current token (nginx's `start`), as an offset and as a byte position.
    let start = this.pos;
    let tokenQuoted = false;
    let commentStart = -1;
    let tooLongReported = false;

    for (;;) {
      if (this.pos >= this.end) {
        if (sharpComment) this.comments.push([commentStart, this.end]);
        if (args.length > 0 || !lastSpace) {
          // A plain token cut by the end of the file is kept, so the directive survives for the audit.
          if (!lastSpace && !needSpace && !sQuoted && !dQuoted && start < this.end) {
            const raw = text.slice(start, this.end);
            args.push({ value: unescapeNginx(raw), raw, quoted: false, start, end: this.end });
          }
          return { kind: 'file-done', args, at: this.end, unfinished: true, openQuote: sQuoted || dQuoted ? start - 1 : undefined, reported: tooLongReported };
        }
        return { kind: 'file-done', args, at: this.end };
      }
      if (!tooLongReported && this.pos - start > SAFE_UNITS && this.bytesSince(start) >= CONF_BUFFER) {
        tooLongReported = true;
        const message = dQuoted || sQuoted
          ? `too long parameter, probably missing terminating "${dQuoted ? '"' : "'"}" character`
          : `too long parameter "${Buffer.from(text.slice(start, start + 10), 'utf8').subarray(0, 10).toString('utf8')}..." started`;
        this.problem(message, start, start + 1);
      }
      const i = this.pos;
      const ch = text.charCodeAt(i);
      this.pos++;

      if (ch === LF && sharpComment) {
        sharpComment = false;
        this.comments.push([commentStart, i]);
      }
      if (sharpComment) continue;
      if (escaped) {
        escaped = false;
        continue;
      }

      if (needSpace) {
        if (isSpace(ch)) {
          lastSpace = true;
          needSpace = false;
          continue;
        }
        if (ch === 0x3b /* ; */) return { kind: 'ok', args, at: i };
        if (ch === 0x7b /* { */) return { kind: 'block-start', args, at: i };
        if (ch === 0x29 /* ) */) {
          lastSpace = true;
          needSpace = false;
        } else {
          // nginx stops here; we read on as if a space separated the two tokens (a `#` there
          // starts a word, not a comment, so the rest of the line is not lost).
          this.problem(`unexpected "${String.fromCharCode(ch)}"`, i, i + 1);
          needSpace = false;
          if (ch === 0x23) {
            start = i;
            tokenQuoted = false;
            continue;
          }
          lastSpace = true;
        }
      }

      if (lastSpace) {
        start = i;
        tooLongReported = false;
        tokenQuoted = false;
        if (isSpace(ch)) {
          // Fast path: the rest of a run of whitespace (nginx moves `start` over each one).
          let p = this.pos;
          while (p < this.end && isSpace(text.charCodeAt(p))) p++;
          if (p > this.pos) {
            start = p - 1;
            this.pos = p;
          }
          continue;
        }
        switch (ch) {
          case 0x3b: // ;
            if (args.length === 0) {
              // nginx stops; a stray `;` changes nothing around it, so we skip it.
              this.problem('unexpected ";"', i, i + 1);
              continue;
            }
            return { kind: 'ok', args, at: i };
          case 0x7b: // {
            return { kind: 'block-start', args, at: i };
          case 0x7d: // }
            return { kind: 'block-done', args, at: i };
          case 0x23: { // #
            sharpComment = true;
            commentStart = i;
            // Fast path to the end of the line, unless the comment may be too long for nginx.
            const nl = text.indexOf('\n', i + 1);
            const stop = nl < 0 || nl > this.end ? this.end : nl;
            if (stop - start <= SAFE_UNITS) this.pos = stop;
            continue;
          }
          case 0x5c: // backslash
            escaped = true;
            lastSpace = false;
            continue;
          case 0x22: // "
            start = i + 1;
            dQuoted = true;
            tokenQuoted = true;
            lastSpace = false;
            this.skipQuoted(start, 0x22);
            continue;
          case 0x27: // '
            start = i + 1;
            sQuoted = true;
            tokenQuoted = true;
            lastSpace = false;
            this.skipQuoted(start, 0x27);
            continue;
          case 0x24: // $
            variable = true;
            lastSpace = false;
            continue;
          default:
            lastSpace = false;
            this.skipPlain(start);
        }
        continue;
      }

      if (ch === 0x7b && variable) continue;
      variable = false;
      if (ch === 0x5c) {
        escaped = true;
        continue;
      }
      if (ch === 0x24) {
        variable = true;
        continue;
      }

      let found = false;
      if (dQuoted) {
        if (ch === 0x22) {
          dQuoted = false;
          needSpace = true;
          found = true;
        }
      } else if (sQuoted) {
        if (ch === 0x27) {
          sQuoted = false;
          needSpace = true;
          found = true;
        }
      } else if (isSpace(ch) || ch === 0x3b || ch === 0x7b) {
        lastSpace = true;
        found = true;
      }

      if (found) {
        const inner = text.slice(start, i);
        if (tokenQuoted) args.push({ value: unescapeNginx(inner), raw: text.slice(start - 1, i + 1), quoted: true, start: start - 1, end: i + 1 });
        else args.push({ value: unescapeNginx(inner), raw: inner, quoted: false, start, end: i });
        if (ch === 0x3b) return { kind: 'ok', args, at: i };
        if (ch === 0x7b) return { kind: 'block-start', args, at: i };
      } else if (dQuoted) this.skipQuoted(start, 0x22);
      else if (sQuoted) this.skipQuoted(start, 0x27);
      else this.skipPlain(start);
    }
  }

  /*
   * Fast paths (the state machine above stays nginx's, these only skip characters that change
   * nothing in the state): inside an unquoted word everything but whitespace, `;`, `{`, `\` and
   * `$`; inside quotes everything but the closing quote and `\` (`$` and `{` do nothing there).
   * Never beyond SAFE_UNITS from the token's start, so the 4096-byte check still sees every byte.
   */
  private skipPlain(start: number): void {
    const limit = Math.min(this.end, start + SAFE_UNITS);
    const text = this.text;
    let p = this.pos;
    while (p < limit) {
      const c = text.charCodeAt(p);
      if (c === SP || c === TAB || c === LF || c === CR || c === 0x3b || c === 0x7b || c === 0x5c || c === 0x24) break;
      p++;
    }
    this.pos = p;
  }

  private skipQuoted(start: number, quote: number): void {
    const limit = Math.min(this.end, start + SAFE_UNITS);
    const text = this.text;
    let p = this.pos;
    while (p < limit) {
      const c = text.charCodeAt(p);
      if (c === quote || c === 0x5c) break;
      p++;
    }
    this.pos = p;
  }
}

interface Frame {
  /** undefined for the file level. */
  directive?: ParsedDirective;
  children: ParsedDirective[];
  /** The block's data is read by a custom handler (map, types, ...). */
  handler: boolean;
  /** Offset of the `{`. */
  open: number;
  /** Beyond the nesting limit: read, not kept. */
  dropped?: boolean;
}

/** Deepest block nesting kept (http > server > location > location > if needs five). */
const MAX_BLOCK_DEPTH = 64;

/** Parse one nginx configuration file (or one file of an `nginx -T` dump). Never throws. */
export function parseNginx(file: string, text: string, opts: ParseOptions = {}): ParsedNginxFile {
  const lines = opts.lines ?? new LineIndex(text);
  const begin = opts.start ?? 0;
  const end = opts.end ?? text.length;
  const problems: ParsedProblem[] = [];
  const positions = new Positions(lines);
  const span = (a: number, b: number): Span => ({ file, start: positions.at(a), end: positions.at(b) });
  const addProblem = (message: string, a: number, b: number, related?: Array<[number, number, string]>, kind: ParseProblemKind = 'syntax') => {
    const p: ParsedProblem = { message, span: span(a, b), kind };
    if (related && related.length > 0) p.related = related.map(([s, e, m]) => ({ span: span(s, e), message: m }));
    problems.push(p);
  };
  const reader = new Reader(text, begin, end, addProblem);

  const toArg = (t: Token): NginxArg => ({ value: t.value, raw: t.raw, quoted: t.quoted, span: span(t.start, t.end) });

  const makeDirective = (tokens: Token[], endOffset: number): ParsedDirective => {
    const [nameTok, ...rest] = tokens as [Token, ...Token[]];
    const args = nameTok.value === 'if' && !nameTok.quoted ? stripIfParens(rest) : rest;
    const nameArg = toArg(nameTok);
    return { name: nameTok.value, nameArg, args: args.map(toArg), span: span(nameTok.start, endOffset), nameSpan: nameArg.span };
  };

  /** A well-known directive name starting a line inside the arguments: a `;` is missing before it. */
  const checkMissingSemicolon = (tokens: Token[], frame: Frame) => {
    // After a block directive's name the missing character would be `{`, reported on its own.
    if (frame.handler || BLOCK_DIRECTIVES.has(tokens[0]!.value) || tokens[0]!.value === 'server') return;
    for (let k = 1; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.quoted || !LINE_START_DIRECTIVES.has(t.value)) continue;
      const prev = tokens[k - 1]!;
      if (!/[\r\n]/.test(text.slice(prev.end, t.start))) continue;
      addProblem(
        // Argument values stay out of the message: they may be secrets (an Authorization header).
        `missing ";" at the end of this "${tokens[0]!.value}" line: nginx reads "${t.value}" on the next line as one more argument of "${tokens[0]!.value}"`,
        prev.start,
        prev.end,
        [[t.start, t.end, `"${t.value}" is read as an argument of "${tokens[0]!.value}"`]],
        'missing-semicolon',
      );
      return;
    }
  };

  /**
   * No nginx directive has a name outside [A-Za-z0-9_]: inside one of nginx's own directive blocks
   * (http, server, location ...: never a data block like map, nor a third-party block such as
   * geoip2 whose lines are data; at a file's top level only when the context is given) such a name
   * is what nginx calls an unknown directive. The usual cause: an
   * unquoted regex with `{` (`location ~ ^/a{2}$`), where the `{` opened the block early.
   */
  const checkName = (d: ParsedDirective, frame: Frame, at: number) => {
    const blockName = frame.directive?.name ?? opts.context;
    if (blockName === undefined || !DIRECTIVE_BLOCKS.has(blockName) || frame.handler || d.nameArg.quoted || /^[A-Za-z0-9_]+$/.test(d.name)) return;
    const related: Array<[number, number, string]> = [];
    const parent = frame.directive;
    if (parent && parent.args.length > 0 && ['location', 'if', 'rewrite'].includes(parent.name)) {
      related.push([frame.open, frame.open + 1, `this "{" ends "${parent.name} ${parent.args.map((a) => a.raw).join(' ')}": a regex holding "{" must be quoted`]);
    }
    addProblem(`unknown directive "${d.name}"`, at, at + 1, related);
  };

  // A file included into a map/types/geo block is data from its first line.
  /** Blocks reported as missing their `{`: their `}` will come unmatched. */
  let unopened = 0;
  const root: Frame = { children: [], handler: opts.context !== undefined && HANDLER_BLOCKS.has(opts.context), open: begin };
  const stack: Frame[] = [root];

  for (;;) {
    const frame = stack[stack.length - 1]!;
    const r = reader.read();

    if (r.kind === 'block-done') {
      if (r.args.length > 0) {
        addProblem('unexpected "}"', r.at, r.at + 1);
        checkMissingSemicolon(r.args, frame);
        frame.children.push(makeDirective(r.args, r.args[r.args.length - 1]!.end));
      }
      if (stack.length === 1) {
        // The `}` of a block whose `{` was reported missing is the same error, not another one.
        if (r.args.length === 0 && !(unopened > 0 && unopened--)) addProblem('unexpected "}"', r.at, r.at + 1);
        continue;
      }
      closeFrame(frame, r.at + 1);
      stack.pop();
      continue;
    }

    if (r.kind === 'file-done') {
      if (r.unfinished && r.reported) {
        // Already reported: a token too long for nginx's buffer, which ran to the end of the file.
      } else if (r.unfinished) {
        const related: Array<[number, number, string]> = [];
        if (r.openQuote !== undefined) related.push([r.openQuote, r.openQuote + 1, 'this quoted string is never closed']);
        else if (r.args.length > 0) related.push([r.args[0]!.start, r.args[r.args.length - 1]!.end, 'this directive has no ";"']);
        addProblem(opts.param ? 'unexpected end of parameter, expecting ";"' : 'unexpected end of file, expecting ";" or "}"', r.at, r.at, related);
        if (r.args.length > 0 && r.openQuote === undefined) {
          checkMissingSemicolon(r.args, frame);
          frame.children.push(makeDirective(r.args, r.args[r.args.length - 1]!.end));
        }
      } else if (stack.length > 1 && !problems.some((p) => p.kind === 'syntax')) {
        // (After an earlier error the braces may be off because of it: nginx would have stopped
        // there, and so does this message.)
        const open = frame.open;
        const what = frame.directive ? `"${frame.directive.name}" block` : 'block';
        addProblem('unexpected end of file, expecting "}"', r.at, r.at, [[open, open + 1, `this ${what} is never closed`]]);
      }
      while (stack.length > 1) closeFrame(stack.pop()!, r.at);
      break;
    }

    if (r.kind === 'ok') {
      if (r.args.length === 0) continue; // reported by the reader
      checkMissingSemicolon(r.args, frame);
      const d = makeDirective(r.args, r.at + 1);
      checkName(d, frame, r.at);
      if (!frame.handler && takesBlock(d, frame.directive?.name ?? opts.context)) {
        addProblem(`directive "${d.name}" has no opening "{"`, r.at, r.at + 1);
        unopened++;
      }
      frame.children.push(d);
      continue;
    }

    // block-start
    if (opts.param && r.args.length > 0) {
      addProblem('block directives are not supported in -g option', r.at, r.at + 1);
    }
    if (r.args.length === 0) {
      addProblem('unexpected "{"', r.at, r.at + 1);
      stack.push({ children: [], handler: frame.handler, open: r.at }); // read and dropped
      continue;
    }
    checkMissingSemicolon(r.args, frame);
    const d = makeDirective(r.args, r.at + 1);
    checkName(d, frame, r.at);
    d.block = [];
    if (stack.length > MAX_BLOCK_DEPTH) {
      // Real configurations nest a handful of levels; a tree this deep is hostile input, and every
      // recursive walk over it downstream would overflow the stack. Its content is read and dropped.
      if (!frame.dropped) addProblem(`blocks nested more than ${MAX_BLOCK_DEPTH} levels deep: the content of this block is not read`, r.at, r.at + 1, undefined, 'limit');
      stack.push({ children: [], handler: frame.handler, open: r.at, dropped: true });
      continue;
    }
    frame.children.push(d);
    if (frame.handler) addProblem('unexpected "{"', r.at, r.at + 1);
    else if (SIMPLE_DIRECTIVES.has(d.name) || (d.name === 'server' && (frame.directive?.name ?? opts.context) === 'upstream')) {
      addProblem(`directive "${d.name}" is not terminated by ";"`, r.at, r.at + 1, [[d.nameSpan.start.offset, d.nameSpan.end.offset, `"${d.name}" takes no block`]]);
    }
    if (isRawBlockDirective(d.name)) {
      const close = scanLuaBlock(text, r.at + 1, end);
      if (close === undefined) {
        addProblem('unexpected end of file, expecting "}"', end, end, [[r.at, r.at + 1, `this "${d.name}" block is never closed`]]);
        d.rawBody = text.slice(r.at + 1, end);
        d.rawBodySpan = span(r.at + 1, end);
        d.span = span(d.nameSpan.start.offset, end);
        reader.skipTo(end);
      } else {
        d.rawBody = text.slice(r.at + 1, close);
        d.rawBodySpan = span(r.at + 1, close);
        d.span = span(d.nameSpan.start.offset, close + 1);
        reader.skipTo(close + 1);
      }
      continue;
    }
    stack.push({ directive: d, children: d.block, handler: frame.handler || HANDLER_BLOCKS.has(d.name), open: r.at });
  }

  return { file, directives: root.children, problems, comments: reader.comments };

  function closeFrame(frame: Frame, endOffset: number): void {
    if (frame.directive) frame.directive.span = span(frame.directive.nameSpan.start.offset, endOffset);
  }
}

/**
 * LineIndex.positionAt with a cursor: tokens come in order, mostly on the line of the previous
 * one, so the binary search is rarely needed (a 5,000-line file parses several times faster).
 */
class Positions {
  private line = 0;
  private from = 0;
  private to = -1;

  constructor(private readonly lines: LineIndex) {}

  at(offset: number): Position {
    if (offset < this.from || offset >= this.to) {
      const p = this.lines.positionAt(offset);
      if (p.offset !== offset) return p;
      this.line = p.line;
      this.from = offset - (p.column - 1);
      this.to = p.line < this.lines.lineCount ? this.lines.offsetAt(p.line + 1, 1) : Number.POSITIVE_INFINITY;
      return p;
    }
    return { line: this.line, column: offset - this.from + 1, offset };
  }
}

/** Does nginx require a block for this directive under `parent`? (`server` is simple inside `upstream`.) */
export function takesBlock(d: { name: string; args: readonly unknown[] }, parent: string | undefined): boolean {
  if (d.name === 'server') {
    // Inside upstream it is simple; `server;` with no address is an error everywhere.
    return parent !== 'upstream' && (d.args.length === 0 || parent === 'http' || parent === 'stream' || parent === 'mail');
  }
  return BLOCK_DIRECTIVES.has(d.name);
}

/** `if ($a = b)`: drop the `(` and `)` the rewrite module strips from the first and last arguments. */
function stripIfParens(args: Token[]): Token[] {
  const out = args.map((t) => ({ ...t }));
  const first = out[0];
  if (first && !first.quoted && first.raw.startsWith('(')) {
    if (first.raw.length === 1) out.shift();
    else {
      first.raw = first.raw.slice(1);
      first.value = first.value.slice(1);
      first.start += 1;
    }
  }
  const last = out[out.length - 1];
  if (last && !last.quoted && last.raw.endsWith(')')) {
    if (last.raw.length === 1) out.pop();
    else {
      last.raw = last.raw.slice(0, -1);
      last.value = last.value.slice(0, -1);
      last.end -= 1;
    }
  }
  return out;
}
