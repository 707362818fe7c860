import { describe, expect, it } from 'vitest';
import { makeSourceText } from '../src/core/source.js';
import { parseShellScript } from '../src/parse/shell.js';
import { buildScript, setErrexit } from '../src/model/scripts/build.js';

const names = (text: string) => parseShellScript(text).commands.map((c) => c.words.map((w) => w.value).join(' '));

describe('shell tokenizer', () => {
  it('splits commands at operators, newlines and comments, with line continuations joined', () => {
    expect(names('cd /app && git pull || exit 1; echo "a # b" # c\npip install \\\n  -r req.txt | tee log')).toEqual([
      'cd /app', 'git pull', 'exit 1', 'echo a # b', 'pip install -r req.txt', 'tee log',
    ]);
  });
  it('strips leading reserved words and marks conditions', () => {
    const p = parseShellScript('if ! pg_dump db > x; then\n  exit 1\nfi\nwhile read l; do echo $l; done');
    expect(p.commands[0]!.words.map((w) => w.value)).toEqual(['pg_dump', 'db']);
    expect(p.commands[0]!.condition).toBe(true);
    expect(p.commands.find((c) => c.words[0]?.value === 'exit')!.condition).toBeFalsy();
  });
  it('records heredoc bodies and does not read them as commands', () => {
    const text = "ssh host <<'EOF'\ncd /srv\nrm -rf data\nEOF\nsystemctl restart app\n";
    const p = parseShellScript(text);
    expect(p.commands.map((c) => c.words[0]!.value)).toEqual(['ssh', 'systemctl']);
    expect(p.commands[0]!.heredocs[0]).toMatchObject({ delimiter: 'EOF', quoted: true, body: 'cd /srv\nrm -rf data\n', closed: true });
    expect(text.slice(p.commands[0]!.heredocs[0]!.bodyStart, p.commands[0]!.heredocs[0]!.bodyStart + 7)).toBe('cd /srv');
  });
  it('<<- strips tabs from the delimiter line; an unclosed heredoc is a problem, not a crash', () => {
    expect(parseShellScript('cat <<-END\n\tx\n\tEND\necho y').commands.map((c) => c.words[0]!.value)).toEqual(['cat', 'echo']);
    expect(parseShellScript('cat <<END\nnever closed').problems[0]!.message).toMatch(/never closed/);
  });
  it('keeps function definitions and assignments apart from command words', () => {
    const p = parseShellScript('backup_db() {\n  pg_dump shop\n}\nFOO=1 BAR="x y" make deploy\nfunction go { true; }');
    expect(p.commands[0]!.defines).toBe('backup_db');
    const make = p.commands.find((c) => c.words[0]?.value === 'make')!;
    expect(make.assignments.map((a) => a.value)).toEqual(['FOO=1', 'BAR=x y']);
    expect(p.commands.some((c) => c.defines === 'go')).toBe(true);
  });
  it('reads the shebang and its flags', () => {
    expect(parseShellScript('#!/usr/bin/env -S bash -eu\necho').shebang).toMatchObject({ interpreter: 'bash', args: ['-eu'] });
    expect(setErrexit(['-euo', 'pipefail'])).toBe(true);
    expect(setErrexit(['-o', 'errexit'])).toBe(true);
    expect(setErrexit(['+e'])).toBe(false);
    expect(setErrexit(['-x'])).toBeUndefined();
  });
  it('never throws on garbage or binary-ish input', () => {
    for (const t of ['"unterminated', "'open", '$(echo', '`x', '\u0000\u0001<<<', 'a'.repeat(100_000), '(((((']) expect(() => parseShellScript(t)).not.toThrow();
  });
});

describe('script model', () => {
  it('positions commands sent through ssh quotes and heredocs on their own lines', () => {
    const text = "#!/bin/sh\nset -e\nssh deploy@web 'cd /srv &&\n  ./manage.py migrate'\nssh web <<EOF\ngit pull\nsystemctl restart app\nEOF\n";
    const s = buildScript(makeSourceText('deploy.sh', text));
    const migrate = s.commands.find((c) => c.argv[0] === './manage.py')!;
    expect(migrate.line).toBe(4);
    expect(s.units[migrate.unit]!.via).toBe('ssh deploy@web');
    const restart = s.commands.find((c) => c.name === 'systemctl')!;
    expect(restart.line).toBe(7);
    expect(restart.errexit).toBe(false);
    expect(s.commands.find((c) => c.name === 'ssh')!.errexit).toBe(true);
    expect(s.role).toBe('deploy');
  });
  it('looks through sudo/env/exec wrappers and bash -c strings', () => {
    const s = buildScript(makeSourceText('x.sh', 'sudo -u app env A=1 nohup python manage.py flush\nbash -ec "dropdb shop"'));
    expect(s.commands[0]!.name).toBe('python');
    const inner = s.commands.find((c) => c.name === 'dropdb')!;
    expect(inner.errexit).toBe(true);
    expect(inner.span.start).toMatchObject({ line: 2, column: 11 });
  });
  it('classifies roles by path, name and content', () => {
    const role = (p: string, t = 'echo hi') => buildScript(makeSourceText(p, t)).role;
    expect(role('scripts/deploy_prod.sh')).toBe('deploy');
    expect(role('ops/rotate.sh')).toBe('deploy');
    expect(role('docker/entrypoint.sh', 'python manage.py migrate')).toBe('entrypoint');
    expect(role('scripts/dev/reset.sh', 'git pull')).toBe('development');
    expect(role('tools/update.sh', 'git pull\nsystemctl restart shop')).toBe('deploy');
    expect(role('tools/lint.sh', 'ruff check .')).toBe('other');
  });
});
