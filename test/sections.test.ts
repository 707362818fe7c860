import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import { emptyConfig } from '../src/config/types.js';
import type { Finding, Severity } from '../src/core/finding.js';
import type { Span } from '../src/core/position.js';
import type { RuleOutcome, SubjectRecord } from '../src/engine/result.js';
import type { RuleMeta } from '../src/engine/rule.js';
import { computeSections, REPOSITORY_SECTION } from '../src/engine/sections.js';
import type { SuppressedFinding } from '../src/engine/suppress.js';
import { listFixtures } from './support/annotations.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

describe('per-project sections: invariants on every fixture', () => {
  for (const spec of listFixtures(FIXTURES)) {
    it(spec.name, async () => {
      const i = spec.args.indexOf('--settings');
      const result = await runAudit({ root: spec.dir, settings: i >= 0 ? spec.args[i + 1] : undefined });
      const sections = result.sections ?? [];
      // Every finding lands in exactly one section, and says which project it belongs to.
      expect(sections.reduce((n, s) => n + s.findings, 0)).toBe(result.findings.length);
      for (const f of result.findings) {
        const name = f.project ?? REPOSITORY_SECTION;
        expect(sections.map((s) => s.name), `${f.ruleId} ${f.span.file}`).toContain(name);
      }
      // One project at the repository root owns everything: its section is the headline, item for item.
      if (result.projects.length === 1 && result.projects[0]!.root === '.') {
        expect(sections.map((s) => s.name)).toEqual(['.']);
        expect(result.projects[0]!.readiness).toEqual(result.readiness);
      }
      // Without any Django project, the repository section is the headline.
      if (result.projects.length === 0 && sections.length > 0) {
        expect(sections.map((s) => s.name)).toEqual([REPOSITORY_SECTION]);
        expect(sections[0]!.readiness).toEqual(result.readiness);
      }
    });
  }
});

describe('per-project sections: a monorepo with two Django projects (fixtures/mono-two-projects)', async () => {
  // A fixed selection, so that rules added later do not move the pinned numbers.
  const SELECTED = ['DJ018', 'DJ004', 'DJ008', 'DJ009', 'XF002', 'NGX013', 'SYS015', 'GHA001', 'GHA004'];
  const selected = await runAudit({ root: join(FIXTURES, 'mono-two-projects'), config: { ...emptyConfig(), select: SELECTED } });
  const full = await runAudit({ root: join(FIXTURES, 'mono-two-projects') });
  const statuses = (result: typeof full, name: string) =>
    Object.fromEntries(result.sections!.find((s) => s.name === name)!.readiness.items.map((i) => [i.id, i.status]));

  it('keeps the headline readiness of the whole repository', () => {
    // applicable 10+5+7.5+10+7.5+2.5+5+7.5+5 = 60, passed GHA001 7.5: floor(12.5) = 12
    expect([selected.readiness.score, selected.readiness.status, selected.readiness.passedWeight, selected.readiness.applicableWeight]).toEqual([12, 'NOT READY', 7.5, 60]);
  });

  it('gives each project its own readiness, and the repository-wide part its own', () => {
    expect(selected.sections!.map((s) => [s.name, s.readiness.score, s.readiness.status, s.readiness.passedWeight, s.readiness.applicableWeight, s.findings])).toEqual([
      // blog: DJ018, DJ004, DJ008, XF002 pass (30); DJ009 unknown, NGX013 and SYS015 fail: floor(100 * 30 / 47.5) = 63
      ['blog', 63, 'NOT READY', 30, 47.5, 3],
      // shop: everything selected fails or is unknown
      ['shop', 0, 'NOT READY', 0, 47.5, 7],
      // the CI workflow at the root: GHA001 passes (7.5), GHA004 fails (5)
      ['(repository)', 60, 'NOT READY', 7.5, 12.5, 1],
    ]);
    expect(statuses(selected, 'blog')).toEqual({ DJ018: 'pass', DJ004: 'pass', DJ008: 'pass', DJ009: 'unknown', XF002: 'pass', NGX013: 'fail', SYS015: 'fail', GHA001: 'na', GHA004: 'na' });
    expect(statuses(selected, 'shop')).toEqual({ DJ018: 'fail', DJ004: 'fail', DJ008: 'fail', DJ009: 'unknown', XF002: 'fail', NGX013: 'fail', SYS015: 'fail', GHA001: 'na', GHA004: 'na' });
    expect(statuses(selected, '(repository)')).toEqual({ DJ018: 'na', DJ004: 'na', DJ008: 'na', DJ009: 'na', XF002: 'na', NGX013: 'na', SYS015: 'na', GHA001: 'pass', GHA004: 'fail' });
    // The projects' summaries carry the same numbers.
    expect(selected.projects.map((p) => [p.root, p.readiness?.score])).toEqual([
      ['blog', 63],
      ['shop', 0],
    ]);
  });

  it('puts every finding of the full run in the section of its project', () => {
    expect(full.sections!.map((s) => s.name)).toEqual(['blog', 'shop', '(repository)']);
    expect(full.sections!.reduce((n, s) => n + s.findings, 0)).toBe(full.findings.length);
    for (const f of full.findings) {
      const expected = f.span.file.startsWith('shop/') ? 'shop' : f.span.file.startsWith('blog/') ? 'blog' : undefined;
      expect(f.project, `${f.ruleId} ${f.span.file}`).toBe(expected);
    }
    expect(full.findings.filter((f) => f.project === undefined).map((f) => f.ruleId)).toEqual(['GHA004']);
    // The blog's DEBUG and hosts are right: those items pass in its section and fail in the shop's.
    for (const id of ['DJ018', 'DJ004', 'XF002']) {
      expect(statuses(full, 'blog')[id]).toBe('pass');
      expect(statuses(full, 'shop')[id]).toBe('fail');
    }
  });
});

