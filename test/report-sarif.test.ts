import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import type { RuleOutcome } from '../src/engine/result.js';
import type { RuleMeta } from '../src/engine/rule.js';
import { computeReadiness } from '../src/score/readiness.js';
import { encodeRepoPath, formatSarif, isAbsoluteWebUrl } from '../src/report/sarif.js';
import {
  DB_PASSWORD,
  DEBUG_META,
  debugFinding,
  makeCleanResult,
  makeResult,
  ROOT,
  SECRET_KEY_VALUE,
  SECRETS,
  span,
  STATIC_META,
} from './report-fixtures.js';
import { makeSarifValidator, URI_CHARS } from './support/sarif-validator.js';

const validate = makeSarifValidator();

function expectSchemaValid(doc: unknown): void {
  const ok = validate(doc);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

/** What GitHub code scanning demands beyond the schema (see the reference notes, section 2). */
function expectGithubAcceptable(doc: any): void {
  expect(doc.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
  expect(doc.version).toBe('2.1.0');
  expect(doc.runs).toHaveLength(1);
  for (const run of doc.runs) {
    const rules = run.tool.driver.rules;
    expect(run.tool.driver.name).toBe('audit-deploy');
    const ids = rules.map((r: any) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.shortDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.fullDescription.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.help.text.length).toBeGreaterThan(0);
      expect(rule.name.length).toBeLessThanOrEqual(255);
      expect(rule.properties.tags.length).toBeLessThanOrEqual(20);
      expect(['note', 'warning', 'error']).toContain(rule.defaultConfiguration.level);
      const sev = rule.properties['security-severity'];
      if (sev !== undefined) {
        expect(typeof sev).toBe('string');
        expect(sev).toMatch(/^\d+(\.\d+)?$/);
        expect(Number(sev)).toBeGreaterThanOrEqual(0.1);
        expect(Number(sev)).toBeLessThanOrEqual(10);
      }
      if (rule.helpUri !== undefined) expect(isAbsoluteWebUrl(rule.helpUri)).toBe(true);
    }
    for (const result of run.results) {
      expect(typeof result.ruleId).toBe('string');
      expect(rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(result.message.text.trim().length).toBeGreaterThan(0);
      expect(result.locations.length).toBeGreaterThanOrEqual(1);
      const loc = result.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri.length).toBeGreaterThan(0);
      expect(loc.artifactLocation.uri).toMatch(URI_CHARS);
      expect(loc.artifactLocation.uri.startsWith('/')).toBe(false);
      const { startLine, startColumn, endLine, endColumn } = loc.region;
      expect(startLine).toBeGreaterThanOrEqual(1);
      expect(startColumn).toBeGreaterThanOrEqual(1);
      expect(endLine).toBeGreaterThanOrEqual(startLine);
      if (endLine === startLine) expect(endColumn).toBeGreaterThan(startColumn);
    }
  }
}

function rule(meta: Partial<RuleMeta> & { id: string }): RuleMeta {
  return { ...STATIC_META, ...meta };
}

describe('formatSarif', () => {
  const text = formatSarif(makeResult(), { secrets: SECRETS });
  const doc = JSON.parse(text);
  const run = doc.runs[0];
  const rules = run.tool.driver.rules;

  it('is valid against the SARIF 2.1.0 schema and meets GitHub code scanning demands', () => {
    expectSchemaValid(doc);
    expectGithubAcceptable(doc);
  });

  it('a clean run with no results and no notices is valid too', () => {
    const clean = JSON.parse(formatSarif(makeCleanResult()));
    expectSchemaValid(clean);
    expectGithubAcceptable(clean);
    expect(clean.runs[0].results).toEqual([]);
    expect(clean.runs[0].tool.driver.rules.map((r: any) => r.id)).toEqual(['CA001', 'DJ018', 'ST002']);
  });

  it('describes the tool and the run without any absolute path or timestamp', () => {
    expect(run.tool.driver.name).toBe('audit-deploy');
    expect(run.tool.driver.semanticVersion).toBe('0.1.0');
    expect(run.tool.driver.informationUri).toBeUndefined();
    expect(run.automationDetails).toEqual({ id: 'audit-deploy/' });
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { description: { text: 'The root of the audited repository.' } } });
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(text).not.toContain(ROOT);
    expect(text).not.toContain('file://');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });

  it('lists every evaluated rule once, in id order, whatever its status', () => {
    expect(rules.map((r: any) => r.id)).toEqual(['CA001', 'DJ005', 'DJ012', 'DJ018', 'EN003', 'LG001', 'ST002']);
  });

  it('fills a rule descriptor from the rule docs', () => {
    const debug = rules.find((r: any) => r.id === 'DJ018');
    expect(Object.keys(debug)).toEqual(['id', 'name', 'shortDescription', 'fullDescription', 'help', 'helpUri', 'defaultConfiguration', 'properties']);
    expect(debug.name).toBe('DebugEnabled');
    expect(debug.shortDescription).toEqual({ text: 'DEBUG is on in production' });
    expect(debug.fullDescription).toEqual({
      text: 'Checks that the production settings turn DEBUG off. With DEBUG on, any error page shows settings, source lines and request data to visitors.',
    });
    expect(debug.helpUri).toBe('https://docs.djangoproject.com/en/stable/ref/settings/#debug');
    expect(debug.defaultConfiguration).toEqual({ level: 'error' });
    expect(debug.properties).toEqual({
      tags: ['security', 'django'],
      precision: 'high',
      'problem.severity': 'error',
      'security-severity': '9.5',
      'django-check': 'security.W018',
      'audit-deploy/severity': 'blocker',
      'audit-deploy/section': 'security',
    });
    expect(debug.help.text).toBe(
      [
        'What it does',
        'Checks that the production settings turn DEBUG off.',
        '',
        'Why is this bad?',
        'With DEBUG on, any error page shows settings, source lines and request data to visitors.',
        '',
        'Example',
        '    DEBUG = True',
        '',
        'Use instead',
        "    DEBUG = env.bool('DEBUG', default=False)",
        '',
        'Fix',
        'Set DEBUG = False in the production settings, e.g. from an environment variable. Never enable it on a public host.',
        '',
        'References',
        '- https://docs.djangoproject.com/en/stable/ref/settings/#debug',
      ].join('\n'),
    );
    expect(debug.help.markdown).toBe(
      [
        '## What it does',
        '',
        'Checks that the production settings turn DEBUG off.',
        '',
        '## Why is this bad?',
        '',
        'With DEBUG on, any error page shows settings, source lines and request data to visitors.',
        '',
        '## Example',
        '',
        '```',
        'DEBUG = True',
        '```',
        '',
        '## Use instead',
        '',
        '```',
        "DEBUG = env.bool('DEBUG', default=False)",
        '```',
        '',
        '## Fix',
        '',
        'Set DEBUG = False in the production settings, e.g. from an environment variable. Never enable it on a public host.',
        '',
        '## References',
        '',
        '- <https://docs.djangoproject.com/en/stable/ref/settings/#debug>',
      ].join('\n'),
    );
  });

  it('maps severity to level and security-severity only for security-tagged rules', () => {
    const byId = Object.fromEntries(rules.map((r: any) => [r.id, r]));
    const summary = (id: string) => [
      byId[id].defaultConfiguration.level,
      byId[id].properties['problem.severity'],
      byId[id].properties['security-severity'],
    ];
    expect(summary('DJ005')).toEqual(['error', 'error', '9.5']);
    expect(summary('DJ012')).toEqual(['error', 'error', '8.0']);
    expect(summary('EN003')).toEqual(['error', 'error', '8.0']);
    expect(summary('ST002')).toEqual(['warning', 'warning', undefined]);
    expect(summary('CA001')).toEqual(['warning', 'warning', undefined]);
    expect(summary('LG001')).toEqual(['note', 'recommendation', undefined]);
    expect('security-severity' in byId.ST002.properties).toBe(false);
    expect(byId.EN003.properties.tags).toEqual(['security', 'configuration']);
    expect(byId.LG001.properties.tags).toEqual(['logging-monitoring', 'observability']);
    expect(byId.DJ005.properties['django-check']).toEqual(['security.W009']);
    expect('django-check' in byId.ST002.properties).toBe(false);
  });

  it('omits helpUri when the first reference is not an absolute URL', () => {
    const hsts = rules.find((r: any) => r.id === 'DJ012');
    expect('helpUri' in hsts).toBe(false);
    expect(hsts.help.text.endsWith('References\n- see the Django deployment checklist')).toBe(true);
    expect('helpUri' in rules.find((r: any) => r.id === 'ST002')).toBe(false);
  });

  it('emits one result per finding in report order, pointing at its rule', () => {
    expect(run.results.map((r: any) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['DJ005', 1, 'error'],
      ['DJ018', 3, 'error'],
      ['DJ012', 2, 'note'],
      ['EN003', 4, 'error'],
    ]);
  });

  it('writes a complete result for a failure with related locations', () => {
    expect(run.results[1]).toEqual({
      ruleId: 'DJ018',
      ruleIndex: 3,
      level: 'error',
      message: { text: 'DEBUG is True in acme.settings.production' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'acme/settings/production.py', uriBaseId: '%SRCROOT%' },
            region: { startLine: 12, startColumn: 1, endLine: 12, endColumn: 13 },
          },
        },
      ],
      relatedLocations: [
        {
          id: 1,
          physicalLocation: {
            artifactLocation: { uri: 'deploy/my%20env/.env.production', uriBaseId: '%SRCROOT%' },
            region: { startLine: 3, startColumn: 7, endLine: 3, endColumn: 11 },
          },
          message: { text: 'DEBUG=true set here' },
        },
      ],
      partialFingerprints: { 'auditDeploy/v1': 'DJ018:acme/settings/production.py:DEBUG:security.W018' },
      properties: { 'audit-deploy/status': 'fail', 'django-check': 'security.W018', 'audit-deploy/environment': 'production' },
    });
  });

  it('reports an unknown as a note that says it could not determine', () => {
    const unknown = run.results[2];
    expect(unknown.level).toBe('note');
    expect(unknown.message.text).toBe('Could not determine: SECURE_HSTS_SECONDS comes from HSTS_SECONDS, which no production source sets');
    expect(unknown.properties).toEqual({
      'audit-deploy/status': 'unknown',
      'audit-deploy/decidingVariables': ['HSTS_SECONDS'],
      'audit-deploy/environment': 'production',
    });
    expect('relatedLocations' in unknown).toBe(false);
  });

  it('widens empty regions and percent-encodes paths', () => {
    expect(run.results[0].locations[0].physicalLocation.region).toEqual({ startLine: 5, startColumn: 14, endLine: 5, endColumn: 15 });
    expect(run.results[3].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'deploy/my%20env/.env.production', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 },
    });
  });

  it('fixes up impossible positions (0 or reversed) to a valid region', () => {
    const r = makeResult();
    r.findings = [{ ...debugFinding, span: { file: 'a.py', start: { line: 0, column: 0, offset: 0 }, end: { line: 0, column: 0, offset: 0 } } }];
    const d = JSON.parse(formatSarif(r));
    expect(d.runs[0].results[0].locations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 });
    r.findings = [{ ...debugFinding, span: span('a.py', 9, 5, 4, 2) }];
    const d2 = JSON.parse(formatSarif(r));
    expect(d2.runs[0].results[0].locations[0].physicalLocation.region).toEqual({ startLine: 9, startColumn: 5, endLine: 9, endColumn: 6 });
    expectSchemaValid(d2);
  });

  it('reports notices as tool execution notifications', () => {
    expect(run.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'warning',
            message: { text: 'skipped media/dump.sql (over 1048576 bytes)' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'media/dump.sql', uriBaseId: '%SRCROOT%' } } }],
            properties: { 'audit-deploy/kind': 'too-large' },
          },
          {
            level: 'note',
            message: { text: 'could not tell which settings module production uses in legacy' },
            properties: { 'audit-deploy/kind': 'info' },
          },
          {
            level: 'warning',
            message: { text: 'invalid UTF-8 replaced' },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: 'acme/settings/base.py', uriBaseId: '%SRCROOT%' },
                  region: { startLine: 7, startColumn: 3, endLine: 7, endColumn: 9 },
                },
              },
            ],
            properties: { 'audit-deploy/kind': 'encoding' },
          },
        ],
      },
    ]);
  });

  it('carries the readiness in run.properties', () => {
    expect(run.properties.readiness).toMatchObject({
      score: 12,
      status: 'NOT READY',
      threshold: 80,
      scoringVersion: 1,
      counts: { pass: 1, fail: 3, unknown: 1, na: 1, silenced: 1 },
    });
    expect(run.properties.readiness.items).toHaveLength(7);
    expect(run.properties.readiness.items[0]).toEqual({
      id: 'DJ005', title: 'SECRET_KEY is weak or committed', severity: 'blocker', section: 'security', status: 'fail', weight: 10, pointsLost: 25,
    });
  });

  it('never prints a known secret', () => {
    expect(text).not.toContain(SECRET_KEY_VALUE);
    expect(text).not.toContain(DB_PASSWORD);
    expect(run.results[0].message.text).toBe("SECRET_KEY 'dj****op (46 chars)' is committed and starts with django-insecure-");
  });

  it('is byte-identical for identical input and independent of input order', () => {
    expect(formatSarif(makeResult(), { secrets: SECRETS })).toBe(text);
    const shuffled = makeResult();
    shuffled.findings.reverse();
    shuffled.outcomes.reverse();
    expect(formatSarif(shuffled, { secrets: SECRETS })).toBe(text);
  });
});

