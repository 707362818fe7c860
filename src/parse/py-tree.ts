import type Parser from 'tree-sitter';

/** The part of tree-sitter's SyntaxNode API the Python readers use (offsets in UTF-16 code units). */
export interface PyNode {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly isError: boolean;
  readonly hasError: boolean;
  readonly parent: PyNode | null;
  readonly children: PyNode[];
  readonly namedChildren: PyNode[];
  readonly childCount: number;
  readonly namedChildCount: number;
  readonly firstNamedChild: PyNode | null;
  readonly lastNamedChild: PyNode | null;
  child(index: number): PyNode | null;
  namedChild(index: number): PyNode | null;
  childForFieldName(name: string): PyNode | null;
  childrenForFieldName(name: string): PyNode[];
  descendantsOfType(type: string): PyNode[];
  descendantForIndex(start: number, end?: number): PyNode;
  toString(): string;
}

const NO_CHILDREN: CopiedNode[] = Object.freeze([]) as unknown as CopiedNode[];
const NO_FIELDS: (string | null)[] = Object.freeze([]) as unknown as (string | null)[];

/**
 * A Python syntax tree copied out of tree-sitter into plain objects, once per file.
 *
 * Why: every property read on a node-tree-sitter SyntaxNode (`type` of anonymous nodes, `text`,
 * `startIndex`, `namedChildren`, `childForFieldName` ...) crosses into native code and, for child
 * lists, allocates fresh wrapper objects. The settings interpreter, the URLconf reader and the model
 * readers visit the same nodes many times (a settings module is evaluated once per environment and
 * per service), so on a monorepo those crossings cost more than parsing itself. One cursor walk
 * copies what they use; every later read is a plain property.
 *
 * The class offers the part of tree-sitter's SyntaxNode API the code base uses, with the same
 * meaning (offsets in UTF-16 code units, as node-tree-sitter reports them), so readers did not have
 * to change. test/py-tree.test.ts checks it node for node against tree-sitter's own.
 */
export class CopiedNode implements PyNode {
  parent: CopiedNode | null = null;
  /** Shared and frozen while the node has no child (most nodes are leaves); set by the builder. */
  children: CopiedNode[] = NO_CHILDREN;
  /** The field name of each child (null when the child is in no field), parallel to `children`. */
  childFields: (string | null)[] = NO_FIELDS;
  private namedCache: CopiedNode[] | undefined;
  /** Whether this node or anything below it holds a syntax error (tree-sitter's hasError; set by the builder). */
  hasError = false;

  constructor(
    readonly type: string,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    private readonly source: string,
  ) {}

  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }

  get namedChildren(): CopiedNode[] {
    return (this.namedCache ??= this.children.filter((c) => c.isNamed));
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get firstNamedChild(): PyNode | null {
    return this.namedChildren[0] ?? null;
  }

  get lastNamedChild(): PyNode | null {
    return this.namedChildren.at(-1) ?? null;
  }

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  child(index: number): PyNode | null {
    return this.children[index] ?? null;
  }

  namedChild(index: number): PyNode | null {
    return this.namedChildren[index] ?? null;
  }

  childForFieldName(name: string): CopiedNode | null {
    // tree-sitter answers no field of an ERROR node here (childrenForFieldName still does).
    if (this.type === 'ERROR') return null;
    const i = this.childFields.indexOf(name);
    return i < 0 ? null : this.children[i]!;
  }

  childrenForFieldName(name: string): PyNode[] {
    const out: PyNode[] = [];
    for (let i = 0; i < this.children.length; i++) if (this.childFields[i] === name) out.push(this.children[i]!);
    return out;
  }

  /** Descendants (this node included) of the given type, in document order. */
  descendantsOfType(type: string): CopiedNode[] {
    const out: CopiedNode[] = [];
    const stack: CopiedNode[] = [this];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.type === type) out.push(node);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
    return out;
  }

  /** The smallest node (named or not) that spans [start, end], as tree-sitter's descendantForIndex. */
  descendantForIndex(start: number, end: number = start): CopiedNode {
    let node: CopiedNode = this;
    for (;;) {
      // tree-sitter's rule: the child must reach the end of the range, pass its start, and begin at or before it.
      const inner = node.children.find((c) => c.startIndex <= start && c.endIndex >= end && c.endIndex > start);
      if (!inner) return node;
      node = inner;
    }
  }

  toString(): string {
    const named = this.children.map((c, i) => ({ c, f: this.childFields[i] })).filter((x) => x.c.isNamed || x.c.isMissing);
    if (named.length === 0) return this.isMissing ? `(MISSING ${this.type})` : `(${this.type})`;
    return `(${this.type} ${named.map((x) => (x.f ? `${x.f}: ` : '') + x.c.toString()).join(' ')})`;
  }
}

