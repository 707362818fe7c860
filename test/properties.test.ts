import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../src/core/position.js';
import { makeSourceText } from '../src/core/source.js';
import { parseDockerignore } from '../src/parse/dockerfile/dockerignore.js';
import { parseDockerfile } from '../src/parse/dockerfile/parse.js';
import { parseDotenv } from '../src/parse/dotenv.js';
import { parseNginx } from '../src/parse/nginx/parse.js';
import { parsePm2 } from '../src/parse/pm2.js';
import { parseProcfile } from '../src/parse/procfile.js';
import { parsePython } from '../src/parse/python.js';
import { parseRequirementsTxt } from '../src/parse/requirements.js';
import { parseShellScript } from '../src/parse/shell.js';
import { splitShell, splitSystemdExec } from '../src/parse/shell-words.js';
import { parseUnitFile } from '../src/parse/systemd/unit.js';
import { readToml, tomlGet, TomlError } from '../src/parse/toml.js';
import { parseUwsgiIni } from '../src/parse/uwsgi/ini.js';
import { parseYamlFile } from '../src/parse/yaml-positions.js';
import { interpolate } from '../src/parse/compose/interpolate.js';
import { readComposeFile } from '../src/parse/compose/parse.js';
import { parseGunicornArgs } from '../src/parse/gunicorn/cli.js';
import { parseHcl } from '../src/parse/hcl.js';
import { splitNginxDump } from '../src/parse/nginx/dump.js';
import { scanLuaBlock } from '../src/parse/nginx/lua.js';
import { placeholdersIn, templateEngineOf } from '../src/parse/nginx/template.js';
import { blankRuns, longCommentRuns, type QuietRun } from '../src/parse/python-runs.js';
import { parseRedisConf } from '../src/parse/redis-conf.js';
import { parsePep508 } from '../src/parse/requirements.js';

/**
 * Property tests for every parser (issue 7): arbitrary and mutated input never throws, and every
 * position a parser reports lies inside the text (1-based lines, offsets within bounds, start
 * before end). Where a format allows it, valid input round-trips.
 */
const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures');
const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

function fixtureTexts(test: (path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && test(full) && statSync(full).size < 100_000) out.push(readFileSync(full, 'utf8'));
    }
  };
  walk(FIXTURES);
  return out;
}

/** Characters that matter to the formats: quotes, escapes, braces, comments, line ends, NUL, astral. */
const tricky = fc.constantFrom(...'\'"`\\{}[]()#;:=,$%@!&|<>\n\r\t \u0000\u00e9\u{1F600}-*.~/'.split(''), '\r\n', '${', '"""', '<<EOF\n', '\\\n');
const textArb = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.array(fc.oneof(tricky, fc.string({ maxLength: 6 })), { maxLength: 120 }).map((parts) => parts.join('')),
);

/** A valid file of the kind, damaged by a few random edits. */
function mutated(samples: string[]): fc.Arbitrary<string> {
  if (samples.length === 0) return textArb;
  return fc
    .tuple(fc.constantFrom(...samples), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.oneof(tricky, fc.string({ maxLength: 8 }))), { maxLength: 6 }))
    .map(([text, edits]) => {
      let t = text;
      for (const [at, del, ins] of edits) {
        const i = t.length === 0 ? 0 : at % (t.length + 1);
        t = t.slice(0, i) + ins + t.slice(i + del);
      }
      return t;
    });
}

