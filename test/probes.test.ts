import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildModel } from '../src/model/build.js';
import { accepted, clientRequest, healthProbes } from '../src/model/deployment/probes.js';

const req = (cmd: string) => clientRequest(cmd.split(' '));

describe('health-check clients', () => {
  it('curl: -f fails on >= 400, -L follows, bundled short options', () => {
    expect(req('curl -f http://localhost:8000/health/')).toMatchObject({ client: 'curl', redirects: 'stop', accepts: [[100, 399]] });
    expect(req('curl http://localhost:8000/health/')).toMatchObject({ redirects: 'stop', accepts: [[100, 599]] });
    expect(req('curl -fsSL http://localhost:8000/health/')).toMatchObject({ redirects: 'follow', accepts: [[100, 399]] });
    expect(req('curl --fail --location -o /dev/null http://localhost:8000/h')).toMatchObject({ redirects: 'follow' });
    expect(req('curl -fsS -H Host:shop.example.com http://localhost:8000/h')?.headers).toEqual([{ name: 'Host', value: 'shop.example.com' }]);
  });

  it('curl: requests it cannot follow are left out', () => {
    expect(req('curl -f --unix-socket /run/g.sock http://localhost/health/')).toBeUndefined();
    expect(req('curl -fI http://localhost:8000/health/')).toBeUndefined();
    expect(req('curl -f http://localhost:$PORT/health/')).toBeUndefined();
    expect(req('curl -f http://a/ http://b/')).toBeUndefined();
    expect(req('curl --some-new-option http://localhost:8000/')).toBeUndefined();
  });

  it('wget follows redirects and fails on >= 400; --max-redirect is left out', () => {
    expect(req('wget -q --spider http://localhost:8000/health/')).toMatchObject({ client: 'wget', redirects: 'follow', accepts: [[100, 399]] });
    expect(req('wget -qO- http://127.0.0.1:8000/health/')).toMatchObject({ client: 'wget' });
    expect(req('wget -q -O /dev/null http://127.0.0.1:8000/health/')).toMatchObject({ client: 'wget' });
    expect(req('wget --max-redirect=0 http://localhost:8000/')).toBeUndefined();
  });

  it('python urllib: only a bare urlopen whose exception is the exit status', () => {
    expect(clientRequest(['python', '-c', "import urllib.request; urllib.request.urlopen('http://localhost:8000/h/', timeout=3)"])).toMatchObject({ client: 'python-urllib', redirects: 'follow' });
    expect(clientRequest(['python3', '-c', "import urllib.request\ntry:\n urllib.request.urlopen('http://localhost:8000/h/')\nexcept Exception: pass"])).toBeUndefined();
    expect(clientRequest(['python', '-c', "import requests; requests.get('http://localhost:8000/h/')"])).toBeUndefined();
  });
});

describe('probes in the model', () => {
  it('ties Dockerfile, compose, Kubernetes and Terraform probes to the app server and project', async () => {
    const k8s = healthProbes(await buildModel(join(import.meta.dirname, '..', 'fixtures', 'xf-health-hardened')));
    expect(k8s.map((p) => [p.source, p.path, p.port, p.client, p.project?.root]).sort()).toEqual(
      [
        ['compose', '/-/ready', 8000, 'wget', ''],
        ['compose', '/health/', 8001, 'python-urllib', ''],
        ['dockerfile', '/health/', 8000, 'curl', ''],
        ['kubernetes', '/-/live', 8000, 'kubelet', ''],
        ['kubernetes', '/-/ready', 8000, 'kubelet', ''],
        ['kubernetes', '/health/', 8000, 'kubelet', ''],
        ['terraform', '/health/', 8000, 'aws-alb', ''],
      ].sort(),
    );
    const startup = k8s.find((p) => p.label.startsWith('the startupProbe'))!;
    expect(startup.hostHeader).toBe('shop.example.com');
    expect(k8s.find((p) => p.label.startsWith('the livenessProbe'))!.hostHeader).toBe('pod-ip');
    const alb = k8s.find((p) => p.client === 'aws-alb')!;
    expect(accepted(alb, 200)).toBe(true);
    expect(accepted(alb, 301)).toBe(false);
  });
});