/** Node type names, named-ness and field names of tree-sitter-python, by id (one grammar: ids are stable). */
const TYPE_NAMES = new Map<number, { name: string; named: boolean }>();
const FIELD_NAMES = new Map<number, string | null>();

/**
 * A syntax tree as numbers: what a parse worker hands the main thread (a transferable buffer and two
 * short string lists instead of tens of thousands of objects), and the step between tree-sitter and
 * the copied tree on the main thread too, so that both paths are one.
 *
 * `nodes` holds NODE_WIDTH numbers per node in document order (a node before its children):
 * its type (an index into `types`), start and end offsets (UTF-16), flags (NAMED, MISSING,
 * HAS_ERROR), its field in its parent (an index into `fields` plus one; 0 when in no field) and how
 * many children it has.
 */
export interface FlatTree {
  nodes: Int32Array;
  types: string[];
  fields: string[];
}

export const NODE_WIDTH = 6;
const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;

/**
 * Copies a tree-sitter tree into PyNodes (one cursor walk, then plain objects): see flatten and
 * unflatten. Throws TreeTooDeep when the tree is deeper than `maxDepth`.
 */
export function materialize(tree: Parser.Tree, source: string, maxDepth: number = Infinity): CopiedNode {
  return unflatten(flatten(tree, maxDepth), source);
}

/**
 * The tree's nodes as numbers, by one cursor walk (no recursion: deep trees are fine). hasError is
 * tree-sitter's own (an error cost anywhere below, hidden nodes included): asked of each node only
 * in the rare broken file, false everywhere when the root has none.
 */
export function flatten(tree: Parser.Tree, maxDepth: number = Infinity): FlatTree {
  const cursor = tree.walk();
  const broken = tree.rootNode.hasError;
  // Every property read crosses into C++ (each costs about as much as copying a node): a node's type
  // name and named-ness depend only on its type id, and a field's name on its field id, so each is
  // asked once per id; only a tree with errors can hold MISSING nodes; and a child's field is asked
  // only where the parent's type has fields at all, except in a tree with errors (its ERROR nodes
  // hold children of any production). A node's range cannot be derived from its children's: hidden
  // tokens such as Python's newlines and dedents, and the end of the file for the module, count in
  // the parent's range but are no child.
  const fieldless = broken ? undefined : fieldlessTypes(tree);
  const types: string[] = [];
  const typeIndex = new Map<string, number>();
  const fields: string[] = [];
  const fieldIndex = new Map<string, number>();
  let nodes = new Int32Array(NODE_WIDTH * 256);
  let count = 0;
  // Per open node (the path from the root): its row, its type name.
  const rows: number[] = [];
  const pathTypes: string[] = [];

  const add = (parentType: string | undefined): void => {
    const id = cursor.nodeTypeId;
    let type = TYPE_NAMES.get(id);
    if (type === undefined) {
      type = { name: cursor.nodeType, named: cursor.nodeIsNamed };
      TYPE_NAMES.set(id, type);
    }
    let t = typeIndex.get(type.name);
    if (t === undefined) typeIndex.set(type.name, (t = types.push(type.name) - 1));
    let field = 0;
    if (parentType !== undefined && !fieldless?.has(parentType)) {
      const fid = cursor.currentFieldId;
      if (fid) {
        let name = FIELD_NAMES.get(fid);
        if (name === undefined) {
          name = cursor.currentFieldName || null;
          FIELD_NAMES.set(fid, name);
        }
        if (name) {
          let f = fieldIndex.get(name);
          if (f === undefined) fieldIndex.set(name, (f = fields.push(name) - 1));
          field = f + 1;
        }
      }
    }
    if ((count + 1) * NODE_WIDTH > nodes.length) {
      const grown = new Int32Array(nodes.length * 2);
      grown.set(nodes);
      nodes = grown;
    }
    const at = count * NODE_WIDTH;
    nodes[at] = t;
    nodes[at + 1] = cursor.startIndex;
    nodes[at + 2] = cursor.endIndex;
    let flags = type.named ? NAMED : 0;
    if (broken) {
      if (cursor.nodeIsMissing) flags |= MISSING;
      if (cursor.currentNode.hasError) flags |= HAS_ERROR;
    }
    nodes[at + 3] = flags;
    nodes[at + 4] = field;
    nodes[at + 5] = 0;
    if (parentType !== undefined) {
      const parentCount = rows[rows.length - 1]! * NODE_WIDTH + 5;
      nodes[parentCount] = nodes[parentCount]! + 1;
    }
    rows.push(count);
    pathTypes.push(type.name);
    count++;
  };

  add(undefined);
  // Depth-first: down to the first child when there is one, else to the next sibling, else up.
  for (;;) {
    if (cursor.gotoFirstChild()) {
      if (rows.length >= maxDepth) throw new TreeTooDeep(cursor.startIndex, pythonDepth([...pathTypes, cursor.nodeType]));
      add(pathTypes[pathTypes.length - 1]);
      continue;
    }
    let done = false;
    for (;;) {
      if (rows.length === 1) {
        done = true;
        break;
      }
      rows.pop();
      pathTypes.pop();
      if (cursor.gotoNextSibling()) {
        add(pathTypes[pathTypes.length - 1]);
        break;
      }
      cursor.gotoParent();
    }
    if (done) break;
  }
  return { nodes: nodes.slice(0, count * NODE_WIDTH), types, fields };
}

