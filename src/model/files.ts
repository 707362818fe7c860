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

const byKindCache = new WeakMap<readonly DiscoveredFile[], ReadonlyMap<DiscoveredFile['kind'], readonly DiscoveredFile[]>>();

/**
 * The model's files of one kind, in the list's order; the list is grouped once, so a rule that asks
 * for every project or unit does not scan the whole repository each time.
 */
export function filesOfKind(files: readonly DiscoveredFile[], kind: DiscoveredFile['kind']): readonly DiscoveredFile[] {
  let map = byKindCache.get(files);
  if (!map) {
    const groups = new Map<DiscoveredFile['kind'], DiscoveredFile[]>();
    for (const f of files) {
      const list = groups.get(f.kind);
      if (list) list.push(f);
      else groups.set(f.kind, [f]);
    }
    map = groups;
    byKindCache.set(files, map);
  }
  return map.get(kind) ?? [];
}
