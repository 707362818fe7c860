import { SEVERITY_ORDER, type Finding } from '../core/finding.js';
import { computeReadiness } from '../score/readiness.js';
import type { Readiness, RuleOutcome, SubjectRecord } from './result.js';
import type { SuppressedFinding } from './suppress.js';

/**
 * Readiness per Django project (issue 5: "several Django projects in one repository each get their
 * own report section").
 *
 * Which section a finding belongs to:
 * 1. a finding on a Django project's settings (or on a per-service or per-environment variant of
 *    them) belongs to that project, wherever its line is (a repository-level `.env.production`);
 * 2. otherwise, the project whose folder holds the finding's file (the deepest one when projects
 *    nest);
 * 3. otherwise, the project whose folder holds one of its related locations (a cross-file finding
 *    on a shared nginx file, about one project's settings);
 * 4. otherwise, the project whose folder holds the file the rule was run on (an nginx include
 *    outside the project, pulled in by the project's nginx.conf);
 * 5. otherwise the "repository" section (CI workflows, Terraform or compose files at the root).
 *
 * Each section's checklist is folded from the rule's subjects exactly as the whole run's is
 * (src/engine/run.ts foldStatus, then src/engine/configure.ts refoldOutcomes), over that section's
 * part only: an item fails when a failure of the section remains, is unknown when only undecided
 * findings remain, is silenced when the section's findings were all suppressed inline, passes when
 * a subject of the section was checked and reported nothing (or reported only in ignored paths),
 * and is n/a when no subject of the section applies. A rule run once over the whole repository
 * (cross-file rules, secrets) that reports nothing in a project counts as passed there: the project
 * was part of what it checked. The score is then computeReadiness over those items: the same
 * weights, floor and status rules as the headline. With a single project at the repository root,
 * its section is the headline, item for item.
 */

/** The key of the section of findings no Django project owns. */
export const REPOSITORY_SECTION = '(repository)';

export interface SectionSummary {
  kind: 'project' | 'repository';
  /** The project's folder ("." for the repository root), or "(repository)". */
  name: string;
  readiness: Readiness;
  /** How many kept findings (fail and unknown) the section holds. */
  findings: number;
}

export interface Sections {
  sections: SectionSummary[];
  /** The section of a finding: a project root as written in reports ("." for the root) or REPOSITORY_SECTION. */
  sectionOf(f: Finding): string;
}

/** The section name of a project root ('' is the repository root, written "."). */
export function projectSectionName(root: string): string {
  return root === '' ? '.' : root;
}

function within(root: string, path: string): boolean {
  return root === '' || path === root || path.startsWith(`${root}/`);
}