/** The copied tree of a flattened one; node text is sliced from `source`. */
export function unflatten(flat: FlatTree, source: string): CopiedNode {
  const { nodes, types, fields } = flat;
  const count = nodes.length / NODE_WIDTH;
  const make = (row: number): CopiedNode => {
    const at = row * NODE_WIDTH;
    const flags = nodes[at + 3]!;
    const node = new CopiedNode(types[nodes[at]!]!, nodes[at + 1]!, nodes[at + 2]!, (flags & NAMED) !== 0, (flags & MISSING) !== 0, source);
    if (flags & HAS_ERROR) node.hasError = true;
    // Sized once: arrays grown by push keep room for 16 more elements, which made the child lists
    // most of a copied tree's memory (and of the garbage collector's copying).
    const children = nodes[at + 5]!;
    if (children > 0) {
      node.children = new Array<CopiedNode>(children);
      node.childFields = new Array<string | null>(children);
    }
    return node;
  };
  const root = make(0);
  // The open nodes and how many children each still expects.
  const open: CopiedNode[] = [root];
  const expected: number[] = [nodes[5]!];
  for (let row = 1; row < count; row++) {
    while (expected[expected.length - 1] === 0) {
      open.pop();
      expected.pop();
    }
    const parent = open[open.length - 1]!;
    const left = expected[expected.length - 1]! - 1;
    expected[expected.length - 1] = left;
    const child = make(row);
    const field = nodes[row * NODE_WIDTH + 4]!;
    const index = parent.children.length - 1 - left;
    child.parent = parent;
    parent.children[index] = child;
    parent.childFields[index] = field === 0 ? null : fields[field - 1]!;
    const children = nodes[row * NODE_WIDTH + 5]!;
    if (children > 0) {
      open.push(child);
      expected.push(children);
    }
  }
  return root;
}

/**
 * The node types of the tree's grammar whose children are never in a field (module, block-less
 * statements, argument lists, strings ...), from the grammar's node-types table; undefined when the
 * language does not ship that table.
 */
function fieldlessTypes(tree: Parser.Tree): ReadonlySet<string> | undefined {
  const language = (tree as unknown as { language?: object }).language;
  if (!language) return undefined;
  let set = FIELDLESS.get(language);
  if (set === undefined) {
    const info = (language as { nodeTypeInfo?: Array<{ type: string; named: boolean; fields?: Record<string, unknown> }> }).nodeTypeInfo;
    set = Array.isArray(info) ? new Set(info.filter((t) => t.named && Object.keys(t.fields ?? {}).length === 0).map((t) => t.type)) : null;
    FIELDLESS.set(language, set);
  }
  return set ?? undefined;
}
const FIELDLESS = new WeakMap<object, Set<string> | null>();

/**
 * A tree deeper than asked for: `offset` is where the first node beyond the limit starts, and
 * `pythonDepth` how deep that node is in CPython's own tree (see pythonDepth).
 */
export class TreeTooDeep extends Error {
  constructor(
    readonly offset: number,
    readonly pythonDepth: number,
  ) {
    super('syntax tree too deep');
  }
}

/**
 * The first node deeper than `maxDepth` (the root is depth 1), by a cursor walk without copying:
 * where it starts and its pythonDepth; undefined when the tree is not that deep.
 */
export function nodeBeyondDepth(tree: Parser.Tree, maxDepth: number): { offset: number; pythonDepth: number } | undefined {
  const cursor = tree.walk();
  const types = [cursor.nodeType];
  for (;;) {
    if (cursor.gotoFirstChild()) {
      types.push(cursor.nodeType);
      if (types.length > maxDepth) return { offset: cursor.startIndex, pythonDepth: pythonDepth(types) };
      continue;
    }
    for (;;) {
      if (types.length === 1) return undefined;
      if (cursor.gotoNextSibling()) {
        types[types.length - 1] = cursor.nodeType;
        break;
      }
      cursor.gotoParent();
      types.pop();
    }
  }
}

