import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Tty from 'node:tty';

/**
 * The process's standard output and error for the CLI, written with plain synchronous writes to
 * the file descriptors.
 *
 * Why not process.stdout: its first use builds a stream, which for a pipe loads node:net and the
 * stream modules and for a terminal node:tty, about 15-20 ms of a run that otherwise takes 200 ms
 * (measured: `node -e "process.stdout.write('x')" | cat` against the same with fs.writeSync(1)).
 * Reports are written once, whole, so a stream buys nothing. A pipe the reader closed (EPIPE, as
 * with `| head`) ends the writing quietly; a non-blocking descriptor that is full (EAGAIN) hands
 * the rest to the stream, which waits for room.
 */
export interface StdWriter {
  write(text: string): void;
  readonly isTTY: boolean;
}

export function stdWriter(fd: 1 | 2): StdWriter {
  let tty: boolean | undefined;
  let closed = false;
  return {
    write(text: string) {
      if (closed || text.length === 0) return;
      const bytes = Buffer.from(text, 'utf8');
      let offset = 0;
      while (offset < bytes.length) {
        try {
          offset += writeSync(fd, bytes, offset, bytes.length - offset);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') {
            (fd === 1 ? process.stdout : process.stderr).write(bytes.subarray(offset));
            return;
          }
          if (code === 'EPIPE') {
            closed = true;
            return;
          }
          throw err;
        }
      }
    },
    get isTTY() {
      tty ??= isTerminal(fd);
      return tty;
    },
  };
}

/** A terminal is a character device; only then is node:tty (and what it loads) asked. */
function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return (createRequire(import.meta.url)('node:tty') as typeof Tty).isatty(fd);
}
