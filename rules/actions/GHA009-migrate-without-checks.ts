import { defineRule } from '../../src/engine/rule.js';
import type { Workflow, WorkflowJob } from '../../src/model/workflows/types.js';
import { MIGRATE, MIGRATION_CHECK, TEST_COMMAND, deploySignal, jobTests, judgedWorkflow, shellTexts, spanIn, stripComments } from './GHA0.common.js';

/** Every job a job needs, directly or through other jobs. */
function neededJobs(job: WorkflowJob, wf: Workflow): WorkflowJob[] {
  const out: WorkflowJob[] = [];
  const queue = job.needs.map((n) => n.id);
  const seen = new Set<string>();
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const j = wf.jobs.find((x) => x.id === id);
    if (!j) continue;
    out.push(j);
    queue.push(...j.needs.map((n) => n.id));
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'GHA009',
    name: 'MigrateWithoutChecks',
    title: 'A deploy job migrates the database without running tests or migration checks first',
    severity: 'medium',
    section: 'ci-cd',
    docs: {
      whatItDoes:
        "Reports `manage.py migrate` in a deploy job (run on the runner, in an ssh command or an ssh action's script) when nothing before it runs the tests or checks the migrations: no earlier step of the job runs pytest / manage.py test / tox / nox / make test or `makemigrations --check` / `migrate --check` / `migrate --plan`, and no job it needs (directly or transitively, reusable workflows included) does. Workflows started by `workflow_run` (after another workflow succeeded) and reusable workflows (their caller decides) are not judged.",
      whyIsThisBad:
        'Migrations are the one part of a deploy that cannot be rolled back by redeploying the previous image: a migration generated against another branch, a missing migration (models changed, makemigrations forgotten) or a broken data migration is applied to the production database before anyone sees a failing test, and the old code then runs against the new schema.',
      example: 'jobs:\n  deploy:\n    steps:\n      - run: ssh deploy@shop.example.com "cd /srv/shop && git pull && .venv/bin/python manage.py migrate"',
      useInstead: 'jobs:\n  test:\n    steps:\n      - run: python manage.py makemigrations --check --dry-run && pytest\n  deploy:\n    needs: test\n    environment: production\n    steps:\n      - run: ssh deploy@shop.example.com "cd /srv/shop && git pull && .venv/bin/python manage.py migrate"',
    },
    fix: 'Make the deploy job `needs:` the test job (which also runs `manage.py makemigrations --check --dry-run`), or run the tests and `manage.py migrate --plan` in the deploy job before migrating.',
    references: ['https://docs.djangoproject.com/en/stable/ref/django-admin/#cmdoption-makemigrations-check', 'https://docs.djangoproject.com/en/stable/ref/django-admin/#cmdoption-migrate-plan', 'https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idneeds'],
    tags: ['github-actions', 'django', 'database', 'deployment'],
  },
  scope: 'workflow',
  check(wf, ctx, model) {
    if (!judgedWorkflow(wf, ctx)) return;
    const events = new Set(wf.triggers.map((t) => t.event));
    if (events.has('workflow_run') || (events.size > 0 && [...events].every((e) => e === 'workflow_call'))) return;
    const workflows = model.workflows ?? [];
    for (const job of wf.jobs) {
      if (!deploySignal(job)) continue;
      let checked = neededJobs(job, wf).some((j) => jobTests(j, workflows));
      if (checked) continue;
      for (const step of job.steps) {
        for (const t of shellTexts(step)) {
          const script = stripComments(t.value);
          const m = MIGRATE.exec(script);
          // Tests or checks earlier in the same script count as having run before.
          const before = m ? script.slice(0, m.index) : script;
          if (TEST_COMMAND.test(before) || MIGRATION_CHECK.test(before)) checked = true;
          if (!m || checked) continue;
          ctx.report({
            message: `job ${job.id} applies migrations (${m[0]}) without running the tests or a migration check first, here or in a job it needs: a missing or broken migration reaches the production database`,
            span: spanIn(t, m.index, m.index + m[0].length),
            target: `${job.id}:migrate`,
          });
          checked = true;
        }
        if (checked) break;
      }
    }
  },
});