/**
 * How deep the last of these nested nodes sits in CPython's syntax tree: tree-sitter nests a chain of
 * `and`/`or` (`a and b and c`) one level per operator, CPython keeps it as one node.
 */
function pythonDepth(types: readonly string[]): number {
  let depth = 0;
  for (let i = 0; i < types.length; i++) if (!(types[i] === 'boolean_operator' && types[i - 1] === 'boolean_operator')) depth++;
  return depth;
}

/**
 * tree-sitter's own nodes behind the same interface, wrapped as they are reached: for files too big
 * to copy (a copy costs a few hundred bytes of heap per node, hundreds of megabytes for a generated
 * multi-megabyte module), where tree-sitter's compact native tree is the better trade. Node text is
 * sliced from `source` when given (as in the copied tree), else asked of tree-sitter.
 */
export function wrapNative(node: Parser.SyntaxNode, source?: string): PyNode {
  return NativeNode.rooted(node, source);
}

class NativeNode implements PyNode {
  // One wrapper per node of a tree (by tree-sitter's node id: the binding may hand out several JS
  // objects for one node), so that identity holds as in the copied tree (child.parent === node).
  private static readonly wrappers = new WeakMap<Parser.Tree, Map<number, NativeNode>>();
  // The text each tree was parsed from, when given (the parser may have seen a blanked copy).
  private static readonly sources = new WeakMap<Parser.Tree, string>();
  static rooted(node: Parser.SyntaxNode, source: string | undefined): NativeNode {
    if (source !== undefined && !NativeNode.wrappers.has(node.tree)) NativeNode.sources.set(node.tree, source);
    return NativeNode.of(node);
  }
  static of(node: Parser.SyntaxNode): NativeNode {
    let byId = NativeNode.wrappers.get(node.tree);
    if (!byId) {
      byId = new Map();
      NativeNode.wrappers.set(node.tree, byId);
    }
    let w = byId.get(node.id);
    if (!w) {
      w = new NativeNode(node, NativeNode.sources.get(node.tree));
      byId.set(node.id, w);
    }
    return w;
  }
  static maybe(node: Parser.SyntaxNode | null): NativeNode | null {
    return node ? NativeNode.of(node) : null;
  }

  private constructor(
    private readonly n: Parser.SyntaxNode,
    private readonly source: string | undefined,
  ) {}
  get type(): string {
    return this.n.type;
  }
  get text(): string {
    return this.source === undefined ? this.n.text : this.source.slice(this.n.startIndex, this.n.endIndex);
  }
  get startIndex(): number {
    return this.n.startIndex;
  }
  get endIndex(): number {
    return this.n.endIndex;
  }
  get isNamed(): boolean {
    return this.n.isNamed;
  }
  get isMissing(): boolean {
    return this.n.isMissing;
  }
  get isError(): boolean {
    return this.n.type === 'ERROR';
  }
  get hasError(): boolean {
    return this.n.hasError;
  }
  get parent(): PyNode | null {
    return NativeNode.maybe(this.n.parent);
  }
  get children(): PyNode[] {
    return this.n.children.map(NativeNode.of);
  }
  get namedChildren(): PyNode[] {
    return this.n.namedChildren.map(NativeNode.of);
  }
  get childCount(): number {
    return this.n.childCount;
  }
  get namedChildCount(): number {
    return this.n.namedChildCount;
  }
  get firstNamedChild(): PyNode | null {
    return NativeNode.maybe(this.n.firstNamedChild);
  }
  get lastNamedChild(): PyNode | null {
    return NativeNode.maybe(this.n.lastNamedChild);
  }
  child(index: number): PyNode | null {
    return NativeNode.maybe(this.n.child(index));
  }
  namedChild(index: number): PyNode | null {
    return NativeNode.maybe(this.n.namedChild(index));
  }
  childForFieldName(name: string): PyNode | null {
    return NativeNode.maybe(this.n.childForFieldName(name));
  }
  childrenForFieldName(name: string): PyNode[] {
    return this.n.childrenForFieldName(name).map(NativeNode.of);
  }
  descendantsOfType(type: string): PyNode[] {
    return this.n.descendantsOfType(type).map(NativeNode.of);
  }
  descendantForIndex(start: number, end: number = start): PyNode {
    return NativeNode.of(this.n.descendantForIndex(start, end));
  }
  toString(): string {
    return this.n.toString();
  }
}
