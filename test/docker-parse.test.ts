import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Span } from '../src/core/position.js';
import { makeSourceText } from '../src/core/source.js';
import { decidingPattern, isIgnored, parseDockerignore } from '../src/parse/dockerfile/dockerignore.js';
import { keepArgumentSplits, parseDockerfile, type DfInstruction } from '../src/parse/dockerfile/parse.js';
import { buildStages, splitImage, substitute } from '../src/model/containers/dockerfile.js';
import { shellCommands } from '../src/model/containers/analyse.js';

const parse = (text: string) => parseDockerfile(makeSourceText('Dockerfile', text));
/** The source text a span covers. */
const at = (text: string, s: Span | undefined) => (s ? text.slice(s.start.offset, s.end.offset) : undefined);
const pos = (s: Span) => `${s.start.line}:${s.start.column}`;

describe('Dockerfile parser: spans', () => {
  it('gives FROM image, tag, stage name and platform with exact spans', () => {
    const text = 'ARG PY=3.12\nFROM --platform=linux/amd64 registry.example.com:5000/team/python:${PY}-slim AS Build\n';
    const d = parse(text);
    expect(d.initialArgs).toHaveLength(1);
    const f = d.stages[0]!.from;
    expect(f.platform).toBe('linux/amd64');
    expect(at(text, f.imageSpan)).toBe('registry.example.com:5000/team/python:${PY}-slim');
    expect(at(text, f.tagSpan)).toBe('${PY}-slim');
    expect(f.stageName).toBe('Build');
    expect(at(text, f.stageNameSpan)).toBe('Build');
  });

  it('reads ENV in the = form (quoted, several per line, continued) and the legacy space form', () => {
    const text = 'FROM x\nENV A=1 B="two words" \\\n    C=3\nENV LEGACY some value here\n';
    const env = parse(text).instructions.filter((i) => i.keyword === 'ENV').flatMap((i) => i.properties ?? []);
    expect(env.map((p) => [p.name, p.value])).toEqual([
      ['A', '1'],
      ['B', 'two words'],
      ['C', '3'],
      ['LEGACY', 'some value here'],
    ]);
    expect(env.map((p) => at(text, p.valueSpan))).toEqual(['1', '"two words"', '3', 'some value here']);
    expect(pos(env[2]!.valueSpan!)).toBe('3:7');
  });

  it('keeps heredoc bodies apart from arguments and gives the body with its offset', () => {
    const text = 'FROM x\nRUN <<EOF\nset -e\napt-get install -y curl\nEOF\nCOPY <<-CONF /etc/app.conf\n\tkey=1\n\tCONF\n';
    const d = parse(text);
    const run = d.instructions[1]!;
    expect(run.args.map((a) => a.value)).toEqual([]);
    expect(run.heredocs[0]!.content).toBe('set -e\napt-get install -y curl');
    expect(text.slice(run.heredocs[0]!.contentStart).startsWith('set -e')).toBe(true);
    const copy = d.instructions[2]!;
    expect(copy.args.map((a) => a.value)).toEqual(['/etc/app.conf']);
    expect(copy.heredocs[0]!.name).toBe('CONF');
    expect(d.problems).toEqual([]);
  });

  it('reports a heredoc that is never closed', () => {
    const d = parse('FROM x\nRUN <<EOF\necho hi\n');
    expect(d.problems.map((p) => [p.message, pos(p.span)])).toEqual([['heredoc <<EOF is never closed: the rest of the file is its body', '2:5']]);
  });

  it('rebuilds the logical line a shell gets: continuations joined, comment and blank lines dropped, offsets kept', () => {
    const text = 'FROM x\nRUN apt-get update \\\n  # a comment inside\n\n  && apt-get install -y libpq5\n';
    const run = parse(text).instructions[1]!;
    expect(run.text!.value).toBe('apt-get update   && apt-get install -y libpq5');
    const i = run.text!.value.indexOf('libpq5');
    expect(text.slice(run.text!.offsets[i], run.text!.offsets[i]! + 6)).toBe('libpq5');
    const cmds = shellCommands(run, makeSourceText('Dockerfile', text));
    expect(cmds.map((c) => c.words.map((w) => w.value))).toEqual([['apt-get', 'update'], ['apt-get', 'install', '-y', 'libpq5']]);
    expect(pos(cmds[1]!.words[3]!.span)).toBe('5:25');
  });

  it('treats a heredoc body as the script only when the RUN line has no other command', () => {
    const src = makeSourceText('Dockerfile', 'FROM x\nRUN <<EOF\npip install a\nEOF\nRUN cat <<EOF > /etc/x\npip install b\nEOF\nRUN bash -e <<EOF\npip install c\nEOF\n');
    const runs = parseDockerfile(src).instructions.filter((i) => i.keyword === 'RUN');
    const words = runs.map((r) => shellCommands(r, src).map((c) => c.words.map((w) => w.value).join(' ')));
    expect(words).toEqual([['pip install a'], ['cat'], ['bash -e', 'pip install c']]);
  });

  it('honours the escape directive only at the very top', () => {
    const text = '# escape=`\nFROM x\nRUN echo a `\n  && echo b\nRUN dir c:\\\n';
    const d = parse(text);
    expect(d.escape).toBe('`');
    expect(d.instructions[1]!.text!.value).toBe('echo a   && echo b');
    expect(d.instructions).toHaveLength(3);
    expect(parse('\n# escape=`\nFROM x\n').escape).toBe('\\');
  });

  it('reads JSON (exec) form with unescaped strings and spans including the quotes', () => {
    const text = 'FROM x\nCMD ["gunicorn", "a\\"b", "--bind", "0.0.0.0:8000"]\nENTRYPOINT gunicorn app\nCMD [\'single\']\n';
    const d = parse(text);
    const cmd = d.instructions[1]!;
    expect(cmd.json!.map((w) => w.value)).toEqual(['gunicorn', 'a"b', '--bind', '0.0.0.0:8000']);
    expect(at(text, cmd.json![0]!.span)).toBe('"gunicorn"');
    expect(d.instructions[2]!.json).toBeUndefined();
    // Single quotes are not JSON: Docker runs it in shell form.
    expect(d.instructions[3]!.json).toBeUndefined();
  });

  it('accepts lower-case keywords, CRLF line ends, and reports unknown instructions and a missing FROM', () => {
    const d = parse('from python:3.12\r\nrun echo a \\\r\n  b\r\nCOPPY . /app\r\n');
    expect(d.instructions.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'COPPY']);
    expect(d.instructions[1]!.text!.value).toBe('echo a   b');
    expect(d.problems.map((p) => [p.message, pos(p.span)])).toEqual([['unknown instruction: COPPY', '4:1']]);
    expect(parse('RUN echo\n').problems.map((p) => p.message)).toEqual([
      'RUN before the first FROM: only ARG may come before it',
      'no FROM instruction: Docker cannot build this file',
    ]);
    expect(parse('FROM\n').problems.map((p) => p.message)).toContain('FROM names no image');
  });

  it('never throws on odd input', () => {
    for (const t of ['', '\u0000\u0001\u0002', 'FROM x\nRUN <<', 'FROM x\nENV =v', '\\\n\\\n', 'FROM x\nCMD ["unterminated', 'x'.repeat(100_000), 'FROM x\n' + 'RUN a \\\n'.repeat(5000)]) {
      expect(() => parse(t)).not.toThrow();
    }
  });
});

