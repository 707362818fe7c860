import { defineRule } from '../../src/engine/rule.js';
import { entriesOf, lastValue, unitNames } from '../../src/model/systemd/query.js';
import type { SystemdUnit } from '../../src/model/systemd/types.js';
import { GUNICORN_DEPLOY, invocations, isProductionService, optionValues, socketsPassedTo, SYSTEMD_SOCKET, SYSTEMD_SERVICE, type Invocation, type Word } from './SYS0.common.js';

export default defineRule({
  meta: {
    id: 'SYS012',
    name: 'SocketNotUsedByServer',
    title: 'A socket unit the app server never receives or never uses',
    severity: 'high',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "Checks the wiring between a service and the socket units of the repository. Reports a service that depends on a socket unit which does not pass it its socket (the socket activates a differently named service, has no Service= naming this one, and the service has no Sockets=), when the server binds an address other than the socket's; and a service that does receive the socket but runs uvicorn or daphne without --fd, so the server binds its own address and never accepts on the inherited one. gunicorn and uWSGI pick an inherited socket up by themselves (gunicorn then ignores --bind).",
      whyIsThisBad:
        "nginx proxies to the socket unit's address, but no process accepts connections there: the first request activates a service that does not exist (or one that ignores the socket) and requests hang until nginx times out with 502/504, while the app listens somewhere nginx does not look.",
      example: '# gunicorn.socket: ListenStream=/run/gunicorn.sock\n# shop.service:\n[Unit]\nRequires=gunicorn.socket\n[Service]\nExecStart=/srv/app/venv/bin/gunicorn --bind unix:/run/shop.sock shop.wsgi',
      useInstead: '# name the service after the socket (gunicorn.service), or in shop.service:\n[Service]\nSockets=gunicorn.socket\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi',
    },
    fix: 'Give the service and the socket the same name (gunicorn.socket / gunicorn.service), or set Sockets= in the service (or Service= in the socket); for uvicorn and daphne add --fd 3 so they accept on the inherited socket.',
    references: [`${SYSTEMD_SOCKET}#Service=`, `${SYSTEMD_SERVICE}#Sockets=`, `${GUNICORN_DEPLOY}#systemd`, 'https://www.uvicorn.org/settings/#socket-binding'],
    tags: ['systemd', 'app-server', 'deployment'],
  },
  scope: 'systemd',
  check(unit, ctx, model) {
    if (!isProductionService(unit)) return;
    const servers = invocations(unit).filter((i) => ['gunicorn', 'uvicorn', 'daphne'].includes(i.tool));
    if (servers.length !== 1) return;
    const server = servers[0]!;
    const passed = socketsPassedTo(unit, model);
    const byName = new Map(model.systemdUnits.filter((u) => u.type === 'socket').map((u) => [u.name, u]));

    for (const dep of ['Requires', 'BindsTo', 'Wants', 'PartOf'].flatMap((k) => unitNames(unit, 'Unit', k))) {
      const sock = byName.get(dep.name);
      if (!sock || passed.includes(sock)) continue;
      const listens = listenAddresses(sock);
      const binds = serverAddresses(server);
      if (listens.length === 0 || !binds) continue;
      if (binds.some((b) => listens.some((l) => sameAddress(b.address, l)))) continue;
      const target = lastValue(sock, 'Socket', 'Service') ?? sock.name.replace(/\.socket$/, '.service');
      ctx.report({
        message: `${unit.name} depends on ${sock.name} but does not receive its socket (${sock.name} activates ${target}${model.systemdUnits.some((u) => u.name === target) ? '' : ', which is not in the repository'}); ${server.tool} binds ${binds.map((b) => b.address).join(', ')} while the socket listens on ${listens.join(', ')}, so requests sent to the socket reach no server; add Sockets=${sock.name} or rename the service after the socket`,
        span: dep.span,
        target: `${unit.name}:${sock.name}`,
        related: binds.filter((b) => b.word).map((b) => ({ span: b.word!.span, message: `${server.tool} binds ${b.address}` })),
      });
    }

    if (passed.length > 0 && (server.tool === 'uvicorn' || server.tool === 'daphne') && optionValues(server.args, ['--fd']).length === 0 && !server.args.some((a) => a.text.includes('systemd'))) {
      ctx.report({
        message: `${unit.name} is activated by ${passed.map((s) => s.name).join(', ')} but runs ${server.tool} without --fd: ${server.tool} ignores the inherited socket and binds its own address, so connections to the socket unit are never accepted; add --fd 3`,
        span: server.program.span,
        target: `${unit.name}:${server.tool}:fd`,
      });
    }
  },
});

