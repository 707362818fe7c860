import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeSarifValidator } from './support/sarif-validator.js';

/**
 * action.yml: its shape, and its audit step's script run by bash the way the runner runs it
 * (inputs in the environment, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), against a copy of the
 * sample project in a git repository with a base commit to compare with.
 */
const REPO = resolve(import.meta.dirname, '..');

interface Step {
  name: string;
  id?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
}
const action = parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'audit-deploy-action-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

function runAuditStep(workspace: string, env: Record<string, string>) {
  const step = action.runs.steps.find((s) => s.id === 'audit')!;
  const output = join(tmp, `output-${Math.random().toString(36).slice(2)}`);
  const summary = join(tmp, `summary-${Math.random().toString(36).slice(2)}`);
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const r = spawnSync('bash', ['-e', '-c', step.run!], {
    cwd: workspace,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RUNNER_TEMP: tmp,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      AUDIT_BIN: join(REPO, 'bin', 'audit-deploy.js'),
      AUDIT_PATH: '.',
      MIN_SCORE: '',
      FAIL_ON: '',
      SARIF_FILE: 'audit-deploy.sarif',
      FAIL_ON_NEW: 'false',
      EXTRA_ARGS: '',
      BASE: '',
      ...env,
    },
  });
  const outputs = Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
  return { code: r.status, stderr: r.stderr, outputs, summary: readFileSync(summary, 'utf8') };
}

describe('action.yml', () => {
  it('is a composite action whose scripts never splice inputs into shell code', () => {
    expect(action.runs.using).toBe('composite');
    for (const step of action.runs.steps) {
      expect(step.shell, step.name).toBe('bash');
      expect(step.run ?? '', step.name).not.toMatch(/\$\{\{/);
    }
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['path', 'min-score', 'fail-on', 'sarif-file', 'diff-base', 'args']));
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(['score', 'status', 'sarif-file']));
  });

  it('audits, writes SARIF and the job summary with the change against the base, sets outputs and the exit status', () => {
    const ws = join(tmp, 'ws');
    cpSync(join(REPO, 'fixtures', 'sample-shop'), ws, { recursive: true });
    const git = (...a: string[]) => execFileSync('git', a, { cwd: ws, env: gitEnv, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const base = git('rev-parse', 'HEAD').trim();
    const prod = join(ws, 'shop/settings/production.py');
    writeFileSync(prod, readFileSync(prod, 'utf8').replace('SESSION_COOKIE_SECURE = True', 'SESSION_COOKIE_SECURE = False'));

    const r = runAuditStep(ws, { BASE: base, FAIL_ON_NEW: 'true', EXTRA_ARGS: '--color never' });
    expect(r.code, r.stderr).toBe(1);
    expect(r.outputs.status).toBe('NOT READY');
    expect(r.outputs.score).toMatch(/^\d+$/);
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.summary).toMatch(/## ❌ Deployment readiness: \d+% — NOT READY/);
    expect(r.summary).toContain(`**Against \`${base}\`:**`);
    expect(r.summary).toMatch(/newly failing \| `DJ010`/);
    const sarif = JSON.parse(readFileSync(join(ws, 'audit-deploy.sarif'), 'utf8'));
    const validate = makeSarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
  });

  it('passes when nothing new fails, and treats hostile input values as data', () => {
    const ws = join(tmp, 'ws2');
    cpSync(join(REPO, 'fixtures', 'dj-check-hardened-52'), ws, { recursive: true });
    const r = runAuditStep(ws, { EXTRA_ARGS: '--settings $(touch${IFS}pwned)', MIN_SCORE: '50' });
    // The option is passed verbatim and rejected as a module name: exit 2, and nothing ran.
    expect(r.code).toBe(2);
    expect(existsSync(join(ws, 'pwned'))).toBe(false);
    const ok = runAuditStep(ws, { MIN_SCORE: '50' });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.outputs.status).toBe('READY');
  });
});
