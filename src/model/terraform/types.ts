import type { Span } from '../../core/position.js';
import type { HclBlock, HclBody, HclValue } from '../../parse/hcl.js';

export interface TerraformFileModel {
  file: string;
  body: HclBody;
}

/** A `variable "x" { default = ... }` declaration. */
export interface TerraformVariable {
  name: string;
  span: Span;
  default?: HclValue;
}

/** A value a .tfvars file gives a variable. */
export interface TfvarsValue {
  value: HclValue;
  file: string;
  /** terraform.tfvars or *.auto.tfvars: Terraform loads it by itself for the module in its directory. */
  autoLoaded: boolean;
}

/** A resource block: `resource "TYPE" "NAME" { ... }`. */
export interface TerraformResource {
  type: string;
  name: string;
  block: HclBlock;
  file: string;
}

/**
 * One Terraform module: the *.tf files of one directory (Terraform reads a directory as one module).
 */
export interface TerraformModule {
  dir: string;
  files: TerraformFileModel[];
  resources: TerraformResource[];
  /** `terraform { ... }` blocks. */
  terraformBlocks: HclBlock[];
  variables: Map<string, TerraformVariable>;
  /** Variable names some *.tfvars file of the repository sets (their default may be overridden). */
  tfvarsSet: Set<string>;
  /** The values *.tfvars files give each variable (a variable set in several files has several). */
  tfvarsValues: Map<string, TfvarsValue[]>;
  /** The values `module` blocks elsewhere in the repository pass to this directory (local `source = "./..."`), by variable. */
  moduleArgs: Map<string, TfvarsValue[]>;
  /** How many local `module` blocks call this directory. */
  moduleCalls: number;
  /** 'development' when the directory's path says dev/local/test/example (judged not at all). */
  role: 'production' | 'development';
}

/**
 * A value as a rule can know it: a literal (possibly reached through a variable default), or unknown.
 */
export type Resolved =
  | { known: true; value: HclValue; /** Set when the value is a variable's default. */ viaVariable?: string; span: Span }
  | {
      known: false;
      span: Span;
      text: string;
      /** When the value is one `var.x` and its default and every .tfvars value are literals: all the values it may take. */
      candidates?: HclValue[];
    };
