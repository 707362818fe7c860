import { defineRule } from '../../src/engine/rule.js';
import type { DockerBuildContext } from '../../src/model/containers/types.js';
import { production, shipped, instructionOrdinal } from './DKR0.common.js';

const WHOLE_CONTEXT = new Set(['.', './', '*', './*', '/']);

export default defineRule({
  meta: {
    id: 'DKR013',
    name: 'BuildContextSendsSecrets',
    title: 'COPY . puts .env or .git into the image',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "Reports a COPY or ADD of the whole build context (`COPY . .`) into a stage that ends up in the running image when the context holds secret-bearing paths that no .dockerignore leaves out: the `.git` directory (a context at the repository root) and env files (`.env`, `.env.production`, `.envs/`; `.env` counts when an `.env.example` beside it shows developers keep one there). The .dockerignore is read as BuildKit reads it (`Dockerfile.dockerignore` beside the Dockerfile first).",
      whyIsThisBad:
        "Every file of the context lands in an image layer. A local .env with the production database password or SECRET_KEY, or .git with the whole history (including secrets removed from the code long ago), is then readable by anyone who can pull the image, and it is baked into each image built on a developer's machine.",
      example: '# no .dockerignore\nCOPY . /app',
      useInstead: '# .dockerignore\n.git\n.env\n.env.*\n!.env.example\n.envs/',
    },
    fix: 'Add a .dockerignore next to the build context that excludes .git, .env, .env.* and .envs/ (and virtualenvs, node_modules, media), or copy only the directories the image needs.',
    references: ['https://docs.docker.com/build/concepts/context/#dockerignore-files', 'https://docs.docker.com/build/building/best-practices/#exclude-with-dockerignore'],
    tags: ['docker', 'security', 'secrets'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    if (!production(df, ctx)) return;
    const contexts = df.contexts.filter((c) => c.dir !== undefined);
    if (contexts.length === 0) return;
    const assumed = contexts.every((c) => c.origin === 'assumed');
    const leaks = (c: DockerBuildContext) => c.sensitive.filter((s) => !s.excluded).map((s) => s.path);
    const leaking = contexts.filter((c) => leaks(c).length > 0);
    // With no compose file saying where it is built, every plausible context must leak.
    if (leaking.length === 0 || (assumed && leaking.length < contexts.length)) return;
    for (const stage of shipped(df)) {
      for (const ins of stage.instructions) {
        if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || ins.flags.some((f) => f.name === 'from')) continue;
        const words = ins.json ?? ins.args;
        if (words.length < 2 || !words.slice(0, -1).some((w) => WHOLE_CONTEXT.has(w.value))) continue;
        const c = leaking[0]!;
        const paths = leaks(c);
        const where = c.dir ? `the context ${c.dir}/` : 'the build context (the repository root)';
        const ignore = c.dockerignore ? `${c.dockerignore.file} does not exclude them` : 'there is no .dockerignore';
        ctx.report({
          message: `${ins.keyword} ${words.slice(0, -1).map((w) => w.value).join(' ')} copies ${paths.join(', ')} from ${where} into the image: ${ignore}`,
          span: ins.keywordSpan,
          target: `context:${instructionOrdinal(df, ins)}`,
        });
      }
    }
  },
});
