import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

async function audit(files: Record<string, string | Buffer>, prefix = 'K8S') {
  const root = mkdtempSync(join(tmpdir(), 'audit-deploy-k8s-rules-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const r = await runAudit({ root });
  const findings = r.findings.filter((f) => f.ruleId.startsWith(prefix));
  return {
    hits: findings.map((f) => `${f.ruleId}@${f.span.file}:${f.span.start.line}`).sort(),
    messages: findings.map((f) => f.message),
    result: r,
  };
}

/** A Deployment with one container; `pod` and `container` are extra YAML lines (already indented). */
function deployment(opts: { name?: string; pod?: string; container?: string; image?: string; replicas?: string; extra?: string } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${opts.name ?? 'web'}
spec:
  replicas: ${opts.replicas ?? '2'}
${opts.extra ?? ''}  template:
    metadata:
      labels: {app: ${opts.name ?? 'web'}}
    spec:
${opts.pod ?? ''}      containers:
        - name: web
          image: ${opts.image ?? 'registry.example.com/shop:1.0.0'}
${opts.container ?? ''}`;
}

const HARD_CONTAINER = `          ports: [{containerPort: 8000}]
          readinessProbe: {httpGet: {path: /healthz, port: 8000}}
          livenessProbe: {httpGet: {path: /healthz, port: 8000}}
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
          securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}
`;

describe('K8S rules: precision edges', () => {
  it('a hardened Deployment is silent for every rule', async () => {
    const { hits } = await audit({ 'k8s/web.yaml': deployment({ container: HARD_CONTAINER }) });
    expect(hits).toEqual([]);
  });

  it('reads YAML 1.1 booleans as Kubernetes does; a quoted "true" is no boolean; container overrides pod', async () => {
    const yes = await audit({ 'k8s/web.yaml': deployment({ container: HARD_CONTAINER.replace('runAsNonRoot: true', 'runAsNonRoot: yes') }) });
    expect(yes.hits).toEqual([]);
    const quoted = await audit({ 'k8s/web.yaml': deployment({ container: HARD_CONTAINER.replace('runAsNonRoot: true', 'runAsNonRoot: "true"') }) });
    expect(quoted.hits).toEqual(['K8S005@k8s/web.yaml:12']);
    const override = await audit({
      'k8s/web.yaml': deployment({ pod: '      securityContext: {runAsNonRoot: true}\n', container: HARD_CONTAINER.replace('runAsNonRoot: true', 'runAsNonRoot: false') }),
    });
    expect(override.hits).toEqual(['K8S005@k8s/web.yaml:19']);
    const podRoot = await audit({
      'k8s/web.yaml': deployment({ pod: '      securityContext:\n        runAsUser: 0\n', container: HARD_CONTAINER.replace('runAsNonRoot: true, ', '') }),
    });
    expect(podRoot.hits).toEqual(['K8S005@k8s/web.yaml:12']);
  });

  it('image references: registry ports, digests, variables and kustomize tags', async () => {
    const cases: Array<[string, boolean]> = [
      ['registry.example.com:5000/shop', true],
      ['registry.example.com:5000/shop:2.1', false],
      ['shop:latest', true],
      ['shop@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', false],
      ['shop:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', false],
      ['${IMAGE}', false],
      ['registry.example.com/shop:$(TAG)', false],
    ];
    for (const [image, fires] of cases) {
      const { hits } = await audit({ 'k8s/web.yaml': deployment({ image: `"${image}"`, container: HARD_CONTAINER }) });
      expect(hits, image).toEqual(fires ? ['K8S004@k8s/web.yaml:13'] : []);
    }
    const kustomized = await audit({
      'k8s/web.yaml': deployment({ image: 'shop', container: HARD_CONTAINER }),
      'k8s/kustomization.yaml': 'resources: [web.yaml]\nimages:\n  - name: shop\n    newTag: "2.1.0"\n',
    });
    expect(kustomized.hits).toEqual([]);
  });

  it('probes: only long-running serving containers; the Service picks the container by targetPort', async () => {
    const job = await audit({ 'k8s/job.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: m}\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n          image: shop:1.0\n          ports: [{containerPort: 8000}]\n' }, 'K8S002');
    expect(job.hits).toEqual([]);
    const sidecar = HARD_CONTAINER + `        - name: proxy
          image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0
          ports: [{containerPort: 5432, name: pg}]
`;
    const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8000}]\n';
    const withService = await audit({ 'k8s/web.yaml': `${deployment({ container: sidecar })}---\n${svc}` }, 'K8S002');
    expect(withService.hits).toEqual([]);
    const withoutService = await audit({ 'k8s/web.yaml': deployment({ container: sidecar }) }, 'K8S002');
    expect(withoutService.hits).toEqual(['K8S002@k8s/web.yaml:19']);
  });

  it('memory limits: a LimitRange default counts', async () => {
    const c = HARD_CONTAINER.replace('          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}\n', '');
    expect((await audit({ 'k8s/web.yaml': deployment({ container: c }) })).hits).toEqual(['K8S003@k8s/web.yaml:12']);
    const lr = 'apiVersion: v1\nkind: LimitRange\nmetadata: {name: defaults}\nspec:\n  limits:\n    - type: Container\n      default: {memory: 512Mi}\n';
    expect((await audit({ 'k8s/web.yaml': deployment({ container: c }), 'k8s/limits.yaml': lr })).hits).toEqual([]);
  });

  it('literal secrets in env and ConfigMaps: references and non-secret names are not secrets; never printed in full', async () => {
    const env = `          env:
            - {name: DJANGO_ALLOWED_HOSTS, value: "$(POD_IP),shop.example.com"}
            - {name: DATABASE_URL, value: "postgres://shop:$(DB_PASSWORD)@db/shop"}
            - {name: PASSWORD_RESET_TIMEOUT, value: "3600"}
            - {name: AWS_SECRET_ACCESS_KEY, value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEYx"}
`;
    const { hits, messages } = await audit({ 'k8s/web.yaml': deployment({ container: HARD_CONTAINER + env }) });
    expect(hits).toEqual(['K8S011@k8s/web.yaml:23']);
    expect(messages.join('\n')).not.toContain('wJalrXUtnFEMI');
  });

  it('committed Secrets: placeholders decoded from base64, SOPS files and invalid base64 are not leaks; binary data is', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const secret = (body: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n${body}`;
    const { hits, messages } = await audit({
      'k8s/a.yaml': secret(`data:\n  a: ${b64('changeme')}\n  b: ${b64('<your-password>')}\n  c: "not base64!"\n  d: ${b64('Zk3rP9qLm2Xv')}\n  e: ${Buffer.from([0, 1, 2, 250, 251, 252, 3, 4]).toString('base64')}\n`),
      'k8s/sops.yaml': secret(`stringData:\n  password: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]\nsops:\n  version: 3.9.0\n`),
    });
    expect(hits).toEqual(['K8S012@k8s/a.yaml:8', 'K8S012@k8s/a.yaml:9']);
    expect(messages.join('\n')).not.toContain('Zk3rP9qLm2Xv');
    expect(messages.join('\n')).toContain('8 bytes of binary data');
  });

  it('single replica: autoscalers, Recreate, data stores and non-serving Deployments are left alone', async () => {
    const one = { replicas: '1', container: HARD_CONTAINER };
    expect((await audit({ 'k8s/web.yaml': deployment(one) }, 'K8S013')).hits).toEqual(['K8S013@k8s/web.yaml:6']);
    const hpa = 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 5\n';
    expect((await audit({ 'k8s/web.yaml': deployment(one), 'k8s/hpa.yaml': hpa }, 'K8S013')).hits).toEqual([]);
    expect((await audit({ 'k8s/web.yaml': deployment({ ...one, extra: '  strategy: {type: Recreate}\n' }) }, 'K8S013')).hits).toEqual([]);
    expect((await audit({ 'k8s/web.yaml': deployment({ ...one, image: 'postgres:16.4' }) }, 'K8S013')).hits).toEqual([]);
    expect((await audit({ 'k8s/web.yaml': deployment({ replicas: '1' }) }, 'K8S013')).hits).toEqual([]);
  });

  it('Ingress TLS: cloud-terminated TLS is silent; a host outside every tls entry is reported on its line', async () => {
    const ingress = (annotations: string, tls: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  annotations: {${annotations}}
spec:
${tls}  rules:
    - host: shop.example.com
    - host: api.shop.example.com
    - host: admin.example.org
`;
    expect((await audit({ 'k8s/i.yaml': ingress('', '') })).hits).toEqual(['K8S014@k8s/i.yaml:7']);
    expect((await audit({ 'k8s/i.yaml': ingress('alb.ingress.kubernetes.io/certificate-arn: "arn:aws:acm:eu-west-1:1:certificate/x"', '') })).hits).toEqual([]);
    expect((await audit({ 'k8s/i.yaml': ingress('', '  tls:\n    - hosts: [shop.example.com, "*.shop.example.com"]\n      secretName: t\n') })).hits).toEqual(['K8S014@k8s/i.yaml:13']);
    expect((await audit({ 'k8s/i.yaml': ingress('', '  tls:\n    - secretName: default-cert\n') })).hits).toEqual([]);
  });

  it('never crashes: alias bombs, binary and garbage files, empty documents, huge manifests', async () => {
    let bomb = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a ["x","x"]\n';
    let prev = 'a';
    for (let i = 0; i < 30; i++) {
      bomb += `  n${i}: &n${i} [*${prev},*${prev},*${prev}]\n`;
      prev = `n${i}`;
    }
    const many = Array.from({ length: 400 }, (_, i) => deployment({ name: `w${i}`, container: HARD_CONTAINER })).join('---\n');
    const t0 = Date.now();
    const { hits, result } = await audit({
      'k8s/bomb.yaml': bomb,
      'k8s/binary.yaml': Buffer.from([0x61, 0x70, 0x69, 0x00, 0xff, 0xfe, 0x00, 0x01]),
      'k8s/garbage.yaml': 'apiVersion: v1\nkind: ConfigMap\n\t- ]]]: [[[\n',
      'k8s/empty.yaml': 'apiVersion: v1\nkind: List\n---\n---\n',
      'k8s/many.yaml': many,
    });
    expect(Date.now() - t0).toBeLessThan(20000);
    expect(hits.every((h) => h.startsWith('K8S001@k8s/garbage.yaml'))).toBe(true);
    expect(hits.length).toBeGreaterThan(0);
    expect(result.notices.some((n) => n.kind === 'info' && /failed internally/.test(n.message))).toBe(false);
  });
});

describe('K8S rules: template slots seen in real repositories', () => {
  it('{PASSWORD}, __VAR__, $VAR and %VAR% slots are not secrets', async () => {
    const cm = `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  DATABASE_URL: postgres://{USERNAME}:{PASSWORD}@{IP}:{PORT}/{DB}
  SECRET_KEY: __SECRET_KEY__
  API_TOKEN: $API_TOKEN
  EMAIL_HOST_PASSWORD: "%EMAIL_PASSWORD%"
---
apiVersion: v1
kind: Secret
metadata: {name: s}
stringData:
  password: "{PASSWORD}"
  token: __TOKEN__
`;
    const r = await audit({ 'k8s/c.yaml': cm });
    expect(r.hits).toEqual([]);
  });
});
