import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNginx, type ParsedProblem } from '../src/parse/nginx/parse.js';

/**
 * Differential test: our syntax verdicts against Debian's real `nginx -t`.
 *
 * Corpus (test/nginx-corpus/): `valid/` (nginx accepts), `invalid/` (first line
 * `# expect: LINE MESSAGE`, nginx's first error), `missing-semicolon/` (first line
 * `# missing-semicolon: LINE nginx: accepts|rejects`). Each file is included into a minimal
 * http{} main configuration (pid, logs and temp paths in a temporary prefix) and checked with
 * `nginx -t -q -e stderr -p <tmp> -c <tmp>/main.conf`.
 *
 * Without nginx the annotations alone are checked against the parser. With nginx, the
 * annotations are checked against nginx too, and every valid file is also mutated (seeded: one
 * character of `;{}"'#\` inserted or deleted, or a line deleted) and both verdicts compared:
 * - nginx accepts -> we report no syntax error;
 * - nginx rejects with a syntax message -> our first syntax error has the same message and line;
 * - we report a syntax error -> nginx rejects.
 * (A mutation that nginx rejects for another reason, an unknown variable say, is not a syntax
 * case: only the last implication is checked there.)
 *
 * Lines are compared the way nginx counts them (LF only); our spans also break lines at a lone CR.
 * Set AUDIT_DEPLOY_NGINX_REQUIRED=1 (CI does) to fail rather than skip when nginx is missing.
 */

const CORPUS = join(import.meta.dirname, 'nginx-corpus');
const REQUIRED = Boolean(process.env.CI || process.env.AUDIT_DEPLOY_NGINX_REQUIRED);
const MUTATIONS_PER_FILE = Number(process.env.AUDIT_DEPLOY_NGINX_MUTATIONS ?? 12);

