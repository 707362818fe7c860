/**
 * Apache httpd configuration found where nginx files live: Debian's etc/apache2/sites-available,
 * or a deploy/sites-available/ directory that holds an Apache site. Apache's sections are tags on
 * their own line (`<VirtualHost *:80>`, `<Directory /srv>`); no nginx directive starts with `<`,
 * so one such line tells the two apart before nginx's grammar reports a file it was never meant to read.
 */
const APACHE_SECTIONS = new Set([
  'virtualhost',
  'directory',
  'directorymatch',
  'location',
  'locationmatch',
  'files',
  'filesmatch',
  'ifmodule',
  'ifdefine',
  'ifversion',
  'proxy',
  'proxymatch',
  'macro',
]);

/**
 * The first Apache section tag of a text (1-based line, the tag as written), or undefined. Sections
 * that only nest inside others (<Limit>, <RequireAll>) do not count: XML has such names too (a D-Bus
 * policy's <limit>), and an XML document is never Apache's.
 */
export function apacheSectionAt(text: string): { line: number; tag: string } | undefined {
  if (/<\?xml\b|<!DOCTYPE\b/i.test(text.slice(0, 4096))) return undefined;
  let line = 1;
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    let i = start;
    while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
    if (text[i] === '<') {
      let j = i + 1;
      while (j < end && /[A-Za-z]/.test(text[j]!)) j++;
      const tag = text.slice(i + 1, j);
      // `<Tag>` or `<Tag args>`: the name ends at a blank or the closing bracket.
      if (APACHE_SECTIONS.has(tag.toLowerCase()) && (text[j] === ' ' || text[j] === '\t' || text[j] === '>')) return { line, tag };
    }
    if (nl < 0) break;
    start = nl + 1;
    line++;
  }
  return undefined;
}

/** A `WSGIScriptAlias URL-path file-path [options]` line: mod_wsgi serves the application in that file. */
export interface ApacheWsgiScript {
  /** The file-path argument, as written (`/srv/app/app/wsgi.py`). */
  script: string;
  /** 1-based line and the column where the directive starts. */
  line: number;
  column: number;
}

/**
 * mod_wsgi's WSGIScriptAlias and WSGIScriptAliasMatch lines, outside comments. Apache directive names
 * are case-insensitive; arguments are split on blanks, double quotes kept together.
 */
export function apacheWsgiScripts(text: string): ApacheWsgiScript[] {
  const out: ApacheWsgiScript[] = [];
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    const indent = raw.length - raw.trimStart().length;
    const words = raw.trim().match(/"[^"]*"|\S+/g);
    if (!words || words.length < 3) continue;
    const name = words[0]!.toLowerCase();
    if (name !== 'wsgiscriptalias' && name !== 'wsgiscriptaliasmatch') continue;
    out.push({ script: words[2]!.replace(/^"|"$/g, ''), line, column: indent + 1 });
  }
  return out;
}
