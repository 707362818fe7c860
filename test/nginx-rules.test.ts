import { describe, expect, it } from 'vitest';
import type { Rule } from '../src/engine/rule.js';
import NGX010 from '../rules/nginx/NGX010-tls-certificate-missing.js';
import NGX011 from '../rules/nginx/NGX011-tls-protocols-outdated.js';
import NGX012, { weakCipherParts } from '../rules/nginx/NGX012-tls-ciphers-weak.js';
import NGX013 from '../rules/nginx/NGX013-tls-session-tickets-unrotated.js';
import NGX014 from '../rules/nginx/NGX014-https-redirect-missing.js';
import NGX015 from '../rules/nginx/NGX015-https-redirect-weak.js';
import NGX017 from '../rules/nginx/NGX017-hsts-weak.js';
import NGX019 from '../rules/nginx/NGX019-add-header-inheritance-loss.js';
import NGX020 from '../rules/nginx/NGX020-proxy-header-inheritance-loss.js';
import NGX021 from '../rules/nginx/NGX021-server-tokens-on.js';
import NGX022 from '../rules/nginx/NGX022-client-max-body-size.js';
import NGX023 from '../rules/nginx/NGX023-proxy-host-from-client.js';
import NGX024 from '../rules/nginx/NGX024-proxy-host-missing.js';
import NGX027 from '../rules/nginx/NGX027-proxy-timeouts-unworkable.js';
import NGX028 from '../rules/nginx/NGX028-alias-traversal.js';
import NGX030 from '../rules/nginx/NGX030-dotfiles-served.js';
import NGX031 from '../rules/nginx/NGX031-no-catch-all-server.js';
import NGX032 from '../rules/nginx/NGX032-limit-zone-undefined.js';
import NGX033 from '../rules/nginx/NGX033-upstream-keepalive-unused.js';
import NGX034 from '../rules/nginx/NGX034-listen-http2-deprecated.js';
import NGX035 from '../rules/nginx/NGX035-directive-newer-than-nginx.js';
import NGX036 from '../rules/nginx/NGX036-proxy-pass-user-controlled.js';
import NGX037 from '../rules/nginx/NGX037-header-splitting.js';
import NGX038 from '../rules/nginx/NGX038-if-in-location.js';
import NGX040 from '../rules/nginx/NGX040-port-443-without-ssl.js';
import { canMatchNewline, captureGroups } from '../rules/nginx/NGX1.common.js';
import { configFrom, linesOf, modelOf, runNginxRule, type ConfigOptions } from './nginx-rules-support.js';

/** Lines a rule fires on; `text` lines are numbered from 1 (the template literal's first line is empty). */
const fire = (rule: Rule, text: string, opts?: ConfigOptions) => linesOf(rule, text, opts);

const MOZILLA = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305';

