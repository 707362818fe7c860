/**
 * Values that stand for "fill this in at deploy time" rather than a real setting: cookiecutter's
 * `!!!SET DJANGO_SECRET_KEY!!!`, `<your-secret-key>`, `{{ secret }}`, `changeme`, `your-domain.com`,
 * `postgres://USER:PASSWORD@HOST:PORT/NAME`. A production env file holding one is a template: the
 * value production runs with is not in the repository, so it is unknown, never judged as is.
 */
const WRAPPED = /^(?:!{2,}.*!{2,}|<[^<>]+>|\{\{.*\}\}|\[\[.*\]\]|%\([^)]*\)s|__[A-Z0-9_]+__)$/s;
const WORDS =
  /^(?:change[-_ .]?me|change[-_ ]?it|change[-_ ]?this|replace[-_ ]?me|replace[-_ ]?this|set[-_ ]?me|fill[-_ ]?me(?:[-_ ]?in)?|todo|fixme|tbd|placeholder|x{3,}|\*{3,}|\.{3})$/i;
const YOUR = /(?:^|[-_ .:/@])your[-_ ]?(?:own[-_ ]?)?(?:secret|password|passwd|key|token|domain|host|hostname|email|api|app|site|project|db|database|user|username|bucket|dsn|account)/i;
const URL_TEMPLATE = /^[a-z][a-z0-9+.-]*:\/\/(?:user(?:name)?|<[^>]+>|\$\{?\w+\}?):(?:pass(?:word)?|<[^>]+>|\$\{?\w+\}?)@(?:host(?:name)?|<[^>]+>|\$\{?\w+\}?)(?:[:/]|$)/i;

export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  if (v === '') return false;
  return WRAPPED.test(v) || WORDS.test(v) || YOUR.test(v) || URL_TEMPLATE.test(v);
}