export function computeSections(outcomes: RuleOutcome[], projectRoots: string[], suppressed: SuppressedFinding[], threshold: number): Sections {
  // Deepest first: a nested project wins over the one around it.
  const roots = [...new Set(projectRoots)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const pathOwners = new Map<string, string | undefined>();
  const ownerOfPath = (path: string): string | undefined => {
    if (pathOwners.has(path)) return pathOwners.get(path);
    const clean = path.replace(/^\.\//, '');
    const root = roots.find((r) => within(r, clean));
    const owner = root === undefined ? undefined : projectSectionName(root);
    pathOwners.set(path, owner);
    return owner;
  };
  const recordOf = new Map<Finding, SubjectRecord>();
  for (const o of outcomes) for (const rec of o.subjects ?? []) for (const f of rec.findings) if (!recordOf.has(f)) recordOf.set(f, rec);

  const memo = new Map<Finding, string>();
  const sectionOf = (f: Finding): string => {
    let owner = memo.get(f);
    if (owner !== undefined) return owner;
    const rec = recordOf.get(f);
    if (rec?.projectRoot !== undefined) owner = projectSectionName(rec.projectRoot);
    owner ??= ownerOfPath(f.span.file);
    for (const r of f.related) owner ??= ownerOfPath(r.span.file);
    if (rec?.path !== undefined) owner ??= ownerOfPath(rec.path);
    owner ??= REPOSITORY_SECTION;
    memo.set(f, owner);
    return owner;
  };
  const owners = new Map<SubjectRecord, string | undefined>();
  const recordOwner = (rec: SubjectRecord): string | undefined => {
    if (owners.has(rec)) return owners.get(rec);
    let owner: string | undefined;
    if (rec.projectRoot !== undefined) owner = projectSectionName(rec.projectRoot);
    else if (rec.path !== undefined) owner = ownerOfPath(rec.path) ?? REPOSITORY_SECTION;
    owners.set(rec, owner);
    return owner;
  };

  const names = [...new Set(roots.map(projectSectionName))].sort();
  const wholeRepoSections = names.length > 0 ? names : [REPOSITORY_SECTION];
  // One pass over every rule's findings and subjects, grouped by section (a monorepo has many).
  const hiddenByRule = new Map<string, SuppressedFinding[]>();
  for (const s of suppressed) hiddenByRule.set(s.finding.ruleId, [...(hiddenByRule.get(s.finding.ruleId) ?? []), s]);
  const grouped = outcomes.map((o) => groupOutcome(o, sectionOf, recordOwner, hiddenByRule.get(o.meta.id) ?? []));
  const sections: SectionSummary[] = [];
  for (const name of [...names, REPOSITORY_SECTION]) {
    const covered = wholeRepoSections.includes(name);
    const mine = outcomes.map((o, i) => sectionOutcome(o, grouped[i]!, name, covered));
    const findings = mine.reduce((n, o) => n + o.findings.length, 0);
    const readiness = computeReadiness(mine, threshold);
    // The repository section is shown only when something of it applies.
    if (name === REPOSITORY_SECTION && readiness.score === null && findings === 0) continue;
    sections.push({ kind: name === REPOSITORY_SECTION ? 'repository' : 'project', name, readiness, findings });
  }
  return { sections, sectionOf };
}

/** One rule's findings, suppressed findings and subjects, by section. */
interface Grouped {
  findings: Map<string, Finding[]>;
  hidden: Map<string, SuppressedFinding[]>;
  /** Subjects that count in a section: one that reported, where its findings are; one that did not, where it sits. */
  records: Map<string, SubjectRecord[]>;
  /** Subjects that are the whole repository (counted in every project section). */
  whole: SubjectRecord[];
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function groupOutcome(o: RuleOutcome, sectionOf: (f: Finding) => string, recordOwner: (rec: SubjectRecord) => string | undefined, hidden: SuppressedFinding[]): Grouped {
  const g: Grouped = { findings: new Map(), hidden: new Map(), records: new Map(), whole: [] };
  for (const f of o.findings) push(g.findings, sectionOf(f), f);
  for (const s of hidden) push(g.hidden, sectionOf(s.finding), s);
  for (const rec of o.subjects ?? []) {
    if (rec.wholeRepository) g.whole.push(rec);
    else if (rec.findings.length > 0) for (const section of new Set(rec.findings.map(sectionOf))) push(g.records, section, rec);
    else {
      const owner = recordOwner(rec);
      if (owner !== undefined) push(g.records, owner, rec);
    }
  }
  return g;
}

/** One rule's item as one section sees it. */
function sectionOutcome(o: RuleOutcome, g: Grouped, section: string, coveredByWholeRepo: boolean): RuleOutcome {
  const meta = o.meta;
  const findings = g.findings.get(section);
  if (findings !== undefined && findings.length > 0) {
    // As src/engine/run.ts effectiveMeta: the item weighs what its worst failure here weighs.
    let worst = Infinity;
    for (const f of findings) if (f.status === 'fail') worst = Math.min(worst, SEVERITY_ORDER.indexOf(f.severity));
    if (worst !== Infinity) {
      const own = SEVERITY_ORDER.indexOf(meta.severity);
      return { meta: worst > own ? { ...meta, severity: SEVERITY_ORDER[worst]! } : meta, status: 'fail', findings };
    }
    return { meta, status: 'unknown', findings };
  }
  const none: Finding[] = [];
  const hidden = g.hidden.get(section);
  if (hidden !== undefined && hidden.length > 0) {
    const reasons = [...new Set(hidden.map((s) => s.suppression.reason))].join('; ');
    return { meta, status: 'silenced', findings: none, reason: `suppressed inline: ${reasons}` };
  }
  // Undecided for the whole run rather than by a finding (not checked before the time limit, the
  // rule failed, files left unread): undecided in every section too, never n/a or a pass.
  if (o.status === 'unknown' && o.findings.length === 0) return { meta, status: 'unknown', findings: none, ...(o.reason !== undefined ? { reason: o.reason } : {}) };
  // The section's subjects, then the whole-repository ones when they count here: n/a when none
  // applies (the first reason given), silenced when every one that applies was, else a pass.
  let applicable = 0;
  let silenced = 0;
  let naReason: string | undefined;
  const fold = (records: readonly SubjectRecord[]): void => {
    for (const r of records) {
      if (r.naReason !== undefined) naReason ??= r.naReason;
      else {
        applicable++;
        if (r.silencedCount > 0) silenced++;
      }
    }
  };
  fold(g.records.get(section) ?? []);
  if (coveredByWholeRepo) fold(g.whole);
  if (applicable === 0) return { meta, status: 'na', findings: none, reason: naReason ?? 'nothing of this section to check' };
  if (silenced === applicable) return { meta, status: 'silenced', findings: none, ...(o.reason !== undefined ? { reason: o.reason } : {}) };
  return { meta, status: 'pass', findings: none };
}
