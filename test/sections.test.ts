import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import { REPOSITORY_SECTION } from '../src/engine/sections.js';
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
