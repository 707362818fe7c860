import { defineRule } from '../../src/engine/rule.js';
import { WORKFLOW_SYNTAX } from './GHA0.common.js';

export default defineRule({
  meta: {
    id: 'GHA001',
    name: 'WorkflowSyntaxError',
    title: 'A GitHub Actions workflow file is invalid',
    severity: 'high',
    section: 'ci-cd',
    docs: {
      whatItDoes:
        'Reports YAML errors in `.github/workflows/*.yml` (bad indentation, an unterminated string, a key written twice, a tab used for indentation) and workflows GitHub cannot run at all: no `on:` or no `jobs:`.',
      whyIsThisBad:
        'GitHub marks the file "Invalid workflow file" and runs none of it: the tests, checks and deployment it holds silently stop happening, and on pull requests the required check may never report, blocking or (without branch protection) quietly skipping the gate.',
      example: 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "unterminated\n',
      useInstead: 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "done"\n',
    },
    fix: 'Fix the YAML at the reported line (actionlint or the Actions tab shows the same error) and make sure the workflow has both `on:` and `jobs:`.',
    references: [WORKFLOW_SYNTAX, 'https://yaml.org/spec/1.2.2/'],
    tags: ['github-actions', 'syntax'],
  },
  scope: 'workflow',
  check(wf, ctx) {
    if (wf.role === 'development') {
      ctx.notApplicable('configured as development');
      return;
    }
    for (const p of wf.problems) {
      ctx.report({
        message: `${p.message}: GitHub refuses this workflow file and runs none of its jobs`,
        span: p.span,
        target: p.code ?? p.message,
      });
    }
  },
});
