import { defineRule } from '../../src/engine/rule.js';
import { coveredElsewhere, SECRETS_REFS, shown, SKIPS_TEXT, where } from './SEC0.common.js';

export default defineRule({
  meta: {
    id: 'SEC002',
    name: 'PasswordInUrl',
    title: 'A URL with a real password is committed',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        `Reports \`scheme://user:password@host\` URLs (database, cache, broker, SMTP, HTTP ...) whose password is written out, in any text file of the repository. Placeholder passwords (\`password\`, \`pass\`, \`<password>\`, \`\${DB_PASSWORD}\`, \`changeme\`, \`***\` ...) are not reported, nor guessable ones (postgres, admin, secret ...: DJ126 and CMP003 report weak passwords), nor, outside production files, URLs to this machine or to a bare service name (\`@localhost\`, \`@db:5432\`) or to example domains: those are development defaults. ${SKIPS_TEXT} The password is never shown in full.`,
      whyIsThisBad:
        'A connection string carries everything needed to log in: host, user and password. Committed, it is readable by everyone with access to the repository and its history, and the password cannot be changed without a commit and a redeploy.',
      example: 'DATABASE_URL=postgres://shop:Zt8qLw2vR4mN@db.internal.example.net:5432/shop',
      useInstead: '# the URL comes from the environment of the running service\nDATABASE_URL=${DATABASE_URL}',
    },
    fix: 'Change the password on the server (it has been exposed), read the URL from the environment or a secret store, and leave only a placeholder in committed files.',
    references: [...SECRETS_REFS, 'https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1'],
    tags: ['security', 'secrets'],
  },
  scope: 'repo',
  check(model, ctx) {
    for (const hit of model.secrets ?? []) {
      if (hit.kind !== 'url' || coveredElsewhere(hit, model)) continue;
      ctx.report({ message: `${hit.description} committed in ${hit.file}${where(hit)}: ${shown(hit)}`, span: hit.span, target: `${hit.detector}:${hit.name ?? ''}` });
    }
  },
});
