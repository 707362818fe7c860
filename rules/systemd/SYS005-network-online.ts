import { defineRule } from '../../src/engine/rule.js';
import { unitNames } from '../../src/model/systemd/query.js';
import { invocations, isProductionService, NETWORK_ONLINE, optionValues, SYSTEMD_UNIT } from './SYS0.common.js';

const ONLINE = 'network-online.target';

export default defineRule({
  meta: {
    id: 'SYS005',
    name: 'NetworkOnlineOrdering',
    title: 'network-online.target ordered without being pulled in (or the reverse)',
    severity: 'low',
    section: 'process-manager',
    docs: {
      whatItDoes:
        'Reports a production service with After=network-online.target but no Wants= (or Requires=) on it, or the reverse, and a server that binds one specific non-loopback IP address with no ordering after network-online.target at all. Plain After=network.target is not reported by itself: binding to a Unix socket, a loopback or a wildcard address does not need the network to be up.',
      whyIsThisBad:
        "After= only orders: network-online.target is not started unless something wants it, so the ordering silently does nothing and the service may start before addresses are configured. Wants= alone starts the target but does not wait for it. A server binding a specific address (gunicorn --bind 10.0.0.5:8000) then fails at boot with 'Cannot assign requested address'.",
      example: '[Unit]\nAfter=network-online.target',
      useInstead: '[Unit]\nWants=network-online.target\nAfter=network-online.target',
    },
    fix: 'Use both lines in [Unit]: Wants=network-online.target and After=network-online.target (or bind to 0.0.0.0 / a Unix socket, which needs neither).',
    references: [NETWORK_ONLINE, `${SYSTEMD_UNIT}#Wants=`, `${SYSTEMD_UNIT}#Before=`],
    tags: ['systemd', 'boot'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    if (!isProductionService(unit)) return;
    const after = unitNames(unit, 'Unit', 'After').filter((n) => n.name === ONLINE);
    const pulled = ['Wants', 'Requires', 'BindsTo', 'Requisite'].flatMap((k) => unitNames(unit, 'Unit', k)).filter((n) => n.name === ONLINE);
    if (after.length > 0 && pulled.length === 0) {
      ctx.report({
        message: `${unit.name} orders itself After=${ONLINE} but never pulls it in: the target only starts if another unit wants it, so the ordering may do nothing; add Wants=${ONLINE}`,
        span: after[0]!.span,
        target: `${unit.name}:network-online`,
      });
      return;
    }
    if (pulled.length > 0 && after.length === 0) {
      ctx.report({
        message: `${unit.name} wants ${ONLINE} but is not ordered after it, so it starts without waiting for the network; add After=${ONLINE}`,
        span: pulled[0]!.span,
        target: `${unit.name}:network-online`,
      });
      return;
    }
    if (after.length > 0) return;
    for (const inv of invocations(unit)) {
      const binds = inv.tool === 'gunicorn' ? optionValues(inv.args, ['--bind'], ['-b']) : inv.tool === 'uvicorn' || inv.tool === 'daphne' ? optionValues(inv.args, ['--host'], inv.tool === 'daphne' ? ['-b'] : []) : [];
      const specific = binds.find((b) => specificAddress(b.text));
      if (!specific) continue;
      ctx.report({
        message: `${unit.name} binds ${specific.text}, a specific address, without Wants= and After=${ONLINE}: at boot the address may not be configured yet and the server fails with "Cannot assign requested address"`,
        span: specific.span,
        target: `${unit.name}:network-online`,
      });
      return;
    }
  },
});

/** A literal IP address other than loopback and wildcard (with an optional :port). */
function specificAddress(bind: string): boolean {
  if (bind.startsWith('unix:') || bind.startsWith('fd://') || bind.startsWith('/')) return false;
  let host = bind;
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(bind);
  if (v6) host = v6[1]!;
  else if (/^[\d.]+:\d+$/.test(bind)) host = bind.slice(0, bind.lastIndexOf(':'));
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return !host.startsWith('127.') && host !== '0.0.0.0';
  if (v6) return host !== '::' && host !== '::1';
  return false;
}
