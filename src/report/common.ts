import type { Finding } from '../core/finding.js';
import type { Span } from '../core/position.js';
import { trimEndChars } from '../core/trim.js';
import type { AuditResult } from '../engine/result.js';
import { compareFindings } from '../engine/run.js';
import { makeScrubber } from './redact.js';

/** Options every reporter accepts. */
export interface ReportOptions {
  /** Known secret values; any occurrence in the output is redacted. */
  secrets?: string[];
}

/**
 * The last line of defence applied to every string a reporter prints: known secrets are redacted
 * and the absolute audited root is made relative, so neither leaks into shared CI logs or uploads.
 */
export function makeSanitizer(root: string, secrets: readonly string[] = []): (text: string) => string {
  const scrub = makeScrubber(secrets);
  const base = trimEndChars(root, '/');
  // A root of "/" (or empty) would turn every path into nonsense; leave such text alone.
  if (base.length === 0) return scrub;
  return (text) => scrub(relativise(text, base));
}

function relativise(text: string, base: string): string {
  if (!text.includes(base)) return text;
  return text.split(`${base}/`).join('').split(base).join('.');
}

/** Findings in report order (file, position, rule, message), whatever order they came in. */
export function sortedFindings(result: AuditResult): Finding[] {
  return [...result.findings].sort(compareFindings);
}

/** Abbreviations whose full stop does not end a sentence, even before a capital ("e.g. BASE_DIR"). */
const ABBREVIATIONS = /(?:^|[\s(])(?:e\.g|i\.e|etc|vs|cf|approx)\.$/i;

/**
 * The first sentence of a paragraph. A sentence ends at . ! or ? followed by whitespace and a
 * capital letter (or the end), so "settings.DEBUG" does not cut it short, and not after a common
 * abbreviation, so "e.g. BASE_DIR" does not either.
 */
export function firstSentence(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  const end = /[.!?](?=\s+[A-Z]|$)/g;
  for (let m = end.exec(trimmed); m; m = end.exec(trimmed)) {
    const upTo = trimmed.slice(0, m.index + 1);
    if (!ABBREVIATIONS.test(upTo)) return upTo;
  }
  return trimmed;
}

export interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/**
 * A region every consumer accepts: all values >= 1, the end not before the start, and a non-empty
 * range on a single line (an empty span still needs one character for editors and code scanning).
 */
export function regionOf(span: Span): Region {
  const startLine = atLeastOne(span.start.line);
  const startColumn = atLeastOne(span.start.column);
  let endLine = atLeastOne(span.end.line);
  let endColumn = atLeastOne(span.end.column);
  if (endLine < startLine) {
    endLine = startLine;
    endColumn = startColumn + 1;
  }
  if (endLine === startLine && endColumn <= startColumn) endColumn = startColumn + 1;
  return { startLine, startColumn, endLine, endColumn };
}

function atLeastOne(n: number): number {
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** Apply the sanitizer to every string value of a plain JSON tree (keys are ours and fixed). */
export function cleanStrings<T>(value: T, clean: (s: string) => string): T {
  if (typeof value === 'string') return clean(value) as T;
  if (Array.isArray(value)) return value.map((v) => cleanStrings(v, clean)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = cleanStrings(v, clean);
    return out as T;
  }
  return value;
}
