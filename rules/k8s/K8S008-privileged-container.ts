import { defineRule } from '../../src/engine/rule.js';
import { containerLabel, effectiveSecurity, judged, objectLabel, POD_SECURITY_STANDARDS, runtimeContainers, SECURITY_CONTEXT } from './K8S0.common.js';

/** Added capabilities that amount to a privileged container. */
const ROOT_EQUIVALENT = new Set(['ALL', 'SYS_ADMIN', 'CAP_SYS_ADMIN']);

export default defineRule({
  meta: {
    id: 'K8S008',
    name: 'PrivilegedContainer',
    title: 'A container is privileged',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports containers with `privileged: true`, and containers that add the capabilities that amount to it (`ALL`, `SYS_ADMIN`).',
      whyIsThisBad:
        'A privileged container sees every device of the node, can mount the host\'s disks, load kernel modules and escape to the node in a few commands: anyone who gets code execution in it (one vulnerable dependency of the Django app) owns the node, the other pods on it and their secrets.',
      example: 'securityContext:\n  privileged: true',
      useInstead: 'securityContext:\n  allowPrivilegeEscalation: false\n  capabilities:\n    drop: [ALL]',
    },
    fix: 'Remove `privileged: true`; grant only the single capability really needed (NET_BIND_SERVICE to bind port 80, better: listen on 8000) and drop the rest. A workload that truly needs the host (a node agent) belongs in its own namespace with its own policy, not in the application\'s manifests.',
    references: [SECURITY_CONTEXT, `${POD_SECURITY_STANDARDS}#baseline`],
    tags: ['kubernetes', 'security'],
  },
  scope: 'k8sObject',
  check(obj, ctx) {
    if (!judged(obj, ctx)) return;
    for (const c of runtimeContainers(obj)) {
      const priv = effectiveSecurity(obj, c)('privileged');
      if (priv?.value === true) {
        ctx.report({
          message: `${objectLabel(obj)}: ${containerLabel(c)} is privileged: code running in it can take over the node`,
          span: priv.span,
          target: `${obj.kind}/${obj.name}:${c.name}`,
        });
        continue;
      }
      for (const cap of c.security.capabilitiesAdd) {
        if (!ROOT_EQUIVALENT.has(cap.value.toUpperCase())) continue;
        ctx.report({
          message: `${objectLabel(obj)}: ${containerLabel(c)} adds capability ${cap.value}, which is as good as privileged: code running in it can take over the node`,
          span: cap.span,
          target: `${obj.kind}/${obj.name}:${c.name}:${cap.value}`,
        });
      }
    }
  },
});
