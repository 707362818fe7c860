import { defineRule } from '../../src/engine/rule.js';
import { isFillerToken, isPlaceholderPassword, isSecretLikeName, TOKEN_FORMATS, URL_CREDENTIALS } from '../../src/model/secrets/detect.js';
import { isPlaceholderValue } from '../../src/model/env/placeholder.js';
import { redactSecret } from '../../src/report/redact.js';
import { appName, PM2_DOCS, productionFile } from './PM20.common.js';

const DEV_BLOCK = /^env_(?:dev|development|local|test|testing|ci)$/i;

/** The secret in an env value, or undefined. */
function secretIn(name: string, value: string): { secret: string; what: string } | undefined {
  const v = value.trim();
  if (v === '' || isPlaceholderValue(v) || /\$\{?\w|\{\{/.test(v)) return undefined;
  URL_CREDENTIALS.lastIndex = 0;
  const url = URL_CREDENTIALS.exec(v);
  if (url && !isPlaceholderPassword(url[3]!, url[2]!)) return { secret: url[3]!, what: 'a URL with a password' };
  for (const f of TOKEN_FORMATS) {
    if (f.lineMustMatch && !f.lineMustMatch.test(`${name}=${v}`)) continue;
    f.pattern.lastIndex = 0;
    const m = f.pattern.exec(v);
    if (m && !isFillerToken(m[1]!)) return { secret: m[1]!, what: `a ${f.name}` };
  }
  if (isSecretLikeName(name) && v.length >= 6 && !/^(?:true|false|yes|no|on|off|none|null|\d{1,5})$/i.test(v) && !isFillerToken(v)) return { secret: v, what: 'a literal secret' };
  return undefined;
}

export default defineRule({
  meta: {
    id: 'PM2002',
    name: 'Pm2SecretInEnv',
    title: 'Secret written in a pm2 env block',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        'Reports literal secrets in the `env` and `env_<name>` blocks (except env_development/env_local/env_test) of apps in a production pm2 ecosystem file: values of secret-like names (…SECRET…, …PASSWORD…, …TOKEN…, API_KEY ...), URLs with a password, and known token formats. Placeholders, empty values and `process.env.X` references are not reported. The secret is never shown in full.',
      whyIsThisBad:
        'The ecosystem file is committed and copied to every server; a secret in it is readable by everyone with the repository and stays in its history. `pm2 show` and `pm2 env` also print these values to anyone on the machine who can run pm2.',
      example: "env_production: { NODE_ENV: 'production', JWT_SECRET: 'kq8Zr2...' }",
      useInstead: "env_production: { NODE_ENV: 'production' }\n// JWT_SECRET comes from the server's environment (systemd EnvironmentFile=, a secret store, or an untracked .env loaded by the app)",
    },
    fix: 'Remove the value from the file, provide it through the environment pm2 is started with or a secret store, and rotate it.',
    references: [`${PM2_DOCS}#environment-variables`, 'https://pm2.keymetrics.io/docs/usage/environment/', 'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html'],
    tags: ['pm2', 'node', 'security', 'secrets'],
  },
  scope: 'pm2',
  check(file, ctx) {
    if (!productionFile(file, ctx)) return;
    for (const app of file.apps) {
      for (const block of app.envBlocks) {
        if (DEV_BLOCK.test(block.name)) continue;
        for (const e of block.entries) {
          if (typeof e.value !== 'string') continue;
          const hit = secretIn(e.name, e.value);
          if (!hit) continue;
          ctx.report({ message: `pm2 app ${appName(app)}: ${block.name}.${e.name} is ${hit.what} written in the file (${redactSecret(hit.secret)})`, span: e.span, target: `${appName(app)}:${block.name}.${e.name}` });
        }
      }
    }
  },
});
