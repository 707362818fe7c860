import { createRequire } from 'node:module';
import type { Dockerfile as AstDockerfile, Instruction as AstInstruction } from 'dockerfile-ast';
import type * as DockerfileAst from 'dockerfile-ast';

// Loaded on first use: a repository without a Dockerfile never pays for the parser at start-up.
let dockerfileAst: typeof DockerfileAst | undefined;
function dockerfileParser(): typeof DockerfileAst.DockerfileParser {
  if (!dockerfileAst) {
    dockerfileAst = createRequire(import.meta.url)('dockerfile-ast') as typeof DockerfileAst;
    splitArgumentsOnce(dockerfileAst.Instruction);
  }
  return dockerfileAst.DockerfileParser;
}

/**
 * dockerfile-ast splits an instruction's arguments anew on every call of getRawArguments, and its own
 * readers (flags, heredocs, JSON form, image name, tag and digest ...) call it about ten times per
 * instruction: most of the time spent reading a Dockerfile. An instruction's text, range and escape
 * character are fixed when it is built, so one split per instruction serves every call. Each caller
 * gets what a fresh split gives it, objects it may change: a new list (ModifiableInstruction shifts the
 * flags off it) of new arguments with new ranges (From moves the ends of its image argument's range).
 */
let splitsKept = true;
/** Tests only: whether instructions keep their split arguments (false: dockerfile-ast as published). */
export function keepArgumentSplits(keep: boolean): void {
  splitsKept = keep;
}

function splitArgumentsOnce(instructionClass: typeof DockerfileAst.Instruction): void {
  type Arg = { range: { start: unknown; end: unknown } };
  const proto = instructionClass.prototype as unknown as { getRawArguments(): Arg[]; splitOnce?: true };
  if (proto.splitOnce) return;
  const split = proto.getRawArguments;
  const splits = new WeakMap<object, Arg[]>();
  proto.getRawArguments = function (this: object): Arg[] {
    if (!splitsKept) return split.call(this);
    let args = splits.get(this);
    if (!args) {
      args = split.call(this);
      splits.set(this, args);
    }
    return args.map((a) => Object.assign(Object.create(Object.getPrototypeOf(a) as object) as Arg, a, { range: { start: a.range.start, end: a.range.end } }));
  };
  proto.splitOnce = true;
}
import type { Range } from 'vscode-languageserver-types';
import type { SourceText } from '../../core/source.js';
import type { Span } from '../../core/position.js';
import { trimEndChars } from '../../core/trim.js';

/**
 * A Dockerfile read with dockerfile-ast, every part with its exact span, in the shape the
 * containers model needs. What BuildKit does that dockerfile-ast leaves to its callers is done
 * here: heredoc bodies are kept apart from an instruction's arguments, the logical text a shell
 * receives is rebuilt with the source offset of each character (line continuations and comment
 * lines inside them removed), and continued lines that start with an instruction keyword (a `\`
 * that swallows the next instruction) are recorded.
 */

export interface DfWord {
  value: string;
  span: Span;
}

export interface DfFlag {
  name: string;
  value: string | null;
  span: Span;
  valueSpan?: Span;
}

export interface DfProperty {
  name: string;
  /** The value as Docker reads it (quotes and escapes removed); null for `ENV X` / `ARG X` without one. */
  value: string | null;
  /** The value as written. */
  raw: string | null;
  span: Span;
  nameSpan: Span;
  valueSpan?: Span;
}

export interface DfHeredoc {
  name: string;
  /** The body, verbatim (`<<-` tab stripping is not applied). */
  content: string;
  /** Source offset of the body's first character. */
  contentStart: number;
  contentSpan?: Span;
  /** `<<EOF` marker on the instruction line. */
  markerSpan: Span;
  /** False when the file ends before the closing delimiter. */
  closed: boolean;
}

/** Text handed to a shell (or split into words by Docker), with the source offset of each character. */
export interface DfText {
  value: string;
  offsets: number[];
  span: Span;
}

