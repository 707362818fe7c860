import { defineRule } from '../../src/engine/rule.js';
import { BEST_PRACTICES, pipInstall, production, shipped, instructionOrdinal } from './DKR0.common.js';

/**
 * Whether a mount's `target=` names a pip cache (as /target=[^,]*(?:pip|\.cache)/ tests), per
 * comma-separated option so that no `target=` rescans the rest (issue 7).
 */
export function cacheTarget(mount: string): boolean {
  return mount.split(',').some((o) => {
    const at = o.indexOf('target=');
    return at >= 0 && /pip|\.cache/.test(o.slice(at + 7));
  });
}

export default defineRule({
  meta: {
    id: 'DKR006',
    name: 'PipCacheKept',
    title: 'pip install keeps its download cache in the image',
    severity: 'low',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports `pip install` (pip3, `python -m pip`) without `--no-cache-dir` in a stage that ends up in the running image. Silent when the stage (or one it is built on) sets PIP_NO_CACHE_DIR in ENV, or the RUN mounts a BuildKit cache (`--mount=type=cache` on the pip cache), and in builder stages whose layers are thrown away.',
      whyIsThisBad:
        "pip keeps every downloaded wheel and source archive in ~/.cache/pip. In an image that cache is never reused (each build starts from a fresh layer) but is shipped: tens to hundreds of megabytes for a Django project with scientific or image libraries.",
      example: 'RUN pip install -r requirements.txt',
      useInstead: 'RUN pip install --no-cache-dir -r requirements.txt',
    },
    fix: 'Add `--no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1` once, or use `RUN --mount=type=cache,target=/root/.cache/pip pip install ...` to reuse the cache between builds without shipping it.',
    references: ['https://pip.pypa.io/en/stable/topics/caching/', `${BEST_PRACTICES}`, 'https://github.com/hadolint/hadolint/wiki/DL3042'],
    tags: ['docker', 'image-size', 'python'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    if (!production(df, ctx)) return;
    for (const stage of shipped(df)) {
      if (stage.env.some((e) => e.name === 'PIP_NO_CACHE_DIR' && e.keyword === 'ENV')) continue;
      for (const run of stage.runs) {
        if (run.mounts.some((m) => /type=cache/.test(m) && cacheTarget(m))) continue;
        for (const cmd of run.commands) {
          const w = pipInstall(cmd);
          if (!w) continue;
          if (cmd.words.some((x) => /^PIP_NO_CACHE_DIR=/.test(x.value))) continue;
          // pip's option parser accepts unambiguous prefixes: --no-cache is --no-cache-dir.
          if (w.some((x) => /^--no-cache(?:-(?:d(?:i(?:r)?)?)?)?$/.test(x.value) || x.value.startsWith('--cache-dir'))) continue;
          ctx.report({ message: 'pip install without --no-cache-dir ships the pip download cache in the image', span: w[0]!.span, target: `pip:${instructionOrdinal(df, run.instruction)}` });
        }
      }
    }
  },
});
