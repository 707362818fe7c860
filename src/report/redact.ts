/**
 * Secrets never reach an output in full. The chosen style:
 *   - 12 characters or more: the first 2 and last 2 characters around a fixed mask, then the length,
 *     e.g. `dj****ab (50 chars)`. The mask has a fixed width so it reveals nothing beyond the
 *     stated length.
 *   - shorter: only the length, e.g. `**** (8 chars)`; two characters of a short secret are
 *     too large a share of it.
 * Lengths count Unicode code points, and the kept characters are whole code points.
 */
export const REDACTION_MASK = '****';

/** Below this length the edges are not shown. */
const MIN_LENGTH_FOR_EDGES = 12;

/**
 * scrubText ignores shorter values: replacing every "abc" in a report would mangle paths and words
 * while protecting almost nothing.
 */
export const MIN_SCRUB_LENGTH = 4;

export function redactSecret(value: string): string {
  const chars = [...value];
  const length = `(${chars.length} ${chars.length === 1 ? 'char' : 'chars'})`;
  if (chars.length < MIN_LENGTH_FOR_EDGES) return `${REDACTION_MASK} ${length}`;
  return `${chars.slice(0, 2).join('')}${REDACTION_MASK}${chars.slice(-2).join('')} ${length}`;
}

/**
 * Replace every occurrence of any known secret value by its redaction. One left-to-right pass with
 * the longest secrets tried first, so a secret that contains another is redacted whole and a
 * redaction is never scanned again.
 */
export function scrubText(text: string, secrets: readonly string[]): string {
  return makeScrubber(secrets)(text);
}

/** scrubText with the secrets compiled once, for reporters that scrub many strings. */
export function makeScrubber(secrets: readonly string[] = []): (text: string) => string {
  const usable = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= MIN_SCRUB_LENGTH))].sort(
    (a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0),
  );
  if (usable.length === 0) return (text) => text;
  // No 'u' flag: matching by UTF-16 code units finds a secret wherever its exact text occurs.
  const pattern = new RegExp(usable.map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, (match) => redactSecret(match));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
