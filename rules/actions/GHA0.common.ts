import type { Span } from '../../src/core/position.js';
import type { RuleContext } from '../../src/engine/rule.js';
import type { Workflow, WorkflowJob, WorkflowStep, WfString } from '../../src/model/workflows/types.js';
import { followedOnLine, lineEnd } from '../../src/core/trim.js';
import { valueRangeSpan } from '../../src/parse/yaml-positions.js';

export const GH_DOCS = 'https://docs.github.com/en/actions';
export const SECURE_USE = `${GH_DOCS}/security-for-github-actions/security-guides/security-hardening-for-github-actions`;
export const WORKFLOW_SYNTAX = `${GH_DOCS}/writing-workflows/workflow-syntax-for-github-actions`;
export const SCRIPT_INJECTIONS = `${GH_DOCS}/concepts/security/script-injections`;

/** A `${{ ... }}` expression inside a string, with its inner text and index range. */
export interface Expression {
  inner: string;
  from: number;
  to: number;
}

/** Every `${{ ... }}` up to the first `}}` (as /\$\{\{([\s\S]*?)\}\}/g), by indexOf: linear (issue 7). */
export function expressions(text: string): Expression[] {
  const out: Expression[] = [];
  for (let from = text.indexOf('${{'); from >= 0; ) {
    const close = text.indexOf('}}', from + 3);
    if (close < 0) break;
    out.push({ inner: text.slice(from + 3, close).trim(), from, to: close + 2 });
    from = text.indexOf('${{', close + 2);
  }
  return out;
}

/** The span of characters [from, to) of a workflow string. */
export function spanIn(s: WfString, from: number, to: number): Span {
  return valueRangeSpan(s.scalar, from, to);
}

/**
 * Contexts an outside attacker writes (GitHub's script-injection guidance and the GitHub Security
 * Lab's list of untrusted input): titles, bodies, branch names, commit messages and author names,
 * with the events that carry them. `*` stands for an array index or a wildcard.
 */
const UNTRUSTED: Array<{ re: RegExp; events: string[] }> = [
  { re: /^github\.event\.issue\.(?:title|body)$/, events: ['issues', 'issue_comment'] },
  { re: /^github\.event\.pull_request\.(?:title|body|head\.ref|head\.label|head\.repo\.default_branch|head\.repo\.description|head\.repo\.homepage)$/, events: ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'] },
  { re: /^github\.event\.comment\.body$/, events: ['issue_comment', 'pull_request_review_comment', 'commit_comment', 'discussion_comment'] },
  { re: /^github\.event\.review\.body$/, events: ['pull_request_review'] },
  { re: /^github\.event\.review_comment\.body$/, events: ['pull_request_review_comment'] },
  { re: /^github\.event\.discussion\.(?:title|body)$/, events: ['discussion', 'discussion_comment'] },
  { re: /^github\.event\.pages\[[^\]]*\]\.page_name$|^github\.event\.pages\.\*\.page_name$/, events: ['gollum'] },
  { re: /^github\.event\.commits\[[^\]]*\]\.(?:message|author\.email|author\.name)$|^github\.event\.commits\.\*\.(?:message|author\.email|author\.name)$/, events: ['push'] },
  { re: /^github\.event\.head_commit\.(?:message|author\.email|author\.name|committer\.email|committer\.name)$/, events: ['push'] },
  { re: /^github\.head_ref$/, events: ['pull_request', 'pull_request_target'] },
  { re: /^github\.event\.workflow_run\.(?:head_branch|display_title|head_commit\.(?:message|author\.email|author\.name))$/, events: ['workflow_run'] },
];

/** Dotted references in an expression (github.event.issue.title, env.TITLE, secrets.X ...). */
export function references(inner: string): string[] {
  // Strings inside the expression are not references.
  const code = inner.replace(/'(?:[^']|'')*'/g, "''");
  return dottedPaths(code);
}

const isWord = (c: string | undefined) => c !== undefined && /\w/.test(c);

/**
 * The matches of /[A-Za-z_][\w-]*(?:\.[\w*-]+|\[[^\]]*\])+/g, by one scan (issue 7: the regex
 * rescans a run of word characters from each of its letters, and the rest of the text from every
 * unclosed `[`). All starts in one run of [\w-] reach the same end of the run, so one try per run.
 */
