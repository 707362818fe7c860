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

const sortedCache = new WeakMap<readonly DiscoveredFile[], { order: number[]; paths: string[] }>();

/**
 * The files under a directory (every file when root is ''), in the list's own order. Paths sharing a
 * prefix are neighbours once sorted, so each question is two binary searches over an order made once
 * per list, not a pass over the whole repository per project.
 */
export function filesUnder(files: readonly DiscoveredFile[], root: string): DiscoveredFile[] {
  if (root === '') return [...files];
  let sorted = sortedCache.get(files);
  if (!sorted) {
    const order = files.map((_, i) => i).sort((a, b) => (files[a]!.path < files[b]!.path ? -1 : files[a]!.path > files[b]!.path ? 1 : a - b));
    sorted = { order, paths: order.map((i) => files[i]!.path) };
    sortedCache.set(files, sorted);
  }
  const prefix = `${root}/`;
  const from = lowerBound(sorted.paths, prefix);
  // Every string that starts with "root/" sorts before "root0" ('0' follows '/').
  const to = lowerBound(sorted.paths, `${root}0`);
  return sorted.order.slice(from, to).filter((i) => files[i]!.path.startsWith(prefix)).sort((a, b) => a - b).map((i) => files[i]!);
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const moduleFiles = new WeakMap<readonly DiscoveredFile[], Map<string, Set<string>>>();

/**
 * The module paths a folder holds a Python file for (`shop/wsgi` for `<root>/shop/wsgi.py` or
 * `<root>/shop/wsgi/__init__.py`), indexed once per file list and folder: what tells, with one set
 * lookup, whether a dotted module resolves inside a project (monorepos ask it for every project and
 * every app server or service).
 */
export function moduleFilesUnder(files: readonly DiscoveredFile[], root: string): ReadonlySet<string> {
  let byRoot = moduleFiles.get(files);
  if (!byRoot) moduleFiles.set(files, (byRoot = new Map()));
  let paths = byRoot.get(root);
  if (!paths) {
    paths = new Set();
    const base = root ? `${root}/` : '';
    for (const f of filesUnder(files, root)) {
      if (!f.path.endsWith('.py')) continue;
      paths.add(f.path.slice(base.length, -'.py'.length));
      if (f.path.endsWith('/__init__.py')) paths.add(f.path.slice(base.length, -'/__init__.py'.length));
    }
    byRoot.set(root, paths);
  }
  return paths;
}
