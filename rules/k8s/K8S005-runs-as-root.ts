import { defineRule } from '../../src/engine/rule.js';
import { containerLabel, effectiveSecurity, judged, objectLabel, POD_SECURITY_STANDARDS, runtimeContainers, SECURITY_CONTEXT } from './K8S0.common.js';

export default defineRule({
  meta: {
    id: 'K8S005',
    name: 'RunsAsRoot',
    title: 'Nothing makes a container run as a non-root user',
    severity: 'medium',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports each container (init containers included) for which neither `runAsNonRoot: true` nor a non-zero `runAsUser` is in effect, reading the container's securityContext first and the pod's second, as the kubelet does; explicit `runAsUser: 0` and `runAsNonRoot: false` are reported where they are written.",
      whyIsThisBad:
        "Without it the container runs as whatever user the image says, which for most images (python, nginx, many in-house builds) is root. A code-execution bug in Django or a dependency then has root inside the container, can write anywhere in its filesystem, and is one kernel or runtime flaw away from root on the node.",
      example: 'spec:\n  containers:\n    - name: web\n      image: registry.example.com/shop:1.4.2',
      useInstead: 'spec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n    runAsGroup: 10001\n  containers:\n    - name: web\n      image: registry.example.com/shop:1.4.2',
    },
    fix: 'Create an unprivileged user in the image (USER 10001 in the Dockerfile) and set `runAsNonRoot: true` (with a numeric runAsUser if the image names its user) in the pod securityContext, so the kubelet refuses to start the container as root.',
    references: [SECURITY_CONTEXT, `${POD_SECURITY_STANDARDS}#restricted`],
    tags: ['kubernetes', 'security'],
  },
  scope: 'k8sObject',
  check(obj, ctx) {
    if (!judged(obj, ctx)) return;
    if (obj.opaquePatch) return;
    for (const c of runtimeContainers(obj)) {
      const eff = effectiveSecurity(obj, c);
      const nonRoot = eff('runAsNonRoot');
      const user = eff('runAsUser');
      if (user && user.value === 0) {
        ctx.report({
          message: `${objectLabel(obj)}: ${containerLabel(c)} runs as root (runAsUser: 0${user.from === 'pod' ? ', from the pod securityContext' : ''})`,
          span: user.span,
          target: `${obj.kind}/${obj.name}:${c.name}`,
        });
        continue;
      }
      if (nonRoot?.value === true || (user && user.value > 0)) continue;
      ctx.report({
        message:
          nonRoot?.value === false
            ? `${objectLabel(obj)}: ${containerLabel(c)} has runAsNonRoot: false and no non-zero runAsUser: it runs as the image's user, root for most images`
            : `${objectLabel(obj)}: ${containerLabel(c)} sets neither runAsNonRoot: true nor a non-zero runAsUser: it runs as the image's user, root for most images`,
        span: nonRoot?.value === false ? nonRoot.span : c.nameSpan,
        target: `${obj.kind}/${obj.name}:${c.name}`,
      });
    }
  },
});
