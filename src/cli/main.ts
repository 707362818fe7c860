import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildChecklist, formatChecklistMarkdown, formatChecklistText } from '../checklist/checklist.js';
import { loadConfig } from '../config/load.js';
import { ConfigError, type AuditConfig } from '../config/types.js';
import { SEVERITY_ORDER, type Severity } from '../core/finding.js';
import { BASELINE_FILE, BaselineError, makeBaseline, parseBaseline, type Baseline } from '../engine/baseline.js';
import { compareResults } from '../engine/compare.js';
import { loadRules } from '../engine/registry.js';
import type { AuditResult } from '../engine/result.js';
import { makeSanitizer } from '../report/common.js';
import { formatGithub } from '../report/github.js';
import { formatJson } from '../report/json.js';
import { formatJunit } from '../report/junit.js';
import { formatMarkdown } from '../report/markdown.js';
import { rulePage } from '../report/rule-docs.js';
import { ruleHelpText } from '../report/rule-help.js';
import { formatSarif } from '../report/sarif.js';
import { parseCliArgs, USAGE, UsageError, useColor, type CliOptions } from './args.js';
import { runAudit } from './audit.js';
import type { ParseAheadMode } from '../parse/python-ahead.js';
import { checkoutBase, DiffBaseError } from './diff-base.js';
import { stdWriter } from './stdio.js';
import { TOOL_VERSION } from './version.js';

/** Where the CLI writes and what environment it sees (tests pass their own). */
export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** A problem the user must fix before the audit can run: printed, exit 2. */
class CliError extends Error {}

/** Runs the CLI and returns the exit code: 0 gate passes, 1 gate fails, 2 usage/config/internal error. */
export async function main(argv: string[], io: CliIO = { stdout: stdWriter(1), stderr: stdWriter(2), env: process.env }): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCliArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`audit-deploy: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (opts.version) {
    io.stdout.write(`${TOOL_VERSION}\n`);
    return 0;
  }
  try {
    switch (opts.command) {
      case 'rules':
        return await listRules(opts, io);
      case 'explain':
        return await explainRule(opts, io);
      default:
        return await audit(opts, io);
    }
  } catch (err) {
    if (err instanceof CliError || err instanceof ConfigError || err instanceof DiffBaseError) {
      io.stderr.write(`audit-deploy: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/**
 * AUDIT_DEPLOY_PARSE_AHEAD=never|always overrides when Python is parsed on a second thread (README,
 * Performance): for diagnosis, and for the tests that compare reports made both ways.
 */
function parseAheadMode(env: NodeJS.ProcessEnv): ParseAheadMode | undefined {
  const v = env.AUDIT_DEPLOY_PARSE_AHEAD;
  return v === 'never' || v === 'always' || v === 'auto' ? v : undefined;
}

