/**
 * Hand-written scans for what a regex would do in super-linear time (issue 7, test/regex-linear.test.ts).
 *
 * Trimming runs of given characters in linear time. `s.replace(/X+$/, '')` looks like it should be
 * cheap, but a backtracking engine tries every start of an X run that is not at the end: quadratic
 * on a long run followed by anything else (issue 7, test/regex-linear.test.ts).
 */

/** `s` without the run of `chars` characters at its end (as `s.replace(/[chars]+$/, '')`). */
export function trimEndChars(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1]!)) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** `s` without the runs of `chars` characters at both ends (as `s.replace(/^[chars]+|[chars]+$/g, '')`). */
export function trimChars(s: string, chars: string): string {
  let start = 0;
  while (start < s.length && chars.includes(s[start]!)) start++;
  return trimEndChars(s.slice(start), chars);
}

/** The index of the last line break (as `.` and `$` know them) in s, or -1. */
function lastLineBreak(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if ('\n\r\u2028\u2029'.includes(s[i]!)) return i;
  return -1;
}

/** `s.replace(/<ch>.*$/, '')` for one literal character, in linear time. */
export function cutFromFirst(s: string, ch: string): string {
  const at = s.indexOf(ch, lastLineBreak(s) + 1);
  return at < 0 ? s : s.slice(0, at);
}

/** `s.replace(/\s#.*$/, '')` in linear time. */
export function cutSpacedHashComment(s: string): string {
  for (let h = s.indexOf('#', lastLineBreak(s) + 1); h >= 0; h = s.indexOf('#', h + 1)) {
    if (h > 0 && /\s/.test(s[h - 1]!)) return s.slice(0, h - 1);
  }
  return s;
}

/** The index of the line feed that ends the line holding `at`, or the text's length. */
export function lineEnd(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end < 0 ? text.length : end;
}

/**
 * `/HEAD[^\n]*TAIL/.test(s)` in linear time: the regex rescans the rest of the line from every HEAD.
 * A TAIL must start on the rest of the line after some HEAD (it may start with the line feed itself
 * and run on); the leftmost TAIL from a point is found once and reused for later HEADs. `head` and
 * `tail` need the g flag; both must be linear, and a TAIL is matched in the whole text (its
 * lookarounds see the text around it).
 */
export function followedOnLine(s: string, head: RegExp, tail: RegExp): boolean {
  let next = -2; // the leftmost TAIL start at or after the last point asked (-1: none)
  let end = -1;
  head.lastIndex = 0;
  for (let h = head.exec(s); h; h = head.exec(s)) {
    head.lastIndex = h.index + 1;
    const from = h.index + h[0].length;
    if (from > end) end = lineEnd(s, from);
    if (next === -2 || (next >= 0 && next < from)) {
      tail.lastIndex = from;
      next = tail.exec(s)?.index ?? -1;
    }
    if (next < 0) return false;
    if (next <= end) return true;
  }
  return false;
}
