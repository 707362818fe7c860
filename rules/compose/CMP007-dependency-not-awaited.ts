import { defineRule } from '../../src/engine/rule.js';
import { dockerStageOf, isDataService, serviceKind } from '../../src/model/containers/query.js';
import { COMPOSE_SERVICES, production } from './CMP0.common.js';

export default defineRule({
  meta: {
    id: 'CMP007',
    name: 'DependencyNotAwaited',
    title: 'depends_on a database that nobody waits for',
    severity: 'low',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports a `depends_on` entry, in production compose projects, on a database, cache or broker (or on any service with a healthcheck) without `condition: service_healthy`. It says whether the dependency needs a healthcheck first. Silent when the depending service's entrypoint or command script waits for its dependencies itself (pg_isready, wait-for-it, dockerize -wait, nc -z ...).",
      whyIsThisBad:
        "Plain depends_on only orders container starts: PostgreSQL takes seconds to accept connections after its container starts, so the web service's migrations or first requests fail with \"connection refused\", and after a reboot the stack may come up broken until restarted by hand.",
      example: 'web:\n  depends_on:\n    - db\ndb:\n  image: postgres:16',
      useInstead: 'web:\n  depends_on:\n    db:\n      condition: service_healthy\ndb:\n  image: postgres:16\n  healthcheck:\n    test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER}"]\n    interval: 5s\n    retries: 10',
    },
    fix: 'Give the dependency a healthcheck (pg_isready, redis-cli ping, mysqladmin ping) and use the long form `depends_on: {db: {condition: service_healthy}}`, or make the entrypoint wait for it.',
    references: [`${COMPOSE_SERVICES}#depends_on`, 'https://docs.docker.com/compose/how-tos/startup-order/', `${COMPOSE_SERVICES}#healthcheck`],
    tags: ['compose', 'reliability'],
  },
  scope: 'compose',
  check(project, ctx, model) {
    if (!production(project, ctx)) return;
    const byName = new Map(project.services.map((s) => [s.name, s]));
    // One finding per written depends_on entry: an anchor shared by several services is one line.
    const found = new Map<string, { span: import('../../src/core/position.js').Span; services: string[]; dep: string; hasCheck: boolean; kind: string }>();
    for (const s of project.services) {
      if (s.dependsOn.length === 0) continue;
      const stage = dockerStageOf(s, model.dockerfiles ?? [])?.stage;
      // The image's start scripts run unless the service replaces them.
      const scripts = (stage?.launchScripts ?? []).filter((l) => (l.via === 'ENTRYPOINT' ? !s.entrypoint : !s.entrypoint && !s.command));
      if (scripts.some((l) => l.waitsForDependencies)) continue;
      const argv = [...(s.entrypoint?.argv ?? []), ...(s.command?.argv ?? [])].join(' ');
      if (/pg_isready|wait-for|wait_for|dockerize|nc\s+-z/.test(argv)) continue;
      for (const d of s.dependsOn) {
        if (d.condition !== 'service_started') continue;
        const dep = byName.get(d.service);
        if (!dep) continue;
        const hasCheck = !!dep.healthcheck && !dep.healthcheck.disabled;
        const kind = serviceKind(dep);
        if (!hasCheck && !isDataService(kind)) continue;
        const key = `${d.span.file}:${d.span.start.offset}`;
        const entry = found.get(key) ?? { span: d.span, services: [], dep: d.service, hasCheck, kind };
        entry.services.push(s.name);
        found.set(key, entry);
      }
    }
    for (const f of found.values()) {
      const who = f.services.length === 1 ? `service ${f.services[0]}` : `services ${f.services.join(', ')}`;
      const verb = f.services.length === 1 ? 'depends' : 'depend';
      const starts = f.services.length === 1 ? 'it starts' : 'they start';
      const message = f.hasCheck
        ? `${who} ${verb} on ${f.dep} without condition: service_healthy, so ${starts} before ${f.dep}'s healthcheck passes`
        : `${who} ${verb} on ${f.dep} (${f.kind}), which has no healthcheck: ${starts} as soon as its container does, before ${f.kind} accepts connections`;
      ctx.report({ message, span: f.span, target: `depends_on:${f.dep}:${f.services.join(',')}` });
    }
  },
});
