import type { Finding, Notice } from '../core/finding.js';
import type { DeploymentModel, DjangoProject } from '../model/types.js';
import { computeReadiness } from '../score/readiness.js';
import { refoldOutcomes } from './configure.js';
import type { Readiness, RuleOutcome } from './result.js';
import type { Rule } from './rule.js';
import { compareFindings, runRules } from './run.js';
import { computeSections, projectSectionName, REPOSITORY_SECTION } from './sections.js';
import { applySuppressions, type Suppression } from './suppress.js';

/**
 * Readiness per environment (issue 5). Production is the headline and the gate. Every other
 * environment the repository describes (staging: src/model/environments.ts) re-runs the Django
 * project rules on its own evaluation of the settings (a project with no source for it runs there
 * as in production); its checklist is production's with those items replaced by the environment's
 * (the web tier, units, containers and CI items are the same files, judged once), scored with the
 * same formula. Informative: it never changes the exit code.
 */
export interface EnvironmentReport {
  name: string;
  /** True for production only: its readiness is the gate. */
  gate: boolean;
  readiness: Readiness;
  /** The settings each project runs in this environment, and the env files read. */
  projects: Array<{ root: string; service?: string; settingsModule: string; settingsFile: string; reason: string; envSources: string[] }>;
  /**
   * Findings of this environment that production does not have (another rule, line or Django
   * check): DEBUG on in staging only, a staging-only weak key. Empty for production, whose
   * findings are the run's.
   */
  findings: Finding[];
}

export interface EnvironmentInput {
  rules: Rule[];
  model: DeploymentModel;
  /** Per-environment variants of the projects (each carries its environment in settings.environment). */
  variants: DjangoProject[];
  /** Production's final outcomes and kept findings. */
  outcomes: RuleOutcome[];
  findings: Finding[];
  readiness: Readiness;
  inPath: (f: Finding) => boolean;
  suppressions: Suppression[];
  threshold: number;
}

export function evaluateEnvironments(input: EnvironmentInput): EnvironmentReport[] {
  const { model, variants } = input;
  const production: EnvironmentReport = {
    name: 'production',
    gate: true,
    readiness: input.readiness,
    projects: model.djangoProjects.map(settingsOf),
    findings: [],
  };
  const names = [...new Set(variants.map((v) => v.settings.environment))].sort();
  return [production, ...names.map((name) => otherEnvironment(name, input))];
}

function settingsOf(p: DjangoProject): EnvironmentReport['projects'][number] {
  return { root: projectSectionName(p.root), ...(p.service ? { service: p.service.name } : {}), settingsModule: p.production.module, settingsFile: p.production.file, reason: p.production.reason, envSources: p.envLayers.map((l) => l.name) };
}

function otherEnvironment(name: string, input: EnvironmentInput): EnvironmentReport {
  const mine = input.variants.filter((v) => v.settings.environment === name);
  const djangoRules = input.rules.filter((r) => r.scope === 'django');
  // A project the repository says nothing about for this environment runs there as in production,
  // so that the two scores differ by what the environment changes and nothing else.
  const covered = new Set(mine.map((v) => v.root));
  const view: DeploymentModel = {
    ...input.model,
    djangoProjects: [...mine, ...input.model.djangoProjects.filter((p) => !covered.has(p.root))],
    djangoServiceVariants: (input.model.djangoServiceVariants ?? []).filter((v) => !covered.has(v.root)),
  };
  // Notices (rule failures, unused suppressions) are production's business: the same rules and
  // comments already reported there.
  const scratch: Notice[] = [];
  const raw = runRules(djangoRules, view, scratch);
  const candidates = raw.flatMap((o) => o.findings).filter(input.inPath);
  const { kept, suppressed } = applySuppressions(candidates, input.suppressions, scratch);
  const envOutcomes = refoldOutcomes(raw, new Set(kept), suppressed);
  const byId = new Map(envOutcomes.map((o) => [o.meta.id, o]));
  const outcomes = input.outcomes.map((o) => byId.get(o.meta.id) ?? o);

  const sections = computeSections(envOutcomes, input.model.djangoProjects.map((p) => p.root), suppressed, input.threshold);
  for (const f of kept) {
    const section = sections.sectionOf(f);
    if (section !== REPOSITORY_SECTION) f.project = section;
  }
  const seen = new Set(input.findings.map(sameDefect));
  const own = kept.filter((f) => !seen.has(sameDefect(f))).sort(compareFindings);
  return { name, gate: false, readiness: computeReadiness(outcomes, input.threshold), projects: mine.map(settingsOf), findings: own };
}

/**
 * The same defect in two environments: rule, status, project, Django check and logical target (the
 * setting name), wherever its line is (an unset setting is anchored on each environment's own module).
 * Findings without a target compare by file and line.
 */
function sameDefect(f: Finding): string {
  const fp = f.environment && f.fingerprint.endsWith(`@${f.environment}`) ? f.fingerprint.slice(0, -(f.environment.length + 1)) : f.fingerprint;
  const prefix = `${f.ruleId}:${f.span.file}:`;
  const target = fp.startsWith(prefix) && !/^[0-9a-f]{16}(?::|$)/.test(fp.slice(prefix.length)) ? fp.slice(prefix.length) : `${f.span.file}:${f.span.start.line}:${f.djangoCheck ?? ''}`;
  return `${f.ruleId}|${f.status}|${f.project ?? ''}|${target}`;
}
