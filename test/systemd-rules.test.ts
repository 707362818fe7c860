import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';

const FIXTURES = join(resolve(import.meta.dirname, '..'), 'fixtures');
const at = (f: { span: { file: string; start: { line: number; column: number }; end: { line: number; column: number } } }) =>
  `${f.span.file}:${f.span.start.line}:${f.span.start.column}-${f.span.end.line}:${f.span.end.column}`;

describe('systemd rules: spans and messages', () => {
  it('points at the exact word, inside continuations and sh -c scripts', async () => {
    const r = await runAudit({ root: join(FIXTURES, 'sd-dev-servers') });
    const find = (id: string, file: string) => r.findings.filter((f) => f.ruleId === id && f.span.file.endsWith(file)).map(at);
    expect(find('SYS002', 'api.service')).toEqual(['deploy/systemd/api.service:14:5-14:13']);
    expect(find('SYS001', 'backoffice.service')).toEqual(['deploy/systemd/backoffice.service:7:83-7:86']);
    expect(find('SYS001', 'shop-runserver.service')).toEqual(['deploy/systemd/shop-runserver.service:11:57-11:66']);
    expect(find('SYS010', 'api.service')).toEqual(['deploy/systemd/api.service:8:6-8:12']);
  });

  it('never prints a secret from Environment= in full', async () => {
    const r = await runAudit({ root: join(FIXTURES, 'sd-security') });
    const sys007 = r.findings.filter((f) => f.ruleId === 'SYS007');
    expect(sys007.map(at)).toEqual(['deploy/systemd/shop.service:10:31-10:73', 'deploy/systemd/shop.service:12:27-12:80']);
    const text = JSON.stringify(r.findings);
    for (const secret of ['q8v!2m#zt0w9k3r7x1p5s4d6f8g0h2j4l6n8b0c2e4', 'Tr1cky-Passw0rd']) expect(text).not.toContain(secret);
    expect(sys007[0]!.message).toContain('q8****e4 (42 chars)');
    expect(sys007[1]!.message).toContain('Tr****rd (15 chars)');
  });

  it('names the exposure score, its band and the settings that cost most', async () => {
    const r = await runAudit({ root: join(FIXTURES, 'sd-digitalocean-gunicorn') });
    const [f] = r.findings.filter((x) => x.ruleId === 'SYS015');
    expect(f!.message).toMatch(/^gunicorn\.service: systemd-analyze security rates it 9\.2 UNSAFE/);
    expect(f!.message).toContain('CapabilityBoundingSet= (2.5)');
    expect(f!.message).toContain('SystemCallFilter=@system-service');
    expect(f!.message).not.toContain('PrivateNetwork=yes');
  });

  it('says what breaks and the fix for the process-manager rules', async () => {
    const r = await runAudit({ root: join(FIXTURES, 'sd-process-types') });
    const msg = (id: string, file: string) => r.findings.find((f) => f.ruleId === id && f.span.file.endsWith(file))!.message;
    expect(msg('SYS013', 'worker.service')).toContain('celery multi, which detaches into the background, as Type=simple (the default)');
    expect(msg('SYS003', 'web.service')).toContain('add Restart=on-failure');
    expect(msg('SYS008', 'legacy.service')).toContain('KillMode=none');
  });

  it('a hardened deployment passes every systemd rule that applies', async () => {
    const r = await runAudit({ root: join(FIXTURES, 'sd-hardened') });
    const sys = r.outcomes.filter((o) => o.meta.id.startsWith('SYS'));
    expect(sys.length).toBe(18);
    expect(sys.filter((o) => o.status === 'fail' || o.status === 'unknown').map((o) => o.meta.id)).toEqual([]);
    expect(sys.filter((o) => o.status === 'pass').length).toBe(18);
  });
});
