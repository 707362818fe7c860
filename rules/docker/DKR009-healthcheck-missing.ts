import { defineRule } from '../../src/engine/rule.js';
import { servicesBuilding } from '../../src/model/containers/query.js';
import { DOCKERFILE_REF, production, targets } from './DKR0.common.js';

export default defineRule({
  meta: {
    id: 'DKR009',
    name: 'HealthcheckMissing',
    title: 'Web image without a HEALTHCHECK',
    severity: 'low',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports a production image that starts a web application server (gunicorn, uWSGI, uvicorn, daphne: the command line the app-server checks recognise) but has no HEALTHCHECK in its final stage and no healthcheck in the compose services that build it. Worker images, images for other services, and Dockerfiles deployed to Kubernetes (which uses probes instead) are not judged.',
      whyIsThisBad:
        'Without a health check Docker only knows whether the process exists. A server that is up but deadlocked, out of database connections or stuck on startup migrations is reported healthy, so compose `depends_on: service_healthy`, rolling updates and restart policies all act on a wrong signal.',
      example: 'CMD ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000"]',
      useInstead: 'HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen(\'http://127.0.0.1:8000/healthz\')" || exit 1\nCMD ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000"]',
    },
    fix: 'Add a HEALTHCHECK that requests a cheap health URL of the application (or a compose `healthcheck:`), with an interval, timeout and start period that fit the start-up time.',
    references: [`${DOCKERFILE_REF}#healthcheck`, 'https://docs.docker.com/reference/compose-file/services/#healthcheck'],
    tags: ['docker', 'reliability', 'monitoring'],
  },
  scope: 'dockerfile',
  check(df, ctx, model) {
    if (!production(df, ctx)) return;
    if ((model.k8sObjects ?? []).length > 0) {
      ctx.notApplicable('deployed with Kubernetes manifests, which use probes');
      return;
    }
    const servers = model.appServers.filter((a) => a.origin === 'dockerfile' && a.file === df.file && a.role === 'production' && a.server !== 'runserver' && a.server !== 'other');
    if (servers.length === 0) {
      ctx.notApplicable('the image starts no web application server');
      return;
    }
    const users = servicesBuilding(df, model.composeProjects ?? []);
    if (users.length > 0 && users.every((u) => u.service.healthcheck && !u.service.healthcheck.disabled)) return;
    for (const stage of targets(df)) {
      if (stage.healthcheck && !stage.healthcheck.none) continue;
      const at = servers.find((s) => s.span.start.line >= stage.from.instruction.span.start.line) ?? servers[0]!;
      const none = stage.healthcheck?.none ? ' (HEALTHCHECK NONE turns it off)' : '';
      ctx.report({ message: `the image starts ${at.server} but defines no HEALTHCHECK${none}: Docker cannot tell a hung server from a healthy one`, span: stage.healthcheck?.none ? stage.healthcheck.span : at.span, target: `healthcheck:${stage.index}` });
    }
  },
});
