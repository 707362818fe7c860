import { defineRule } from '../../src/engine/rule.js';
import { containerLabel, effectiveSecurity, judged, objectLabel, POD_SECURITY_STANDARDS, runtimeContainers, SECURITY_CONTEXT } from './K8S0.common.js';

export default defineRule({
  meta: {
    id: 'K8S006',
    name: 'PrivilegeEscalationAllowed',
    title: 'allowPrivilegeEscalation is not false',
    severity: 'medium',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports each container (init containers included) whose securityContext does not set `allowPrivilegeEscalation: false`, the Kubernetes default being true. Privileged containers are left to K8S008, which covers them.',
      whyIsThisBad:
        "With escalation allowed, the container's processes can gain more privileges than they started with (setuid binaries such as su or sudo in the image, file capabilities): a non-root foothold in the web process can become root in the container. Setting it false turns on the kernel's no_new_privs flag, which costs a Django container nothing.",
      example: 'containers:\n  - name: web\n    image: registry.example.com/shop:1.4.2\n    securityContext:\n      runAsNonRoot: true',
      useInstead: 'containers:\n  - name: web\n    image: registry.example.com/shop:1.4.2\n    securityContext:\n      runAsNonRoot: true\n      allowPrivilegeEscalation: false\n      capabilities: {drop: [ALL]}',
    },
    fix: 'Set `allowPrivilegeEscalation: false` in every container\'s securityContext (it has no pod-level equivalent), together with `capabilities: {drop: [ALL]}`.',
    references: [SECURITY_CONTEXT, `${POD_SECURITY_STANDARDS}#restricted`],
    tags: ['kubernetes', 'security'],
  },
  scope: 'k8sObject',
  check(obj, ctx) {
    if (!judged(obj, ctx)) return;
    if (obj.opaquePatch) return;
    for (const c of runtimeContainers(obj)) {
      const eff = effectiveSecurity(obj, c);
      if (eff('privileged')?.value === true) continue;
      const ape = eff('allowPrivilegeEscalation');
      if (ape?.value === false) continue;
      ctx.report({
        message:
          ape?.value === true
            ? `${objectLabel(obj)}: ${containerLabel(c)} sets allowPrivilegeEscalation: true: its processes can gain privileges through setuid binaries`
            : `${objectLabel(obj)}: ${containerLabel(c)} does not set allowPrivilegeEscalation: false (the default allows it): its processes can gain privileges through setuid binaries`,
        span: ape ? ape.span : c.nameSpan,
        target: `${obj.kind}/${obj.name}:${c.name}`,
      });
    }
  },
});