describe('Dockerfile parser: continuation that swallows an instruction', () => {
  const swallowed = (text: string) => parse(text).instructions.flatMap((i: DfInstruction) => i.swallowed.map((s) => `${s.keyword}@${pos(s.span)}`));

  it('finds a keyword at the start of a continued line, also after blank and comment lines', () => {
    expect(swallowed('FROM x\nRUN apt-get update && \\\nCOPY . /app\n')).toEqual(['COPY@3:1']);
    expect(swallowed('FROM x\nRUN apt-get update \\\n\n# note\n    USER app\n')).toEqual(['USER@5:5']);
  });

  it('leaves quoted text, HEALTHCHECK CMD, ONBUILD triggers, lower-case words and SQL alone', () => {
    expect(swallowed('FROM x\nRUN echo "a \\\nCOPY in a string"\n')).toEqual([]);
    expect(swallowed('FROM x\nHEALTHCHECK --interval=5s \\\n  CMD curl -f http://localhost/\n')).toEqual([]);
    expect(swallowed('FROM x\nONBUILD \\\n  RUN echo hi\n')).toEqual([]);
    expect(swallowed('FROM x\nRUN set -x \\\n  env FOO=1 run-it\n')).toEqual([]);
    expect(swallowed('FROM x\nRUN psql -c \\\nFROM users WHERE id = 1\n')).toEqual([]);
    expect(swallowed('FROM x\nENV A=1 \\\n    USER=app\n')).toEqual([]);
  });
});