export function dottedPaths(code: string): string[] {
  const out: string[] = [];
  const lastClose = code.lastIndexOf(']');
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    if (!(/[A-Za-z_]/.test(c))) { i++; continue; }
    let run = i + 1;
    while (run < code.length && (isWord(code[run]) || code[run] === '-')) run++;
    let end = run;
    for (;;) {
      if (code[end] === '.' && (isWord(code[end + 1]) || code[end + 1] === '*' || code[end + 1] === '-')) {
        end += 2;
        while (isWord(code[end]) || code[end] === '*' || code[end] === '-') end++;
      } else if (code[end] === '[' && end < lastClose) {
        end = code.indexOf(']', end + 1) + 1;
      } else break;
    }
    if (end > run) {
      out.push(code.slice(i, end));
      i = end;
    } else i = run;
  }
  return out;
}

/** Whether a context is attacker-controlled, and for which of the workflow's events. */
export function untrustedContext(ref: string, wf: Workflow): boolean {
  const hit = UNTRUSTED.find((u) => u.re.test(ref));
  if (!hit) return false;
  const events = new Set(wf.triggers.map((t) => t.event));
  // A reusable workflow runs with its caller's event; with no readable trigger, assume any.
  if (events.size === 0 || events.has('workflow_call')) return true;
  return hit.events.some((e) => events.has(e));
}

/** Scripts a step runs: `run:`, and actions/github-script's `script:` (JavaScript). */
export function stepScripts(step: WorkflowStep): Array<{ text: WfString; language: 'shell' | 'javascript' }> {
  const out: Array<{ text: WfString; language: 'shell' | 'javascript' }> = [];
  if (step.run) out.push({ text: step.run, language: 'shell' });
  const script = step.with.get('script');
  if (script && step.uses?.owner?.toLowerCase() === 'actions' && step.uses.repo === 'github-script') out.push({ text: script, language: 'javascript' });
  return out;
}

/** Actions that run commands on a remote host over ssh (their `script:`/`command:` is a remote shell script). */
export const SSH_ACTIONS = new Set(['appleboy/ssh-action', 'appleboy/scp-action', 'garygrossgarten/github-action-ssh', 'easingthemes/ssh-deploy', 'burnett01/rsync-deployments', 'fifsky/ssh-action', 'cross-the-world/ssh-scp-ssh-pipelines']);

export function actionName(step: WorkflowStep): string | undefined {
  const u = step.uses;
  if (!u || u.kind !== 'action' || !u.owner || !u.repo) return undefined;
  return `${u.owner}/${u.repo}`.toLowerCase();
}

/** Shell text a step runs here or on a remote host: `run:`, and an ssh action's script/command. */
export function shellTexts(step: WorkflowStep): WfString[] {
  const out: WfString[] = [];
  if (step.run) out.push(step.run);
  const name = actionName(step);
  if (name && SSH_ACTIONS.has(name)) for (const key of ['script', 'command', 'script_after', 'SCRIPT_AFTER']) { const v = step.with.get(key); if (v) out.push(v); }
  return out;
}

/** Actions that deploy by themselves. */
const DEPLOY_ACTIONS = new Set([
  'appleboy/ssh-action', 'appleboy/scp-action', 'easingthemes/ssh-deploy', 'burnett01/rsync-deployments', 'garygrossgarten/github-action-ssh',
  'akhileshns/heroku-deploy', 'superfly/flyctl-actions', 'aws-actions/amazon-ecs-deploy-task-definition', 'google-github-actions/deploy-cloudrun',
  'google-github-actions/deploy-appengine', 'azure/webapps-deploy', 'azure/k8s-deploy', 'azure/container-apps-deploy-action', 'einaregilsson/beanstalk-deploy',
  'dokku/github-action', 'digitalocean/app_action', 'deliverybot/helm', 'cloudflare/wrangler-action', 'fifsky/ssh-action', 'cross-the-world/ssh-scp-ssh-pipelines',
]);

