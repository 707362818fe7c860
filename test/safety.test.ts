import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import { formatJson } from '../src/report/json.js';
import { formatSarif } from '../src/report/sarif.js';
import { formatText } from '../src/report/text.js';
import { formatMarkdown } from '../src/report/markdown.js';
import { formatGithub } from '../src/report/github.js';
import { formatJunit } from '../src/report/junit.js';
import { isPlaceholderValue } from '../src/model/env/placeholder.js';

/**
 * Issue 7's promises that are about trust rather than findings: the audit never executes, imports
 * or connects on the repository's behalf; no fixture's secret reaches any output; the same input
 * gives byte-identical reports, and fingerprints survive lines inserted above.
 */
const REPO = resolve(import.meta.dirname, '..');
const FIXTURES = join(REPO, 'fixtures');
const CLI = join(REPO, 'bin', 'audit-deploy.js');
const PRELOAD = join(REPO, 'test', 'support', 'sandbox-preload.mjs');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'audit-deploy-safety-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const fixtures = readdirSync(FIXTURES).filter((n) => statSync(join(FIXTURES, n)).isDirectory()).sort();

describe('never execute', () => {
  /** A repository whose every executable file, if run, imported or required, leaves a mark. */
  function trapRepo(): string {
    const dir = join(tmp, 'trap');
    cpSync(join(FIXTURES, 'sample-shop'), dir, { recursive: true });
    const mark = (name: string) => join(dir, `PWNED-${name}`);
    const py = (name: string) => `import pathlib\npathlib.Path(${JSON.stringify(mark(name))}).write_text("ran")\n`;
    writeFileSync(join(dir, 'shop', 'settings', 'production.py'), py('settings') + readFileSync(join(dir, 'shop', 'settings', 'production.py'), 'utf8'));
    writeFileSync(join(dir, 'gunicorn.conf.py'), py('gunicorn') + 'bind = "127.0.0.1:8000"\n');
    writeFileSync(join(dir, 'manage.py'), py('manage') + readFileSync(join(dir, 'manage.py'), 'utf8'));
    const js = (name: string) => `require('fs').writeFileSync(${JSON.stringify(mark(name))}, 'ran');\n`;
    writeFileSync(join(dir, 'ecosystem.config.js'), js('pm2') + `module.exports = { apps: [{ name: 'web', script: 'server.js', watch: true }] };\n`);
    writeFileSync(join(dir, 'ecosystem.config.mjs'), `import fs from 'node:fs';\nfs.writeFileSync(${JSON.stringify(mark('pm2-esm'))}, 'ran');\nexport default { apps: [] };\n`);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'trap', scripts: { prepare: `node -e "require('fs').writeFileSync('${mark('npm')}','x')"` } }));
    mkdirSync(join(dir, 'scripts'));
    writeFileSync(join(dir, 'scripts', 'deploy.sh'), `#!/bin/sh\ntouch ${mark('shell')}\n`);
    writeFileSync(join(dir, 'Dockerfile'), `FROM python:3.12-slim\nRUN touch ${mark('docker')}\n`);
    writeFileSync(join(dir, '.github-workflow.yml'), `on: push\njobs: {a: {runs-on: x, steps: [{run: "touch ${mark('gha')}"}]}}\n`);
    return dir;
  }

  it('starts no process, opens no connection, loads no file of the repository (sandboxed real CLI run)', () => {
    const dir = trapRepo();
    for (const format of ['text', 'json', 'sarif', 'markdown', 'github', 'junit']) {
      const r = spawnSync(process.execPath, ['--import', PRELOAD, CLI, dir, '--format', format], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, SANDBOX_TARGET: dir, NO_COLOR: '1' } });
      expect(r.stderr, format).not.toContain('SANDBOX VIOLATIONS');
      expect(r.stderr, format).not.toContain('sandbox:');
      expect([0, 1], `${format}: ${r.stderr}`).toContain(r.status);
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('PWNED'))).toEqual([]);
  });

  it('the sandbox itself catches a violation (so its silence means something)', () => {
    const r = spawnSync(process.execPath, ['--import', PRELOAD, '-e', "try { require('child_process').execSync('true') } catch {}"], { encoding: 'utf8', env: { ...process.env, SANDBOX_TARGET: tmp } });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('child_process.execSync(true)');
  });
});

