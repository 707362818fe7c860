import { defineRule } from '../../src/engine/rule.js';
import { DOCKERFILE_REF } from './DKR0.common.js';

export default defineRule({
  meta: {
    id: 'DKR001',
    name: 'DockerfileSyntaxError',
    title: 'Dockerfile that docker build refuses',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports what makes `docker build` stop before it runs anything: an unknown instruction (usually a typo such as `COPPY`), a file with no FROM, an instruction other than ARG before the first FROM, a FROM without an image, a heredoc that is never closed. Development Dockerfiles are checked too: a broken file is broken everywhere.',
      whyIsThisBad:
        'The image cannot be built, so the deployment that depends on it fails at build time, or an older image keeps running while everyone believes the fix is out.',
      example: 'FROM python:3.12-slim\nCOPPY . /app',
      useInstead: 'FROM python:3.12-slim\nCOPY . /app',
    },
    fix: 'Correct the instruction named in the message; run `docker build --check .` to see the same errors locally.',
    references: [DOCKERFILE_REF, 'https://docs.docker.com/reference/build-checks/'],
    tags: ['docker', 'syntax'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    for (const p of df.problems) {
      ctx.report({ message: `${df.file}: ${p.message}`, span: p.span, target: p.message });
    }
  },
});
