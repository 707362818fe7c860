import { defineRule } from '../../src/engine/rule.js';
import { asMap, get, items, pairOf, text } from '../../src/parse/yaml-positions.js';
import { K8S_DOCS } from './K8S0.common.js';

/** Ingress annotations with which the controller or cloud load balancer terminates TLS itself. */
const MANAGED_TLS: Array<[string, (v: string) => boolean]> = [
  ['alb.ingress.kubernetes.io/certificate-arn', (v) => v.trim() !== ''],
  ['alb.ingress.kubernetes.io/listen-ports', (v) => /HTTPS/i.test(v)],
  ['networking.gke.io/managed-certificates', (v) => v.trim() !== ''],
  ['ingress.gcp.kubernetes.io/pre-shared-cert', (v) => v.trim() !== ''],
  ['networking.gke.io/pre-shared-certs', (v) => v.trim() !== ''],
  ['traefik.ingress.kubernetes.io/router.tls', (v) => /^true$/i.test(v.trim())],
  ['appgw.ingress.kubernetes.io/appgw-ssl-certificate', (v) => v.trim() !== ''],
  ['kubernetes.io/ingress.allow-http', (v) => /^false$/i.test(v.trim())],
];

export default defineRule({
  meta: {
    id: 'K8S014',
    name: 'IngressWithoutTls',
    title: 'An Ingress serves its hosts without TLS',
    severity: 'medium',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports an Ingress without a `tls:` section, and each host of its rules that no `tls:` entry covers when every entry lists its hosts. Not reported when the Ingress's annotations have the load balancer terminate TLS (AWS ALB certificate-arn or an HTTPS listen port, GKE managed or pre-shared certificates, Traefik router.tls, Azure Application Gateway certificates), when a LoadBalancer Service in the repository carries a cloud certificate, or for development manifests.",
      whyIsThisBad:
        'Without TLS the site is served over plain HTTP: session cookies and passwords cross the network in clear, and Django\'s SECURE_SSL_REDIRECT, HSTS and secure cookies either break the site (redirect loops) or are silently ineffective.',
      example: 'kind: Ingress\nspec:\n  rules:\n    - host: shop.example.com\n      http: {...}',
      useInstead:
        'kind: Ingress\nmetadata:\n  annotations:\n    cert-manager.io/cluster-issuer: letsencrypt\nspec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n  rules:\n    - host: shop.example.com\n      http: {...}',
    },
    fix: 'Add a `tls:` entry listing every host with the Secret holding its certificate (cert-manager creates and renews it from an annotation), then enable Django\'s SECURE_PROXY_SSL_HEADER, SECURE_SSL_REDIRECT and HSTS behind it.',
    references: [`${K8S_DOCS}/concepts/services-networking/ingress/#tls`, 'https://cert-manager.io/docs/usage/ingress/', 'https://docs.djangoproject.com/en/stable/topics/security/#ssl-https'],
    tags: ['kubernetes', 'security', 'tls'],
  },
  scope: 'k8sObject',
  check(obj, ctx, model) {
    if (obj.kind !== 'Ingress') {
      ctx.notApplicable('not an Ingress');
      return;
    }
    if (obj.role === 'development') {
      ctx.notApplicable('development manifest');
      return;
    }
    if (obj.fragment || obj.opaquePatch) return;
    if (MANAGED_TLS.some(([k, ok]) => ok(obj.annotations.get(k) ?? ''))) return;
    const lbCert = (model.k8sObjects ?? []).some(
      (s) => s.kind === 'Service' && s.role === 'production' && [...s.annotations.keys()].some(isLoadBalancerCertAnnotation),
    );
    if (lbCert) return;
    const spec = asMap(get(obj.root, 'spec'));
    const tls = items(get(spec, 'tls'));
    const name = obj.name ?? '(unnamed)';
    if (tls.length === 0) {
      if (obj.patches.some((p) => items(get(get(p.root, 'spec'), 'tls')).length > 0)) return;
      const where = pairOf(spec, 'rules') ?? pairOf(obj.root, 'spec');
      ctx.report({
        message: `Ingress ${name} has no tls: section: its hosts are served over plain HTTP, so cookies and passwords cross the network in clear`,
        span: where?.keySpan ?? obj.kindSpan,
        target: `Ingress/${name}`,
      });
      return;
    }
    // Every tls entry lists hosts: a rule host missing from all of them gets no certificate.
    const lists = tls.map((t) => items(get(t, 'hosts')).map((h) => text(h) ?? ''));
    if (lists.some((l) => l.length === 0)) return;
    const covered = lists.flat();
    const matches = (host: string) => covered.some((c) => c === host || (c.startsWith('*.') && host.endsWith(c.slice(1)) && !host.slice(0, -c.length + 1).includes('.')));
    for (const r of items(get(spec, 'rules'))) {
      const hostNode = get(r, 'host');
      const host = text(hostNode);
      if (!host || !hostNode || matches(host)) continue;
      ctx.report({
        message: `Ingress ${name}: host ${host} is in no tls: entry, so it is served without its certificate (plain HTTP or the controller's default certificate)`,
        span: hostNode.span,
        target: `Ingress/${name}:${host}`,
      });
    }
  },
});

/** A Service annotation that gives its cloud load balancer a TLS certificate (plain string tests: linear). */
function isLoadBalancerCertAnnotation(key: string): boolean {
  const azure = key.indexOf('azure-load-balancer-');
  return key.endsWith('aws-load-balancer-ssl-cert') || (azure >= 0 && key.includes('cert', azure + 'azure-load-balancer-'.length)) || key.includes('load-balancer-certificate');
}
