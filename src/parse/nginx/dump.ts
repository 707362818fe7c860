/**
 * `nginx -T` prints every file it read, each after a `# configuration file PATH:` line (the
 * "syntax is ok" lines go to stderr, but a dump saved with 2>&1 has them first). This splits a
 * dump back into its files, as offsets into the dump's text, so positions stay those of the dump.
 */
export interface DumpSegment {
  /** The absolute path nginx read, e.g. /etc/nginx/nginx.conf. */
  path: string;
  /** The marker line. */
  markerStart: number;
  /** The file's text: dump[start, end). */
  start: number;
  end: number;
}

const MARKER = /^# configuration file (\/[^\r\n]*?):[ \t]*\r?$/gm;

/** The dump's files in order, or undefined when the text is not an `nginx -T` dump. */
export function splitNginxDump(text: string): DumpSegment[] | undefined {
  const marks: Array<{ path: string; at: number; after: number }> = [];
  for (const m of text.matchAll(MARKER)) {
    const at = m.index!;
    let after = at + m[0].length;
    if (text.charCodeAt(after) === 10) after++;
    marks.push({ path: m[1]!, at, after });
  }
  if (marks.length === 0) return undefined;
  // Text before the first marker may only be nginx's own status lines or blank lines.
  const head = text.slice(0, marks[0]!.at);
  if (head.split(/\r?\n/).some((l) => l.trim() !== '' && !/^nginx: /.test(l.trim()))) return undefined;
  return marks.map((m, i) => ({ path: m.path, markerStart: m.at, start: m.after, end: i + 1 < marks.length ? marks[i + 1]!.at : text.length }));
}
