import { defineRule } from '../../src/engine/rule.js';
import { DOCKERFILE_REF } from './DKR0.common.js';

export default defineRule({
  meta: {
    id: 'DKR015',
    name: 'ContinuationSwallowsInstruction',
    title: 'A trailing backslash turns the next instruction into arguments',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports a line that starts with a Dockerfile keyword (COPY, RUN, USER, ENV ...) but is read as part of the instruction above it, because that instruction's last line ends with the escape character (`\\`, or the one the `# escape=` directive sets). Blank and comment lines in between do not stop the continuation. Keywords inside quoted strings, the CMD of a continued HEALTHCHECK and the trigger of ONBUILD are not reported.",
      whyIsThisBad:
        'The swallowed instruction never runs: its words become arguments of the previous command. The build may fail with a puzzling error (`apt-get: unable to locate package COPY`), or, worse, succeed: `RUN echo done \\` followed by `USER app` silently leaves the image running as root, and a swallowed ENV or COPY is simply missing.',
      example: 'RUN apt-get update && apt-get install -y libpq5 && \\\nCOPY . /app',
      useInstead: 'RUN apt-get update && apt-get install -y libpq5\nCOPY . /app',
    },
    fix: 'Remove the trailing escape character (or finish the command) on the line before the keyword.',
    references: [`${DOCKERFILE_REF}#format`, `${DOCKERFILE_REF}#escape`],
    tags: ['docker', 'build', 'correctness'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    // The n-th swallowed instruction of a keyword: a line-independent identity for baselines.
    const seen = new Map<string, number>();
    for (const ins of df.parsed.instructions) {
      for (const s of ins.swallowed) {
        const n = (seen.get(s.keyword) ?? 0) + 1;
        seen.set(s.keyword, n);
        ctx.report({
          message: `${s.keyword} here is not an instruction: the ${ins.keyword} on line ${ins.span.start.line} ends its last line with a line continuation, so ${s.keyword} and its arguments become words of that ${ins.keyword}`,
          span: s.span,
          related: [{ span: ins.keywordSpan, message: `the ${ins.keyword} that continues onto this line` }],
          target: `swallowed:${s.keyword}:${n}`,
        });
      }
    }
  },
});