/** What a deploy-command pattern gives: where the command starts and its text (as RegExp.exec does). */
export interface CommandMatch {
  index: number;
  0: string;
}
export interface CommandMatcher {
  exec(text: string): CommandMatch | null;
}

/**
 * `\bHEAD\s+(?:[^SEP]*\s)?TAIL\b` in linear time (issue 7): that regex rescans the rest of the line
 * from every HEAD, quadratic on a long line of HEADs. Same answer: within each run of text between
 * separators, the first HEAD (whitespace after it) that a whitespace-led TAIL follows, up to the last
 * such TAIL (the regex's greedy `[^SEP]*`). `head` must match `\bHEAD\s` and `tail` `\sTAIL\b`
 * (with the g flag); both are linear. test/gha-commands.test.ts compares them with the regexes.
 */
export function headThenTail(head: RegExp, tail: RegExp, separators: string): CommandMatcher {
  return {
    exec(text) {
      let start = 0;
      while (start <= text.length) {
        let end = start;
        while (end < text.length && !separators.includes(text[end]!)) end++;
        const segment = text.slice(start, end);
        const h = head.exec(segment);
        if (h) {
          tail.lastIndex = h.index + h[0].length - 1;
          let last: RegExpExecArray | null = null;
          for (let t = tail.exec(segment); t; t = tail.exec(segment)) {
            last = t;
            if (t[0].length === 0) tail.lastIndex++;
          }
          if (last) return { index: start + h.index, 0: segment.slice(h.index, last.index + last[0].length) };
        }
        start = end + 1;
      }
      return null;
    },
  };
}

/** The leftmost match of several matchers (as one regex alternation gives). */
export function leftmost(...matchers: CommandMatcher[]): CommandMatcher {
  return {
    exec(text) {
      let best: CommandMatch | null = null;
      for (const m of matchers) {
        const r = m.exec(text);
        if (r && (!best || r.index < best.index)) best = r;
      }
      return best;
    },
  };
}

const COMMAND_SEPARATORS = '\n|;&';

