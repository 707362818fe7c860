import { createRequire } from 'node:module';
import type * as Babel from '@babel/parser';

// Loaded on first use: most repositories have no pm2 file, and the parser is most of the CLI's size.
let babel: typeof Babel | undefined;
function babelParser(): typeof Babel {
  babel ??= createRequire(import.meta.url)('@babel/parser') as typeof Babel;
  return babel;
}
import type { Node, ObjectExpression, Expression } from '@babel/types';

/**
 * pm2 ecosystem files read with @babel/parser and never executed: the `apps` array of
 * `module.exports = {...}`, `export default {...}`, `module.exports = { apps: [...] }` through a
 * variable (`const config = {...}; module.exports = config`), or JSON. Only literals are taken;
 * anything computed is kept as unknown with its source text.
 */

export type JsLiteral = string | number | boolean | null | string[] | { unknown: string };

export interface JsProp {
  key: string;
  value: JsLiteral;
  /** The value node, when it is an object: its properties. */
  object?: JsProp[];
  /** Array of objects (apps). */
  objects?: Array<{ props: JsProp[]; start: number; end: number }>;
  start: number;
  end: number;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

export interface ParsedPm2 {
  apps: Array<{ props: JsProp[]; start: number; end: number }>;
  problems: Array<{ message: string; start: number; end: number }>;
}

export function parsePm2(text: string, json: boolean): ParsedPm2 {
  const problems: ParsedPm2['problems'] = [];
  let root: ObjectExpression | undefined;
  try {
    if (json) {
      const e = babelParser().parseExpression(text, { errorRecovery: false });
      if (e.type === 'ObjectExpression') root = e;
    } else {
      const ast = babelParser().parse(text, { sourceType: 'unambiguous', errorRecovery: true, plugins: ['typescript'], allowReturnOutsideFunction: true });
      for (const err of (ast.errors ?? []) as Array<{ reasonCode?: string; message?: string; pos?: number }>) {
        problems.push({ message: String(err.message ?? err.reasonCode), start: err.pos ?? 0, end: (err.pos ?? 0) + 1 });
      }
      root = exportedObject(ast.program.body as Node[]);
    }
  } catch (e) {
    const err = e as { message?: string; pos?: number };
    const pos = typeof err.pos === 'number' ? err.pos : 0;
    problems.push({ message: `cannot be parsed: ${String(err.message ?? e).replace(/\s*\(\d+:\d+\)$/, '')}`, start: pos, end: pos + 1 });
    return { apps: [], problems };
  }
  if (!root) return { apps: [], problems };
  const props = readObject(root, text);
  const apps = props.find((p) => p.key === 'apps');
  if (apps?.objects) return { apps: apps.objects, problems };
  if (apps?.object) return { apps: [{ props: apps.object, start: apps.valueStart, end: apps.valueEnd }], problems };
  return { apps: [], problems };
}

function exportedObject(body: Node[]): ObjectExpression | undefined {
  const vars = new Map<string, Expression>();
  const resolve = (e: Expression | null | undefined): ObjectExpression | undefined => {
    if (!e) return undefined;
    if (e.type === 'ObjectExpression') return e;
    if (e.type === 'Identifier') return resolve(vars.get(e.name));
    if (e.type === 'TSAsExpression' || e.type === 'TSSatisfiesExpression') return resolve(e.expression);
    if (e.type === 'CallExpression' && e.arguments.length === 1 && e.arguments[0]!.type === 'ObjectExpression') return e.arguments[0]; // defineConfig({...})
    return undefined;
  };
  let found: ObjectExpression | undefined;
  for (const s of body) {
    if (s.type === 'VariableDeclaration') {
      for (const d of s.declarations) if (d.id.type === 'Identifier' && d.init) vars.set(d.id.name, d.init);
    } else if (s.type === 'ExpressionStatement' && s.expression.type === 'AssignmentExpression') {
      const l = s.expression.left;
      const isExports =
        l.type === 'MemberExpression' &&
        ((l.object.type === 'Identifier' && l.object.name === 'module' && l.property.type === 'Identifier' && l.property.name === 'exports') ||
          (l.object.type === 'Identifier' && l.object.name === 'exports'));
      if (isExports) found = resolve(s.expression.right) ?? found;
    } else if (s.type === 'ExportDefaultDeclaration') {
      found = resolve(s.declaration as Expression) ?? found;
    }
  }
  return found;
}

function keyOf(k: Node): string | undefined {
  if (k.type === 'Identifier') return k.name;
  if (k.type === 'StringLiteral') return k.value;
  if (k.type === 'NumericLiteral') return String(k.value);
  return undefined;
}

function literal(e: Node, text: string): JsLiteral {
  switch (e.type) {
    case 'StringLiteral':
      return e.value;
    case 'NumericLiteral':
      return e.value;
    case 'BooleanLiteral':
      return e.value;
    case 'NullLiteral':
      return null;
    case 'TemplateLiteral':
      if (e.expressions.length === 0) return e.quasis.map((q) => q.value.cooked ?? q.value.raw).join('');
      break;
    case 'ArrayExpression': {
      const items = e.elements.map((x) => (x && x.type === 'StringLiteral' ? x.value : undefined));
      if (items.every((x): x is string => x !== undefined)) return items;
      break;
    }
    case 'UnaryExpression':
      if (e.operator === '-' && e.argument.type === 'NumericLiteral') return -e.argument.value;
      if (e.operator === '!' && e.argument.type === 'NumericLiteral') return !e.argument.value;
      break;
    case 'TSAsExpression':
      return literal(e.expression, text);
  }
  return { unknown: text.slice(e.start ?? 0, e.end ?? 0).slice(0, 200) };
}

function readObject(o: ObjectExpression, text: string): JsProp[] {
  const out: JsProp[] = [];
  for (const p of o.properties) {
    if (p.type !== 'ObjectProperty') continue;
    const key = p.computed ? undefined : keyOf(p.key);
    if (key === undefined) continue;
    const v = p.value as Node;
    const prop: JsProp = {
      key,
      value: literal(v, text),
      start: p.start ?? 0,
      end: p.end ?? 0,
      keyStart: p.key.start ?? 0,
      valueStart: v.start ?? 0,
      valueEnd: v.end ?? 0,
    };
    if (v.type === 'ObjectExpression') prop.object = readObject(v, text);
    if (v.type === 'ArrayExpression') {
      prop.objects = v.elements.filter((x): x is ObjectExpression => !!x && x.type === 'ObjectExpression').map((x) => ({ props: readObject(x, text), start: x.start ?? 0, end: x.end ?? 0 }));
    }
    out.push(prop);
  }
  return out;
}
