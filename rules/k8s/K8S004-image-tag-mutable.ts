import { defineRule } from '../../src/engine/rule.js';
import { containerLabel, judged, K8S_DOCS, objectLabel, runtimeContainers, splitImage } from './K8S0.common.js';

/** Values filled in at deploy time: envsubst, kustomize/Skaffold/Argo placeholders, Jinja. */
// `<[^<>]*>`: finds a <...> pair exactly when `<[^>]*>` does, without rescanning from every `<` (issue 7).
export const VARIABLE = /\$\{|\$\(|\{\{|<[^<>]*>|%\w+%|__\w+__|^\$\w+/;

export default defineRule({
  meta: {
    id: 'K8S004',
    name: 'ImageTagMutable',
    title: 'A container image is untagged or `:latest`',
    severity: 'medium',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports container and init container images without a tag or with the `latest` tag. A digest (`@sha256:...`) pins the image whatever the tag; a production kustomization's `images:` entry that sets `newTag` or `digest` for the name counts; values filled in at deploy time (`${IMAGE}`, `$(TAG)`) are not judged.",
      whyIsThisBad:
        "`latest` is whatever was pushed last: two pods of the same Deployment can run different code, a node restart silently upgrades, and a rollback to the previous ReplicaSet redeploys the same moving tag, so it rolls back nothing. With an untagged or `latest` image Kubernetes also defaults imagePullPolicy to Always, so every pod start depends on the registry being up.",
      example: 'image: registry.example.com/shop:latest',
      useInstead: 'image: registry.example.com/shop:1.4.2   # or a commit tag, or @sha256:<digest>',
    },
    fix: 'Tag every image with an immutable version (a release number or the git commit), set by the pipeline (kustomize edit set image, or the deploy step), and deploy by changing the tag; pin third-party images too (postgres:16.4, not postgres).',
    references: [`${K8S_DOCS}/concepts/containers/images/#image-names`, `${K8S_DOCS}/concepts/configuration/overview/#container-images`, 'https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/'],
    tags: ['kubernetes', 'reproducibility'],
  },
  scope: 'k8sObject',
  check(obj, ctx, model) {
    if (!judged(obj, ctx)) return;
    const pinnedByKustomize = new Set(
      (model.k8sKustomizations ?? []).filter((k) => k.role === 'production').flatMap((k) => k.images.filter((i) => i.newTag || i.digest).map((i) => i.name)),
    );
    for (const c of runtimeContainers(obj)) {
      const image = c.image;
      if (!image || image.value.trim() === '' || VARIABLE.test(image.value)) continue;
      const { name, tag, digest } = splitImage(image.value);
      if (digest) continue;
      if (tag !== undefined && tag !== 'latest') continue;
      if (pinnedByKustomize.has(name)) continue;
      ctx.report({
        message:
          tag === 'latest'
            ? `${objectLabel(obj)}: ${containerLabel(c)} runs ${image.value}: latest moves with every push, so pods of one Deployment can run different code and a rollback changes nothing`
            : `${objectLabel(obj)}: ${containerLabel(c)} runs ${image.value} without a tag, which means latest: pods can run different code and a rollback changes nothing`,
        span: image.span,
        target: `${obj.kind}/${obj.name}:${c.name}`,
      });
    }
  },
});
