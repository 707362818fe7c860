import { statSync, writeFileSync } from 'node:fs';
import { SEVERITY_ORDER, type Severity } from '../core/finding.js';
import type { AuditResult } from '../engine/result.js';
import { formatJson } from '../report/json.js';
import { formatSarif } from '../report/sarif.js';
import { formatText } from '../report/text.js';
import { parseCliArgs, USAGE, UsageError, useColor, type CliOptions } from './args.js';
import { runAudit } from './audit.js';
import { TOOL_VERSION } from './version.js';

/** Where the CLI writes and what environment it sees (tests pass their own). */
export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

/** Runs the CLI and returns the exit code: 0 gate passes, 1 gate fails, 2 usage/internal error. */
export async function main(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
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
  if (!isDirectory(opts.path)) {
    io.stderr.write(`audit-deploy: ${opts.path}: not a directory\n`);
    return 2;
  }

  const result = await runAudit({ root: opts.path, settings: opts.settings, threshold: opts.minScore });
  const secrets = result.secrets;

  const color = !opts.output && useColor(opts.color, Boolean(io.stdout.isTTY), io.env);
  const report = render(result, opts.format, { color, secrets });
  try {
    if (opts.output) writeFileSync(opts.output, report);
    else io.stdout.write(report);
    if (opts.sarifOutput) writeFileSync(opts.sarifOutput, formatSarif(result, { secrets }));
  } catch (err) {
    // Where the report goes is the caller's choice: a path we cannot write is a usage error.
    io.stderr.write(`audit-deploy: cannot write the report: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }

  return gatePasses(result, opts) ? 0 : 1;
}

function render(result: AuditResult, format: CliOptions['format'], opts: { color: boolean; secrets: string[] }): string {
  switch (format) {
    case 'json':
      return formatJson(result, opts);
    case 'sarif':
      return formatSarif(result, opts);
    default:
      return formatText(result, opts);
  }
}

/**
 * The gate: a failing blocker or a score under the threshold fails (the readiness status says
 * which); --fail-on additionally fails on any failing finding at or above that severity.
 * A repository with nothing to judge passes.
 */
export function gatePasses(result: AuditResult, opts: Pick<CliOptions, 'failOn'>): boolean {
  if (result.readiness.status === 'NOT READY') return false;
  if (opts.failOn) {
    const worst = SEVERITY_ORDER.indexOf(opts.failOn);
    const hit = result.findings.some((f) => f.status === 'fail' && SEVERITY_ORDER.indexOf(f.severity as Severity) <= worst);
    if (hit) return false;
  }
  return true;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
