import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../src/engine/registry.js';
import { ruleDocFiles } from '../src/report/rule-docs.js';

const REPO = resolve(import.meta.dirname, '..');

describe('docs/rules/ (generated from rule metadata)', () => {
  it('is up to date: run `npm run docs` after changing a rule', async () => {
    const files = ruleDocFiles(await loadRules());
    const stale = files.filter((f) => !existsSync(join(REPO, f.path)) || readFileSync(join(REPO, f.path), 'utf8') !== f.text).map((f) => f.path);
    const expected = new Set(files.map((f) => f.path.replace('docs/rules/', '')));
    const extra = readdirSync(join(REPO, 'docs', 'rules')).filter((f) => !expected.has(f));
    expect({ stale, extra }).toEqual({ stale: [], extra: [] });
  });

  it('every rule documents what it does, why, how to fix, with references', async () => {
    for (const rule of await loadRules()) {
      const m = rule.meta;
      expect(m.docs.whatItDoes.length, m.id).toBeGreaterThan(30);
      expect(m.docs.whyIsThisBad.length, m.id).toBeGreaterThan(30);
      expect(m.fix.length, m.id).toBeGreaterThan(15);
      expect(m.references.length, m.id).toBeGreaterThan(0);
      for (const ref of m.references) expect(ref, m.id).toMatch(/^https:\/\//);
      expect(m.title.length, m.id).toBeLessThan(120);
    }
  });
});
