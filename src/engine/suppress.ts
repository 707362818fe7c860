import type { Finding, Notice } from '../core/finding.js';
import { LineIndex, type Span } from '../core/position.js';

/**
 * Inline suppressions, in any file format with `#`, `//` or `;` comments:
 *
 *   DEBUG = env.bool("DEBUG", True)  # audit-deploy: ignore[DJ104] -- staging only, see ops#12
 *   # audit-deploy: ignore[NGX014, NGX015] -- headers are set by the CDN
 *   add_header X-Frame-Options SAMEORIGIN;
 *
 * A comment that shares its line with code covers that line; a comment alone on its line covers
 * the next line that is not blank or another comment. Use the line-before form in systemd units and
 * ini files, where a `#` after a value is part of the value. The reason after `--` is required: a
 * suppression without one suppresses nothing and is reported, as is one that matched no finding.
 */
export interface Suppression {
  file: string;
  /** Rule ids or prefixes. */
  rules: string[];
  reason: string;
  /** The comment itself. */
  span: Span;
  /** The 1-based line whose findings it covers. */
  coversLine: number;
}

export interface SuppressedFinding {
  finding: Finding;
  suppression: Suppression;
}

/**
 * `(#|//|;) audit-deploy: ignore[IDS] -- reason` up to the end of the line, found by a hand-written
 * scan that does what `/(#|\/\/|;)\s*audit-deploy:\s*ignore\[([^\]]*)\](?:\s*--\s*(.*?))?\s*$/`
 * does in linear time (that regex backtracks quadratically on a line of repeated markers).
 * Returns [whole match, marker, ids, reason] and the match's index, like RegExp.exec.
 */
const MARKER_HEAD = /(#|\/\/|;)\s*audit-deploy:\s*ignore\[/y;
const LINE_BREAK = /[\n\r\u2028\u2029]/;

export function findMarker(line: string): { index: number; 0: string; 1: string; 2: string; 3: string | undefined } | undefined {
  let close = -1;
  const tails = new Map<number, { ok: boolean; reason: string | undefined }>();
  for (let i = line.includes('audit-deploy:') ? 0 : line.length; i < line.length; i++) {
    const c = line[i];
    if (c !== '#' && c !== ';' && c !== '/') continue;
    MARKER_HEAD.lastIndex = i;
    const head = MARKER_HEAD.exec(line);
    if (!head) continue;
    const open = MARKER_HEAD.lastIndex;
    if (close < open) close = line.indexOf(']', open);
    if (close < 0) return undefined;
    let tail = tails.get(close);
    if (!tail) {
      tail = markerTail(line.slice(close + 1));
      tails.set(close, tail);
    }
    if (!tail.ok) continue;
    return { index: i, 0: line.slice(i), 1: head[1]!, 2: line.slice(open, close), 3: tail.reason };
  }
  return undefined;
}

/** What `(?:\s*--\s*(.*?))?\s*$` makes of the text after `]`. */
function markerTail(tail: string): { ok: boolean; reason: string | undefined } {
  const start = tail.trimStart();
  if (start.startsWith('--')) {
    const reason = start.slice(2).trimStart().trimEnd();
    if (!LINE_BREAK.test(reason)) return { ok: true, reason };
  }
  return { ok: start === '', reason: undefined };
}
const COMMENT_ONLY = /^\s*(#|\/\/|;)/;

/** The suppressions a file holds, with problems (no reason, bad ids) as notices. */
export function findSuppressions(file: string, text: string, notices: Notice[]): Suppression[] {
  if (!text.includes('audit-deploy:')) return [];
  const lines = new LineIndex(text);
  const out: Suppression[] = [];
  for (let line = 1; line <= lines.lineCount; line++) {
    const content = lines.lineText(line);
    const m = findMarker(content);
    if (!m) continue;
    const start = lines.offsetAt(line, m.index + 1);
    const span = lines.span(file, start, start + m[0].trimEnd().length);
    const rules = m[2]!.split(',').map((s) => s.trim()).filter(Boolean);
    const reason = (m[3] ?? '').trim();
    if (rules.length === 0 || rules.some((r) => !/^[A-Z][A-Z0-9]*$/.test(r))) {
      notices.push({ kind: 'suppression', file, span, message: `${file}:${line}: suppression ignored: "ignore[${m[2]}]" must list rule ids or prefixes, like ignore[DJ018]` });
      continue;
    }
    if (reason === '') {
      notices.push({ kind: 'suppression', file, span, message: `${file}:${line}: suppression of ${rules.join(', ')} ignored: give the reason after "--" (e.g. "-- handled by the CDN")` });
      continue;
    }
    const standalone = content.slice(0, m.index).trim() === '';
    let covers = line;
    if (standalone) {
      covers = line + 1;
      while (covers <= lines.lineCount && (lines.lineText(covers).trim() === '' || COMMENT_ONLY.test(lines.lineText(covers)))) covers++;
    }
    out.push({ file, rules, reason, span, coversLine: covers });
  }
  return out;
}

/** A rule id matches itself and every prefix of it (DJ, DJ1, DJ10, DJ101), as in Ruff's selectors. */
export function ruleMatches(ruleId: string, selector: string): boolean {
  return ruleId.startsWith(selector);
}

function matches(s: Suppression, f: Finding): boolean {
  return s.file === f.span.file && s.coversLine === f.span.start.line && s.rules.some((r) => ruleMatches(f.ruleId, r));
}

/**
 * Splits findings into kept and suppressed; every suppression that matched nothing becomes a notice.
 */
export function applySuppressions(findings: Finding[], suppressions: Suppression[], notices: Notice[]): { kept: Finding[]; suppressed: SuppressedFinding[] } {
  const used = new Set<Suppression>();
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const s = suppressions.find((x) => matches(x, f));
    if (s) {
      used.add(s);
      suppressed.push({ finding: f, suppression: s });
    } else kept.push(f);
  }
  for (const s of suppressions) {
    if (used.has(s)) continue;
    notices.push({
      kind: 'suppression',
      file: s.file,
      span: s.span,
      message: `${s.file}:${s.span.start.line}: unused suppression of ${s.rules.join(', ')}: nothing reported there any more; remove it`,
    });
  }
  return { kept, suppressed };
}
