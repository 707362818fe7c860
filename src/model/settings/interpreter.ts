/**
 * An abstract interpreter for module-level Python (settings files): it runs statements over
 * known values, keeps what the repository cannot tell as `unknown`, and never executes anything.
 */
import type { Span } from '../../core/position.js';
import { spanOf, type PyNode } from '../../parse/python.js';
import type { EnvEntry, EnvLayer } from '../env/types.js';
import { isPlaceholderValue } from '../env/placeholder.js';
import type { LayeredEnv } from '../env/types.js';
import { decidingVariables, truthy, type EnvRead } from '../python-value.js';
import type { ParseProblem } from '../settings-types.js';
import type { UnseenModule } from './evaluate.js';
import { callMethod, getValueAttr, makeBuiltins } from './builtins.js';
import { formatValue, reprOf, strOf } from './format.js';
import { makeLibraryModules, type EnvLookupResult } from './env-libs.js';
import { decodeContent, parseFloatLiteral, parseIntLiteral, stringPrefix } from './literals.js';
import {
  binaryOp,
  compareOp,
  dictLookup,
  dictSet,
  iterate,
  normIndex,
  OpError,
  sliceOf,
  subscriptOp,
  unaryOp,
  type OpResult,
} from './ops.js';
import { ControlSignal, exceptionMatches, LimitReached, type PendingReturn } from './signals.js';
import {
  cloneVars,
  envOfAll,
  FALSE,
  firstUnknown,
  isUpperName,
  mergeValues,
  NONE,
  noteDictValueSpan,
  obj,
  refOf,
  Scope,
  str,
  TRUE,
  unknown,
  unknownFrom,
  valuesEqual,
  withOrigin,
  type Binding,
  type BindingMeta,
  type CallArgs,
  type CodeLoc,
  type Condition,
  type ObjVal,
  type Param,
  type Ref,
  type Val,
} from './values.js';
import { untrustedRegExp } from '../../core/untrusted-regex.js';

export interface ModuleSourceLike {
  module: string;
  file: string;
  parsed: CodeLoc['parsed'];
}

export interface InterpOptions {
  resolve(dottedName: string): ModuleSourceLike | undefined;
  /** Every module name the resolver knows, for include() globs; optional. */
  listModules?: () => string[];
  /** A module the deployment has whose content cannot be seen here, and why; optional. */
  unseen?: (dottedName: string) => UnseenModule | undefined;
  env: LayeredEnv;
  /** True when the environment is known to define nothing (variables are then unset, not unknown). */
  unsetMode: boolean;
  loadDotenv?: (repoRelPath: string, dialect: import('../env/types.js').DotenvDialect) => EnvLayer | undefined;
  deployRoot: string;
  maxSteps: number;
  maxDepth: number;
}

interface Frame {
  code: CodeLoc;
  scope: Scope;
  globals: Scope;
  globalNames: Set<string>;
  /** Returns taken under undecidable conditions, merged when the call ends. */
  pending?: PendingReturn[];
  /** The exception being handled, for a bare `raise`. */
  handling?: string;
}

/** A process-environment entry the settings code itself created (os.environ[...] =, read_env...). */
interface ProcessEnvEntry {
  raw: string | null;
  override: boolean;
  decidedBy: 'env-source' | 'default';
  source?: { span: Span; layer: string };
}

const MUTATING_METHODS = new Set([
  'append', 'extend', 'insert', 'remove', 'pop', 'clear', 'sort', 'reverse',
  'update', 'setdefault', 'popitem', 'add', 'discard', 'difference_update', 'intersection_update',
]);

const MAX_LOOP_ITEMS = 10000;

/**
 * `NAME =` or `NAME: annotation =` at the start of a line (a module's top-level assignments, read from its
 * text); the annotation stops at any line terminator `^` starts after, so each line is scanned once.
 */
const TOP_LEVEL_ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[^=\r\n\u2028\u2029]*)?=(?!=)/gm;

export class Interp {
  readonly problems: ParseProblem[] = [];
  readonly envReads: EnvRead[] = [];
  readonly files: string[] = [];
  private steps = 0;
  private depth = 0;
  private readonly modules = new Map<string, ObjVal>();
  private readonly libraries: { get(name: string): ObjVal | undefined };
  readonly builtins: Scope;
  private readonly processEnv = new Map<string, ProcessEnvEntry>();
  /** Modules evaluated whose tree was not read (src/parse/python.ts ParsedPython.unread), by the problem saying why. */
  readonly unreadModules: ParseProblem[] = [];
  /** Namespaces that star-imported a module we cannot see: unknown names there are not errors. */
  private readonly opaqueStars = new WeakMap<Scope, string[]>();
  private readonly included = new WeakMap<Scope, Set<string>>();
  frame!: Frame;

  /** How many `try` blocks that catch ImportError are running (see deployedUnseen). */
  private importGuards = 0;

  constructor(readonly opts: InterpOptions) {
    this.builtins = makeBuiltins(this);
    this.libraries = makeLibraryModules(this);
  }

  // -------------------------------------------------------------------------------------------
  // Bookkeeping

  span(node: PyNode): Span {
    return spanOf(this.frame.code.parsed, node);
  }

  get code(): CodeLoc {
    return this.frame.code;
  }

  problem(node: PyNode, message: string): void {
    const span = this.span(node);
    if (this.problems.some((p) => p.message === message && p.span.file === span.file && p.span.start.offset === span.start.offset)) return;
    this.problems.push({ file: span.file, span, message, kind: 'evaluation' });
  }

  /** An unknown value for an operation Python would reject, with the problem recorded. */
  fail(node: PyNode, message: string, inputs: Val[] = []): Val {
    this.problem(node, message);
    return unknownFrom(inputs, message);
  }

  /** Counts one evaluation step; past the budget, stops the evaluation at the node being evaluated. */
  step(node: PyNode): void {
    if (++this.steps > this.opts.maxSteps) throw new LimitReached(`evaluation step limit (${this.opts.maxSteps}) reached`, this.span(node));
  }

  // -------------------------------------------------------------------------------------------
  // Environment

  /** What the process environment holds for a name, as the settings would see it now. */
  lookupEnv(name: string, extra?: { layer: EnvLayer; dialect: import('../env/types.js').DotenvDialect }): EnvLookupResult | undefined {
    const own = this.processEnv.get(name);
    if (own?.override) return { raw: own.raw, decidedBy: own.decidedBy, source: own.source };
    const hit = this.opts.env.lookup(name);
    if (hit) return fromEntry(hit);
    if (own) return { raw: own.raw, decidedBy: own.decidedBy, source: own.source };
    if (extra) {
      const e = extra.layer.lookup(name, extra.dialect);
      if (e) return fromEntry(e);
    }
    return undefined;
  }

  /** os.environ[name] = value (override) or a setdefault-style load (read_env, load_dotenv). */
  setEnv(name: string, raw: string | null, mode: 'override' | 'setdefault', decidedBy: 'env-source' | 'default', source?: { span: Span; layer: string }): void {
    if (mode === 'setdefault' && this.lookupEnv(name)) return;
    this.processEnv.set(name, { raw, override: mode === 'override', decidedBy, source });
  }

  deleteEnv(name: string): void {
    this.processEnv.set(name, { raw: null, override: true, decidedBy: 'default' });
  }

  recordRead(read: EnvRead): EnvRead {
    this.envReads.push(read);
    return read;
  }

  // -------------------------------------------------------------------------------------------
  // Modules

  /** Runs a settings module as the entry point; returns its namespace. */
  runMain(src: ModuleSourceLike): Scope {
    const m = this.loadModule(src.module, src);
    const ref = refOf(m) as Extract<Ref, { tag: 'module' }>;
    return ref.ns;
  }

  /** The namespace of a module evaluated (or being evaluated) so far. */
  mainNamespace(name: string): Scope | undefined {
    const m = this.modules.get(name);
    const ref = m && refOf(m);
    return ref?.tag === 'module' ? ref.ns : undefined;
  }

  private isPackageFile(file: string): boolean {
    return /(^|\/)__init__\.py$/.test(file);
  }

  private loadModule(name: string, src: ModuleSourceLike, importedAt?: PyNode): ObjVal {
    const cached = this.modules.get(name);
    if (cached) return cached;
    const ns = new Scope();
    const mod = obj('module', { tag: 'module', name, ns, external: false }, name);
    this.modules.set(name, mod);
    const code: CodeLoc = { module: name, file: src.file, parsed: src.parsed, isPackage: this.isPackageFile(src.file) };
    const fileAbs = `${this.opts.deployRoot.replace(/\/+$/, '')}/${src.file}`;
    const pkg = code.isPackage ? name : name.split('.').slice(0, -1).join('.');
    ns.vars.set('__name__', { value: str(name) });
    ns.vars.set('__file__', { value: str(fileAbs) });
    ns.vars.set('__package__', { value: str(pkg) });
    ns.vars.set('__doc__', { value: NONE });
    this.execFile(code, ns, importedAt);
    return mod;
  }

