import { defineRule } from '../../src/engine/rule.js';
import { isOneShot } from '../../src/model/containers/query.js';
import { COMPOSE_SERVICES, production } from './CMP0.common.js';

export default defineRule({
  meta: {
    id: 'CMP005',
    name: 'RestartPolicyMissing',
    title: 'Long-running production service without a restart policy',
    severity: 'medium',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports a service of a production compose project with neither `restart:` nor `deploy.restart_policy`. One-shot services (migrations, collectstatic, tests, anything another service waits for with `service_completed_successfully`) and services behind `profiles:` are not judged; an explicit `restart: \"no\"` is taken as a decision.",
      whyIsThisBad:
        "Compose's default is never to restart: after a crash, an out-of-memory kill or a server reboot the container stays down until someone notices and runs `docker compose up` again.",
      example: 'web:\n  image: shop:1.5\n  command: gunicorn shop.wsgi',
      useInstead: 'web:\n  image: shop:1.5\n  command: gunicorn shop.wsgi\n  restart: unless-stopped',
    },
    fix: 'Add `restart: unless-stopped` (or `always`) to every long-running service, and make sure the Docker daemon starts at boot.',
    references: [`${COMPOSE_SERVICES}#restart`, 'https://docs.docker.com/engine/containers/start-containers-automatically/'],
    tags: ['compose', 'reliability'],
  },
  scope: 'compose',
  check(project, ctx) {
    if (!production(project, ctx)) return;
    for (const s of project.services) {
      if (s.restart || s.deployRestart || s.profiles.length > 0 || isOneShot(s, project)) continue;
      ctx.report({ message: `service ${s.name} has no restart policy: after a crash or a reboot it stays down`, span: s.nameSpan, target: `${s.name}:restart` });
    }
  },
});