describe('formatSarif edge cases', () => {
  function resultWith(outcomes: RuleOutcome[]) {
    const r = makeCleanResult();
    r.outcomes = outcomes;
    r.findings = outcomes.flatMap((o) => o.findings);
    r.readiness = computeReadiness(outcomes);
    return r;
  }

  it('keeps one descriptor when two outcomes share an id', () => {
    const d = JSON.parse(formatSarif(resultWith([{ meta: DEBUG_META, status: 'pass', findings: [] }, { meta: DEBUG_META, status: 'pass', findings: [] }])));
    expect(d.runs[0].tool.driver.rules.map((r: any) => r.id)).toEqual(['DJ018']);
    expectSchemaValid(d);
  });

  it('caps tags at 20 keeping security and the section, and descriptions at 1024 characters', () => {
    const tags = ['security', ...Array.from({ length: 30 }, (_, i) => `t${i}`)];
    const long = 'word '.repeat(400);
    const meta = rule({ id: 'ZZ001', tags, docs: { whatItDoes: long, whyIsThisBad: long }, title: 'T'.repeat(2000), name: 'N'.repeat(300) });
    const d = JSON.parse(formatSarif(resultWith([{ meta, status: 'pass', findings: [] }])));
    const r = d.runs[0].tool.driver.rules[0];
    expect(r.properties.tags).toHaveLength(20);
    expect(r.properties.tags.slice(0, 3)).toEqual(['security', 'static-media', 't0']);
    expect(r.fullDescription.text).toHaveLength(1024);
    expect(r.fullDescription.text.endsWith('…')).toBe(true);
    expect(r.shortDescription.text).toHaveLength(1024);
    expect(r.name).toHaveLength(255);
    expect(r.properties['security-severity']).toBe('5.5');
    expectSchemaValid(d);
    expectGithubAcceptable(d);
  });

  it('uses a longer fence when the example itself contains backticks', () => {
    const meta = rule({ id: 'ZZ002', docs: { whatItDoes: 'a', whyIsThisBad: 'b', example: 'x = ```y```' } });
    const d = JSON.parse(formatSarif(resultWith([{ meta, status: 'pass', findings: [] }])));
    expect(d.runs[0].tool.driver.rules[0].help.markdown).toContain('## Example\n\n````\nx = ```y```\n````');
  });

  it('falls back to the rule title for an empty message and encodes awkward paths', () => {
    const finding = { ...debugFinding, message: '  ', related: [], span: span('conf/100%/é#1 (old).py', 2, 1, 2, 4) };
    const d = JSON.parse(formatSarif(resultWith([{ meta: DEBUG_META, status: 'fail', findings: [finding] }])));
    const res = d.runs[0].results[0];
    expect(res.message.text).toBe('DEBUG is on in production');
    expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe('conf/100%25/%C3%A9%231%20%28old%29.py');
    expectSchemaValid(d);
    expectGithubAcceptable(d);
  });

  it('uses version instead of semanticVersion for a non-semver version', () => {
    const r = makeCleanResult();
    r.tool = { name: 'audit-deploy', version: 'dev' };
    const d = JSON.parse(formatSarif(r));
    expect(d.runs[0].tool.driver.version).toBe('dev');
    expect(d.runs[0].tool.driver.semanticVersion).toBeUndefined();
    expectSchemaValid(d);
  });

  it('the schema check really rejects a zero column and a missing message', () => {
    const bad = JSON.parse(formatSarif(makeResult()));
    bad.runs[0].results[0].locations[0].physicalLocation.region.startColumn = 0;
    delete bad.runs[0].results[1].message;
    expect(validate(bad)).toBe(false);
    const errors = validate.errors!.map((e: ErrorObject) => `${e.instancePath} ${e.keyword}`);
    expect(errors).toContain('/runs/0/results/0/locations/0/physicalLocation/region/startColumn minimum');
    expect(errors).toContain('/runs/0/results/1 required');
  });

  it('the schema check really rejects an unencoded path and a relative helpUri', () => {
    const bad = JSON.parse(formatSarif(makeResult()));
    bad.runs[0].results[3].locations[0].physicalLocation.artifactLocation.uri = 'deploy/my env/.env.production';
    bad.runs[0].tool.driver.rules[0].helpUri = 'docs/rules.md';
    expect(validate(bad)).toBe(false);
    expect(validate.errors!.map((e: ErrorObject) => `${e.instancePath} ${e.keyword}`)).toEqual([
      '/runs/0/tool/driver/rules/0/helpUri format',
      '/runs/0/results/3/locations/0/physicalLocation/artifactLocation/uri format',
    ]);
  });
});

describe('encodeRepoPath / isAbsoluteWebUrl', () => {
  it('percent-encodes per segment and keeps separators', () => {
    expect(encodeRepoPath('a b/c:d/ü.txt')).toBe('a%20b/c%3Ad/%C3%BC.txt');
    expect(encodeRepoPath('./x/y.py')).toBe('x/y.py');
    expect(encodeRepoPath('plain/path-1_2.~ok')).toBe('plain/path-1_2.~ok');
  });

  it('accepts only absolute http(s) URLs without illegal characters', () => {
    expect(isAbsoluteWebUrl('https://docs.djangoproject.com/en/5.2/ref/settings/#debug')).toBe(true);
    expect(isAbsoluteWebUrl('http://example.com')).toBe(true);
    expect(isAbsoluteWebUrl('docs.djangoproject.com/en/5.2/')).toBe(false);
    expect(isAbsoluteWebUrl('https://example.com/a b')).toBe(false);
    expect(isAbsoluteWebUrl('ftp://example.com/x')).toBe(false);
    expect(isAbsoluteWebUrl('see the checklist')).toBe(false);
  });
});
