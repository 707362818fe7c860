import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../src/model/build.js';
import type { DeploymentModel } from '../src/model/types.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

async function model(files: Record<string, string>): Promise<DeploymentModel> {
  const root = mkdtempSync(join(tmpdir(), 'audit-deploy-k8s-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return buildModel(root);
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: web}
    spec:
      hostNetwork: yes
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
      initContainers:
        - name: migrate
          image: registry.example.com/shop:1.4.2
          command: ["python", "manage.py", "migrate"]
      containers:
        - name: web
          image: registry.example.com/shop:1.4.2
          securityContext:
            runAsNonRoot: false
            allowPrivilegeEscalation: false
          env:
            - name: SECRET_KEY
              valueFrom:
                secretKeyRef: {name: shop, key: secret-key}
            - name: DEBUG
              value: "False"
          envFrom:
            - secretRef:
                name: shop-env
          ports:
            - containerPort: 8000
          readinessProbe:
            httpGet: {path: /healthz, port: 8000}
          resources:
            limits: {memory: 512Mi}
      volumes:
        - name: sock
          hostPath:
            path: /var/run/docker.sock
`;

describe('Kubernetes model', () => {
  it('reads workloads: pod template, containers, env, probes, resources, effective security, volumes', async () => {
    const m = await model({ 'k8s/web.yaml': `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n---\n${DEPLOYMENT}` });
    expect(m.k8sObjects!.map((o) => `${o.kind}/${o.name}`)).toEqual(['Service/web', 'Deployment/web']);
    const d = m.k8sObjects![1]!;
    expect(d.namespace).toBe('shop');
    expect(d.kindSpan.start.line).toBe(8);
    const w = d.workload!;
    expect(w.replicas?.value).toBe(2);
    expect(w.hostNetwork?.value).toBe(true);
    expect(w.hostNetwork?.span.start.line).toBe(18);
    expect(w.podLabels.get('app')).toBe('web');
    expect(w.containers.map((c) => `${c.kind}:${c.name}`)).toEqual(['init:migrate', 'container:web']);
    const [init, web] = w.containers;
    expect(init!.command).toEqual(['python', 'manage.py', 'migrate']);
    expect(init!.security.runAsNonRoot).toMatchObject({ value: true, from: 'pod' });
    expect(web!.security.runAsNonRoot).toMatchObject({ value: false, from: 'container' });
    expect(web!.security.runAsNonRoot!.span.start.line).toBe(30);
    expect(web!.security.runAsUser).toMatchObject({ value: 1000, from: 'pod' });
    expect(web!.security.allowPrivilegeEscalation?.value).toBe(false);
    expect(web!.env.map((e) => [e.name, e.value?.text, e.valueFrom?.source, e.valueFrom?.name])).toEqual([
      ['SECRET_KEY', undefined, 'secretKeyRef', 'shop'],
      ['DEBUG', 'False', undefined, undefined],
    ]);
    expect(web!.envFrom).toMatchObject([{ source: 'secretRef', name: 'shop-env' }]);
    expect(web!.ports).toEqual([8000]);
    expect(Object.keys(web!.probes)).toEqual(['readiness']);
    expect(web!.resources.limits.memory?.value).toBe('512Mi');
    expect(web!.resources.requests).toEqual({});
    expect(web!.image?.value).toBe('registry.example.com/shop:1.4.2');
    expect(w.volumes).toMatchObject([{ name: 'sock', source: 'hostPath', hostPath: { value: '/var/run/docker.sock' } }]);
    expect(m.k8sFiles!.map((f) => [f.file, f.kind, f.role])).toEqual([['k8s/web.yaml', 'manifest', 'production']]);
  });

  it('finds the pod template of each kind (CronJob, Job, Pod, DaemonSet, StatefulSet) and List items', async () => {
    const pod = (name: string) => `containers:\n  - name: ${name}\n    image: busybox:1.36\n`;
    const indent = (t: string, n: number) => t.split('\n').map((l) => (l ? ' '.repeat(n) + l : l)).join('\n');
    const m = await model({
      'deploy/kinds.yml': [
        `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: backup}\nspec:\n  schedule: "0 3 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${indent(pod('dump'), 10)}`,
        `apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  template:\n    spec:\n${indent(pod('m'), 6)}`,
        `apiVersion: v1\nkind: Pod\nmetadata: {name: debug}\nspec:\n${indent(pod('p'), 2)}`,
        `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  template:\n    spec:\n${indent(pod('a'), 6)}`,
        `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: cfg}\n`,
      ].join('---\n'),
    });
    expect(m.k8sObjects!.map((o) => `${o.kind}/${o.name}:${o.workload?.containers.map((c) => c.name).join(',') ?? '-'}`)).toEqual([
      'CronJob/backup:dump',
      'Job/migrate:m',
      'Pod/debug:p',
      'DaemonSet/agent:a',
      'ConfigMap/cfg:-',
    ]);
  });

  it('skips Helm charts and templated files with a notice, and compose/other YAML silently', async () => {
    const m = await model({
      'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
      'chart/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "shop.fullname" . }}\n',
      'ansible/deployment.yml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n{% if debug %}\n',
      'k8s/raw.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {{ replicas }}\n',
      'k8s/alerts.yaml': 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec:\n  groups:\n    - rules:\n        - annotations:\n            summary: "{{ $labels.instance }} is down"\n',
      'mkdocs.yml': 'site_name: docs\n',
    });
    expect(m.k8sFiles!.map((f) => `${f.file}:${f.kind}`).sort()).toEqual([
      'ansible/deployment.yml:template',
      'chart/templates/deployment.yaml:template',
      'k8s/alerts.yaml:manifest',
      'k8s/raw.yaml:template',
    ]);
    expect(m.notices.filter((n) => n.kind === 'info' && /templat/.test(n.message)).map((n) => n.file).sort()).toEqual([
      'ansible/deployment.yml',
      'chart/templates/deployment.yaml',
      'k8s/raw.yaml',
    ]);
    expect(m.k8sObjects!.map((o) => o.kind)).toEqual(['PrometheusRule']);
  });

  it('reads kustomizations: patch files are fragments attached to what they patch; overlays for dev are development', async () => {
    const m = await model({
      'k8s/base/kustomization.yaml': 'resources:\n  - deployment.yaml\nimages:\n  - name: shop\n    newTag: "1.4.2"\n',
      'k8s/base/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: shop\n',
      'k8s/overlays/production/kustomization.yaml': 'resources: [../../base]\npatches:\n  - path: resources.yaml\n  - target: {kind: Deployment, name: web}\n    patch: |-\n      - op: add\n        path: /spec/replicas\n        value: 3\n',
      'k8s/overlays/production/resources.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          resources: {limits: {memory: 1Gi}}\n',
      'k8s/overlays/dev/kustomization.yaml': 'resources: [../../base]\n',
    });
    const [k1, k2, k3] = m.k8sKustomizations!;
    expect([k1, k2, k3].map((k) => `${k!.file}:${k!.role}`)).toEqual([
      'k8s/base/kustomization.yaml:production',
      'k8s/overlays/dev/kustomization.yaml:development',
      'k8s/overlays/production/kustomization.yaml:production',
    ]);
    expect(k1!.images).toMatchObject([{ name: 'shop', newTag: '1.4.2' }]);
    expect(k3!.patchFiles).toEqual(['k8s/overlays/production/resources.yaml']);
    const [base, patch] = m.k8sObjects!;
    expect(base!.fragment).toBeUndefined();
    expect(patch!.fragment).toBe('patch');
    expect(base!.patches).toEqual([patch]);
    expect(base!.opaquePatch?.start.line).toBe(4);
  });

  it('turns broken YAML into problems with a location, and an unreferenced image-less fragment into a partial object', async () => {
    const m = await model({
      'k8s/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "unterminated\n',
      'k8s/fragment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          resources: {}\n',
    });
    const broken = m.k8sFiles!.find((f) => f.file === 'k8s/broken.yaml')!;
    expect(broken.problems.length).toBeGreaterThan(0);
    expect(broken.problems[0]!.span.start.line).toBeGreaterThanOrEqual(6);
    expect(m.k8sObjects!.find((o) => o.file === 'k8s/fragment.yaml')!.fragment).toBe('partial');
  });
});
