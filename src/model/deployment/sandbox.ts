import type { Span } from '../../core/position.js';
import { splitWords } from '../../parse/systemd/exec.js';
import { entriesOf, lastEntry, parseBoolean } from '../systemd/query.js';
import type { SystemdEntry, SystemdUnit } from '../systemd/types.js';
import { isWithin, normalisePath } from './writes.js';

/**
 * What a systemd service may write to, from its file-system sandboxing (systemd.exec(5), and the
 * mount tables of src/core/namespace.c):
 *
 * - ProtectSystem=yes: /usr, /boot and /efi read-only; =full adds /etc; =strict makes the whole
 *   hierarchy read-only except the API file systems /dev, /proc and /sys and the home directories
 *   /home, /root and /run/user, which ProtectHome= governs.
 * - ProtectHome=yes: /home, /root and /run/user inaccessible; =read-only: read-only; =tmpfs: an
 *   empty read-only tmpfs on each.
 * - DynamicUser=yes implies ProtectSystem=strict, ProtectHome=read-only and PrivateTmp=yes (when
 *   not set stronger).
 * - PrivateTmp=yes: a private, writable /tmp and /var/tmp.
 * - ReadWritePaths=, BindPaths= (destination), TemporaryFileSystem= (unless `ro`) and the
 *   directories of StateDirectory= (/var/lib), CacheDirectory= (/var/cache), LogsDirectory=
 *   (/var/log) and RuntimeDirectory= (/run) are writable; ReadOnlyPaths= and BindReadOnlyPaths=
 *   read-only; InaccessiblePaths= inaccessible. The deepest path wins: a ReadWritePaths= nested in
 *   a read-only tree is writable, and the other way round.
 */
export type Access = 'rw' | 'ro' | 'none';

export interface SandboxRule {
  path: string;
  access: Access;
  /** The unit line responsible (undefined for the implicit API file systems). */
  entry?: SystemdEntry;
  /** Why, for messages: "ProtectSystem=strict", "ReadWritePaths=". */
  why: string;
}

export interface Sandbox {
  rules: SandboxRule[];
  /** The line that makes the file system read-only (ProtectSystem=, DynamicUser=, ProtectHome=, ...). */
  protectedBy?: SystemdEntry;
  /** Set when part of the sandbox cannot be read (a specifier, RootDirectory=): decisions are unsure. */
  opaque?: string;
}

export interface Verdict {
  access: Access;
  rule?: SandboxRule;
}

const EXEC_DIRS: Array<[key: string, base: string]> = [
  ['StateDirectory', '/var/lib'],
  ['CacheDirectory', '/var/cache'],
  ['LogsDirectory', '/var/log'],
  ['RuntimeDirectory', '/run'],
];

/** Specifiers with a fixed meaning for system services; any other makes the path unknown. */
const SPECIFIERS: Record<string, string> = { '%S': '/var/lib', '%C': '/var/cache', '%L': '/var/log', '%t': '/run', '%T': '/tmp', '%V': '/var/tmp', '%%': '%' };

function resolveSpecifiers(path: string): string | undefined {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const spec = path.slice(i, i + 2);
    const v = SPECIFIERS[spec];
    if (v === undefined) return undefined;
    out += v;
    i++;
  }
  return out;
}

function words(entry: SystemdEntry): string[] {
  return splitWords(entry.value).words.map((w) => w.text);
}

