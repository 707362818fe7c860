import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import { emptyConfig } from '../src/config/types.js';
import { buildJsonReport } from '../src/report/json.js';
import { formatMarkdown } from '../src/report/markdown.js';
import { buildSarif } from '../src/report/sarif.js';
import { formatText } from '../src/report/text.js';
import { makeSarifValidator } from './support/sarif-validator.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const SELECTED = ['DJ018', 'DJ004', 'DJ008', 'DJ009', 'XF002', 'NGX013', 'SYS015', 'GHA001', 'GHA004'];

describe('reports of a monorepo: a section per Django project', async () => {
  const result = await runAudit({ root: join(FIXTURES, 'mono-two-projects'), config: { ...emptyConfig(), select: SELECTED } });

  it('text: each project with its score, and its findings under its own heading', () => {
    const text = formatText(result, { color: false });
    expect(text).toContain('Projects\n  blog: blog.settings (blog/blog/settings.py), Django 5.1\n    readiness 63% — NOT READY (2 failed, 1 unknown, 4 passed)\n');
    expect(text).toContain('  shop: shop.settings (shop/shop/settings.py), Django 5.1\n    readiness 0% — NOT READY (6 failed, 1 unknown, 0 passed)\n');
    expect(text).toContain('  repository-wide (outside every project): readiness 60% — NOT READY (1 failed, 0 unknown, 1 passed)\n');
    const headings = text.split('\n').filter((l) => l.startsWith('── '));
    expect(headings).toEqual([
      '── project blog: readiness 63% — NOT READY (2 failed, 1 unknown, 4 passed)',
      '── project shop: readiness 0% — NOT READY (6 failed, 1 unknown, 0 passed)',
      '── repository-wide (outside every project): readiness 60% — NOT READY (1 failed, 0 unknown, 1 passed)',
    ]);
    // The shop's DEBUG line is under the shop heading, the workflow under the repository one.
    const shopAt = text.indexOf('── project shop');
    const repoAt = text.indexOf('── repository-wide');
    const debugAt = text.indexOf('shop/shop/settings.py:6:1');
    const ciAt = text.indexOf('.github/workflows/ci.yml:1:');
    expect(shopAt).toBeLessThan(debugAt);
    expect(debugAt).toBeLessThan(repoAt);
    expect(repoAt).toBeLessThan(ciAt);
    // The headline stays the whole repository's.
    expect(text.startsWith('Readiness: 12% — NOT READY (threshold 80%)\n')).toBe(true);
  });

  it('json: projects[].readiness, the repository section and each finding\'s project', () => {
    const doc = buildJsonReport(result);
    expect(doc.projects.map((p) => [p.root, p.readiness?.score, p.readiness?.status, p.findings])).toEqual([
      ['blog', 63, 'NOT READY', 3],
      ['shop', 0, 'NOT READY', 7],
    ]);
    expect(doc.repository).toMatchObject({ findings: 1, readiness: { score: 60, status: 'NOT READY', passedWeight: 7.5, applicableWeight: 12.5 } });
    expect(doc.readiness.score).toBe(12);
    const byProject = (project: string | null) => doc.findings.filter((f) => f.project === project).map((f) => `${f.location.file}:${f.location.startLine} ${f.ruleId}`);
    expect(byProject(null)).toEqual(['.github/workflows/ci.yml:1 GHA004']);
    expect(byProject('shop')).toContain('shop/shop/settings.py:6 DJ018');
    expect(byProject('blog').every((l) => l.startsWith('blog/'))).toBe(true);
  });

  it('sarif: one run, valid, each result names its project, per-project readiness in the run properties', () => {
    const doc = buildSarif(result) as any;
    const validate = makeSarifValidator();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.runs).toHaveLength(1);
    const run = doc.runs[0];
    expect(run.properties.readiness.score).toBe(12);
    expect(run.properties.projects.map((p: any) => [p.root, p.readiness.score, p.findings])).toEqual([
      ['blog', 63, 3],
      ['shop', 0, 7],
    ]);
    expect(run.properties.repository.readiness.score).toBe(60);
    for (const r of run.results) {
      const uri: string = r.locations[0].physicalLocation.artifactLocation.uri;
      const expected = uri.startsWith('shop/') ? 'shop' : uri.startsWith('blog/') ? 'blog' : undefined;
      expect(r.properties['audit-deploy/project'], uri).toBe(expected);
    }
  });

  it('markdown: a table of the sections under the headline', () => {
    const md = formatMarkdown(result);
    expect(md).toContain(
      [
        '| Section | Readiness | Status | Failed | Could not determine |',
        '| --- | --- | --- | --- | --- |',
        '| project `blog` | 63% | NOT READY | 2 | 1 |',
        '| project `shop` | 0% | NOT READY | 6 | 1 |',
        '| repository-wide (outside every project) | 60% | NOT READY | 1 | 0 |',
      ].join('\n'),
    );
  });
});

