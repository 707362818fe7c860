import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { buildModel } from '../src/model/build.js';
import { globToRegExp } from '../src/model/nginx/build.js';
import { apacheSectionAt, apacheWsgiScripts } from '../src/parse/apache.js';
import type { NginxConfig, NginxDirective } from '../src/model/nginx/types.js';

const made: string[] = [];
afterEach(() => {
  while (made.length) rmSync(made.pop()!, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'audit-nginx-'));
  made.push(root);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

async function configs(files: Record<string, string>): Promise<NginxConfig[]> {
  return (await buildModel(tree(files))).nginx;
}

/** `name args @file:line`, children indented, for whole-tree comparisons. */
function outline(ds: NginxDirective[], indent = ''): string[] {
  return ds.flatMap((d) => [
    `${indent}${[d.name, ...d.args.map((a) => a.raw)].join(' ')} @${d.span.file}:${d.span.start.line}`,
    ...(d.block ? outline(d.block, `${indent}  `) : []),
  ]);
}

function find(ds: NginxDirective[], name: string): NginxDirective | undefined {
  for (const d of ds) {
    if (d.name === name) return d;
    const inner = d.block && find(d.block, name);
    if (inner) return inner;
  }
  return undefined;
}

const MAIN = 'user www-data;\nevents { worker_connections 768; }\nhttp {\n    include /etc/nginx/mime.types;\n    include snippets/tls.conf;\n    include /etc/nginx/conf.d/*.conf;\n    include /etc/nginx/sites-enabled/*;\n}\n';

describe('nginx builder: a main nginx.conf with its includes', () => {
  it('expands includes in place, per include site, relative to the main file\'s directory and mapping /etc/nginx', async () => {
    const [c, ...rest] = await configs({
      'deploy/nginx/nginx.conf': MAIN,
      'deploy/nginx/snippets/tls.conf': 'ssl_protocols TLSv1.2 TLSv1.3;\n',
      'deploy/nginx/conf.d/b.conf': 'server {\n    listen 81;\n}\n',
      'deploy/nginx/conf.d/a.conf': 'upstream app { server unix:/run/gunicorn.sock; }\n',
      'deploy/nginx/sites-enabled/README.md': '# sites go here\n',
    });
    expect(rest).toEqual([]);
    expect(c!.mainFile).toBe('deploy/nginx/nginx.conf');
    expect(c!.context).toBe('main');
    expect(c!.role).toBe('production');
    expect(c!.template).toBe(false);
    expect(c!.prefix).toBe('deploy/nginx');
    expect(c!.files).toEqual(['deploy/nginx/nginx.conf', 'deploy/nginx/snippets/tls.conf', 'deploy/nginx/conf.d/a.conf', 'deploy/nginx/conf.d/b.conf']);
    expect(outline(c!.directives)).toEqual([
      'user www-data @deploy/nginx/nginx.conf:1',
      'events @deploy/nginx/nginx.conf:2',
      '  worker_connections 768 @deploy/nginx/nginx.conf:2',
      'http @deploy/nginx/nginx.conf:3',
      '  include /etc/nginx/mime.types @deploy/nginx/nginx.conf:4',
      '  include snippets/tls.conf @deploy/nginx/nginx.conf:5',
      '  ssl_protocols TLSv1.2 TLSv1.3 @deploy/nginx/snippets/tls.conf:1',
      '  include /etc/nginx/conf.d/*.conf @deploy/nginx/nginx.conf:6',
      '  upstream app @deploy/nginx/conf.d/a.conf:1',
      '    server unix:/run/gunicorn.sock @deploy/nginx/conf.d/a.conf:1',
      '  server @deploy/nginx/conf.d/b.conf:1',
      '    listen 81 @deploy/nginx/conf.d/b.conf:2',
      '  include /etc/nginx/sites-enabled/* @deploy/nginx/nginx.conf:7',
    ]);
    const http = c!.directives[2]!;
    const includes = http.block!.filter((d) => d.name === 'include').map((d) => [d.include!.status, d.include!.files]);
    expect(includes).toEqual([
      ['distribution', []],
      ['resolved', ['deploy/nginx/snippets/tls.conf']],
      ['resolved', ['deploy/nginx/conf.d/a.conf', 'deploy/nginx/conf.d/b.conf']],
      ['empty-glob', []],
    ]);
    expect(c!.problems).toEqual([]);
  });

  it('sets parent pointers and the include chain (outermost first)', async () => {
    const [c] = await configs({
      'nginx/nginx.conf': 'events {}\nhttp {\n  include conf.d/site.conf;\n}\n',
      'nginx/conf.d/site.conf': 'server {\n  listen 80;\n  include snippets/proxy.conf;\n}\n',
      'nginx/snippets/proxy.conf': 'location / {\n  proxy_pass http://app;\n}\n',
    });
    const http = c!.directives[1]!;
    const server = find(c!.directives, 'server')!;
    const location = find(c!.directives, 'location')!;
    const pass = find(c!.directives, 'proxy_pass')!;
    expect(server.parent).toBe(http);
    expect(location.parent).toBe(server);
    expect(pass.parent).toBe(location);
    expect(http.parent).toBeUndefined();
    expect(server.includedFrom.map((s) => `${s.file}:${s.start.line}`)).toEqual(['nginx/nginx.conf:3']);
    expect(pass.includedFrom.map((s) => `${s.file}:${s.start.line}`)).toEqual(['nginx/nginx.conf:3', 'nginx/conf.d/site.conf:3']);
    expect(http.includedFrom).toEqual([]);
    expect(pass.span.file).toBe('nginx/snippets/proxy.conf');
  });

  it('a file included twice is expanded at each site', async () => {
    const [c] = await configs({
      'nginx/nginx.conf': 'events {}\nhttp {\n  server { include h.conf; }\n  server { include h.conf; }\n}\n',
      'nginx/h.conf': 'add_header X-Frame-Options DENY;\n',
    });
    const servers = c!.directives[1]!.block!.filter((d) => d.name === 'server');
    expect(servers.map((s) => s.block!.map((d) => d.name))).toEqual([['include', 'add_header'], ['include', 'add_header']]);
    expect(servers[0]!.block![1]!.parent).toBe(servers[0]);
    expect(servers[1]!.block![1]!.parent).toBe(servers[1]);
    expect(c!.files).toEqual(['nginx/nginx.conf', 'nginx/h.conf']);
  });

  it('reports include cycles, missing files and depth; distribution files are only an info notice', async () => {
    const root = tree({
      'nginx/nginx.conf': 'events {}\nhttp {\n  include a.conf;\n  include missing.conf;\n  include fastcgi_params;\n  include /etc/letsencrypt/options-ssl-nginx.conf;\n}\n',
      'nginx/a.conf': 'include b.conf;\n',
      'nginx/b.conf': 'include a.conf;\n',
    });
    const model = await buildModel(root);
    const [c] = model.nginx;
    expect(c!.problems.map((p) => `${p.kind} ${p.span.file}:${p.span.start.line} ${p.message}`)).toEqual([
      'include nginx/b.conf:1 include cycle: nginx/nginx.conf -> nginx/a.conf -> nginx/b.conf -> nginx/a.conf',
      'include nginx/nginx.conf:4 included file "missing.conf" is not in the repository; what it sets is not known',
    ]);
    const statuses = c!.directives[1]!.block!.filter((d) => d.name === 'include').map((d) => `${d.include!.pattern}=${d.include!.status}`);
    expect(statuses).toEqual(['a.conf=resolved', 'b.conf=resolved', 'a.conf=cycle', 'missing.conf=missing', 'fastcgi_params=distribution', '/etc/letsencrypt/options-ssl-nginx.conf=outside']);
    const info = model.notices.filter((n) => n.kind === 'info' && n.message.includes('include')).map((n) => n.message);
    expect(info.some((m) => m.includes('"fastcgi_params" is a file nginx packages ship'))).toBe(true);
    expect(info.some((m) => m.includes('/etc/letsencrypt/options-ssl-nginx.conf'))).toBe(true);
  });

  it('stops at an include depth over 10', async () => {
    const files: Record<string, string> = { 'nginx/nginx.conf': 'events {}\nhttp { include l0.conf; }\n' };
    for (let i = 0; i < 14; i++) files[`nginx/l${i}.conf`] = `include l${i + 1}.conf;\n`;
    files['nginx/l14.conf'] = 'server_tokens off;\n';
    const [c] = await configs(files);
    expect(c!.problems.filter((p) => p.kind === 'limit').map((p) => p.message)).toEqual([
      'includes nested deeper than 10 levels; nginx/l10.conf is not read',
    ]);
    expect(find(c!.directives, 'server_tokens')).toBeUndefined();
  });

  it('an included file over the size limit is a limit problem, not a crash', async () => {
    const [c] = await configs({
      'nginx/nginx.conf': 'events {}\nhttp { include big.conf; }\n',
      'nginx/big.conf': `# ${'x'.repeat(3 * 1024 * 1024)}\n`,
    });
    expect(c!.problems.map((p) => p.kind)).toEqual(['limit']);
  });

  it('parses each file in the block it is read in', async () => {
    const list = await configs({
      // A forgotten "{" after server: nginx names line 1, because a site file is read inside http {}.
      'nginx/sites-enabled/a': 'server\n    listen 80;\n    server_name a.example.com;\n}\n',
      // Data lines of a file included into a map block are not directives.
      'nginx/nginx.conf': 'events {}\nhttp {\n  map $uri $new { include redirects.map; }\n  upstream u { include servers.conf; }\n}\n',
      'nginx/redirects.map': '/old/ /new/;\n~^/a$ /b;\n"~^/x{2}$" /y;\n',
      'nginx/servers.conf': 'server 127.0.0.1:8000;\n',
    });
    const byMain = new Map(list.map((c) => [c.mainFile, c.problems.map((p) => `${p.span.start.line}:${p.span.start.column} ${p.message}`)]));
    expect(byMain.get('nginx/sites-enabled/a')).toEqual(['2:14 directive "server" has no opening "{"']);
    expect(byMain.get('nginx/nginx.conf')).toEqual([]);
  });

  it('carries syntax problems of every contributing file, once', async () => {
    const [c] = await configs({
      'nginx/nginx.conf': 'events {}\nhttp {\n  server { include broken.conf; }\n  server { include broken.conf; }\n}\n',
      'nginx/broken.conf': 'add_header X "a"b;\n',
    });
    expect(c!.problems.map((p) => `${p.kind} ${p.span.file}:${p.span.start.line}:${p.span.start.column} ${p.message}`)).toEqual([
      'syntax nginx/broken.conf:1:17 unexpected "b"',
    ]);
  });
});

describe('nginx builder: site files and fragments', () => {
  it('a site file no main file includes is its own configuration in the http context', async () => {
    const [c, ...rest] = await configs({
      'deploy/nginx/sites-available/shop.example.com': 'server {\n  listen 80;\n  include snippets/headers.conf;\n  include /etc/nginx/snippets/proxy.conf;\n}\n',
      'deploy/nginx/snippets/headers.conf': 'add_header X-Content-Type-Options nosniff;\n',
      'deploy/nginx/snippets/proxy.conf': 'location / { proxy_pass http://app; }\n',
    });
    expect(rest).toEqual([]);
    expect(c!.mainFile).toBe('deploy/nginx/sites-available/shop.example.com');
    expect(c!.context).toBe('http');
    expect(c!.prefix).toBe('deploy/nginx');
    expect(c!.files).toEqual(['deploy/nginx/sites-available/shop.example.com', 'deploy/nginx/snippets/headers.conf', 'deploy/nginx/snippets/proxy.conf']);
    expect(find(c!.directives, 'proxy_pass')!.parent!.parent!.name).toBe('server');
  });

  it('a site file included by a main file is not also its own configuration', async () => {
    const list = await configs({
      'nginx/nginx.conf': 'events {}\nhttp { include /etc/nginx/sites-enabled/*; }\n',
      'nginx/sites-enabled/app': 'server { listen 80; }\n',
    });
    expect(list.map((c) => c.mainFile)).toEqual(['nginx/nginx.conf']);
  });

  it('a .conf of unknown kind counts only when its content is nginx', async () => {
    const list = await configs({
      'deploy/app.conf': 'upstream app { server 127.0.0.1:8000; }\nserver { listen 80; location / { proxy_pass http://app; } }\n',
      'deploy/supervisord.conf': '[program:web]\ncommand=gunicorn app.wsgi\n',
      'deploy/logrotate.conf': '/var/log/app/*.log {\n  daily\n  rotate 7\n}\n',
      'deploy/redis.conf': 'bind 127.0.0.1\nport 6379\n',
      'conf.d/gzip.conf': 'gzip on;\ngzip_types text/css application/javascript;\n',
    });
    expect(list.map((c) => `${c.mainFile} ${c.context}`)).toEqual(['conf.d/gzip.conf http', 'deploy/app.conf http']);
  });

  it('infers the context of fragments; other files that include them are their roots', async () => {
    const list = await configs({
      'nginx/locations.conf': 'location /static/ { alias /srv/static/; }\n',
      'nginx/snippets/ssl.conf': 'ssl_protocols TLSv1 TLSv1.2;\n',
    });
    expect(list.map((c) => `${c.mainFile} ${c.context}`)).toEqual(['nginx/locations.conf server', 'nginx/snippets/ssl.conf unknown']);
  });

  it('roles: development when the path says dev/local/test', async () => {
    const list = await configs({
      'docker/local/nginx/default.conf': 'server { listen 80; }\n',
      'nginx/dev.conf': 'server { listen 80; }\n',
      'nginx/nginx.test.conf': 'server { listen 80; }\n',
      'docker/production/nginx/default.conf': 'server { listen 80; }\n',
      'deploy/staging/nginx.conf': 'server { listen 80; }\n',
    });
    expect(list.map((c) => `${c.mainFile} ${c.role}`).sort()).toEqual([
      'deploy/staging/nginx.conf production',
      'docker/local/nginx/default.conf development',
      'docker/production/nginx/default.conf production',
      'nginx/dev.conf development',
      'nginx/nginx.test.conf development',
    ]);
  });
});

describe('nginx builder: the project configuration decides roles first', () => {
  it('production/development patterns override the path words', async () => {
    const root = tree({
      'deploy/test-cluster/nginx.conf': 'server { listen 80; }\n',
      'deploy/edge/nginx.conf': 'server { listen 80; }\n',
    });
    const model = await buildModel(root, { production: ['deploy/test-cluster/**'], development: ['deploy/edge/**'] });
    expect(model.nginx.map((c) => `${c.mainFile} ${c.role}`).sort()).toEqual(['deploy/edge/nginx.conf development', 'deploy/test-cluster/nginx.conf production']);
  });
});

describe('nginx builder: templates', () => {
  it('envsubst templates are parsed, marked and reported as templates', async () => {
    const [c] = await configs({
      'compose/production/nginx/templates/default.conf.template': 'server {\n    listen ${NGINX_PORT};\n    server_name $NGINX_HOST;\n    location / { proxy_pass http://django:5000; }\n}\n',
    });
    expect(c!.template).toBe(true);
    expect(c!.context).toBe('http');
    expect(c!.role).toBe('production');
    expect(find(c!.directives, 'listen')!.args[0]!.value).toBe('${NGINX_PORT}');
    expect(c!.problems.map((p) => `${p.kind} ${p.span.start.line}:${p.span.start.column}`)).toEqual(['template 2:12']);
    expect(c!.problems[0]!.message).toContain('NGINX_PORT');
  });

  it('templates/X.template of the official Docker image is what conf.d/X holds', async () => {
    const [c, ...rest] = await configs({
      'docker/nginx/nginx.conf': 'events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n}\n',
      'docker/nginx/templates/default.conf.template': 'server { listen ${PORT}; }\n',
      'docker/nginx/conf.d/b.conf': 'server { listen 81; }\n',
    });
    expect(rest).toEqual([]);
    expect(c!.files).toEqual(['docker/nginx/nginx.conf', 'docker/nginx/conf.d/b.conf', 'docker/nginx/templates/default.conf.template']);
    expect(c!.template).toBe(true);
  });

  it('placeholders make a plain .conf a template too', async () => {
    const [c] = await configs({ 'nginx/default.conf': 'server { listen 80; server_name ${DOMAIN}; }\n' });
    expect(c!.template).toBe(true);
  });

  it('Jinja templates are not parsed (no syntax errors from {{ }})', async () => {
    const [c] = await configs({ 'roles/web/templates/nginx.conf.j2': 'server {\n  server_name {{ domain }};\n  {% if tls %}listen 443 ssl;{% endif %}\n}\n' });
    expect(c!.template).toBe(true);
    expect(c!.directives).toEqual([]);
    expect(c!.problems.map((p) => p.kind)).toEqual(['template']);
  });
});

describe('nginx builder: nginx -T dumps', () => {
  const dump = [
    'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok',
    'nginx: configuration file /etc/nginx/nginx.conf test is successful',
    '# configuration file /etc/nginx/nginx.conf:',
    'events {}',
    'http {',
    '    include mime.types;',
    '    include /etc/nginx/conf.d/*.conf;',
    '}',
    '',
    '# configuration file /etc/nginx/mime.types:',
    'types { text/html html; }',
    '',
    '# configuration file /etc/nginx/conf.d/app.conf:',
    'server {',
    '    listen 80;',
    '}',
    '',
  ].join('\n');

  it('splits the dump into its files and expands includes among them, with positions in the dump', async () => {
    const [c, ...rest] = await configs({ 'ops/nginx-T.txt': dump });
    expect(rest).toEqual([]);
    expect(c!.source).toBe('dump');
    expect(c!.context).toBe('main');
    expect(c!.files).toEqual(['ops/nginx-T.txt']);
    expect(outline(c!.directives)).toEqual([
      'events @ops/nginx-T.txt:4',
      'http @ops/nginx-T.txt:5',
      '  include mime.types @ops/nginx-T.txt:6',
      '  types @ops/nginx-T.txt:11',
      '    text/html html @ops/nginx-T.txt:11',
      '  include /etc/nginx/conf.d/*.conf @ops/nginx-T.txt:7',
      '  server @ops/nginx-T.txt:14',
      '    listen 80 @ops/nginx-T.txt:15',
    ]);
    expect(find(c!.directives, 'listen')!.includedFrom.map((s) => s.start.line)).toEqual([7]);
    expect(c!.problems).toEqual([]);
  });

  it('a dump saved as .conf is recognised by its markers', async () => {
    const [c] = await configs({ 'nginx/full.conf': dump });
    expect(c!.source).toBe('dump');
  });
});

describe('nginx builder: Apache httpd files where nginx files live', () => {
  const APACHE_SITE = '# Apache site, Debian layout\n<VirtualHost *:80>\n    ServerName app.example.org\n    ProxyPass / http://127.0.0.1:8000/\n    <Directory /srv/app/static>\n        Require all granted\n    </Directory>\n</VirtualHost>\n';

  it('reads no Apache site as nginx, and says so once per file with the line of its first section', async () => {
    const model = await buildModel(
      tree({
        'etc/apache2/sites-available/app.conf': APACHE_SITE,
        'deploy/sites-available/app.example.org': APACHE_SITE,
        'deploy/sites-available/api.conf': '<IfModule mod_ssl.c>\n<VirtualHost *:443>\n</VirtualHost>\n</IfModule>\n',
        'deploy/sites-available/shop.conf': 'server {\n    listen 80;\n    location / { proxy_pass http://127.0.0.1:8000; }\n}\n',
      }),
    );
    expect(model.nginx.map((c) => c.files[0])).toEqual(['deploy/sites-available/shop.conf']);
    expect(model.parseProblems.filter((p) => p.file.includes('apache') || p.file.includes('app') || p.file.includes('api'))).toEqual([]);
    const apache = model.notices.filter((n) => n.message.includes('Apache')).map((n) => `${n.span?.file}:${n.span?.start.line} ${n.message}`);
    expect(model.apacheSites!.map((a) => a.file).sort()).toEqual(['deploy/sites-available/api.conf', 'deploy/sites-available/app.example.org', 'etc/apache2/sites-available/app.conf']);
    expect(apache).toEqual([
      'deploy/sites-available/api.conf:1 an Apache httpd configuration (<IfModule>), not nginx: its settings are not checked',
      'deploy/sites-available/app.example.org:2 an Apache httpd configuration (<VirtualHost>), not nginx: its settings are not checked',
      'etc/apache2/sites-available/app.conf:2 an Apache httpd configuration (<VirtualHost>), not nginx: its settings are not checked',
    ]);
  });

  it('keeps reading as nginx a file nginx accepts, even with a line that starts like an Apache section', async () => {
    const text = "server {\n    listen 80;\n    location / {\n        return 200 '<html>\n<Location is a word here>\n</html>';\n    }\n}\n";
    const model = await buildModel(tree({ 'deploy/sites-available/shop.conf': text }));
    expect(model.nginx.map((c) => c.files[0])).toEqual(['deploy/sites-available/shop.conf']);
    expect(model.notices.filter((n) => n.message.includes('Apache'))).toEqual([]);
  });

  it('reads the WSGI files mod_wsgi loads: WSGIScriptAlias in any case, quoted or not, never in a comment', () => {
    const text = '<VirtualHost *:80>\n  # WSGIScriptAlias / /old/wsgi.py\n  WSGIScriptAlias / /srv/app/app/wsgi.py process-group=app\n  wsgiscriptaliasmatch ^/api/(.*) "/srv/api/api/wsgi.py"\n  WSGIScriptAlias /x\n</VirtualHost>\n';
    expect(apacheWsgiScripts(text)).toEqual([
      { script: '/srv/app/app/wsgi.py', line: 3, column: 3 },
      { script: '/srv/api/api/wsgi.py', line: 4, column: 3 },
    ]);
  });

  it('finds a section tag only at the start of a line, as a whole tag name', () => {
    expect(apacheSectionAt('server {\n  # <VirtualHost *:80> in a comment\n  return 200 "<Directory x>";\n}\n')).toBeUndefined();
    expect(apacheSectionAt('<VirtualHostX>\n<Directoryfoo>\n<Location>\n')).toEqual({ line: 3, tag: 'Location' });
    expect(apacheSectionAt('\t<directory /srv>')).toEqual({ line: 1, tag: 'directory' });
    expect(apacheSectionAt('')).toBeUndefined();
    // A D-Bus policy (XML) under etc/: <limit> and <policy> are not Apache's.
    expect(apacheSectionAt('<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN">\n<busconfig>\n  <limit name="max_replies_per_connection">512</limit>\n  <Location x>\n</busconfig>\n')).toBeUndefined();
    expect(apacheSectionAt('<busconfig>\n  <limit name="max_replies_per_connection">512</limit>\n</busconfig>\n')).toBeUndefined();
    expect(apacheSectionAt('<VirtualHost *:80>\n  <Limit GET>\n  </Limit>\n</VirtualHost>\n')).toEqual({ line: 1, tag: 'VirtualHost' });
  });
});

describe('glob', () => {
  it('follows glob(3): * stays in a directory and skips leading dots', () => {
    const re = globToRegExp('nginx/conf.d/*.conf');
    expect(re.test('nginx/conf.d/a.conf')).toBe(true);
    expect(re.test('nginx/conf.d/sub/a.conf')).toBe(false);
    expect(re.test('nginx/conf.d/.hidden.conf')).toBe(false);
    expect(globToRegExp('sites-enabled/*').test('sites-enabled/shop')).toBe(true);
    expect(globToRegExp('a/[ab]?.conf').test('a/bx.conf')).toBe(true);
    expect(globToRegExp('a/[!ab].conf').test('a/a.conf')).toBe(false);
  });

  it('matches as the lookahead regex it replaced (random patterns and paths), in linear time', () => {
    // The translation before the linear-time one: `(?!\.)` at the start of each segment.
    const reference = (pattern: string): RegExp => {
      let re = '^';
      let segmentStart = true;
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i]!;
        if (c === '*') re += segmentStart ? '(?!\\.)[^/]*' : '[^/]*';
        else if (c === '?') re += segmentStart ? '[^/.]' : '[^/]';
        else if (c === '[') {
          const close = pattern.indexOf(']', i + 2);
          if (close < 0) re += '\\[';
          else {
            let body = pattern.slice(i + 1, close);
            if (body.startsWith('!')) body = `^${body.slice(1)}`;
            re += `[${body.replace(/\\/g, '\\\\')}]`;
            i = close;
          }
        } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
        segmentStart = c === '/';
      }
      return new RegExp(`${re}$`);
    };
    const part = (xs: string[]) => fc.array(fc.constantFrom(...xs), { maxLength: 8 }).map((a) => a.join(''));
    fc.assert(
      fc.property(part(['*', '?', '.', 'a', 'b', '/', '[ab]', '[!a]', 'conf', '[.]']), part(['a', 'b', '.', '/', 'conf', '.hidden', 'x.conf']), (pattern, path) => {
        expect(globToRegExp(pattern).test(path), `${pattern} ${path}`).toBe(reference(pattern).test(path));
      }),
      { numRuns: 3000, seed: 5 },
    );
    const t0 = performance.now();
    expect(globToRegExp('conf.d/' + '*a'.repeat(12) + 'b').test('conf.d/' + 'a'.repeat(60))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