const SSH_HEAD = /(?:^|[\s;&|(`])ssh\s+(?=\S)/gm;

/**
 * /(?:^|[\s;&|(`])ssh\s+(?![^\n]*\bgit@github\.com)[^\s\n][^\n]*\/m (ssh to a host, not to GitHub)
 * in linear time (issue 7: the regex rescans the line for git@github.com from every ssh on it, and
 * from every blank after it): a git@github.com is looked up among the ones found in one pass.
 */
export const SSH_COMMAND: CommandMatcher = {
  exec(text) {
    const github = [...text.matchAll(/\bgit@github\.com/g)].map((m) => m.index);
    let g = 0;
    let end = -1;
    SSH_HEAD.lastIndex = 0;
    for (let h = SSH_HEAD.exec(text); h; h = SSH_HEAD.exec(text)) {
      SSH_HEAD.lastIndex = h.index + 1;
      const from = h.index + h[0].length;
      if (from > end) end = lineEnd(text, from);
      while (g < github.length && github[g]! < from) g++;
      if (g < github.length && github[g]! < end) continue;
      return { index: h.index, 0: text.slice(h.index, end) };
    }
    return null;
  },
};

const COPY_HEAD = /(?:^|[\s;&|(`])(?:scp|rsync)\s/gm;

/**
 * /(?:^|[\s;&|(`])(?:scp|rsync)\s[^\n]*\s[\w.${}-]+@[\w.${}-]+:/m (a copy to user@host:) in linear
 * time (issue 7: the regex rescans the line from every scp on it). The greedy `[^\n]*` takes the last
 * user@host: that starts on the line (its blank may be the line break); once a line has none, later
 * scp/rsync on it have none either.
 */
export const COPY_COMMAND: CommandMatcher = {
  exec(text) {
    let failedTo = -1;
    COPY_HEAD.lastIndex = 0;
    for (let h = COPY_HEAD.exec(text); h; h = COPY_HEAD.exec(text)) {
      COPY_HEAD.lastIndex = h.index + 1;
      const from = h.index + h[0].length;
      if (from <= failedTo) continue;
      const end = lineEnd(text, from);
      // A user@host: that starts on this line ends before the next blank, at the latest on the next line.
      const window = text.slice(from, end < text.length ? lineEnd(text, end + 1) : end);
      let last: RegExpMatchArray | undefined;
      for (const t of window.matchAll(/\s[\w.${}-]+@[\w.${}-]+:/g)) if (from + t.index <= end) last = t;
      if (last) return { index: h.index, 0: text.slice(h.index, from + last.index! + last[0].length) };
      failedTo = end;
    }
    return null;
  },
};

/** Commands that deploy (to a host, a cluster or a platform). */
const DEPLOY_COMMANDS: Array<[RegExp | CommandMatcher, string]> = [
  [SSH_COMMAND, 'ssh to a host'],
  [COPY_COMMAND, 'copies files to a host'],
  [headThenTail(/\bkubectl\s/, /\s(?:apply|set\s+image|rollout\s+restart|replace|create|patch)\b/g, COMMAND_SEPARATORS), 'kubectl'],
  [headThenTail(/\bhelm\s/, /\s(?:upgrade|install)\b/g, COMMAND_SEPARATORS), 'helm upgrade'],
  [headThenTail(/\b(?:fly|flyctl)\s/, /\sdeploy\b/g, COMMAND_SEPARATORS), 'fly deploy'],
  [
    leftmost(
      { exec: (t) => /\bheroku\s+(?:container:release|container:push|releases|run)\b/.exec(t) },
      headThenTail(/\bgit\s+push\s/, /\s(?:heroku|dokku)\b/g, '\n'),
      headThenTail(/\bgit\s+push\s/, /(?:heroku\.com|dokku@)/g, '\n'),
    ),
    'heroku/dokku',
  ],
  [/\beb\s+deploy\b/, 'eb deploy'],
  [/\baws\s+ecs\s+update-service\b|\baws\s+deploy\s+create-deployment\b|\baws\s+lambda\s+update-function-code\b/, 'aws deploy'],
  [headThenTail(/\bgcloud\s/, /\s(?:run\s+deploy|app\s+deploy|run\s+services\s+update|compute\s+ssh)\b/g, COMMAND_SEPARATORS), 'gcloud deploy'],
  [/\baz\s+(?:webapp\s+(?:deploy|up|config\s+container\s+set)|containerapp\s+(?:update|up))\b/, 'az deploy'],
  [/\bansible-playbook\b/, 'ansible-playbook'],
  [headThenTail(/\bterraform\s/, /\sapply\b/g, COMMAND_SEPARATORS), 'terraform apply'],
  [/\b(?:serverless|sls)\s+deploy\b|\bzappa\s+(?:update|deploy)\b/, 'serverless deploy'],
  [leftmost({ exec: (t) => /\bkamal\s+(?:deploy|redeploy)\b|\bcap\s+\w+\s+deploy\b/.exec(t) }, headThenTail(/\bfab\s/, /\bdeploy\b/g, '\n')), 'deploy tool'],
  [/\bdocker\s+(?:stack\s+deploy|service\s+update)\b/, 'docker stack deploy'],
  [leftmost({ exec: (t) => /\brailway\s+up\b|\brender\s+deploys?\s+create\b/.exec(t) }, headThenTail(/\bvercel\s/, /--prod\b/g, '\n')), 'platform deploy'],
];
const PUBLISH_COMMANDS: Array<[RegExp, string]> = [[/\bdocker\s+(?:image\s+)?push\b/, 'docker push']];

export interface DeploySignal {
  step: WorkflowStep;
  what: string;
  span: Span;
}

/** Words in a job's id or name that say it deploys (publishing an image or a release is not deploying). */
export const DEPLOY_WORDS = /(?:^|[^a-z])(?:deploy\w*|prod|production|rollout)(?:$|[^a-z])/i;

/**
 * The first step that deploys: an ssh/ssh-action to a host, kubectl/helm, a platform CLI or action;
 * `docker push` counts only in a job named for deploying (deploy, production, rollout).
 */
export function deploySignal(job: WorkflowJob): DeploySignal | undefined {
  const named = DEPLOY_WORDS.test(job.id) || DEPLOY_WORDS.test(job.name?.value ?? '');
  for (const step of job.steps) {
    const name = actionName(step);
    if (name && DEPLOY_ACTIONS.has(name)) return { step, what: name, span: step.uses!.span };
    if (name === 'docker/build-push-action' && named && /^true$/i.test(step.with.get('push')?.value.trim() ?? '')) return { step, what: 'docker/build-push-action with push', span: step.uses!.span };
    if (!step.run) continue;
    const script = stripComments(step.run.value);
    for (const [re, what] of [...DEPLOY_COMMANDS, ...(named ? PUBLISH_COMMANDS : [])]) {
      const m = re.exec(script);
      if (!m) continue;
      const from = m.index + (m[0].length - m[0].trimStart().length);
      return { step, what, span: spanIn(step.run, from, Math.min(from + m[0].trim().length, step.run.value.length)) };
    }
  }
  return undefined;
}

/** Shell comments removed, keeping every other character at its index (spaces in place of comments). */
export function stripComments(script: string): string {
  return script.replace(/(^|[\s;])#[^\n]*/g, (m, pre: string) => pre + ' '.repeat(m.length - pre.length));
}

/** Commands that run the test suite. */
export const TEST_COMMAND = /\b(?:pytest|py\.test|tox|nox)\b|manage\.py\s+test\b|-m\s+(?:pytest|unittest|django\s+test)\b|\bmake\s+(?:test|check|ci)\b|\bcoverage\s+run\b|\bruntests(?:\.py)?\b|\b(?:npm|yarn|pnpm)\s+(?:run\s+)?test\b|\bjust\s+test\b|\binvoke\s+test\b/;
/** Commands that check migrations before applying them. */
export const MIGRATION_CHECK = {
  /**
   * /manage\.py\s+makemigrations\b[^\n]*--check|manage\.py\s+migrate\b[^\n]*--(?:check|plan)\b|\bmakemigrations\b[^\n]*--check/
   * .test in linear time (issue 7); the first alternative is a case of the third.
   */
  test(s: string): boolean {
    return followedOnLine(s, /manage\.py\s+migrate\b/g, /--(?:check|plan)\b/g) || followedOnLine(s, /\bmakemigrations\b/g, /--check/g);
  },
};
/** Applying Django migrations. */
export const MIGRATE = /(?:manage\.py|django-admin)\s+migrate\b(?![^\n]*--(?:check|plan)\b)/;

/** Whether a job runs tests or migration checks (in its steps, or by calling a reusable workflow of that name). */
export function jobTests(job: WorkflowJob, workflows: Workflow[], seen = new Set<WorkflowJob>()): boolean {
  if (seen.has(job)) return false;
  seen.add(job);
  for (const step of job.steps) {
    for (const t of shellTexts(step)) {
      const s = stripComments(t.value);
      if (TEST_COMMAND.test(s) || MIGRATION_CHECK.test(s)) return true;
    }
    const name = actionName(step);
    if (name && /test|pytest|tox/.test(name)) return true;
  }
  if (job.uses) {
    if (job.uses.kind === 'local' || job.uses.raw.startsWith('./')) {
      const path = job.uses.raw.replace(/^\.\//, '').split('@')[0]!;
      const called = workflows.find((w) => w.file === path);
      if (called) return called.jobs.some((j) => jobTests(j, workflows, seen));
    }
    // A remote reusable workflow cannot be read: it may run the tests, so it counts.
    return true;
  }
  return false;
}

/** Whether a workflow rule should judge this workflow (GitHub runs none of an invalid file). */
export function judgedWorkflow(wf: Workflow, ctx: RuleContext): boolean {
  if (wf.role === 'development') {
    ctx.notApplicable('configured as development');
    return false;
  }
  if (wf.problems.length > 0) {
    ctx.notApplicable('the workflow file is invalid (GHA001)');
    return false;
  }
  return true;
}

/** "job deploy, step Migrate": the step's name, else its id, else its position (1-based). */
export function stepLabel(job: WorkflowJob, step: WorkflowStep): string {
  return `job ${job.id}, step ${step.name?.value ?? step.id?.value ?? step.index + 1}`;
}
