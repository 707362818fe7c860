import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import { boundedShape, untrustedRegExp } from '../src/core/untrusted-regex.js';

/**
 * Regexes from the audited repository (src/core/untrusted-regex.ts): whatever a stranger writes in
 * nginx.conf or urls.py, running it on the tool's probes finishes at once, and a pattern a real
 * repository uses matches exactly as JavaScript's own engine matches it.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Each takes more than a minute on a 40-character string with the backtracking engine alone. */
const HOSTILE = ['((.|.)*)*z', '(((.*)*)*)*z', '(.*.*.*.*.*.*.*.*.*.*)*z', '((a|.)*|(.|a)*)*z', '(.?){30}.{30}z', '^(/|[a-z]+/?)*$', '(?=/)((.|.)*)*z', '(?!x)(.*)*z', '(\\w+)*\\1z', '(?<=/)(a|aa)+$', '(?=/)a*a*a*a*a*z'];
const INPUTS = ['/admin/login/?next=/accounts/profile/', '/' + 'a'.repeat(2000), 'https://attacker-origin.invalid', 'a'.repeat(5000) + '!'];

/** Patterns repositories do use: nginx locations, re_path() routes, CORS origins (lookarounds and back-references included). */
const REAL = [
  '^/(static|media)/', '\\.(?:css|js|png|jpe?g|gif|ico|svg|woff2?)$', '^/api/v[0-9]+/', '/\\.(?!well-known)', '^/(?!static/|media/).*\\.php$',
  '^(?<app>[a-z_]+)/(?<pk>[0-9]+)/$', '^articles/(?P<year>[0-9]{4})/$'.replace('(?P<', '(?<'), '^https://(\\w+\\.)?example\\.com$', '^(?:www\\.)?example\\.(?:com|org)$',
  '(["\'])(.*?)\\1', '^/~(?<user>[^/]+)(?<path>/.*)?$', '\\.(?<!min\\.)js$', '^/(?:[a-z]{2}(?:-[a-z]{2})?/)?admin/', '^.*$', '',
];

describe('untrustedRegExp: a stranger\'s regex cannot hang the audit', () => {
  it('every hostile pattern is refused or runs in linear time, on long inputs too', () => {
    for (const source of HOSTILE) {
      const re = untrustedRegExp(source);
      if (!re) continue;
      for (const s of INPUTS) {
        const t0 = performance.now();
        re.test(s);
        expect(performance.now() - t0, `${source} on ${s.slice(0, 20)}... (${s.length})`).toBeLessThan(500);
      }
    }
  });

  it('V8\'s linear engine runs what it supports (the launcher and test set-up enable it)', () => {
    expect(untrustedRegExp('((.|.)*)*z')!.flags).toContain('l');
    expect(untrustedRegExp('^/(static|media)/', 's')!.flags).toBe('ls');
    // V8 11's linear engine has no case-insensitive mode: nginx's ~* patterns are judged by their shape.
    expect(untrustedRegExp('^/(static|media)/', 'i')!.flags).toBe('i');
    expect(untrustedRegExp('((.|.)*)*z', 'i')).toBeUndefined();
    // Lookarounds and back-references are the backtracking engine's, when their shape is bounded.
    expect(untrustedRegExp('^/(?!static/).*\\.php$')!.flags).toBe('');
    expect(untrustedRegExp('(?=/)((.|.)*)*z')).toBeUndefined();
    expect(untrustedRegExp('(unclosed')).toBeUndefined();
  });

  it('the shape test: repeated groups holding a quantifier or an alternation, and more than three unbounded quantifiers, are refused', () => {
    for (const s of ['(a+)+', '(a|a)*', '(.?){30}', '(?:x(a|b))*', '((a)*)+', '(a*){2,}', '(?=x)a*b*c*d*e', '(a(b(c)*))*']) expect(boundedShape(s), s).toBe(false);
    for (const s of ['^/(?!static/).*\\.php$', '(a+)?', '(a|b)', '(ab)*', '(a+){1}', '[(a+)+]*', '\\(a+\\)+', 'a{2,5}b+c*', '(?<name>[^/]+)/(?<rest>.*)', '(["\'])(.*?)\\1', 'x{,5}', '(?=x)a*b*c*']) expect(boundedShape(s), s).toBe(true);
  });

  it('patterns repositories use match exactly as JavaScript\'s own engine does', () => {
    const alphabet = fc.constantFrom('/', 'a', 'b', 'z', '.', '-', '_', '0', '9', 'static', 'media', 'admin', 'api', 'v1', '.php', '.js', 'min.', 'https://', 'www.', 'example', '.com', '.org', '"', "'", '~', 'well-known', 'articles', '2024');
    for (const source of REAL) {
      const ours = untrustedRegExp(source)!;
      expect(ours, source).toBeDefined();
      const plain = new RegExp(source);
      fc.assert(
        fc.property(fc.array(alphabet, { maxLength: 12 }).map((parts) => parts.join('')), (s) => {
          expect(JSON.stringify(ours.exec(s)), `${source} on ${s}`).toBe(JSON.stringify(plain.exec(s)));
          const named = ours.exec(s)?.groups;
          expect(JSON.stringify(named)).toBe(JSON.stringify(plain.exec(s)?.groups));
        }),
        { numRuns: 300, seed: 11 },
      );
    }
  });
});

