import { defineRule } from '../../src/engine/rule.js';
import { boolAttr } from './TF.common.js';

export default defineRule({
  meta: {
    id: 'TF009',
    name: 'TerraformS3BackendUnencrypted',
    title: 'The S3 state backend does not ask for encryption of the state file',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        'Reports a `backend "s3"` block inside `terraform { }` whose `encrypt` is `false` or not set. A partial backend configuration (no `bucket` in the block: the rest comes from `terraform init -backend-config`) is not judged, nor is a directory whose path says dev/local/test/example.',
      whyIsThisBad:
        'The state file holds every resource attribute in clear text, database passwords and generated secrets included. `encrypt = true` makes Terraform request server-side encryption for it instead of relying on whatever default the bucket happens to have.',
      example: 'terraform {\n  backend "s3" {\n    bucket = "acme-tfstate"\n    key    = "prod.tfstate"\n  }\n}',
      useInstead: 'terraform {\n  backend "s3" {\n    bucket  = "acme-tfstate"\n    key     = "prod.tfstate"\n    encrypt = true\n  }\n}',
    },
    fix: 'Add `encrypt = true` (and optionally `kms_key_id`) to the backend block, restrict access to the bucket, and run `terraform init -reconfigure`.',
    references: ['https://developer.hashicorp.com/terraform/language/backend/s3', 'https://developer.hashicorp.com/terraform/language/state/sensitive-data'],
    tags: ['terraform', 'aws', 'security', 'secrets'],
  },
  scope: 'terraform',
  check(mod, ctx) {
    if (mod.role === 'development') return;
    for (const tf of mod.terraformBlocks) {
      for (const b of tf.body.blocks) {
        if (b.type !== 'backend' || b.labels[0] !== 's3') continue;
        if (!b.body.attributes.some((a) => a.name === 'bucket')) continue;
        const a = boolAttr(mod, { block: b } as never, 'encrypt');
        const target = `backend.s3:${b.headerSpan.file}`;
        if (a.state === 'unknown') ctx.unknown({ message: `the S3 backend's encrypt is ${a.text}, not known statically`, span: a.span, variables: ['encrypt'], target });
        else if (a.state === 'absent' || a.state === 'null') ctx.report({ message: 'the S3 state backend does not set encrypt = true: the state file (with every secret Terraform manages) is not requested encrypted', span: b.headerSpan, target });
        else if (!a.value) ctx.report({ message: 'the S3 state backend sets encrypt = false: the state file (with every secret Terraform manages) is not requested encrypted', span: a.span, target });
      }
    }
  },
});