export interface DfInstruction {
  /** Upper-cased keyword (`RUN`); lower-case keywords are accepted by Docker. */
  keyword: string;
  /** The whole instruction, continuation lines and heredoc bodies included. */
  span: Span;
  keywordSpan: Span;
  /** Arguments after the flags, as Docker splits them on blanks; heredoc bodies and delimiters left out. */
  args: DfWord[];
  flags: DfFlag[];
  heredocs: DfHeredoc[];
  /** For CMD/ENTRYPOINT/RUN/SHELL/COPY/ADD/VOLUME/HEALTHCHECK in JSON (exec) form: the unescaped strings. */
  json?: DfWord[];
  /**
   * The arguments (after flags) as one logical line: continuations and comment lines removed,
   * heredoc markers blanked; what `/bin/sh -c` receives for a shell-form RUN/CMD/ENTRYPOINT.
   */
  text?: DfText;
  /** ENV / ARG / LABEL properties. */
  properties?: DfProperty[];
  /** Continued lines that begin with an instruction keyword: BuildKit reads them as part of this instruction. */
  swallowed: Array<{ keyword: string; span: Span }>;
}

export interface DfFrom {
  instruction: DfInstruction;
  /** The image reference as written (may hold `${VAR}`), or null for an empty FROM. */
  image: string | null;
  imageSpan?: Span;
  name: string | null;
  tag: string | null;
  tagSpan?: Span;
  digest: string | null;
  registry: string | null;
  stageName?: string;
  stageNameSpan?: Span;
  platform?: string;
}

export interface DfStage {
  index: number;
  from: DfFrom;
  /** The instructions after FROM, up to the next FROM. */
  instructions: DfInstruction[];
}

export interface DfProblem {
  message: string;
  span: Span;
}

export interface ParsedDockerfile {
  file: string;
  escape: string;
  directives: Array<{ name: string; value: string; span: Span }>;
  /** ARG instructions before the first FROM (usable in FROM lines). */
  initialArgs: DfInstruction[];
  stages: DfStage[];
  /** Every instruction in file order. */
  instructions: DfInstruction[];
  problems: DfProblem[];
}

export const DOCKERFILE_KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER',
  'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

const JSON_KEYWORDS = new Set(['CMD', 'ENTRYPOINT', 'RUN', 'SHELL', 'COPY', 'ADD', 'VOLUME', 'HEALTHCHECK']);

/** Parse a Dockerfile. Never throws: an internal failure becomes a problem. */
export function parseDockerfile(src: SourceText): ParsedDockerfile {
  const out: ParsedDockerfile = { file: src.path, escape: '\\', directives: [], initialArgs: [], stages: [], instructions: [], problems: [] };
  try {
    fill(out, src);
  } catch (err) {
    out.problems.push({ message: `internal error while reading this Dockerfile: ${err instanceof Error ? err.message : String(err)}`, span: src.lines.lineSpan(src.path, 1) });
  }
  return out;
}

