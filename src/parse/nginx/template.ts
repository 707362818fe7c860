/**
 * Configuration templates: files that are not nginx configuration yet.
 *
 * - envsubst (the official nginx Docker image renders /etc/nginx/templates/*.template into
 *   conf.d at start-up; many images run envsubst themselves): `${NGINX_HOST}`, `$UPPER_CASE`.
 *   The text is nginx syntax already (`${X}` is a valid token), so it is parsed; values that hold
 *   a placeholder cannot be judged.
 * - Jinja (Ansible, Salt: `.j2`) and Go templates (`{{ .Values.x }}`, `{% if %}`): not nginx
 *   syntax until rendered, so they are not parsed at all.
 */

export type TemplateEngine = 'envsubst' | 'jinja';

/** `${NAME}` or `$NAME` in capitals: nginx's own variables are lower case ($host, ${host}, $http_x_...). */
const PLACEHOLDER = /\$\{[A-Z_][A-Z0-9_]*\}|\$[A-Z][A-Z0-9]*_[A-Z0-9_]*\b|\$[A-Z]{2,}[0-9]*\b/;
const ENVSUBST = new RegExp(PLACEHOLDER.source, 'g');

/** Does this value contain an envsubst placeholder? */
export function hasPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/** The placeholders in a value, e.g. ["NGINX_HOST"]. */
export function placeholdersIn(value: string): string[] {
  return [...value.matchAll(ENVSUBST)].map((m) => m[0].replace(/^\$\{?|\}$/g, ''));
}

const TEMPLATE_NAME = /\.(?:template|tmpl|tpl)$/i;
const JINJA_NAME = /\.(?:j2|jinja2?)$/i;
const JINJA_SYNTAX = /\{%-?\s*(?:if|for|set|include|endif|endfor|else|elif|macro|block|raw)\b|\{\{-?\s*[\w.$'"][^{}\n]*\}\}/;

/** What a file's name and text say about it being a template (before any nginx parsing). */
export function templateEngineOf(path: string, text: string): TemplateEngine | undefined {
  if (JINJA_NAME.test(path)) return 'jinja';
  // Lua tables ({{a = 1}}) can look like Jinja: only files without Lua blocks are judged on content.
  if (!/_by_lua/.test(text) && JINJA_SYNTAX.test(text)) return 'jinja';
  if (TEMPLATE_NAME.test(path)) return 'envsubst';
  return undefined;
}
