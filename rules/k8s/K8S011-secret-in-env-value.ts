import { defineRule } from '../../src/engine/rule.js';
import { literalSecret } from '../../src/model/k8s/secrets.js';
import { asMap, get, text } from '../../src/parse/yaml-positions.js';
import { redactSecret } from '../../src/report/redact.js';
import { containerLabel, judged, K8S_DOCS, objectLabel } from './K8S0.common.js';

export default defineRule({
  meta: {
    id: 'K8S011',
    name: 'SecretInEnvValue',
    title: 'A secret is written literally in a manifest (env value or ConfigMap)',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports container environment variables whose name says credential (SECRET_KEY, *_PASSWORD, *_TOKEN, *_API_KEY ...) with a literal `value:`, URLs with an embedded password (DATABASE_URL: postgres://shop:s3cret@db/shop), and the same in a ConfigMap's data. Empty values, placeholders (changeme, <your-key>), `$(VAR)` references and development manifests are not reported; `valueFrom.secretKeyRef` is the fix. The secret is never printed in full.",
      whyIsThisBad:
        'The secret is in the repository for everyone with read access, in every fork and clone, forever in history; in the cluster, env values and ConfigMaps are readable by anyone allowed to read the Deployment or ConfigMap, a much wider group than those who may read Secrets, and they show up in `kubectl describe` output pasted into tickets.',
      example: 'env:\n  - name: DJANGO_SECRET_KEY\n    value: "k#2v9...long-random-string"',
      useInstead: 'env:\n  - name: DJANGO_SECRET_KEY\n    valueFrom:\n      secretKeyRef:\n        name: shop-secrets\n        key: django-secret-key',
    },
    fix: 'Move the value into a Secret that is not committed in clear (created by the pipeline, or sealed with Sealed Secrets / SOPS / External Secrets), reference it with `valueFrom.secretKeyRef` or `envFrom.secretRef`, and rotate the secret: it has been exposed.',
    references: [`${K8S_DOCS}/concepts/configuration/secret/#using-secrets-as-environment-variables`, `${K8S_DOCS}/concepts/security/secrets-good-practices/`, `${K8S_DOCS}/concepts/configuration/configmap/`],
    tags: ['kubernetes', 'security', 'secrets'],
  },
  scope: 'k8sObject',
  check(obj, ctx) {
    if (obj.kind === 'ConfigMap') {
      if (!judged(obj, ctx, false)) return;
      const data = asMap(get(obj.root, 'data'));
      for (const p of data?.pairs ?? []) {
        const value = text(p.value);
        if (value === undefined || !p.value) continue;
        const s = literalSecret(p.key, value);
        if (!s) continue;
        ctx.report({
          message: `ConfigMap ${obj.name ?? '(unnamed)'}: ${p.key} ${s.kind === 'url' ? 'holds a URL with a password' : 'holds a secret'} (${redactSecret(s.secret)}) in a ConfigMap, readable by anyone who may read the ConfigMap and by everyone with the repository; move it to a Secret and rotate it`,
          span: p.value.span,
          target: `ConfigMap/${obj.name}:${p.key}`,
        });
      }
      return;
    }
    if (!judged(obj, ctx)) return;
    for (const c of obj.workload!.containers) {
      for (const e of c.env) {
        if (!e.value) continue;
        const s = literalSecret(e.name, e.value.text);
        if (!s) continue;
        ctx.report({
          message: `${objectLabel(obj)}: ${containerLabel(c)} sets ${e.name} ${s.kind === 'url' ? 'to a URL with a password' : 'literally'} (${redactSecret(s.secret)}): it is in the repository and readable by anyone who may read the ${obj.kind}; use valueFrom.secretKeyRef and rotate it`,
          span: e.value.span,
          target: `${obj.kind}/${obj.name}:${c.name}:${e.name}`,
        });
      }
    }
  },
});
