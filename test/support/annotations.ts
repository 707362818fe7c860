import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Fixture annotations (Semgrep-style), read from every text file of a fixture repo:
 *   `# expect: DJ018, DJ104`          the rules fire (status fail) on this line
 *   `# expect-unknown: DJ018`         the rule reports "could not determine" on this line
 *   `# expect-next-line: DJ018`       same as expect, for the next line (files where a trailing comment changes values)
 *   `# expect-unknown-next-line: X`   same as expect-unknown, for the next line
 *   `# silent: DJ018`                 the rule must NOT fire on this line (documents a silent case)
 *   `# audit-deploy-test: rules=DJ0,DJ1 silent=DJ104 args=--settings config.settings.prod`
 * `//` works in place of `#` for formats with C-style comments.
 */
export interface Expectation {
  file: string;
  line: number;
  ruleId: string;
  status: 'fail' | 'unknown';
}

export interface FixtureSpec {
  name: string;
  dir: string;
  expectations: Expectation[];
  silentLines: Array<{ file: string; line: number; ruleId: string }>;
  /** Rule ids that must not fire anywhere in the fixture. */
  silentRules: string[];
  /** Rule id prefixes compared; empty = all rules. */
  rulePrefixes: string[];
  args: string[];
}

const ANNOTATION = /(?:#|\/\/)\s*(expect|expect-unknown|expect-next-line|expect-unknown-next-line|silent):\s*([A-Z][A-Z0-9]*\d(?:\s*,\s*[A-Z][A-Z0-9]*\d)*)/g;
const DIRECTIVE = /(?:#|\/\/)\s*audit-deploy-test:\s*(.*)$/;

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir).sort()) {
    if (entry === 'node_modules' || entry === '.git') continue;
    const full = join(dir, entry);
    const st = statSync(full, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) walk(full, out);
    else if (st.isFile() && st.size < 1_000_000) out.push(full);
  }
  return out;
}

export function readFixture(dir: string, name: string): FixtureSpec {
  const spec: FixtureSpec = { name, dir, expectations: [], silentLines: [], silentRules: [], rulePrefixes: [], args: [] };
  for (const full of walk(dir)) {
    const buf = readFileSync(full);
    if (buf.includes(0)) continue;
    const file = relative(dir, full).split(sep).join('/');
    const lines = buf.toString('utf8').split(/\r?\n|\r/);
    lines.forEach((text, i) => {
      const line = i + 1;
      const directive = DIRECTIVE.exec(text);
      if (directive) parseDirective(directive[1]!, spec);
      for (const m of text.matchAll(ANNOTATION)) {
        const ids = m[2]!.split(',').map((s) => s.trim());
        const kind = m[1]!;
        const target = kind.endsWith('next-line') ? line + 1 : line;
        for (const ruleId of ids) {
          if (kind === 'silent') spec.silentLines.push({ file, line, ruleId });
          else spec.expectations.push({ file, line: target, ruleId, status: kind.startsWith('expect-unknown') ? 'unknown' : 'fail' });
        }
      }
    });
  }
  return spec;
}

function parseDirective(text: string, spec: FixtureSpec): void {
  const args = /args=(.*)$/.exec(text);
  const head = args ? text.slice(0, args.index) : text;
  if (args) spec.args.push(...args[1]!.trim().split(/\s+/).filter(Boolean));
  for (const m of head.matchAll(/(rules|silent)=([\w,]+)/g)) {
    const list = m[2]!.split(',').filter(Boolean);
    if (m[1] === 'rules') spec.rulePrefixes.push(...list);
    else spec.silentRules.push(...list);
  }
}

export function listFixtures(root: string): FixtureSpec[] {
  return readdirSync(root)
    .sort()
    .filter((n) => statSync(join(root, n)).isDirectory())
    .map((n) => readFixture(join(root, n), n));
}
