import type { RuleMeta } from '../engine/rule.js';

/**
 * A rule's documentation in the Ruff layout (What it does / Why is this bad? / Example / Use instead
 * / Fix / References), as plain text and as Markdown. SARIF `help` and the docs site (docs/rules/)
 * are both generated from it, so they never disagree.
 */
function helpSections(meta: RuleMeta): [string, string, 'prose' | 'code' | 'list'][] {
  const sections: [string, string, 'prose' | 'code' | 'list'][] = [
    ['What it does', meta.docs.whatItDoes, 'prose'],
    ['Why is this bad?', meta.docs.whyIsThisBad, 'prose'],
  ];
  if (meta.docs.example) sections.push(['Example', meta.docs.example, 'code']);
  if (meta.docs.useInstead) sections.push(['Use instead', meta.docs.useInstead, 'code']);
  if (meta.fix) sections.push(['Fix', meta.fix, 'prose']);
  if (meta.references.length > 0) sections.push(['References', meta.references.join('\n'), 'list']);
  return sections;
}

export function ruleHelpText(meta: RuleMeta): string {
  return helpSections(meta)
    .map(([heading, body, kind]) => {
      const lines = body.trim().split('\n');
      const shown = kind === 'code' ? lines.map((l) => `    ${l}`) : kind === 'list' ? lines.map((l) => `- ${l}`) : lines;
      return `${heading}\n${shown.join('\n')}`;
    })
    .join('\n\n');
}

export function ruleHelpMarkdown(meta: RuleMeta): string {
  return helpSections(meta)
    .map(([heading, body, kind]) => {
      const trimmed = body.trim();
      if (kind === 'code') {
        const fence = codeFence(trimmed);
        return `## ${heading}\n\n${fence}\n${trimmed}\n${fence}`;
      }
      if (kind === 'list') return `## ${heading}\n\n${trimmed.split('\n').map((u) => `- <${u}>`).join('\n')}`;
      return `## ${heading}\n\n${trimmed}`;
    })
    .join('\n\n');
}

/** A fence longer than any backtick run in the code, so the code cannot close it early. */
function codeFence(code: string): string {
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

