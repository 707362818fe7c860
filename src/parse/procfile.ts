import type { LineIndex } from '../core/position.js';

/**
 * A Procfile (Heroku, Dokku, honcho, foreman): one `<process type>: <command>` per line. Lines that
 * do not have that shape are ignored by those tools (Heroku's own pattern is
 * `^([A-Za-z0-9_-]+):\s*(.+)$`), so they are skipped here too, with a problem for lines that look
 * like a mistake rather than a comment or a blank.
 */
export interface ProcfileEntry {
  /** Process type, e.g. "web", "worker", "release". */
  name: string;
  /** The command text as written (run by a shell). */
  command: string;
  line: number;
  /** Source offsets of the name and of the command. */
  nameStart: number;
  commandStart: number;
  commandEnd: number;
}

export interface ProcfileParse {
  entries: ProcfileEntry[];
  problems: Array<{ message: string; line: number; start: number; end: number }>;
}

/**
 * `name: command` as `/^([A-Za-z0-9_-]+):[ \t]*(.*?)[ \t]*$/` reads it ([whole, name, command] or
 * undefined), in linear time: the regex is cubic on a line of tabs.
 */
export function procfileEntry(raw: string): [string, string, string] | undefined {
  const name = /^[A-Za-z0-9_-]+/.exec(raw)?.[0];
  if (!name || raw[name.length] !== ':') return undefined;
  const rest = raw.slice(name.length + 1);
  if (/[\n\r\u2028\u2029]/.test(rest)) return undefined;
  let from = 0;
  let to = rest.length;
  while (from < to && (rest[from] === ' ' || rest[from] === '\t')) from++;
  while (to > from && (rest[to - 1] === ' ' || rest[to - 1] === '\t')) to--;
  return [raw, name, rest.slice(from, to)];
}

export function parseProcfile(text: string, lines: LineIndex): ProcfileParse {
  const entries: ProcfileEntry[] = [];
  const problems: ProcfileParse['problems'] = [];
  for (let line = 1; line <= lines.lineCount; line++) {
    const raw = lines.lineText(line);
    const lineStart = lines.offsetAt(line, 1);
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const m = procfileEntry(raw);
    if (!m || m[2] === '') {
      problems.push({ message: 'not a "<process type>: <command>" line; Procfile readers ignore it', line, start: lineStart, end: lineStart + raw.length });
      continue;
    }
    const name = m[1]!;
    const commandStart = lineStart + raw.indexOf(':') + 1 + (raw.slice(raw.indexOf(':') + 1).length - raw.slice(raw.indexOf(':') + 1).trimStart().length);
    const command = m[2]!;
    entries.push({ name, command, line, nameStart: lineStart, commandStart, commandEnd: commandStart + command.length });
  }
  return { entries, problems };
}