describe('Dockerfile stages', () => {
  const stagesOf = (text: string, args: Record<string, string | null> = {}) => buildStages(parse(text), args);

  it('inherits USER, WORKDIR, ENV, CMD and HEALTHCHECK from the stage it is built on', () => {
    const s = stagesOf('FROM python:3.12 AS base\nENV A=1\nUSER app\nWORKDIR /srv\nCMD ["run"]\nHEALTHCHECK CMD true\nFROM base AS final\nENV B=$A-2\nWORKDIR app\n');
    const f = s[1]!;
    expect(f.baseStage).toBe(0);
    expect(f.user?.value).toBe('app');
    expect(f.workdir?.value).toBe('/srv/app');
    expect(f.env.map((e) => [e.name, e.value])).toEqual([
      ['A', '1'],
      ['B', '1-2'],
    ]);
    expect(f.cmd?.inheritedFrom).toBe(0);
    expect(f.healthcheck?.stage).toBe(0);
  });

  it('drops the inherited CMD when a stage sets ENTRYPOINT (as Docker does), keeps its own', () => {
    const s = stagesOf('FROM x AS a\nCMD ["a"]\nFROM a AS b\nENTRYPOINT ["/e"]\nFROM a AS c\nCMD ["c"]\nENTRYPOINT ["/e"]\n');
    expect(s[1]!.cmd).toBeUndefined();
    expect(s[2]!.cmd?.words?.[0]?.value).toBe('c');
  });

  it('resolves FROM from global ARG defaults and build args, and records unresolved names', () => {
    const text = 'ARG PY=3.11\nARG BASE\nFROM python:${PY}-slim\nFROM ${BASE}\n';
    expect(stagesOf(text)[0]!.image).toMatchObject({ resolved: 'python:3.11-slim', repository: 'python', tag: '3.11-slim', fromArgs: ['PY'] });
    expect(stagesOf(text, { PY: '3.13' })[0]!.image.resolved).toBe('python:3.13-slim');
    expect(stagesOf(text)[1]!.image).toMatchObject({ unresolved: ['BASE'] });
    expect(stagesOf(text)[1]!.image.resolved).toBeUndefined();
  });

  it('substitutes like Docker: ${VAR:-word}, ${VAR:+word}, escaped $', () => {
    const look = (n: string) => ({ A: 'x', E: '' } as Record<string, string>)[n];
    expect(substitute('${A:-d} ${E:-d} ${E-d} ${U:-d} ${A:+y} ${U:+y} \\$A $A$U', look)).toEqual({ value: 'x d  d y  $A x$U', unresolved: ['U'] });
  });

  it('splits image references', () => {
    expect(splitImage('python')).toEqual({ repository: 'python' });
    expect(splitImage('localhost:5000/app:1.0')).toEqual({ registry: 'localhost:5000', repository: 'app', tag: '1.0' });
    expect(splitImage('ghcr.io/org/app@sha256:abc')).toEqual({ registry: 'ghcr.io', repository: 'org/app', digest: 'sha256:abc' });
    expect(splitImage('org/app:latest')).toEqual({ repository: 'org/app', tag: 'latest' });
  });
});

