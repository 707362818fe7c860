import type { RuleContext } from '../../src/engine/rule.js';
import type { Pm2App, Pm2File, Pm2Literal } from '../../src/model/pm2/types.js';

/** Shared pieces of the pm2 rules (not a rule: the file name has no rule id form). */

export const PM2_DOCS = 'https://pm2.keymetrics.io/docs/usage/application-declaration/';

export function productionFile(file: Pm2File, ctx: RuleContext): boolean {
  if (file.role !== 'production') {
    ctx.notApplicable('a development pm2 file');
    return false;
  }
  return true;
}

export function appName(app: Pm2App): string {
  const n = app.options.get('name')?.value;
  return typeof n === 'string' ? n : '(unnamed app)';
}

export function isUnknown(v: Pm2Literal | undefined): v is { unknown: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
