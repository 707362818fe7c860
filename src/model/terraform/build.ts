import { posix } from 'node:path';
import { trimEndChars } from '../../core/trim.js';
import type { Notice } from '../../core/finding.js';
import type { DiscoveredFile } from '../../discover/types.js';
import { parseHcl, type HclBody, type HclValue } from '../../parse/hcl.js';
import type { ModelSources } from '../build.js';
import type { ParseProblem } from '../settings-types.js';
import type { Resolved, TerraformModule, TerraformVariable, TfvarsValue } from './types.js';

const DEV_WORDS = /(?:^|[/._-])(?:dev|develop|development|local|test|tests|testing|example|examples|sample|samples|demo|fixtures?)(?:[/._-]|$)/i;

/** Terraform modules (one per directory holding *.tf files) and the *.tfvars variable names. */
export function buildTerraform(files: readonly DiscoveredFile[], sources: ModelSources, notices: Notice[] = []): { modules: TerraformModule[]; problems: ParseProblem[] } {
  const problems: ParseProblem[] = [];
  const byDir = new Map<string, TerraformModule>();
  const tfvarsSet = new Set<string>();
  const tfvarsValues = new Map<string, TfvarsValue[]>();
  const calls: Array<{ dir: string; file: string; body: HclBody }> = [];
  for (const f of files) {
    if (f.kind !== 'terraform' || f.path.split('/').includes('.terraform')) continue;
    if (f.path.endsWith('.json')) {
      notices.push({ kind: 'info', file: f.path, message: `${f.path}: Terraform JSON syntax is not read; the TF rules do not check it` });
      continue;
    }
    const src = sources.text(f.path);
    if (!src) continue;
    const parsed = parseHcl(src.text, src.path, src.lines);
    for (const p of parsed.problems) problems.push({ file: f.path, span: p.span, message: p.message, kind: 'syntax' });
    if (f.path.endsWith('.tfvars')) {
      for (const a of parsed.body.attributes) {
        tfvarsSet.add(a.name);
        const autoLoaded = /(?:^|\/)(?:terraform\.tfvars|[^/]*\.auto\.tfvars)$/.test(f.path);
        tfvarsValues.set(a.name, [...(tfvarsValues.get(a.name) ?? []), { value: a.value, file: f.path, autoLoaded }]);
      }
      continue;
    }
    if (!f.path.endsWith('.tf')) continue;
    const slash = f.path.lastIndexOf('/');
    const dir = slash < 0 ? '' : f.path.slice(0, slash);
    let mod = byDir.get(dir);
    if (!mod) {
      const configured = sources.configuredRole(f.path);
      const role = configured ?? (DEV_WORDS.test(dir) ? 'development' : 'production');
      mod = { dir, files: [], resources: [], terraformBlocks: [], variables: new Map(), tfvarsSet, tfvarsValues, moduleArgs: new Map(), moduleCalls: 0, role };
      byDir.set(dir, mod);
    }
    mod.files.push({ file: f.path, body: parsed.body });
    for (const b of parsed.body.blocks) {
      if (b.type === 'resource' && b.labels.length >= 2) mod.resources.push({ type: b.labels[0]!, name: b.labels[1]!, block: b, file: f.path });
      else if (b.type === 'terraform') mod.terraformBlocks.push(b);
      else if (b.type === 'module') calls.push({ dir, file: f.path, body: b.body });
      else if (b.type === 'variable' && b.labels.length >= 1) {
        const def = b.body.attributes.find((a) => a.name === 'default');
        const v: TerraformVariable = { name: b.labels[0]!, span: b.headerSpan, ...(def ? { default: def.value } : {}) };
        mod.variables.set(v.name, v);
      }
    }
  }
  // values passed to local child modules replace their variables' defaults
  const META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
  for (const c of calls) {
    const source = c.body.attributes.find((a) => a.name === 'source')?.value;
    if (!source || source.kind !== 'string' || source.interpolated || !/^\.\.?\//.test(source.value)) continue;
    const target = trimEndChars(posix.normalize(posix.join(c.dir || '.', source.value)), '/');
    const mod = byDir.get(target === '.' ? '' : target);
    if (!mod) continue;
    mod.moduleCalls++;
    for (const a of c.body.attributes) {
      if (META.has(a.name)) continue;
      mod.moduleArgs.set(a.name, [...(mod.moduleArgs.get(a.name) ?? []), { value: a.value, file: c.file, autoLoaded: false }]);
    }
  }
  return { modules: [...byDir.values()], problems };
}

function literal(v: HclValue): boolean {
  if (v.kind === 'expr') return false;
  if (v.kind === 'string') return !v.interpolated;
  if (v.kind === 'list') return v.items.every(literal);
  if (v.kind === 'object') return v.entries.every((e) => literal(e.value));
  return true;
}

/**
 * What a value is known to be. A `var.x` reference is known only when the module declares x with
 * a literal default and no *.tfvars file of the repository sets x (TF_VAR_x in the environment
 * could still; the rule's message says the default was used).
 */
export function resolveValue(mod: TerraformModule, v: HclValue): Resolved {
  // "${var.x}" (Terraform 0.11 style) is the variable itself
  const wrapped = v.kind === 'string' && v.interpolated ? /^\$\{\s*var\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}$/.exec(v.value) : null;
  if (wrapped) v = { kind: 'expr', text: `var.${wrapped[1]}`, variable: wrapped[1]!, span: v.span };
  if (literal(v)) return { known: true, value: v, span: v.span };
  if (v.kind === 'expr' && v.variable) {
    const decl = mod.variables.get(v.variable);
    const args = mod.moduleArgs.get(v.variable) ?? [];
    if (decl?.default && literal(decl.default) && !mod.tfvarsSet.has(v.variable) && args.length === 0) {
      return { known: true, value: decl.default, viaVariable: v.variable, span: v.span };
    }
    const given = [...(mod.tfvarsValues.get(v.variable) ?? []), ...args];
    // an auto-loaded file of the module's own directory, or every module call, replaces the default
    const replaced = given.some((g) => g.autoLoaded && dirOf(g.file) === mod.dir) || (mod.moduleCalls > 0 && args.length >= mod.moduleCalls);
    const def = replaced ? undefined : decl?.default;
    if (decl && given.every((g) => literal(g.value)) && (def === undefined ? given.length > 0 : literal(def))) {
      return { known: false, span: v.span, text: v.text, candidates: [...(def ? [def] : []), ...given.map((g) => g.value)] };
    }
  }
  return { known: false, span: v.span, text: v.kind === 'expr' ? v.text : 'an interpolated string' };
}

/** A body's attribute resolved; undefined when absent. */
export function resolvedAttr(mod: TerraformModule, body: HclBody, name: string): (Resolved & { attrSpan: import('../../core/position.js').Span }) | undefined {
  let found;
  for (const a of body.attributes) if (a.name === name) found = a;
  if (!found) return undefined;
  return { ...resolveValue(mod, found.value), attrSpan: found.span };
}

/** " (the default of variable x)" for messages. */
export function via(r: Resolved): string {
  return r.known && r.viaVariable ? ` (the default of variable "${r.viaVariable}", which no .tfvars file or module call sets)` : '';
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
