import { formatSpan } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'XF003',
    name: 'RequiredVariableNotProvided',
    title: 'A variable the settings require is missing from a service whose whole environment is in the repository',
    severity: 'blocker',
    section: 'configuration',
    docs: {
      whatItDoes:
        "For each production service whose environment the repository shows completely (a systemd unit whose EnvironmentFile= files are all in the repository and that passes nothing through, a compose service whose env_file files are in the repository and whose values are not interpolated from the host), evaluates the settings in that environment and reports each variable read without a default (os.environ['X'], env('X'), config('X')) that the environment does not define. Services whose environment comes partly from outside the repository are left alone: the variable may be set there.",
      whyIsThisBad:
        "The settings raise KeyError or ImproperlyConfigured on import, so every worker dies at start: the deployment fails, or a restart loop takes the site down after the next deploy.",
      example: "# settings.py\nSECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]\n# docker-compose.prod.yml\nservices:\n  web:\n    environment:\n      DEBUG: \"0\"",
      useInstead: "services:\n  web:\n    env_file: .envs/.production/.django   # defines DJANGO_SECRET_KEY",
    },
    fix: 'Define the variable in the service environment (an EnvironmentFile= or env_file kept out of the repository counts: the audit then stops judging), or give the read a safe default where one exists.',
    references: ['https://docs.docker.com/compose/how-tos/environment-variables/set-environment-variables/', 'https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#Environment'],
    tags: ['django', 'cross-file', 'configuration'],
  },
  scope: 'django',
  check(project, ctx) {
    if (!project.service) {
      ctx.notApplicable('only judged in the environment of a service the repository shows completely');
      return;
    }
    if (!project.service.complete) {
      ctx.notApplicable(`${project.service.name} gets variables from outside the repository`);
      return;
    }
    const seen = new Set<string>();
    for (const read of project.settings.envReads) {
      if (read.decidedBy !== 'required-missing' || seen.has(read.name)) continue;
      seen.add(read.name);
      ctx.report({
        message: `${read.name} is read without a default, and the environment of ${project.service.name} (${formatSpan(project.service.span)}), all of it in the repository, does not define it: the settings fail on import and the service cannot start`,
        span: read.call,
        related: [{ span: project.service.span, message: `${project.service.name} is started here` }],
        target: `${read.name}@${project.service.name}`,
      });
    }
  },
});