describe('a repository with hostile regexes audits at once', () => {
  it('an nginx location, a re_path() route, a CORS origin regex and globs that backtrack forever: the audit finishes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'audit-deploy-redos-'));
    dirs.push(root);
    mkdirSync(join(root, 'shop', 'settings'), { recursive: true });
    mkdirSync(join(root, 'deploy'), { recursive: true });
    writeFileSync(join(root, 'manage.py'), 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.production")\n');
    writeFileSync(join(root, 'shop', '__init__.py'), '');
    writeFileSync(join(root, 'shop', 'settings', '__init__.py'), '');
    writeFileSync(
      join(root, 'shop', 'settings', 'production.py'),
      'DEBUG = False\nSECRET_KEY = "x"\nALLOWED_HOSTS = ["shop.example.com"]\nROOT_URLCONF = "shop.urls"\nINSTALLED_APPS = ["corsheaders"]\nMIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"]\nCORS_ALLOWED_ORIGIN_REGEXES = [r"((.|.)*)*z"]\n',
    );
    writeFileSync(join(root, 'shop', 'urls.py'), `from django.urls import path, re_path\nfrom django.contrib import admin\nurlpatterns = [re_path(r"^((a|a)*)*$", admin.site.urls), re_path(r"^(.?){30}.{30}z", admin.site.urls), path("${'<path:p>'.repeat(12)}z", admin.site.urls)]\n`);
    writeFileSync(join(root, 'deploy', 'nginx.conf'), 'events {}\nhttp {\n  server {\n    listen 80;\n    server_name shop.example.com;\n    location ~ ((.|.)*)*z { return 403; }\n    location ~* (?=/)((.|.)*)*z { return 403; }\n    location / { proxy_pass http://127.0.0.1:8000; }\n  }\n}\n');
    // Globs are regexes too: a .dockerignore line, a COPY source, an nginx include, a split-settings include().
    const stars = '*a'.repeat(12) + 'b';
    writeFileSync(join(root, '.dockerignore'), `${stars}\n**/${stars}\n`);
    writeFileSync(join(root, 'Dockerfile'), `FROM python:3.12-slim\nCOPY ${stars} /app/\nCOPY . /app/\nCMD ["gunicorn", "shop.wsgi"]\n`);
    writeFileSync(join(root, 'deploy', 'extra.conf'), `include ${'a'.repeat(70)}/${stars};\n`);
    mkdirSync(join(root, 'a'.repeat(70)), { recursive: true });
    writeFileSync(join(root, 'a'.repeat(70), 'a'.repeat(60) + '.conf'), 'server_tokens off;\n');
    writeFileSync(join(root, 'shop', 'settings', 'base.py'), `from split_settings.tools import include\ninclude("${stars}.py")\n`);
    writeFileSync(join(root, 'shop', 'settings', 'a'.repeat(60) + '.py'), 'X = 1\n');
    const t0 = performance.now();
    const result = await runAudit({ root });
    // Without the guard this takes longer than the test's timeout (the patterns above never finish).
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(result.findings.length).toBeGreaterThan(0);
  }, 60_000);
});
