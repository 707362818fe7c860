import { defineRule } from '../../src/engine/rule.js';
import { judgeSecret } from '../../src/model/containers/query.js';
import { redactSecret } from '../../src/report/redact.js';
import { COMPOSE_SERVICES, production } from './CMP0.common.js';

/** Settings of official images that turn authentication off. */
const NO_AUTH: Array<[RegExp, RegExp, string]> = [
  [/^POSTGRES_HOST_AUTH_METHOD$/, /^trust$/i, 'lets anyone connect to PostgreSQL without a password'],
  [/^MYSQL_ALLOW_EMPTY_PASSWORD$|^MARIADB_ALLOW_EMPTY_ROOT_PASSWORD$/, /^(?:yes|true|1)$/i, 'gives the database root account an empty password'],
  [/^ALLOW_EMPTY_PASSWORD$/, /^(?:yes|true|1)$/i, 'starts the Bitnami image without a password'],
];

export default defineRule({
  meta: {
    id: 'CMP003',
    name: 'WeakOrLiteralSecret',
    title: 'Weak or literal password in a production compose file',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "Reports, in the `environment:` of production compose services, values of credential variables (POSTGRES_PASSWORD, SECRET_KEY, *_TOKEN ...) and URL passwords that are guessable (postgres, password, changeme, admin ...) or written literally in the file, defaults of `${VAR:-default}` that are guessable (the value production gets when the variable is forgotten), and settings that switch authentication off (POSTGRES_HOST_AUTH_METHOD=trust, MYSQL_ALLOW_EMPTY_PASSWORD). Values interpolated from the environment without a default, `/run/secrets/...` files and development compose files are not reported. Secrets are never shown in full.",
      whyIsThisBad:
        "A compose file is committed, copied to servers and pasted into tickets; a literal credential in it is readable by everyone with the repository and cannot be rotated without a commit. Guessable database passwords are the first thing scanners and attackers try, and a forgotten variable silently falls back to the weak default.",
      example: 'db:\n  image: postgres:16\n  environment:\n    POSTGRES_PASSWORD: postgres',
      useInstead: 'db:\n  image: postgres:16\n  environment:\n    POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}\n  # or env_file: .envs/.production/.postgres (not committed), or secrets:',
    },
    fix: 'Take the value from the environment with `${VAR:?message}` (compose refuses to start without it), an env_file kept out of the repository, or compose `secrets:`; rotate any credential that was committed.',
    references: [`${COMPOSE_SERVICES}#environment`, 'https://docs.docker.com/compose/how-tos/use-secrets/', 'https://docs.docker.com/reference/compose-file/interpolation/', 'https://hub.docker.com/_/postgres'],
    tags: ['compose', 'security', 'secrets'],
  },
  scope: 'compose',
  check(project, ctx) {
    if (!production(project, ctx)) return;
    for (const s of project.services) {
      for (const e of s.environment) {
        const v = e.value;
        if (!v) continue;
        const off = NO_AUTH.find(([n, val]) => n.test(e.name) && val.test(v.value));
        if (off) {
          ctx.report({ message: `service ${s.name}: ${e.name}=${v.value} ${off[2]}`, span: v.span, target: `${s.name}:${e.name}` });
          continue;
        }
        if (v.interp) {
          // Interpolated: only a weak default that production falls back to is reported.
          const used = v.interp.vars.find((x) => x.source === 'default' && x.fallback !== undefined);
          if (!used || v.interp.vars.some((x) => x.source === 'project-env')) continue;
          const j = judgeSecret(e.name, v.value);
          if (j?.kind !== 'weak') continue;
          ctx.report({
            message: `service ${s.name}: ${e.name} falls back to a guessable default (${redactSecret(j.secret)}) when ${used.name} is not set`,
            span: v.span,
            target: `${s.name}:${e.name}`,
          });
          continue;
        }
        const j = judgeSecret(e.name, v.value);
        if (!j) continue;
        const what = j.kind === 'weak' ? `a guessable value (${redactSecret(j.secret)})` : j.kind === 'url' ? `a URL with a password written in the file (${redactSecret(j.secret)})` : `a secret written in the file (${redactSecret(j.secret)})`;
        ctx.report({ message: `service ${s.name}: ${e.name} is ${what}`, span: v.span, target: `${s.name}:${e.name}` });
      }
    }
  },
});
