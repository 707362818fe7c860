import type { RelatedLocation } from '../../src/core/finding.js';
import type { RuleContext } from '../../src/engine/rule.js';
import type { AppServerInstance, AppServerKind } from '../../src/model/appserver/types.js';
import type { SystemdUnit } from '../../src/model/systemd/types.js';
import type { DeploymentModel } from '../../src/model/types.js';

/** Shared pieces of the app-server rules (not a rule: the file name has no rule id form). */

export const GUNICORN_SETTINGS_DOCS = 'https://docs.gunicorn.org/en/stable/settings.html';
export const GUNICORN_DEPLOY_DOCS = 'https://docs.gunicorn.org/en/stable/deploy.html';
export const GUNICORN_DESIGN_DOCS = 'https://docs.gunicorn.org/en/stable/design.html';
export const UWSGI_DOCS = 'https://uwsgi-docs.readthedocs.io/en/latest';
export const UVICORN_SETTINGS_DOCS = 'https://www.uvicorn.org/settings/';
export const DJANGO_DOCS = 'https://docs.djangoproject.com/en/stable';

/**
 * The instances a rule judges: production ones of the given servers (web processes only when
 * `webOnly`). Says "not applicable" for the others, so that they do not count as passes.
 */
export function judged(inst: AppServerInstance, ctx: RuleContext, servers: readonly AppServerKind[], webOnly = true): boolean {
  if (!servers.includes(inst.server)) {
    ctx.notApplicable(`not ${servers.join(' or ')}`);
    return false;
  }
  if (inst.role !== 'production') {
    ctx.notApplicable('a development configuration');
    return false;
  }
  if (webOnly && !inst.web) {
    ctx.notApplicable('not a web process');
    return false;
  }
  return true;
}

/** The systemd unit that starts an instance, when it does. */
export function unitOf(inst: AppServerInstance, model: DeploymentModel): SystemdUnit | undefined {
  if (!inst.unit) return undefined;
  return model.systemdUnits.find((u) => u.name === inst.unit!.name && u.file === inst.unit!.file);
}

/** The last value of a unit's [Service] key ('' assignments reset to the default: undefined). */
export function serviceValue(unit: SystemdUnit, key: string): string | undefined {
  let v: string | undefined;
  for (const e of unit.entries) if (e.section === 'Service' && e.key === key) v = e.value === '' ? undefined : e.value;
  return v;
}

/** A related location pointing at where the instance is started (for findings in a config file). */
export function startedBy(inst: AppServerInstance): RelatedLocation[] {
  if (inst.origin === 'gunicorn-config' || inst.origin === 'uwsgi-config') return [];
  const what = inst.origin === 'systemd' ? `started by ${inst.unit?.name ?? 'a systemd unit'}` : inst.origin === 'procfile' ? `started by the Procfile's ${inst.processName ?? ''} process` : `started here`;
  return [{ span: inst.span, message: what }];
}

/** A stable fingerprint target: server, where it is started, and what is judged. */
export function target(inst: AppServerInstance, what: string): string {
  return `${inst.server}:${inst.processName ?? inst.origin}:${what}`;
}

/** A lone config file is started by a command line the repository does not show. */
export function loneConfig(inst: AppServerInstance): boolean {
  return inst.origin === 'gunicorn-config' || inst.origin === 'uwsgi-config';
}

/** Container command lines (fed in by the containers part): binding every interface is their norm. */
export function inContainer(inst: AppServerInstance): boolean {
  return inst.origin === 'dockerfile' || inst.origin === 'compose';
}
