import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import { buildModel } from '../src/model/build.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'audit-deploy-gha-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function hits(workflows: Record<string, string>, prefix = 'GHA'): Promise<string[]> {
  const files = Object.fromEntries(Object.entries(workflows).map(([k, v]) => [`.github/workflows/${k}`, v]));
  const r = await runAudit({ root: repo(files) });
  return r.findings.filter((f) => f.ruleId.startsWith(prefix)).map((f) => `${f.ruleId}@${f.span.file.replace('.github/workflows/', '')}:${f.span.start.line}`).sort();
}

const job = (steps: string, extra = '') => `permissions: {contents: read}\njobs:\n  j:\n    runs-on: ubuntu-latest\n${extra}    steps:\n${steps}`;

describe('GitHub Actions model', () => {
  it('reads triggers in string, list and map forms, permissions, needs, environment and uses refs', async () => {
    const m = await buildModel(
      repo({
        '.github/workflows/a.yml': 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps: [{run: pytest}]\n',
        '.github/workflows/b.yaml': 'on: [push, pull_request]\npermissions: read-all\njobs:\n  d:\n    needs: [t, u]\n    environment: {name: production, url: "https://x"}\n    permissions: {contents: read, id-token: write}\n    uses: org/shared/.github/workflows/deploy.yml@main\n    secrets: inherit\n',
        '.github/workflows/c.yml': 'on:\n  pull_request_target:\n    types: [opened]\n  workflow_dispatch:\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker://alpine:3.20\n      - uses: ./.github/actions/setup\n      - uses: aws-actions/configure-aws-credentials/sub@0123456789abcdef0123456789abcdef01234567\n',
      }),
    );
    const [a, b, c] = m.workflows!;
    expect(a!.triggers.map((t) => t.event)).toEqual(['push']);
    expect(a!.jobs[0]!.steps[0]!.run?.value).toBe('pytest');
    expect(b!.triggers.map((t) => t.event)).toEqual(['push', 'pull_request']);
    expect(b!.permissions?.kind).toBe('read-all');
    const d = b!.jobs[0]!;
    expect(d.needs.map((n) => n.id)).toEqual(['t', 'u']);
    expect(d.environment?.name).toBe('production');
    expect(d.permissions?.scopes.get('id-token')?.value).toBe('write');
    expect(d.uses).toMatchObject({ kind: 'reusable', owner: 'org', repo: 'shared', ref: 'main' });
    expect(d.secretsInherit?.start.line).toBe(9);
    expect(c!.triggers.map((t) => t.event)).toEqual(['pull_request_target', 'workflow_dispatch']);
    expect(c!.jobs[0]!.steps.map((s) => [s.uses?.kind, s.uses?.owner, s.uses?.path, s.uses?.ref])).toEqual([
      ['action', 'actions', undefined, 'v4'],
      ['docker', undefined, undefined, undefined],
      ['local', undefined, undefined, undefined],
      ['action', 'aws-actions', 'sub', '0123456789abcdef0123456789abcdef01234567'],
    ]);
  });
});

