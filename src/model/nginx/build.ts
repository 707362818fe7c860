import type { Notice } from '../../core/finding.js';
import type { DiscoveredFile } from '../../discover/types.js';
import type { ModelSources } from '../build.js';
import type { NginxConfig } from './types.js';

/**
 * nginx configuration trees from the discovered files: main files with their includes expanded.
 * (Being written for issue 3: until the parser lands, no tree is built.)
 */
export function buildNginxConfigs(_files: DiscoveredFile[], _sources: ModelSources, _notices: Notice[]): NginxConfig[] {
  return [];
}
