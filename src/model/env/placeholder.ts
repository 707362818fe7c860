/**
 * Values that stand for "fill this in at deploy time" rather than a real setting: cookiecutter's
 * `!!!SET DJANGO_SECRET_KEY!!!`, `<your-secret-key>`, `{{ secret }}`, `changeme`, `your-domain.com`,
 * `postgres://USER:PASSWORD@HOST:PORT/NAME`. A production env file holding one is a template: the
 * value production runs with is not in the repository, so it is unknown, never judged as is.
 */
/**
 * `!!!SET X!!!`, `<x>`, `{{ x }}`, `[[x]]`, `%(x)s`, `__X__`: what
 * `/^(?:!{2,}.*!{2,}|<[^<>]+>|\{\{.*\}\}|\[\[.*\]\]|%\([^)]*\)s|__[A-Z0-9_]+__)$/s` tests, without
 * its cubic backtracking on long runs of `!`.
 */
export function isWrappedPlaceholder(v: string): boolean {
  const n = v.length;
  const wraps = (open: string, close: string, min: number) => n >= min && v.startsWith(open) && v.endsWith(close);
  if (wraps('!!', '!!', 4) || wraps('{{', '}}', 4) || wraps('[[', ']]', 4)) return true;
  if (wraps('<', '>', 3) && !/[<>]/.test(v.slice(1, -1))) return true;
  if (wraps('%(', ')s', 4) && !v.slice(2, -2).includes(')')) return true;
  return wraps('__', '__', 5) && /^[A-Z0-9_]+$/.test(v);
}
const WORDS =
  /^(?:change[-_ .]?me|change[-_ ]?it|change[-_ ]?this|replace[-_ ]?me|replace[-_ ]?this|set[-_ ]?me|fill[-_ ]?me(?:[-_ ]?in)?|todo|fixme|tbd|placeholder|x{3,}|\*{3,}|\.{3})$/i;
const YOUR = /(?:^|[-_ .:/@])your[-_ ]?(?:own[-_ ]?)?(?:secret|password|passwd|key|token|domain|host|hostname|email|api|app|site|project|db|database|user|username|bucket|dsn|account)/i;
const URL_TEMPLATE = /^[a-z][a-z0-9+.-]*:\/\/(?:user(?:name)?|<[^>]+>|\$\{?\w+\}?):(?:pass(?:word)?|<[^>]+>|\$\{?\w+\}?)@(?:host(?:name)?|<[^>]+>|\$\{?\w+\}?)(?:[:/]|$)/i;

/** The patterns, for the test that the pre-tests below change no answer. */
export const PLACEHOLDER_PATTERNS = { WORDS, YOUR, URL_TEMPLATE } as const;

export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  if (v === '') return false;
  // YOUR and URL_TEMPLATE only after the literal text each needs (`your`, whatever its case: a case-
  // insensitive regex without the u flag matches ASCII letters with ASCII letters only; `://` and `@`):
  // compiling them took about 2 ms of a small repository's run, for values that hardly ever hold them.
  return isWrappedPlaceholder(v) || WORDS.test(v) || (v.toLowerCase().includes('your') && YOUR.test(v)) || (v.includes('://') && v.includes('@') && URL_TEMPLATE.test(v));
}
