import { defineRule } from '../../src/engine/rule.js';
import { formatSpan } from '../../src/core/position.js';

export default defineRule({
  meta: {
    id: 'GEN001',
    name: 'PythonSyntaxError',
    title: 'A Python file the audit reads has a syntax error',
    severity: 'high',
    section: 'configuration',
    docs: {
      whatItDoes:
        'Reports each syntax error found while parsing the Python files the audit reads (settings modules and what they import, urls modules, entry points), at its position.',
      whyIsThisBad:
        'Python refuses to import a module with a syntax error, so the deployment fails at startup. For the audit, the statements after the error cannot be read reliably, so the settings they define may be reported as unknown.',
      example: "DEBUG = False\nALLOWED_HOSTS = ['shop.example.com'",
      useInstead: "DEBUG = False\nALLOWED_HOSTS = ['shop.example.com']",
    },
    fix: 'Fix the syntax error (python -m py_compile <file> shows it), then run the audit again.',
    references: ['https://docs.python.org/3/library/py_compile.html'],
    tags: ['python', 'configuration'],
  },
  scope: 'repo',
  check(model, ctx) {
    for (const problem of model.parseProblems) {
      if (problem.kind !== 'syntax') continue;
      ctx.report({
        message: `${formatSpan(problem.span)}: ${problem.message}; Python cannot import this file, and values after it may be unknown`,
        span: problem.span,
        target: problem.message,
      });
    }
  },
});
