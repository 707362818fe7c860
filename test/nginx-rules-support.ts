import type { Finding } from '../src/core/finding.js';
import type { Span } from '../src/core/position.js';
import type { Rule, RuleContext } from '../src/engine/rule.js';
import type { NginxConfig, NginxContext, NginxDirective, NginxVersion } from '../src/model/nginx/types.js';
import type { DeploymentModel } from '../src/model/types.js';
import { parseNginx, type ParsedDirective } from '../src/parse/nginx/parse.js';

/**
 * Test support for the nginx rules (NGX010+): a configuration from text with H1's parser, parents
 * set the way the model builder sets them (no includes), and a rule run that collects findings.
 */
export interface ConfigOptions {
  file?: string;
  context?: NginxContext;
  role?: 'production' | 'development';
  template?: boolean;
  version?: Partial<NginxVersion> & { major: number; minor: number };
}

function adopt(list: ParsedDirective[], parent: NginxDirective | undefined): NginxDirective[] {
  return list.map((p) => {
    const d: NginxDirective = { name: p.name, args: p.args, span: p.span, nameSpan: p.nameSpan, parent, includedFrom: [] };
    if (p.rawBody !== undefined) d.rawBody = p.rawBody;
    if (p.block) d.block = adopt(p.block, d);
    return d;
  });
}

export function configFrom(text: string, opts: ConfigOptions = {}): NginxConfig {
  const file = opts.file ?? 'nginx/nginx.conf';
  const parsed = parseNginx(file, text);
  if (parsed.problems.length > 0) throw new Error(`test config does not parse: ${parsed.problems.map((p) => p.message).join('; ')}`);
  const span: Span = { file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } };
  const config: NginxConfig = {
    mainFile: file,
    files: [file],
    span,
    context: opts.context ?? (/^\s*(?:http|events)\s*\{/m.test(text) ? 'main' : 'http'),
    directives: adopt(parsed.directives, undefined),
    problems: [],
    template: opts.template ?? false,
    role: opts.role ?? 'production',
  };
  if (opts.version) config.version = { text: `${opts.version.major}.${opts.version.minor}`, source: 'test', span, ...opts.version };
  return config;
}

export function modelOf(configs: NginxConfig[], extra: Partial<DeploymentModel> = {}): DeploymentModel {
  return { root: '/repo', files: [], djangoProjects: [], nginx: configs, systemdUnits: [], appServers: [], parseProblems: [], notices: [], ...extra };
}

export interface Hit {
  line: number;
  status: 'fail' | 'unknown';
  message: string;
  span: Span;
}

/** Run one rule over every nginx configuration of a model; findings sorted by line. */
export function runNginxRule(rule: Rule, model: DeploymentModel): Hit[] {
  const hits: Hit[] = [];
  for (const config of model.nginx) {
    const ctx: RuleContext = {
      report: (i) => hits.push({ line: i.span.start.line, status: 'fail', message: i.message, span: i.span }),
      unknown: (i) => hits.push({ line: i.span.start.line, status: 'unknown', message: i.message, span: i.span }),
      notApplicable: () => {},
    };
    (rule as Rule<'nginx'>).check(config, ctx, model);
  }
  return hits.sort((a, b) => a.line - b.line);
}

/** Lines (1-based) a rule fires on for one configuration text. */
export function linesOf(rule: Rule, text: string, opts: ConfigOptions = {}, extra: Partial<DeploymentModel> = {}): number[] {
  return runNginxRule(rule, modelOf([configFrom(text, opts)], extra)).map((h) => h.line);
}

export type { Finding };
