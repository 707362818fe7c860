import { defineRule } from '../../src/engine/rule.js';
import { trimEndChars } from '../../src/core/trim.js';
import { judged, K8S_DOCS, objectLabel, POD_SECURITY_STANDARDS } from './K8S0.common.js';

/** Host paths that hand over the node: container runtime sockets, the root, system directories. */
const NODE_TAKEOVER = /^\/(?:var\/)?run\/(?:docker|containerd\/containerd|crio\/crio|podman\/podman)\.sock$|^\/(?:var\/)?run\/(?:docker|containerd|crio)\/?$|^\/$|^\/(?:etc|root|proc|sys|boot|dev|var\/lib\/(?:kubelet|docker|containerd))(?:\/|$)/;

export default defineRule({
  meta: {
    id: 'K8S009',
    name: 'HostPathVolume',
    title: 'A pod mounts a directory of the node (hostPath)',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports each `hostPath` volume of a workload, naming the ones that hand over the node outright: the container runtime socket (docker.sock, containerd.sock), `/`, /etc, /proc, /var/lib/kubelet.',
      whyIsThisBad:
        "A hostPath volume gives the pod the node's files: with the Docker or containerd socket it can start a privileged container and own the node; with /etc or / it can add users and keys. Data written there also ties the pod to one node and disappears when the pod is rescheduled elsewhere, which surprises anyone keeping uploads or SQLite there.",
      example: 'volumes:\n  - name: docker\n    hostPath:\n      path: /var/run/docker.sock',
      useInstead: 'volumes:\n  - name: media\n    persistentVolumeClaim:\n      claimName: shop-media',
    },
    fix: 'Use a PersistentVolumeClaim for data, an emptyDir for scratch space, a ConfigMap or Secret for files; build images in CI (or with a rootless builder such as BuildKit or kaniko) instead of mounting the runtime socket.',
    references: [`${K8S_DOCS}/concepts/storage/volumes/#hostpath`, `${POD_SECURITY_STANDARDS}#baseline`],
    tags: ['kubernetes', 'security'],
  },
  scope: 'k8sObject',
  check(obj, ctx) {
    if (!judged(obj, ctx)) return;
    for (const v of obj.workload!.volumes) {
      if (!v.hostPath) continue;
      const path = trimEndChars(v.hostPath.value, '/') || (v.hostPath.value ? '/' : '');
      const takeover = path !== '' && NODE_TAKEOVER.test(path);
      const socket = /\.sock$/.test(path);
      ctx.report({
        message: takeover
          ? socket
            ? `${objectLabel(obj)}: volume ${v.name} mounts the container runtime socket ${path} from the node: whoever runs code in the pod can start privileged containers and take over the node`
            : `${objectLabel(obj)}: volume ${v.name} mounts ${path} from the node: whoever runs code in the pod can take over the node`
          : `${objectLabel(obj)}: volume ${v.name} mounts ${path || 'a path'} from the node (hostPath): the pod reads and writes the node's files, and its data stays behind when it moves`,
        span: v.hostPath.span,
        target: `${obj.kind}/${obj.name}:${v.name}`,
      });
    }
  },
});
