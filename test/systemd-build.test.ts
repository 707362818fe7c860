import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../src/model/build.js';
import { entriesOf, lastValue, mainCommand, parseTimespan, serviceType, valueRangeSpan } from '../src/model/systemd/query.js';
import type { SystemdUnit } from '../src/model/systemd/types.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The model of a repository holding these files. */
async function model(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'sd-build-'));
  dirs.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return buildModel(root);
}

async function units(files: Record<string, string>): Promise<SystemdUnit[]> {
  return (await model(files)).systemdUnits;
}

const GUNICORN = `[Unit]
Description=gunicorn daemon
Requires=gunicorn.socket
After=network.target

[Service]
User=www-data
ExecStart=/srv/venv/bin/gunicorn --workers 3 app.wsgi
Environment=A=1

[Install]
WantedBy=multi-user.target
`;

describe('systemd model builder', () => {
  it('applies drop-ins in lexical order; an empty ExecStart= in a drop-in resets the list', async () => {
    const [u] = await units({
      'deploy/systemd/gunicorn.service': GUNICORN,
      'deploy/systemd/gunicorn.service.d/20-env.conf': '[Service]\nEnvironment=C=3\n',
      'deploy/systemd/gunicorn.service.d/10-override.conf': '[Service]\nExecStart=\nExecStart=/srv/venv/bin/gunicorn --workers 5 app.wsgi\nUser=app\nEnvironment=B=2\n',
    });
    expect(u!.name).toBe('gunicorn.service');
    expect(u!.type).toBe('service');
    expect(u!.dropIns).toEqual(['deploy/systemd/gunicorn.service.d/10-override.conf', 'deploy/systemd/gunicorn.service.d/20-env.conf']);
    const starts = entriesOf(u!, 'Service', 'ExecStart');
    expect(starts.map((e) => [e.file, e.span.start.line, e.value])).toEqual([
      ['deploy/systemd/gunicorn.service.d/10-override.conf', 3, '/srv/venv/bin/gunicorn --workers 5 app.wsgi'],
    ]);
    expect(u!.resets.map((e) => `${e.file}:${e.span.start.line} ${e.key}`)).toEqual(['deploy/systemd/gunicorn.service.d/10-override.conf:2 ExecStart']);
    expect(entriesOf(u!, 'Service', 'Environment').map((e) => e.value)).toEqual(['A=1', 'B=2', 'C=3']);
    expect(lastValue(u!, 'Service', 'User')).toBe('app');
    expect(entriesOf(u!, 'Service', 'User')).toHaveLength(2);
    expect(u!.assignments.filter((a) => a.key === 'ExecStart')).toHaveLength(3);
    expect(u!.role).toBe('production');
    expect(mainCommand(u!)!.command.args.map((w) => w.text)).toEqual(['--workers', '5', 'app.wsgi']);
  });

  it('reads dash-prefix and template drop-in directories; the more specific file of the same name wins', async () => {
    const us = await units({
      'units/app@.service': '[Service]\nExecStart=/srv/bin/run %i\nUser=app\n',
      'units/app@blue.service': '[Service]\nExecStart=/srv/bin/run blue\nUser=app\n',
      'units/app@.service.d/limits.conf': '[Service]\nLimitNOFILE=4096\n',
      'units/app-worker.service': '[Service]\nExecStart=/srv/bin/worker\n',
      'units/app-.service.d/10-common.conf': '[Service]\nUser=shared\n',
      'units/app-worker.service.d/10-common.conf': '[Service]\nUser=worker\n',
    });
    const byName = new Map(us.map((u) => [u.name, u]));
    const tpl = byName.get('app@.service')!;
    expect(tpl.template).toBe(true);
    expect(tpl.dropIns).toEqual(['units/app@.service.d/limits.conf']);
    const blue = byName.get('app@blue.service')!;
    expect(blue.template).toBe(false);
    expect(blue.instance).toBe('blue');
    expect(blue.dropIns).toEqual(['units/app@.service.d/limits.conf']);
    const worker = byName.get('app-worker.service')!;
    expect(worker.dropIns).toEqual(['units/app-worker.service.d/10-common.conf']);
    expect(lastValue(worker, 'Service', 'User')).toBe('worker');
  });

  it('builds socket and timer units with their own sections', async () => {
    const us = await units({
      'systemd/gunicorn.socket': '[Unit]\nDescription=gunicorn socket\n\n[Socket]\nListenStream=/run/gunicorn.sock\nSocketUser=www-data\n\n[Install]\nWantedBy=sockets.target\n',
      'systemd/cleanup.timer': '[Timer]\nOnCalendar=daily\nPersistent=true\n',
    });
    const sock = us.find((u) => u.type === 'socket')!;
    expect(lastValue(sock, 'Socket', 'ListenStream')).toBe('/run/gunicorn.sock');
    expect(sock.problems).toEqual([]);
    const timer = us.find((u) => u.type === 'timer')!;
    expect(lastValue(timer, 'Timer', 'OnCalendar')).toBe('daily');
  });

  it('ignores sections the unit type does not have, notes unknown keys, and points at section headers', async () => {
    const [u] = await units({
      'app.service': '[Unit]\nDescription=x\n[service]\nUser=www-data\n[Service]\nExecStart=/bin/true\nRestrat=always\nX-Custom=1\n',
    });
    expect(u!.problems.map((p) => [p.kind, p.message, p.span.start.line])).toEqual([
      ['unknown-section', "Unknown section 'service'. Ignoring.", 3],
      ['unknown-key', "Unknown key 'Restrat' in section [Service], ignoring.", 7],
    ]);
    expect(lastValue(u!, 'Service', 'User')).toBeUndefined();
    expect(u!.sections.map((s) => [s.name, s.span.start.line])).toEqual([
      ['Unit', 1],
      ['service', 3],
      ['Service', 5],
    ]);
    expect(u!.span.start.line).toBe(1);
  });

  it('tells development units by their path', async () => {
    const us = await units({
      'deploy/dev/app.service': '[Service]\nExecStart=/bin/true\n',
      'deploy/app-local.service': '[Service]\nExecStart=/bin/true\n',
      'deploy/production/app.service': '[Service]\nExecStart=/bin/true\n',
    });
    expect(us.map((u) => [u.file, u.role])).toEqual([
      ['deploy/app-local.service', 'development'],
      ['deploy/dev/app.service', 'development'],
      ['deploy/production/app.service', 'production'],
    ]);
  });

  it('a binary unit file becomes a notice, not a unit and not a crash', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sd-build-'));
    dirs.push(root);
    writeFileSync(join(root, 'bad.service'), Buffer.from([0x5b, 0x00, 0x01, 0x02]));
    const model = await buildModel(root);
    expect(model.systemdUnits).toEqual([]);
    expect(model.notices.some((n) => n.kind === 'binary' && n.file === 'bad.service')).toBe(true);
  });

  it('resolves Type= and positions within a continued value', async () => {
    const [u] = await units({ 'a.service': '[Service]\nExecStart=/srv/venv/bin/gunicorn \\\n  --reload app.wsgi\n' });
    expect(serviceType(u!)).toBe('simple');
    const { entry, command } = mainCommand(u!)!;
    const w = command.args[0]!;
    const s = valueRangeSpan(entry, w.start, w.end);
    expect([s.start.line, s.start.column, s.end.column]).toEqual([3, 3, 11]);
  });

  it('parses time spans as systemd does', () => {
    expect(parseTimespan('90')).toBe(90);
    expect(parseTimespan('1min 30s')).toBe(90);
    expect(parseTimespan('2h30min')).toBe(9000);
    expect(parseTimespan('500ms')).toBe(0.5);
    expect(parseTimespan('infinity')).toBe(Infinity);
    expect(parseTimespan('5x')).toBeUndefined();
  });
});

describe('files named like units that are not systemd units', () => {
  it('Avahi service definitions (XML) and D-Bus activation files are set aside with a notice, not judged', async () => {
    const m = await model({
      'etc/avahi/services/ssh.service': '<?xml version="1.0" standalone=\'no\'?>\n<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n<service-group>\n  <name replace-wildcards="yes">%h</name>\n  <service>\n    <type>_ssh._tcp</type>\n    <port>22</port>\n  </service>\n</service-group>\n',
      'usr/share/dbus-1/services/org.example.Shop.service': '[D-BUS Service]\nName=org.example.Shop\nExec=/usr/bin/shop-dbus\nUser=shop\n',
      'deploy/gunicorn.service': GUNICORN,
    });
    expect(m.systemdUnits.map((u) => u.file)).toEqual(['deploy/gunicorn.service']);
    expect(m.notices.filter((n) => n.message.includes('not a systemd unit')).map((n) => `${n.file}: ${n.message}`)).toEqual([
      'etc/avahi/services/ssh.service: an XML file (an Avahi service definition, or the like), not a systemd unit; not checked',
      'usr/share/dbus-1/services/org.example.Shop.service: a D-Bus activation file ([D-BUS Service]), not a systemd unit; not checked',
    ]);
  });
});
