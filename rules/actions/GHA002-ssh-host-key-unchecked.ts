import { defineRule } from '../../src/engine/rule.js';
import type { Span } from '../../src/core/position.js';
import type { WfString } from '../../src/model/workflows/types.js';
import { SECURE_USE, actionName, judgedWorkflow, spanIn, stepLabel, stripComments } from './GHA0.common.js';

/** ssh options (command line `-o X=Y` or ssh_config `X Y`) that accept any host key. */
const UNCHECKED = /StrictHostKeyChecking["']?(?:\s*=\s*|\s+)["']?(?:no|off|false)\b|UserKnownHostsFile["']?(?:\s*=\s*|\s+)["']?\/dev\/null\b/gi;
/** Actions built on drone-ssh: without `fingerprint` they skip host key verification. */
const FINGERPRINT_ACTIONS = new Set(['appleboy/ssh-action', 'appleboy/scp-action']);

export default defineRule({
  meta: {
    id: 'GHA002',
    name: 'SshHostKeyUnchecked',
    title: 'A workflow connects over ssh without checking the host key',
    severity: 'high',
    section: 'ci-cd',
    docs: {
      whatItDoes:
        "Reports `StrictHostKeyChecking=no` / `UserKnownHostsFile=/dev/null` in run scripts, in action inputs and in environment values (GIT_SSH_COMMAND), including the ssh_config form written to ~/.ssh/config, and appleboy/ssh-action or scp-action steps without a `fingerprint:` (those actions skip host key verification by default). `accept-new` and an `ssh-keyscan` at deploy time are trust-on-first-use on a fresh runner and not reported, but a known_hosts entry stored as a secret is the better fix.",
      whyIsThisBad:
        'The deploy key and every command sent (database migrations, secrets exported to the remote shell) go to whatever answers at that address: a hijacked DNS record, a compromised network path or a recycled cloud IP gets the deployment credentials and can serve a tampered release, and nobody is told, because the check that would notice was switched off.',
      example: '- run: ssh -o StrictHostKeyChecking=no deploy@${{ secrets.HOST }} ./deploy.sh',
      useInstead:
        '- run: |\n    mkdir -p ~/.ssh\n    echo "${{ secrets.SSH_KNOWN_HOSTS }}" >> ~/.ssh/known_hosts   # ssh-keyscan output checked once, stored as a secret\n    ssh deploy@${{ secrets.HOST }} ./deploy.sh',
    },
    fix: "Record the server's host key once (ssh-keyscan from a trusted network, checked against the server's own `ssh-keygen -lf`), store it as a secret or variable, write it to ~/.ssh/known_hosts before connecting, and remove the options; for appleboy actions set `fingerprint:` to the host key's SHA256 fingerprint.",
    references: ['https://man.openbsd.org/ssh_config#StrictHostKeyChecking', 'https://github.com/appleboy/ssh-action#using-host-fingerprint-verification', SECURE_USE],
    tags: ['github-actions', 'security', 'ssh'],
  },
  scope: 'workflow',
  check(wf, ctx) {
    if (!judgedWorkflow(wf, ctx)) return;
    const reported = new Set<string>();
    const scan = (s: WfString, where: string) => {
      const text = stripComments(s.value);
      for (const m of text.matchAll(UNCHECKED)) {
        const span: Span = spanIn(s, m.index, m.index + m[0].length);
        const key = `${span.file}:${span.start.offset}`;
        if (reported.has(key)) continue;
        reported.add(key);
        ctx.report({
          message: `${where}: ${m[0].replace(/\s+/g, ' ')} makes ssh accept any host key, so the deploy key and commands go to whoever answers at that address`,
          span,
          target: `${where}:${m[0].split(/[\s=]/)[0]}`,
        });
      }
    };
    for (const [name, e] of wf.env) if (e.scalar) scan({ value: e.value, span: e.span, pairSpan: e.span, scalar: e.scalar }, `env ${name}`);
    for (const job of wf.jobs) {
      for (const [name, e] of job.env) if (e.scalar) scan({ value: e.value, span: e.span, pairSpan: e.span, scalar: e.scalar }, `job ${job.id}: env ${name}`);
      for (const step of job.steps) {
        const label = stepLabel(job, step);
        if (step.run) scan(step.run, label);
        for (const [key, v] of step.with) scan(v, `${label}: ${key}`);
        for (const [name, e] of step.env) if (e.scalar) scan({ value: e.value, span: e.span, pairSpan: e.span, scalar: e.scalar }, `${label}: env ${name}`);
        const action = actionName(step);
        if (action && FINGERPRINT_ACTIONS.has(action) && !step.with.get('fingerprint')?.value.trim()) {
          ctx.report({
            message: `${label}: ${action} without fingerprint: does not verify the server's host key, so the deploy key and script go to whoever answers at that address`,
            span: step.uses!.span,
            target: `${job.id}:${step.index}:fingerprint`,
          });
        }
      }
    }
  },
});
