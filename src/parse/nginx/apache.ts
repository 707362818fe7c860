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
