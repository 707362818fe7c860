import { defineRule } from '../../src/engine/rule.js';
import { isRootUser } from '../../src/model/containers/query.js';
import { COMPOSE_SERVICES, production } from './CMP0.common.js';

export default defineRule({
  meta: {
    id: 'CMP010',
    name: 'ServiceUserRoot',
    title: 'user: root on a production service',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes: 'Reports `user: root` (or `0`, `0:0`, `root:<group>`) on a service of a production compose project: it overrides the non-root USER the image may set.',
      whyIsThisBad:
        'The service then runs as root inside the container, so a code execution bug can rewrite the application, read every mounted secret and, combined with any container escape or host mount, act as root on the host.',
      example: 'web:\n  image: shop:1.5\n  user: root',
      useInstead: 'web:\n  image: shop:1.5\n  user: "10001:10001"',
    },
    fix: "Remove `user: root` (let the image's USER apply) or set an unprivileged UID:GID; fix file ownership in the image or with an init step instead of running the service as root.",
    references: [`${COMPOSE_SERVICES}#user`, 'https://docs.docker.com/build/building/best-practices/#user'],
    tags: ['compose', 'security', 'least-privilege'],
  },
  scope: 'compose',
  check(project, ctx) {
    if (!production(project, ctx)) return;
    for (const s of project.services) {
      if (!s.user || !isRootUser(s.user.value)) continue;
      ctx.report({ message: `service ${s.name} runs as ${s.user.value}, overriding any unprivileged USER of its image`, span: s.user.span, target: `${s.name}:user` });
    }
  },
});
