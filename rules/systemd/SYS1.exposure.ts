import type { RuleContext } from '../../src/engine/rule.js';
import { computeExposure, type Exposure, type ExposureRow } from '../../src/model/systemd/exposure.js';
import type { SystemdUnit } from '../../src/model/systemd/types.js';
import { exposureRowFix, isProductionService, LONG_RUNNING_TYPES, runsSelfManagedDaemon, serviceHeader, serviceType } from './SYS0.common.js';

/**
 * Shared by SYS015 and SYS016: the exposure of a production long-running service, reported when it
 * falls in [from, to). The message names the settings that cost most, each with the points it
 * would take off; PrivateNetwork= is left out of the advice (a web app needs the network).
 */
export function reportExposure(unit: SystemdUnit, ctx: RuleContext, from: number, to: number): void {
  if (!isProductionService(unit) || !LONG_RUNNING_TYPES.has(serviceType(unit))) return;
  if (unit.problems.some((p) => p.fatal) || runsSelfManagedDaemon(unit)) return;
  const e = computeExposure(unit);
  if ('unknown' in e) return;
  if (e.exposure < from || e.exposure >= to) return;
  const groups = costliestSettings(e).slice(0, 5);
  ctx.report({
    message: `${unit.name}: systemd-analyze security rates it ${e.score} ${e.band} (0 is best, 10 worst), so a compromised app reaches much of the host; what costs most: ${groups.map((g) => `${g.setting} (${points(g.cost, e)})`).join(', ')}; add ${groups.map((g) => exposureRowFix(g.rows[0]!.id)).join('; ')}`,
    span: serviceHeader(unit),
    target: `${unit.name}:exposure`,
    related: groups.flatMap((g) => {
      const entry = g.rows.find((r) => r.entry)?.entry;
      return entry ? [{ span: entry.span, message: `${g.setting} costs ${points(g.cost, e)}` }] : [];
    }),
  });
}

/** Rows grouped by the setting that clears them (CapabilityBoundingSet=, SystemCallFilter= ...), costliest first. */
function costliestSettings(e: Exposure): Array<{ setting: string; cost: number; rows: ExposureRow[] }> {
  const bySetting = new Map<string, { setting: string; cost: number; rows: ExposureRow[]; first: number }>();
  e.rows.forEach((r, i) => {
    if (r.badness === undefined || r.badness === 0 || r.id === 'PrivateNetwork=') return;
    const setting = r.id.slice(0, r.id.indexOf('=') + 1);
    const g = bySetting.get(setting) ?? { setting, cost: 0, rows: [], first: i };
    g.cost += r.cost;
    g.rows.push(r);
    bySetting.set(setting, g);
  });
  return [...bySetting.values()].sort((a, b) => b.cost - a.cost || a.first - b.first);
}

/** A cost in exposure points as systemd-analyze prints them (one decimal). */
function points(cost: number, e: Exposure): string {
  const x = Math.ceil((cost * 100) / e.weightSum);
  return `${Math.floor(x / 10)}.${x % 10}`;
}
