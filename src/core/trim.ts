/**
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
