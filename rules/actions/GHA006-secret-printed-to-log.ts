import { defineRule } from '../../src/engine/rule.js';
import type { WorkflowEnvEntry } from '../../src/model/workflows/types.js';
import { SECURE_USE, judgedWorkflow, spanIn, stepLabel, stripComments } from './GHA0.common.js';

const SECRET_EXPR = /\$\{\{\s*secrets\.([\w-]+)\s*\}\}/;
// `bash -(?=[a-z]*x)[a-z]+\b` is `bash -[a-z]*x[a-z]*\b` without trying every x of the option cluster (issue 7).
export const XTRACE = /(?:^|[\s;&|])set\s+-[a-wyz]*x[a-z]*\b|(?:^|[\s;&|])set\s+-o\s+xtrace\b|\bbash\s+-(?=[a-z]*x)[a-z]+\b/m;

/** Environment variables holding a secret, per scope. */
function secretEnv(env: Map<string, WorkflowEnvEntry>): Set<string> {
  const out = new Set<string>();
  for (const [name, e] of env) if (/\$\{\{\s*secrets\./.test(e.value)) out.add(name);
  return out;
}

/**
 * Whether the shell command around [start, end) prints to the job log: it is an echo/printf whose
 * output is neither redirected (`>`, `>>`) nor piped into another command. Commands are split at
 * unquoted `;`, `&&`, `||` and `|` on the same line.
 */
function printsToLog(script: string, start: number, end: number): boolean {
  const lineStart = script.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = script.indexOf('\n', end);
  if (lineEnd < 0) lineEnd = script.length;
  const line = script.slice(lineStart, lineEnd);
  const segments: Array<{ from: number; to: number; next: string; redirect: boolean }> = [];
  let quote = '';
  let from = 0;
  let redirect = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"') i++;
      continue;
    }
    if (ch === '"' || ch === "'") { quote = ch; continue; }
    if (ch === '\\') { i++; continue; }
    if (ch === '>') redirect = true;
    const two = line.slice(i, i + 2);
    const sep = two === '&&' || two === '||' ? two : ch === ';' || ch === '|' ? ch : '';
    if (!sep) continue;
    segments.push({ from, to: i, next: sep, redirect });
    from = i + sep.length;
    i += sep.length - 1;
    redirect = false;
  }
  segments.push({ from, to: line.length, next: '', redirect });
  const at = start - lineStart;
  const seg = segments.find((g) => at >= g.from && at < g.to);
  if (!seg) return false;
  const text = line.slice(seg.from, seg.to);
  if (!/^\s*(?:sudo\s+)?(?:echo|printf)\b/.test(text)) return false;
  return !seg.redirect && seg.next !== '|';
}

export default defineRule({
  meta: {
    id: 'GHA006',
    name: 'SecretPrintedToLog',
    title: 'A workflow step prints a secret to the log',
    severity: 'medium',
    section: 'ci-cd',
    docs: {
      whatItDoes:
        "Reports `echo`/`printf` of `${{ secrets.X }}`, or of an environment variable set from a secret, whose output goes to the job log (not redirected to a file, not piped into a command such as `docker login --password-stdin`), and shell tracing (`set -x`, `bash -x`) in a step that has secrets in its environment or script.",
      whyIsThisBad:
        "GitHub masks a secret's exact text in logs, but only that text: a secret printed base64-encoded, split, URL-encoded, in JSON, or a multi-line private key printed line by line shows in clear to everyone who can read the run's logs (every reader of a public repository), and traced commands print the values they expand. Logs are kept for 90 days by default and copied into log archives.",
      example: '- run: |\n    set -x\n    echo "${{ secrets.DEPLOY_KEY }}"\n    curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com/deploy\n  env:\n    API_TOKEN: ${{ secrets.API_TOKEN }}',
      useInstead: '- run: |\n    echo "${{ secrets.DEPLOY_KEY }}" > ~/.ssh/id_ed25519   # to a file, never to the log\n    curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com/deploy\n  env:\n    API_TOKEN: ${{ secrets.API_TOKEN }}',
    },
    fix: 'Never print secrets: write them to a file with restrictive permissions or pipe them into the command that needs them; remove `set -x` from steps that handle secrets (or turn tracing off around them with `set +x`); register derived values with `::add-mask::` before they can appear.',
    references: [`${SECURE_USE}#using-secrets`, 'https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#masking-a-value-in-a-log'],
    tags: ['github-actions', 'security', 'secrets'],
  },
  scope: 'workflow',
  check(wf, ctx) {
    if (!judgedWorkflow(wf, ctx)) return;
    const wfSecrets = secretEnv(wf.env);
    for (const job of wf.jobs) {
      const jobSecrets = new Set([...wfSecrets, ...secretEnv(job.env)]);
      for (const step of job.steps) {
        if (!step.run) continue;
        const secrets = new Set([...jobSecrets, ...secretEnv(step.env)]);
        const script = stripComments(step.run.value);
        const label = stepLabel(job, step);
        let printed = false;
        const candidates: Array<{ from: number; to: number; name: string }> = [];
        for (const m of script.matchAll(new RegExp(SECRET_EXPR.source, 'g'))) candidates.push({ from: m.index, to: m.index + m[0].length, name: `secrets.${m[1]}` });
        for (const name of secrets) {
          for (const m of script.matchAll(new RegExp(`\\$\\{?${name.replace(/[^\w]/g, '')}\\b\\}?`, 'g'))) candidates.push({ from: m.index, to: m.index + m[0].length, name: `$${name} (a secret)` });
        }
        for (const c of candidates.sort((a, b) => a.from - b.from)) {
          if (!printsToLog(script, c.from, c.to)) continue;
          printed = true;
          ctx.report({
            message: `${label}: prints ${c.name} to the job log; masking hides only the exact text, so any transformed or multi-line form is readable by everyone who can see the logs`,
            span: spanIn(step.run, c.from, c.to),
            target: `${job.id}:${step.index}:${c.name}`,
          });
          break;
        }
        if (printed) continue;
        const trace = XTRACE.exec(script);
        const shellTrace = step.shell && /\bbash\s+-[a-z]*x/.test(step.shell.value) ? step.shell : undefined;
        if ((trace || shellTrace) && (secrets.size > 0 || SECRET_EXPR.test(script))) {
          ctx.report({
            message: `${label}: shell tracing (${trace ? trace[0].trim() : shellTrace!.value}) prints every command with its expanded values, and this step handles secrets`,
            span: trace ? spanIn(step.run, trace.index + (trace[0].length - trace[0].trimStart().length), trace.index + trace[0].length) : shellTrace!.span,
            target: `${job.id}:${step.index}:xtrace`,
          });
        }
      }
    }
  },
});
