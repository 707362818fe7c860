import { defineRule } from '../../src/engine/rule.js';
import { production } from './CMP0.common.js';

export default defineRule({
  meta: {
    id: 'CMP012',
    name: 'ObsoleteVersionKey',
    title: 'Obsolete top-level version: key',
    severity: 'low',
    section: 'containers',
    docs: {
      whatItDoes: 'Reports the top-level `version:` key of the files of a production compose project. Informational.',
      whyIsThisBad:
        'Compose v2 ignores it and prints "the attribute `version` is obsolete" on every command, noise that hides real warnings in deployment logs; it also suggests the file follows the old v2/v3 formats, whose semantics (for example `depends_on` conditions in v3) no longer apply.',
      example: "version: '3.8'\nservices:\n  web:\n    image: shop:1.5",
      useInstead: 'services:\n  web:\n    image: shop:1.5',
    },
    fix: 'Delete the `version:` line; use `name:` if you want to fix the project name.',
    references: ['https://docs.docker.com/reference/compose-file/version-and-name/'],
    tags: ['compose', 'maintainability'],
  },
  scope: 'compose',
  check(project, ctx) {
    if (!production(project, ctx)) return;
    for (const v of project.versions) {
      ctx.report({ message: `${v.file}: version: ${v.value} is obsolete; docker compose ignores it and warns on every run`, span: v.span, target: `version:${v.file}` });
    }
  },
});
