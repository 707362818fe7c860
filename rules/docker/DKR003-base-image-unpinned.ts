import { defineRule } from '../../src/engine/rule.js';
import { BEST_PRACTICES, DOCKERFILE_REF, production } from './DKR0.common.js';

export default defineRule({
  meta: {
    id: 'DKR003',
    name: 'BaseImageUnpinned',
    title: 'Base image without a tag, or tagged latest',
    severity: 'medium',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports a FROM whose image has no tag (which means `:latest`) or the `latest` tag, in any stage of a production Dockerfile. A digest (`@sha256:...`) pins it whatever the tag; `scratch` and earlier stages are fine. When the reference comes from an ARG whose default is unpinned the result is unknown (the build may pass another value); an ARG without a default is not judged.',
      whyIsThisBad:
        'latest moves: the next build silently picks up a new major version of the distribution or of Python, with different system libraries, a different default user or a removed package, so an unrelated change fails to build or, worse, behaves differently in production than in testing. Rollbacks rebuild a different image.',
      example: 'FROM python\nFROM node:latest AS assets',
      useInstead: 'FROM python:3.12.7-slim-bookworm\nFROM node:22.11-bookworm-slim AS assets',
    },
    fix: 'Name a version tag at least down to the minor version and the distribution (python:3.12-slim-bookworm), or pin a digest, and update it deliberately (Dependabot and Renovate can bump both).',
    references: [`${DOCKERFILE_REF}#from`, `${BEST_PRACTICES}#from`, 'https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier'],
    tags: ['docker', 'reproducibility', 'supply-chain'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    if (!production(df, ctx)) return;
    for (const stage of df.stages) {
      if (stage.baseStage !== undefined || stage.scratch) continue;
      const img = stage.image;
      if (img.written === '') continue;
      if (img.unresolved.length > 0 || img.resolved === undefined) continue;
      if (img.digest) continue;
      const tag = img.tag;
      if (tag !== undefined && tag !== 'latest') continue;
      const what = tag === undefined ? 'has no tag, so it means latest' : 'is tagged latest';
      const span = stage.from.imageSpan ?? stage.from.instruction.span;
      if (img.fromArgs.length > 0) {
        ctx.unknown({
          message: `FROM ${img.written} ${what} with the default of ${img.fromArgs.join(', ')}; the build may pass another value`,
          span,
          variables: img.fromArgs,
          target: `from:${stage.index}`,
        });
        continue;
      }
      ctx.report({ message: `FROM ${img.written} ${what}: each build may pull a different image`, span, target: `from:${stage.index}` });
    }
  },
});
