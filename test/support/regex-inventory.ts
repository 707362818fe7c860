import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from '@babel/parser';

/**
 * Every regular expression in the product's sources (src/ and rules/), found by parsing each
 * TypeScript file with @babel/parser (never by running it): regex literals, and `new RegExp(...)` /
 * `RegExp(...)` calls. A call whose pattern is a plain string (or a template without substitutions)
 * is a literal too; any other call builds its pattern at run time and is listed as dynamic, with the
 * source text of the call, for the test to account for.
 */
export interface RegexLiteral {
  file: string;
  line: number;
  pattern: string;
  flags: string;
}

export interface DynamicRegex {
  file: string;
  line: number;
  /** The call's source text, whitespace collapsed. */
  code: string;
}

interface BabelNode {
  type: string;
  start?: number | null;
  end?: number | null;
  loc?: { start: { line: number } } | null;
  [key: string]: unknown;
}

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) tsFiles(full, out);
    else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function staticString(node: BabelNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'StringLiteral') return node.value as string;
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) {
    return ((node.quasis as Array<{ value: { cooked: string } }>)[0]!.value.cooked);
  }
  return undefined;
}

export function regexInventory(repoRoot: string, dirs = ['src', 'rules']): { literals: RegexLiteral[]; dynamic: DynamicRegex[]; files: number } {
  const literals: RegexLiteral[] = [];
  const dynamic: DynamicRegex[] = [];
  const files = dirs.flatMap((d) => tsFiles(join(repoRoot, d))).sort();
  for (const abs of files) {
    const file = relative(repoRoot, abs).split('\\').join('/');
    const src = readFileSync(abs, 'utf8');
    const ast = parse(src, { sourceType: 'module', plugins: ['typescript'] });
    const visit = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(visit);
      if (!n || typeof n !== 'object' || typeof (n as BabelNode).type !== 'string') return;
      const node = n as BabelNode;
      const line = node.loc?.start.line ?? 0;
      if (node.type === 'RegExpLiteral') literals.push({ file, line, pattern: node.pattern as string, flags: node.flags as string });
      if ((node.type === 'NewExpression' || node.type === 'CallExpression') && (node.callee as BabelNode).type === 'Identifier' && (node.callee as BabelNode).name === 'RegExp') {
        const args = node.arguments as BabelNode[];
        const pattern = staticString(args[0]);
        const flags = args.length < 2 ? '' : staticString(args[1]);
        if (pattern !== undefined && flags !== undefined) literals.push({ file, line, pattern, flags });
        else dynamic.push({ file, line, code: src.slice(node.start ?? 0, node.end ?? 0).replace(/\s+/g, ' ') });
      }
      for (const [k, v] of Object.entries(node)) {
        if (k === 'loc' || k === 'start' || k === 'end' || k === 'extra') continue;
        if (v && typeof v === 'object') visit(v);
      }
    };
    visit(ast.program);
  }
  return { literals, dynamic, files: files.length };
}
