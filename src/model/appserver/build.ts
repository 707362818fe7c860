import type { Notice } from '../../core/finding.js';
import type { DiscoveredFile } from '../../discover/types.js';
import type { ModelSources } from '../build.js';
import type { SystemdUnit } from '../systemd/types.js';
import type { AppServerInstance } from './types.js';

export interface AppServerInputs {
  /** Units already built: their ExecStart lines start app servers. */
  systemdUnits: SystemdUnit[];
}

/**
 * Application server instances (gunicorn, uWSGI, ...) from config files and command lines.
 * (Being written for issue 3: until it lands, no instance is built.)
 */
export function buildAppServers(_files: DiscoveredFile[], _sources: ModelSources, _inputs: AppServerInputs, _notices: Notice[]): AppServerInstance[] {
  return [];
}