describe('TLS', () => {
  it('NGX010: a certificate inherited from http counts; handshake-rejecting and include-fed servers are not judged', () => {
    expect(fire(NGX010, `
ssl_certificate /c.pem;
ssl_certificate_key /k.pem;
server { listen 443 ssl; }
server { listen 443 ssl default_server; ssl_reject_handshake on; }
server { listen 8443 ssl; include /etc/nginx/snippets/ssl-shop.conf; }
server { listen 443; ssl on; ssl_certificate_key /x.key; ssl_certificate /x.pem; }
`)).toEqual([]);
    expect(fire(NGX010, `
server {
    listen 443; ssl on;
    ssl_certificate /x.pem;
}
server { listen 443 ssl; ssl_certificate_key /k.pem; }
`)).toEqual([3, 6]);
  });

  it('NGX040: plain listens on 443; ssl, legacy ssl on and QUIC listens are fine', () => {
    expect(fire(NGX040, 'server { listen 443 ssl; listen 443 quic reuseport; }\nserver { listen 443; ssl on; }\nserver { listen 8080; }')).toEqual([]);
    expect(fire(NGX040, 'server {\n listen 80;\n listen [::]:443;\n}')).toEqual([3]);
  });

  it('NGX011: explicit outdated protocols fire where written, also in the enclosing nginx.conf; the certbot file does not', () => {
    expect(fire(NGX011, 'server { listen 443 ssl; include /etc/letsencrypt/options-ssl-nginx.conf; }')).toEqual([]);
    const main = configFrom('events {}\nhttp {\n    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n}', { file: 'deploy/nginx/nginx.conf' });
    const site = configFrom('server { listen 443 ssl; }', { file: 'deploy/nginx/sites-available/shop' });
    const hits = runNginxRule(NGX011, modelOf([main, site]));
    expect(hits.map((h) => `${h.span.file}:${h.line}`)).toEqual(['deploy/nginx/nginx.conf:3']);
    expect(fire(NGX011, 'server { listen 443 ssl; }')).toEqual([]);
    expect(fire(NGX011, 'server { listen 443 ssl; }', { version: { major: 1, minor: 18, patch: 0 } })).toEqual([1]);
    expect(fire(NGX011, 'server { listen 443 ssl; }', { version: { major: 1, minor: 24 } })).toEqual([]);
  });

  it('NGX012: weak selectors unless negated; Mozilla and nginx defaults pass', () => {
    expect(weakCipherParts(MOZILLA)).toEqual([]);
    expect(weakCipherParts('HIGH:!aNULL:!MD5')).toEqual([]);
    expect(weakCipherParts('DEFAULT')).toEqual([]);
    expect(weakCipherParts('EECDH+AESGCM:EDH+AESGCM')).toEqual([]);
    expect(weakCipherParts('ALL:!ADH:!RC4')).toEqual([]);
    expect(weakCipherParts('ALL')).toEqual(['anonymous suites (ALL without !aNULL)']);
    expect(weakCipherParts('ECDHE-RSA-AES128-GCM-SHA256:RC4-SHA')).toEqual(['RC4']);
    expect(weakCipherParts('ECDHE-RSA-DES-CBC3-SHA')).toEqual(['3DES (Sweet32)']);
    expect(weakCipherParts('EXP-RC4-MD5')).toContain('export-grade suites');
    expect(weakCipherParts('HIGH:!aNULL:3DES')).toEqual(['3DES (Sweet32)']);
    expect(fire(NGX012, `server { listen 443 ssl; ssl_ciphers "${MOZILLA}"; }`)).toEqual([]);
    expect(fire(NGX012, 'server { listen 80; ssl_ciphers RC4; }')).toEqual([]);
  });

  it('NGX013: shared cache on a recent or unknown nginx, ticket key files, and tickets off are fine', () => {
    expect(fire(NGX013, 'server { listen 443 ssl; ssl_session_cache shared:S:10m; }')).toEqual([]);
    expect(fire(NGX013, 'server { listen 443 ssl; ssl_session_ticket_key /etc/nginx/ticket.key; }')).toEqual([]);
    expect(fire(NGX013, 'server { listen 443 ssl; ssl_session_tickets off; }')).toEqual([]);
    expect(fire(NGX013, 'server { listen 443 ssl; ssl_session_cache shared:S:10m; }', { version: { major: 1, minor: 23, patch: 2 } })).toEqual([]);
    expect(fire(NGX013, 'server { listen 443 ssl; ssl_session_cache shared:S:10m; }', { version: { major: 1, minor: 22, patch: 1 } })).toEqual([1]);
    expect(fire(NGX013, '\nserver {\n listen 443 ssl;\n ssl_session_tickets on;\n}')).toEqual([4]);
  });
});