function fill(out: ParsedDockerfile, src: SourceText): void {
  const ast: AstDockerfile = dockerfileParser().parse(src.text);
  const conv = new Converter(src);
  out.escape = ast.getEscapeCharacter() || '\\';
  for (const d of ast.getDirectives()) out.directives.push({ name: d.getName(), value: d.getValue(), span: conv.span(d.getRange()) });

  let stage: DfStage | undefined;
  for (const ins of ast.getInstructions()) {
    const parsed = convertInstruction(ins, conv, out.escape, src);
    out.instructions.push(parsed);
    if (parsed.keyword === 'FROM') {
      stage = { index: out.stages.length, from: convertFrom(ins, parsed, conv), instructions: [] };
      out.stages.push(stage);
      if (stage.from.image === null) out.problems.push({ message: 'FROM names no image', span: parsed.span });
      continue;
    }
    if (!DOCKERFILE_KEYWORDS.has(parsed.keyword)) {
      out.problems.push({ message: `unknown instruction: ${ins.getInstruction()}`, span: parsed.keywordSpan });
    }
    if (!stage) {
      if (parsed.keyword === 'ARG') out.initialArgs.push(parsed);
      else if (DOCKERFILE_KEYWORDS.has(parsed.keyword)) {
        out.problems.push({ message: `${parsed.keyword} before the first FROM: only ARG may come before it`, span: parsed.keywordSpan });
      }
      continue;
    }
    stage.instructions.push(parsed);
  }
  if (out.stages.length === 0 && out.instructions.length > 0) {
    out.problems.push({ message: 'no FROM instruction: Docker cannot build this file', span: out.instructions[0]!.keywordSpan });
  }
  for (const ins of out.instructions) {
    for (const h of ins.heredocs) {
      if (!h.closed) out.problems.push({ message: `heredoc <<${h.name} is never closed: the rest of the file is its body`, span: h.markerSpan });
    }
  }
}

class Converter {
  constructor(readonly src: SourceText) {}

  offset(p: { line: number; character: number }): number {
    return this.src.lines.offsetAt(p.line + 1, p.character + 1);
  }

  span(r: Range): Span {
    return this.src.lines.span(this.src.path, this.offset(r.start), this.offset(r.end));
  }

  spanOffsets(start: number, end: number): Span {
    return this.src.lines.span(this.src.path, start, end);
  }
}

