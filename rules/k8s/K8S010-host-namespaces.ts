import { defineRule } from '../../src/engine/rule.js';
import { judged, K8S_DOCS, objectLabel, POD_SECURITY_STANDARDS } from './K8S0.common.js';

const WHAT: Record<'hostNetwork' | 'hostPID' | 'hostIPC', string> = {
  hostNetwork: "shares the node's network: it can reach services bound to the node's localhost (the kubelet, metadata endpoints), sniff traffic, and its ports bypass NetworkPolicies",
  hostPID: "shares the node's process table: it can see every process of the node, read their environments (other pods' secrets) and signal them",
  hostIPC: "shares the node's IPC namespace: it can read and write other processes' shared memory",
};

export default defineRule({
  meta: {
    id: 'K8S010',
    name: 'HostNamespaces',
    title: 'A pod shares the node\'s network, process or IPC namespace',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes: 'Reports `hostNetwork: true`, `hostPID: true` and `hostIPC: true` in a pod spec, each where it is written.',
      whyIsThisBad:
        "These switch off the isolation between the pod and the node. With the node's network the pod reaches everything bound to the node's localhost and is outside NetworkPolicies; with its process table it can read other processes' environment (where other pods' secrets are); with its IPC namespace it can touch their shared memory. An application pod never needs them.",
      example: 'spec:\n  hostNetwork: true\n  containers:\n    - name: web',
      useInstead: 'spec:\n  containers:\n    - name: web\n      ports:\n        - containerPort: 8000   # exposed through a Service',
    },
    fix: 'Remove hostNetwork/hostPID/hostIPC and expose the application through a Service (and an Ingress); node agents that truly need them belong in their own namespace under their own policy.',
    references: [`${POD_SECURITY_STANDARDS}#baseline`, `${K8S_DOCS}/reference/kubernetes-api/workload-resources/pod-v1/`],
    tags: ['kubernetes', 'security'],
  },
  scope: 'k8sObject',
  check(obj, ctx) {
    if (!judged(obj, ctx)) return;
    const w = obj.workload!;
    for (const key of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
      const v = w[key];
      if (v?.value !== true) continue;
      ctx.report({
        message: `${objectLabel(obj)}: ${key}: true, so the pod ${WHAT[key]}`,
        span: v.pairSpan,
        target: `${obj.kind}/${obj.name}:${key}`,
      });
    }
  },
});