describe('.dockerignore as BuildKit matches it', () => {
  const ig = (text: string) => parseDockerignore(makeSourceText('.dockerignore', text));

  it('matches relative to the context root, not at any depth', () => {
    const d = ig('.env\n*.pyc\n');
    expect(isIgnored(d, '.env')).toBe(true);
    expect(isIgnored(d, 'app/.env')).toBe(false);
    expect(isIgnored(d, 'x.pyc')).toBe(true);
    expect(isIgnored(d, 'app/x.pyc')).toBe(false);
    expect(isIgnored(ig('**/.env\n**/*.pyc\n'), 'app/deep/.env')).toBe(true);
    expect(isIgnored(ig('**/*.pyc\n'), 'x.pyc')).toBe(true);
  });

  it('excludes everything under a matched directory, honours ! exceptions (last match wins), leading / and comments', () => {
    const d = ig('# comment\n/.git\n.envs/\n*\n!src\n!requirements.txt\nsrc/secret.py\n');
    expect(isIgnored(d, '.git/config')).toBe(true);
    expect(isIgnored(d, '.envs/.production/.django')).toBe(true);
    expect(isIgnored(d, 'src/app.py')).toBe(false);
    expect(isIgnored(d, 'src/secret.py')).toBe(true);
    expect(isIgnored(d, 'requirements.txt')).toBe(false);
    expect(isIgnored(d, 'README.md')).toBe(true);
    expect(decidingPattern(d, 'src/secret.py')!.span.start.line).toBe(7);
    // `#` only starts a comment at the start of a line.
    expect(isIgnored(ig(' #x\n'), '#x')).toBe(true);
  });

  it('cleans patterns as Go filepath.Clean does', () => {
    const d = ig('./dist/../build/\n  spaced  \n!  \n');
    expect(d.patterns.map((p) => p.pattern)).toEqual(['build', 'spaced', '']);
    expect(isIgnored(d, 'build/x')).toBe(true);
  });
});

describe('Dockerfile parser: arguments split once per instruction', () => {
  /** Every Dockerfile of the fixtures (Dockerfile, Dockerfile.*, *.Dockerfile). */
  function fixtureDockerfiles(): Array<{ name: string; text: string }> {
    const out: Array<{ name: string; text: string }> = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/^Dockerfile|\.Dockerfile$/i.test(name)) out.push({ name: path, text: readFileSync(path, 'utf8') });
      }
    };
    walk(join(__dirname, '..', 'fixtures'));
    return out;
  }
  const both = (text: string) => {
    keepArgumentSplits(false);
    const published = parseDockerfile(makeSourceText('Dockerfile', text));
    keepArgumentSplits(true);
    return { published, kept: parseDockerfile(makeSourceText('Dockerfile', text)) };
  };
  it('reads every fixture Dockerfile exactly as dockerfile-ast does when it splits on every call', () => {
    const files = fixtureDockerfiles();
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const { published, kept } = both(f.text);
      expect(kept, f.name).toEqual(published);
    }
  });
  it('and random instruction soups (flags, heredocs, JSON form, images with registry, tag and digest)', () => {
    const line = fc.constantFrom(
      'FROM python:3.12-slim AS build', 'FROM --platform=$BUILDPLATFORM registry.example.com:5000/team/app:1.2@sha256:' + 'a'.repeat(64), 'FROM ${BASE}:${TAG}', 'FROM scratch',
      'RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt', 'RUN <<EOF\napt-get update\nEOF', 'RUN ["sh", "-c", "echo \\"hi\\""]',
      'COPY --from=build --chown=app:app /app /app', 'COPY <<-EOT /etc/x\n\tbody\nEOT', 'ADD --checksum=sha256:abc https://e.com/x.tgz /x', 'ENV A=1 B="two words" \\\n  C=3',
      'ARG VERSION', 'LABEL a=b', 'CMD ["gunicorn", "app.wsgi"]', 'ENTRYPOINT exec gunicorn', 'HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1',
      'USER app', 'WORKDIR /app', 'EXPOSE 8000/tcp', 'ONBUILD RUN make', 'SHELL ["/bin/bash", "-c"]', '# comment', '', 'RUN a \\\n# c\n  b',
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const { published, kept } = both(lines.join('\n'));
        expect(kept).toEqual(published);
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });
});