async function audit(opts: CliOptions, io: CliIO): Promise<number> {
  if (!isDirectory(opts.path)) throw new CliError(`${opts.path}: not a directory`);
  const config = loadConfig(opts.path, opts.config);
  // --max-time wins over the configuration's max-time.
  if (opts.maxTime !== undefined) config.maxTime = opts.maxTime;
  const progress = makeProgress(io);
  const minScore = opts.minScore ?? config.minScore;
  const failOn = opts.failOn ?? config.failOn;
  const parseAhead = parseAheadMode(io.env);

  if (opts.command === 'baseline') {
    const file = opts.baseline ?? config.baseline ?? join(opts.path, BASELINE_FILE);
    const result = await runAudit({ root: opts.path, settings: opts.settings, threshold: minScore, config, inlineSuppressions: opts.inlineSuppressions, onProgress: progress.stage, parseAhead });
    progress.done();
    const baseline = makeBaseline(result.findings);
    write(file, JSON.stringify(baseline, null, 2) + '\n');
    const n = baseline.entries.reduce((s, e) => s + e.count, 0);
    io.stdout.write(`audit-deploy: wrote ${file}: ${n} finding${n === 1 ? '' : 's'} in ${baseline.entries.length} entr${baseline.entries.length === 1 ? 'y' : 'ies'}; later runs report only new ones\n`);
    return 0;
  }

  const baseline = loadBaselineFor(opts, config);
  const result = await runAudit({
    root: opts.path,
    settings: opts.settings,
    threshold: minScore,
    config,
    inlineSuppressions: opts.inlineSuppressions,
    ...(baseline ? { baseline } : {}),
    onProgress: progress.stage,
    parseAhead,
  });
  if (opts.diffBase) {
    progress.stage(`auditing ${opts.diffBase}`);
    const base = checkoutBase(opts.path, opts.diffBase);
    try {
      const before = await runAudit({ root: base.dir, settings: opts.settings, threshold: minScore, config, inlineSuppressions: opts.inlineSuppressions, parseAhead });
      result.comparison = compareResults(opts.diffBase, before, result);
    } finally {
      base.dispose();
    }
  }
  progress.done();
  if (opts.failOnNew && !result.comparison && !result.baseline) throw new CliError('--fail-on-new needs --diff-base REF or a baseline');

  if (opts.command === 'checklist') {
    const checklist = buildChecklist(result, config.attestations);
    const clean = makeSanitizer(result.root, result.secrets);
    const text = opts.format === 'json' ? JSON.stringify(checklist, null, 2) + '\n' : opts.format === 'markdown' ? formatChecklistMarkdown(checklist, clean) : formatChecklistText(checklist, clean);
    emit(opts, io, text, result);
    return gatePasses(result, { failOn, failOnNew: opts.failOnNew }) ? 0 : 1;
  }

  if (opts.command === 'files') {
    // Only what the commit touches: the rest of the repository is the readiness hook's business.
    const wanted = new Set(opts.files.map((f) => relative(resolve(opts.path), resolve(f)).split('\\').join('/')));
    result.findings = result.findings.filter((f) => wanted.has(f.span.file));
    result.notices = result.notices.filter((n) => {
      const file = n.file ?? n.span?.file;
      return file === undefined || wanted.has(file);
    });
  }

  // Only the text report has colour, so only it asks whether standard output is a terminal (for
  // /dev/null, a character device, that question loads node:tty and node:net: ~4 ms).
  const color = opts.format === 'text' && !opts.output && useColor(opts.color, () => Boolean(io.stdout.isTTY), io.env);
  const pathPrefix = relative(process.cwd(), resolve(opts.path)).split('\\').join('/');
  const report = await render(result, opts.format, { color, secrets: result.secrets, pathPrefix: pathPrefix.startsWith('..') ? '' : pathPrefix, linkBase: githubLinkBase(io.env) });
  emit(opts, io, report, result);
  if (opts.command === 'files') {
    const worst = failOn ? SEVERITY_ORDER.indexOf(failOn) : SEVERITY_ORDER.length - 1;
    return result.findings.some((f) => f.status === 'fail' && SEVERITY_ORDER.indexOf(f.severity) <= worst) ? 1 : 0;
  }
  return gatePasses(result, { failOn, failOnNew: opts.failOnNew }) ? 0 : 1;
}

function emit(opts: CliOptions, io: CliIO, report: string, result: AuditResult & { secrets: string[] }): void {
  if (opts.output) write(opts.output, report);
  else io.stdout.write(report);
  if (opts.sarifOutput) write(opts.sarifOutput, formatSarif(result, { secrets: result.secrets }));
}

