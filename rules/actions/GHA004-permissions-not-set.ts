import { defineRule } from '../../src/engine/rule.js';
import { SECURE_USE, WORKFLOW_SYNTAX, judgedWorkflow } from './GHA0.common.js';

const TOKEN_DOCS = `${WORKFLOW_SYNTAX}#permissions`;

export default defineRule({
  meta: {
    id: 'GHA004',
    name: 'PermissionsNotSet',
    title: "The workflow's token permissions are not restricted",
    severity: 'medium',
    section: 'ci-cd',
    docs: {
      whatItDoes:
        'Reports a workflow in which no `permissions:` is set, neither at the top nor on the jobs (once, at the top of the file), jobs without `permissions:` when the workflow sets none and other jobs do, and `permissions: write-all` anywhere. A reusable workflow (`on: workflow_call` only) gets its token from its caller and is not judged.',
      whyIsThisBad:
        "Without `permissions:` the GITHUB_TOKEN gets the repository's default, which is read-write on contents, packages, deployments and more for every organisation and repository created before February 2023 that has not changed it (and for any that chose the permissive setting): one compromised action or injected script can push commits, rewrite releases or publish packages instead of only reading the code.",
      example: 'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest',
      useInstead: 'on: push\npermissions:\n  contents: read\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n      id-token: write   # only what this job needs',
    },
    fix: 'Add `permissions: contents: read` (or `permissions: {}`) at the top of the workflow and grant each job only the scopes it needs (id-token: write for cloud OIDC, packages: write to push images, security-events: write for SARIF).',
    references: [TOKEN_DOCS, 'https://docs.github.com/en/actions/security-guides/automatic-token-authentication', 'https://github.blog/changelog/2023-02-02-github-actions-updating-the-default-github_token-permissions-to-read-only', SECURE_USE],
    tags: ['github-actions', 'security', 'least-privilege'],
  },
  scope: 'workflow',
  check(wf, ctx) {
    if (!judgedWorkflow(wf, ctx)) return;
    if (!wf.root || wf.jobs.length === 0) return;
    if (wf.triggers.length > 0 && wf.triggers.every((t) => t.event === 'workflow_call')) {
      ctx.notApplicable('reusable workflow: the caller sets the token permissions');
      return;
    }
    if (wf.permissions?.kind === 'write-all') {
      ctx.report({ message: 'permissions: write-all gives every job a token that can push code, rewrite releases and publish packages', span: wf.permissions.span, target: 'workflow:write-all' });
    }
    for (const job of wf.jobs) {
      if (job.permissions?.kind === 'write-all') {
        ctx.report({ message: `job ${job.id}: permissions: write-all gives its token write access to everything in the repository`, span: job.permissions.span, target: `${job.id}:write-all` });
      }
    }
    if (wf.permissions) return;
    const without = wf.jobs.filter((j) => !j.permissions);
    if (without.length === 0) return;
    if (without.length === wf.jobs.length) {
      ctx.report({
        message: `no permissions: in this workflow: every job's GITHUB_TOKEN gets the repository default, often read-write on contents, packages and deployments; set permissions: contents: read at the top and grant jobs only what they need`,
        span: wf.span,
        target: 'workflow:permissions',
      });
      return;
    }
    for (const job of without) {
      ctx.report({
        message: `job ${job.id} has no permissions: and the workflow sets none: its GITHUB_TOKEN gets the repository default, often read-write`,
        span: job.idSpan,
        target: `${job.id}:permissions`,
      });
    }
  },
});
