import { defineRule } from '../../src/engine/rule.js';
import { coveredElsewhere, SECRETS_REFS, shown, SKIPS_TEXT } from './SEC0.common.js';

export default defineRule({
  meta: {
    id: 'SEC003',
    name: 'SecretLiteral',
    title: 'A random-looking secret is written under a secret-like name',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        `Reports a literal value assigned to a secret-like name (…SECRET…, …PASSWORD…, …TOKEN…, API_KEY, PRIVATE_KEY, ACCESS_KEY, SIGNING_KEY, SALT ...; names such as *_FILE, *_PATH, *_ID, *_USER, *_URL, *_LENGTH, *_TIMEOUT are not secrets) in production and undeclared env files (a committed plain \`.env\` counts), settings and other Python, YAML, workflows, shell scripts, Terraform, crontabs and config files, when the value looks random: at least 16 characters, two character classes (or 32+ hex digits), and a Shannon entropy of at least 3.5 bits per character (3.0 for hex). Placeholders, references (\`\${VAR}\`, \`{{ }}\`, calls such as env("X")), paths, URLs, dotted names, words, and base64 that decodes to a placeholder are skipped, as are comment lines, development env files (.env.local, .env.development), docs, and tests/examples. ${SKIPS_TEXT} The value is never shown in full.`,
      whyIsThisBad:
        'A secret in a committed file is shared with everyone who can read the repository, kept in its history after deletion, and cannot be rotated without a commit. Production secrets belong to the environment of the running service, not to the code.',
      example: '# .env (committed)\nSTRIPE_WEBHOOK_SECRET=whsec_9fK2mQ7rT1vX4zB8nC3dL6pS0',
      useInstead: '# .env.example (committed)\nSTRIPE_WEBHOOK_SECRET=\n# .env on the server, listed in .gitignore',
    },
    fix: 'Rotate the secret, move it to the deployment\'s secret store or an untracked env file, commit only an example file with empty values, and add the real file to .gitignore.',
    references: [...SECRETS_REFS, 'https://12factor.net/config'],
    tags: ['security', 'secrets'],
  },
  scope: 'repo',
  check(model, ctx) {
    for (const hit of model.secrets ?? []) {
      if (hit.kind !== 'named' || coveredElsewhere(hit, model)) continue;
      ctx.report({ message: `${hit.name} holds a literal secret in ${hit.file}: ${shown(hit)}`, span: hit.span, target: `${hit.name}` });
    }
  },
});
