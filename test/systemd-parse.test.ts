import { describe, expect, it } from 'vitest';
import { executableKind, parseExecLine } from '../src/parse/systemd/exec.js';
import { parseUnitFile, valueRangeSpan, type UnitAssignment } from '../src/parse/systemd/unit.js';

const pos = (s: { start: { line: number; column: number }; end: { line: number; column: number } }) =>
  `${s.start.line}:${s.start.column}-${s.end.line}:${s.end.column}`;

function one(text: string, key: string): UnitAssignment {
  const a = parseUnitFile('u.service', text).assignments.filter((x) => x.key === key);
  expect(a.length).toBe(1);
  return a[0]!;
}

describe('systemd unit parser: lines', () => {
  it('reads sections and assignments with key and value positions', () => {
    const p = parseUnitFile('u.service', '[Unit]\nDescription = My app \n\n[Service]\nUser=www-data\n');
    expect(p.sections.map((s) => [s.name, pos(s.span)])).toEqual([
      ['Unit', '1:1-1:7'],
      ['Service', '4:1-4:10'],
    ]);
    expect(p.assignments.map((a) => [a.section, a.key, a.value])).toEqual([
      ['Unit', 'Description', 'My app'],
      ['Service', 'User', 'www-data'],
    ]);
    const d = p.assignments[0]!;
    expect(pos(d.keySpan)).toBe('2:1-2:12');
    expect(pos(d.valueSpan)).toBe('2:15-2:21');
    expect(pos(d.span)).toBe('2:1-2:21');
    expect(p.problems).toEqual([]);
  });

  it('keeps repeated keys in order', () => {
    const p = parseUnitFile('u.service', '[Service]\nEnvironment=A=1\nEnvironment=B=2\nEnvironment=\nEnvironment=C=3\n');
    expect(p.assignments.map((a) => a.value)).toEqual(['A=1', 'B=2', '', 'C=3']);
    const empty = p.assignments[2]!;
    expect(pos(empty.valueSpan)).toBe('4:13-4:13');
  });

  it('treats # and ; as comments only at line start; a later # is part of the value', () => {
    const p = parseUnitFile('u.service', '[Service]\n# a comment\n  ; another\nEnvironment=PASS=a#b ;c\nUser=app # not a comment\n');
    expect(p.assignments.map((a) => a.value)).toEqual(['PASS=a#b ;c', 'app # not a comment']);
  });

  it('joins backslash continuations: the backslash becomes a space, comment lines inside are skipped', () => {
    const text = [
      '[Service]',
      'ExecStart=/srv/venv/bin/gunicorn \\',
      '    --workers 3 \\',
      '# a comment inside the continuation',
      '    --bind unix:/run/gunicorn.sock \\',
      '    app.wsgi',
      'User=app',
    ].join('\n');
    const a = one(text, 'ExecStart');
    expect(a.value).toBe('/srv/venv/bin/gunicorn      --workers 3      --bind unix:/run/gunicorn.sock      app.wsgi');
    expect(pos(a.span)).toBe('2:1-6:13');
    expect(pos(a.valueSpan)).toBe('2:11-6:13');
    expect(a.valuePieces.map((p) => p.text).join('')).toBe(a.value);
    const i = a.value.indexOf('--bind');
    expect(pos(valueRangeSpan(a, i, i + '--bind'.length))).toBe('5:5-5:11');
    const j = a.value.indexOf('app.wsgi');
    expect(pos(valueRangeSpan(a, j, j + 8))).toBe('6:5-6:13');
    expect(one(text, 'User').value).toBe('app');
  });

  it('an even number of trailing backslashes does not continue; an empty line ends a continuation', () => {
    const p = parseUnitFile('u.service', '[Service]\nX=a\\\\\nY=b \\\n\nZ=c\n');
    expect(p.assignments.map((a) => [a.key, a.value])).toEqual([
      ['X', 'a\\\\'],
      ['Y', 'b'],
      ['Z', 'c'],
    ]);
  });

  it('a file ending inside a continuation is still parsed', () => {
    const p = parseUnitFile('u.service', '[Service]\nExecStart=/bin/true \\');
    expect(p.assignments.map((a) => a.value)).toEqual(['/bin/true']);
  });

  it('handles CRLF and lone CR line ends, tabs and a BOM', () => {
    const p = parseUnitFile('u.service', '\uFEFF[Service]\r\nUser=\tapp\t\r\nGroup=g\rType=simple\r\n');
    expect(p.assignments.map((a) => [a.key, a.value, a.valueSpan.start.line])).toEqual([
      ['User', 'app', 2],
      ['Group', 'g', 3],
      ['Type', 'simple', 4],
    ]);
  });

  it("reports lines without '=', empty keys and assignments outside a section with systemd's wording", () => {
    const p = parseUnitFile('u.service', '.include /etc/foo.service\n[Service]\nfoo\n=bar\nUser=app\n');
    expect(p.problems.map((x) => [x.message, x.span.start.line, x.fatal])).toEqual([
      ['Assignment outside of section. Ignoring.', 1, false],
      ["Missing '=', ignoring line.", 3, false],
      ["Missing key name before '=', ignoring line.", 4, false],
    ]);
    expect(p.assignments.map((a) => a.key)).toEqual(['User']);
    expect(p.problems[0]!.include).toBe('/etc/foo.service');
  });

  it('an unterminated section header is fatal and its assignments are dropped', () => {
    const p = parseUnitFile('u.service', '[Service]\nUser=a\n[Install\nWantedBy=multi-user.target\n');
    expect(p.problems.map((x) => [x.message, x.span.start.line, x.fatal])).toEqual([["Invalid section header '[Install'", 3, true]]);
    expect(p.assignments.map((a) => a.key)).toEqual(['User']);
  });

  it('binary and huge input become problems, never exceptions', () => {
    const bin = parseUnitFile('u.service', '[Service]\nUser=a\0b\n');
    expect(bin.problems[0]).toMatchObject({ fatal: true });
    expect(bin.problems[0]!.message).toContain('binary');
    const huge = parseUnitFile('u.service', `[Service]\nEnvironment=${'x'.repeat(1024 * 1024 + 10)}\n`);
    expect(huge.problems.map((x) => [x.message, x.span.start.line])).toEqual([['Line too long', 2]]);
    expect(parseUnitFile('u.service', '').assignments).toEqual([]);
  });

  it('keeps specifiers as written', () => {
    expect(one('[Service]\nExecStart=/srv/%i/bin/run --name %n %%\n', 'ExecStart').value).toBe('/srv/%i/bin/run --name %n %%');
  });
});