/** Every span-shaped object in a parser's output lies inside the text. */
function checkSpans(value: unknown, text: string, label: string): number {
  let count = 0;
  const seen = new WeakSet<object>();
  const lines = new LineIndex(text);
  const visit = (v: unknown, depth: number): void => {
    if (v === null || typeof v !== 'object' || depth > 40 || seen.has(v as object)) return;
    seen.add(v as object);
    const o = v as Record<string, unknown>;
    const start = o.start as { offset?: unknown; line?: unknown } | undefined;
    const end = o.end as { offset?: unknown; line?: unknown } | undefined;
    if (start && end && typeof start.offset === 'number' && typeof end.offset === 'number') {
      count++;
      expect(start.offset, `${label}: start offset`).toBeGreaterThanOrEqual(0);
      expect(end.offset, `${label}: end before start`).toBeGreaterThanOrEqual(start.offset);
      expect(end.offset, `${label}: end beyond the text`).toBeLessThanOrEqual(text.length);
      expect(start.line, `${label}: line`).toBeGreaterThanOrEqual(1);
      expect(start.line as number, `${label}: line beyond the text`).toBeLessThanOrEqual(lines.lineCount);
    }
    if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
    else for (const k of Object.keys(o)) if (k !== 'parent' && k !== 'node' && k !== 'tree' && k !== 'root') visit(o[k], depth + 1);
  };
  visit(value, 0);
  return count;
}

type Parser = (text: string) => unknown;

/** Offsets a parser answers as plain numbers (not spans): each within [0, length]. */
function expectOffsetsInside(offsets: Array<number | undefined>, text: string, label: string): void {
  for (const o of offsets) {
    if (o === undefined) continue;
    expect(Number.isInteger(o), `${label}: offset ${o}`).toBe(true);
    expect(o, `${label}: offset`).toBeGreaterThanOrEqual(0);
    expect(o, `${label}: offset beyond the text`).toBeLessThanOrEqual(text.length);
  }
}

/** What a compose file's `${VAR}` finds: a few names set, the rest unset. */
const composeLookup = (name: string) => (name.length % 2 === 0 ? { value: `v-${name}` } : undefined);

/** Two copies of a sample saved as an `nginx -T` dump, so that mutations hit the markers and what lies between. */
const asNginxDump = (text: string) => `nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n# configuration file /etc/nginx/nginx.conf:\n${text}\n# configuration file /etc/nginx/conf.d/site.conf:\n${text}`;

