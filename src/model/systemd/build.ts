import type { Notice } from '../../core/finding.js';
import type { DiscoveredFile } from '../../discover/types.js';
import type { ModelSources } from '../build.js';
import type { SystemdUnit } from './types.js';

/**
 * systemd units from the discovered files, drop-ins applied.
 * (Being written for issue 3: until the unit parser lands, no unit is built.)
 */
export function buildSystemdUnits(_files: DiscoveredFile[], _sources: ModelSources, _notices: Notice[]): SystemdUnit[] {
  return [];
}