/** ListenStream= addresses of a socket unit, normalised. */
function listenAddresses(sock: SystemdUnit): string[] {
  return entriesOf(sock, 'Socket', 'ListenStream').map((e) => normaliseListen(e.value)).filter((a): a is string => a !== undefined);
}

function normaliseListen(v: string): string | undefined {
  if (v.startsWith('/') || v.startsWith('@')) return `unix:${v}`;
  if (/^\d+$/.test(v)) return `*:${v}`;
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(v);
  if (m) return `${m[1] ?? m[2]}:${m[3]}`;
  return undefined;
}

/** The addresses the server binds by itself; undefined when they cannot be told from the command line. */
function serverAddresses(inv: Invocation): Array<{ address: string; word?: Word }> | undefined {
  if (inv.tool === 'gunicorn') {
    if (optionValues(inv.args, ['--config'], ['-c']).length > 0) return undefined;
    const binds = optionValues(inv.args, ['--bind'], ['-b']);
    if (binds.length === 0) return [{ address: '127.0.0.1:8000' }];
    const out: Array<{ address: string; word?: Word }> = [];
    for (const b of binds) {
      if (b.text.startsWith('fd://')) return undefined;
      if (b.text.startsWith('unix:')) out.push({ address: b.text, word: b });
      else if (/^(?:\[[^\]]+\]|[^:]+):\d+$/.test(b.text)) out.push({ address: b.text.replace(/^\[([^\]]+)\]/, '$1'), word: b });
      else if (/^[^:]+$/.test(b.text)) out.push({ address: `${b.text}:8000`, word: b });
      else return undefined;
    }
    return out;
  }
  if (inv.tool === 'uvicorn') {
    const uds = optionValues(inv.args, ['--uds'])[0];
    if (uds) return [{ address: `unix:${uds.text}`, word: uds }];
    const host = optionValues(inv.args, ['--host'])[0];
    const port = optionValues(inv.args, ['--port'])[0];
    return [{ address: `${host?.text ?? '127.0.0.1'}:${port?.text ?? '8000'}`, word: host ?? port }];
  }
  if (inv.tool === 'daphne') {
    const unix = optionValues(inv.args, ['--unix-socket'], ['-u'])[0];
    if (unix) return [{ address: `unix:${unix.text}`, word: unix }];
    const host = optionValues(inv.args, ['--bind'], ['-b'])[0];
    const port = optionValues(inv.args, ['--port'], ['-p'])[0];
    return [{ address: `${host?.text ?? '127.0.0.1'}:${port?.text ?? '8000'}`, word: host ?? port }];
  }
  return undefined;
}

function sameAddress(bind: string, listen: string): boolean {
  if (bind.startsWith('unix:') || listen.startsWith('unix:')) return bind === listen;
  const [bh, bp] = [bind.slice(0, bind.lastIndexOf(':')), bind.slice(bind.lastIndexOf(':') + 1)];
  const [lh, lp] = [listen.slice(0, listen.lastIndexOf(':')), listen.slice(listen.lastIndexOf(':') + 1)];
  if (bp !== lp) return false;
  const wild = (h: string) => h === '*' || h === '0.0.0.0' || h === '::';
  return bh === lh || wild(bh) || wild(lh);
}