const PARSERS: Array<{
  name: string;
  parse: Parser;
  samples: (p: string) => boolean;
  /** Makes each sample into the kind of text the parser reads (default: as it is). */
  asSample?: (text: string) => string;
  /** More to check of the output than its spans. */
  check?: (out: unknown, text: string) => void;
  allowThrow?: (e: unknown) => boolean;
}> = [
  { name: 'dotenv (python-dotenv)', parse: (t) => parseDotenv('.env', t, 'python-dotenv'), samples: (p) => /\.env/.test(p) },
  { name: 'dotenv (compose)', parse: (t) => parseDotenv('.env', t, 'compose'), samples: (p) => /\.env/.test(p) },
  { name: 'dotenv (systemd)', parse: (t) => parseDotenv('.env', t, 'systemd'), samples: (p) => /\.env/.test(p) },
  { name: 'python', parse: (t) => { const p = parsePython('x.py', t); return { problems: p.problems }; }, samples: (p) => p.endsWith('.py') },
  { name: 'requirements.txt', parse: (t) => parseRequirementsTxt('requirements.txt', t), samples: (p) => /requirements.*\.txt$/.test(p) },
  { name: 'TOML', parse: (t) => readToml(t), samples: (p) => p.endsWith('.toml'), allowThrow: (e) => e instanceof TomlError },
  { name: 'nginx', parse: (t) => parseNginx('nginx.conf', t), samples: (p) => /nginx|\.conf$/.test(p) },
  { name: 'systemd unit', parse: (t) => parseUnitFile('x.service', t), samples: (p) => /\.(service|socket|timer)$/.test(p) },
  { name: 'uWSGI ini', parse: (t) => parseUwsgiIni(t, new LineIndex(t)), samples: (p) => p.endsWith('.ini') },
  { name: 'Procfile', parse: (t) => parseProcfile(t, new LineIndex(t)), samples: (p) => /Procfile/.test(p) },
  { name: 'shell words', parse: (t) => splitShell(t), samples: (p) => /Procfile/.test(p) },
  { name: 'systemd ExecStart words', parse: (t) => splitSystemdExec(t), samples: (p) => /\.service$/.test(p) },
  { name: 'shell script', parse: (t) => parseShellScript(t), samples: (p) => p.endsWith('.sh') },
  { name: 'Dockerfile', parse: (t) => parseDockerfile(makeSourceText('Dockerfile', t)), samples: (p) => /Dockerfile/.test(p) },
  { name: '.dockerignore', parse: (t) => parseDockerignore(makeSourceText('.dockerignore', t)), samples: (p) => p.endsWith('.dockerignore') },
  { name: 'YAML with positions', parse: (t) => { const y = parseYamlFile(makeSourceText('x.yml', t)); return { problems: (y as unknown as { problems?: unknown }).problems }; }, samples: (p) => /\.ya?ml$/.test(p) },
  { name: 'pm2 ecosystem', parse: (t) => parsePm2(t, false), samples: (p) => /ecosystem/.test(p) },
  { name: 'Terraform (HCL)', parse: (t) => parseHcl(t, 'main.tf'), samples: (p) => /\.tf(vars)?$/.test(p) },
  { name: 'redis.conf', parse: (t) => parseRedisConf(makeSourceText('redis.conf', t)), samples: (p) => /redis[^/]*\.conf$/.test(p) },
  {
    name: 'compose file (with interpolation)',
    // The tree under a name the span check walks (it skips `root`, a back-reference elsewhere).
    parse: (t) => {
      const read = readComposeFile(makeSourceText('compose.yaml', t), composeLookup);
      return { services: read.root, problems: read.problems };
    },
    samples: (p) => /(docker-)?compose[^/]*\.ya?ml$/.test(p),
  },
  {
    name: 'compose interpolation',
    parse: (t) => interpolate(t, composeLookup),
    samples: (p) => /(docker-)?compose[^/]*\.ya?ml$/.test(p),
    check: (out, t) => expect(typeof (out as { value: unknown }).value, t).toBe('string'),
  },
  {
    name: 'gunicorn command line',
    parse: (t) => splitShell(t).commands.map((c) => parseGunicornArgs(c.words)),
    samples: (p) => /Procfile|\.service$|entrypoint[^/]*\.sh$/.test(p),
    check: (out, t) => {
      for (const parsed of out as Array<ReturnType<typeof parseGunicornArgs>>) expectOffsetsInside(parsed.problems.flatMap((q) => [q.start, q.end]), t, 'gunicorn problem');
    },
  },
  {
    name: 'nginx -T dump',
    parse: (t) => splitNginxDump(t) ?? [],
    samples: (p) => /nginx/.test(p) && p.endsWith('.conf'),
    asSample: asNginxDump,
    check: (out, t) => {
      for (const seg of out as Array<{ markerStart: number; start: number; end: number }>) {
        expectOffsetsInside([seg.markerStart, seg.start, seg.end], t, 'dump segment');
        expect(seg.start, 'dump segment').toBeLessThanOrEqual(seg.end);
      }
    },
  },
  {
    name: 'nginx templates and Lua blocks',
    parse: (t) => ({ engine: templateEngineOf('site.conf.template', t), placeholders: placeholdersIn(t), luaEnd: scanLuaBlock(t, 0, t.length) }),
    samples: (p) => /nginx/.test(p) && p.endsWith('.conf'),
    check: (out, t) => expectOffsetsInside([(out as { luaEnd?: number }).luaEnd], t, 'Lua block end'),
  },
  {
    name: 'PEP 508 requirement lines',
    parse: (t) => t.split(/\r?\n/).map((line) => [line, parsePep508(line)] as const),
    samples: (p) => /requirements.*\.txt$/.test(p),
    check: (out) => {
      for (const [line, req] of out as Array<readonly [string, { length: number } | undefined]>) if (req) expectOffsetsInside([req.length], line, 'requirement length');
    },
  },
  {
    name: 'Python comment runs (the pre-scan before tree-sitter)',
    parse: (t) => longCommentRuns(t, 3),
    samples: (p) => p.endsWith('.py'),
    check: (out, t) => {
      const runs = out as QuietRun[];
      for (const run of runs) {
        expectOffsetsInside([run.start, run.end, ...run.tokens.flat()], t, 'comment run');
        expect(run.start, 'comment run').toBeLessThanOrEqual(run.end);
      }
      // Blanking keeps every offset and line break where it was, so tree-sitter's positions still hold.
      const blanked = blankRuns(t, runs);
      expect(blanked.length).toBe(t.length);
      for (let i = 0; i < t.length; i++) if (t[i] === '\n' || t[i] === '\r') expect(blanked[i], `line break at ${i}`).toBe(t[i]);
    },
  },
];

