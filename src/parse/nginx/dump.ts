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

const MARKER_TEXT = '# configuration file /';
const LINE_BREAKS = '\n\r\u2028\u2029';

/**
 * The `# configuration file PATH:` lines of a text, as matchAll(/^# configuration file (\/[^\r\n]*?):[ \t]*\r?$/gm)
 * gives them, in linear time (issue 7: the regex's lazy path tries every `:` and the blanks after it).
 * PATH ends at the first `:` on the line followed only by blanks up to a line break (or the end).
 */
export function configurationMarkers(text: string): Array<{ index: number; 0: string; 1: string }> {
  const out: Array<{ index: number; 0: string; 1: string }> = [];
  const ends = (at: number) => at === text.length || LINE_BREAKS.includes(text[at]!);
  let failedTo = -1; // a line (to its \r or \n) where no `:` ends the path: later markers on it fail too
  for (let at = text.indexOf(MARKER_TEXT); at >= 0; at = text.indexOf(MARKER_TEXT, at + 1)) {
    if ((at > 0 && !LINE_BREAKS.includes(text[at - 1]!)) || at < failedTo) continue;
    const pathFrom = at + MARKER_TEXT.length - 1;
    let c = pathFrom + 1;
    for (; c < text.length && text[c] !== '\r' && text[c] !== '\n'; c++) {
      if (text[c] !== ':') continue;
      let b = c + 1;
      while (text[b] === ' ' || text[b] === '\t') b++;
      if (!ends(b)) continue;
      const end = text[b] === '\r' && ends(b + 1) ? b + 1 : b;
      out.push({ index: at, 0: text.slice(at, end), 1: text.slice(pathFrom, c) });
      at = end - 1;
      c = -1;
      break;
    }
    if (c >= 0) failedTo = c;
  }
  return out;
}

/** The dump's files in order, or undefined when the text is not an `nginx -T` dump. */
export function splitNginxDump(text: string): DumpSegment[] | undefined {
  const marks: Array<{ path: string; at: number; after: number }> = [];
  for (const m of configurationMarkers(text)) {
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
