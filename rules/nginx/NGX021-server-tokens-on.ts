import { defineRule } from '../../src/engine/rule.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { argValue, headSpan, isDevelopment } from '../../src/model/nginx/effective.js';
import { blockHead, flag, HTTP_CORE, once, q, serverLabel } from './NGX1.common.js';

export default defineRule({
  meta: {
    id: 'NGX021',
    name: 'ServerTokensOn',
    title: 'server_tokens is not off: nginx announces its version',
    severity: 'low',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Works out the `server_tokens` in effect for each server and location (location > server > http). An explicit `on` or `build` is reported where it is written; nginx's default (`on`) is reported at the http block when the repository holds the nginx.conf that encloses the servers (unknown when that http block includes files the repository lacks). For a site file read inside an http block the repository does not show (sites-available/, conf.d/), the result is unknown: the system nginx.conf decides (Debian's and the official image's leave it on). Development configurations are skipped.",
      whyIsThisBad:
        'Every error page and every `Server:` header names the exact nginx release, telling attackers which published vulnerabilities to try without any probing. Hiding it costs nothing.',
      example: 'http {\n    include mime.types;\n    server { listen 80; ... }\n}',
      useInstead: 'http {\n    include mime.types;\n    server_tokens off;\n    server { listen 80; ... }\n}',
    },
    fix: 'Add `server_tokens off;` to the http block (or to every server, when you only control site files), and remove any `server_tokens on`.',
    references: [`${HTTP_CORE}#server_tokens`],
    tags: ['nginx', 'security', 'information-disclosure'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    const unknownDone = new Set<string>();
    for (const server of query.servers()) {
      for (const block of [server, ...query.locations(server)]) {
        const own = query.levelOf(block).children.find((d) => d.name === 'server_tokens');
        if (block !== server && !own) continue;
        const e = query.effective(block, 'server_tokens');
        if (e.state === 'unknown') {
          if (unknownDone.has(config.mainFile)) continue;
          unknownDone.add(config.mainFile);
          ctx.unknown({
            message: `server_tokens is not set here, and ${argValue(e.include, 0)}, which the repository does not have, may set it`,
            span: blockHead(httpBlock(query, server) ?? server),
            variables: [argValue(e.include, 0)],
            target: 'server_tokens',
          });
          continue;
        }
        if (e.state === 'set') {
          const v = flag(e.directive);
          if (v === 'off' || query.directiveHasPlaceholder(e.directive)) continue;
          report({
            message: `server_tokens ${v}: every response's Server header and error page names the nginx version`,
            span: headSpan(e.directive),
            target: 'server_tokens',
          });
          continue;
        }
        // nginx's default (on) applies.
        const http = httpBlock(query, server);
        const unseen = query.unresolvedHttpIncludes();
        if (http && unseen.length > 0) {
          if (unknownDone.has(config.mainFile)) continue;
          unknownDone.add(config.mainFile);
          ctx.unknown({
            message: `No server_tokens off in this http block, but it includes ${argValue(unseen[0]!, 0)}, which is not in the repository and may set it`,
            span: blockHead(http),
            variables: [argValue(unseen[0]!, 0)],
            target: 'server_tokens',
          });
          continue;
        }
        if (http) {
          report({
            message: `No server_tokens off in this http block (nginx's default is on): every response names the nginx version`,
            span: blockHead(http),
            target: 'server_tokens',
          });
          continue;
        }
        if (unknownDone.has(config.mainFile)) continue;
        unknownDone.add(config.mainFile);
        ctx.unknown({
          message: `${serverLabel(query, server)} does not set server_tokens off, and the nginx.conf that includes this file is not in the repository: its default (on in Debian's and the official image's nginx.conf) decides whether the version is announced`,
          span: blockHead(server),
          variables: ['server_tokens in the system nginx.conf'],
          target: 'server_tokens',
        });
      }
    }
  },
});

/** The http block enclosing a server: in this configuration, or the repository's nginx.conf for a site file. */
function httpBlock(query: ReturnType<typeof q>, server: NginxDirective): NginxDirective | undefined {
  for (let p = server.parent; p; p = p.parent) if (p.name === 'http') return p;
  return query.enclosingHttp?.block;
}
