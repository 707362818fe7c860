import { describe, expect, it } from 'vitest';
import {
  appProxiedLocations,
  argValue,
  headerName,
  isTlsServer,
  listensOf,
  locationMatch,
  nginxAtLeast,
  nginxQuery,
  passesToApp,
  passTarget,
  stockOrigin,
} from '../src/model/nginx/effective.js';
import { detectNginxVersion } from '../src/model/nginx/version.js';
import type { DiscoveredFile } from '../src/discover/types.js';
import { configFrom, modelOf } from './nginx-rules-support.js';

const MAIN = `
events {}
http {
    server_tokens off;
    add_header X-Frame-Options DENY always;
    proxy_set_header Host $host;
    upstream django { server unix:/run/gunicorn.sock; }
    server {
        listen 443 ssl;
        server_name shop.example.com;
        add_header Strict-Transport-Security "max-age=63072000" always;
        location / {
            proxy_pass http://django;
        }
        location /media/ {
            add_header Cache-Control public;
            alias /srv/media/;
            if ($request_method = POST) { add_header X-Debug 1; }
        }
        location /ws/ {
            include proxy_params;
            proxy_pass http://django;
        }
        location /ext/ { proxy_pass https://s3.amazonaws.com/bucket/; }
    }
}
`;

describe('nginx effective values', () => {
  const config = configFrom(MAIN);
  const q = nginxQuery(config, modelOf([config]));
  const [server] = q.servers();
  const locs = q.locations(server!);
  const [root, media, ws, ext] = locs;

  it('finds servers and nested locations', () => {
    expect(q.servers()).toHaveLength(1);
    expect(locs.map((l) => argValue(l, 0))).toEqual(['/', '/media/', '/ws/', '/ext/']);
  });

  it('inherits simple directives http > server > location, with the deciding directive', () => {
    const e = q.effective(root, 'server_tokens');
    expect(e.state).toBe('set');
    if (e.state === 'set') {
      expect(e.level.kind).toBe('http');
      expect(e.directive.span.start.line).toBe(4);
    }
    expect(q.effective(root, 'ssl_protocols').state).toBe('unset');
  });

  it('array directives: a level with any add_header drops all of its parent', () => {
    expect(q.effectiveArray(root, 'add_header').directives.map(headerName)).toEqual(['strict-transport-security']);
    expect(q.effectiveArray(media, 'add_header').directives.map(headerName)).toEqual(['cache-control']);
    expect(q.effectiveArray(server, 'add_header').directives.map(headerName)).toEqual(['strict-transport-security']);
    const ifBlock = q.levelOf(media).children.find((d) => d.name === 'if')!;
    expect(q.effectiveArray(ifBlock, 'add_header').directives.map(headerName)).toEqual(['x-debug']);
    expect(q.inheritedArray(media, 'add_header').directives.map(headerName)).toEqual(['strict-transport-security']);
  });

  it('expands stock includes into virtual directives pointing at the include line', () => {
    const arr = q.effectiveArray(ws, 'proxy_set_header');
    expect(arr.directives.map(headerName)).toEqual(['host', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-proto']);
    expect(arr.complete).toBe(true);
    expect(arr.directives[0]!.span.start.line).toBe(21);
    expect(stockOrigin(arr.directives[0]!)?.uncertain).toBe(true);
    expect(stockOrigin(arr.directives[1]!)?.uncertain).toBe(false);
  });

  it('an include that cannot be read makes lookups unknown', () => {
    const c = configFrom('server { listen 443 ssl; include /etc/nginx/snippets/ssl-shop.conf; location / { proxy_pass http://app:8000; } }');
    const qq = nginxQuery(c, modelOf([c]));
    const [s] = qq.servers();
    expect(qq.effective(s, 'ssl_certificate').state).toBe('unknown');
    expect(qq.effectiveArray(qq.locations(s!)[0], 'add_header').complete).toBe(false);
  });

  it('server collections and stock files do not make http values unknown', () => {
    const c = configFrom('events {}\nhttp { include /etc/nginx/mime.types; include /etc/nginx/conf.d/*.conf; include /etc/nginx/sites-enabled/*; server { listen 80; } }');
    const qq = nginxQuery(c, modelOf([c]));
    expect(qq.effective(qq.servers()[0], 'server_tokens').state).toBe('unset');
  });

  it('a site file inherits from the repository nginx.conf http block', () => {
    const main = configFrom('events {}\nhttp { server_tokens off; include /etc/nginx/conf.d/*.conf; }', { file: 'deploy/nginx/nginx.conf' });
    const site = configFrom('server { listen 80; location / { proxy_pass http://app; } }', { file: 'deploy/nginx/conf.d/shop.conf' });
    const model = modelOf([main, site]);
    const qq = nginxQuery(site, model);
    const e = qq.effective(qq.servers()[0], 'server_tokens');
    expect(e.state === 'set' && e.directive.span.file).toBe('deploy/nginx/nginx.conf');
  });

  it('reads listen parameters, TLS and proxy targets', () => {
    const ls = listensOf(q, server!);
    expect(ls).toMatchObject([{ port: 443, ssl: true, defaultServer: false }]);
    expect(isTlsServer(q, server!)).toBe(true);
    expect(passTarget(q.levelOf(ext).children[0]!)).toMatchObject({ scheme: 'https', host: 's3.amazonaws.com', uri: '/bucket/' });
    expect(passesToApp(q, q.levelOf(root).children[0]!)).toBe(true);
    expect(passesToApp(q, q.levelOf(ext).children[0]!)).toBe(false);
    expect(appProxiedLocations(q, server!).map((x) => argValue(x.location, 0))).toEqual(['/', '/ws/']);
    const c = configFrom('server { listen [::]:8443 ssl default_server; listen 127.0.0.1; listen unix:/run/n.sock; }');
    const qq = nginxQuery(c);
    expect(listensOf(qq, qq.servers()[0]!).map((l) => [l.port, l.ssl, l.defaultServer, l.unix])).toEqual([
      [8443, true, true, false],
      [80, false, false, false],
      [undefined, false, false, true],
    ]);
  });

  it('reads location modifiers, attached or not', () => {
    const c = configFrom('server { location = /x {} location ~* \\.php$ {} location ^~ /static/ {} location =/y {} location @app {} }');
    const qq = nginxQuery(c);
    expect(qq.locations(qq.servers()[0]!).map((l) => locationMatch(l))).toEqual([
      { modifier: '=', pattern: '/x' },
      { modifier: '~*', pattern: '\\.php$' },
      { modifier: '^~', pattern: '/static/' },
      { modifier: '=', pattern: '/y' },
      { modifier: '@', pattern: 'app' },
    ]);
  });
});

describe('nginx version from pinned images', () => {
  const file = (path: string): DiscoveredFile => ({ path, absPath: `/x/${path}`, kind: 'other', size: 100 });
  const read = (texts: Record<string, string>) => (f: DiscoveredFile) => texts[f.path];

  it('reads FROM nginx:1.24-alpine, registry prefixes and compose image tags', () => {
    const v = detectNginxVersion([file('nginx/Dockerfile')], read({ 'nginx/Dockerfile': 'FROM --platform=linux/amd64 docker.io/library/nginx:1.24.0-alpine AS web\n' }));
    expect(v).toMatchObject({ major: 1, minor: 24, patch: 0, text: '1.24.0' });
    expect(v?.span.start).toMatchObject({ line: 1, column: 29 });
    const c = detectNginxVersion([file('docker-compose.yml')], read({ 'docker-compose.yml': 'services:\n  web:\n    image: "nginxinc/nginx-unprivileged:1.27-alpine"\n' }));
    expect(c).toMatchObject({ major: 1, minor: 27, text: '1.27' });
    expect(c?.patch).toBeUndefined();
  });

  it('floating tags, conflicting pins and development files say nothing', () => {
    expect(detectNginxVersion([file('Dockerfile')], read({ Dockerfile: 'FROM nginx:alpine\n' }))).toBeUndefined();
    expect(detectNginxVersion([file('a/Dockerfile'), file('b/Dockerfile')], read({ 'a/Dockerfile': 'FROM nginx:1.24\n', 'b/Dockerfile': 'FROM nginx:1.27\n' }))).toBeUndefined();
    expect(detectNginxVersion([file('docker-compose.dev.yml')], read({ 'docker-compose.dev.yml': 'services:\n  n:\n    image: nginx:1.20\n' }))).toBeUndefined();
  });

  it('compares releases, a floating patch counting as the newest', () => {
    const v = (major: number, minor: number, patch?: number) => ({ major, minor, patch, text: '', source: '', span: undefined as never });
    expect(nginxAtLeast(v(1, 25), 1, 25, 1)).toBe(true);
    expect(nginxAtLeast(v(1, 25, 0), 1, 25, 1)).toBe(false);
    expect(nginxAtLeast(v(1, 22, 1), 1, 23, 4)).toBe(false);
    expect(nginxAtLeast(undefined, 1, 25, 1)).toBeUndefined();
  });
});