export function serviceSandbox(unit: SystemdUnit): Sandbox {
  const rules: SandboxRule[] = [];
  const sandbox: Sandbox = { rules };
  const svc = (key: string) => lastEntry(unit, 'Service', key);
  const dynamic = svc('DynamicUser');
  const dynamicOn = dynamic !== undefined && parseBoolean(dynamic.value) === true;

  // ProtectSystem=
  const ps = svc('ProtectSystem');
  let system = ps && ps.value !== '' ? ps.value.trim().toLowerCase() : 'no';
  const sysBool = parseBoolean(system);
  if (sysBool !== undefined) system = sysBool ? 'yes' : 'no';
  let systemEntry = ps;
  if (system === 'no' && dynamicOn) {
    system = 'strict';
    systemEntry = dynamic;
  }
  if (!['no', 'yes', 'full', 'strict'].includes(system)) sandbox.opaque = `ProtectSystem=${ps?.value ?? ''} is not a value systemd knows`;
  const sysWhy = systemEntry === dynamic && dynamicOn ? 'DynamicUser=yes (implies ProtectSystem=strict)' : `ProtectSystem=${ps?.value ?? ''}`;
  if (system === 'strict') {
    rules.push({ path: '/', access: 'ro', entry: systemEntry, why: sysWhy });
    for (const p of ['/proc', '/sys', '/dev']) rules.push({ path: p, access: 'rw', why: 'left writable by ProtectSystem=strict' });
  } else if (system === 'yes' || system === 'full') {
    for (const p of ['/usr', '/boot', '/efi', ...(system === 'full' ? ['/etc'] : [])]) rules.push({ path: p, access: 'ro', entry: systemEntry, why: sysWhy });
  }
  if (system !== 'no') sandbox.protectedBy = systemEntry;

  // ProtectHome=
  const ph = svc('ProtectHome');
  let home = ph && ph.value !== '' ? ph.value.trim().toLowerCase() : 'no';
  const homeBool = parseBoolean(home);
  if (homeBool !== undefined) home = homeBool ? 'yes' : 'no';
  let homeEntry = ph;
  if (home === 'no' && dynamicOn) {
    home = 'read-only';
    homeEntry = dynamic;
  }
  const homeWhy = homeEntry === dynamic && dynamicOn ? 'DynamicUser=yes (implies ProtectHome=read-only)' : `ProtectHome=${ph?.value ?? ''}`;
  if (home === 'yes' || home === 'read-only' || home === 'tmpfs') {
    for (const p of ['/home', '/root', '/run/user']) rules.push({ path: p, access: home === 'yes' ? 'none' : 'ro', entry: homeEntry, why: homeWhy });
    sandbox.protectedBy ??= homeEntry;
  } else if (home !== 'no') sandbox.opaque ??= `ProtectHome=${ph?.value ?? ''} is not a value systemd knows`;
  else if (system === 'strict') {
    // strict leaves the home directories to ProtectHome=, which is off.
    for (const p of ['/home', '/root', '/run/user']) rules.push({ path: p, access: 'rw', why: 'left writable by ProtectSystem=strict (ProtectHome= is off)' });
  }

  // PrivateTmp=
  const pt = svc('PrivateTmp');
  if ((pt && parseBoolean(pt.value) === true) || dynamicOn) {
    for (const p of ['/tmp', '/var/tmp']) rules.push({ path: p, access: 'rw', ...(pt ? { entry: pt } : {}), why: pt ? 'PrivateTmp=yes' : 'DynamicUser=yes (implies PrivateTmp=yes)' });
  }

  for (const key of ['RootDirectory', 'RootImage', 'RootEphemeral', 'MountImages', 'ExtensionImages']) {
    const e = svc(key);
    if (e && e.value !== '' && !(key === 'RootEphemeral' && parseBoolean(e.value) === false)) sandbox.opaque ??= `${key}= changes the file system the service sees`;
  }

  const listed = (key: string, access: Access, transform: (word: string) => string | undefined = (w) => w): void => {
    for (const e of entriesOf(unit, 'Service', key)) {
      for (const w of words(e)) {
        const raw = transform(w);
        if (raw === undefined) continue;
        const path = resolveSpecifiers(raw.replace(/^[-+]+/, ''));
        if (path === undefined || !path.startsWith('/') || path.includes('$')) {
          sandbox.opaque ??= `${key}=${w} cannot be resolved here`;
          continue;
        }
        if (/^[-+]*\+/.test(raw) && svc('RootDirectory')) continue;
        rules.push({ path: normalisePath(path), access, entry: e, why: `${key}=` });
      }
    }
  };
  listed('ReadWritePaths', 'rw');
  listed('ReadOnlyPaths', 'ro');
  listed('InaccessiblePaths', 'none');
  // BindPaths=SRC[:DEST[:OPTIONS]]: the destination (or the source) becomes the source's tree, writable.
  const bindDest = (w: string) => {
    const parts = w.split(':');
    return parts[1] && parts[1] !== '' ? parts[1] : parts[0];
  };
  listed('BindPaths', 'rw', bindDest);
  listed('BindReadOnlyPaths', 'ro', bindDest);
  for (const e of entriesOf(unit, 'Service', 'TemporaryFileSystem')) {
    for (const w of words(e)) {
      const [p, opts] = [w.split(':')[0]!, w.split(':').slice(1).join(':')];
      const path = resolveSpecifiers(p);
      if (!path || !path.startsWith('/')) {
        sandbox.opaque ??= `TemporaryFileSystem=${w} cannot be resolved here`;
        continue;
      }
      rules.push({ path: normalisePath(path), access: opts.split(',').includes('ro') ? 'ro' : 'rw', entry: e, why: 'TemporaryFileSystem=' });
    }
  }
  for (const [key, base] of EXEC_DIRS) {
    for (const e of entriesOf(unit, 'Service', key)) {
      for (const w of words(e)) {
        // `name` or (systemd 254+) `name:symlink`: both live under the base directory.
        for (const part of w.split(':')) {
          if (part === '' || part.includes('%') || part.includes('$')) {
            if (part !== '') sandbox.opaque ??= `${key}=${w} cannot be resolved here`;
            continue;
          }
          rules.push({ path: normalisePath(`${base}/${part}`), access: 'rw', entry: e, why: `${key}=` });
        }
      }
    }
  }
  if (entriesOf(unit, 'Service', 'ConfigurationDirectory').length > 0) {
    // Made available under /etc; whether it is writable depends on the systemd version.
    for (const e of entriesOf(unit, 'Service', 'ConfigurationDirectory')) for (const w of words(e)) rules.push({ path: normalisePath(`/etc/${w}`), access: 'rw', entry: e, why: 'ConfigurationDirectory=' });
  }
  return sandbox;
}

/**
 * What the service may do at a path: the deepest rule that covers it decides. Undefined when two
 * rules of the same depth disagree or a writable path is nested in an inaccessible tree (systemd
 * versions differ there).
 */
export function accessAt(sandbox: Sandbox, path: string): Verdict | undefined {
  const p = normalisePath(path);
  const covering = sandbox.rules.filter((r) => isWithin(p, r.path));
  if (covering.length === 0) return { access: 'rw' };
  const depth = (r: SandboxRule) => (r.path === '/' ? 0 : r.path.split('/').length);
  const deepest = Math.max(...covering.map(depth));
  const top = covering.filter((r) => depth(r) === deepest);
  if (top.some((r) => r.access !== top[0]!.access)) return undefined;
  const rule = top[top.length - 1]!;
  if (rule.access === 'rw' && covering.some((r) => r.access === 'none' && depth(r) < deepest)) return undefined;
  return { access: rule.access, rule };
}

/** The spans of the lines that decide a verdict, for related locations. */
export function verdictSpan(v: Verdict): Span | undefined {
  return v.rule?.entry?.span;
}
