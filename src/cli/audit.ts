import { resolve } from 'node:path';
import type { Notice } from '../core/finding.js';
import type { AuditResult, ProjectSummary } from '../engine/result.js';
import { loadRules } from '../engine/registry.js';
import { compareFindings, runRules } from '../engine/run.js';
import { buildModel } from '../model/build.js';
import { versionText } from '../model/django-helpers.js';
import type { PyValue } from '../model/python-value.js';
import type { DeploymentModel } from '../model/types.js';
import { computeReadiness } from '../score/readiness.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

export interface AuditOptions {
  root: string;
  /** DJANGO_SETTINGS_MODULE to audit as production. */
  settings?: string;
  /** Readiness threshold (percent) for READY. */
  threshold?: number;
}

/** The whole pipeline: discover, parse, model, rules, score. Reporting is the caller's. */
export async function runAudit(opts: AuditOptions): Promise<AuditResult & { secrets: string[] }> {
  const root = resolve(opts.root);
  const [rules, model] = await Promise.all([loadRules(), buildModel(root, { settings: opts.settings })]);
  const notices: Notice[] = [...model.notices];
  const outcomes = runRules(rules, model, notices);
  const findings = outcomes.flatMap((o) => o.findings).sort(compareFindings);
  return {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    root,
    outcomes,
    findings,
    notices,
    readiness: computeReadiness(outcomes, opts.threshold ?? 80),
    projects: model.djangoProjects.map(summarise),
    secrets: knownSecrets(model),
  };
}

function summarise(p: DeploymentModel['djangoProjects'][number]): ProjectSummary {
  return {
    root: p.root || '.',
    settingsModule: p.production.module,
    settingsFile: p.production.file,
    reason: p.production.reason,
    djangoVersion: versionText(p.djangoVersion),
    djangoVersionAssumed: p.djangoVersion.assumed,
    envSources: p.envLayers.map((l) => l.name),
  };
}

const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|_KEY$|DSN|DATABASE_URL|_URL$/i;

/**
 * Values the model knows that must never reach any output: secret-looking settings, every string
 * inside DATABASES/CACHES passwords, and secret-looking env entries. Reporters scrub them as a last line
 * of defence even if a rule forgot to redact.
 */
function knownSecrets(model: DeploymentModel): string[] {
  const out = new Set<string>();
  const addStrings = (v: PyValue, underSecretKey: boolean): void => {
    if (v.kind === 'str' && underSecretKey && v.value.length >= 6) out.add(v.value);
    else if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') v.items.forEach((i) => addStrings(i, underSecretKey));
    else if (v.kind === 'dict')
      v.entries.forEach((e) => addStrings(e.value, underSecretKey || (e.key.kind === 'str' && SECRET_NAME.test(e.key.value))));
  };
  for (const p of model.djangoProjects) {
    for (const s of [p.settings, p.unsetEnvSettings]) {
      for (const name of s.names()) addStrings(s.get(name)!.value, SECRET_NAME.test(name));
      for (const read of s.envReads) if (SECRET_NAME.test(read.name) && read.raw && read.raw.length >= 6) out.add(read.raw);
    }
    for (const layer of p.envLayers) {
      for (const e of layer.entries()) if (SECRET_NAME.test(e.name) && e.value && e.value.length >= 6) out.add(e.value);
    }
  }
  // Longest first, so a scrubber never leaves the tail of a longer secret behind.
  return [...out].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}
