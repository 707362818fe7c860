import { defineRule } from '../../src/engine/rule.js';
import { aptInstall, BEST_PRACTICES, production, shipped, instructionOrdinal } from './DKR0.common.js';

export default defineRule({
  meta: {
    id: 'DKR004',
    name: 'AptInstallRecommends',
    title: 'apt-get install without --no-install-recommends',
    severity: 'low',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports `apt-get install` (or `apt install`) in a stage that ends up in the running image when it neither passes `--no-install-recommends` nor sets `APT::Install-Recommends` off (with `-o` or an apt.conf.d file written in the Dockerfile). Builder stages whose layers are thrown away are not judged.",
      whyIsThisBad:
        'Debian installs every recommended package by default: often tens to hundreds of megabytes of documentation, compilers and daemons the application never uses. The image is slower to pull and deploy, and each extra package is one more source of vulnerabilities to patch.',
      example: 'RUN apt-get update && apt-get install -y libpq5',
      useInstead: 'RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*',
    },
    fix: 'Add `--no-install-recommends` to each apt-get install, and add back explicitly any recommended package the application turns out to need.',
    references: [`${BEST_PRACTICES}#apt-get`, 'https://github.com/hadolint/hadolint/wiki/DL3015'],
    tags: ['docker', 'image-size'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    if (!production(df, ctx)) return;
    const stages = shipped(df);
    const configured = stages.some((s) => s.runs.some((r) => r.commands.some((c) => c.words.some((w) => /APT::Install-Recommends/i.test(w.value)))));
    if (configured) return;
    for (const run of stages.flatMap((s) => s.runs)) {
      for (const cmd of run.commands) {
        const w = aptInstall(cmd);
        if (!w) continue;
        if (w.some((x) => x.value === '--no-install-recommends' || /Install-Recommends/i.test(x.value))) continue;
        ctx.report({ message: `${w[0]!.value} install without --no-install-recommends pulls recommended packages into the image`, span: w[0]!.span, target: `apt:${instructionOrdinal(df, run.instruction)}` });
      }
    }
  },
});
