import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * This repository's .pre-commit-hooks.yaml, run by the real pre-commit (Debian's package) in a
 * temporary git repository: pre-commit clones this repository at HEAD, installs it with the system
 * Node (npm install, npm pack, npm install -g: our prepare build must keep npm pack's output clean)
 * and runs the hooks. Committed work only: the hooks are installed from HEAD.
 *
 * Needs `pre-commit` on PATH and the npm registry; CI sets AUDIT_DEPLOY_PRECOMMIT_REQUIRED=1 so a
 * missing pre-commit fails instead of skipping.
 */
const REPO = resolve(import.meta.dirname, '..');
const have = spawnSync('pre-commit', ['--version']).status === 0;
const required = Boolean(process.env.AUDIT_DEPLOY_PRECOMMIT_REQUIRED);

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: gitEnv });

let tmp: string;
let home: string;

function project(fixture: string): string {
  const dir = mkdtempSync(join(tmp, 'proj-'));
  cpSync(join(REPO, 'fixtures', fixture), dir, { recursive: true });
  const head = git(REPO, 'rev-parse', 'HEAD').trim();
  writeFileSync(
    join(dir, '.pre-commit-config.yaml'),
    `repos:\n  - repo: ${REPO}\n    rev: ${head}\n    hooks:\n      - id: audit-deploy\n      - id: audit-deploy-readiness\n`,
  );
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'init');
  return dir;
}

function preCommit(cwd: string, ...args: string[]) {
  const r = spawnSync('pre-commit', ['run', '--color', 'never', ...args], { cwd, encoding: 'utf8', env: { ...gitEnv, PRE_COMMIT_HOME: home }, timeout: 600_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!have && !required)('pre-commit hooks (real pre-commit)', () => {
  beforeAll(() => {
    if (!have) throw new Error('pre-commit is required (AUDIT_DEPLOY_PRECOMMIT_REQUIRED) but not installed');
    tmp = mkdtempSync(join(tmpdir(), 'audit-deploy-precommit-'));
    home = join(tmp, 'pre-commit-home');
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the fast hook fails on findings in the committed deployment files and names them', { timeout: 600_000 }, () => {
    const dir = project('sample-shop');
    const r = preCommit(dir, 'audit-deploy', '--all-files');
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('shop/settings/production.py:6:1');
    expect(r.out).toContain('DJ016');
  });

  it('the fast hook skips a commit that touches no deployment file', { timeout: 600_000 }, () => {
    const dir = project('sample-shop');
    writeFileSync(join(dir, 'NOTES.md'), 'release notes\n');
    git(dir, 'add', 'NOTES.md');
    const r = preCommit(dir, 'audit-deploy');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/audit-deploy \(deployment files changed in this commit\)\.+\(no files to check\)Skipped/);
  });

  it('the fast hook passes a staged deployment file without findings', { timeout: 600_000 }, () => {
    const dir = project('sample-shop');
    appendFileSync(join(dir, 'requirements.txt'), 'whitenoise==6.8.2\n');
    git(dir, 'add', 'requirements.txt');
    const r = preCommit(dir, 'audit-deploy');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Passed/);
  });

  it('the readiness hook runs once on the whole repository and gates on the threshold', { timeout: 600_000 }, () => {
    const notReady = preCommit(project('sample-shop'), 'audit-deploy-readiness', '--hook-stage', 'manual', '--all-files');
    expect(notReady.code, notReady.out).toBe(1);
    expect(notReady.out).toMatch(/Readiness: \d+% — NOT READY/);
    const ready = preCommit(project('dj-check-hardened-52'), 'audit-deploy-readiness', '--hook-stage', 'manual', '--all-files');
    expect(ready.code, ready.out).toBe(0);
  });
});
