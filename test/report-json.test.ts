import { describe, expect, it } from 'vitest';
import { formatJson, JSON_SCHEMA_VERSION } from '../src/report/json.js';
import { DB_PASSWORD, makeCleanResult, makeResult, ROOT, SECRET_KEY_VALUE, SECRETS } from './report-fixtures.js';

function parse(text: string): any {
  return JSON.parse(text);
}

describe('formatJson', () => {
  const text = formatJson(makeResult(), { secrets: SECRETS });
  const doc = parse(text);

  it('has the versioned top-level shape in a fixed key order', () => {
    expect(JSON_SCHEMA_VERSION).toBe(1);
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'tool', 'root', 'readiness', 'projects', 'repository', 'environments', 'findings', 'notices', 'rules', 'suppressed', 'baseline', 'comparison', 'configFile']);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.tool).toEqual({ name: 'audit-deploy', version: '0.1.0' });
    expect(doc.root).toBe('.');
  });

  it('is indented with two spaces and ends with a newline', () => {
    expect(text.startsWith('{\n  "schemaVersion": 1,\n  "tool": {\n    "name": "audit-deploy",')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('carries the readiness numbers and items', () => {
    expect(doc.readiness).toMatchObject({
      scoringVersion: 1,
      score: 12,
      status: 'NOT READY',
      threshold: 80,
      counts: { pass: 1, fail: 3, unknown: 1, na: 1, silenced: 1 },
      passedWeight: 5,
      applicableWeight: 40,
    });
    expect(doc.readiness.items.map((i: any) => [i.id, i.status, i.pointsLost])).toEqual([
      ['DJ005', 'fail', 25],
      ['DJ018', 'fail', 25],
      ['DJ012', 'unknown', 18.8],
      ['ST002', 'pass', 0],
      ['CA001', 'na', 0],
      ['LG001', 'silenced', 0],
      ['EN003', 'fail', 18.8],
    ]);
    expect(Object.keys(doc.readiness.items[0])).toEqual(['id', 'title', 'severity', 'section', 'status', 'weight', 'pointsLost']);
  });

  it('lists findings in report order with every key present', () => {
    expect(doc.findings.map((f: any) => `${f.location.file}:${f.location.startLine} ${f.ruleId} ${f.status}`)).toEqual([
      'acme/settings/production.py:5 DJ005 fail',
      'acme/settings/production.py:12 DJ018 fail',
      'acme/settings/production.py:30 DJ012 unknown',
      'deploy/my env/.env.production:1 EN003 fail',
    ]);
    expect(doc.findings[1]).toEqual({
      ruleId: 'DJ018',
      severity: 'blocker',
      status: 'fail',
      message: 'DEBUG is True in acme.settings.production',
      location: { file: 'acme/settings/production.py', startLine: 12, startColumn: 1, endLine: 12, endColumn: 13 },
      related: [
        {
          location: { file: 'deploy/my env/.env.production', startLine: 3, startColumn: 7, endLine: 3, endColumn: 11 },
          message: 'DEBUG=true set here',
        },
      ],
      fingerprint: 'DJ018:acme/settings/production.py:DEBUG:security.W018',
      djangoCheck: 'security.W018',
      decidingVariables: [],
      environment: 'production',
      project: null,
    });
    expect(doc.findings[2].decidingVariables).toEqual(['HSTS_SECONDS']);
    expect(doc.findings[3].djangoCheck).toBeNull();
    expect(doc.findings[3].environment).toBeNull();
  });

  it('widens empty regions to one character', () => {
    expect(doc.findings[0].location).toEqual({ file: 'acme/settings/production.py', startLine: 5, startColumn: 14, endLine: 5, endColumn: 15 });
    expect(doc.findings[3].location).toEqual({ file: 'deploy/my env/.env.production', startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 });
  });

  it('lists every rule outcome with its status and reason', () => {
    expect(doc.rules.map((r: any) => [r.id, r.status, r.reason, r.findings])).toEqual([
      ['DJ005', 'fail', null, 1],
      ['DJ018', 'fail', null, 1],
      ['DJ012', 'unknown', null, 1],
      ['ST002', 'pass', null, 0],
      ['CA001', 'na', 'no CACHES setting in a project without workers', 0],
      ['LG001', 'silenced', 'silenced in SILENCED_SYSTEM_CHECKS', 0],
      ['EN003', 'fail', null, 1],
    ]);
    expect(doc.rules[0]).toEqual({
      id: 'DJ005',
      name: 'WeakSecretKey',
      title: 'SECRET_KEY is weak or committed',
      severity: 'blocker',
      section: 'security',
      status: 'fail',
      reason: null,
      findings: 1,
      djangoCheck: ['security.W009'],
      tags: ['security'],
    });
    expect(doc.rules[1].djangoCheck).toEqual(['security.W018']);
    expect(doc.rules[3].djangoCheck).toEqual([]);
  });

  it('lists notices with relative paths only', () => {
    expect(doc.notices).toEqual([
      { kind: 'too-large', message: 'skipped media/dump.sql (over 1048576 bytes)', file: 'media/dump.sql', location: null },
      { kind: 'info', message: 'could not tell which settings module production uses in legacy', file: null, location: null },
      {
        kind: 'encoding',
        message: 'invalid UTF-8 replaced',
        file: 'acme/settings/base.py',
        location: { file: 'acme/settings/base.py', startLine: 7, startColumn: 3, endLine: 7, endColumn: 9 },
      },
    ]);
  });

  it('includes the projects', () => {
    expect(doc.projects).toEqual([
      {
        root: '.',
        settingsModule: 'acme.settings.production',
        settingsFile: 'acme/settings/production.py',
        reason: 'DJANGO_SETTINGS_MODULE in acme/wsgi.py',
        djangoVersion: '4.2',
        djangoVersionAssumed: false,
        envSources: ['deploy/my env/.env.production'],
        readiness: null,
        findings: 0,
      },
    ]);
  });

  it('never prints a known secret or the absolute root', () => {
    expect(text).not.toContain(SECRET_KEY_VALUE);
    expect(text).not.toContain(DB_PASSWORD);
    expect(text).not.toContain(ROOT);
    expect(doc.findings[0].message).toBe("SECRET_KEY 'dj****op (46 chars)' is committed and starts with django-insecure-");
    expect(doc.findings[3].message).toBe('deploy/my env/.env.production is committed and sets DATABASE_PASSWORD=hu****r2 (14 chars)');
  });

  it('scrubs secrets that need JSON escaping', () => {
    const r = makeResult();
    const tricky = 'pa"ss\\wo\nrd-123456';
    r.findings[0] = { ...r.findings[0]!, message: `password is ${tricky}` };
    const out = formatJson(r, { secrets: [tricky] });
    expect(out).not.toContain(JSON.stringify(tricky).slice(1, -1));
    expect(parse(out).findings.find((f: any) => f.ruleId === 'EN003').message).toBe('password is pa****56 (18 chars)');
  });

  it('is byte-identical for identical input and independent of finding order', () => {
    const shuffled = makeResult();
    shuffled.findings.reverse();
    expect(formatJson(shuffled, { secrets: SECRETS })).toBe(text);
    expect(formatJson(makeResult(), { secrets: [...SECRETS].reverse() })).toBe(text);
  });

  it('prints a null score for a run where nothing applies', () => {
    const r = makeCleanResult();
    r.readiness = { ...r.readiness, score: null, status: 'NO DATA' };
    const d = parse(formatJson(r));
    expect(d.readiness.score).toBeNull();
    expect(d.readiness.status).toBe('NO DATA');
    expect(d.findings).toEqual([]);
    expect(d.projects).toEqual([]);
  });
});
