import { defineRule } from '../../src/engine/rule.js';
import { isRootUser, servicesBuilding } from '../../src/model/containers/query.js';
import type { DockerStage } from '../../src/model/containers/types.js';
import { BEST_PRACTICES, DOCKERFILE_REF, production, targets } from './DKR0.common.js';

/** Base images that already run as an unprivileged user. */
const NON_ROOT_BASE = /nonroot|unprivileged|rootless|(?:^|\/)bitnami\/|chainguard|(?:^|\/)cgr\.dev\//i;
/** Official images whose entrypoint (or own USER) drops root before the service starts. */
const SELF_DROPPING = /^(?:(?:docker\.io\/)?(?:library\/)?)(?:postgres|postgis\/postgis|redis|mysql|mariadb|mongo|rabbitmq|memcached|nginx|httpd|haproxy|elasticsearch|opensearchproject\/opensearch|valkey\/valkey)$/;
/**
 * Base images on which the image is the team's own application: language runtimes and
 * distributions. Images derived from a third-party service (traefik, aws-cli ...) keep that
 * service's user model and are not judged.
 */
const APPLICATION_BASE = /^(?:library\/)?(?:python|pypy|node|ruby|golang|php|openjdk|eclipse-temurin|amazoncorretto|debian|ubuntu|alpine|fedora|centos|rockylinux|almalinux|amazonlinux|busybox|buildpack-deps|continuumio\/[\w-]+|condaforge\/[\w-]+|mambaorg\/micromamba|tiangolo\/[\w-]+|astral-sh\/uv|nikolaik\/python-nodejs|gcr\.io\/distroless\/[\w-]+)$/;
/** Commands that start the process as another user. */
const DROP_IN_COMMAND = /\b(?:gosu|su-exec|setpriv|runuser|chpst|s6-setuidgid|setuidgid)\b|(?:^|\s)(?:--user|-u|--uid)[=\s]+(?!root\b|0\b)\S+/;

function commandText(stage: DockerStage): string {
  return [stage.entrypoint, stage.cmd]
    .map((c) => (c ? (c.form === 'exec' ? (c.words ?? []).map((w) => w.value).join(' ') : c.text?.value ?? '') : ''))
    .join(' ');
}

export default defineRule({
  meta: {
    id: 'DKR002',
    name: 'ContainerRunsAsRoot',
    title: 'The production image runs as root',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "Looks at the stage that becomes the running image (the last one, or the compose `build.target`) and reports when its last USER is root, or when no USER is set there or in the stages it is built on. It stays silent when the base image already runs unprivileged (distroless `:nonroot`, `*-unprivileged`, Bitnami), when the official image's entrypoint drops root itself (postgres, redis, nginx ...), when the start command or its entrypoint script switches user (gosu, su-exec, setpriv, gunicorn `--user`), and when every compose service built from the file sets a non-root `user:`. Without any USER it judges only images of the team's own application: built on a language runtime or distribution (python, node, debian, alpine ...) or starting an application server; an image that adds a file to a third-party service image (traefik, aws-cli) keeps that service's user model. Only the final stage matters: builder stages may run as root.",
      whyIsThisBad:
        'A process running as root inside the container is root on the host as soon as it escapes: a kernel bug, a mounted Docker socket or a writable host path turns a remote code execution in a Django view into control of the machine. As root it can also rewrite the application code and install tools in the running container.',
      example: 'FROM python:3.12-slim\nCOPY . /app\nCMD ["gunicorn", "shop.wsgi"]',
      useInstead: 'FROM python:3.12-slim\nRUN useradd --create-home --uid 10001 app\nCOPY --chown=app . /app\nUSER app\nCMD ["gunicorn", "shop.wsgi"]',
    },
    fix: 'Create an unprivileged user (useradd/adduser with a fixed UID) and add `USER <name>` in the final stage after the steps that need root; give it ownership only of the paths it must write (media, a cache). Or run the container with a non-root `user:` in compose.',
    references: [`${DOCKERFILE_REF}#user`, `${BEST_PRACTICES}#user`, 'https://docs.docker.com/engine/security/#linux-kernel-capabilities'],
    tags: ['docker', 'security', 'least-privilege'],
  },
  scope: 'dockerfile',
  check(df, ctx, model) {
    if (!production(df, ctx)) return;
    const users = servicesBuilding(df, model.composeProjects ?? []);
    if (users.length > 0 && users.every((u) => u.service.user && !isRootUser(u.service.user.value))) {
      ctx.notApplicable('every compose service built from it sets a non-root user');
      return;
    }
    for (const stage of targets(df)) {
      if (stage.user) {
        if (isRootUser(stage.user.value) && !DROP_IN_COMMAND.test(commandText(stage)) && !stage.launchScripts.some((s) => s.dropsPrivileges)) {
          ctx.report({
            message: `the last USER of the image${stage.name ? ` (stage ${stage.name})` : ''} is ${stage.user.value}: the application runs as root in the container`,
            span: stage.user.span,
            target: `stage:${stage.index}`,
          });
        }
        continue;
      }
      // No USER anywhere in the chain: the base image decides.
      let root: DockerStage = stage;
      while (root.baseStage !== undefined && df.stages[root.baseStage]) root = df.stages[root.baseStage]!;
      if (root.scratch) continue;
      const image = root.image.resolved ?? root.image.written;
      if (root.image.unresolved.length > 0 && !root.image.resolved) continue;
      if (NON_ROOT_BASE.test(image)) continue;
      const repo = (root.image.repository ?? image).toLowerCase();
      if (SELF_DROPPING.test(repo) && !stage.entrypoint) continue;
      const startsServer = model.appServers.some((a) => a.origin === 'dockerfile' && a.file === df.file);
      if (!APPLICATION_BASE.test(repo) && !startsServer) continue;
      if (DROP_IN_COMMAND.test(commandText(stage)) || stage.launchScripts.some((s) => s.dropsPrivileges)) continue;
      ctx.report({
        message: `no USER in the image${stage.name ? ` (stage ${stage.name})` : ''} built on ${image}: the application runs as root in the container`,
        span: stage.from.instruction.span,
        target: `stage:${stage.index}`,
      });
    }
  },
});
