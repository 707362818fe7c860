import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'CMP001',
    name: 'ComposeFileInvalid',
    title: 'Compose file that docker compose refuses',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports what stops `docker compose` from loading a file: YAML syntax errors, duplicate keys, unknown aliases, a top level or `services:` that is not a mapping, and malformed `${...}` interpolation (`${VAR/x/y}`, an unterminated `${`). Development files are checked too. Files holding template syntax (`{{ }}`, `{% %}`) are skipped with a notice, not reported.',
      whyIsThisBad: 'Nothing in the project starts: `docker compose up` exits before creating a single container, typically during a deployment.',
      example: 'services:\n  web:\n    image: shop:1.4\n    image: shop:1.5',
      useInstead: 'services:\n  web:\n    image: shop:1.5',
    },
    fix: 'Fix the YAML at the reported place; `docker compose -f <file> config` prints the same errors.',
    references: ['https://docs.docker.com/reference/compose-file/', 'https://docs.docker.com/reference/compose-file/interpolation/', 'https://docs.docker.com/reference/cli/docker/compose/config/'],
    tags: ['compose', 'syntax'],
  },
  scope: 'compose',
  check(project, ctx) {
    for (const p of project.problems) {
      ctx.report({ message: `${p.span.file}: ${p.message}`, span: p.span, target: p.message });
    }
  },
});
