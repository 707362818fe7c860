import { defineRule } from '../../src/engine/rule.js';
import { judgeSecret } from '../../src/model/containers/query.js';
import { redactSecret } from '../../src/report/redact.js';
import { DOCKERFILE_REF, production, shipped } from './DKR0.common.js';

export default defineRule({
  meta: {
    id: 'DKR010',
    name: 'SecretInImage',
    title: 'Secret written into the image with ENV or ARG',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "Reports an ENV or ARG in a stage that ends up in the running image whose name says it holds a credential (SECRET_KEY, *_PASSWORD, *_TOKEN, *_API_KEY ...) and whose value is written literally, or any value that is a URL with a password in it. Placeholders, empty values, `${VAR}` references and /run/secrets paths are not secrets. The value is never shown in full.",
      whyIsThisBad:
        'ENV values are stored in the image configuration and ARG values in its build history: anyone who can pull the image reads them with `docker inspect` or `docker history`, including every registry, CI cache and laptop it reaches. The secret is also in the repository, and a Django SECRET_KEY that leaks lets an attacker forge sessions and password-reset links.',
      example: 'ENV DJANGO_SECRET_KEY=8f1c2e9a...',
      useInstead: '# set it at run time (compose env_file / environment from the host, orchestrator secret)\n# for build steps that need it: RUN --mount=type=secret,id=django_key ...',
    },
    fix: 'Remove the value from the Dockerfile, rotate the secret, and provide it at run time (an env_file kept out of the repository, the orchestrator\'s secrets); for build steps use `RUN --mount=type=secret`. collectstatic can run with a throw-away key passed only to that RUN.',
    references: ['https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/', 'https://docs.docker.com/build/building/secrets/', `${DOCKERFILE_REF}#env`],
    tags: ['docker', 'security', 'secrets'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    if (!production(df, ctx)) return;
    const seen = new Set<string>();
    for (const stage of shipped(df)) {
      for (const ins of stage.instructions) {
        if (ins.keyword !== 'ENV' && ins.keyword !== 'ARG') continue;
        for (const p of ins.properties ?? []) {
          if (p.value === null) continue;
          const s = judgeSecret(p.name, p.value);
          if (!s) continue;
          const key = `${p.span.start.offset}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const where = ins.keyword === 'ENV' ? 'stored in the image configuration (docker inspect shows it)' : 'recorded in the image history (docker history shows it)';
          const what = s.kind === 'url' ? `${ins.keyword} ${p.name} holds a URL with a password (${redactSecret(s.secret)})` : s.kind === 'weak' ? `${ins.keyword} ${p.name} sets a guessable secret (${redactSecret(s.secret)})` : `${ins.keyword} ${p.name} is set literally (${redactSecret(s.secret)})`;
          ctx.report({ message: `${what}: ${where} and committed to the repository`, span: p.valueSpan ?? p.span, target: `${ins.keyword}:${p.name}` });
        }
      }
    }
  },
});
