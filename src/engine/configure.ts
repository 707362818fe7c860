import ignore from 'ignore';
import type { Finding } from '../core/finding.js';
import { ConfigError, type AuditConfig } from '../config/types.js';
import type { RuleOutcome } from './result.js';
import type { Rule } from './rule.js';
import { ruleMatches, type SuppressedFinding } from './suppress.js';

/**
 * The rules a configuration selects, with its severity overrides applied. A selector that matches
 * no rule is a configuration error: a typo must not silently select or ignore nothing.
 */
export function configureRules(rules: Rule[], config: AuditConfig): Rule[] {
  const ids = rules.map((r) => r.meta.id);
  const file = config.file ?? 'configuration';
  const check = (key: string, selectors: string[]) => {
    for (const s of selectors) if (!ids.some((id) => ruleMatches(id, s))) throw new ConfigError(file, '', `"${key}": "${s}" matches no rule (\`audit-deploy rules\` lists them)`);
  };
  check('select', config.select);
  check('ignore', config.ignore);
  for (const p of config.perPathIgnores) check(`per-path-ignores."${p.pattern}"`, p.rules);
  for (const id of Object.keys(config.severity)) if (!ids.includes(id)) throw new ConfigError(file, '', `"severity": no rule has id "${id}"`);

  return rules
    .filter((r) => config.select.length === 0 || config.select.some((s) => ruleMatches(r.meta.id, s)))
    .filter((r) => !config.ignore.some((s) => ruleMatches(r.meta.id, s)))
    .map((r) => {
      const severity = config.severity[r.meta.id];
      return severity && severity !== r.meta.severity ? { ...r, meta: { ...r.meta, severity } } : r;
    });
}

/** Drops findings of the configured rules in files that match a per-path pattern (gitignore syntax). */
export function perPathFilter(config: AuditConfig): (f: Finding) => boolean {
  const matchers = config.perPathIgnores.map((p) => ({ rules: p.rules, ig: ignore().add(p.pattern) }));
  return (f) => !matchers.some((m) => m.rules.some((r) => ruleMatches(f.ruleId, r)) && m.ig.ignores(f.span.file));
}

/**
 * Outcomes after findings were taken away (per-path ignores, inline suppressions): an item whose
 * failures were all suppressed with a reason is `silenced` (out of the score, like Django's
 * SILENCED_SYSTEM_CHECKS); one whose findings were all in ignored paths passes.
 */
export function refoldOutcomes(outcomes: RuleOutcome[], kept: ReadonlySet<Finding>, suppressed: SuppressedFinding[]): RuleOutcome[] {
  return outcomes.map((o) => {
    if (o.findings.length === 0 || o.findings.every((f) => kept.has(f))) return o;
    const findings = o.findings.filter((f) => kept.has(f));
    if (findings.some((f) => f.status === 'fail')) return { ...o, findings, status: 'fail' };
    if (findings.length > 0) return { ...o, findings, status: 'unknown' };
    const mine = suppressed.filter((s) => s.finding.ruleId === o.meta.id);
    if (mine.length > 0) {
      const reasons = [...new Set(mine.map((s) => s.suppression.reason))].join('; ');
      return { ...o, findings, status: 'silenced', reason: `suppressed inline: ${reasons}` };
    }
    return { ...o, findings, status: 'pass', reason: undefined };
  });
}
