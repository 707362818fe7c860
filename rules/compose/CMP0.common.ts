import type { RuleContext } from '../../src/engine/rule.js';
import type { ComposeProject } from '../../src/model/containers/types.js';

/** Shared pieces of the compose rules (not a rule: the file name has no rule id form). */

export const COMPOSE_SERVICES = 'https://docs.docker.com/reference/compose-file/services/';

/** Production projects only; says "not applicable" for development ones. */
export function production(project: ComposeProject, ctx: RuleContext): boolean {
  if (project.role !== 'production') {
    ctx.notApplicable(`a development compose project (${project.roleReason})`);
    return false;
  }
  return true;
}
