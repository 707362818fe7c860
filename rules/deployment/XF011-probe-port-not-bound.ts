import { defineRule } from '../../src/engine/rule.js';
import { healthProbes, type HealthProbe } from '../../src/model/deployment/probes.js';

export default defineRule({
  meta: {
    id: 'XF011',
    name: 'ProbePortNotBound',
    title: "A container healthcheck connects to a port the container's app server does not listen on",
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        "For a Dockerfile HEALTHCHECK or compose healthcheck that fetches a URL on localhost inside the container whose app server the repository shows (the image's CMD, the service's command), compares the URL's port with every address the server binds (gunicorn --bind, uWSGI http-socket, uvicorn/daphne --port). Fires only when every address is a TCP port known for certain and none is the probe's.",
      whyIsThisBad:
        "Nothing answers on that port inside the container: every check fails with 'connection refused', the container is marked unhealthy for ever, and whatever waits for it to be healthy (depends_on: service_healthy, a rolling update, Swarm) never proceeds.",
      example: "command: gunicorn shop.wsgi:application --bind 0.0.0.0:8001\nhealthcheck:\n  test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health/\"]",
      useInstead: "command: gunicorn shop.wsgi:application --bind 0.0.0.0:8001\nhealthcheck:\n  test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8001/health/\"]",
    },
    fix: 'Use the port the app server binds in the healthcheck URL (or bind the port the healthcheck expects).',
    references: ['https://docs.docker.com/reference/dockerfile/#healthcheck', 'https://docs.docker.com/reference/compose-file/services/#healthcheck', 'https://docs.gunicorn.org/en/stable/settings.html#bind'],
    tags: ['docker', 'compose', 'cross-file', 'health-check'],
  },
  scope: 'repo',
  check(model, ctx) {
    // Only where the server is the container's own command (a start script may run another server, nginx, on the probe's port).
    const direct = (p: HealthProbe) =>
      p.instance !== undefined &&
      ((p.source === 'dockerfile' && p.instance.origin === 'dockerfile' && p.instance.file === p.file) ||
        (p.source === 'compose' && p.instance.origin === 'compose' && (model.composeProjects ?? []).some((c) => c.files.includes(p.instance!.file))));
    const probes = healthProbes(model).filter((p) => p.portMismatch && direct(p));
    if (probes.length === 0) {
      ctx.notApplicable('no container healthcheck whose port can be compared with its app server');
      return;
    }
    for (const probe of probes) {
      const binds = probe.portMismatch!.binds;
      const first = binds.find((b) => b.span) ?? binds[0]!;
      ctx.report({
        message: `${probe.label.charAt(0).toUpperCase()}${probe.label.slice(1)} connects to port ${probe.port}, but the container's ${probe.instance!.server} listens only on ${binds.map((b) => b.text).join(', ')}: every check fails with connection refused and the container never becomes healthy`,
        span: probe.span,
        related: [{ span: first.span ?? first.option.span ?? probe.instance!.span, message: `${probe.instance!.server} binds ${first.text} here` }],
        target: `${probe.file}:${probe.label}:port`,
      });
    }
  },
});
