import { defineRule } from '../../src/engine/rule.js';
import { containerLabel, effectiveSecurity, judged, objectLabel, runtimeContainers, SECURITY_CONTEXT } from './K8S0.common.js';

export default defineRule({
  meta: {
    id: 'K8S007',
    name: 'WritableRootFilesystem',
    title: 'A container can write to its root filesystem',
    severity: 'low',
    section: 'containers',
    docs: {
      whatItDoes: "Reports each container (init containers included) whose securityContext does not set `readOnlyRootFilesystem: true`.",
      whyIsThisBad:
        'A writable image filesystem lets an attacker who gets code execution drop tools or modify the application\'s own code (a patched view, a planted .pth file) for as long as the container lives; it also hides state in containers that should be disposable (uploads written to the image instead of a volume disappear on restart).',
      example: 'containers:\n  - name: web\n    image: registry.example.com/shop:1.4.2',
      useInstead:
        'containers:\n  - name: web\n    image: registry.example.com/shop:1.4.2\n    securityContext:\n      readOnlyRootFilesystem: true\n    volumeMounts:\n      - {name: tmp, mountPath: /tmp}\nvolumes:\n  - {name: tmp, emptyDir: {}}',
    },
    fix: 'Set `readOnlyRootFilesystem: true` and mount an emptyDir where the application must write (/tmp for gunicorn\'s worker heartbeat files, or use --worker-tmp-dir /dev/shm); keep uploads in object storage or a volume.',
    references: [SECURITY_CONTEXT, 'https://docs.gunicorn.org/en/stable/settings.html#worker-tmp-dir'],
    tags: ['kubernetes', 'security', 'hardening'],
  },
  scope: 'k8sObject',
  check(obj, ctx) {
    if (!judged(obj, ctx)) return;
    if (obj.opaquePatch) return;
    for (const c of runtimeContainers(obj)) {
      const ro = effectiveSecurity(obj, c)('readOnlyRootFilesystem');
      if (ro?.value === true) continue;
      ctx.report({
        message: `${objectLabel(obj)}: ${containerLabel(c)} ${ro ? 'sets readOnlyRootFilesystem: false' : 'does not set readOnlyRootFilesystem: true'}: code run in it can rewrite the application and plant files`,
        span: ro ? ro.span : c.nameSpan,
        target: `${obj.kind}/${obj.name}:${c.name}`,
      });
    }
  },
});
