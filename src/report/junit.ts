import type { AuditResult, RuleOutcome } from '../engine/result.js';
import { compareOutcomes } from '../score/readiness.js';
import { formatSpan } from '../core/position.js';
import { makeSanitizer, type ReportOptions } from './common.js';

/**
 * JUnit XML, for CI systems that show test reports: one test suite per checklist section, one
 * test case per checklist item (rule); a failing item is a <failure> listing its findings, an
 * undecidable one an <error>, one that does not apply or was silenced is <skipped>.
 */
export function formatJunit(result: AuditResult, opts: ReportOptions = {}): string {
  const clean = makeSanitizer(result.root, opts.secrets);
  const bySection = new Map<string, RuleOutcome[]>();
  for (const o of [...result.outcomes].sort(compareOutcomes)) {
    const list = bySection.get(o.meta.section) ?? [];
    list.push(o);
    bySection.set(o.meta.section, list);
  }
  const count = (list: RuleOutcome[], ...s: string[]) => list.filter((o) => s.includes(o.status)).length;
  const all = result.outcomes;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="audit-deploy" tests="${all.length}" failures="${count(all, 'fail')}" errors="${count(all, 'unknown')}" skipped="${count(all, 'na', 'silenced')}">`,
  ];
  for (const [section, list] of bySection) {
    out.push(`  <testsuite name="${attr(section)}" tests="${list.length}" failures="${count(list, 'fail')}" errors="${count(list, 'unknown')}" skipped="${count(list, 'na', 'silenced')}">`);
    for (const o of list) {
      const name = `${o.meta.id} ${o.meta.title}`;
      const open = `    <testcase classname="audit-deploy.${attr(section)}" name="${attr(clean(name))}"`;
      const lines = o.findings.map((f) => `${formatSpan(f.span)}: ${f.message}`).map(clean);
      if (o.status === 'fail' || o.status === 'unknown') {
        const tag = o.status === 'fail' ? 'failure' : 'error';
        const first = o.findings[0];
        const message = first ? clean(first.message) : o.meta.title;
        out.push(`${open}>`, `      <${tag} message="${attr(message)}" type="${o.meta.severity}">${text(lines.join('\n'))}</${tag}>`, '    </testcase>');
      } else if (o.status === 'na' || o.status === 'silenced') {
        out.push(`${open}>`, `      <skipped message="${attr(clean(o.reason ?? o.status))}"/>`, '    </testcase>');
      } else out.push(`${open}/>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** XML 1.0 forbids most control characters even escaped: they are dropped. */
function stripInvalid(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

function text(s: string): string {
  return stripInvalid(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