function findNginx(): string | undefined {
  for (const candidate of ['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    const r = spawnSync(candidate, ['-v'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  return undefined;
}

const NGINX = findNginx();

interface CorpusFile {
  group: 'valid' | 'invalid' | 'missing-semicolon';
  name: string;
  path: string;
  text: string;
}

function corpus(): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (const group of ['valid', 'invalid', 'missing-semicolon'] as const) {
    for (const name of readdirSync(join(CORPUS, group)).sort()) {
      if (!name.endsWith('.conf')) continue;
      const path = join(CORPUS, group, name);
      out.push({ group, name, path, text: readFileSync(path, 'utf8') });
    }
  }
  return out;
}

const FILES = corpus();

/** The line nginx would name for an offset: LF-separated lines only. */
function nginxLine(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function ours(text: string): { syntax: ParsedProblem[]; missing: ParsedProblem[] } {
  // The corpus files are read inside http {}, as the wrapper includes them.
  const problems = parseNginx('corpus.conf', text, { context: 'http' }).problems;
  const byOffset = (a: ParsedProblem, b: ParsedProblem) => a.span.start.offset - b.span.start.offset;
  return {
    syntax: problems.filter((p) => p.kind === 'syntax').sort(byOffset),
    missing: problems.filter((p) => p.kind === 'missing-semicolon').sort(byOffset),
  };
}

function firstSyntax(text: string): { line: number; message: string } | undefined {
  const p = ours(text).syntax[0];
  return p && { line: nginxLine(text, p.span.start.offset), message: p.message };
}

interface NginxVerdict {
  ok: boolean;
  /** nginx's first [emerg] message about the corpus file, with its line. */
  message?: string;
  line?: number;
  output: string;
}

/**
 * Messages that come from nginx's tokenizer and block structure, not from a module's rules.
 * (`unknown directive` is not one: nginx knows its modules' names, we know only the shape of a
 * name; it is compared only where we report it too.)
 */
const SYNTAX_MESSAGE = /^(?:unexpected "[^]*"|unexpected end of file, expecting (?:";" or )?"\}"|directive "[^"]*" is not terminated by ";"|directive "[^"]*" has no opening "\{"|too long parameter(?: "[^]*\.\.\." started|, probably missing terminating "[^]*" character))$/;

/** nginx prints the first byte of a multi-byte character alone; Node decodes it as U+FFFD. */
const asNginxPrints = (message: string) => message.replace(/[^\x00-\x7f]/gu, '\ufffd');

const work = mkdtempSync(join(tmpdir(), 'audit-nginx-diff-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let runs = 0;

function runNginx(file: string): Promise<NginxVerdict> {
  const dir = join(work, `run${runs++}`);
  const main = join(dir, 'main.conf');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    main,
    [
      `pid ${dir}/nginx.pid;`,
      'events {}',
      'http {',
      `    access_log ${dir}/access.log;`,
      `    client_body_temp_path ${dir}/body;`,
      `    proxy_temp_path ${dir}/proxy;`,
      `    fastcgi_temp_path ${dir}/fastcgi;`,
      `    uwsgi_temp_path ${dir}/uwsgi;`,
      `    scgi_temp_path ${dir}/scgi;`,
      `    include ${file};`,
      '}',
      '',
    ].join('\n'),
  );
  return new Promise((resolve) => {
    const child = spawn(NGINX!, ['-t', '-q', '-e', 'stderr', '-p', `${dir}/`, '-c', main], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b) => (output += b));
    child.stderr.on('data', (b) => (output += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const m = new RegExp(`\\[emerg\\](?: \\d+#\\d+:)? ([\\s\\S]*?) in ${escaped}:(\\d+)\\s*$`, 'm').exec(output);
      resolve({ ok: code === 0, message: m?.[1], line: m ? Number(m[2]) : undefined, output });
    });
  });
}

async function pool<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

function header(f: CorpusFile): RegExpExecArray {
  const re = f.group === 'invalid' ? /^# expect: (\d+) (.*)$/m : /^# missing-semicolon: (\d+) nginx: (accepts|rejects)$/m;
  const m = re.exec(f.text.split('\n')[0]!);
  if (!m) throw new Error(`${f.group}/${f.name}: the first line must be the annotation`);
  return m;
}

describe('nginx corpus: the parser agrees with the annotations', () => {
  it('has at least 40 cases', () => {
    expect(FILES.filter((f) => f.group !== 'missing-semicolon').length).toBeGreaterThanOrEqual(40);
  });

  for (const f of FILES) {
    it(`${f.group}/${f.name}`, () => {
      const { syntax, missing } = ours(f.text);
      if (f.group === 'valid') {
        expect(syntax.map((p) => p.message)).toEqual([]);
        expect(missing.map((p) => p.message)).toEqual([]);
      } else if (f.group === 'invalid') {
        const [, line, message] = header(f);
        expect(firstSyntax(f.text)).toEqual({ line: Number(line), message });
      } else {
        const [, line] = header(f);
        expect(syntax.map((p) => p.message)).toEqual([]);
        expect(missing.map((p) => nginxLine(f.text, p.span.start.offset))).toEqual([Number(line)]);
      }
    });
  }
});

// Without nginx (and without AUDIT_DEPLOY_NGINX_REQUIRED or CI) vitest reports this block as skipped.
describe.skipIf(!NGINX && !REQUIRED)('nginx corpus: Debian\'s nginx -t agrees (needs nginx: apt-get install nginx-light)', () => {
  it('nginx is installed', () => {
    expect(NGINX, 'nginx is required (AUDIT_DEPLOY_NGINX_REQUIRED or CI is set): apt-get install nginx-light').toBeDefined();
  });

  it('accepts every valid file, rejects every invalid one with the annotated message and line', async () => {
    if (!NGINX) return;
    const verdicts = await pool(FILES, 4, (f) => runNginx(f.path));
    const disagreements: string[] = [];
    FILES.forEach((f, i) => {
      const v = verdicts[i]!;
      const label = `${f.group}/${f.name}`;
      if (f.group === 'valid') {
        if (!v.ok) disagreements.push(`${label}: nginx rejects it: ${v.output.trim()}`);
      } else if (f.group === 'invalid') {
        const [, line, message] = header(f);
        if (v.ok) disagreements.push(`${label}: nginx accepts it`);
        else if (v.message !== message || v.line !== Number(line)) disagreements.push(`${label}: nginx says ${v.line} ${v.message}`);
      } else {
        const [, , verdict] = header(f);
        if (v.ok !== (verdict === 'accepts')) disagreements.push(`${label}: nginx ${v.ok ? 'accepts' : 'rejects'} it`);
      }
    });
    expect(disagreements).toEqual([]);
  }, 120_000);

  it('agrees on seeded mutations of the valid files', async () => {
    if (!NGINX) return;
    let seed = Number(process.env.AUDIT_DEPLOY_NGINX_SEED ?? 20261201);
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const specials = ';{}"\'#\\';
    const cases: Array<{ name: string; text: string; path: string }> = [];
    for (const f of FILES.filter((x) => x.group === 'valid' && x.text.length > 0)) {
      for (let k = 0; k < MUTATIONS_PER_FILE; k++) {
        let text: string;
        let what: string;
        const positions = [...f.text].map((c, i) => (specials.includes(c) ? i : -1)).filter((i) => i >= 0);
        const lines = f.text.split('\n');
        if (k % 3 === 2 && lines.length > 2) {
          const at = rand(lines.length);
          text = [...lines.slice(0, at), ...lines.slice(at + 1)].join('\n');
          what = `delete line ${at + 1}`;
        } else if (k % 3 === 0 && positions.length > 0) {
          const at = positions[rand(positions.length)]!;
          text = f.text.slice(0, at) + f.text.slice(at + 1);
          what = `delete ${JSON.stringify(f.text[at])} at ${at}`;
        } else {
          const at = rand(f.text.length + 1);
          const c = specials[rand(specials.length)]!;
          text = f.text.slice(0, at) + c + f.text.slice(at);
          what = `insert ${JSON.stringify(c)} at ${at}`;
        }
        const path = join(work, `mut-${cases.length}.conf`);
        writeFileSync(path, text);
        cases.push({ name: `${f.name} (${what})`, text, path });
      }
    }
    const verdicts = await pool(cases, 4, (c) => runNginx(c.path));
    const disagreements: string[] = [];
    let syntaxCases = 0;
    let accepted = 0;
    cases.forEach((c, i) => {
      const v = verdicts[i]!;
      const mine = firstSyntax(c.text);
      if (v.ok) {
        accepted++;
        if (mine) disagreements.push(`${c.name}: nginx accepts, we report ${mine.line} ${mine.message}`);
        return;
      }
      if (mine && !v.message) disagreements.push(`${c.name}: nginx rejects without a message about the file: ${v.output.trim()}`);
      // An unknown directive is compared only where we report one at or before nginx's line: a later
      // one of ours means nginx stopped at a name it does not know and we cannot judge.
      const unknownBoth = v.message?.startsWith('unknown directive') && mine?.message.startsWith('unknown directive') && mine.line <= v.line!;
      const comparable = v.message && (SYNTAX_MESSAGE.test(v.message) || unknownBoth);
      if (comparable) {
        syntaxCases++;
        // For two unknown directives on the same line the names may differ (nginx stopped at a name
        // it does not know but that looks valid to us, e.g. a typo); the line must agree.
        const sameMessage = unknownBoth && !SYNTAX_MESSAGE.test(v.message!) ? true : asNginxPrints(mine?.message ?? '') === v.message;
        if (!mine || !sameMessage || mine.line !== v.line) {
          disagreements.push(`${c.name}: nginx says ${v.line} ${v.message}, we say ${mine ? `${mine.line} ${mine.message}` : 'nothing'}`);
        }
      }
    });
    console.info(`nginx -t differential: ${cases.length} mutations, ${syntaxCases} syntax errors compared, ${accepted} accepted by both`);
    expect(disagreements).toEqual([]);
    // Guard against a vacuous pass: most mutations must be syntax errors both sides see, and some must be accepted.
    expect(syntaxCases).toBeGreaterThan(cases.length / 3);
    expect(accepted).toBeGreaterThan(0);
  }, 300_000);
});

