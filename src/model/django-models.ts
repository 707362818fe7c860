import type { Span } from '../core/position.js';
import { spanOf, type ParsedPython, type PyNode } from '../parse/python.js';

/** A model class declared in a project's own models module, read statically. */
export interface ModelClass {
  name: string;
  /** The class statement's name. */
  span: Span;
  /** No field in the class body passes primary_key=True, so Django adds an automatic `id`. */
  implicitPrimaryKey: boolean;
  abstract: boolean;
}

/**
 * The model classes of a models module: classes deriving from models.Model (or Model), or from an
 * abstract model declared earlier in the same file. Concrete parents (multi-table inheritance)
 * are left out: the child's key is the parent link, which Django does not warn about.
 */
export function extractModelClasses(parsed: ParsedPython): ModelClass[] {
  const out: ModelClass[] = [];
  const abstractBases = new Map<string, ModelClass>();
  for (const node of topLevelClasses(parsed.root)) {
    const name = node.childForFieldName('name')?.text;
    const body = node.childForFieldName('body');
    if (!name || !body) continue;
    const bases = (node.childForFieldName('superclasses')?.namedChildren ?? []).filter((b) => b.type !== 'keyword_argument').map((b) => b.text);
    const fromModel = bases.some((b) => b === 'models.Model' || b === 'Model');
    const inherited = bases.map((b) => abstractBases.get(b)).filter((b): b is ModelClass => b !== undefined);
    if (!fromModel && inherited.length === 0) continue;
    const model: ModelClass = {
      name,
      span: spanOf(parsed, node.childForFieldName('name')!),
      implicitPrimaryKey: !declaresPrimaryKey(body) && inherited.every((b) => b.implicitPrimaryKey),
      abstract: isAbstract(body),
    };
    if (model.abstract) abstractBases.set(name, model);
    out.push(model);
  }
  return out;
}

/** True when an AppConfig subclass in an apps module sets default_auto_field. */
export function setsDefaultAutoField(parsed: ParsedPython): boolean {
  return topLevelClasses(parsed.root).some((cls) => {
    const body = cls.childForFieldName('body');
    return body ? assignmentsIn(body).some((a) => a.childForFieldName('left')?.text === 'default_auto_field') : false;
  });
}

function topLevelClasses(root: PyNode): PyNode[] {
  const out: PyNode[] = [];
  for (const child of root.namedChildren) {
    if (child.type === 'class_definition') out.push(child);
    else if (child.type === 'decorated_definition') {
      const def = child.childForFieldName('definition');
      if (def?.type === 'class_definition') out.push(def);
    }
  }
  return out;
}

function assignmentsIn(body: PyNode): PyNode[] {
  return body.namedChildren
    .filter((s) => s.type === 'expression_statement')
    .flatMap((s) => s.namedChildren.filter((c) => c.type === 'assignment'));
}

function declaresPrimaryKey(body: PyNode): boolean {
  return assignmentsIn(body).some((a) => {
    const right = a.childForFieldName('right');
    if (right?.type !== 'call') return false;
    const args = right.childForFieldName('arguments')?.namedChildren ?? [];
    return args.some(
      (arg) => arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === 'primary_key' && arg.childForFieldName('value')?.text === 'True',
    );
  });
}

function isAbstract(body: PyNode): boolean {
  const meta = body.namedChildren.find((c) => c.type === 'class_definition' && c.childForFieldName('name')?.text === 'Meta');
  const metaBody = meta?.childForFieldName('body');
  if (!metaBody) return false;
  return assignmentsIn(metaBody).some((a) => a.childForFieldName('left')?.text === 'abstract' && a.childForFieldName('right')?.text === 'True');
}