describe('GHA rules: precision edges', () => {
  it('script injection only for contexts the triggers deliver; numbers and env-passed values are safe', async () => {
    const run = (on: string, expr: string) => `on: ${on}\n${job(`      - run: echo "${expr}"\n`)}`;
    expect(await hits({ 'w.yml': run('push', '${{ github.event.issue.title }}') }, 'GHA003')).toEqual([]);
    expect(await hits({ 'w.yml': run('issues', '${{ github.event.issue.title }}') }, 'GHA003')).toEqual(['GHA003@w.yml:7']);
    expect(await hits({ 'w.yml': run('workflow_call', '${{ github.event.issue.body }}') }, 'GHA003')).toEqual(['GHA003@w.yml:7']);
    expect(await hits({ 'w.yml': run('push', '${{ github.event.head_commit.message }}') }, 'GHA003')).toEqual(['GHA003@w.yml:7']);
    expect(await hits({ 'w.yml': run('pull_request', '${{ github.event.pull_request.number }} ${{ github.sha }}') }, 'GHA003')).toEqual([]);
    expect(await hits({ 'w.yml': run('pull_request', "${{ format('{0}', 'github.head_ref') }}") }, 'GHA003')).toEqual([]);
    expect(await hits({ 'w.yml': run('pull_request', '${{ toJSON(github.event.pull_request.title) }}') }, 'GHA003')).toEqual(['GHA003@w.yml:7']);
  });

  it('secrets to the log: piped, redirected and masked uses are silent', async () => {
    const steps = (script: string, env = '') => `on: push\n${job(`      - ${env}run: |\n          ${script.split('\n').join('\n          ')}\n`)}`;
    expect(await hits({ 'w.yml': steps('echo "${{ secrets.TOKEN }}" | docker login -u x --password-stdin') }, 'GHA006')).toEqual([]);
    expect(await hits({ 'w.yml': steps('echo "${{ secrets.KEY }}" > key.pem && chmod 600 key.pem') }, 'GHA006')).toEqual([]);
    expect(await hits({ 'w.yml': steps('printf "%s" "${{ secrets.KEY }}" | base64 -d >> ~/.ssh/id_ed25519') }, 'GHA006')).toEqual([]);
    expect(await hits({ 'w.yml': steps('curl -H "Authorization: ${{ secrets.TOKEN }}" https://api.example.com') }, 'GHA006')).toEqual([]);
    expect(await hits({ 'w.yml': steps('echo "token=$TOKEN"', 'env: {TOKEN: "${{ secrets.T }}"}\n        ') }, 'GHA006')).toEqual(['GHA006@w.yml:9']);
    expect(await hits({ 'w.yml': steps('set -x\nmake deploy', 'env: {TOKEN: "${{ secrets.T }}"}\n        ') }, 'GHA006')).toEqual(['GHA006@w.yml:9']);
    expect(await hits({ 'w.yml': steps('set -x\nmake build') }, 'GHA006')).toEqual([]);
  });

  it('host key checking: accept-new and a fingerprinted appleboy action are silent; the ssh_config form fires', async () => {
    const run = (script: string) => `on: push\n${job(`      - run: ${script}\n`)}`;
    expect(await hits({ 'w.yml': run('ssh -o StrictHostKeyChecking=accept-new deploy@host true') }, 'GHA002')).toEqual([]);
    expect(await hits({ 'w.yml': run('printf "Host *\\n  StrictHostKeyChecking no\\n" >> ~/.ssh/config') }, 'GHA002')).toEqual(['GHA002@w.yml:7']);
    expect(await hits({ 'w.yml': run('git push', ) + '        env: {GIT_SSH_COMMAND: "ssh -o UserKnownHostsFile=/dev/null"}\n' }, 'GHA002')).toEqual(['GHA002@w.yml:8']);
    const apple = (w: string) => `on: push\n${job(`      - uses: appleboy/ssh-action@v1\n        with:\n          host: h\n${w}`)}`;
    expect(await hits({ 'w.yml': apple('          fingerprint: ${{ secrets.HOST_FINGERPRINT }}\n') }, 'GHA002')).toEqual([]);
    expect(await hits({ 'w.yml': apple('') }, 'GHA002')).toEqual(['GHA002@w.yml:7']);
  });

  it('permissions: reusable workflows are left to the caller; partial job permissions name the jobs without', async () => {
    expect(await hits({ 'w.yml': 'on: workflow_call\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n' }, 'GHA004')).toEqual([]);
    expect(
      await hits({ 'w.yml': 'on: push\njobs:\n  a:\n    permissions: {contents: read}\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n  b:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n' }, 'GHA004'),
    ).toEqual(['GHA004@w.yml:7']);
    expect(await hits({ 'w.yml': 'on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n' }, 'GHA004')).toEqual(['GHA004@w.yml:2']);
  });

  it('pinning: SHAs, GitHub-owned, local and docker actions are silent; remote reusable workflows on a branch fire', async () => {
    const steps = `      - uses: actions/cache@v4\n      - uses: github/codeql-action/upload-sarif@v3\n      - uses: ./local-action\n      - uses: docker://alpine:3.20\n      - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc\n      - uses: pypa/gh-action-pypi-publish@release/v1\n`;
    expect(await hits({ 'w.yml': `on: push\n${job(steps)}` }, 'GHA008')).toEqual(['GHA008@w.yml:12']);
    expect(await hits({ 'w.yml': 'on: push\npermissions: {}\njobs:\n  call:\n    uses: org/pipelines/.github/workflows/deploy.yml@main\n' }, 'GHA008')).toEqual(['GHA008@w.yml:5']);
  });

  it('pull_request_target: checkout of the PR head fires, the same under pull_request does not', async () => {
    const wf = (on: string) => `on: ${on}\n${job(`      - uses: actions/checkout@v4\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n      - run: gh pr checkout \${{ github.event.number }}\n`)}`;
    expect(await hits({ 'w.yml': wf('pull_request') }, 'GHA005')).toEqual([]);
    expect(await hits({ 'w.yml': wf('pull_request_target') }, 'GHA005')).toEqual(['GHA005@w.yml:10', 'GHA005@w.yml:9']);
  });

  it('deploy jobs: environment, docker push outside a deploy job, and migration checks through needs', async () => {
    const deploy = 'ssh deploy@shop.example.com "cd /srv/shop && .venv/bin/python manage.py migrate"';
    expect(await hits({ 'w.yml': `on: push\n${job(`      - run: docker push ghcr.io/x/y:1\n`)}` }, 'GHA007')).toEqual([]);
    expect(await hits({ 'w.yml': `on: push\n${job(`      - run: ${deploy}\n`, '    environment: production\n')}` }, 'GHA007')).toEqual([]);
    const twoJobs = (testSteps: string, needs: string) =>
      `on: push\npermissions: {contents: read}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n${testSteps}  deploy:\n${needs}    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - run: ${deploy}\n`;
    expect(await hits({ 'w.yml': twoJobs('      - run: pytest\n', '    needs: test\n') }, 'GHA009')).toEqual([]);
    expect(await hits({ 'w.yml': twoJobs('      - run: pytest\n', '') }, 'GHA009')).toEqual(['GHA009@w.yml:12']);
    expect(await hits({ 'w.yml': twoJobs('      - run: ruff check .\n', '    needs: test\n') }, 'GHA009')).toEqual(['GHA009@w.yml:13']);
    expect(
      await hits(
        {
          'w.yml': 'on: push\npermissions: {contents: read}\njobs:\n  test:\n    uses: ./.github/workflows/tests.yml\n  deploy:\n    needs: test\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - run: ' + deploy + '\n',
          'tests.yml': 'on: workflow_call\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python manage.py makemigrations --check --dry-run\n',
        },
        'GHA009',
      ),
    ).toEqual([]);
    expect(await hits({ 'w.yml': `on: {workflow_run: {workflows: [CI], types: [completed]}}\n${job(`      - run: ${deploy}\n`, '    environment: production\n')}` }, 'GHA009')).toEqual([]);
  });

  it('an invalid workflow gets only GHA001; a file without on: or jobs: is invalid', async () => {
    expect(await hits({ 'w.yml': 'on: push\njobs:\n  a:\n    steps:\n      - run: ssh -o StrictHostKeyChecking=no h\n       - run: x\n' })).toEqual(['GHA001@w.yml:6']);
    expect(await hits({ 'w.yml': 'name: nothing\njobs: {}\n' })).toEqual(['GHA001@w.yml:1']);
    expect(await hits({ 'w.yml': '' })).toEqual(['GHA001@w.yml:1']);
  });
});

describe('GHA005: same-repository guard', () => {
  it('a job limited to pull requests from the repository itself is not reported', async () => {
    const wf = (cond: string) =>
      `on: pull_request_target\npermissions: {contents: read}\njobs:\n  j:\n    if: ${cond}\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n`;
    expect(await hits({ 'w.yml': wf('github.event.pull_request.head.repo.full_name == github.repository') }, 'GHA005')).toEqual([]);
    expect(await hits({ 'w.yml': wf("contains(github.event.pull_request.labels.*.name, 'safe')") }, 'GHA005')).toEqual(['GHA005@w.yml:10']);
  });
});