  /** Executes a file's statements into a namespace (a module's own, or include()'s target). */
  execFile(code: CodeLoc, ns: Scope, importedAt?: PyNode): void {
    if (!this.files.includes(code.file)) this.files.push(code.file);
    if (this.depth >= this.opts.maxDepth) {
      // At the import statement that went one level too deep (still in the importer's frame).
      const message = `import depth limit (${this.opts.maxDepth}) reached; ${code.module} not evaluated`;
      if (importedAt) this.problem(importedAt, message);
      else this.problemAtFile(code, message);
      return;
    }
    if (code.parsed.unread) {
      // A module whose tree was not read: the names its text assigns at the top level are unknown
      // (not unset), and any other name read from it is unknown rather than an error.
      this.unreadModules.push(code.parsed.unread);
      this.opaqueStars.set(ns, [...(this.opaqueStars.get(ns) ?? []), code.module]);
      const reason = `${code.file} was not read (${code.parsed.unread.message})`;
      for (const m of code.parsed.text.matchAll(TOP_LEVEL_ASSIGNMENT)) {
        const span = code.parsed.lines.span(code.file, m.index, m.index + m[0].length);
        ns.vars.set(m[1]!, { value: unknown(reason), meta: { span, history: [span] } });
      }
      return;
    }
    const saved = this.frame;
    this.frame = { code, scope: ns, globals: ns, globalNames: new Set() };
    this.depth++;
    try {
      this.execBlock(code.parsed.root.namedChildren);
    } catch (e) {
      if (!(e instanceof ControlSignal)) throw e;
      if (e.kind === 'raise') {
        this.problem(e.node ?? code.parsed.root, `${code.module} raises ${e.exception ?? 'an exception'} here; Django would fail to load the settings`);
      }
    } finally {
      this.depth--;
      this.frame = saved;
    }
  }

  private problemAtFile(code: CodeLoc, message: string): void {
    const span = code.parsed.lines.span(code.file, 0, 0);
    this.problems.push({ file: code.file, span, message, kind: 'evaluation' });
  }

  /** Whether a dotted name belongs to the project (so its absence is an ImportError). */
  private isProjectModule(name: string): boolean {
    const top = name.split('.')[0]!;
    if (this.opts.resolve(top)) return true;
    return this.frame !== undefined && this.frame.code.module.split('.')[0] === top;
  }

  /**
   * Imports a module by absolute dotted name: our library emulations first, then project files,
   * else an opaque external module. `undefined` means Python would raise ImportError.
   */
  importModule(name: string, node: PyNode): ObjVal | undefined {
    const lib = this.libraries.get(name);
    if (lib) return lib;
    const cached = this.modules.get(name);
    if (cached) return cached;
    const src = this.opts.resolve(name);
    if (src) {
      const parent = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : undefined;
      const m = this.loadModule(name, src, node);
      if (parent) {
        const p = this.modules.get(parent);
        const pref = p && (refOf(p) as Extract<Ref, { tag: 'module' }>);
        if (pref && !pref.ns.vars.has(name.slice(parent.length + 1))) pref.ns.vars.set(name.slice(parent.length + 1), { value: m });
      }
      return m;
    }
    if (this.isProjectModule(name)) return undefined;
    void node;
    const ext = obj('module', { tag: 'module', name, ns: new Scope(), external: true }, name);
    this.modules.set(name, ext);
    return ext;
  }

  // -------------------------------------------------------------------------------------------
  // Names

  lookupName(name: string, node: PyNode): Val {
    const b = this.frame.scope.lookup(name) ?? (this.frame.scope !== this.frame.globals ? this.frame.globals.lookup(name) : undefined);
    if (b) return b.value;
    const builtin = this.builtins.vars.get(name);
    if (builtin) return builtin.value;
    const opaque = this.opaqueStars.get(this.frame.globals);
    if (opaque && opaque.length > 0) return unknown(`'${name}' may come from 'from ${opaque[0]} import *'`);
    return this.fail(node, `name '${name}' is not defined (NameError)`);
  }

  /** The scope an assignment to `name` writes to in the current frame. */
  private targetScope(name: string): Scope {
    return this.frame.globalNames.has(name) ? this.frame.globals : this.frame.scope;
  }

  bind(name: string, value: Val, stmt: PyNode | undefined, valueNode?: PyNode): void {
    const scope = this.targetScope(name);
    const prev = scope.vars.get(name);
    let meta: BindingMeta | undefined;
    if (stmt) {
      const span = this.span(stmt);
      meta = { span, valueSpan: valueNode ? this.span(valueNode) : undefined, history: [...(prev?.meta?.history ?? []), span] };
    }
    scope.vars.set(name, { value, meta });
  }

