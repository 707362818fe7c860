import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../src/model/build.js';

/**
 * The unit parser and builder against the real `systemd-analyze verify` (Debian's systemd 252):
 * for each unit, the lines systemd ignores or refuses (missing '=', assignments outside a section,
 * unknown keys and sections, bad section headers) must be the ones we report, with systemd's own
 * wording, on the same line (systemd names the last line of a continued assignment). Skipped
 * locally without the binary; required in CI.
 */

const ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => spawnSync(p, ['--version']).status === 0);
const REQUIRED = Boolean(process.env.CI || process.env.AUDIT_DEPLOY_SYSTEMD_REQUIRED);
const MODELLED = /^(Missing '=', ignoring line\.|Missing key name before '=', ignoring line\.|Assignment outside of section\. Ignoring\.|Unknown key '.*' in section \[.*\], ignoring\.|Unknown section '.*'\. Ignoring\.|Invalid section header '.*'|Bad characters in section header '.*')$/;

const CORPUS: Record<string, Record<string, string>> = {
  comments: { 'comments.service': '# leading comment\n; another\n[Unit]\nDescription=a # not a comment ; still not\n[Service]\n  # indented comment\nExecStart=/bin/true\n' },
  continuations: {
    'continuations.service':
      '[Service]\nExecStart=/bin/true \\\n  --flag \\\n# a comment inside\n  value\nEnvironment=A=1 \\\n\nbroken line \\\n  continues\nUser=app\\\\\n',
  },
  'no-equals': { 'no-equals.service': '[Service]\nExecStart=/bin/true\nfoo\n=bar\n  = baz\n.include /etc/other.service\n' },
  'outside-section': { 'outside-section.service': 'User=app\nGroup=app\n[Service]\nExecStart=/bin/true\n' },
  'unknown-keys': {
    'unknown-keys.service': '[Unit]\nDescriptin=x\nRequires=a.service\n[Service]\nExecStart=/bin/true\nUsers=www-data\nrestart=always\nX-Custom=kept\nWantedBy=multi-user.target\n[Install]\nWantedBy=multi-user.target\nRequiredBy=\nAfter=x\n',
  },
  'unknown-sections': {
    'unknown-sections.service': '[Unit]\nDescription=x\n[service]\nUser=root\n[X-Extension]\nAnything=goes\n[Socket]\nListenStream=/run/x.sock\n[Service]\nExecStart=/bin/true\n[Instal]\nWantedBy=x\n',
  },
  'bad-header': { 'bad-header.service': '[Unit]\nDescription=x\nfoo\n[Service\nExecStart=/bin/true\n' },
  'bad-header-chars': { 'bad-header-chars.service': '[Unit]\nDescription=x\n[Ser"vice]\nExecStart=/bin/true\n' },
  'crlf-bom': { 'crlf-bom.service': '\uFEFF[Service]\r\nExecStart=/bin/true\r\nfoo\r\nUser =  app \r\n' },
  'socket-unit': { 'socket-unit.socket': '[Socket]\nListenStream=/run/a.sock\nListenStrem=/run/b.sock\n[Service]\nUser=x\n[Install]\nWantedBy=sockets.target\n' },
  'timer-unit': { 'timer-unit.timer': '[Timer]\nOnCalendar=daily\nPersistant=true\n[Install]\nWantedBy=timers.target\n' },
  'with-drop-in': {
    'with-drop-in.service': '[Service]\nExecStart=/bin/true\n',
    'with-drop-in.service.d/override.conf': '[Service]\nUsr=app\nnothing here\n[Servise]\nUser=app\n',
  },
};

const root = mkdtempSync(join(tmpdir(), 'sd-verify-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function verify(dir: string, unitFile: string): string[] {
  const r = spawnSync(ANALYZE!, ['verify', '--man=no', join(dir, unitFile)], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0', LANG: 'C.UTF-8' } });
  const out: string[] = [];
  for (const line of r.stderr.split('\n')) {
    const m = /^(\/\S+?):(\d+): (.*)$/.exec(line);
    if (!m || !MODELLED.test(m[3]!)) continue;
    out.push(`${m[1]!.slice(dir.length + 1)}:${m[2]} ${m[3]}`);
  }
  return out.sort();
}

describe.skipIf(!ANALYZE && !REQUIRED)('unit parser and builder agree with the real systemd-analyze verify', () => {
  it('systemd-analyze is installed (required in CI)', () => {
    expect(ANALYZE, 'systemd-analyze not found: install systemd (apt-get install systemd)').toBeDefined();
  });

  for (const [name, files] of Object.entries(CORPUS)) {
    it(name, async () => {
      const dir = join(root, name);
      for (const [p, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), text);
      }
      const unitFile = Object.keys(files).find((f) => !f.includes('/'))!;
      const model = await buildModel(dir);
      const unit = model.systemdUnits.find((u) => u.file === unitFile)!;
      // systemd stops reading a file at its first fatal error.
      const ours: string[] = [];
      const stopped = new Set<string>();
      for (const p of [...unit.problems].sort((a, b) => (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.start.offset - b.span.start.offset))) {
        if (stopped.has(p.span.file)) continue;
        ours.push(`${p.span.file}:${p.span.end.line} ${p.message}`);
        if (p.fatal) stopped.add(p.span.file);
      }
      const real = verify(dir, unitFile);
      expect(real.length + ours.length, 'the case must exercise something').toBeGreaterThan(name === 'comments' ? -1 : 0);
      expect(ours.sort()).toEqual(real);
    });
  }

  const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
  for (const fixture of readdirSync(FIXTURES).filter((f) => f.startsWith('sd-'))) {
    it(`fixture ${fixture}: every unit`, async () => {
      const dir = join(FIXTURES, fixture);
      const model = await buildModel(dir);
      expect(model.systemdUnits.length).toBeGreaterThan(0);
      for (const unit of model.systemdUnits) {
        const ours: string[] = [];
        for (const p of unit.problems) {
          ours.push(`${p.span.file}:${p.span.end.line} ${p.message}`);
          if (p.fatal) break;
        }
        expect(ours.sort(), unit.file).toEqual(verify(dir, unit.file));
      }
    });
  }
});
