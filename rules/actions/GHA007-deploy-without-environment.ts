import { defineRule } from '../../src/engine/rule.js';
import { GH_DOCS, deploySignal, judgedWorkflow } from './GHA0.common.js';

export default defineRule({
  meta: {
    id: 'GHA007',
    name: 'DeployWithoutEnvironment',
    title: 'A deploy job runs without a GitHub environment',
    severity: 'medium',
    section: 'ci-cd',
    docs: {
      whatItDoes:
        "Reports a job that deploys without `environment:`. A job deploys when a step connects to a host (ssh, scp/rsync to user@host, appleboy/ssh-action ...), applies to a cluster (kubectl apply/set image/rollout, helm upgrade), or runs a platform's deploy (fly deploy, heroku, eb deploy, aws ecs update-service, gcloud run deploy, az webapp, ansible-playbook, terraform apply, kamal ...); `docker push` counts only in a job named deploy/release/publish/production. Jobs that call a reusable workflow are left to that workflow.",
      whyIsThisBad:
        'Without an environment the production credentials are plain repository secrets, readable by any workflow on any branch (a pushed feature branch can deploy or exfiltrate them), nothing can require an approval or restrict deploys to the main branch, and GitHub keeps no deployment history to tell what runs in production and roll back to.',
      example: 'jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ssh deploy@shop.example.com ./deploy.sh',
      useInstead: 'jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment:\n      name: production\n      url: https://shop.example.com\n    steps:\n      - run: ssh deploy@shop.example.com ./deploy.sh',
    },
    fix: 'Create a `production` environment (Settings > Environments) with required reviewers and a deployment branch rule, move the deploy secrets into it, and add `environment: production` to the job.',
    references: [`${GH_DOCS}/deployment/targeting-different-environments/managing-environments-for-deployment`, `${GH_DOCS}/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idenvironment`],
    tags: ['github-actions', 'security', 'deployment'],
  },
  scope: 'workflow',
  check(wf, ctx) {
    if (!judgedWorkflow(wf, ctx)) return;
    for (const job of wf.jobs) {
      if (job.environment || job.uses) continue;
      const signal = deploySignal(job);
      if (!signal) continue;
      ctx.report({
        message: `job ${job.id} deploys (${signal.what}) without an environment: its secrets are available to every branch and no approval or branch rule guards production`,
        span: job.idSpan,
        related: [{ span: signal.span, message: 'the deploy step' }],
        target: `${job.id}`,
      });
    }
  },
});