describe('computeSections: which section a finding and an item belong to', () => {
  const meta = (id: string, severity: Severity = 'high'): RuleMeta => ({
    id, name: id, title: id, severity, section: 'web-server', docs: { whatItDoes: 'x', whyIsThisBad: 'y' }, fix: 'z', references: [], tags: [],
  });
  const span = (file: string, line = 1): Span => ({ file, start: { line, column: 1, offset: 0 }, end: { line, column: 2, offset: 1 } });
  const finding = (ruleId: string, file: string, related: string[] = [], severity: Severity = 'high'): Finding => ({
    ruleId, severity, status: 'fail', message: 'm', span: span(file), related: related.map((r) => ({ span: span(r), message: 'r' })), fingerprint: `${ruleId}:${file}`,
  });
  const outcome = (m: RuleMeta, subjects: SubjectRecord[]): RuleOutcome => {
    const findings = subjects.flatMap((s) => s.findings);
    return { meta: m, status: findings.length > 0 ? 'fail' : 'pass', findings, subjects };
  };

  it('follows the settings first, then the file, then a related location, then the subject, else the repository', () => {
    const onRootEnv = finding('DJ018', '.env.production');
    const inShop = finding('NGX001', 'shop/nginx.conf');
    const sharedNginx = finding('XF002', 'deploy/nginx/site.conf', ['blog/blog/settings.py']);
    const include = finding('NGX002', 'deploy/snippets/ssl.conf');
    const ci = finding('GHA001', '.github/workflows/ci.yml');
    const outcomes = [
      outcome(meta('DJ018'), [{ findings: [onRootEnv], silencedCount: 0, projectRoot: 'shop' }, { findings: [], silencedCount: 0, projectRoot: 'blog' }]),
      outcome(meta('NGX001'), [{ findings: [inShop], silencedCount: 0, path: 'shop/nginx.conf' }]),
      outcome(meta('XF002'), [{ findings: [sharedNginx], silencedCount: 0, wholeRepository: true }]),
      outcome(meta('NGX002'), [{ findings: [include], silencedCount: 0, path: 'blog/nginx.conf' }]),
      outcome(meta('GHA001'), [{ findings: [ci], silencedCount: 0, path: '.github/workflows/ci.yml' }]),
    ];
    const { sections, sectionOf } = computeSections(outcomes, ['shop', 'blog'], [], 80);
    expect([onRootEnv, inShop, sharedNginx, include, ci].map(sectionOf)).toEqual(['shop', 'shop', 'blog', 'blog', REPOSITORY_SECTION]);
    const status = (name: string) => Object.fromEntries(sections.find((s) => s.name === name)!.readiness.items.map((i) => [i.id, i.status]));
    // A rule over the whole repository that reported nothing in the shop passed there.
    expect(status('shop')).toEqual({ DJ018: 'fail', NGX001: 'fail', XF002: 'pass', NGX002: 'na', GHA001: 'na' });
    expect(status('blog')).toEqual({ DJ018: 'pass', NGX001: 'na', XF002: 'fail', NGX002: 'fail', GHA001: 'na' });
    expect(status(REPOSITORY_SECTION)).toEqual({ DJ018: 'na', NGX001: 'na', XF002: 'na', NGX002: 'na', GHA001: 'fail' });
  });

  it('a nested project owns its files; a section whose failures were suppressed inline is silenced there', () => {
    const inner = finding('NGX001', 'apps/api/nginx.conf');
    const outer = finding('NGX001', 'nginx.conf');
    const o = outcome(meta('NGX001'), [{ findings: [inner], silencedCount: 0, path: 'apps/api/nginx.conf' }, { findings: [outer], silencedCount: 0, path: 'nginx.conf' }]);
    const kept = { ...o, findings: [outer] };
    const suppression = { span: span('apps/api/nginx.conf'), file: 'apps/api/nginx.conf', rules: ['NGX001'], reason: 'behind the gateway' } as unknown as SuppressedFinding['suppression'];
    const { sections, sectionOf } = computeSections([kept], ['', 'apps/api'], [{ finding: inner, suppression }], 80);
    expect([inner, outer].map(sectionOf)).toEqual(['apps/api', '.']);
    expect(sections.map((s) => [s.name, s.readiness.items[0]!.status])).toEqual([
      ['.', 'fail'],
      ['apps/api', 'silenced'],
    ]);
  });

  it('weighs an item in a section by its worst failure there (a failure mitigated elsewhere is downgraded)', () => {
    const low = finding('DJ004', 'blog/blog/settings.py', [], 'low');
    const high = finding('DJ004', 'shop/shop/settings.py', [], 'high');
    const o = outcome(meta('DJ004', 'high'), [{ findings: [high], silencedCount: 0, projectRoot: 'shop' }, { findings: [low], silencedCount: 0, projectRoot: 'blog' }]);
    const { sections } = computeSections([o], ['shop', 'blog'], [], 80);
    expect(sections.map((s) => [s.name, s.readiness.items[0]!.severity])).toEqual([
      ['blog', 'low'],
      ['shop', 'high'],
    ]);
  });
});