describe('parsers never throw, and their positions stay inside the text', () => {
  for (const { name, parse, samples, asSample, check, allowThrow } of PARSERS) {
    const corpus = fixtureTexts(samples).map(asSample ?? ((t) => t));
    it(`${name} (${corpus.length} fixture files mutated, and arbitrary text)`, () => {
      fc.assert(
        fc.property(fc.oneof(textArb, mutated(corpus)), (text) => {
          let out: unknown;
          try {
            out = parse(text);
          } catch (err) {
            if (allowThrow?.(err)) return;
            throw err;
          }
          checkSpans(out, text, name);
          check?.(out, text);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe('positions', () => {
  it('LineIndex answers every offset and line as a line-by-line scan of the text does (\\n, \\r\\n, lone \\r)', () => {
    const breaks = fc.constantFrom('\n', '\r\n', '\r', '\n\r', 'a', 'bc', ' ', '\u2028', '\u00e9');
    const text = fc.oneof(fc.string({ maxLength: 60 }), fc.array(breaks, { maxLength: 40 }).map((p) => p.join('')));
    fc.assert(
      fc.property(text, (t) => {
        // The reference: every line start, found one character at a time.
        const starts = [0];
        for (let i = 0; i < t.length; i++) {
          if (t[i] === '\n' || (t[i] === '\r' && t[i + 1] !== '\n')) starts.push(i + 1);
          else if (t[i] === '\r') starts.push(++i + 1);
        }
        const lines = new LineIndex(t);
        expect(lines.lineCount).toBe(starts.length);
        for (let o = 0; o <= t.length; o++) {
          let line = 0;
          while (line + 1 < starts.length && starts[line + 1]! <= o) line++;
          expect(lines.positionAt(o)).toEqual({ line: line + 1, column: o - starts[line]! + 1, offset: o });
        }
        starts.forEach((start, i) => expect(lines.offsetAt(i + 1, 1)).toBe(start));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the span check has something to check', () => {
  it.each([
    ['nginx', () => parseNginx('n.conf', 'server {\n  listen 80;\n}\n')],
    ['dotenv', () => parseDotenv('.env', 'A=1\nB="x"\n', 'python-dotenv')],
    ['systemd', () => parseUnitFile('x.service', '[Service]\nExecStart=/bin/true\n')],
    ['Dockerfile', () => parseDockerfile(makeSourceText('Dockerfile', 'FROM python:3.12\nRUN true\n'))],
    ['Terraform', () => parseHcl('resource "a" "b" {\n  x = 1\n}\n', 'main.tf')],
    ['redis.conf', () => parseRedisConf(makeSourceText('redis.conf', 'bind 127.0.0.1\nport 6379\n'))],
    ['compose', () => ({ services: readComposeFile(makeSourceText('compose.yaml', 'services:\n  web:\n    image: x\n'), composeLookup).root })],
  ])('%s output holds spans', (_name, run) => {
    expect(checkSpans(run(), 'server {\n  listen 80;\n}\nA=1\nB="x"\n[Service]\n', 'sample')).toBeGreaterThan(0);
  });

  it('a sample made into an nginx -T dump splits back into its two files', () => {
    const sample = 'server {\n  listen 80;\n}\n';
    const dump = asNginxDump(sample);
    const segments = splitNginxDump(dump)!;
    expect(segments.map((seg) => seg.path)).toEqual(['/etc/nginx/nginx.conf', '/etc/nginx/conf.d/site.conf']);
    // The line break asNginxDump puts before the second marker ends the first file.
    expect(segments.map((seg) => dump.slice(seg.start, seg.end))).toEqual([`${sample}\n`, sample]);
  });
});

describe('valid input round-trips', () => {
  const key = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/);
  const plain = fc.stringMatching(/^[A-Za-z0-9_./:@+-]{0,20}$/);

  it('dotenv: KEY=value lines come back as written, in every dialect', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, plain), { selector: ([k]) => k, maxLength: 8 }), (pairs) => {
        const text = pairs.map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
        for (const dialect of ['python-dotenv', 'python-decouple', 'django-environ', 'compose', 'systemd'] as const) {
          const parsed = parseDotenv('.env', text, dialect);
          const got = parsed.entries.map((e) => [e.name, e.value]);
          expect(got, dialect).toEqual(pairs.map(([k, v]) => [k, v]));
        }
      }),
      { numRuns: RUNS },
    );
  });

  /** A string literal's content: printable ASCII and a few escapes, never a template (`${`, `%{`). */
  const literalText = fc.string({ maxLength: 16, unit: fc.constantFrom(...'abc XYZ019_-./:"\\\t\n\u00e9'.split('')) });

  it('Terraform: attributes of strings, numbers and booleans come back with their values and spans', () => {
    const value = fc.oneof(
      literalText.map((v) => ({ text: JSON.stringify(v), kind: 'string', value: v as unknown })),
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map((v) => ({ text: String(v), kind: 'number', value: v as unknown })),
      fc.boolean().map((v) => ({ text: String(v), kind: 'bool', value: v as unknown })),
    );
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 8 }), (attrs) => {
        const text = attrs.map(([n, v]) => `${n} = ${v.text}`).join('\n') + '\n';
        const parsed = parseHcl(text, 'main.tf');
        expect(parsed.problems).toEqual([]);
        expect(parsed.body.attributes.map((a) => a.name)).toEqual(attrs.map(([n]) => n));
        parsed.body.attributes.forEach((a, i) => {
          const want = attrs[i]![1];
          expect(a.value.kind).toBe(want.kind);
          expect('value' in a.value ? a.value.value : undefined).toEqual(want.value);
          expect(text.slice(a.value.span.start.offset, a.value.span.end.offset)).toBe(want.text);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('redis.conf: directives of plain words come back as written, names lower-cased', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9_./:-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z-]{0,14}$/), fc.array(word, { maxLength: 4 })), { maxLength: 8 }), (lines) => {
        const text = lines.map(([n, args]) => [n, ...args].join(' ')).join('\n') + '\n';
        const conf = parseRedisConf(makeSourceText('redis.conf', text));
        expect(conf.problems).toEqual([]);
        expect(conf.directives.map((d) => [d.name, d.args.map((a) => a.value)])).toEqual(lines.map(([n, args]) => [n.toLowerCase(), args]));
        for (const d of conf.directives) for (const a of d.args) expect(text.slice(a.span.start.offset, a.span.end.offset)).toBe(a.value);
      }),
      { numRuns: RUNS },
    );
  });

  it('TOML: keys of basic strings and integers come back with their values', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/);
    const value = fc.oneof(
      literalText.map((v) => ({ text: JSON.stringify(v), value: v })),
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map((v) => ({ text: String(v), value: String(v) })),
    );
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 8 }), (pairs) => {
        const text = `[tool.x]\n${pairs.map(([k, v]) => `${k} = ${v.text}`).join('\n')}\n`;
        const table = readToml(text);
        for (const [k, v] of pairs) {
          const got = tomlGet(table, 'tool', 'x', k);
          expect(got && 'value' in got ? got.value : undefined, k).toBe(v.value);
          expect(text.slice(got!.from, got!.to)).toBe(v.text);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('shell words: single-quoted words split back into the same words', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 10 }).filter((w) => !w.includes("'") && !w.includes('\u0000')), { minLength: 1, maxLength: 6 }), (words) => {
        const text = words.map((w) => `'${w}'`).join(' ');
        const split = splitShell(text) as unknown as { words?: Array<{ value: string }>; commands?: Array<{ words: Array<{ value: string }> }> };
        const values = split.words?.map((w) => w.value) ?? split.commands?.flatMap((c) => c.words.map((w) => w.value));
        expect(values).toEqual(words);
      }),
      { numRuns: RUNS },
    );
  });
});
