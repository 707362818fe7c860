import type { Rule, RuleMeta } from '../engine/rule.js';
import { ruleHelpMarkdown } from './rule-help.js';

/** One generated documentation file: a repo-relative path under docs/rules/ and its Markdown. */
export interface DocFile {
  path: string;
  text: string;
}

const SEVERITY_LEVEL: Record<RuleMeta['severity'], string> = { blocker: 'error', high: 'error', medium: 'warning', low: 'note' };

function domainOf(rule: Rule): string {
  return rule.meta.id.replace(/\d+$/, '');
}

/** The page of one rule: metadata first, then the same help text SARIF carries. */
export function rulePage(rule: Rule): string {
  const m = rule.meta;
  const checks = m.djangoCheck === undefined ? [] : Array.isArray(m.djangoCheck) ? m.djangoCheck : [m.djangoCheck];
  const rows: [string, string][] = [
    ['Id', `\`${m.id}\` (${m.name})`],
    ['Severity', `${m.severity} (SARIF level \`${SEVERITY_LEVEL[m.severity]}\`)`],
    ['Checklist section', m.section],
    ['Scope', rule.scope],
  ];
  if (checks.length > 0) rows.push(['Mirrors Django check', checks.map((c) => `\`${c}\``).join(', ')]);
  if (m.tags.length > 0) rows.push(['Tags', m.tags.join(', ')]);
  return [
    `# ${m.id}: ${m.title}`,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    ruleHelpMarkdown(m),
    '',
  ].join('\n');
}

/** docs/rules/README.md: every rule by domain, with severity and title, linking to its page. */
export function rulesIndex(rules: Rule[]): string {
  const byDomain = new Map<string, Rule[]>();
  for (const r of rules) byDomain.set(domainOf(r), [...(byDomain.get(domainOf(r)) ?? []), r]);
  const out = [
    '# Rules',
    '',
    'Generated from the rules\' own metadata (`rules/<domain>/*.ts`) by `npm run docs`; do not edit by hand.',
    '',
  ];
  for (const [domain, list] of [...byDomain].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push(`## ${domain}`, '', '| id | severity | section | title |', '|---|---|---|---|');
    for (const r of list) out.push(`| [${r.meta.id}](${r.meta.id}.md) | ${r.meta.severity} | ${r.meta.section} | ${r.meta.title.replace(/\|/g, '\\|')} |`);
    out.push('');
  }
  return out.join('\n');
}

/** Every docs/rules/ file, sorted by path. */
export function ruleDocFiles(rules: Rule[]): DocFile[] {
  const sorted = [...rules].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1));
  return [
    { path: 'docs/rules/README.md', text: rulesIndex(sorted) },
    ...sorted.map((r) => ({ path: `docs/rules/${r.meta.id}.md`, text: rulePage(r) })),
  ];
}
