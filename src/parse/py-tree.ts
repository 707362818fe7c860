import type Parser from 'tree-sitter';

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
export class PyNode {
  parent: PyNode | null = null;
  readonly children: PyNode[] = [];
  /** The field name of each child (null when the child is in no field), parallel to `children`. */
  readonly childFields: (string | null)[] = [];
  private namedCache: PyNode[] | undefined;
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

  get namedChildren(): PyNode[] {
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

  childForFieldName(name: string): PyNode | null {
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
  descendantsOfType(type: string): PyNode[] {
    const out: PyNode[] = [];
    const stack: PyNode[] = [this];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.type === type) out.push(node);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
    return out;
  }

  /** The smallest node (named or not) that spans [start, end], as tree-sitter's descendantForIndex. */
  descendantForIndex(start: number, end: number = start): PyNode {
    let node: PyNode = this;
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

/**
 * Copies a tree-sitter tree into PyNodes with one cursor walk (no recursion: deep trees are fine).
 * hasError is tree-sitter's own (an error cost anywhere below, hidden nodes included): asked of each
 * node only in the rare broken file, false everywhere when the root has none.
 */
export function materialize(tree: Parser.Tree, source: string): PyNode {
  const cursor = tree.walk();
  const broken = tree.rootNode.hasError;
  const make = (): PyNode => {
    const node = new PyNode(cursor.nodeType, cursor.startIndex, cursor.endIndex, cursor.nodeIsNamed, cursor.nodeIsMissing, source);
    if (broken) node.hasError = cursor.currentNode.hasError;
    return node;
  };
  const root = make();
  const path: PyNode[] = [root];
  let node = root;
  // Depth-first: down to the first child when there is one, else to the next sibling, else up.
  for (;;) {
    if (cursor.gotoFirstChild()) {
      const child = make();
      attach(node, child, cursor.currentFieldName);
      path.push(child);
      node = child;
      continue;
    }
    for (;;) {
      if (path.length === 1) return root;
      if (cursor.gotoNextSibling()) {
        path.pop();
        const parent = path[path.length - 1]!;
        const sibling = make();
        attach(parent, sibling, cursor.currentFieldName);
        path.push(sibling);
        node = sibling;
        break;
      }
      cursor.gotoParent();
      path.pop();
      node = path[path.length - 1]!;
    }
  }
}

function attach(parent: PyNode, child: PyNode, field: string | undefined | null): void {
  child.parent = parent;
  parent.children.push(child);
  parent.childFields.push(field ? field : null);
}
