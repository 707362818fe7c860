/**
 * Regular expressions that come from the audited repository (nginx `location ~` patterns, Django
 * re_path() routes, CORS origin regexes, kustomize target names), compiled so that running them
 * cannot hang the audit.
 *
 * Why: JavaScript's regex engine backtracks, and a pattern such as `((.|.)*)*z` takes longer than a
 * minute on a 40-character URI; a pull request from a stranger can put one in nginx.conf. The tool
 * runs these patterns only on its own short probe strings, but nesting makes even those explode.
 *
 * How: V8's linear-time engine (the `l` flag, enabled by the launcher and the test set-up with
 * --enable-experimental-regexp-engine) runs every pattern it supports with the same results as the
 * backtracking engine. It does not support lookarounds, back-references, large counted repetitions
 * or case-insensitive matching (nginx's `~*`); such a pattern is run by the backtracking engine only when its shape bounds the
 * backtracking (see boundedShape), and is otherwise treated like a pattern that does not compile:
 * the callers then say they cannot tell, rather than guess.
 */

/** The pattern as a RegExp that runs in bounded time; undefined when it does not compile or could run away. */
export function untrustedRegExp(source: string, flags = ''): RegExp | undefined {
  try {
    return new RegExp(source, flags + 'l');
  } catch {
    // Not supported by the linear engine (or the engine is off): the shape decides.
  }
  if (!boundedShape(source)) return undefined;
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

/** Unbounded quantifiers a pattern run by the backtracking engine may hold: k of them cost O(n^k) at worst. */
const MAX_UNBOUNDED = 3;

interface Frame {
  quantified: boolean;
  alternation: boolean;
}

/**
 * Whether backtracking over this pattern stays polynomial and small: no repeated group (`*`, `+`,
 * `{n,}`, `{n,m}` with m > 1) holds a quantifier or an alternation, which is where exponential
 * backtracking comes from (`(a+)+`, `(a|a)*`, `(.?){30}`), and at most MAX_UNBOUNDED unbounded
 * quantifiers in all. A scan of the pattern's structure: escapes and character classes are skipped.
 */
export function boundedShape(source: string): boolean {
  const stack: Frame[] = [{ quantified: false, alternation: false }];
  let unbounded = 0;
  // What a quantifier at i repeats: a group that was just closed (its frame), or an atom (null).
  let lastGroup: Frame | null = null;
  let afterAtom = false;
  for (let i = 0; i < source.length; ) {
    const ch = source[i]!;
    const quantifier = quantifierAt(source, i);
    if (quantifier && (afterAtom || lastGroup)) {
      const top = stack[stack.length - 1]!;
      if (quantifier.unbounded) unbounded++;
      if (lastGroup && quantifier.repeats && (lastGroup.quantified || lastGroup.alternation)) return false;
      top.quantified = true;
      lastGroup = null;
      afterAtom = false;
      i += quantifier.length;
      continue;
    }
    lastGroup = null;
    afterAtom = false;
    if (ch === '\\') {
      i += 2;
      afterAtom = true;
    } else if (ch === '[') {
      i = classEnd(source, i);
      afterAtom = true;
    } else if (ch === '(') {
      stack.push({ quantified: false, alternation: false });
      i += groupPrefixLength(source, i);
    } else if (ch === ')') {
      if (stack.length === 1) return false; // unbalanced: it would not compile anyway
      const group = stack.pop()!;
      const parent = stack[stack.length - 1]!;
      // A group inside a repeated group counts as what it holds.
      parent.quantified ||= group.quantified;
      parent.alternation ||= group.alternation;
      lastGroup = group;
      i++;
    } else if (ch === '|') {
      stack[stack.length - 1]!.alternation = true;
      i++;
    } else {
      // ^ and $ are assertions, not atoms; anything else (a character, .) is.
      afterAtom = ch !== '^' && ch !== '$';
      i++;
    }
  }
  return unbounded <= MAX_UNBOUNDED;
}

/** A quantifier at i: `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}` (a lazy `?` after it included). */
function quantifierAt(s: string, i: number): { length: number; unbounded: boolean; repeats: boolean } | undefined {
  const ch = s[i];
  let length: number;
  let unbounded = false;
  let repeats = true;
  if (ch === '*' || ch === '+') {
    length = 1;
    unbounded = true;
  } else if (ch === '?') {
    length = 1;
    repeats = false;
  } else if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(i, i + 24));
    if (!m) return undefined;
    length = m[0].length;
    if (m[2] === undefined) repeats = Number(m[1]) > 1;
    else if (m[3] === '') unbounded = true;
    else repeats = Number(m[3]) > 1;
  } else return undefined;
  if (s[i + length] === '?') length++;
  return { length, unbounded, repeats };
}

/** The index after the character class opening at i. */
function classEnd(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '^') j++;
  // A `]` first in the class is a literal in some dialects, an empty class in JavaScript: either way skip it.
  if (s[j] === ']') j++;
  while (j < s.length && s[j] !== ']') j += s[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** The length of a group's opening: `(`, `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`, `(?<name>`. */
function groupPrefixLength(s: string, i: number): number {
  if (s[i + 1] !== '?') return 1;
  const next = s[i + 2];
  if (next === ':' || next === '=' || next === '!') return 3;
  if (next === '<') {
    if (s[i + 3] === '=' || s[i + 3] === '!') return 4;
    const close = s.indexOf('>', i + 3);
    return close < 0 ? 3 : close - i + 1;
  }
  return 2;
}