describe('redirects and headers', () => {
  const TLS = 'server { listen 443 ssl; server_name shop.test; location / { proxy_pass http://app; } }';

  it('NGX014: judged only where TLS exists; shared servers with a $scheme redirect and other names pass', () => {
    expect(fire(NGX014, 'server { listen 80; server_name shop.test; location / { proxy_pass http://app; } }')).toEqual([]);
    expect(fire(NGX014, `${TLS}\nserver { listen 80; server_name other.test; location / { proxy_pass http://app; } }`)).toEqual([]);
    expect(fire(NGX014, `${TLS}\nserver { listen 80; server_name shop.test; location / { proxy_pass http://app; } }`)).toEqual([2]);
    expect(fire(NGX014, `${TLS}\nserver { server_name shop.test; location / { proxy_pass http://app; } }`)).toEqual([2]);
    expect(fire(NGX014, `
server {
    listen 80;
    listen 443 ssl;
    server_name shop.test;
    if ($scheme != "https") { return 301 https://$host$request_uri; }
    location / { proxy_pass http://app; }
}`)).toEqual([]);
    expect(fire(NGX014, `
server {
    listen 80;
    listen 443 ssl;
    server_name shop.test;
    location / { proxy_pass http://app; }
}`)).toEqual([3]);
    expect(fire(NGX014, `${TLS}\nserver { listen 80; server_name shop.test; rewrite ^(.*)$ https://$host$1 permanent; location / { proxy_pass http://app; } }`)).toEqual([]);
    expect(fire(NGX014, `${TLS}\nserver { listen 80; server_name shop.test; location /.well-known/acme-challenge/ { proxy_pass http://certbot; } location / { return 301 https://$host$request_uri; } }`)).toEqual([]);
    expect(fire(NGX014, `${TLS}\nserver { listen 80; server_name shop.test; location ^~ /.well-known/ { proxy_pass http://certbot; } location / { return 301 https://$host$request_uri; } }`)).toEqual([]);
  });

  it('NGX015: temporary redirects to the same site, and $server_name with "_"', () => {
    expect(fire(NGX015, 'server { listen 80; server_name a.test; return https://$host$request_uri; }')).toEqual([1]);
    expect(fire(NGX015, 'server { listen 80; server_name a.test; location /docs { return 302 https://docs.other.test/; } }')).toEqual([]);
    expect(fire(NGX015, 'server { listen 80; server_name a.test; return 308 https://$server_name$request_uri; }')).toEqual([]);
    expect(fire(NGX015, 'server { listen 443 ssl; server_name a.test; return 302 https://$host/x; }')).toEqual([]);
  });

  it('NGX017: always and a year', () => {
    expect(fire(NGX017, 'server { listen 443 ssl; add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always; }')).toEqual([]);
    expect(fire(NGX017, 'server { listen 443 ssl; add_header Strict-Transport-Security "max-age=63072000"; }')).toEqual([1]);
    expect(fire(NGX017, 'server { listen 443 ssl; add_header Strict-Transport-Security max-age=0 always; }')).toEqual([1]);
    expect(fire(NGX017, 'server { listen 80; add_header Strict-Transport-Security max-age=60; }')).toEqual([]);
    expect(fire(NGX017, 'server { listen 443 ssl; add_header Strict-Transport-Security "max-age=${HSTS_AGE}"; }', { template: true })).toEqual([]);
  });

  it('NGX019: merge mode, repeated headers and non-security headers are fine; if blocks count', () => {
    const base = 'server {\n    listen 443 ssl;\n    add_header X-Frame-Options DENY always;\n    add_header Cache-Control no-store;\n';
    expect(fire(NGX019, `${base}    location /a/ { add_header X-Frame-Options DENY always; add_header X-Extra 1; }\n}`)).toEqual([]);
    expect(fire(NGX019, `${base}    add_header_inherit merge;\n    location /a/ { add_header X-Extra 1; }\n}`)).toEqual([]);
    expect(fire(NGX019, `${base}    location /a/ {\n        add_header X-Extra 1;\n    }\n}`)).toEqual([6]);
    expect(fire(NGX019, 'server { listen 80; add_header Cache-Control no-store; location /a/ { add_header X-Extra 1; } }')).toEqual([]);
    expect(fire(NGX019, 'server { listen 80; add_header Strict-Transport-Security max-age=63072000; location /a/ { add_header X-Extra 1; } }')).toEqual([]);
    expect(fire(NGX019, 'server { listen 80; add_header X-Frame-Options DENY; location /a/ { include /etc/nginx/snippets/headers.conf; add_header X 1; } }')).toEqual([]);
  });

  it('NGX020: only where the block proxies', () => {
    expect(fire(NGX020, 'server { proxy_set_header Host $host; location /s/ { proxy_set_header X 1; root /srv; } }')).toEqual([]);
    expect(fire(NGX020, 'server {\n proxy_set_header Host $host;\n location /ws/ {\n  proxy_set_header Upgrade $http_upgrade;\n  proxy_pass http://app;\n }\n}')).toEqual([4]);
    expect(fire(NGX020, 'server { proxy_set_header Host $host; location /ws/ { proxy_set_header Host $host; proxy_pass http://app; } }')).toEqual([]);
  });

  it('NGX023: $http_host fires; $host and the stock proxy_params do not', () => {
    expect(fire(NGX023, 'server { location / { proxy_set_header Host $http_host; proxy_pass http://app; } }')).toEqual([1]);
    expect(fire(NGX023, 'server { location / { proxy_set_header Host $host; proxy_pass http://app; } }')).toEqual([]);
    expect(fire(NGX023, 'server { location / { include proxy_params; proxy_pass http://app; } }')).toEqual([]);
    expect(fire(NGX023, 'server { proxy_set_header Host $http_host; location / { root /srv; } }')).toEqual([]);
  });

  it('NGX024: external services and includes are not judged; inheritance loss is left to NGX020', () => {
    expect(fire(NGX024, 'server { location /b/ { proxy_pass https://bucket.s3.amazonaws.com/; } }')).toEqual([]);
    expect(fire(NGX024, 'server { location / { include proxy_params; proxy_pass http://127.0.0.1:8000; } }')).toEqual([]);
    expect(fire(NGX024, 'server { location / { include /etc/nginx/snippets/proxy.conf; proxy_pass http://127.0.0.1:8000; } }')).toEqual([]);
    expect(fire(NGX024, 'server { proxy_set_header Host $host; location / { proxy_set_header X 1; proxy_pass http://app; } }')).toEqual([]);
    expect(fire(NGX024, 'server { location / { proxy_pass http://unix:/run/gunicorn.sock; } }')).toEqual([1]);
    expect(fire(NGX024, 'server { location /.well-known/acme-challenge/ { proxy_pass http://certbot:80; } }')).toEqual([]);
  });

  it('NGX021: the enclosing nginx.conf decides for a site file; explicit on fires where written', () => {
    const main = configFrom('events {}\nhttp { server_tokens off; }', { file: 'nginx/nginx.conf' });
    const site = configFrom('server { listen 80;\n location /x/ { server_tokens on; } }', { file: 'nginx/conf.d/app.conf' });
    expect(runNginxRule(NGX021, modelOf([main, site])).map((h) => `${h.span.file}:${h.line}:${h.status}`)).toEqual(['nginx/conf.d/app.conf:2:fail']);
    expect(runNginxRule(NGX021, modelOf([configFrom('server { listen 80; }')])).map((h) => h.status)).toEqual(['unknown']);
    expect(fire(NGX021, 'server_tokens off;\nserver { listen 80; }')).toEqual([]);
    const opaque = runNginxRule(NGX021, modelOf([configFrom('events {}\nhttp {\n include /opt/nginx/common.conf;\n server { listen 80; }\n}')]));
    expect(opaque.map((h) => `${h.line}:${h.status}`)).toEqual(['2:unknown']);
  });

  it('NGX022: once per server at the first proxied location; 0 where written', () => {
    expect(fire(NGX022, 'server {\n location /a/ { proxy_pass http://app; }\n location /b/ { proxy_pass http://app; }\n}')).toEqual([2]);
    expect(fire(NGX022, 'client_max_body_size 10m;\nserver { location / { proxy_pass http://app; } }')).toEqual([]);
    expect(fire(NGX022, 'server { location / { root /srv; } }')).toEqual([]);
    expect(fire(NGX022, 'server {\n location / {\n  include uwsgi_params;\n  uwsgi_pass unix:///run/uwsgi/app.sock;\n }\n}')).toEqual([4]);
  });

  it('NGX027: websocket locations keep their long timeouts', () => {
    expect(fire(NGX027, 'server { location /ws/ { proxy_set_header Upgrade $http_upgrade; proxy_read_timeout 1s; proxy_pass http://app; } }')).toEqual([]);
    expect(fire(NGX027, 'server { location / { proxy_read_timeout 500ms; proxy_send_timeout 90s; proxy_connect_timeout 1m; proxy_pass http://app; } }')).toEqual([1]);
  });
});

