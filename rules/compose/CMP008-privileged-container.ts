import { defineRule } from '../../src/engine/rule.js';
import { COMPOSE_SERVICES, production } from './CMP0.common.js';

export default defineRule({
  meta: {
    id: 'CMP008',
    name: 'PrivilegedContainer',
    title: 'privileged: true in production',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes: 'Reports `privileged: true` on a service of a production compose project.',
      whyIsThisBad:
        "A privileged container gets every capability, all host devices and no seccomp or AppArmor confinement: root in it is root on the host (it can mount the host's disks or load kernel modules). Any code execution in the service becomes full control of the server.",
      example: 'worker:\n  privileged: true',
      useInstead: 'worker:\n  cap_add: [SYS_PTRACE]   # only the capability actually needed\n  devices: ["/dev/fuse"]',
    },
    fix: 'Remove it and grant only what the service needs: a specific capability with `cap_add`, a device with `devices`.',
    references: [`${COMPOSE_SERVICES}#privileged`, 'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities'],
    tags: ['compose', 'security', 'least-privilege'],
  },
  scope: 'compose',
  check(project, ctx) {
    if (!production(project, ctx)) return;
    for (const s of project.services) {
      if (!s.privileged?.value) continue;
      ctx.report({ message: `service ${s.name} runs privileged: root in it is root on the host`, span: s.privileged.span, target: `${s.name}:privileged` });
    }
  },
});
