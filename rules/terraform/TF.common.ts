import type { Span } from '../../src/core/position.js';
import type { RuleContext } from '../../src/engine/rule.js';
import type { HclValue } from '../../src/parse/hcl.js';
import { resolvedAttr, via } from '../../src/model/terraform/build.js';
import type { Resolved, TerraformModule, TerraformResource } from '../../src/model/terraform/types.js';

export const TF_AWS = 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources';

export const DB_TYPES = new Set(['aws_db_instance', 'aws_rds_cluster']);

/** Resources of the given types in a production module (development modules are not judged). */
export function resources(mod: TerraformModule, types: ReadonlySet<string>): TerraformResource[] {
  if (mod.role === 'development') return [];
  return mod.resources.filter((r) => types.has(r.type));
}

export function label(r: TerraformResource): string {
  return `${r.type}.${r.name}`;
}

/** A boolean as Terraform converts it ("true"/"false" strings included). */
function asBool(v: HclValue): boolean | undefined {
  if (v.kind === 'bool') return v.value;
  if (v.kind === 'string' && !v.interpolated && (v.value === 'true' || v.value === 'false')) return v.value === 'true';
  return undefined;
}

export type BoolAttr =
  | { state: 'absent' }
  | { state: 'known'; value: boolean; span: Span; note: string }
  | { state: 'null'; span: Span }
  | { state: 'unknown'; span: Span; text: string; variables: string[]; /** The values the variable may take (its default and .tfvars values), when all are literals. */ candidates?: Array<boolean | undefined> };

/** An attribute read as a boolean: absent, a known value (perhaps a variable's default), null or unknown. */
export function boolAttr(mod: TerraformModule, r: TerraformResource | { block: { body: TerraformResource['block']['body'] } }, name: string): BoolAttr {
  const a = resolvedAttr(mod, r.block.body, name);
  if (!a) return { state: 'absent' };
  return fromResolved(a, a.attrSpan);
}

function fromResolved(a: Resolved, attrSpan: Span): BoolAttr {
  if (!a.known) return { state: 'unknown', span: attrSpan, text: a.text, variables: variablesIn(a.text), ...(a.candidates ? { candidates: a.candidates.map((c) => (c.kind === 'null' ? false : asBool(c))) } : {}) };
  if (a.value.kind === 'null') return { state: 'null', span: attrSpan };
  const b = asBool(a.value);
  if (b === undefined) return { state: 'unknown', span: attrSpan, text: 'a non-boolean value', variables: [] };
  return { state: 'known', value: b, span: attrSpan, note: via(a) };
}

export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((m) => `var.${m[1]}`))];
}

/** Report an unknown boolean through ctx.unknown. */
export function unknownBool(ctx: RuleContext, r: TerraformResource, name: string, a: Extract<BoolAttr, { state: 'unknown' }>, target: string, bad: (value: boolean) => boolean): void {
  // Every value the variable may take (its default, the .tfvars files) is harmless: nothing to say.
  if (a.candidates && a.candidates.every((c) => c !== undefined && !bad(c))) return;
  const why = a.candidates ? 'whose default, .tfvars files and module calls give different values (one of them unsafe)' : 'whose value is not known statically';
  ctx.unknown({ message: `${label(r)}: ${name} is ${a.text}, ${why}`, span: a.span, variables: a.variables.length ? a.variables : [name], target });
}

/** A resource attribute's resolved value (for numbers, strings). */
export function valueAttr(mod: TerraformModule, r: TerraformResource, name: string): (Resolved & { attrSpan: Span }) | undefined {
  return resolvedAttr(mod, r.block.body, name);
}

/** `lifecycle { prevent_destroy = true }` on the resource: Terraform refuses to destroy or replace it. */
export function preventDestroy(mod: TerraformModule, r: TerraformResource): Span | undefined {
  for (const b of r.block.body.blocks) {
    if (b.type !== 'lifecycle') continue;
    const a = boolAttr(mod, { block: b } as never, 'prevent_destroy');
    if (a.state === 'known' && a.value) return a.span;
  }
  return undefined;
}