  /** Records a mutation (`X.append`, `X[k] = v`, `X += ...` in place) in the binding's history. */
  private recordMutation(root: PyNode | undefined, stmt: PyNode, valueNode?: PyNode): void {
    if (!root || root.type !== 'identifier') return;
    const b = this.frame.scope.lookup(root.text) ?? this.frame.globals.lookup(root.text);
    if (!b) return;
    const span = this.span(stmt);
    const history = b.meta?.history ?? [];
    if (history.length > 0 && history[history.length - 1]!.start.offset === span.start.offset && history[history.length - 1]!.file === span.file) return;
    b.meta = { span, valueSpan: valueNode ? this.span(valueNode) : undefined, history: [...history, span] };
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  execBlock(nodes: PyNode[]): void {
    for (const n of nodes) this.execStmt(n);
  }

  private execStmt(node: PyNode): void {
    this.step(node);
    try {
      this.execStmtOfType(node);
    } catch (e) {
      // The JavaScript stack ran out (calls nested too deeply): a limit, located at the innermost
      // statement it could be caught in rather than at the top of the file. No regex here: this
      // runs with the stack nearly full (V8 says "Maximum call stack size exceeded", or "Stack
      // overflow" when a regex is what overflowed); a catch that overflows again leaves it to the next.
      if (e instanceof RangeError && (e.message.includes('call stack') || e.message.includes('Stack overflow'))) {
        throw new LimitReached('evaluation depth limit (the JavaScript stack) reached: expressions or calls nest too deeply here', this.span(node));
      }
      throw e;
    }
  }

  private execStmtOfType(node: PyNode): void {
    switch (node.type) {
      case 'expression_statement':
        return this.execExpressionStatement(node);
      case 'if_statement':
        return this.execIf(node);
      case 'for_statement':
        return this.execFor(node);
      case 'while_statement':
        return this.execWhile(node);
      case 'try_statement':
        return this.execTry(node);
      case 'with_statement':
        return this.execWith(node);
      case 'function_definition':
        return this.execDef(node, node);
      case 'decorated_definition': {
        const def = node.childForFieldName('definition');
        if (def?.type === 'function_definition') return this.execDef(def, node);
        if (def?.type === 'class_definition') return this.execClass(def, node);
        return;
      }
      case 'class_definition':
        return this.execClass(node, node);
      case 'import_statement':
        return this.execImport(node);
      case 'import_from_statement':
        return this.execImportFrom(node);
      case 'future_import_statement':
      case 'pass_statement':
      case 'comment':
      case 'type_alias_statement':
      case 'print_statement':
      case 'exec_statement':
        return;
      case 'global_statement':
        for (const c of node.namedChildren) if (c.type === 'identifier') this.frame.globalNames.add(c.text);
        return;
      case 'nonlocal_statement':
        return;
      case 'return_statement': {
        const e = node.namedChildren[0];
        throw new ControlSignal('return', e ? this.eval(e) : NONE, undefined, node);
      }
      case 'break_statement':
        throw new ControlSignal('break', undefined, undefined, node);
      case 'continue_statement':
        throw new ControlSignal('continue', undefined, undefined, node);
      case 'raise_statement':
        return this.execRaise(node);
      case 'delete_statement':
        return this.execDelete(node);
      case 'assert_statement': {
        const test = node.namedChildren[0];
        if (!test) return;
        const v = this.eval(test);
        if (truthy(v) === false) throw new ControlSignal('raise', undefined, 'AssertionError', node);
        return;
      }
      case 'ERROR':
        // Tree-sitter already reported it; statements it recovered around still run.
        return;
      default:
        this.problem(node, `unsupported statement '${node.type}'; names it assigns are unknown`);
        this.havoc(node, `assigned by an unsupported '${node.type}' statement`, []);
    }
  }

  private execExpressionStatement(node: PyNode): void {
    const kids = node.namedChildren.filter((c) => c.type !== 'comment');
    if (kids.length === 1 && kids[0]!.type === 'assignment') return this.execAssignment(kids[0]!, node);
    if (kids.length === 1 && kids[0]!.type === 'augmented_assignment') return this.execAugmented(kids[0]!, node);
    for (const k of kids) {
      this.eval(k);
      const call = k.type === 'call' ? k : undefined;
      const fn = call?.childForFieldName('function');
      if (fn?.type === 'attribute') {
        const method = fn.childForFieldName('attribute')?.text ?? '';
        if (MUTATING_METHODS.has(method)) this.recordMutation(rootName(fn.childForFieldName('object')), node, call);
      }
    }
  }

  private execAssignment(node: PyNode, stmt: PyNode): void {
    const targets: PyNode[] = [];
    let cur: PyNode = node;
    while (cur.type === 'assignment') {
      const left = cur.childForFieldName('left');
      const right = cur.childForFieldName('right');
      if (left) targets.push(left);
      if (!right) return; // annotation without a value binds nothing
      cur = right;
    }
    const value = this.eval(cur);
    for (const t of targets) this.assignTarget(t, value, stmt, cur);
  }

  assignTarget(target: PyNode, value: Val, stmt: PyNode, valueNode: PyNode | undefined): void {
    switch (target.type) {
      case 'identifier':
        return this.bind(target.text, value, stmt, valueNode);
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'expression_list':
        return this.unpack(target.namedChildren.filter((c) => c.type !== 'comment'), value, stmt, valueNode);
      case 'parenthesized_expression': {
        const inner = target.namedChildren[0];
        if (inner) this.assignTarget(inner, value, stmt, valueNode);
        return;
      }
      case 'subscript':
        return this.assignSubscript(target, value, stmt, valueNode);
      case 'attribute': {
        const o = this.eval(target.childForFieldName('object')!);
        const name = target.childForFieldName('attribute')!.text;
        const ref = refOf(o);
        if (ref?.tag === 'module' || ref?.tag === 'class') ref.ns.vars.set(name, { value, meta: { span: this.span(stmt), history: [this.span(stmt)] } });
        else if (ref?.tag === 'native-object') ref.attrs.set(name, value);
        this.recordMutation(rootName(target.childForFieldName('object')), stmt, valueNode);
        return;
      }
      case 'list_splat_pattern':
      case 'list_splat': {
        const inner = target.namedChildren[0];
        if (inner) this.assignTarget(inner, value, stmt, valueNode);
        return;
      }
      default:
        this.problem(target, `unsupported assignment target '${target.type}'`);
    }
  }

  private unpack(targets: PyNode[], value: Val, stmt: PyNode, valueNode: PyNode | undefined): void {
    const items = value.kind === 'dict' || value.kind === 'set' || value.kind === 'unknown' ? (value.kind === 'unknown' ? undefined : iterate(value)) : iterate(value);
    const starAt = targets.findIndex((t) => t.type === 'list_splat_pattern' || t.type === 'list_splat');
    if (!items || (starAt < 0 && items.length !== targets.length) || (starAt >= 0 && items.length < targets.length - 1)) {
      if (items) this.problem(stmt, `cannot unpack ${items.length} values into ${targets.length} targets (ValueError)`);
      const u = withOrigin(unknownFrom([value], 'unpacked from a value that is not known'), undefined, envOfAll([value]));
      for (const t of targets) this.assignTarget(t, u, stmt, valueNode);
      return;
    }
    if (starAt < 0) {
      targets.forEach((t, i) => this.assignTarget(t, items[i]!, stmt, valueNode));
      return;
    }
    const after = targets.length - starAt - 1;
    targets.forEach((t, i) => {
      if (i < starAt) this.assignTarget(t, items[i]!, stmt, valueNode);
      else if (i === starAt) this.assignTarget(t, { kind: 'list', items: items.slice(starAt, items.length - after) }, stmt, valueNode);
      else this.assignTarget(t, items[items.length - (targets.length - i)]!, stmt, valueNode);
    });
  }

  private assignSubscript(target: PyNode, value: Val, stmt: PyNode, valueNode: PyNode | undefined): void {
    const container = this.eval(target.childForFieldName('value')!);
    const key = this.subscriptKey(target);
    this.recordMutation(rootName(target.childForFieldName('value')), stmt, valueNode);
    const hooks = refOf(container)?.tag === 'native-object' ? ((refOf(container) as Extract<Ref, { tag: 'native-object' }>).data as { setitem?: (k: Val, v: Val, n: PyNode) => void }) : undefined;
    if (hooks?.setitem) return hooks.setitem(key, value, stmt);
    if (container.kind === 'dict') return dictSet(container, key, value);
    if (container.kind === 'list') {
      if (key.kind === 'int') {
        const i = normIndex(key.value, container.items.length);
        if (i >= 0 && i < container.items.length) container.items[i] = value;
        else this.problem(target, 'list assignment index out of range (IndexError)');
      } else if (key.kind === 'unknown') {
        container.items.forEach((_, i) => (container.items[i] = unknownFrom([key], 'list item replaced at an unknown index')));
      }
      return;
    }
    if (container.kind === 'unknown') return;
    this.problem(target, `cannot assign items of '${container.kind}'`);
  }

  private subscriptKey(node: PyNode): Val {
    const subs = node.childrenForFieldName('subscript');
    if (subs.length === 1) return this.evalSubscriptPart(subs[0]!);
    return { kind: 'tuple', items: subs.map((s) => this.evalSubscriptPart(s)) };
  }

  private evalSubscriptPart(node: PyNode): Val {
    if (node.type !== 'slice') return this.eval(node);
    const parts: Array<Val | undefined> = [undefined, undefined, undefined];
    let idx = 0;
    for (const c of node.children) {
      if (c.type === ':') idx++;
      else if (c.type !== 'comment') parts[idx] = this.eval(c);
    }
    return obj('slice', { tag: 'native-object', typeName: 'slice', attrs: new Map(), data: { slice: parts } });
  }

  private execAugmented(node: PyNode, stmt: PyNode): void {
    const left = node.childForFieldName('left')!;
    const right = node.childForFieldName('right')!;
    const opText = node.childForFieldName('operator')?.text ?? '+=';
    const op = opText.slice(0, -1);
    const rhs = this.eval(right);
    const old = this.eval(left);
    let result: Val;
    // Lists, dicts and sets change in place, so every alias (e.g. base.py's list) sees it.
    if (op === '+' && old.kind === 'list' && rhs.kind !== 'unknown') {
      const items = iterate(rhs);
      if (items) {
        old.items.push(...items);
        result = old;
      } else result = this.fail(right, `cannot extend a list with '${rhs.kind}' (TypeError)`, [rhs]);
    } else if (op === '|' && old.kind === 'dict' && rhs.kind === 'dict') {
      for (const e of rhs.entries) dictSet(old, e.key, e.value);
      result = old;
    } else if (op === '|' && old.kind === 'set' && rhs.kind === 'set') {
      const r = binaryOp('|', old, rhs) as Val;
      old.items.splice(0, old.items.length, ...(r as Extract<Val, { kind: 'set' }>).items);
      result = old;
    } else {
      result = this.binary(op, old, rhs, node);
    }
    if (left.type === 'identifier') this.bind(left.text, result, stmt, right);
    else {
      this.assignTarget(left, result, stmt, right);
    }
  }

  private execIf(node: PyNode): void {
    const clauses: Array<{ cond?: PyNode; body: PyNode }> = [];
    clauses.push({ cond: node.childForFieldName('condition')!, body: node.childForFieldName('consequence')! });
    for (const alt of node.childrenForFieldName('alternative')) {
      if (alt.type === 'elif_clause') clauses.push({ cond: alt.childForFieldName('condition')!, body: alt.childForFieldName('consequence')! });
      else clauses.push({ body: alt.childForFieldName('body')! });
    }
    this.runClauses(clauses, 0);
  }

  private runClauses(clauses: Array<{ cond?: PyNode; body: PyNode }>, i: number): void {
    const c = clauses[i];
    if (!c) return;
    if (!c.cond) return this.execBlock(c.body.namedChildren);
    const v = this.eval(c.cond);
    const t = truthy(v);
    if (t === true) return this.execBlock(c.body.namedChildren);
    if (t === false) return this.runClauses(clauses, i + 1);
    this.branch(
      this.condition(c.cond, v),
      () => this.execBlock(c.body.namedChildren),
      () => this.runClauses(clauses, i + 1),
    );
  }

  condition(node: PyNode, v: Val): Condition {
    const text = node.text.replace(/\s+/g, ' ');
    return { text: text.length > 60 ? `${text.slice(0, 57)}...` : text, variables: decidingVariables(v).concat(envOfAll([v]).map((r) => r.name)) };
  }

  /**
   * Runs two paths that could not be told apart on copies of the state, then merges: a name
   * bound to different values becomes unknown with both as alternatives. A path that raised is
   * dropped (Django would not start that way); a return under the condition is kept for the
   * end of the call.
   */
  branch(cond: Condition, runA: () => void, runB: () => void): void {
    const scopes = this.frame.scope === this.frame.globals ? [this.frame.scope] : [this.frame.scope, this.frame.globals];
    const before = scopes.map((s) => s.vars);
    const cloneAll = (): Array<Map<string, Binding>> => {
      const memo = new Map<Val, Val>();
      for (const b of before) this.steps += b.size;
      return before.map((v) => cloneVars(v, memo));
    };
    const a0 = cloneAll();
    scopes.forEach((s, i) => (s.vars = a0[i]!));
    const sigA = this.runPath(runA);
    const afterA = scopes.map((s) => s.vars);
    const b0 = cloneAll();
    scopes.forEach((s, i) => (s.vars = b0[i]!));
    const sigB = this.runPath(runB);
    const afterB = scopes.map((s) => s.vars);
    const setState = (st: Array<Map<string, Binding>>): void => scopes.forEach((s, i) => (s.vars = st[i]!));

    if (!sigA && !sigB) {
      setState(afterA.map((m, i) => this.mergeVars(m, afterB[i]!, cond)));
      return;
    }
    if (sigA && !sigB) {
      this.keepPending(sigA, cond);
      setState(afterB);
      return;
    }
    if (!sigA && sigB) {
      this.keepPending(sigB, cond);
      setState(afterA);
      return;
    }
    // Both paths left the block.
    if (sigA!.kind === 'return' && sigB!.kind === 'return') {
      this.keepPending(sigA!, cond);
      setState(afterB);
      throw sigB;
    }
    if (sigA!.kind === 'return') {
      setState(afterA);
      throw sigA;
    }
    if (sigB!.kind === 'return') {
      setState(afterB);
      throw sigB;
    }
    setState(afterA);
    throw sigA;
  }

  private keepPending(sig: ControlSignal, cond: Condition): void {
    if (sig.kind === 'return' && this.frame.pending) this.frame.pending.push({ value: sig.value ?? NONE, cond });
  }

  private runPath(run: () => void): ControlSignal | undefined {
    try {
      run();
      return undefined;
    } catch (e) {
      if (e instanceof ControlSignal) {
        // break/continue under an open condition: treated as reaching the end of the block.
        if (e.kind === 'break' || e.kind === 'continue') return undefined;
        return e;
      }
      throw e;
    }
  }

  private mergeVars(a: Map<string, Binding>, b: Map<string, Binding>, cond: Condition): Map<string, Binding> {
    const out = new Map<string, Binding>();
    const names = [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];
    for (const name of names) {
      const x = a.get(name);
      const y = b.get(name);
      if (x && y) {
        out.set(name, { value: mergeValues(x.value, y.value, cond), meta: mergeMeta(x.meta, y.meta) });
      } else {
        const only = (x ?? y)!;
        const u = unknown(`depends on ${cond.text} (bound on one path only)`, [...cond.variables, ...decidingVariables(only.value)]);
        out.set(name, { value: withOrigin(u, undefined, envOfAll([only.value])), meta: only.meta });
      }
    }
    return out;
  }

  /** Marks every name a subtree assigns or mutates as unknown (loops and statements we cannot run). */
  havoc(node: PyNode, reason: string, variables: string[]): void {
    const names = new Map<string, PyNode>();
    const visit = (n: PyNode): void => {
      if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') return;
      if (n.type === 'assignment' || n.type === 'augmented_assignment' || n.type === 'for_statement' || n.type === 'for_in_clause') {
        const left = n.childForFieldName('left');
        if (left) collectTargetNames(left, names);
      }
      if (n.type === 'as_pattern_target') collectTargetNames(n, names);
      if (n.type === 'call') {
        const fn = n.childForFieldName('function');
        if (fn?.type === 'attribute' && MUTATING_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) {
          const r = rootName(fn.childForFieldName('object'));
          if (r) names.set(r.text, r);
        }
      }
      for (const c of n.namedChildren) visit(c);
    };
    visit(node);
    for (const [name] of names) {
      const scope = this.targetScope(name);
      const prev = scope.vars.get(name) ?? this.frame.globals.vars.get(name);
      const span = this.span(node);
      scope.vars.set(name, {
        value: unknown(reason, variables),
        meta: { span, history: [...(prev?.meta?.history ?? []), span] },
      });
    }
  }

  private execFor(node: PyNode): void {
    const left = node.childForFieldName('left')!;
    const right = node.childForFieldName('right')!;
    const body = node.childForFieldName('body')!;
    const elseClause = node.childForFieldName('alternative');
    const iterable = this.eval(right);
    const items = iterable.kind === 'unknown' ? undefined : iterate(iterable);
    if (!items || items.length > MAX_LOOP_ITEMS) {
      if (!items && iterable.kind !== 'unknown') this.problem(right, `cannot iterate over '${iterable.kind}'`);
      this.havoc(node, `assigned in a loop over ${shortText(right)}, whose items are not known`, decidingVariables(iterable));
      return;
    }
    let broke = false;
    for (const item of [...items]) {
      this.assignTarget(left, item, node, right);
      try {
        this.execBlock(body.namedChildren);
      } catch (e) {
        if (e instanceof ControlSignal && e.kind === 'break') {
          broke = true;
          break;
        }
        if (e instanceof ControlSignal && e.kind === 'continue') continue;
        throw e;
      }
    }
    if (!broke && elseClause) this.execBlock(elseClause.childForFieldName('body')!.namedChildren);
  }

  private execWhile(node: PyNode): void {
    const condNode = node.childForFieldName('condition')!;
    const body = node.childForFieldName('body')!;
    for (let i = 0; i < MAX_LOOP_ITEMS; i++) {
      const v = this.eval(condNode);
      const t = truthy(v);
      if (t === false) {
        const alt = node.childForFieldName('alternative');
        if (alt) this.execBlock(alt.childForFieldName('body')!.namedChildren);
        return;
      }
      if (t === undefined) {
        this.havoc(node, `assigned in a loop while ${shortText(condNode)}, which is not known`, decidingVariables(v));
        return;
      }
      try {
        this.execBlock(body.namedChildren);
      } catch (e) {
        if (e instanceof ControlSignal && e.kind === 'break') return;
        if (e instanceof ControlSignal && e.kind === 'continue') continue;
        throw e;
      }
    }
    this.problem(node, `loop did not finish within ${MAX_LOOP_ITEMS} iterations`);
    this.havoc(node, 'assigned in a loop that did not finish', []);
  }

  private execTry(node: PyNode): void {
    const body = node.childForFieldName('body')!;
    const handlers = node.namedChildren.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause');
    const elseClause = node.namedChildren.find((c) => c.type === 'else_clause');
    const finallyClause = node.namedChildren.find((c) => c.type === 'finally_clause');
    const runFinally = (): void => {
      if (finallyClause) this.execBlock(finallyClause.namedChildren.filter((c) => c.type === 'block').flatMap((b) => b.namedChildren));
    };
    let raised: ControlSignal | undefined;
    const guardsImports = handlers.some((h) => this.handlerMatches(h, 'ModuleNotFoundError'));
    if (guardsImports) this.importGuards++;
    try {
      this.execBlock(body.namedChildren);
    } catch (e) {
      if (!(e instanceof ControlSignal)) throw e;
      if (e.kind !== 'raise') {
        runFinally();
        throw e;
      }
      raised = e;
    } finally {
      if (guardsImports) this.importGuards--;
    }
    try {
      if (raised) {
        const handler = handlers.find((h) => this.handlerMatches(h, raised!.exception ?? 'Exception'));
        if (!handler) throw raised;
        const alias = handler.descendantsOfType('as_pattern_target')[0];
        if (alias) this.assignTarget(alias.namedChildren[0] ?? alias, obj(raised.exception ?? 'Exception'), handler, undefined);
        const saved = this.frame.handling;
        this.frame.handling = raised.exception;
        try {
          this.execBlock(handler.namedChildren.filter((c) => c.type === 'block').flatMap((b) => b.namedChildren));
        } finally {
          this.frame.handling = saved;
        }
      } else if (elseClause) {
        this.execBlock(elseClause.childForFieldName('body')!.namedChildren);
      }
    } finally {
      runFinally();
    }
  }

  private handlerMatches(handler: PyNode, exception: string): boolean {
    let value = handler.childForFieldName('value') ?? handler.namedChildren.find((c) => c.type !== 'block' && c.type !== 'comment');
    if (!value) return true;
    if (value.type === 'as_pattern') value = value.namedChildren[0]!;
    const names = value.type === 'tuple' || value.type === 'parenthesized_expression' ? value.namedChildren : [value];
    return names.some((n) => exceptionMatches(exception, lastName(n)));
  }

  private execWith(node: PyNode): void {
    for (const item of node.descendantsOfType('with_item')) {
      const v = item.childForFieldName('value');
      if (!v) continue;
      if (v.type === 'as_pattern') {
        const ctx = this.eval(v.namedChildren[0]!);
        const target = v.childForFieldName('alias') ?? v.namedChildren[1];
        const entered = withOrigin(unknown(`value of 'with ${shortText(v.namedChildren[0]!)}'`, decidingVariables(ctx)), undefined, envOfAll([ctx]));
        if (target) this.assignTarget(target.type === 'as_pattern_target' ? target.namedChildren[0] ?? target : target, entered, node, v);
      } else this.eval(v);
    }
    const body = node.childForFieldName('body');
    if (body) this.execBlock(body.namedChildren);
  }

  private execRaise(node: PyNode): never {
    const e = node.namedChildren.find((c) => c.type !== 'comment' && c !== node.childForFieldName('cause'));
    if (!e) throw new ControlSignal('raise', undefined, this.frame.handling ?? 'RuntimeError', node);
    const fn = e.type === 'call' ? e.childForFieldName('function')! : e;
    let name = lastName(fn);
    const v = this.eval(fn);
    const ref = refOf(v);
    if (ref?.tag === 'class') name = ref.name;
    throw new ControlSignal('raise', undefined, name || 'Exception', node);
  }

  private execDelete(node: PyNode): void {
    const list = node.namedChildren[0];
    const targets = list?.type === 'expression_list' ? list.namedChildren : list ? [list] : [];
    for (const t of targets) {
      if (t.type === 'identifier') {
        this.targetScope(t.text).vars.delete(t.text);
      } else if (t.type === 'subscript') {
        const c = this.eval(t.childForFieldName('value')!);
        const k = this.subscriptKey(t);
        this.recordMutation(rootName(t.childForFieldName('value')), node);
        const hooks = refOf(c)?.tag === 'native-object' ? ((refOf(c) as Extract<Ref, { tag: 'native-object' }>).data as { delitem?: (k: Val) => void }) : undefined;
        if (hooks?.delitem) hooks.delitem(k);
        else if (c.kind === 'dict') {
          const i = c.entries.findIndex((en) => valuesEqual(en.key, k));
          if (i >= 0) c.entries.splice(i, 1);
        } else if (c.kind === 'list' && k.kind === 'int') {
          const i = normIndex(k.value, c.items.length);
          if (i >= 0 && i < c.items.length) c.items.splice(i, 1);
        }
      }
    }
  }

  private execDef(def: PyNode, stmt: PyNode): void {
    const name = def.childForFieldName('name')!.text;
    const params = this.readParams(def.childForFieldName('parameters'));
    const fn = obj('function', {
      tag: 'function',
      name,
      params,
      body: def.childForFieldName('body')!,
      isLambda: false,
      closure: this.frame.scope,
      globals: this.frame.globals,
      code: this.frame.code,
    }, name);
    this.bind(name, fn, stmt);
  }

  readParams(node: PyNode | null): Param[] {
    const out: Param[] = [];
    if (!node) return out;
    let keywordOnly = false;
    for (const p of node.namedChildren) {
      switch (p.type) {
        case 'identifier':
          out.push({ name: p.text, kind: 'plain', keywordOnly });
          break;
        case 'typed_parameter': {
          const inner = p.namedChildren[0]!;
          if (inner.type === 'list_splat_pattern') {
            out.push({ name: inner.namedChildren[0]?.text ?? 'args', kind: 'star', keywordOnly: false });
            keywordOnly = true;
          } else if (inner.type === 'dictionary_splat_pattern') out.push({ name: inner.namedChildren[0]?.text ?? 'kwargs', kind: 'kwstar', keywordOnly: false });
          else out.push({ name: inner.text, kind: 'plain', keywordOnly });
          break;
        }
        case 'default_parameter':
        case 'typed_default_parameter': {
          const dn = p.childForFieldName('value')!;
          out.push({ name: p.childForFieldName('name')!.text, kind: 'plain', keywordOnly, defaultNode: dn, defaultValue: this.eval(dn) });
          break;
        }
        case 'list_splat_pattern':
          out.push({ name: p.namedChildren[0]?.text ?? 'args', kind: 'star', keywordOnly: false });
          keywordOnly = true;
          break;
        case 'dictionary_splat_pattern':
          out.push({ name: p.namedChildren[0]?.text ?? 'kwargs', kind: 'kwstar', keywordOnly: false });
          break;
        case 'keyword_separator':
          keywordOnly = true;
          break;
        default:
          break;
      }
    }
    return out;
  }

  private execClass(def: PyNode, stmt: PyNode): void {
    const name = def.childForFieldName('name')!.text;
    const ns = new Scope();
    const saved = this.frame;
    this.frame = { ...saved, scope: ns, globalNames: new Set() };
    try {
      const body = def.childForFieldName('body');
      if (body) this.execBlock(body.namedChildren);
    } catch (e) {
      if (!(e instanceof ControlSignal)) throw e;
    } finally {
      this.frame = saved;
    }
    this.bind(name, obj('type', { tag: 'class', name, ns }, name), stmt);
  }

  // -------------------------------------------------------------------------------------------
  // Imports

  private execImport(node: PyNode): void {
    for (const n of node.childrenForFieldName('name')) {
      const dotted = n.type === 'aliased_import' ? n.childForFieldName('name')!.text : n.text;
      const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')!.text : undefined;
      const parts = dotted.split('.');
      let top: ObjVal | undefined;
      let last: ObjVal | undefined;
      for (let i = 1; i <= parts.length; i++) {
        const name = parts.slice(0, i).join('.');
        const m = this.importModule(name, n);
        if (!m) throw new ControlSignal('raise', undefined, 'ModuleNotFoundError', n);
        if (i === 1) top = m;
        if (last) {
          const ref = refOf(last) as Extract<Ref, { tag: 'module' }>;
          if (!ref.ns.vars.has(parts[i - 1]!)) ref.ns.vars.set(parts[i - 1]!, { value: m });
        }
        last = m;
      }
      this.bind(alias ?? parts[0]!, alias ? last! : top!, node);
    }
  }

  private execImportFrom(node: PyNode): void {
    const modNode = node.childForFieldName('module_name')!;
    const target = this.absoluteModule(modNode);
    if (target === undefined) {
      this.problem(modNode, 'relative import beyond the top-level package (ImportError)');
      throw new ControlSignal('raise', undefined, 'ImportError', node);
    }
    const m = this.importModule(target, modNode);
    const star = node.namedChildren.some((c) => c.type === 'wildcard_import');
    if (!m) {
      // A file the deployment has but whose content is not here (mailman3-web's settings_local.py,
      // a link to /etc; wims-lti's config.py, made at install time from config.py_dpkg_dist): the
      // import succeeds in production, with settings nobody here can see.
      const unseen = this.deployedUnseen(target);
      if (!unseen) throw new ControlSignal('raise', undefined, 'ModuleNotFoundError', node);
      if (star) {
        this.opaqueStars.set(this.frame.globals, [...(this.opaqueStars.get(this.frame.globals) ?? []), target]);
        return this.mayRebindSettings(target, unseen.why, node);
      }
      for (const n of node.childrenForFieldName('name')) {
        const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')!.text : n.text;
        this.bind(alias, unknown(`imported from ${target} (${unseen.why})`, []), node);
      }
      return;
    }
    const ref = refOf(m) as Extract<Ref, { tag: 'module' }>;
    if (star) return this.starImport(ref, node);
    for (const n of node.childrenForFieldName('name')) {
      const name = n.type === 'aliased_import' ? n.childForFieldName('name')!.text : n.text;
      const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')!.text : name;
      let b = ref.ns.vars.get(name);
      if (!b && !ref.external) {
        const sub = this.importModule(`${target}.${name}`, n);
        if (sub) b = { value: sub };
      }
      if (!b && ref.external) b = { value: obj('external', { tag: 'external', name: `${target}.${name}` }, `${target}.${name}`) };
      if (!b) throw new ControlSignal('raise', undefined, 'ImportError', node);
      this.bindImported(alias, b, node);
    }
  }

  /** A name imported from another module keeps that module's history and adds this statement. */
  private bindImported(name: string, b: Binding, stmt: PyNode): void {
    const span = this.span(stmt);
    const meta: BindingMeta = b.meta
      ? { span: b.meta.span, valueSpan: b.meta.valueSpan, history: [...b.meta.history] }
      : { span, history: [span] };
    this.targetScope(name).vars.set(name, { value: b.value, meta });
  }

  private starImport(ref: Extract<Ref, { tag: 'module' }>, node: PyNode): void {
    if (ref.external) {
      const list = this.opaqueStars.get(this.frame.globals) ?? [];
      list.push(ref.name);
      this.opaqueStars.set(this.frame.globals, list);
      const unseen = this.deployedUnseen(ref.name);
      if (unseen) this.mayRebindSettings(ref.name, unseen.why, node);
      return;
    }
    const all = ref.ns.vars.get('__all__')?.value;
    let names: string[];
    if (all && (all.kind === 'list' || all.kind === 'tuple')) {
      names = all.items.filter((i): i is Extract<Val, { kind: 'str' }> => i.kind === 'str').map((i) => i.value);
    } else names = [...ref.ns.vars.keys()].filter((n) => !n.startsWith('_'));
    for (const n of names) {
      const b = ref.ns.vars.get(n);
      if (b) this.bindImported(n, b, node);
    }
    const inherited = this.opaqueStars.get(ref.ns);
    if (inherited) this.opaqueStars.set(this.frame.globals, [...(this.opaqueStars.get(this.frame.globals) ?? []), ...inherited]);
  }

  /**
   * A module the deployment has but whose content is not here: a file that cannot be read, always;
   * one of which only a template is committed, when the import is not inside a `try` that catches
   * its ImportError: the settings cannot load without it, so the install makes it from the template.
   * Guarded, such a module is as often a developer's own override that production never has.
   */
  private deployedUnseen(module: string): UnseenModule | undefined {
    const unseen = this.opts.unseen?.(module);
    return unseen && (unseen.kind === 'unreadable' || this.importGuards === 0) ? unseen : undefined;
  }

  /**
   * `from module import *` of a module the deployment has but whose content is not here (a
   * settings_local.py that links to /etc, a config.py made from a committed template): any setting
   * bound so far may be rebound by it, so each becomes its value here or an unknown one. Only
   * settings (upper-case names): the helpers the rest of the file goes on using (os, Path) are left
   * alone, and names it may add stay unknown (opaqueStars).
   */
  private mayRebindSettings(module: string, why: string, node: PyNode): void {
    const span = this.span(node);
    const cond: Condition = { text: `from ${module} import *`, variables: [] };
    const overridden = unknown(`may be set by 'from ${module} import *' (${why})`, []);
    const scope = this.frame.globals;
    for (const [name, b] of scope.vars) {
      if (!isUpperName(name)) continue;
      scope.vars.set(name, { value: mergeValues(b.value, overridden, cond), meta: { span: b.meta?.span ?? span, valueSpan: b.meta?.valueSpan, history: [...(b.meta?.history ?? []), span] } });
    }
  }

  private absoluteModule(modNode: PyNode): string | undefined {
    if (modNode.type !== 'relative_import') return modNode.text;
    const prefix = modNode.namedChildren.find((c) => c.type === 'import_prefix')?.text.length ?? 0;
    const name = modNode.namedChildren.find((c) => c.type === 'dotted_name')?.text ?? '';
    return resolveRelativeImport(this.frame.code.module, this.frame.code.isPackage, prefix, name);
  }

  /** django-split-settings include(): runs files, relative to the including file, in this namespace. */
  includeFile(relPath: string, optional: boolean, node: PyNode): void {
    const code = this.frame.code;
    const pkgParts = (code.isPackage ? code.module : code.module.split('.').slice(0, -1).join('.')).split('.').filter(Boolean);
    const segs = relPath.replace(/\.py$/, '').split('/');
    const parts = [...pkgParts];
    for (const s of segs) {
      if (s === '' || s === '.') continue;
      if (s === '..') parts.pop();
      else parts.push(s);
    }
    const patterns = parts.join('.');
    const names = /[*?[]/.test(patterns) ? this.globModules(patterns, node) : [patterns];
    if (names.length === 0 && !optional) this.problem(node, `include(): no file matches '${relPath}'`);
    const seen = this.included.get(this.frame.globals) ?? new Set<string>();
    this.included.set(this.frame.globals, seen);
    for (const name of names) {
      // django-split-settings skips a file it already included into this namespace.
      if (seen.has(name)) continue;
      seen.add(name);
      const src = this.opts.resolve(name);
      if (!src) {
        if (!optional) {
          this.problem(node, `include(): '${relPath}' not found (Django would fail with IOError)`);
          throw new ControlSignal('raise', undefined, 'OSError', node);
        }
        continue;
      }
      const saved = this.frame;
      const inner: CodeLoc = { module: name, file: src.file, parsed: src.parsed, isPackage: this.isPackageFile(src.file) };
      if (!this.files.includes(src.file)) this.files.push(src.file);
      this.frame = { code: inner, scope: saved.globals, globals: saved.globals, globalNames: new Set() };
      this.depth++;
      try {
        if (this.depth > this.opts.maxDepth) this.problem(node, 'include depth limit reached');
        else this.execBlock(src.parsed.root.namedChildren);
      } finally {
        this.depth--;
        this.frame = saved;
      }
    }
  }

  private globModules(pattern: string, node: PyNode): string[] {
    if (!this.opts.listModules) {
      this.problem(node, `include(): cannot expand the pattern '${pattern}' here`);
      return [];
    }
    // Linear time (a glob of many stars backtracks without end); one that cannot be run safely matches nothing.
    const re = untrustedRegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^.]*').replace(/\?/g, '[^.]')}$`) ?? /$^/;
    return this.opts.listModules().filter((m) => re.test(m)).sort();
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  eval(node: PyNode): Val {
    this.step(node);
    switch (node.type) {
      case 'identifier':
        return this.lookupName(node.text, node);
      case 'integer': {
        const v = parseIntLiteral(node.text);
        return v === undefined ? this.fail(node, `unsupported integer literal ${node.text}`) : { kind: 'int', value: v };
      }
      case 'float': {
        const v = parseFloatLiteral(node.text);
        return v === undefined ? unknown(`complex literal ${node.text}`) : { kind: 'float', value: v };
      }
      case 'true':
        return TRUE;
      case 'false':
        return FALSE;
      case 'none':
        return NONE;
      case 'ellipsis':
        return obj('ellipsis');
      case 'string':
        return this.evalString(node);
      case 'concatenated_string':
        return this.evalConcatenated(node);
      case 'parenthesized_expression': {
        const inner = node.namedChildren.find((c) => c.type !== 'comment');
        return inner ? this.eval(inner) : { kind: 'tuple', items: [] };
      }
      case 'tuple':
      case 'expression_list':
        return { kind: 'tuple', items: this.evalItems(node.namedChildren) };
      case 'list':
        return { kind: 'list', items: this.evalItems(node.namedChildren) };
      case 'set': {
        const items: Val[] = [];
        for (const v of this.evalItems(node.namedChildren)) if (!items.some((x) => valuesEqual(x, v))) items.push(v);
        return { kind: 'set', items };
      }
      case 'dictionary':
        return this.evalDict(node);
      case 'attribute':
        return this.evalAttribute(node);
      case 'subscript':
        return this.evalSubscript(node);
      case 'call':
        return this.evalCall(node);
      case 'binary_operator': {
        const l = this.eval(node.childForFieldName('left')!);
        const r = this.eval(node.childForFieldName('right')!);
        return this.binary(node.childForFieldName('operator')!.text, l, r, node);
      }
      case 'unary_operator': {
        const v = this.eval(node.childForFieldName('argument')!);
        const op = node.childForFieldName('operator')!.text;
        return this.lift([v], node, ([x]) => unaryOp(op, x!));
      }
      case 'not_operator': {
        const v = this.eval(node.childForFieldName('argument')!);
        const t = truthy(v);
        if (t === undefined) return this.lift([v], node, ([x]) => { const tx = truthy(x!); return tx === undefined ? new OpError('') : tx ? FALSE : TRUE; });
        return withOrigin(t ? FALSE : TRUE, this.span(node), envOfAll([v]));
      }
      case 'boolean_operator':
        return this.evalBoolean(node);
      case 'comparison_operator':
        return this.evalComparison(node);
      case 'conditional_expression': {
        const [a, c, b] = node.namedChildren.filter((x) => x.type !== 'comment');
        const cv = this.eval(c!);
        const t = truthy(cv);
        if (t === true) return this.eval(a!);
        if (t === false) return this.eval(b!);
        const merged = mergeValues(this.eval(a!), this.eval(b!), this.condition(c!, cv));
        return withOrigin(merged, this.span(node), envOfAll([cv]));
      }
      case 'named_expression': {
        const v = this.eval(node.childForFieldName('value')!);
        this.bind(node.childForFieldName('name')!.text, v, node);
        return v;
      }
      case 'lambda':
        return obj('function', {
          tag: 'function',
          name: '<lambda>',
          params: this.readParams(node.childForFieldName('parameters')),
          body: node.childForFieldName('body')!,
          isLambda: true,
          closure: this.frame.scope,
          globals: this.frame.globals,
          code: this.frame.code,
        }, '<lambda>');
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
      case 'dictionary_comprehension':
        return this.evalComprehension(node);
      case 'keyword_argument':
        return this.eval(node.childForFieldName('value')!);
      case 'await':
      case 'yield':
        return unknown(`'${node.type}' expression`);
      default:
        return this.fail(node, `unsupported expression '${node.type}'`);
    }
  }

  private evalItems(nodes: PyNode[]): Val[] {
    const out: Val[] = [];
    for (const n of nodes) {
      if (n.type === 'comment') continue;
      if (n.type === 'list_splat') {
        const v = this.eval(n.namedChildren[0]!);
        const items = v.kind === 'unknown' ? undefined : iterate(v);
        if (items) out.push(...items);
        else out.push(v.kind === 'unknown' ? v : this.fail(n, `cannot unpack '${v.kind}'`));
      } else out.push(this.eval(n));
    }
    return out;
  }

  private evalDict(node: PyNode): Val {
    const d: Val = { kind: 'dict', entries: [] };
    for (const c of node.namedChildren) {
      if (c.type === 'pair') {
        const key = this.eval(c.childForFieldName('key')!);
        const valueNode = c.childForFieldName('value')!;
        const value = this.eval(valueNode);
        noteDictValueSpan(value, this.span(valueNode));
        dictSet(d, key, value);
      } else if (c.type === 'dictionary_splat') {
        const v = this.eval(c.namedChildren[0]!);
        if (v.kind === 'dict') for (const e of v.entries) dictSet(d, e.key, e.value);
        else d.entries.push({ key: unknownFrom([v], 'keys of an unknown mapping'), value: unknownFrom([v], 'values of an unknown mapping') });
      }
    }
    return d;
  }

  private evalString(node: PyNode): Val {
    const prefix = stringPrefix(node);
    let out = '';
    const inputs: Val[] = [];
    let unknownPart: Val | undefined;
    for (const c of node.children) {
      if (c.type === 'string_content') out += decodeContent(c.text, prefix);
      else if (c.type === 'interpolation') {
        const text = this.evalInterpolation(c, inputs);
        if (text === undefined) unknownPart ??= inputs[inputs.length - 1];
        else out += text;
      } else if (c.type === 'escape_interpolation') out += c.text[0];
    }
    if (unknownPart) {
      return withOrigin(unknownFrom(inputs, `f-string with a value that is not known`), this.span(node), envOfAll(inputs));
    }
    const v: Val = prefix.bytes ? { kind: 'bytes', value: out } : str(out);
    return inputs.length ? withOrigin(v, this.span(node), envOfAll(inputs)) : v;
  }

  private evalInterpolation(node: PyNode, inputs: Val[]): string | undefined {
    const exprNode = node.childForFieldName('expression') ?? node.namedChildren[0];
    if (!exprNode) return '';
    const v = this.eval(exprNode);
    inputs.push(v);
    const conv = node.childForFieldName('type_conversion')?.text;
    const specNode = node.childForFieldName('format_specifier');
    let spec = '';
    if (specNode) {
      for (const c of specNode.children) {
        if (c.type === ':' && spec === '' && c.startIndex === specNode.startIndex) continue;
        if (c.type === 'format_expression') {
          const inner = c.childForFieldName('expression') ?? c.namedChildren[0];
          const iv = inner ? this.eval(inner) : NONE;
          inputs.push(iv);
          const t = strOf(iv);
          if (t === undefined) return undefined;
          spec += t;
        } else spec += c.text;
      }
      if (specNode.namedChildren.length === 0) spec = specNode.text.replace(/^:/, '');
    }
    if (v.kind === 'unknown') return undefined;
    let base: Val = v;
    if (conv === '!r' || conv === '!a') {
      const r = reprOf(v);
      if (r === undefined) return undefined;
      base = str(r);
    } else if (conv === '!s') {
      const s = strOf(v);
      if (s === undefined) return undefined;
      base = str(s);
    }
    const r = formatValue(base, spec);
    if (r === undefined) this.problem(node, `cannot format value with '${spec}'`);
    return r;
  }

  private evalConcatenated(node: PyNode): Val {
    const parts = node.namedChildren.filter((c) => c.type === 'string').map((c) => this.eval(c));
    const u = firstUnknown(parts);
    if (u) return withOrigin(unknownFrom(parts, u.reason), this.span(node), envOfAll(parts));
    const bytes = parts[0]?.kind === 'bytes';
    const text = parts.map((p) => (p.kind === 'str' || p.kind === 'bytes' ? p.value : '')).join('');
    return withOrigin(bytes ? { kind: 'bytes', value: text } : str(text), this.span(node), envOfAll(parts));
  }

  private evalAttribute(node: PyNode): Val {
    const o = this.eval(node.childForFieldName('object')!);
    return this.getAttr(o, node.childForFieldName('attribute')!.text, node);
  }

  getAttr(o: Val, name: string, node: PyNode): Val {
    if (o.kind === 'unknown') return withOrigin(unknownFrom([o], o.reason), undefined, envOfAll([o]));
    const ref = refOf(o);
    if (ref) {
      switch (ref.tag) {
        case 'module': {
          const b = ref.ns.vars.get(name);
          if (b) return b.value;
          if (ref.external) return obj('external', { tag: 'external', name: `${ref.name}.${name}` }, `${ref.name}.${name}`);
          const sub = this.libraries.get(`${ref.name}.${name}`) ?? this.modules.get(`${ref.name}.${name}`);
          if (sub) return sub;
          return this.fail(node, `module '${ref.name}' has no attribute '${name}' (AttributeError)`);
        }
        case 'class': {
          const b = ref.ns.vars.get(name);
          return b ? b.value : unknown(`attribute '${name}' of class ${ref.name}`);
        }
        case 'external':
          return obj('external', { tag: 'external', name: `${ref.name}.${name}` }, `${ref.name}.${name}`);
        case 'native-object': {
          const a = ref.attrs.get(name);
          if (a) return a;
          return this.fail(node, `'${ref.typeName}' object has no attribute '${name}' here`);
        }
        default:
          return unknown(`attribute '${name}' of ${(o as ObjVal).typeName}`);
      }
    }
    return getValueAttr(this, o, name, node);
  }

  private evalSubscript(node: PyNode): Val {
    const container = this.eval(node.childForFieldName('value')!);
    const key = this.subscriptKey(node);
    return this.subscript(container, key, node);
  }

  subscript(container: Val, key: Val, node: PyNode): Val {
    const cref = refOf(container);
    const at = cref?.tag === 'native-object' ? (cref.data as { getitemAt?: (k: Val, n: PyNode) => Val } | undefined)?.getitemAt : undefined;
    if (at) return at(key, node);
    const sliceRef = refOf(key);
    if (sliceRef?.tag === 'native-object' && sliceRef.typeName === 'slice') {
      const [a, b, c] = (sliceRef.data as { slice: Array<Val | undefined> }).slice;
      const parts = [container, a, b, c].filter((x): x is Val => x !== undefined);
      return this.lift(parts, node, () => sliceOf(container, a, b, c), false);
    }
    if (container.kind === 'unknown' || (key.kind === 'unknown' && refOf(container)?.tag !== 'native-object')) {
      if (container.kind === 'dict' && key.kind === 'unknown') return withOrigin(unknownFrom([key], key.reason), this.span(node), envOfAll([key]));
      return this.lift([container, key], node, ([c, k]) => subscriptOp(c!, k!), false);
    }
    if (container.kind === 'dict') {
      const hit = dictLookup(container, key);
      if (hit === undefined) return unknown('dict key not known', decidingVariables(container));
      if (hit === null) return this.fail(node, `KeyError: ${reprOf(key) ?? '?'}`);
      return hit;
    }
    return this.opResult(subscriptOp(container, key), node, [container, key]);
  }

  binary(op: string, l: Val, r: Val, node: PyNode): Val {
    return this.lift([l, r], node, ([a, b]) => binaryOp(op, a!, b!));
  }

  /**
   * Applies an operation, and when an operand is unknown but has known alternatives, applies it
   * to each alternative (a merged `DEBUG` compared to "True" stays decidable when all agree).
   */
  lift(inputs: Val[], node: PyNode, f: (xs: Val[]) => OpResult, scalarOrigin = true): Val {
    const reads = envOfAll(inputs);
    const idx = inputs.findIndex((v) => v.kind === 'unknown');
    if (idx < 0) {
      const r = this.opResult(f(inputs), node, inputs);
      return scalarOrigin ? withOriginScalar(r, this.span(node), reads) : r;
    }
    const u = inputs[idx] as Extract<Val, { kind: 'unknown' }>;
    const alts = u.alternatives;
    if (alts && alts.length > 0 && alts.length <= 8 && alts.every((a) => a.kind !== 'unknown')) {
      const results: Val[] = [];
      for (const a of alts) {
        const xs = inputs.map((v, i) => (i === idx ? a : v));
        const r = this.lift(xs, node, f, scalarOrigin);
        if (r.kind === 'unknown' && !r.alternatives && xs.every((x) => x.kind !== 'unknown')) return withOrigin(unknownFrom(inputs, u.reason), this.span(node), reads);
        results.push(r);
      }
      if (results.every((r) => valuesEqual(r, results[0]!))) return withOrigin(results[0]!, this.span(node), reads);
      const vars = inputs.flatMap((v) => decidingVariables(v));
      return withOrigin(unknown(u.reason, vars, results), this.span(node), reads);
    }
    return withOrigin(unknownFrom(inputs, u.reason), this.span(node), reads);
  }

  opResult(r: OpResult, node: PyNode, inputs: Val[]): Val {
    if (r instanceof OpError) {
      if (inputs.some((v) => v.kind === 'unknown')) return unknownFrom(inputs, 'operation on a value that is not known');
      return this.fail(node, r.message, inputs);
    }
    return r;
  }

  private evalBoolean(node: PyNode): Val {
    const op = node.childForFieldName('operator')!.text;
    const leftNode = node.childForFieldName('left')!;
    const left = this.eval(leftNode);
    const t = truthy(left);
    const decidesLeft = op === 'or' ? t === true : t === false;
    if (decidesLeft) return withOrigin(left, undefined, envOfAll([left]));
    const right = this.eval(node.childForFieldName('right')!);
    if (t !== undefined) return withOrigin(right, undefined, envOfAll([left, right]));
    // The left operand's truth is open: Python returns one of the two.
    const merged = mergeValues(left, right, this.condition(leftNode, left));
    return withOrigin(merged, this.span(node), envOfAll([left, right]));
  }

  private evalComparison(node: PyNode): Val {
    const operands = node.namedChildren.filter((c) => c.type !== 'comment');
    const ops = node.childrenForFieldName('operators').map((o) => o.text.replace(/\s+/g, ' '));
    let left = this.eval(operands[0]!);
    let result: Val = TRUE;
    const all: Val[] = [left];
    for (let i = 0; i < ops.length; i++) {
      const right = this.eval(operands[i + 1]!);
      all.push(right);
      const r = this.compare(ops[i]!, left, right, node);
      if (r.kind === 'bool' && !r.value) return withOrigin(r, this.span(node), envOfAll(all));
      result = result.kind === 'bool' ? r : mergeUnknown(result, r);
      left = right;
    }
    return withOrigin(result, this.span(node), envOfAll(all));
  }

  compare(op: string, a: Val, b: Val, node: PyNode): Val {
    const bref = refOf(b);
    const containsHook = bref?.tag === 'native-object' ? (bref.data as { contains?: (k: Val) => Val } | undefined)?.contains : undefined;
    if (containsHook && (op === 'in' || op === 'not in')) {
      const r = containsHook(a);
      if (op === 'in' || r.kind !== 'bool') return r;
      return r.value ? FALSE : TRUE;
    }
    if ((op === 'is' || op === 'is not') && (a.kind === 'unknown' || b.kind === 'unknown')) {
      return this.lift([a, b], node, ([x, y]) => compareOp(op, x!, y!));
    }
    return this.lift([a, b], node, ([x, y]) => {
      const r = compareOp(op, x!, y!);
      if (r instanceof OpError && (op === 'in' || op === 'not in' || op === '==' || op === '!=')) {
        if (x!.kind === 'unknown' || y!.kind === 'unknown' || r.message === 'membership undecidable' || r.message === 'cannot compare') return new OpError('undecided');
      }
      return r;
    });
  }

  private evalComprehension(node: PyNode): Val {
    const body = node.childForFieldName('body')!;
    const clauses = node.namedChildren.filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
    const saved = this.frame;
    const scope = new Scope(saved.scope);
    this.frame = { ...saved, scope, globalNames: new Set() };
    const results: Val[] = [];
    let open: Val | undefined;
    const run = (i: number): void => {
      if (open) return;
      const c = clauses[i];
      if (!c) {
        if (node.type === 'dictionary_comprehension') {
          results.push(this.eval(body.childForFieldName('key')!), this.eval(body.childForFieldName('value')!));
        } else results.push(this.eval(body));
        return;
      }
      if (c.type === 'if_clause') {
        const v = this.eval(c.namedChildren[0]!);
        const t = truthy(v);
        if (t === undefined) open = v;
        else if (t) run(i + 1);
        return;
      }
      const it = this.eval(c.childForFieldName('right')!);
      const items = it.kind === 'unknown' ? undefined : iterate(it);
      if (!items || items.length > MAX_LOOP_ITEMS) {
        open = it.kind === 'unknown' ? it : this.fail(c, `cannot iterate over '${it.kind}'`);
        return;
      }
      for (const item of [...items]) {
        this.assignComprehensionTarget(c.childForFieldName('left')!, item);
        run(i + 1);
      }
    };
    try {
      run(0);
    } finally {
      this.frame = saved;
    }
    if (open) return withOrigin(unknownFrom([open], `comprehension over values that are not known`), this.span(node), envOfAll([open]));
    switch (node.type) {
      case 'dictionary_comprehension': {
        const d: Val = { kind: 'dict', entries: [] };
        for (let i = 0; i < results.length; i += 2) dictSet(d, results[i]!, results[i + 1]!);
        return d;
      }
      case 'set_comprehension': {
        const items: Val[] = [];
        for (const v of results) if (!items.some((x) => valuesEqual(x, v))) items.push(v);
        return { kind: 'set', items };
      }
      case 'generator_expression':
        return { kind: 'list', items: results };
      default:
        return { kind: 'list', items: results };
    }
  }

  private assignComprehensionTarget(target: PyNode, value: Val): void {
    if (target.type === 'identifier') {
      this.frame.scope.vars.set(target.text, { value });
      return;
    }
    const targets = target.namedChildren.filter((c) => c.type !== 'comment');
    const items = value.kind === 'unknown' ? undefined : iterate(value);
    targets.forEach((t, i) => this.assignComprehensionTarget(t, items && items.length === targets.length ? items[i]! : unknownFrom([value], 'unpacked from a value that is not known')));
  }

  // -------------------------------------------------------------------------------------------
  // Calls

  private evalCall(node: PyNode): Val {
    const fnNode = node.childForFieldName('function')!;
    let receiver: Val | undefined;
    let fn: Val;
    if (fnNode.type === 'attribute') {
      receiver = this.eval(fnNode.childForFieldName('object')!);
      fn = this.getAttr(receiver, fnNode.childForFieldName('attribute')!.text, fnNode);
    } else fn = this.eval(fnNode);
    const argsNode = node.childForFieldName('arguments');
    const call: CallArgs = { args: [], kwargs: new Map(), node };
    if (argsNode?.type === 'generator_expression') call.args.push(this.eval(argsNode));
    else if (argsNode) {
      for (const a of argsNode.namedChildren) {
        if (a.type === 'comment') continue;
        if (a.type === 'keyword_argument') call.kwargs.set(a.childForFieldName('name')!.text, this.eval(a.childForFieldName('value')!));
        else if (a.type === 'list_splat') {
          const v = this.eval(a.namedChildren[0]!);
          const items = v.kind === 'unknown' ? undefined : iterate(v);
          if (items) call.args.push(...items);
          else call.args.push(unknownFrom([v], 'unpacked arguments are not known'));
        } else if (a.type === 'dictionary_splat') {
          const v = this.eval(a.namedChildren[0]!);
          if (v.kind === 'dict') for (const e of v.entries) if (e.key.kind === 'str') call.kwargs.set(e.key.value, e.value);
        } else call.args.push(this.eval(a));
      }
    }
    const method = fnNode.type === 'attribute' ? fnNode.childForFieldName('attribute')!.text : '';
    if (receiver?.kind === 'unknown' && !MUTATING_METHODS.has(method)) {
      const viaAlternatives = this.callOnAlternatives(receiver, method, call, fnNode);
      if (viaAlternatives) return viaAlternatives;
    }
    return this.callValue(fn, call);
  }

  /** A method call on a merged value: computed per alternative, decided when they agree. */
  private callOnAlternatives(receiver: Extract<Val, { kind: 'unknown' }>, method: string, call: CallArgs, fnNode: PyNode): Val | undefined {
    const alts = receiver.alternatives;
    if (!alts || alts.length > 8 || alts.some((a) => a.kind === 'unknown' || refOf(a))) return undefined;
    const results = alts.map((a) => this.callValue(this.getAttr(a, method, fnNode), call));
    const reads = envOfAll([receiver, ...call.args]);
    if (results.every((r) => valuesEqual(r, results[0]!))) return withOrigin(results[0]!, this.span(call.node), reads);
    return withOrigin(unknown(receiver.reason, [...receiver.variables, ...results.flatMap((r) => decidingVariables(r))], results), this.span(call.node), reads);
  }

  callValue(fn: Val, call: CallArgs): Val {
    const inputs = [...call.args, ...call.kwargs.values()];
    if (fn.kind === 'unknown') return withOrigin(unknownFrom([fn, ...inputs], fn.reason), this.span(call.node), envOfAll([fn, ...inputs]));
    const ref = refOf(fn);
    if (!ref) return this.fail(call.node, `'${fn.kind}' object is not callable`, inputs);
    switch (ref.tag) {
      case 'native':
        return ref.call(call);
      case 'bound':
        return callMethod(this, ref.self, ref.name, call);
      case 'function':
        return this.callFunction(ref, call);
      case 'class':
        return obj(ref.name, { tag: 'native-object', typeName: ref.name, attrs: new Map() }, ref.name);
      case 'external':
        return withOrigin(unknown(`result of ${ref.name}()`, inputs.flatMap((v) => decidingVariables(v))), this.span(call.node), envOfAll(inputs));
      case 'native-object': {
        const callHook = (ref.data as { call?: (c: CallArgs) => Val } | undefined)?.call;
        if (callHook) return callHook(call);
        return this.fail(call.node, `'${ref.typeName}' object is not callable`, inputs);
      }
      case 'module':
        return this.fail(call.node, `'module' object is not callable`, inputs);
    }
  }

  private callFunction(ref: Extract<Ref, { tag: 'function' }>, call: CallArgs): Val {
    if (this.depth >= this.opts.maxDepth) {
      return this.fail(call.node, `call depth limit (${this.opts.maxDepth}) reached in ${ref.name}()`, call.args);
    }
    const scope = new Scope(ref.closure);
    const missing = this.bindParams(ref, call, scope);
    if (missing) return missing;
    const saved = this.frame;
    const frame: Frame = { code: ref.code, scope, globals: ref.globals, globalNames: new Set(), pending: [] };
    this.frame = frame;
    this.depth++;
    let result: Val = NONE;
    try {
      if (ref.isLambda) result = this.eval(ref.body);
      else this.execBlock(ref.body.namedChildren);
    } catch (e) {
      if (!(e instanceof ControlSignal) || e.kind !== 'return') throw e;
      result = e.value ?? NONE;
    } finally {
      this.depth--;
      this.frame = saved;
    }
    for (let i = frame.pending!.length - 1; i >= 0; i--) {
      const p = frame.pending![i]!;
      result = mergeValues(p.value, result, p.cond);
    }
    return result;
  }

  private bindParams(ref: Extract<Ref, { tag: 'function' }>, call: CallArgs, scope: Scope): Val | undefined {
    const args = [...call.args];
    const kwargs = new Map(call.kwargs);
    for (const p of ref.params) {
      if (p.kind === 'star') {
        scope.vars.set(p.name, { value: { kind: 'tuple', items: args.splice(0) } });
        continue;
      }
      if (p.kind === 'kwstar') {
        scope.vars.set(p.name, { value: { kind: 'dict', entries: [...kwargs].map(([k, v]) => ({ key: str(k), value: v })) } });
        kwargs.clear();
        continue;
      }
      let v: Val | undefined;
      if (!p.keywordOnly && args.length > 0) v = args.shift();
      else if (kwargs.has(p.name)) {
        v = kwargs.get(p.name);
        kwargs.delete(p.name);
      } else v = p.defaultValue;
      if (!v) return this.fail(call.node, `${ref.name}() missing argument '${p.name}' (TypeError)`, call.args);
      scope.vars.set(p.name, { value: v });
    }
    return undefined;
  }
}

function withOriginScalar(v: Val, span: Span, reads: EnvRead[]): Val {
  if (v.kind === 'list' || v.kind === 'dict' || v.kind === 'set' || v.kind === 'tuple') return reads.length ? withOrigin(v, span, reads) : v;
  return withOrigin(v, span, reads);
}

function mergeUnknown(a: Val, b: Val): Val {
  return unknownFrom([a, b], a.kind === 'unknown' ? a.reason : 'comparison not known');
}

function mergeMeta(a: BindingMeta | undefined, b: BindingMeta | undefined): BindingMeta | undefined {
  if (!a || !b) return a ?? b;
  const same = (x: Span, y: Span): boolean => x.file === y.file && x.start.offset === y.start.offset;
  let common = 0;
  while (common < a.history.length && common < b.history.length && same(a.history[common]!, b.history[common]!)) common++;
  const extraA = a.history.slice(common);
  const extraB = b.history.slice(common);
  if (extraA.length === 0 && extraB.length === 0) return a;
  const chosen = extraA.length > 0 ? a : b;
  return { span: chosen.span, valueSpan: chosen.valueSpan, history: [...a.history.slice(0, common), ...extraA, ...extraB] };
}

/** The identifier a chain like `X['a'].b[0]` is rooted at. */
export function rootName(node: PyNode | null | undefined): PyNode | undefined {
  let n = node ?? undefined;
  while (n && (n.type === 'attribute' || n.type === 'subscript' || n.type === 'call')) {
    n = (n.type === 'attribute' ? n.childForFieldName('object') : n.type === 'subscript' ? n.childForFieldName('value') : n.childForFieldName('function')) ?? undefined;
  }
  return n?.type === 'identifier' ? n : undefined;
}

function collectTargetNames(node: PyNode, out: Map<string, PyNode>): void {
  if (node.type === 'identifier') out.set(node.text, node);
  else if (node.type === 'subscript' || node.type === 'attribute') {
    const r = rootName(node);
    if (r) out.set(r.text, r);
  } else for (const c of node.namedChildren) collectTargetNames(c, out);
}

function lastName(node: PyNode): string {
  if (node.type === 'attribute') return node.childForFieldName('attribute')?.text ?? '';
  if (node.type === 'identifier') return node.text;
  if (node.type === 'call') return lastName(node.childForFieldName('function')!);
  return node.text;
}

function shortText(node: PyNode): string {
  const t = node.text.replace(/\s+/g, ' ');
  return t.length > 40 ? `${t.slice(0, 37)}...` : t;
}

/**
 * The absolute module a relative import names: `from ..a import b` in package `x.y` is `x.a`.
 * Undefined when the dots climb above the top-level package.
 */
export function resolveRelativeImport(currentModule: string, isPackage: boolean, level: number, name: string): string | undefined {
  if (level === 0) return name || undefined;
  const parts = currentModule.split('.').filter(Boolean);
  if (!isPackage) parts.pop();
  for (let i = 1; i < level; i++) {
    if (parts.length === 0) return undefined;
    parts.pop();
  }
  if (parts.length === 0 && !name) return undefined;
  if (parts.length === 0) return level === 1 && !isPackage && currentModule.split('.').length === 1 ? undefined : undefined;
  return name ? `${parts.join('.')}.${name}` : parts.join('.');
}

/** An env source's entry as the settings see it; a placeholder value is no value at all. */
function fromEntry(e: EnvEntry): EnvLookupResult {
  const source = { span: e.span, layer: e.layer };
  if (e.value !== null && isPlaceholderValue(e.value)) return { raw: null, placeholder: true, decidedBy: 'env-source', source };
  return { raw: e.value, decidedBy: 'env-source', source };
}