function write(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    // Where the report goes is the caller's choice: a path we cannot write is a usage error.
    throw new CliError(`cannot write the report to ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The baseline in use: --baseline, the configuration's, or the default file when it exists. */
function loadBaselineFor(opts: CliOptions, config: AuditConfig): { baseline: Baseline; file: string } | undefined {
  const explicit = opts.baseline ?? config.baseline;
  const file = explicit ?? join(opts.path, BASELINE_FILE);
  if (!explicit && !existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the baseline ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return { baseline: parseBaseline(text), file: relative(resolve(opts.path), resolve(file)).split('\\').join('/') || file };
  } catch (err) {
    if (err instanceof BaselineError) throw new CliError(`${file}: ${err.message}`);
    throw err;
  }
}

/** Links for Markdown reports inside GitHub Actions (blob URLs at the commit being checked). */
function githubLinkBase(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
  return server && repo && sha ? `${server}/${repo}/blob/${sha}/` : undefined;
}

async function render(result: AuditResult, format: CliOptions['format'], opts: { color: boolean; secrets: string[]; pathPrefix: string; linkBase?: string }): Promise<string> {
  switch (format) {
    case 'json':
      return formatJson(result, opts);
    case 'sarif':
      return formatSarif(result, opts);
    case 'markdown':
      return formatMarkdown(result, opts);
    case 'github':
      return formatGithub(result, opts);
    case 'junit':
      return formatJunit(result, opts);
    default: {
      // Loaded only for the text report: chalk's terminal detection pulls in node:tty and the stream
      // modules, start-up time a machine-readable report does not need.
      const { formatText } = await import('../report/text.js');
      return formatText(result, opts);
    }
  }
}

/**
 * The gate: a failing blocker or a score under the threshold fails (the readiness status says
 * which); --fail-on additionally fails on any failing finding at or above that severity.
 * With --fail-on-new, or whenever a baseline is in use, only new findings count: those not at the
 * --diff-base revision (or not in the baseline), at or above --fail-on when given.
 * A repository with nothing to judge passes.
 */
export function gatePasses(result: AuditResult, opts: { failOn?: Severity; failOnNew?: boolean }): boolean {
  const atLeast = (severity: Severity) => !opts.failOn || SEVERITY_ORDER.indexOf(severity) <= SEVERITY_ORDER.indexOf(opts.failOn);
  if (opts.failOnNew && result.comparison) return !result.comparison.newFindings.some((f) => atLeast(f.severity));
  if (result.baseline) return !result.findings.some((f) => f.status === 'fail' && atLeast(f.severity));
  if (result.readiness.status === 'NOT READY') return false;
  if (opts.failOn) {
    const hit = result.findings.some((f) => f.status === 'fail' && atLeast(f.severity));
    if (hit) return false;
  }
  return true;
}

async function listRules(opts: CliOptions, io: CliIO): Promise<number> {
  const rules = await loadRules();
  if (opts.format === 'json') {
    const list = rules.map((r) => ({ id: r.meta.id, name: r.meta.name, title: r.meta.title, severity: r.meta.severity, section: r.meta.section, scope: r.scope, tags: r.meta.tags }));
    io.stdout.write(JSON.stringify(list, null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  for (const r of rules) io.stdout.write(`${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(7)}  ${r.meta.section.padEnd(18)}  ${r.meta.title}\n`);
  io.stdout.write(`\n${rules.length} rules; \`audit-deploy explain ID\` shows one in full\n`);
  return 0;
}

async function explainRule(opts: CliOptions, io: CliIO): Promise<number> {
  const rules = await loadRules();
  const rule = rules.find((r) => r.meta.id === opts.ruleId);
  if (!rule) {
    const near = rules.filter((r) => r.meta.id.startsWith(opts.ruleId!.replace(/\d+$/, ''))).map((r) => r.meta.id).slice(0, 8);
    throw new CliError(`no rule ${opts.ruleId}${near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : ''}; \`audit-deploy rules\` lists them`);
  }
  if (opts.format === 'markdown') io.stdout.write(rulePage(rule));
  else {
    const m = rule.meta;
    io.stdout.write(`${m.id} ${m.name}: ${m.title}\nseverity ${m.severity} · section ${m.section}${m.djangoCheck ? ` · mirrors ${[m.djangoCheck].flat().join(', ')}` : ''}\n\n${ruleHelpText(m)}\n`);
  }
  return 0;
}

/**
 * A progress line on stderr for long runs: only on a terminal, never under CI (CI=true), and only
 * once the run has taken a noticeable time, so quick runs print nothing extra.
 */
function makeProgress(io: CliIO): { stage: (what: string) => void; done: () => void } {
  // Whether standard error is a terminal is asked only once a run has gone on that long: on a
  // character device the question loads node:tty, start-up time a quick run need not spend.
  let enabled: boolean | undefined;
  const started = Date.now();
  let shown = false;
  return {
    stage(what: string) {
      if (enabled === false || Date.now() - started < 200) return;
      enabled ??= !io.env.CI && io.env.TERM !== 'dumb' && Boolean(io.stderr.isTTY);
      if (!enabled) return;
      io.stderr.write(`\r\x1b[Kaudit-deploy: ${what}…`);
      shown = true;
    },
    done() {
      if (shown) io.stderr.write('\r\x1b[K');
    },
  };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
