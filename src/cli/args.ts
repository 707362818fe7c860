import { parseArgs } from 'node:util';
import type { Severity } from '../core/finding.js';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'markdown' | 'github' | 'junit';

/** What the invocation asks for: an audit (the default), or one of the subcommands. */
export type Command = 'audit' | 'baseline' | 'checklist' | 'rules' | 'explain' | 'files';

export const COMMANDS: readonly Command[] = ['baseline', 'checklist', 'rules', 'explain', 'files'];

export interface CliOptions {
  command: Command;
  /** The rule id for `explain`. */
  ruleId?: string;
  /** For `files`: the files whose findings are reported (relative to the current directory). */
  files: string[];
  path: string;
  config?: string;
  inlineSuppressions: boolean;
  baseline?: string;
  diffBase?: string;
  failOnNew: boolean;
  format: OutputFormat;
  output?: string;
  sarifOutput?: string;
  settings?: string;
  minScore?: number;
  failOn?: Severity;
  /** Wall-clock budget of the audit, in seconds. */
  maxTime?: number;
  color: 'auto' | 'always' | 'never';
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: audit-deploy [PATH] [options]
       audit-deploy baseline [PATH] [--baseline FILE]
       audit-deploy checklist [PATH] [--format text|json|markdown]
       audit-deploy rules [--format text|json]
       audit-deploy explain RULE_ID
       audit-deploy files FILE...   (pre-commit: audit the repository in the current directory,
                                     report and gate only findings in FILEs)

Audit a Django repository's deployment configuration without running it.

Options:
  --format FORMAT            text (default), json, sarif, markdown, github (workflow annotations), junit
  --output FILE              write the report to FILE instead of stdout
  --sarif-output FILE        also write a SARIF 2.1.0 report to FILE (suppressed results left out)
  --settings MODULE          the settings module production uses (e.g. config.settings.production)
  --min-score N              readiness needed to pass, 0-100 (default: 80)
  --fail-on SEVERITY         also fail on any finding at or above blocker|high|medium|low
  --max-time SECONDS         stop after SECONDS (default: 60): what was not read or checked is
                             named in a notice and reported unknown, never passed
  --config FILE              configuration file (default: nearest .audit-deploy.yml or
                             pyproject.toml [tool.audit-deploy], up to the git root)
  --no-inline-suppressions   ignore "# audit-deploy: ignore[ID] -- reason" comments
  --baseline FILE            report only findings not in FILE (default: .audit-deploy-baseline.json
                             in PATH when it exists); \`audit-deploy baseline\` writes it
  --diff-base REF            compare with the repository at git REF (work tree untouched): readiness
                             change, newly failing and newly fixed items
  --fail-on-new              with --diff-base or a baseline: fail only on new findings
  --color auto|always|never  colour in text output (default: auto; honours NO_COLOR and FORCE_COLOR)
  -h, --help                 show this help
  -v, --version              show the version

Exit status: 0 the gate passes, 1 it fails (not ready, score below --min-score, a finding at or
above --fail-on, or with --fail-on-new a new finding), 2 usage, configuration or internal error.
A directory named like a subcommand is audited as ./NAME.
`;

const FORMATS: OutputFormat[] = ['text', 'json', 'sarif', 'markdown', 'github', 'junit'];
const SEVERITIES: Severity[] = ['blocker', 'high', 'medium', 'low'];

export function parseCliArgs(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        output: { type: 'string', short: 'o' },
        'sarif-output': { type: 'string' },
        settings: { type: 'string' },
        'min-score': { type: 'string' },
        'fail-on': { type: 'string' },
        'max-time': { type: 'string' },
        color: { type: 'string' },
        config: { type: 'string' },
        'no-inline-suppressions': { type: 'boolean' },
        baseline: { type: 'string' },
        'diff-base': { type: 'string' },
        'fail-on-new': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values } = parsed;
  const positionals = [...parsed.positionals];
  let command: Command = 'audit';
  if (positionals.length > 0 && (COMMANDS as readonly string[]).includes(positionals[0]!)) command = positionals.shift() as Command;
  let ruleId: string | undefined;
  if (command === 'explain') {
    ruleId = positionals.shift();
    if (!ruleId) throw new UsageError('explain needs a rule id, e.g. audit-deploy explain DJ018');
    ruleId = ruleId.toUpperCase();
  }
  if (command === 'rules' && positionals.length > 0) throw new UsageError(`rules takes no PATH, got ${positionals.join(' ')}`);
  let files: string[] = [];
  if (command === 'files') {
    files = positionals.splice(0);
  }
  if (positionals.length > 1) throw new UsageError(`expected at most one PATH, got ${positionals.length}: ${positionals.join(' ')}`);

  const format = (values.format ?? 'text') as OutputFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${values.format}"`);

  let minScore: number | undefined;
  if (values['min-score'] !== undefined) {
    minScore = Number(values['min-score']);
    if (!/^\d+(\.\d+)?$/.test(values['min-score']) || minScore > 100) {
      throw new UsageError(`--min-score must be a number from 0 to 100, not "${values['min-score']}"`);
    }
  }

  let maxTime: number | undefined;
  if (values['max-time'] !== undefined) {
    maxTime = Number(values['max-time']);
    if (!/^\d+(\.\d+)?$/.test(values['max-time']) || !(maxTime > 0)) {
      throw new UsageError(`--max-time must be a number of seconds above 0, not "${values['max-time']}"`);
    }
  }

  const failOn = values['fail-on'] as Severity | undefined;
  if (failOn !== undefined && !SEVERITIES.includes(failOn)) {
    throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}, not "${values['fail-on']}"`);
  }

  const color = (values.color ?? 'auto') as CliOptions['color'];
  if (!['auto', 'always', 'never'].includes(color)) throw new UsageError(`--color must be auto, always or never, not "${values.color}"`);

  if (values.settings !== undefined && !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(values.settings)) {
    throw new UsageError(`--settings must be a dotted module name like config.settings.production, not "${values.settings}"`);
  }

  const allowed: Record<Command, OutputFormat[]> = {
    audit: FORMATS,
    baseline: ['text'],
    checklist: ['text', 'json', 'markdown'],
    rules: ['text', 'json'],
    explain: ['text', 'markdown'],
    files: ['text', 'json', 'github'],
  };
  if (!allowed[command].includes(format)) throw new UsageError(`${command === 'audit' ? 'the audit' : command} supports --format ${allowed[command].join(', ')}, not ${format}`);

  return {
    command,
    ...(ruleId ? { ruleId } : {}),
    files,
    config: values.config,
    inlineSuppressions: !values['no-inline-suppressions'],
    baseline: values.baseline,
    diffBase: values['diff-base'],
    failOnNew: values['fail-on-new'] ?? false,
    path: positionals[0] ?? '.',
    format,
    output: values.output,
    sarifOutput: values['sarif-output'],
    settings: values.settings,
    minScore,
    failOn,
    ...(maxTime !== undefined ? { maxTime } : {}),
    color,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

/**
 * Colour decision for `--color auto`: FORCE_COLOR wins when set ("0"/"false" turn colour off,
 * anything else on), then a non-empty NO_COLOR turns it off, then a terminal turns it on. The
 * terminal is asked last and only then: on a character device that takes node:tty (src/cli/stdio.ts).
 */
export function useColor(mode: CliOptions['color'], isTTY: () => boolean, env: NodeJS.ProcessEnv): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY();
}
