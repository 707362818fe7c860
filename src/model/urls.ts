import { spanOf, type ParsedPython, type PyNode } from '../parse/python.js';
import type { UrlRoute } from './types.js';

const ROUTE_FUNCTIONS = new Set(['path', 're_path', 'url']);

/**
 * Routes declared in a urls module, read statically: the first string argument of path(),
 * re_path() and url() calls, and include('x.urls') targets (as "include:x.urls"), so rules can
 * ask "is there a health-check URL" without importing the project.
 */
export function extractUrlRoutes(parsed: ParsedPython): UrlRoute[] {
  const routes: UrlRoute[] = [];
  const visit = (node: PyNode): void => {
    if (node.type === 'call') {
      const fn = node.childForFieldName('function');
      const name = fn ? calleeName(fn) : undefined;
      const args = node.childForFieldName('arguments');
      const first = args?.namedChildren.find((c) => c.type !== 'comment');
      if (name && ROUTE_FUNCTIONS.has(name) && first) {
        const route = stringLiteral(first);
        if (route !== undefined) routes.push({ route, span: spanOf(parsed, node) });
      } else if (name === 'include' && first) {
        const target = stringLiteral(first);
        if (target !== undefined) routes.push({ route: `include:${target}`, span: spanOf(parsed, node) });
      }
    }
    for (const child of node.namedChildren) visit(child);
  };
  visit(parsed.root);
  return routes;
}

function calleeName(fn: PyNode): string | undefined {
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/** The value of a plain (non f-) string literal or implicit concatenation of them. */
function stringLiteral(node: PyNode): string | undefined {
  if (node.type === 'concatenated_string') {
    const parts = node.namedChildren.map(stringLiteral);
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  if (node.type !== 'string') return undefined;
  if (node.namedChildren.some((c) => c.type === 'interpolation')) return undefined;
  return node.namedChildren
    .filter((c) => c.type === 'string_content' || c.type === 'escape_sequence')
    .map((c) => c.text)
    .join('');
}
