import { defineRule } from '../../src/engine/rule.js';
import { DOCKERFILE_REF } from './DKR0.common.js';

export default defineRule({
  meta: {
    id: 'DKR014',
    name: 'CopySourceMissing',
    title: 'COPY source that is not in the build context',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports a COPY or ADD source that matches nothing in the build context: the compose service's `build.context`, or, for a Dockerfile no compose file builds, both its own directory and the repository root (it fires only when neither has it). A source that exists but is left out by .dockerignore is reported too. Sources with variables, URLs, `--from` copies, heredocs, and usual build outputs (dist/, build/, wheels) that CI creates before the build are not judged; neither are paths present on disk but ignored by git.",
      whyIsThisBad:
        '`docker build` fails with "not found" (or, for an excluded file, "excluded by .dockerignore") at this step, so the image cannot be built from a clean checkout: the deployment breaks in CI even though it works on the machine where the file happens to exist.',
      example: '# build.context: .   and the file lives in requirements/production.txt\nCOPY requirements.txt /app/',
      useInstead: 'COPY requirements/production.txt /app/requirements.txt',
    },
    fix: 'Correct the path relative to the build context (not to the Dockerfile), commit the missing file, or point `build.context` at the directory that holds it; if .dockerignore excludes it, add a `!path` exception.',
    references: [`${DOCKERFILE_REF}#copy`, 'https://docs.docker.com/build/concepts/context/'],
    tags: ['docker', 'build'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    for (const s of df.copySources) {
      const where = s.missingIn.map((d) => (d === '' ? 'the repository root' : `${d}/`)).join(' or ');
      const why = s.ignoredBy ? `it is left out by .dockerignore (${s.ignoredBy.file}:${s.ignoredBy.start.line})` : `nothing in ${where} matches it`;
      ctx.report({ message: `${s.instruction.keyword} source ${s.value} is not in the build context: ${why}, so docker build fails here`, span: s.span, target: `copy:${s.value}` });
    }
  },
});
