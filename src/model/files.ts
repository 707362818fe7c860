import type { DiscoveredFile } from '../discover/types.js';

const byPathCache = new WeakMap<readonly DiscoveredFile[], ReadonlyMap<string, DiscoveredFile>>();

/**
 * The model's files by repository path, built once per file list: rules that look paths up for
 * every unit or site share one map (a 20,000-file monorepo must not be indexed once per unit, and
 * the directory index mapDirectory keeps per map then stays cached too).
 */
export function filesByPath(files: readonly DiscoveredFile[]): ReadonlyMap<string, DiscoveredFile> {
  let map = byPathCache.get(files);
  if (!map) {
    map = new Map(files.map((f) => [f.path, f]));
    byPathCache.set(files, map);
  }
  return map;
}
