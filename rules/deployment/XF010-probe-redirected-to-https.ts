import type { RelatedLocation } from '../../src/core/finding.js';
import { defineRule } from '../../src/engine/rule.js';
import { hostAllowed } from '../../src/model/django-helpers.js';
import { djangoAnswer, settingsForProbe } from '../../src/model/deployment/probe-django.js';
import { accepted, healthProbes, type HealthProbe } from '../../src/model/deployment/probes.js';

/** Why following the redirect fails, or undefined when it does not (or cannot be known to). */
function followFailure(probe: HealthProbe, sslHost: string | undefined): string | undefined {
  if (probe.redirects === 'stop') return accepted(probe, 301) ? undefined : probe.acceptsText;
  // The Location is https://<SECURE_SSL_HOST or the request's Host><path>.
  if (sslHost) return undefined; // another host: the kubelet stops there (success), curl -L/wget go out to it (unknown)
  if (probe.hostHeader === undefined) return undefined;
  if (probe.redirects === 'same-host') {
    if (probe.hostHeader !== 'pod-ip') return undefined; // a Host other than the pod IP: the kubelet does not follow it, and counts the 301 as success
    return `the kubelet sends the pod's IP and port as Host, so the Location names the same host, which the kubelet follows, and the plain-HTTP app server on port ${probe.port} cannot complete its TLS handshake`;
  }
  // curl -L, wget, urllib: same host and port over TLS; only when the Host carries the port.
  if (probe.port === undefined || !probe.hostHeader.endsWith(`:${probe.port}`)) return undefined;
  return `${probe.acceptsText}, so it goes on to https://${probe.hostHeader}${probe.path.split('?')[0]}, where the plain-HTTP app server cannot complete a TLS handshake`;
}

export default defineRule({
  meta: {
    id: 'XF010',
    name: 'ProbeRedirectedToHttps',
    title: "SECURE_SSL_REDIRECT answers a plain-HTTP health probe with a redirect its client counts as failure",
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        "For each health probe that speaks plain HTTP straight to the project's app server (a Dockerfile or compose healthcheck against localhost, a Kubernetes httpGet probe, an AWS target group, Classic ELB or Google Cloud health check), works out whether SecurityMiddleware redirects it: SECURE_SSL_REDIRECT on in the settings that service runs with, no middleware before SecurityMiddleware that could answer first, no SECURE_REDIRECT_EXEMPT pattern found (re.search) in the path without its leading slash, and no header of the probe's own that could make request.is_secure() true. Then applies the client's redirect behaviour: a load balancer that does not follow redirects fails on the 301 unless its matcher accepts it; curl -L, wget and python urllib follow it to https:// on the same port, where the plain-HTTP server cannot complete a TLS handshake; the kubelet follows it only to the same host name, which is the case when it sends the pod IP as Host (ALLOWED_HOSTS '*') and SECURE_SSL_HOST is not set. Silent for curl without -L (a 301 is success even with -f), for the kubelet with a Host header of its own, and whenever the outcome depends on something unknown.",
      whyIsThisBad:
        "The probe fails on every run although the application is healthy: the load balancer takes every target out of service (503 for the whole site), Kubernetes never marks the pod ready or restarts it in a loop, and a container healthcheck keeps the container unhealthy.",
      example: "# settings.py\nSECURE_SSL_REDIRECT = True\n# main.tf\nhealth_check {\n  path = \"/health/\"\n}",
      useInstead: "# settings.py\nSECURE_SSL_REDIRECT = True\nSECURE_REDIRECT_EXEMPT = [r\"^health/$\"]",
    },
    fix: "Exempt the probe's path from the redirect (SECURE_REDIRECT_EXEMPT = [r\"^health/$\"]; the pattern is searched in the path without its leading slash), or answer the probe in a middleware placed before SecurityMiddleware, or, for a load balancer, accept the redirect in its matcher only if a redirect really means healthy.",
    references: [
      'https://docs.djangoproject.com/en/stable/ref/settings/#secure-redirect-exempt',
      'https://docs.djangoproject.com/en/stable/ref/middleware/#ssl-redirect',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#http-probes',
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
      'https://curl.se/docs/manpage.html#-L',
    ],
    tags: ['django', 'cross-file', 'health-check', 'tls'],
  },
  scope: 'repo',
  check(model, ctx) {
    const probes = healthProbes(model).filter((p) => p.project && p.scheme === 'http');
    if (probes.length === 0) {
      ctx.notApplicable('no health probe in the repository reaches a Django project');
      return;
    }
    for (const probe of probes) {
      const project = settingsForProbe(model, probe);
      if (!project) continue;
      const answer = djangoAnswer(project, probe, hostAllowed);
      if (answer.kind !== 'https-redirect') continue;
      const ssl = answer;
      // Without SECURE_SSL_HOST the Location comes from request.get_host(), which validates the Host first (400 when rejected).
      if (answer.hostRejected || (answer.hostUnknown && probe.redirects !== 'stop')) continue;
      const hostNote = answer.hostUnknown ? ' (or 400, should ALLOWED_HOSTS reject the Host the health checker sends)' : '';
      const why = followFailure(probe, ssl.sslHost);
      if (!why) continue;
      const related: RelatedLocation[] = [{ span: ssl.span, message: 'SECURE_SSL_REDIRECT turned on here' }];
      const exempt = project.settings.get('SECURE_REDIRECT_EXEMPT');
      if (exempt) related.push({ span: exempt.span, message: `SECURE_REDIRECT_EXEMPT set here: no pattern is found in '${probe.path.split('?')[0]!.replace(/^\/+/, '')}'` });
      related.push(...probe.related);
      ctx.report({
        message: `${capital(probe.label)} sends GET ${probe.path} over plain HTTP straight to the app server (port ${probe.port ?? '?'}), and SECURE_SSL_REDIRECT is on with no SECURE_REDIRECT_EXEMPT pattern for it: SecurityMiddleware answers 301 to https://${ssl.sslHost ?? (probe.hostHeader === 'pod-ip' ? `<pod IP>:${probe.port}` : (probe.hostHeader ?? '<Host>'))}${probe.path.split('?')[0]} before any view runs${hostNote}; ${why}, so the probe always fails`,
        span: probe.span,
        related,
        target: `${probe.file}:${probe.label}:${probe.path}`,
      });
    }
  },
});

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
