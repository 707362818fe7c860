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

const ENTRY = /^([A-Za-z0-9_-]+):[ \t]*(.*?)[ \t]*$/;

export function parseProcfile(text: string, lines: LineIndex): ProcfileParse {
  const entries: ProcfileEntry[] = [];
  const problems: ProcfileParse['problems'] = [];
  for (let line = 1; line <= lines.lineCount; line++) {
    const raw = lines.lineText(line);
    const lineStart = lines.offsetAt(line, 1);
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const m = ENTRY.exec(raw);
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
