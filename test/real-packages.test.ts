import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import type { Finding } from '../src/core/finding.js';

/**
 * Real deployments, audited as repositories: the files of Debian bookworm packages that ship Django
 * applications (test/real-packages/fetch.sh unpacks them under .cache/real-packages/). Each case is a
 * false alarm these packages showed, fixed since, and checked here on the package itself; the fixtures
 * and unit tests hold the small reproductions. With AUDIT_DEPLOY_REAL_PACKAGES_REQUIRED (CI) a missing
 * package fails the test; otherwise the cases skip.
 */
const CACHE = resolve(import.meta.dirname, '..', '.cache', 'real-packages');
const REQUIRED = !!process.env.AUDIT_DEPLOY_REAL_PACKAGES_REQUIRED;

type Audit = Awaited<ReturnType<typeof runAudit>>;
const audits = new Map<string, Promise<Audit>>();

function audit(pkg: string): Promise<Audit> {
  let a = audits.get(pkg);
  if (!a) {
    a = runAudit({ root: join(CACHE, pkg) });
    audits.set(pkg, a);
  }
  return a;
}

const status = (r: Audit, id: string) => r.readiness.items.find((i) => i.id === id)?.status;
const where = (f: Finding) => `${f.ruleId} ${f.span.file}:${f.span.start.line}`;

function packageCase(pkg: string, name: string, check: (r: Audit) => void): void {
  const present = existsSync(join(CACHE, pkg));
  if (!present && REQUIRED) {
    it(`${pkg}: ${name}`, () => {
      throw new Error(`${join(CACHE, pkg)} is missing: run test/real-packages/fetch.sh`);
    });
    return;
  }
  it.skipIf(!present)(`${pkg}: ${name}`, async () => check(await audit(pkg)));
}

describe('Debian packages of Django applications', () => {
  packageCase('lava-server', 'its Apache site is not read as nginx, and the f-string templates of postinst.py are no secrets', (r) => {
    expect(r.findings.filter((f) => f.ruleId.startsWith('NGX')).map(where)).toEqual([]);
    expect(r.notices.some((n) => n.file === 'etc/apache2/sites-available/lava-server.conf' && n.message.includes('Apache'))).toBe(true);
    expect(r.findings.filter((f) => f.ruleId === 'SEC003' && f.span.file.endsWith('postinst.py')).map(where)).toEqual([]);
  });

  packageCase('wims-lti', 'mod_wsgi serves it (DJ127 passes), and its config.py, made from config.py_dpkg_dist at install, may set DEBUG', (r) => {
    expect(status(r, 'DJ127')).toBe('pass');
    expect(status(r, 'DJ018')).toBe('unknown');
    expect(r.findings.filter((f) => f.ruleId.startsWith('NGX')).map(where)).toEqual([]);
  });

  packageCase('mailman3-web', 'settings_local.py links to /etc: the settings it may override are unknown, not failed', (r) => {
    expect(status(r, 'DJ009')).toBe('unknown');
    expect(status(r, 'DJ018')).toBe('unknown');
  });

  packageCase('graphite-web', 'MIDDLEWARE is one of two known lists: no CorsMiddleware in either, so DJ122 is not unknown', (r) => {
    expect(status(r, 'DJ122')).not.toBe('unknown');
    expect(status(r, 'DJ121')).toBe('unknown');
  });

  packageCase('omnidb-common', 'an editor mode named dockerfile.js is no Dockerfile', (r) => {
    expect(r.findings.filter((f) => f.ruleId.startsWith('DKR')).map(where)).toEqual([]);
  });

  packageCase('freedombox', 'Avahi service definitions are no systemd units', (r) => {
    expect(r.findings.filter((f) => f.span.file.startsWith('etc/avahi/')).map(where)).toEqual([]);
  });

  packageCase('python3-django-hyperkitty', 'test and documentation settings are not production', (r) => {
    expect(r.projects.map((p) => p.settingsFile)).toEqual([]);
  });

  packageCase('python3-django-horizon', 'test settings and a helper module named settings.py are not production', (r) => {
    expect(r.projects.map((p) => p.settingsFile).filter((f) => /\/tests?\/|utils\/settings\.py$/.test(f))).toEqual([]);
  });

  packageCase('nginx-common', "nginx's stock fastcgi.conf passes $document_uri as a FastCGI parameter: no header splitting there", (r) => {
    expect(r.findings.filter((f) => f.ruleId === 'NGX037').map(where)).toEqual([]);
  });

  for (const pkg of ['ara-server', 'dicoweb', 'autoradio']) {
    packageCase(pkg, 'every finding points at a file of the package', (r) => {
      for (const f of r.findings) expect(existsSync(join(CACHE, pkg, f.span.file)), where(f)).toBe(true);
    });
  }
});
