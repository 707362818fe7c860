/**
 * The health-check clients' behaviour the probe model assumes (src/model/deployment/probes.ts:
 * which final statuses count as success, which clients follow redirects), checked with the real
 * curl, wget and python urllib against a local plain-HTTP server that answers 200, 404, an
 * APPEND_SLASH-style relative 301, and a SECURE_SSL_REDIRECT-style 301 to https:// on the same port.
 * Missing clients skip locally; with AUDIT_DEPLOY_PROBE_CLIENTS_REQUIRED set (.ci/run) they fail.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientRequest } from '../src/model/deployment/probes.js';

const PYTHON = '/usr/bin/python3';
const have = (bin: string) => ['/usr/bin', '/bin', '/usr/local/bin'].some((d) => existsSync(`${d}/${bin}`));
const clients = { curl: have('curl'), wget: have('wget'), python: existsSync(PYTHON) };
const missing = Object.entries(clients).filter(([, v]) => !v).map(([k]) => k);

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/ok' || path === '/slash/') res.writeHead(200).end('ok');
    else if (path === '/slash') res.writeHead(301, { Location: '/slash/' }).end();
    else if (path === '/tls') res.writeHead(301, { Location: `https://localhost:${port}/tls` }).end();
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function run(argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    execFile(argv[0] === 'python3' ? PYTHON : argv[0]!, argv.slice(1), { timeout: 20_000 }, (err) => {
      resolve(err ? (typeof err.code === 'number' ? err.code : 1) : 0);
    });
  });
}

/** What the model predicts: success or failure of the command for a path on the test server. */
function predicted(argv: string[], path: string): boolean {
  const req = clientRequest(argv)!;
  const ok = (s: number) => req.accepts.some(([lo, hi]) => s >= lo && s <= hi);
  const first = path === '/ok' || path === '/slash/' ? 200 : path === '/slash' || path === '/tls' ? 301 : 404;
  if (first !== 301 || req.redirects === 'stop') return ok(first);
  // Followed: the relative redirect reaches 200; the https:// one meets a plain-HTTP server (TLS fails).
  return path === '/slash' ? ok(200) : false;
}

const COMMANDS: Array<(url: string) => string[]> = [
  (u) => ['curl', '-f', u],
  (u) => ['curl', '-s', '-o', '/dev/null', u],
  (u) => ['curl', '-fsSL', u],
  (u) => ['curl', '--fail', '--location', '--silent', u],
  (u) => ['wget', '-q', '--spider', '-t', '1', u],
  (u) => ['wget', '-qO-', '-t', '1', u],
  (u) => ['python3', '-c', `import urllib.request; urllib.request.urlopen('${u}', timeout=5)`],
];
const PATHS = ['/ok', '/missing', '/slash', '/tls'];

describe.skipIf(missing.length > 0 && !process.env.AUDIT_DEPLOY_PROBE_CLIENTS_REQUIRED)('health-check clients as the probe model reads them (real curl, wget, urllib)', () => {
  it('predicts each exit status', async () => {
    expect(missing, 'clients missing').toEqual([]);
    const wrong: string[] = [];
    for (const make of COMMANDS) {
      for (const path of PATHS) {
        const argv = make(`http://localhost:${port}${path}`);
        expect(clientRequest(argv), argv.join(' ')).toBeDefined();
        const code = await run(argv);
        if ((code === 0) !== predicted(argv, path)) wrong.push(`${argv.join(' ')}: exit ${code}, model says ${predicted(argv, path) ? 'success' : 'failure'}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});

if (missing.length > 0) console.warn(`health-check client test not run: missing ${missing.join(', ')}`);