/**
 * Values in the fixtures that are secrets: assignments and env lines whose name says secret and
 * whose value is long enough and not a placeholder. Read straight from the fixture files, so the
 * check does not depend on what the audit itself believes is secret.
 */
function fixtureSecrets(dir: string): string[] {
  const out = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && statSync(full).size < 1_000_000) {
        const text = readFileSync(full, 'utf8');
        const re = /\b[A-Z0-9_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY)[A-Z0-9_]*\b["']?\s*[:=]\s*["']?([^\s"'#,;}]{8,})/g;
        for (const m of text.matchAll(re)) {
          const v = m[1]!;
          // A plain short word (postgres, password) also names images, users and services: not a usable probe.
          if (/^[a-z]+$/i.test(v) && v.length < 12) continue;
          if (isPlaceholderValue(v) || /^\$|^\{|\(|^env\b|^os\.|^config\b|^get_|^\w+\.\w+\(/.test(v) || /^(?:True|False|None)$/.test(v)) continue;
          out.add(v);
        }
        for (const m of text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@"']+:([^@\s"'/]{6,})@/g)) {
          if (!isPlaceholderValue(m[1]!) && !m[1]!.startsWith('$') && !(/^[a-z]+$/i.test(m[1]!) && m[1]!.length < 12)) out.add(m[1]!);
        }
      }
    }
  };
  walk(dir);
  return [...out];
}

describe('never leak', () => {
  it('no fixture secret appears in any output format', async () => {
    const leaks: string[] = [];
    let checked = 0;
    for (const fixture of fixtures) {
      const dir = join(FIXTURES, fixture);
      const secrets = fixtureSecrets(dir);
      if (secrets.length === 0) continue;
      const result = await runAudit({ root: dir });
      const opts = { secrets: result.secrets, color: false };
      const outputs = {
        text: formatText(result, opts),
        json: formatJson(result, opts),
        sarif: formatSarif(result, opts),
        markdown: formatMarkdown(result, opts),
        github: formatGithub(result, opts),
        junit: formatJunit(result, opts),
      };
      for (const secret of secrets) {
        checked++;
        for (const [format, text] of Object.entries(outputs)) if (text.includes(secret)) leaks.push(`${fixture}: ${format} shows ${secret.slice(0, 3)}…`);
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
  });
});

describe('deterministic', () => {
  it('byte-identical JSON and SARIF for the same input, every fixture', async () => {
    for (const fixture of fixtures) {
      const dir = join(FIXTURES, fixture);
      const [a, b] = [await runAudit({ root: dir }), await runAudit({ root: dir })];
      expect(formatJson(a, { secrets: a.secrets }), fixture).toBe(formatJson(b, { secrets: b.secrets }));
      expect(formatSarif(a, { secrets: a.secrets }), fixture).toBe(formatSarif(b, { secrets: b.secrets }));
    }
  });

  it('fingerprints do not change when lines are inserted above', async () => {
    for (const fixture of fixtures) {
      const dir = join(tmp, `shift-${fixture}`);
      cpSync(join(FIXTURES, fixture), dir, { recursive: true });
      const before = await runAudit({ root: dir });
      // A comment line at the top of every file whose syntax has line comments starting with '#'.
      const touched = new Set<string>();
      for (const f of before.findings) {
        const file = join(dir, f.span.file);
        if (touched.has(file) || !existsSync(file) || /\.(json|service|socket|timer|ini)$|Procfile/.test(file)) continue;
        const text = readFileSync(file, 'utf8');
        if (text.startsWith('#!')) continue;
        const comment = /\.(?:c|m)?[jt]s$/.test(file) ? '//' : '#';
        writeFileSync(file, `${comment} moved down\n\n${text}`);
        touched.add(file);
      }
      const after = await runAudit({ root: dir });
      const prints = (r: typeof before) => r.findings.filter((f) => touched.has(join(dir, f.span.file))).map((f) => f.fingerprint).sort();
      expect(prints(after), fixture).toEqual(prints(before));
    }
  });
});
