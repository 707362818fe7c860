import { defineRule } from '../../src/engine/rule.js';
import type { UsesRef } from '../../src/model/workflows/types.js';
import { SECURE_USE, judgedWorkflow, stepLabel } from './GHA0.common.js';

/** Owners whose actions GitHub itself publishes and maintains. */
const GITHUB_OWNED = new Set(['actions', 'github']);

export default defineRule({
  meta: {
    id: 'GHA008',
    name: 'ActionNotPinned',
    title: 'A third-party action is not pinned to a commit SHA',
    severity: 'medium',
    section: 'ci-cd',
    docs: {
      whatItDoes:
        "Reports `uses:` of third-party actions and reusable workflows whose reference is a tag or a branch (`@v4`, `@main`) or missing, rather than a full 40-character commit SHA. Actions published by GitHub itself (`actions/*`, `github/*`) are not reported: the same trust already covers the runner and the platform, and pinning them is a separate hardening choice. Local actions (`./...`) and `docker://` images are not judged.",
      whyIsThisBad:
        "A tag or branch is whatever its owner (or whoever takes over the account) points it at next: the tj-actions/changed-files compromise of March 2025 moved every tag to a commit that dumped the runner's secrets into the logs of thousands of repositories. A deploy job runs that code with the production credentials.",
      example: '- uses: appleboy/ssh-action@v1.0.3',
      useInstead: '- uses: appleboy/ssh-action@<full 40-character commit SHA of the release>  # v1.0.3',
    },
    fix: 'Pin each third-party action to the full commit SHA of a release you reviewed, with the version in a comment, and let Dependabot or Renovate propose updates (they keep SHA pins current).',
    references: [`${SECURE_USE}#using-third-party-actions`, 'https://github.com/advisories/GHSA-mrrh-fwg8-r2c3', 'https://docs.github.com/en/code-security/dependabot/working-with-dependabot/keeping-your-actions-up-to-date-with-dependabot'],
    tags: ['github-actions', 'security', 'supply-chain'],
  },
  scope: 'workflow',
  check(wf, ctx) {
    if (!judgedWorkflow(wf, ctx)) return;
    const judge = (u: UsesRef | undefined, where: string) => {
      if (!u || (u.kind !== 'action' && u.kind !== 'reusable') || !u.owner) return;
      if (GITHUB_OWNED.has(u.owner.toLowerCase())) return;
      if (u.ref && /^[0-9a-f]{40}$/i.test(u.ref)) return;
      if (u.ref && /\$\{\{/.test(u.ref)) return;
      ctx.report({
        message: u.ref
          ? `${where}: ${u.raw} follows the movable ref "${u.ref}": whoever controls ${u.owner}/${u.repo} decides what code runs here, with this job's secrets`
          : `${where}: ${u.raw} has no ref at all: pin it to a full commit SHA`,
        span: u.span,
        target: `${u.owner}/${u.repo}${u.path ? `/${u.path}` : ''}`,
      });
    };
    for (const job of wf.jobs) {
      judge(job.uses, `job ${job.id}`);
      for (const step of job.steps) judge(step.uses, stepLabel(job, step));
    }
  },
});
