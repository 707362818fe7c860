import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import { loadRules } from '../src/engine/registry.js';
import { listFixtures, type FixtureSpec } from './support/annotations.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fixtures = listFixtures(FIXTURES);

function settingsArg(spec: FixtureSpec): string | undefined {
  const i = spec.args.indexOf('--settings');
  return i >= 0 ? spec.args[i + 1] : undefined;
}

function compared(spec: FixtureSpec, ruleId: string): boolean {
  return spec.rulePrefixes.length === 0 || spec.rulePrefixes.some((p) => ruleId.startsWith(p));
}

const key = (f: { file: string; line: number; ruleId: string; status: string }) => `${f.file}:${f.line} ${f.ruleId} ${f.status}`;

describe('fixtures: every annotated finding, and nothing else, on its exact line', () => {
  for (const spec of fixtures) {
    it(spec.name, async () => {
      const result = await runAudit({ root: spec.dir, settings: settingsArg(spec) });
      const actual = result.findings
        .filter((f) => compared(spec, f.ruleId))
        .map((f) => key({ file: f.span.file, line: f.span.start.line, ruleId: f.ruleId, status: f.status }));
      const expected = spec.expectations.filter((e) => compared(spec, e.ruleId)).map(key);
      expect([...new Set(actual)].sort()).toEqual([...new Set(expected)].sort());

      for (const s of spec.silentLines) {
        const hit = result.findings.find((f) => f.ruleId === s.ruleId && f.span.file === s.file && f.span.start.line === s.line);
        expect(hit, `${s.ruleId} must stay silent at ${s.file}:${s.line}`).toBeUndefined();
      }
      for (const id of spec.silentRules) {
        const hits = result.findings.filter((f) => f.ruleId === id).map((f) => `${f.span.file}:${f.span.start.line}`);
        expect(hits, `${id} must stay silent in ${spec.name}`).toEqual([]);
      }
    });
  }
});

describe('fixture coverage', () => {
  it('every rule has a firing case and a silent case in the fixtures', async () => {
    const rules = await loadRules();
    const firing = new Set(fixtures.flatMap((f) => f.expectations.map((e) => e.ruleId)));
    const silent = new Set(fixtures.flatMap((f) => [...f.silentLines.map((s) => s.ruleId), ...f.silentRules]));
    const missing = rules
      .map((r) => r.meta.id)
      .flatMap((id) => [...(firing.has(id) ? [] : [`${id}: no firing fixture`]), ...(silent.has(id) ? [] : [`${id}: no silent fixture`])]);
    expect(missing).toEqual([]);
  });

  it('every annotation names a rule that exists', async () => {
    const ids = new Set((await loadRules()).map((r) => r.meta.id));
    const unknown = fixtures.flatMap((f) =>
      [...f.expectations, ...f.silentLines].filter((e) => !ids.has(e.ruleId)).map((e) => `${f.name}/${e.file}:${e.line} ${e.ruleId}`),
    );
    expect(unknown).toEqual([]);
  });
});