describe('systemd command lines', () => {
  const words = (v: string) => parseExecLine(v).commands.map((c) => c.argv.map((w) => w.text));

  it('splits words with quotes anywhere in a word and C escapes', () => {
    expect(words(`/bin/sh -c 'echo "a b"; exit 0' a"b c"d \\x41 \\s x\\ty`)).toEqual([
      ['/bin/sh', '-c', 'echo "a b"; exit 0', 'ab cd', 'A', ' ', 'x\ty'],
    ]);
  });

  it('records positions of every word in the value', () => {
    const c = parseExecLine('/srv/venv/bin/gunicorn --bind  unix:/run/g.sock app.wsgi').commands[0]!;
    expect(c.argv.map((w) => [w.text, w.start, w.end])).toEqual([
      ['/srv/venv/bin/gunicorn', 0, 22],
      ['--bind', 23, 29],
      ['unix:/run/g.sock', 31, 47],
      ['app.wsgi', 48, 56],
    ]);
  });

  it('reads the prefixes and the @ argv[0] form', () => {
    const [c] = parseExecLine('-@/usr/bin/python3 my-worker -m app').commands;
    expect(c!.prefixes).toEqual(['-', '@']);
    expect(c!.path.text).toBe('/usr/bin/python3');
    expect(c!.path.start).toBe(2);
    expect(c!.argv.map((w) => w.text)).toEqual(['my-worker', '-m', 'app']);
    expect(parseExecLine('+!!/bin/x').commands[0]!.prefixes).toEqual(['+']);
    expect(parseExecLine('!!/bin/x').commands[0]!.prefixes).toEqual(['!!']);
  });

  it('separates commands at a lone ; and keeps \\; as an argument', () => {
    expect(words('/bin/a 1 ; /bin/b 2')).toEqual([
      ['/bin/a', '1'],
      ['/bin/b', '2'],
    ]);
    expect(words('/usr/bin/find . -exec rm {} \\;')).toEqual([['/usr/bin/find', '.', '-exec', 'rm', '{}', ';']]);
  });

  it('records $VAR (split) and ${VAR} (in place) without expanding them', () => {
    const [c] = parseExecLine('/bin/celery -A $APP multi start ${NODES} --pidfile=${PID_DIR}/%n.pid $$HOME').commands;
    const a = c!.args;
    expect(a[1]!.splitVariable).toBe('APP');
    expect(a[4]!.variables).toEqual(['NODES']);
    expect(a[5]!.variables).toEqual(['PID_DIR']);
    expect(a[5]!.hasSpecifier).toBe(true);
    expect(a[6]!.splitVariable).toBeUndefined();
  });

  it('keeps unknown escapes with a warning (systemd 252), and an unbalanced quote is an error', () => {
    const relaxed = parseExecLine('/bin/echo a\\qb');
    expect(relaxed.errors).toEqual([]);
    expect(relaxed.warnings).toEqual([{ message: "Ignoring unknown escape sequence '\\q'", start: 11, end: 13 }]);
    expect(relaxed.commands[0]!.args.map((w) => w.text)).toEqual(['a\\qb']);
    expect(parseExecLine('/bin/echo "abc').errors[0]!.message).toBe('Unbalanced quoting in command line');
  });

  it('classifies the executable as systemd does since v239', () => {
    const kind = (v: string) => executableKind(parseExecLine(v).commands[0]!.path);
    expect(kind('/srv/venv/bin/gunicorn app')).toBe('absolute');
    expect(kind('gunicorn app')).toBe('search-path');
    expect(kind('venv/bin/gunicorn app')).toBe('invalid');
    expect(kind('./run.sh')).toBe('invalid');
    expect(kind('~/bin/run')).toBe('invalid');
    expect(kind('${VENV}/bin/gunicorn')).toBe('invalid');
    expect(kind('%h/venv/bin/gunicorn')).toBe('specifier');
  });
});