describe('reports of a single project: unchanged', async () => {
  const result = await runAudit({ root: join(FIXTURES, 'xf-ssl-ok-vm') });
  it('prints no section headings or tables when the one project is the headline', () => {
    expect(result.sections?.map((s) => s.name)).toEqual(['.']);
    expect(formatText(result, { color: false })).not.toContain('── ');
    expect(formatMarkdown(result)).not.toContain('| Section |');
    const doc = buildJsonReport(result);
    const { items, ...numbers } = doc.readiness;
    expect(doc.projects[0]!.readiness).toEqual({ ...numbers, notPassed: items.filter((i) => i.pointsLost > 0) });
    expect(doc.repository).toBeNull();
  });
});

describe('reports of production and staging (fixtures/env-staging-split)', async () => {
  const result = await runAudit({ root: join(FIXTURES, 'env-staging-split'), config: { ...emptyConfig(), select: ['DJ018', 'DJ008', 'DJ004', 'DJ010', 'DJ009'] } });

  it('text: an Environments block, production the gate, staging with its settings and what only it gets wrong', () => {
    const text = formatText(result, { color: false });
    expect(text).toContain(
      [
        'Environments',
        '  production: readiness 75% — NOT READY (the gate)',
        '  staging: readiness 31% — NOT READY (informative; production is the gate)',
        '    .: config.settings.staging (config/settings/staging.py) with .env.staging',
        '    only in staging (2):',
        '    config/settings/base.py:8:1  BLOCKER  DJ018  ',
      ].join('\n'),
    );
    expect(text).toContain('        ↳ .env.staging:2:1 ');
    expect(text).toContain('    config/settings/staging.py:4:1  HIGH     DJ008  ');
  });

  it('json: environments[] with readiness, settings and staging-only findings', () => {
    const doc = buildJsonReport(result);
    expect(doc.environments.map((e) => [e.name, e.gate, e.readiness.score, e.readiness.status, e.projects.map((p) => p.settingsModule), e.findings.map((f) => `${f.ruleId}:${f.location.file}:${f.location.startLine}:${f.environment}`)])).toEqual([
      ['production', true, 75, 'NOT READY', ['config.settings.production'], []],
      ['staging', false, 31, 'NOT READY', ['config.settings.staging'], ['DJ018:config/settings/base.py:8:staging', 'DJ008:config/settings/staging.py:4:staging']],
    ]);
    // The gate and the top-level findings are production's alone.
    expect(doc.readiness.score).toBe(75);
    expect(doc.findings.every((f) => f.environment === 'production')).toBe(true);
  });

  it('sarif: staging-only findings are notes naming their environment; per-environment readiness in the run', () => {
    const doc = buildSarif(result) as any;
    const validate = makeSarifValidator();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const run = doc.runs[0];
    const staging = run.results.filter((r: any) => r.properties['audit-deploy/environment'] === 'staging');
    expect(staging.map((r: any) => [r.ruleId, r.level, r.partialFingerprints['auditDeploy/v1']])).toEqual([
      ['DJ018', 'note', 'DJ018:config/settings/base.py:DEBUG:security.W018@staging'],
      ['DJ008', 'note', 'DJ008:config/settings/staging.py:SECURE_SSL_REDIRECT:security.W008@staging'],
    ]);
    expect(run.properties.environments.map((e: any) => [e.name, e.gate, e.readiness.score, e.findings])).toEqual([
      ['production', true, 75, 0],
      ['staging', false, 31, 2],
    ]);
  });

  it('markdown: an environments table and the staging-only findings collapsed', () => {
    const md = formatMarkdown(result);
    expect(md).toContain('| production | 75% | NOT READY | the gate |\n| staging | 31% | NOT READY | informative |');
    expect(md).toContain('<details><summary>Only in staging (2)</summary>');
    expect(md).toContain('- `DJ018` `config/settings/base.py:8`: ');
  });

  it('markdown: under the length limit the tables stay and the staging details are cut like the rest', () => {
    const full = formatMarkdown(result);
    const limit = full.indexOf('<details><summary>Only in staging') + 60;
    const md = formatMarkdown(result, { maxLength: limit });
    expect(md.length).toBeLessThanOrEqual(limit);
    expect(md).toContain('| staging | 31% | NOT READY | informative |');
    expect(md).not.toContain('- `DJ008`');
  });
});