function convertInstruction(ins: AstInstruction, conv: Converter, escape: string, src: SourceText): DfInstruction {
  const keyword = ins.getKeyword().toUpperCase();
  const range = ins.getRange();
  const span = conv.span(range);
  const heredocs: DfHeredoc[] = [];
  const withHeredocs = ins as unknown as { getHeredocs?: () => import('dockerfile-ast').Heredoc[] };
  const excluded: Array<[number, number]> = [];
  if (typeof withHeredocs.getHeredocs === 'function' && (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD')) {
    for (const h of withHeredocs.getHeredocs()) {
      const content = h.getContentRange();
      const delim = h.getDelimiterRange();
      const start = content ? conv.offset(content.start) : delim ? conv.offset(delim.start) : span.end.offset;
      const end = content ? conv.offset(content.end) : start;
      const bodyEnd = delim ? conv.offset(delim.end) : end;
      excluded.push([start, bodyEnd]);
      heredocs.push({
        name: h.getName(),
        content: src.text.slice(start, end),
        contentStart: start,
        ...(content ? { contentSpan: conv.spanOffsets(start, end) } : {}),
        markerSpan: conv.span(h.getStartRange()),
        closed: delim !== null,
      });
    }
  }
  const inBody = (o: number) => excluded.some(([a, b]) => o >= a && o < b);

  const flags: DfFlag[] = [];
  const withFlags = ins as unknown as { getFlags?: () => import('dockerfile-ast').Flag[] };
  if (typeof withFlags.getFlags === 'function') {
    for (const f of withFlags.getFlags()) {
      const vr = f.getValueRange();
      flags.push({ name: f.getName(), value: f.getValue(), span: conv.span(f.getRange()), ...(vr ? { valueSpan: conv.span(vr) } : {}) });
    }
  }
  const flagEnd = flags.length ? Math.max(...flags.map((f) => f.span.end.offset)) : -1;
  const args: DfWord[] = [];
  for (const a of ins.getArguments()) {
    const s = conv.span(a.getRange());
    if (inBody(s.start.offset) || s.start.offset < flagEnd) continue;
    args.push({ value: a.getValue(), span: s });
  }
  const heredocMarkers = heredocs.map((h) => [h.markerSpan.start.offset, h.markerSpan.end.offset] as [number, number]);
  // Markers are not words the command sees.
  const visibleArgs = args.filter((a) => !heredocMarkers.some(([m0, m1]) => a.span.start.offset >= m0 && a.span.end.offset <= m1));

  const result: DfInstruction = {
    keyword,
    span,
    keywordSpan: conv.span(ins.getInstructionRange()),
    args: visibleArgs,
    flags,
    heredocs,
    swallowed: [],
  };

  if (JSON_KEYWORDS.has(keyword)) {
    const j = ins as unknown as { getOpeningBracket?: () => unknown; getClosingBracket?: () => unknown; getJSONStrings?: () => import('dockerfile-ast').JSONArgument[] };
    if (typeof j.getJSONStrings === 'function' && j.getOpeningBracket?.() && j.getClosingBracket?.()) {
      result.json = j.getJSONStrings().map((s) => ({ value: s.getJSONValue(), span: conv.span(s.getRange()) }));
    }
  }
  if (keyword === 'ENV' || keyword === 'ARG' || keyword === 'LABEL') {
    const p = ins as unknown as { getProperties?: () => import('dockerfile-ast').Property[] };
    if (typeof p.getProperties === 'function') {
      result.properties = p.getProperties().map((prop) => {
        const vr = prop.getValueRange();
        const nameSpan = conv.span(prop.getNameRange());
        const valueSpan = vr ? conv.span(vr) : undefined;
        return {
          name: prop.getName(),
          value: prop.getValue(),
          raw: valueSpan ? src.text.slice(valueSpan.start.offset, valueSpan.end.offset) : null,
          span: conv.span(prop.getRange()),
          nameSpan,
          ...(valueSpan ? { valueSpan } : {}),
        };
      });
    }
  }

  // Logical text of the arguments: from the first non-flag argument to the end of the
  // instruction, heredoc bodies left out, continuations and comment lines removed.
  const first = visibleArgs[0] ?? args[0];
  const textStart = first ? first.span.start.offset : undefined;
  if (textStart !== undefined) {
    const limit = excluded.length ? Math.min(...excluded.map(([a]) => a)) : span.end.offset;
    result.text = logicalText(src, textStart, Math.min(limit, span.end.offset), escape, heredocMarkers);
  }
  result.swallowed = swallowedLines(src, result, escape, excluded);
  return result;
}

/**
 * The logical line BuildKit builds from `start`..`end`: an escape character before a line break
 * joins the lines (both removed), comment and blank lines inside the continuation are dropped,
 * heredoc markers become blanks. Offsets map each kept character to the source.
 */
function logicalText(src: SourceText, start: number, end: number, escape: string, blanks: Array<[number, number]>): DfText {
  const text = src.text;
  let value = '';
  const offsets: number[] = [];
  let i = start;
  let atContinuedLineStart = false;
  while (i < end) {
    if (atContinuedLineStart) {
      // Skip comment lines and blank lines inside a continuation.
      let j = i;
      while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
      if (text[j] === '#' || text[j] === '\n' || text[j] === '\r') {
        while (j < end && text[j] !== '\n' && text[j] !== '\r') j++;
        if (text[j] === '\r' && text[j + 1] === '\n') j++;
        i = j + 1;
        continue;
      }
      atContinuedLineStart = false;
    }
    const c = text[i]!;
    if (c === escape) {
      // escape + optional blanks + line break = continuation
      let j = i + 1;
      while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
      if (j >= end || text[j] === '\n' || text[j] === '\r') {
        if (text[j] === '\r' && text[j + 1] === '\n') j++;
        i = j + 1;
        atContinuedLineStart = true;
        continue;
      }
    }
    if (c === '\n' || c === '\r') {
      // Only heredoc instructions hold a bare line break before `end`; stop there.
      break;
    }
    const blank = blanks.some(([a, b]) => i >= a && i < b);
    value += blank ? ' ' : c;
    offsets.push(i);
    i++;
  }
  // Trim trailing blanks.
  while (value.length > 0 && /\s/.test(value[value.length - 1]!)) {
    value = value.slice(0, -1);
    offsets.pop();
  }
  const last = offsets.length ? offsets[offsets.length - 1]! + 1 : start;
  return { value, offsets, span: src.lines.span(src.path, start, last) };
}

/** Keyword followed by blanks: how a swallowed instruction looks at the start of a continued line. */
const KEYWORD_AT_LINE_START = /^[ \t]*([A-Z]+)(?=[ \t])/;

function swallowedLines(src: SourceText, ins: DfInstruction, escape: string, excluded: Array<[number, number]>): DfInstruction['swallowed'] {
  const out: DfInstruction['swallowed'] = [];
  const firstLine = ins.span.start.line;
  const lastLine = ins.span.end.line;
  if (lastLine === firstLine) return out;
  const lines = src.lines;
  let legitimateCmd = ins.keyword === 'HEALTHCHECK';
  let legitimateTrigger = ins.keyword === 'ONBUILD';
  let quote: string | undefined;
  for (let line = firstLine; line <= lastLine; line++) {
    const lineStart = lines.offsetAt(line, 1);
    const textOfLine = lines.lineText(line);
    if (excluded.some(([a, b]) => lineStart >= a && lineStart < b)) continue;
    if (line > firstLine && !/^\s*#/.test(textOfLine)) {
      const m = KEYWORD_AT_LINE_START.exec(textOfLine);
      const kw = m?.[1];
      if (kw && DOCKERFILE_KEYWORDS.has(kw) && quote === undefined && previousLineContinues(lines, line, escape)) {
        const rest = textOfLine.slice(m[0].length).trim();
        if (kw === 'CMD' && legitimateCmd) legitimateCmd = false;
        else if (legitimateTrigger) legitimateTrigger = false;
        else if (kw !== 'FROM' || /^(?:--platform=\S+\s+)?\S+(?:\s+AS\s+\S+)?$/i.test(rest)) {
          const col = textOfLine.indexOf(kw);
          out.push({ keyword: kw, span: lines.span(src.path, lineStart + col, lineStart + col + kw.length) });
        }
      } else if (/\S/.test(textOfLine)) {
        legitimateTrigger = false;
      }
    }
    if (/^\s*#/.test(textOfLine) && line > firstLine) continue;
    quote = scanQuotes(line === firstLine ? textOfLine.slice(ins.keywordSpan.end.column - 1) : textOfLine, quote, escape);
  }
  return out;
}

function previousLineContinues(lines: SourceText['lines'], line: number, escape: string): boolean {
  for (let l = line - 1; l >= 1; l--) {
    const t = lines.lineText(l);
    if (/^\s*#/.test(t) || t.trim() === '') continue;
    return trimEndChars(t, ' \t').endsWith(escape);
  }
  return false;
}

/** Quote state at the end of a line, from the state at its start (shell quoting, roughly). */
function scanQuotes(text: string, quote: string | undefined, escape: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      continue;
    }
    if (c === escape || c === '\\') {
      i++;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) break;
    if (c === '"' || c === "'") quote = c;
  }
  return quote;
}

function convertFrom(ins: AstInstruction, parsed: DfInstruction, conv: Converter): DfFrom {
  const f = ins as unknown as import('dockerfile-ast').From;
  const imageRange = f.getImageRange();
  const tagRange = f.getImageTagRange();
  const stageRange = f.getBuildStageRange();
  const platform = f.getPlatformFlag();
  const from: DfFrom = {
    instruction: parsed,
    image: f.getImage(),
    name: f.getImageName(),
    tag: f.getImageTag(),
    digest: f.getImageDigest(),
    registry: f.getRegistry(),
  };
  if (imageRange) from.imageSpan = conv.span(imageRange);
  if (tagRange) from.tagSpan = conv.span(tagRange);
  const stage = f.getBuildStage();
  if (stage && stageRange) {
    from.stageName = stage;
    from.stageNameSpan = conv.span(stageRange);
  }
  const p = platform?.getValue();
  if (p) from.platform = p;
  return from;
}
