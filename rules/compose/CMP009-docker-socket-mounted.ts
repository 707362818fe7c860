import { defineRule } from '../../src/engine/rule.js';
import { COMPOSE_SERVICES, production } from './CMP0.common.js';

export default defineRule({
  meta: {
    id: 'CMP009',
    name: 'DockerSocketMounted',
    title: 'Docker socket mounted into a container',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        'Reports a volume of a production service whose source is the Docker daemon socket (`/var/run/docker.sock`, `/run/docker.sock`), read-only or not: `:ro` only protects the socket file, not the API behind it.',
      whyIsThisBad:
        "Whoever talks to the socket can start a privileged container with the host's root filesystem mounted: a compromise of that service (a reverse proxy with a parsing bug, a dashboard with a weak login) is root on the host.",
      example: 'proxy:\n  image: traefik:v3.1\n  volumes:\n    - /var/run/docker.sock:/var/run/docker.sock:ro',
      useInstead: 'proxy:\n  image: traefik:v3.1\n  volumes:\n    - ./traefik/dynamic.yml:/etc/traefik/dynamic.yml:ro   # file provider instead of the Docker provider',
    },
    fix: 'Configure the service without the Docker API (static or file configuration), or put a filtering socket proxy (allowing only the read-only endpoints it needs) between it and the daemon.',
    references: ['https://docs.docker.com/engine/security/#docker-daemon-attack-surface', 'https://docs.docker.com/engine/security/protect-access/', `${COMPOSE_SERVICES}#volumes`],
    tags: ['compose', 'security'],
  },
  scope: 'compose',
  check(project, ctx) {
    if (!production(project, ctx)) return;
    for (const s of project.services) {
      for (const v of s.volumes) {
        if (!v.source || !/(?:^|\/)docker\.sock$/.test(v.source)) continue;
        ctx.report({ message: `service ${s.name} mounts the Docker socket (${v.source}): control of the daemon is root on the host${v.readOnly ? '; :ro does not limit the API' : ''}`, span: v.span, target: `${s.name}:docker.sock` });
      }
    }
  },
});
