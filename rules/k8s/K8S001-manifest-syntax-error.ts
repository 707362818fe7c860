import { defineRule } from '../../src/engine/rule.js';
import { K8S_DOCS } from './K8S0.common.js';

export default defineRule({
  meta: {
    id: 'K8S001',
    name: 'ManifestSyntaxError',
    title: 'A Kubernetes manifest is not valid YAML',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports each YAML error in a Kubernetes manifest (a file whose documents have `apiVersion` and `kind`): bad indentation, an unterminated string or flow collection, a key written twice, a tab used for indentation. Development manifests, Helm chart templates and other templated files are not judged.',
      whyIsThisBad:
        '`kubectl apply` (and Argo CD, Flux, kustomize) refuses the whole file, so nothing in it is deployed or updated, often only noticed when a rollout silently keeps the old version. A key written twice is worse: depending on the tool, one of the two values is dropped without a word.',
      example: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop\ndata:\n  ALLOWED_HOSTS: "shop.example.com\n',
      useInstead: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop\ndata:\n  ALLOWED_HOSTS: "shop.example.com"\n',
    },
    fix: 'Fix the YAML at the reported line (`kubectl apply --dry-run=client -f <file>` shows the same error), then audit again: the objects of a broken document are not checked.',
    references: [`${K8S_DOCS}/concepts/overview/working-with-objects/`, 'https://yaml.org/spec/1.2.2/'],
    tags: ['kubernetes', 'syntax'],
  },
  scope: 'k8sFile',
  check(file, ctx) {
    if (file.role === 'development') {
      ctx.notApplicable('development manifest');
      return;
    }
    for (const p of file.problems) {
      ctx.report({
        message:
          p.code === 'DUPLICATE_KEY'
            ? `A key is written twice in a Kubernetes manifest (${p.message}): kubectl's strict validation refuses it, and tools that accept it keep only one of the values`
            : `YAML error in a Kubernetes manifest: ${p.message}; kubectl apply refuses the whole file`,
        span: p.span,
        target: p.code ?? p.message,
      });
    }
  },
});
