import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEVERITY_WEIGHT, type ChecklistSection, type Severity } from '../src/core/finding.js';
import type { ItemStatus, RuleOutcome } from '../src/engine/result.js';
import { compareOutcomes, computeReadiness, SCORING_VERSION } from '../src/score/readiness.js';

let counter = 0;
function item(severity: Severity, status: ItemStatus, opts: { id?: string; section?: ChecklistSection } = {}): RuleOutcome {
  const id = opts.id ?? `T${String(++counter).padStart(3, '0')}`;
  return {
    meta: {
      id,
      name: `Rule${id}`,
      title: `title of ${id}`,
      severity,
      section: opts.section ?? 'security',
      docs: { whatItDoes: 'x', whyIsThisBad: 'y' },
      fix: 'z',
      references: [],
      tags: [],
    },
    status,
    findings: [],
  };
}

function repeat(n: number, make: () => RuleOutcome): RuleOutcome[] {
  return Array.from({ length: n }, make);
}

describe('computeReadiness', () => {
  it('weights mixed outcomes, leaves n/a and silenced out, and counts unknown as not passed', () => {
    const r = computeReadiness([
      item('blocker', 'pass', { id: 'A1' }),
      item('high', 'fail', { id: 'A2' }),
      item('medium', 'unknown', { id: 'A3' }),
      item('low', 'pass', { id: 'A4' }),
      item('medium', 'na', { id: 'A5' }),
      item('high', 'silenced', { id: 'A6' }),
    ]);
    expect(r.scoringVersion).toBe(SCORING_VERSION);
    expect(SCORING_VERSION).toBe(1);
    expect(r.applicableWeight).toBe(25);
    expect(r.passedWeight).toBe(12.5);
    expect(r.score).toBe(50);
    expect(r.status).toBe('NOT READY');
    expect(r.threshold).toBe(80);
    expect(r.counts).toEqual({ pass: 2, fail: 1, unknown: 1, na: 1, silenced: 1 });
    const lost = Object.fromEntries(r.items.map((i) => [i.id, i.pointsLost]));
    expect(lost).toEqual({ A1: 0, A2: 30, A3: 20, A4: 0, A5: 0, A6: 0 });
    expect(r.items.find((i) => i.id === 'A3')).toEqual({
      id: 'A3', title: 'title of A3', severity: 'medium', section: 'security', status: 'unknown', weight: 5, pointsLost: 20,
    });
  });

  it('floors the score: 99.6 is 99, not 100', () => {
    const outcomes = [...repeat(62, () => item('blocker', 'pass')), item('low', 'pass'), item('low', 'fail', { id: 'ZLOW' })];
    const r = computeReadiness(outcomes);
    expect(r.applicableWeight).toBe(625);
    expect(r.passedWeight).toBe(622.5);
    expect(r.score).toBe(99);
    expect(r.status).toBe('READY');
    expect(r.items.find((i) => i.id === 'ZLOW')!.pointsLost).toBe(0.4);
  });

  it('computes exactly with fractional weights (no 7.5 / 2.5 float drift)', () => {
    // 3 x high pass + 1 low fail: 22.5 / 25 = 90 exactly.
    const r = computeReadiness([item('high', 'pass'), item('high', 'pass'), item('high', 'pass'), item('low', 'fail')]);
    expect(r.score).toBe(90);
    // 1 high pass + 3 low fail = 7.5 / 15 = 50.
    const r2 = computeReadiness([item('high', 'pass'), item('low', 'fail'), item('low', 'fail'), item('low', 'fail')]);
    expect(r2.score).toBe(50);
    // pointsLost rounds to one decimal: 2.5 / 15 = 16.666... -> 16.7
    expect(r2.items.filter((i) => i.status === 'fail').map((i) => i.pointsLost)).toEqual([16.7, 16.7, 16.7]);
  });

  it('a failing blocker makes it NOT READY even with a high score', () => {
    const outcomes = [...repeat(40, () => item('high', 'pass')), item('blocker', 'fail', { id: 'BLK' })];
    const r = computeReadiness(outcomes, 80);
    expect(r.score).toBe(96); // 300 / 310 = 96.77
    expect(r.status).toBe('NOT READY');
    expect(r.items.find((i) => i.id === 'BLK')!.pointsLost).toBe(3.2);
  });

  it('an unknown blocker lowers the score but is not a failing blocker', () => {
    const outcomes = [...repeat(40, () => item('high', 'pass')), item('blocker', 'unknown')];
    const r = computeReadiness(outcomes, 80);
    expect(r.score).toBe(96);
    expect(r.status).toBe('READY');
  });

  it('READY exactly at the threshold, NOT READY one point below', () => {
    // 4 medium pass + 1 medium fail = 80
    const at = [item('medium', 'pass'), item('medium', 'pass'), item('medium', 'pass'), item('medium', 'pass'), item('medium', 'fail')];
    expect(computeReadiness(at, 80)).toMatchObject({ score: 80, status: 'READY' });
    expect(computeReadiness(at, 81)).toMatchObject({ score: 80, status: 'NOT READY', threshold: 81 });
  });

  it('all n/a (or silenced) gives a null score and NO DATA', () => {
    const r = computeReadiness([item('blocker', 'na'), item('high', 'silenced'), item('low', 'na')]);
    expect(r.score).toBeNull();
    expect(r.status).toBe('NO DATA');
    expect(r.applicableWeight).toBe(0);
    expect(r.passedWeight).toBe(0);
    expect(r.items.map((i) => i.pointsLost)).toEqual([0, 0, 0]);
    expect(r.counts).toEqual({ pass: 0, fail: 0, unknown: 0, na: 2, silenced: 1 });
  });

  it('no outcomes at all gives NO DATA', () => {
    const r = computeReadiness([]);
    expect(r).toEqual({
      scoringVersion: 1,
      score: null,
      status: 'NO DATA',
      threshold: 80,
      counts: { pass: 0, fail: 0, unknown: 0, na: 0, silenced: 0 },
      passedWeight: 0,
      applicableWeight: 0,
      items: [],
    });
  });

  it('everything unknown scores 0, not n/a', () => {
    const r = computeReadiness([item('medium', 'unknown'), item('low', 'unknown')]);
    expect(r.score).toBe(0);
    expect(r.status).toBe('NOT READY');
    expect(r.items.map((i) => i.pointsLost)).toEqual([66.7, 33.3]);
  });

  it('orders items by checklist section, then severity, then id', () => {
    const r = computeReadiness([
      item('low', 'pass', { id: 'C9', section: 'configuration' }),
      item('high', 'pass', { id: 'S2', section: 'security' }),
      item('blocker', 'fail', { id: 'S9', section: 'security' }),
      item('blocker', 'pass', { id: 'S1', section: 'security' }),
      item('medium', 'pass', { id: 'M1', section: 'static-media' }),
      item('medium', 'pass', { id: 'D1', section: 'database' }),
      item('high', 'pass', { id: 'K1', section: 'containers' }),
    ]);
    expect(r.items.map((i) => i.id)).toEqual(['S1', 'S9', 'S2', 'M1', 'D1', 'K1', 'C9']);
  });

  it('does not mutate or depend on the input order', () => {
    const outcomes = [item('low', 'fail', { id: 'B' }), item('high', 'pass', { id: 'A' })];
    const before = outcomes.map((o) => o.meta.id);
    const a = computeReadiness(outcomes);
    const b = computeReadiness([...outcomes].reverse());
    expect(outcomes.map((o) => o.meta.id)).toEqual(before);
    expect(a).toEqual(b);
  });
});

