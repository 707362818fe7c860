import type { Attestation } from '../config/types.js';
import { SEVERITY_WEIGHT, type ChecklistSection, type Severity } from '../core/finding.js';
import { formatSpan } from '../core/position.js';
import type { AuditResult, ItemStatus } from '../engine/result.js';
import { CHECKLIST_SECTION_ORDER, compareOutcomes } from '../score/readiness.js';
import { MANUAL_ITEMS } from './manual.js';

export type ChecklistMark = '✓' | '✗' | '?' | 'n.a.' | '…';

export interface ChecklistEntry {
  id: string;
  title: string;
  severity: Severity;
  kind: 'automatic' | 'manual';
  /** automatic: the rule's status; manual: attested-pass, attested-fail, n/a or pending. */
  status: ItemStatus | 'attested-pass' | 'attested-fail' | 'pending';
  mark: ChecklistMark;
  /** Where: the first finding's location (and how many more), or the attestation's who/when. */
  where?: string;
  detail?: string;
}

export interface ChecklistSectionView {
  section: ChecklistSection;
  label: string;
  entries: ChecklistEntry[];
}

export interface Checklist {
  sections: ChecklistSectionView[];
  /** Verified readiness: automatic items only (the audit's own score). */
  verified: number | null;
  /**
   * Attested readiness: automatic passes plus attested manual items over every applicable item,
   * pending manual items counting as not passed (reference §6.7).
   */
  attested: number | null;
  /** Share of the applicable weight the audit checked by itself. */
  coverage: number | null;
  pendingManual: number;
}

export const SECTION_LABELS: Record<ChecklistSection, string> = {
  security: 'Security',
  'static-media': 'Static and media files',
  'app-server': 'Application server',
  'web-server': 'Web server',
  'process-manager': 'Process manager',
  database: 'Database',
  cache: 'Cache',
  email: 'Email',
  'logging-monitoring': 'Logging and monitoring',
  backups: 'Backups',
  containers: 'Containers',
  'ci-cd': 'CI/CD',
  configuration: 'Configuration',
};

const AUTO_MARK: Record<ItemStatus, ChecklistMark> = { pass: '✓', fail: '✗', unknown: '?', na: 'n.a.', silenced: 'n.a.' };

export function buildChecklist(result: AuditResult, attestations: Record<string, Attestation>): Checklist {
  const entries = new Map<ChecklistSection, ChecklistEntry[]>();
  const add = (section: ChecklistSection, e: ChecklistEntry) => entries.set(section, [...(entries.get(section) ?? []), e]);

  for (const o of [...result.outcomes].sort(compareOutcomes)) {
    const first = o.findings[0];
    const more = o.findings.length > 1 ? ` (+${o.findings.length - 1} more)` : '';
    add(o.meta.section, {
      id: o.meta.id,
      title: o.meta.title,
      severity: o.meta.severity,
      kind: 'automatic',
      status: o.status,
      mark: AUTO_MARK[o.status],
      ...(first ? { where: `${formatSpan(first.span)}${more}` } : {}),
      ...(o.reason ? { detail: o.reason } : {}),
    });
  }
  for (const m of MANUAL_ITEMS) {
    const a = attestations[m.id];
    const status: ChecklistEntry['status'] = !a ? 'pending' : a.status === 'done' ? 'attested-pass' : a.status === 'not-done' ? 'attested-fail' : 'na';
    const who = a ? [a.by, a.date].filter(Boolean).join(', ') : '';
    add(m.section, {
      id: m.id,
      title: m.title,
      severity: m.severity,
      kind: 'manual',
      status,
      mark: status === 'attested-pass' ? '✓' : status === 'attested-fail' ? '✗' : status === 'na' ? 'n.a.' : '…',
      ...(a ? { where: `attested${who ? ` by ${who}` : ''}` } : {}),
      detail: a?.note ?? m.how,
    });
  }

  let autoPass = 0;
  let autoApplicable = 0;
  let manualPass = 0;
  let manualApplicable = 0;
  let pendingManual = 0;
  for (const list of entries.values()) {
    for (const e of list) {
      const w = SEVERITY_WEIGHT[e.severity] * 2;
      if (e.kind === 'automatic') {
        if (e.status === 'pass' || e.status === 'fail' || e.status === 'unknown') autoApplicable += w;
        if (e.status === 'pass') autoPass += w;
      } else if (e.status !== 'na') {
        manualApplicable += w;
        if (e.status === 'attested-pass') manualPass += w;
        if (e.status === 'pending') pendingManual++;
      }
    }
  }
  const pct = (num: number, den: number) => (den === 0 ? null : Math.floor((100 * num) / den));
  return {
    sections: CHECKLIST_SECTION_ORDER.filter((s) => entries.has(s)).map((s) => ({ section: s, label: SECTION_LABELS[s], entries: entries.get(s)! })),
    verified: result.readiness.score,
    attested: pct(autoPass + manualPass, autoApplicable + manualApplicable),
    coverage: pct(autoApplicable, autoApplicable + manualApplicable),
    pendingManual,
  };
}

export function formatChecklistText(c: Checklist, clean: (s: string) => string): string {
  const lines = [
    `Production checklist: ${c.attested === null ? 'n/a' : `${c.attested}%`} ready (verified by the audit: ${c.verified === null ? 'n/a' : `${c.verified}%`}; ${c.pendingManual} manual item${c.pendingManual === 1 ? '' : 's'} to attest)`,
    // Automatic items are named after the problem they look for; manual ones after what to do.
    'Automatic items: ✓ the problem was not found, ✗ it was, ? could not tell, n.a. does not apply.',
    'Manual items: ✓ attested done, ✗ attested not done, … not attested yet.',
    '',
  ];
  for (const s of c.sections) {
    lines.push(s.label);
    for (const e of s.entries) {
      const tag = e.kind === 'manual' ? ' (manual)' : '';
      lines.push(`  ${e.mark.padEnd(4)} ${e.id.padEnd(7)} ${clean(e.title)}${tag}${e.where ? ` — ${clean(e.where)}` : ''}`);
      if (e.kind === 'manual' && e.status === 'pending') lines.push(`                 ${clean(e.detail ?? '')}`);
    }
    lines.push('');
  }
  lines.push('Attest manual items in .audit-deploy.yml, e.g.  attest: { MAN001: { status: done, by: ops, date: 2026-11-30 } }');
  return lines.join('\n') + '\n';
}

export function formatChecklistMarkdown(c: Checklist, clean: (s: string) => string): string {
  const esc = (s: string) => clean(s).replace(/([\\`*_[\]<>|])/g, '\\$1');
  const lines = [`## Production checklist: ${c.attested === null ? 'n/a' : `${c.attested}%`} ready`, '', `Verified by the audit: ${c.verified === null ? 'n/a' : `${c.verified}%`} · ${c.pendingManual} manual item(s) to attest`, ''];
  for (const s of c.sections) {
    lines.push(`### ${s.label}`, '', '| | Item | Title | Where |', '| --- | --- | --- | --- |');
    for (const e of s.entries) lines.push(`| ${e.mark} | \`${e.id}\` | ${esc(e.title)}${e.kind === 'manual' ? ' _(manual)_' : ''} | ${e.where ? esc(e.where) : ''} |`);
    lines.push('');
  }
  return lines.join('\n');
}
