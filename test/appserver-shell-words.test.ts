import { describe, expect, it } from 'vitest';
import { resolveWord, splitShell, splitSystemdExec, wordRange, type ShellWord } from '../src/parse/shell-words.js';

const values = (words: ShellWord[]) => words.map((w) => w.value);
/** Every character of every word sits at its own offset in the source text. */
function expectMapped(text: string, words: ShellWord[], base = 0): void {
  for (const w of words) {
    w.value.split('').forEach((ch, i) => {
      if (w.expansions.some((e) => i >= e.start && i < e.end)) return;
      expect(text[w.offsets[i]! - base], `${w.value}[${i}]`).toBe(ch);
    });
  }
}

describe('splitShell (Procfile, Docker shell form, sh -c, shlex)', () => {
  it('splits blanks and keeps the position of every character', () => {
    const text = 'gunicorn shop.wsgi --bind 0.0.0.0:8000 -w 4';
    const { commands, problems } = splitShell(text);
    expect(problems).toEqual([]);
    expect(values(commands[0]!.words)).toEqual(['gunicorn', 'shop.wsgi', '--bind', '0.0.0.0:8000', '-w', '4']);
    expectMapped(text, commands[0]!.words);
    const bind = commands[0]!.words[3]!;
    expect(wordRange(bind)).toEqual({ start: 26, end: 38 });
  });

  it('removes quotes, honours escapes, keeps single-quoted text literal', () => {
    const text = `a "b c" 'd $e' f\\ g "h\\"i" "$HOME/x"`;
    const { commands } = splitShell(text);
    expect(values(commands[0]!.words)).toEqual(['a', 'b c', 'd $e', 'f g', 'h"i', '$HOME/x']);
    expect(commands[0]!.words[2]!.expansions).toEqual([]);
    expect(commands[0]!.words[5]!.expansions).toEqual([{ name: 'HOME', kind: 'variable', start: 0, end: 5 }]);
    expect(commands[0]!.words[1]!.quoted).toBe(true);
    expectMapped(text, commands[0]!.words);
  });

  it('records ${VAR:-default}, $(...) and backquotes as expansions', () => {
    const { commands } = splitShell('gunicorn -b 0.0.0.0:${PORT:-8000} -w $(nproc) --name `hostname`');
    const w = commands[0]!.words;
    expect(w[2]!.expansions[0]).toMatchObject({ name: 'PORT', kind: 'variable', fallback: '8000' });
    expect(w[4]!.expansions[0]!.kind).toBe('command');
    expect(w[6]!.expansions[0]!.kind).toBe('command');
  });

  it('separates commands at && || ; | & and newlines, drops comments and redirections', () => {
    const text = 'python manage.py migrate && gunicorn app.wsgi 2>&1 >> /var/log/g.log # start\nworker: x; y | z & w';
    const { commands } = splitShell(text);
    expect(commands.map((c) => values(c.words))).toEqual([['python', 'manage.py', 'migrate'], ['gunicorn', 'app.wsgi'], ['worker:', 'x'], ['y'], ['z'], ['w']]);
    expect(commands.map((c) => c.separator)).toEqual(['&&', 'newline', ';', '|', '&', undefined]);
  });

  it('maps words of a nested script back to the file through offsets', () => {
    const text = `sh -c 'cd /srv && exec gunicorn app.wsgi -b :8000'`;
    const outer = splitShell(text).commands[0]!.words;
    const script = outer[2]!;
    const inner = splitShell(script.value, { offsets: script.offsets }).commands;
    expect(values(inner[1]!.words)).toEqual(['exec', 'gunicorn', 'app.wsgi', '-b', ':8000']);
    expectMapped(text, inner[1]!.words);
  });

  it('reports unterminated quotes instead of throwing', () => {
    const { commands, problems } = splitShell('gunicorn "app.wsgi');
    expect(values(commands[0]!.words)).toEqual(['gunicorn', 'app.wsgi']);
    expect(problems[0]!.message).toMatch(/unterminated double quote/);
  });

  it('handles base offsets, CRLF and a trailing backslash', () => {
    const { commands } = splitShell('a b\r\nc \\', { base: 100 });
    expect(commands.map((c) => values(c.words))).toEqual([['a', 'b'], ['c', '\\']]);
    expect(commands[0]!.words[1]!.start).toBe(102);
  });
});

describe('splitSystemdExec (ExecStart=)', () => {
  it('strips prefixes and splits like systemd', () => {
    const text = '-/srv/venv/bin/gunicorn --workers 3 --bind unix:/run/gunicorn.sock shop.wsgi:application';
    const { commands } = splitSystemdExec(text);
    expect(commands[0]!.prefixes.ignoreFailure).toBe(true);
    expect(values(commands[0]!.words)).toEqual(['/srv/venv/bin/gunicorn', '--workers', '3', '--bind', 'unix:/run/gunicorn.sock', 'shop.wsgi:application']);
    expectMapped(text, commands[0]!.words);
  });

  it('applies C escapes in and out of quotes; ${VAR} in place, $VAR alone splits; $$ and %% literal', () => {
    const { commands } = splitSystemdExec(`/bin/x "a\\tb" 'c d' e\\x41 -b 0.0.0.0:\${PORT} $OPTS $$ 100%% %i`);
    const w = commands[0]!.words;
    expect(values(w)).toEqual(['/bin/x', 'a\tb', 'c d', 'eA', '-b', '0.0.0.0:${PORT}', '$OPTS', '$', '100%', '%i']);
    expect(w[5]!.expansions).toEqual([{ name: 'PORT', kind: 'variable', start: 8, end: 15 }]);
    expect(w[6]!.expansions[0]).toMatchObject({ name: 'OPTS', splits: true });
    expect(w[9]!.expansions[0]).toMatchObject({ name: '%i', kind: 'specifier' });
  });

  it('reads a raw continued value, skipping comment lines inside the continuation', () => {
    const text = '/srv/bin/gunicorn \\\n    --workers 3 \\\n# a comment\n    --timeout 60 \\\n    app.wsgi';
    const { commands } = splitSystemdExec(text);
    expect(values(commands[0]!.words)).toEqual(['/srv/bin/gunicorn', '--workers', '3', '--timeout', '60', 'app.wsgi']);
    expectMapped(text, commands[0]!.words);
  });

  it('separates commands at a lone ;', () => {
    const { commands } = splitSystemdExec('/bin/a x ; /bin/b \\; y');
    expect(commands.map((c) => values(c.words))).toEqual([['/bin/a', 'x'], ['/bin/b', ';', 'y']]);
  });

  it('reports an unterminated quote', () => {
    expect(splitSystemdExec('/bin/a "x').problems[0]!.message).toMatch(/unterminated/);
  });
});

describe('resolveWord', () => {
  it('substitutes known variables, keeps unknown ones as written, applies shell defaults', () => {
    const [w] = splitShell('0.0.0.0:${PORT:-8000}/$X').commands[0]!.words;
    expect(resolveWord(w!, () => null)).toEqual({ value: '0.0.0.0:8000/', partial: '0.0.0.0:8000/', unknown: [] });
    expect(resolveWord(w!, (n) => (n === 'PORT' ? '9000' : undefined))).toEqual({ value: undefined, partial: '0.0.0.0:9000/$X', unknown: ['X'] });
  });
});