describe('computeReadiness on random outcomes', () => {
  it('lists items in compareOutcomes order and sums and counts them as one filter per status would', () => {
    const sections: string[] = ['security', 'backups', 'ci-cd', 'configuration', 'web-server', 'no-such-section'];
    const severities: Severity[] = ['blocker', 'high', 'medium', 'low'];
    const statuses: ItemStatus[] = ['pass', 'fail', 'unknown', 'na', 'silenced'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ section: fc.constantFrom(...sections), severity: fc.constantFrom(...severities), status: fc.constantFrom(...statuses), id: fc.constantFrom('A1', 'B2', 'C3', 'DJ001', 'NGX010', 'SYS2') }), { maxLength: 40 }),
        (specs) => {
          const outcomes = specs.map((s) => item(s.severity, s.status, { id: s.id, section: s.section as ChecklistSection }));
          const r = computeReadiness(outcomes);
          expect(r.items.map((i) => `${i.id}/${i.section}/${i.severity}/${i.status}`)).toEqual(
            [...outcomes].sort(compareOutcomes).map((o) => `${o.meta.id}/${o.meta.section}/${o.meta.severity}/${o.status}`),
          );
          const weight2 = (keep: (o: RuleOutcome) => boolean) => outcomes.filter(keep).reduce((n, o) => n + 2 * SEVERITY_WEIGHT[o.meta.severity], 0);
          expect(r.passedWeight * 2).toBe(weight2((o) => o.status === 'pass'));
          expect(r.applicableWeight * 2).toBe(weight2((o) => o.status === 'pass' || o.status === 'fail' || o.status === 'unknown'));
          for (const s of statuses) expect(r.counts[s]).toBe(outcomes.filter((o) => o.status === s).length);
          if (outcomes.some((o) => o.status === 'fail' && o.meta.severity === 'blocker')) expect(r.status).toBe('NOT READY');
        },
      ),
      { numRuns: 500 },
    );
  });
});
