import { defineRule } from '../../src/engine/rule.js';
import { aptInstall, BEST_PRACTICES, production, shipped, instructionOrdinal } from './DKR0.common.js';

export default defineRule({
  meta: {
    id: 'DKR005',
    name: 'AptListsKept',
    title: 'apt package lists left in the image',
    severity: 'low',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports a RUN that installs with apt-get in a stage that ends up in the running image but does not remove /var/lib/apt/lists in the same RUN. A cache or tmpfs mount on /var/lib/apt (`RUN --mount=type=cache,target=/var/lib/apt/lists`) counts as removing them.',
      whyIsThisBad:
        'The package indexes downloaded by apt-get update stay in the layer (often 20 to 50 MB) even when a later RUN deletes them, because every layer is kept. They also go stale, so a later `apt-get install` without `update` in a child image installs outdated packages.',
      example: 'RUN apt-get update && apt-get install -y --no-install-recommends libpq5',
      useInstead: 'RUN apt-get update \\\n && apt-get install -y --no-install-recommends libpq5 \\\n && rm -rf /var/lib/apt/lists/*',
    },
    fix: 'End the same RUN with `&& rm -rf /var/lib/apt/lists/*`, or use a BuildKit cache mount for /var/lib/apt/lists.',
    references: [`${BEST_PRACTICES}#apt-get`, 'https://github.com/hadolint/hadolint/wiki/DL3009'],
    tags: ['docker', 'image-size'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    if (!production(df, ctx)) return;
    for (const run of shipped(df).flatMap((s) => s.runs)) {
      const installs = run.commands.map(aptInstall).filter((w) => w !== undefined);
      if (installs.length === 0) continue;
      if (run.mounts.some((m) => /target=\/var\/lib\/apt(?:\/lists)?\/?(?:,|$)/.test(m))) continue;
      const removes = run.commands.some((c) => {
        const words = c.words.map((w) => w.value);
        return words.some((w) => /^rm$/.test(w.slice(w.lastIndexOf('/') + 1))) && words.some((w) => /^\/var\/lib\/apt\/lists(?:\/\*?)?$|^\/var\/lib\/apt\/?\*?$/.test(w));
      });
      if (removes) continue;
      const first = installs[0]![0]!;
      ctx.report({ message: 'this RUN installs with apt-get but does not remove /var/lib/apt/lists: the package indexes stay in the layer', span: first.span, target: `apt-lists:${instructionOrdinal(df, run.instruction)}` });
    }
  },
});
