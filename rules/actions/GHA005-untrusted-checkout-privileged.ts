import { defineRule } from '../../src/engine/rule.js';
import { lineEnd } from '../../src/core/trim.js';
import { SECURE_USE, actionName, expressions, judgedWorkflow, leftmost, spanIn, stepLabel, stripComments } from './GHA0.common.js';

/** Expressions naming the pull request's (or triggering run's) own code. */
const HEAD_REF = /github\.event\.pull_request\.head\.(?:sha|ref)|github\.event\.pull_request\.merge_commit_sha|github\.head_ref|github\.event\.workflow_run\.head_(?:sha|branch)|github\.event\.workflow_run\.head_repository\.full_name|github\.event\.pull_request\.head\.repo\.full_name|github\.event\.number|github\.event\.pull_request\.number|github\.event\.issue\.number/;
/** A job condition that excludes forks. */
const SAME_REPO_ONLY = /head\.repo\.full_name\s*==\s*github\.repository\b|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name|!\s*github\.event\.pull_request\.head\.repo\.fork\b|github\.event\.pull_request\.head\.repo\.fork\s*==\s*false/;
const GIT_FETCH = /\bgit\s+(?:fetch|checkout|switch|pull)\b/g;
const HEAD_WORD = /head\.sha|head\.ref|head_ref|head_sha|head_branch|merge_commit_sha/g;

/**
 * Shell commands that fetch the pull request's code: the leftmost match of
 * /\bgh\s+pr\s+checkout\b|\bgit\s+(?:fetch|checkout|switch|pull)\b[^\n]*(?:refs\/pull\/|\$\{\{[^}]*(?:head\.sha|head\.ref|head_ref|head_sha|head_branch|merge_commit_sha)[^}]*\}\})/
 * in linear time (issue 7: the regex rescans the line from every git command on it, and the text from
 * every `${{` to its `}`). The greedy `[^\n]*` ends the match at the last refs/pull/ or `${{ ...head... }}`
 * that starts on the line; an expression's end is its first `}`, and whether a head word comes before
 * it is known from one pass over the text between the `}`s.
 */
export const SHELL_CHECKOUT = leftmost({ exec: (t) => /\bgh\s+pr\s+checkout\b/.exec(t) }, {
  exec(text) {
    let failedTo = -1;
    let close = -1; // the first `}` after the expressions looked at so far (text.length: none)
    let lastWord = -1; // the start of the last head word between them and that `}`
    GIT_FETCH.lastIndex = 0;
    for (let h = GIT_FETCH.exec(text); h; h = GIT_FETCH.exec(text)) {
      GIT_FETCH.lastIndex = h.index + 1;
      const from = h.index + h[0].length;
      if (from <= failedTo) continue;
      const end = lineEnd(text, from);
      const line = text.slice(from, end);
      let best = line.lastIndexOf('refs/pull/');
      let bestEnd = best < 0 ? -1 : from + best + 'refs/pull/'.length;
      for (let q = line.indexOf('${{'); q >= 0; q = line.indexOf('${{', q + 1)) {
        const inner = from + q + 3;
        if (close < inner) {
          const next = text.indexOf('}', inner);
          close = next < 0 ? text.length : next;
          lastWord = -1;
          for (const w of text.slice(inner, close).matchAll(HEAD_WORD)) lastWord = inner + w.index;
        }
        if (text[close + 1] === '}' && lastWord >= inner && q > best) {
          best = q;
          bestEnd = close + 2;
        }
      }
      if (best >= 0) return { index: h.index, 0: text.slice(h.index, bestEnd) };
      failedTo = end;
    }
    return null;
  },
});

export default defineRule({
  meta: {
    id: 'GHA005',
    name: 'UntrustedCheckoutPrivileged',
    title: 'pull_request_target or workflow_run checks out the pull request\'s code',
    severity: 'high',
    section: 'ci-cd',
    docs: {
      whatItDoes:
        "In workflows triggered by `pull_request_target` or `workflow_run`, reports an actions/checkout whose `ref:` or `repository:` names the pull request's head (head.sha, head.ref, github.head_ref, refs/pull/N/merge, the triggering run's head_sha), and `git fetch`/`git checkout`/`gh pr checkout` of it in a run script. Jobs whose `if:` admits only pull requests from the repository itself (`head.repo.full_name == github.repository`, `!head.repo.fork`) are not reported; a checkout into a separate path is, since build tools still read its configuration.",
      whyIsThisBad:
        "These triggers run with the base repository's secrets and a read-write token even for pull requests from forks. Checking out the fork's code there and then building, testing or installing it (`pip install -e .`, `npm install`, a conftest.py, a Makefile) runs the attacker's code with those secrets: a drive-by pull request can steal deploy keys or push to the default branch (the \"pwn request\").",
      example: "on: pull_request_target\njobs:\n  test:\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: pip install -r requirements.txt && pytest",
      useInstead: "on: pull_request          # untrusted code runs without secrets\njobs:\n  test:\n    steps:\n      - uses: actions/checkout@v4\n      - run: pip install -r requirements.txt && pytest\n# comment or label from a separate workflow_run workflow that only reads the uploaded artifact",
    },
    fix: 'Run untrusted code under `pull_request` (read-only token, no secrets); if results must be posted back, upload them as an artifact and publish them from a `workflow_run` workflow that never checks out or executes the pull request\'s code.',
    references: ['https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/', `${SECURE_USE}#understanding-the-risk-of-script-injections`, 'https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#pull_request_target'],
    tags: ['github-actions', 'security', 'supply-chain'],
  },
  scope: 'workflow',
  check(wf, ctx) {
    if (!judgedWorkflow(wf, ctx)) return;
    const privileged = wf.triggers.filter((t) => t.event === 'pull_request_target' || t.event === 'workflow_run');
    if (privileged.length === 0) {
      ctx.notApplicable('not triggered by pull_request_target or workflow_run');
      return;
    }
    const trigger = privileged.map((t) => t.event).join(' and ');
    for (const job of wf.jobs) {
      // Jobs that only run for pull requests from the repository itself (not forks) run trusted code.
      if (job.if && SAME_REPO_ONLY.test(job.if.value)) continue;
      for (const step of job.steps) {
        const label = stepLabel(job, step);
        if (actionName(step) === 'actions/checkout') {
          for (const key of ['ref', 'repository']) {
            const v = step.with.get(key);
            if (!v) continue;
            const x = expressions(v.value).find((e) => HEAD_REF.test(e.inner)) ?? (/refs\/pull\//.test(v.value) ? { from: 0, to: v.value.length, inner: v.value } : undefined);
            if (!x) continue;
            ctx.report({
              message: `${label}: checks out the pull request's code (${key}: ${v.value.trim()}) in a workflow triggered by ${trigger}, which has the repository's secrets and a write token: any code it then builds or runs is the attacker's`,
              span: spanIn(v, x.from, x.to),
              target: `${job.id}:${step.index}:${key}`,
            });
            break;
          }
        }
        if (step.run) {
          const m = SHELL_CHECKOUT.exec(stripComments(step.run.value));
          if (m) {
            ctx.report({
              message: `${label}: fetches the pull request's code (${m[0].trim()}) in a workflow triggered by ${trigger}, which has the repository's secrets and a write token: any code it then builds or runs is the attacker's`,
              span: spanIn(step.run, m.index, m.index + m[0].length),
              target: `${job.id}:${step.index}:run`,
            });
          }
        }
      }
    }
  },
});