describe('paths, hosts and request data', () => {
  it('NGX028: only prefix locations without a slash whose alias has one', () => {
    expect(fire(NGX028, 'server { location /static/ { alias /srv/static/; } location = /favicon.ico { alias /srv/static/favicon.ico; } location /media { alias /srv/media; } location ~ ^/s/(.*)$ { alias /srv/s/$1; } }')).toEqual([]);
    expect(fire(NGX028, 'server {\n location ^~ /static {\n  alias /srv/static/;\n }\n}')).toEqual([2]);
    expect(fire(NGX028, 'location /media {\n    alias /srv/media/;\n}', { file: 'nginx/snippets/django.conf', context: 'server' })).toEqual([1]);
  });

  it('NGX030: dotfile denials, public roots and proxied catch-alls', () => {
    const deny = 'location ~ /\\. { deny all; }';
    expect(fire(NGX030, `server { root /srv/shop; ${deny} location / { try_files $uri @app; } location @app { proxy_pass http://app; } }`)).toEqual([]);
    expect(fire(NGX030, 'server { root /srv/shop; location ~ /\\.ht { deny all; } location / { try_files $uri @app; } }')).toEqual([1]);
    expect(fire(NGX030, 'server { root /srv/shop/public; location / { try_files $uri @app; } }')).toEqual([]);
    expect(fire(NGX030, 'server { root /srv/shop; location / { proxy_pass http://app; } }')).toEqual([]);
    expect(fire(NGX030, 'server { root /srv/shop; location / { try_files /maintenance.html @app; } }')).toEqual([]);
    expect(fire(NGX030, 'server { root /srv/shop; location ~ /\\.git { deny all; } location = /.env { return 404; } }')).toEqual([]);
  });

  it('NGX031: explicit defaults and catch-all names; site files without them are not judged', () => {
    expect(fire(NGX031, 'server { listen 80; server_name shop.test; location / { proxy_pass http://app; } }')).toEqual([]);
    expect(fire(NGX031, 'server { listen 80 default_server; server_name shop.test; location / { proxy_pass http://app; } }')).toEqual([1]);
    expect(fire(NGX031, 'server {\n listen 80;\n server_name _;\n location / { proxy_pass http://app; }\n}')).toEqual([3]);
    expect(fire(NGX031, 'server { listen 80 default_server; return 444; }\nserver { listen 80; server_name _; location / { proxy_pass http://app; } }')).toEqual([]);
    // A complete nginx.conf: the first server on a port is its default, unless includes the repository lacks may hold others.
    expect(fire(NGX031, 'events {}\nhttp {\n server { listen 80; server_name shop.test; location / { proxy_pass http://app; } }\n}')).toEqual([3]);
    expect(fire(NGX031, 'events {}\nhttp {\n include /opt/vhosts/*.conf;\n server { listen 80; server_name shop.test; location / { proxy_pass http://app; } }\n}')).toEqual([]);
  });

  it('NGX032: zones defined in another production file of the repository count', () => {
    const zones = configFrom('limit_req_zone $binary_remote_addr zone=api:10m rate=5r/s;', { file: 'nginx/conf.d/00-zones.conf' });
    const site = configFrom('server { location / { limit_req zone=api; proxy_pass http://app; } }', { file: 'nginx/conf.d/app.conf' });
    expect(runNginxRule(NGX032, modelOf([zones, site]))).toEqual([]);
    expect(fire(NGX032, 'events {}\nhttp { limit_conn_zone $binary_remote_addr zone=addr:10m; server { limit_conn addr 10; limit_conn perip 5; } }')).toEqual([2]);
  });

  it('NGX033: websocket Connection headers and nginx 1.29.7+ are fine', () => {
    const up = 'upstream app { server 127.0.0.1:8000; keepalive 8; }\n';
    expect(fire(NGX033, `${up}server { location / { proxy_http_version 1.1; proxy_set_header Connection $connection_upgrade; proxy_pass http://app; } }`)).toEqual([]);
    expect(fire(NGX033, `${up}server { location / { proxy_pass http://app; } }`, { version: { major: 1, minor: 29, patch: 7 } })).toEqual([]);
    expect(fire(NGX033, 'upstream app { server 127.0.0.1:8000; }\nserver { location / { proxy_pass http://app; } }')).toEqual([]);
  });

  it('NGX034/NGX035: follow the pinned version', () => {
    const listen = 'server { listen 443 ssl http2; }';
    expect(fire(NGX034, listen, { version: { major: 1, minor: 24, patch: 0 } })).toEqual([]);
    expect(fire(NGX034, listen, { version: { major: 1, minor: 25, patch: 1 } })).toEqual([1]);
    expect(fire(NGX034, listen)).toEqual([1]);
    const directive = 'server { listen 443 ssl; http2 on; ssl_reject_handshake on; }';
    expect(fire(NGX035, directive)).toEqual([]);
    expect(fire(NGX035, directive, { version: { major: 1, minor: 25, patch: 1 } })).toEqual([]);
    expect(fire(NGX035, directive, { version: { major: 1, minor: 18, patch: 0 } })).toEqual([1, 1]);
  });

  it('NGX036: the destination, not the path; captures, set variables, catch-all $host; internal locations skipped', () => {
    expect(fire(NGX036, 'server { location / { proxy_pass http://backend$request_uri; } location ~ ^/u/(.*)$ { proxy_pass http://backend/$1; } }')).toEqual([]);
    expect(fire(NGX036, 'server {\n location ~ ^/p/([^/]+)/(.*)$ {\n  proxy_pass http://$1/$2;\n }\n}')).toEqual([3]);
    expect(fire(NGX036, 'server { location / { set $target $http_x_backend; proxy_pass http://$target; } }')).toEqual([1]);
    expect(fire(NGX036, 'server { listen 80 default_server; location / { proxy_pass http://$host:8080; } }')).toEqual([1]);
    expect(fire(NGX036, 'server { server_name shop.test; location / { proxy_pass http://$host:8080; } }')).toEqual([]);
    expect(fire(NGX036, 'server { location /fetch/ { internal; proxy_pass $arg_u; } }')).toEqual([]);
  });

  it('NGX037: decoded URI and loose captures in headers; raw URIs, bodies and strict captures pass', () => {
    expect(fire(NGX037, 'server { return 301 https://$host$request_uri; location ~ ^/old/(.*)$ { return 301 /new/$1; } location / { return 200 "$uri"; } }')).toEqual([]);
    expect(fire(NGX037, 'server {\n location ~ ^/old/([^/]+)$ {\n  return 301 /new/$1;\n }\n}')).toEqual([3]);
    expect(fire(NGX037, 'server { location / { proxy_set_header X-Original-URI $uri; proxy_pass http://app; } }')).toEqual([1]);
    // nginx's own fastcgi.conf: FastCGI and uwsgi parameters are length-prefixed, a line break stays in its value.
    expect(fire(NGX037, 'server { location ~ \\.php$ { fastcgi_param DOCUMENT_URI $document_uri; fastcgi_pass unix:/run/php.sock; } location / { uwsgi_param PATH_INFO $uri; uwsgi_pass unix:/run/app.sock; } }')).toEqual([]);
    expect(fire(NGX037, 'server { rewrite ^/a/(?<rest>\\S+)$ /b/$rest permanent; }')).toEqual([]);
    expect(fire(NGX037, 'server { location / { if ($request_uri ~ ^/x/([^/]+)) { return 301 /y/$1; } } }')).toEqual([]);
    expect(captureGroups('^/(?<a>[^/]+)/(?:x|y)/(\\d+)$').map((g) => [g.index, g.name, g.source])).toEqual([
      [1, 'a', '[^/]+'],
      [2, undefined, '\\d+'],
    ]);
    expect(['.*', '\\S+', '[a-z0-9-]+', '\\w+'].map(canMatchNewline)).toEqual([false, false, false, false]);
    expect(['[^/]+', '\\s*', '\\W+', '[^\\r]+'].map(canMatchNewline)).toEqual([true, true, true, true]);
  });

  it('NGX038: return, rewrite last, set and break are safe; server-level if is not concerned', () => {
    expect(fire(NGX038, 'server { if ($host = a) { add_header X 1; } location / { if ($x) { set $y 1; return 403; } if ($z) { rewrite ^ /a last; } } }')).toEqual([]);
    expect(fire(NGX038, 'server {\n location / {\n  if ($x) {\n   rewrite ^ /a break;\n  }\n }\n}')).toEqual([4]);
  });
});
