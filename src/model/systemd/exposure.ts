import type { SystemdEntry, SystemdUnit } from './types.js';
import { cutFromFirst } from '../../core/trim.js';
import { parseBoolean } from './query.js';
import { splitWords } from '../../parse/systemd/exec.js';
import { KNOWN_SYSCALLS, SYSCALL_GROUPS } from './syscall-groups.js';

/**
 * The exposure score of `systemd-analyze security`, computed from a service unit the way systemd
 * 252 computes it offline (src/analyze/analyze-security.c, and the unit loading it relies on:
 * load-fragment.c's parsers, unit_patch_contexts()'s implied settings):
 *
 *   badness_sum = Σ ceil(badness × weight / range),  weight_sum = Σ weight   (rows that do not apply skipped)
 *   exposure    = ceil(badness_sum × 100 / weight_sum), printed as exposure / 10 (0.0 to 10.0)
 *
 * over the 81 rows of systemd 252 (weights and ranges from `SYSTEMD_ANALYZE_DEBUG=1`). System call
 * groups are systemd 252's on x86-64. A value that cannot be known statically (a specifier in
 * User=, a system call group this table does not have) makes the whole score unknown.
 */

export interface ExposureRow {
  /** systemd-analyze's row name, e.g. "PrivateNetwork=" or "CapabilityBoundingSet=~CAP_SYS_ADMIN". */
  id: string;
  weight: number;
  range: number;
  /** undefined when the row does not apply (systemd prints no badness and leaves it out of both sums). */
  badness: number | undefined;
  /** ceil(badness × weight / range): what the row adds to the sum. */
  cost: number;
  /** The setting that decides it, when the unit sets one (for pointing at it). */
  entry?: SystemdEntry;
}

export interface Exposure {
  /** 0..100; systemd prints it divided by ten, e.g. 92 → "9.2". */
  exposure: number;
  /** "9.2" */
  score: string;
  band: 'DANGEROUS' | 'UNSAFE' | 'EXPOSED' | 'MEDIUM' | 'OK' | 'SAFE' | 'PERFECT';
  rows: ExposureRow[];
  badnessSum: number;
  weightSum: number;
}

const BANDS: Array<[number, Exposure['band']]> = [
  [100, 'DANGEROUS'],
  [90, 'UNSAFE'],
  [75, 'EXPOSED'],
  [50, 'MEDIUM'],
  [10, 'OK'],
  [1, 'SAFE'],
  [0, 'PERFECT'],
];

/** Linux capability numbers (linux/capability.h). */
const CAP: Record<string, number> = {
  CHOWN: 0, DAC_OVERRIDE: 1, DAC_READ_SEARCH: 2, FOWNER: 3, FSETID: 4, KILL: 5, SETGID: 6, SETUID: 7, SETPCAP: 8,
  LINUX_IMMUTABLE: 9, NET_BIND_SERVICE: 10, NET_BROADCAST: 11, NET_ADMIN: 12, NET_RAW: 13, IPC_LOCK: 14, IPC_OWNER: 15,
  SYS_MODULE: 16, SYS_RAWIO: 17, SYS_CHROOT: 18, SYS_PTRACE: 19, SYS_PACCT: 20, SYS_ADMIN: 21, SYS_BOOT: 22, SYS_NICE: 23,
  SYS_RESOURCE: 24, SYS_TIME: 25, SYS_TTY_CONFIG: 26, MKNOD: 27, LEASE: 28, AUDIT_WRITE: 29, AUDIT_CONTROL: 30, SETFCAP: 31,
  MAC_OVERRIDE: 32, MAC_ADMIN: 33, SYSLOG: 34, WAKE_ALARM: 35, BLOCK_SUSPEND: 36, AUDIT_READ: 37, PERFMON: 38, BPF: 39,
  CHECKPOINT_RESTORE: 40,
};
const ALL_CAPS = (1n << 64n) - 1n;
const bit = (...names: string[]) => names.reduce((m, n) => m | (1n << BigInt(CAP[n]!)), 0n);

const NAMESPACES = ['cgroup', 'ipc', 'net', 'mnt', 'pid', 'user', 'uts'] as const;
type Namespace = (typeof NAMESPACES)[number];

interface SecurityInfo {
  defaultDependencies: boolean;
  user: string | undefined;
  dynamicUser: boolean;
  supplementaryGroups: string[];
  bools: Record<string, boolean>;
  protectHome: string;
  protectSystem: string;
  rootDirectory: string;
  rootImage: string;
  capabilityBoundingSet: bigint;
  ambientCapabilities: bigint;
  umask: number;
  keyringMode: string;
  protectProc: string;
  procSubset: string;
  notifyAccess: string;
  afAllowList: boolean;
  /** undefined until the first RestrictAddressFamilies= (or after a reset). */
  afSet: Set<string> | undefined;
  /** Namespaces the service may create: all of them unless RestrictNamespaces= says otherwise. */
  namespacesAllowed: Set<Namespace>;
  syscallArchs: Set<string>;
  syscallAllowList: boolean;
  syscallFilter: Set<string> | undefined;
  delegate: boolean;
  devicePolicy: string;
  deviceAllow: number;
  ipDenyV4All: boolean;
  ipDenyV6All: boolean;
  ipAllowLocalhost: boolean;
  ipAllowOther: boolean;
  ipFilters: boolean;
  /** The entry behind each setting, for pointing at it. */
  entries: Map<string, SystemdEntry>;
}

const BOOL_KEYS = [
  'PrivateDevices', 'PrivateMounts', 'PrivateNetwork', 'PrivateTmp', 'PrivateUsers', 'ProtectControlGroups',
  'ProtectKernelModules', 'ProtectKernelTunables', 'ProtectKernelLogs', 'ProtectClock', 'ProtectHostname', 'LockPersonality',
  'MemoryDenyWriteExecute', 'NoNewPrivileges', 'RemoveIPC', 'RestrictRealtime', 'RestrictSUIDSGID', 'DynamicUser',
] as const;

/** The exposure of a service unit, or a reason it cannot be computed. */
export function computeExposure(unit: SystemdUnit): Exposure | { unknown: string } {
  // Asked by two rules (SYS015, SYS016) of every service unit: assessed once per unit.
  let exposure = exposures.get(unit);
  if (!exposure) {
    exposure = assessUnit(unit);
    exposures.set(unit, exposure);
  }
  return exposure;
}

const exposures = new WeakMap<SystemdUnit, Exposure | { unknown: string }>();

function assessUnit(unit: SystemdUnit): Exposure | { unknown: string } {
  if (unit.type !== 'service') return { unknown: 'not a service unit' };
  const info = securityInfo(unit);
  if ('unknown' in info) return info;
  return assess(info);
}

function securityInfo(unit: SystemdUnit): SecurityInfo | { unknown: string } {
  const i: SecurityInfo = {
    defaultDependencies: true,
    user: undefined,
    dynamicUser: false,
    supplementaryGroups: [],
    bools: Object.fromEntries(BOOL_KEYS.map((k) => [k, false])),
    protectHome: 'no',
    protectSystem: 'no',
    rootDirectory: '',
    rootImage: '',
    capabilityBoundingSet: ALL_CAPS,
    ambientCapabilities: 0n,
    umask: 0o022,
    keyringMode: 'private',
    protectProc: 'default',
    procSubset: 'all',
    notifyAccess: 'none',
    afAllowList: false,
    afSet: undefined,
    namespacesAllowed: new Set(NAMESPACES),
    syscallArchs: new Set(),
    syscallAllowList: false,
    syscallFilter: undefined,
    delegate: false,
    devicePolicy: 'auto',
    deviceAllow: 0,
    ipDenyV4All: false,
    ipDenyV6All: false,
    ipAllowLocalhost: false,
    ipAllowOther: false,
    ipFilters: false,
    entries: new Map(),
  };
  let namespacesInitial = true;
  let type = '';
  const ipDeny: Array<{ v6: boolean; prefix: number }> = [];
  const ipAllow: Array<{ localhost: boolean }> = [];

  for (const e of unit.assignments) {
    const v = e.value;
    const note = () => i.entries.set(e.key, e);
    if (e.section === 'Unit') {
      if (e.key === 'DefaultDependencies') {
        const b = parseBoolean(v);
        if (b !== undefined) i.defaultDependencies = b;
      }
      continue;
    }
    if (e.section !== 'Service') continue;
    if ((BOOL_KEYS as readonly string[]).includes(e.key)) {
      const b = parseBoolean(v);
      if (b !== undefined) {
        i.bools[e.key] = b;
        note();
      }
      continue;
    }
    switch (e.key) {
      case 'Type':
        type = v;
        break;
      case 'User':
        if (v.includes('%')) return { unknown: `User=${v} depends on a specifier` };
        i.user = v === '' ? undefined : v;
        note();
        break;
      case 'SupplementaryGroups':
        if (v === '') i.supplementaryGroups = [];
        else i.supplementaryGroups.push(...v.split(/\s+/).filter(Boolean));
        note();
        break;
      case 'ProtectHome': {
        const b = parseBoolean(v);
        if (b !== undefined) i.protectHome = b ? 'yes' : 'no';
        else if (v === 'read-only' || v === 'tmpfs') i.protectHome = v;
        else break;
        note();
        break;
      }
      case 'ProtectSystem': {
        const b = parseBoolean(v);
        if (b !== undefined) i.protectSystem = b ? 'yes' : 'no';
        else if (v === 'full' || v === 'strict') i.protectSystem = v;
        else break;
        note();
        break;
      }
      case 'RootDirectory':
        i.rootDirectory = v;
        note();
        break;
      case 'RootImage':
        i.rootImage = v;
        note();
        break;
      case 'CapabilityBoundingSet':
        i.capabilityBoundingSet = capabilitySet(i.capabilityBoundingSet, v, ALL_CAPS);
        note();
        break;
      case 'AmbientCapabilities':
        i.ambientCapabilities = capabilitySet(i.ambientCapabilities, v, 0n);
        note();
        break;
      case 'UMask':
        if (/^[0-7]{1,4}$/.test(v)) {
          i.umask = parseInt(v, 8);
          note();
        }
        break;
      case 'KeyringMode':
        if (['inherit', 'private', 'shared'].includes(v)) i.keyringMode = v;
        note();
        break;
      case 'ProtectProc':
        if (['noaccess', 'invisible', 'ptraceable', 'default'].includes(v)) i.protectProc = v;
        note();
        break;
      case 'ProcSubset':
        if (['all', 'pid'].includes(v)) i.procSubset = v;
        note();
        break;
      case 'NotifyAccess':
        if (['none', 'main', 'exec', 'all'].includes(v)) i.notifyAccess = v;
        note();
        break;
      case 'RestrictAddressFamilies':
        addressFamilies(i, v);
        note();
        break;
      case 'RestrictNamespaces': {
        const r = restrictNamespaces(i.namespacesAllowed, v, namespacesInitial);
        if (r) {
          i.namespacesAllowed = r.allowed;
          namespacesInitial = r.initial;
          note();
        }
        break;
      }
      case 'SystemCallArchitectures':
        if (v === '') i.syscallArchs = new Set();
        else for (const a of v.split(/\s+/).filter(Boolean)) i.syscallArchs.add(a);
        note();
        break;
      case 'SystemCallFilter': {
        const r = syscallFilter(i, v);
        if (r) return r;
        note();
        break;
      }
      case 'Delegate': {
        const b = parseBoolean(v);
        i.delegate = v === '' ? true : b !== undefined ? b : true;
        note();
        break;
      }
      case 'DevicePolicy':
        if (['auto', 'closed', 'strict'].includes(v)) i.devicePolicy = v;
        note();
        break;
      case 'DeviceAllow':
        i.deviceAllow = v === '' ? 0 : i.deviceAllow + 1;
        note();
        break;
      case 'IPAddressDeny':
        if (v === '') ipDeny.length = 0;
        else for (const w of v.split(/\s+/).filter(Boolean)) ipDeny.push(...ipItems(w).map((x) => ({ v6: x.v6, prefix: x.prefix })));
        note();
        break;
      case 'IPAddressAllow':
        if (v === '') ipAllow.length = 0;
        else for (const w of v.split(/\s+/).filter(Boolean)) ipAllow.push(...ipItems(w).map((x) => ({ localhost: x.localhost })));
        note();
        break;
      case 'IPIngressFilterPath':
      case 'IPEgressFilterPath':
        if (v !== '') i.ipFilters = true;
        note();
        break;
    }
  }

  // unit_patch_contexts(): settings that imply others.
  i.dynamicUser = i.bools.DynamicUser!;
  if (i.dynamicUser) {
    if (!i.user) i.user = unit.name.replace(/\.service$/, '');
    i.bools.PrivateTmp = true;
    i.bools.RemoveIPC = true;
    i.protectSystem = 'strict';
    if (i.protectHome === 'no') i.protectHome = 'read-only';
    i.bools.NoNewPrivileges = true;
    i.bools.RestrictSUIDSGID = true;
  }
  if (i.bools.PrivateDevices) i.capabilityBoundingSet &= ~bit('MKNOD', 'SYS_RAWIO');
  if (i.bools.ProtectKernelModules) i.capabilityBoundingSet &= ~bit('SYS_MODULE');
  if (i.bools.ProtectKernelLogs) i.capabilityBoundingSet &= ~bit('SYSLOG');
  if (i.bools.ProtectClock) i.capabilityBoundingSet &= ~bit('SYS_TIME', 'WAKE_ALARM');
  if (i.bools.PrivateDevices && i.devicePolicy === 'auto') i.devicePolicy = 'closed';
  if (i.bools.ProtectClock) i.deviceAllow++;
  if (i.rootImage !== '' && (i.devicePolicy !== 'auto' || i.deviceAllow > 0)) i.deviceAllow++;
  if ((type === 'notify' || type === 'notify-reload') && i.notifyAccess === 'none') i.notifyAccess = 'main';

  i.ipDenyV4All = ipDeny.some((d) => !d.v6 && d.prefix === 0);
  i.ipDenyV6All = ipDeny.some((d) => d.v6 && d.prefix === 0);
  i.ipAllowLocalhost = ipAllow.some((a) => a.localhost);
  i.ipAllowOther = ipAllow.some((a) => !a.localhost);
  return i;
}

/** config_parse_capability_set(): `~` inverts; an empty or first assignment replaces, later ones merge. */
function capabilitySet(current: bigint, value: string, initial: bigint): bigint {
  let v = value;
  let invert = false;
  if (v.startsWith('~')) {
    invert = true;
    v = v.slice(1);
  }
  let sum = 0n;
  for (const w of v.split(/\s+/).filter(Boolean)) {
    const name = w.toUpperCase().replace(/^CAP_/, '');
    if (CAP[name] !== undefined) sum |= 1n << BigInt(CAP[name]!);
    else if (/^\d+$/.test(w) && Number(w) < 64) sum |= 1n << BigInt(w);
  }
  if (sum === 0n || current === initial) return invert ? ALL_CAPS & ~sum : sum;
  return invert ? current & ~sum : current | sum;
}

/** config_parse_address_families(). */
function addressFamilies(i: SecurityInfo, value: string): void {
  if (value === '') {
    i.afSet = undefined;
    i.afAllowList = false;
    return;
  }
  if (value === 'none') {
    i.afSet = undefined;
    i.afAllowList = true;
    return;
  }
  let v = value;
  let invert = false;
  if (v.startsWith('~')) {
    invert = true;
    v = v.slice(1);
  }
  if (!i.afSet) {
    // First list since a reset (or `none`): it decides allow-list or deny-list.
    i.afSet = new Set();
    i.afAllowList = !invert;
  }
  for (const af of v.split(/\s+/).filter(Boolean)) {
    if (!/^AF_[A-Z0-9_]+$/.test(af)) continue;
    if (!invert === i.afAllowList) i.afSet.add(af);
    else i.afSet.delete(af);
  }
}

/** config_parse_restrict_namespaces(). */
function restrictNamespaces(current: Set<Namespace>, value: string, initial: boolean): { allowed: Set<Namespace>; initial: boolean } | undefined {
  if (value === '') return { allowed: new Set(NAMESPACES), initial: true };
  const b = parseBoolean(value);
  if (b === true) return { allowed: new Set(), initial: false };
  if (b === false) return { allowed: new Set(NAMESPACES), initial: false };
  let v = value;
  let invert = false;
  if (v.startsWith('~')) {
    invert = true;
    v = v.slice(1);
  }
  const names = v.split(/\s+/).filter(Boolean);
  if (!names.every((n) => (NAMESPACES as readonly string[]).includes(n))) return undefined;
  const flags = new Set(names as Namespace[]);
  if (initial) {
    const allowed = invert ? new Set(NAMESPACES.filter((n) => !flags.has(n))) : flags;
    return { allowed, initial: false };
  }
  const allowed = new Set(current);
  for (const n of flags) {
    if (invert) allowed.delete(n);
    else allowed.add(n);
  }
  return { allowed, initial: false };
}

/** config_parse_syscall_filter(): the first assignment picks allow- or deny-list; an allow-list always includes @default. */
function syscallFilter(i: SecurityInfo, value: string): { unknown: string } | undefined {
  if (value === '') {
    i.syscallFilter = undefined;
    i.syscallAllowList = false;
    return undefined;
  }
  let v = value;
  let invert = false;
  if (v.startsWith('~')) {
    invert = true;
    v = v.slice(1);
  }
  if (!i.syscallFilter) {
    i.syscallFilter = new Set();
    i.syscallAllowList = !invert;
    if (!invert) for (const s of SYSCALL_GROUPS['@default']!) i.syscallFilter.add(s);
  }
  for (const word of splitWords(v).words) {
    const name = cutFromFirst(word.text, ':');
    let calls: Iterable<string>;
    if (name.startsWith('@')) {
      const g = SYSCALL_GROUPS[name];
      if (!g) {
        if (name === '@known') return { unknown: 'SystemCallFilter=@known is not modelled' };
        continue;
      }
      calls = g;
    } else {
      if (!KNOWN_SYSCALLS.has(name)) continue;
      calls = [name];
    }
    for (const c of calls) {
      if (invert === !i.syscallAllowList) i.syscallFilter.add(c);
      else i.syscallFilter.delete(c);
    }
  }
  return undefined;
}

/** Entries of IPAddressAllow=/IPAddressDeny= words (config_parse_ip_address_access()). */
function ipItems(word: string): Array<{ v6: boolean; prefix: number; localhost: boolean }> {
  if (word === 'any') return [{ v6: false, prefix: 0, localhost: false }, { v6: true, prefix: 0, localhost: false }];
  if (word === 'localhost') return [{ v6: false, prefix: 8, localhost: true }, { v6: true, prefix: 128, localhost: true }];
  if (word === 'link-local') return [{ v6: false, prefix: 16, localhost: false }, { v6: true, prefix: 64, localhost: false }];
  if (word === 'multicast') return [{ v6: false, prefix: 4, localhost: false }, { v6: true, prefix: 8, localhost: false }];
  const [addr, len] = word.split('/');
  if (!addr) return [];
  if (/^\d+\.\d+\.\d+\.\d+$/.test(addr)) {
    const prefix = len === undefined ? 32 : Number(len);
    if (!(prefix >= 0 && prefix <= 32)) return [];
    return [{ v6: false, prefix, localhost: addr.startsWith('127.') }];
  }
  if (addr.includes(':')) {
    const prefix = len === undefined ? 128 : Number(len);
    if (!(prefix >= 0 && prefix <= 128)) return [];
    return [{ v6: true, prefix, localhost: /^(?:0*:)*:?0*1$/.test(addr) && addr !== '1' }];
  }
  return [];
}

/** The rows of systemd 252's security_assessor_table, with the badness each gives. */
function assess(i: SecurityInfo): Exposure {
  const rows: ExposureRow[] = [];
  const privileged = i.user === 'root' || i.user === '0' || (!i.dynamicUser && (i.user === undefined || i.user === ''));
  const row = (id: string, weight: number, range: number, badness: number | undefined, key?: string) => {
    const r: ExposureRow = { id, weight, range, badness, cost: badness === undefined ? 0 : Math.ceil((badness * weight) / range) };
    const entry = key ? i.entries.get(key) : undefined;
    if (entry) r.entry = entry;
    rows.push(r);
  };
  const bool = (key: string, weight: number) => row(`${key}=`, weight, 1, i.bools[key] ? 0 : 1, key);
  const depsOnly = (b: number) => (i.defaultDependencies ? b : undefined);

  let userBadness: number;
  if (i.user === 'nobody') userBadness = 9;
  else if (i.dynamicUser && i.user !== '0' && i.user !== 'root') userBadness = 0;
  else if (i.user && !['0', 'root', ''].includes(i.user)) userBadness = 0;
  else userBadness = 10;
  row('User=/DynamicUser=', 2000, 10, userBadness, i.entries.has('User') ? 'User' : 'DynamicUser');
  row('SupplementaryGroups=', 200, 1, privileged ? undefined : i.supplementaryGroups.length > 0 ? 1 : 0, 'SupplementaryGroups');
  bool('PrivateDevices', 1000);
  bool('PrivateMounts', 1000);
  bool('PrivateNetwork', 2500);
  row('PrivateTmp=', 1000, 1, depsOnly(i.bools.PrivateTmp ? 0 : 1), 'PrivateTmp');
  bool('PrivateUsers', 1000);
  bool('ProtectControlGroups', 1000);
  bool('ProtectKernelModules', 1000);
  bool('ProtectKernelTunables', 1000);
  bool('ProtectKernelLogs', 1000);
  bool('ProtectClock', 1000);
  const home = { yes: 0, 'read-only': 5, tmpfs: 1, no: 10 }[i.protectHome] ?? 10;
  row('ProtectHome=', 1000, 10, depsOnly(home), 'ProtectHome');
  bool('ProtectHostname', 50);
  const system = { yes: 5, full: 3, strict: 0, no: 10 }[i.protectSystem] ?? 10;
  row('ProtectSystem=', 1000, 10, depsOnly(system), 'ProtectSystem');
  const ownRoot = !(isEmptyOrRoot(i.rootDirectory) && isEmptyOrRoot(i.rootImage));
  row('RootDirectory=/RootImage=', 200, 1, depsOnly(ownRoot ? 0 : 1), 'RootDirectory');
  bool('LockPersonality', 100);
  bool('MemoryDenyWriteExecute', 100);
  bool('NoNewPrivileges', 1000);
  const caps: Array<[string, number, bigint]> = [
    ['CAP_SYS_ADMIN', 1500, bit('SYS_ADMIN')],
    ['CAP_SET(UID|GID|PCAP)', 1500, bit('SETUID', 'SETGID', 'SETPCAP')],
    ['CAP_SYS_PTRACE', 1500, bit('SYS_PTRACE')],
    ['CAP_SYS_TIME', 1000, bit('SYS_TIME')],
    ['CAP_NET_ADMIN', 1000, bit('NET_ADMIN')],
    ['CAP_SYS_RAWIO', 1000, bit('SYS_RAWIO')],
    ['CAP_SYS_MODULE', 1000, bit('SYS_MODULE')],
    ['CAP_AUDIT_*', 500, bit('AUDIT_CONTROL', 'AUDIT_READ', 'AUDIT_WRITE')],
    ['CAP_SYSLOG', 500, bit('SYSLOG')],
    ['CAP_SYS_(NICE|RESOURCE)', 500, bit('SYS_NICE', 'SYS_RESOURCE')],
    ['CAP_MKNOD', 500, bit('MKNOD')],
    ['CAP_(CHOWN|FSETID|SETFCAP)', 1000, bit('CHOWN', 'FSETID', 'SETFCAP')],
    ['CAP_(DAC_*|FOWNER|IPC_OWNER)', 1000, bit('DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'IPC_OWNER')],
    ['CAP_KILL', 500, bit('KILL')],
    ['CAP_NET_(BIND_SERVICE|BROADCAST|RAW)', 500, bit('NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW')],
    ['CAP_SYS_BOOT', 100, bit('SYS_BOOT')],
    ['CAP_MAC_*', 100, bit('MAC_ADMIN', 'MAC_OVERRIDE')],
    ['CAP_LINUX_IMMUTABLE', 75, bit('LINUX_IMMUTABLE')],
    ['CAP_IPC_LOCK', 50, bit('IPC_LOCK')],
    ['CAP_SYS_CHROOT', 50, bit('SYS_CHROOT')],
    ['CAP_BLOCK_SUSPEND', 25, bit('BLOCK_SUSPEND')],
    ['CAP_WAKE_ALARM', 25, bit('WAKE_ALARM')],
    ['CAP_LEASE', 25, bit('LEASE')],
    ['CAP_SYS_TTY_CONFIG', 25, bit('SYS_TTY_CONFIG')],
    ['CAP_SYS_PACCT', 25, bit('SYS_PACCT')],
    ['CAP_BPF', 25, bit('BPF')],
  ];
  for (const [name, weight, mask] of caps) row(`CapabilityBoundingSet=~${name}`, weight, 1, (i.capabilityBoundingSet & mask) !== 0n ? 1 : 0, 'CapabilityBoundingSet');
  let umask: number;
  if ((i.umask & 0o002) === 0) umask = 10;
  else if ((i.umask & 0o004) === 0) umask = 5;
  else if ((i.umask & 0o020) === 0) umask = 2;
  else if ((i.umask & 0o040) === 0) umask = 1;
  else umask = 0;
  row('UMask=', 100, 10, umask, 'UMask');
  row('KeyringMode=', 1000, 1, i.keyringMode === 'private' ? 0 : 1, 'KeyringMode');
  row('ProtectProc=', 1000, 3, i.protectProc === 'noaccess' ? 1 : i.protectProc === 'invisible' || i.protectProc === 'ptraceable' ? 0 : 3, 'ProtectProc');
  row('ProcSubset=', 10, 1, i.procSubset === 'pid' ? 0 : 1, 'ProcSubset');
  row('NotifyAccess=', 1000, 1, i.notifyAccess === 'all' ? 1 : 0, 'NotifyAccess');
  row('RemoveIPC=', 100, 1, privileged ? undefined : i.bools.RemoveIPC ? 0 : 1, 'RemoveIPC');
  row('Delegate=', 100, 1, i.delegate ? 1 : 0, 'Delegate');
  bool('RestrictRealtime', 500);
  bool('RestrictSUIDSGID', 1000);
  const ns: Array<[Namespace, number]> = [['user', 1500], ['mnt', 500], ['ipc', 500], ['pid', 500], ['cgroup', 500], ['net', 500], ['uts', 100]];
  for (const [n, weight] of ns) row(`RestrictNamespaces=~${n}`, weight, 1, i.namespacesAllowed.has(n) ? 1 : 0, 'RestrictNamespaces');
  const restricted = (test: (af: string) => boolean) => {
    // Restricted when an allow-list leaves every matching family out, or a deny-list names one.
    const listed = [...(i.afSet ?? [])].some(test);
    return i.afAllowList ? !listed : listed;
  };
  const other = (af: string) => !['AF_INET', 'AF_INET6', 'AF_UNIX', 'AF_NETLINK', 'AF_PACKET'].includes(af);
  row('RestrictAddressFamilies=~AF_(INET|INET6)', 1500, 1, restricted((af) => af === 'AF_INET' || af === 'AF_INET6') ? 0 : 1, 'RestrictAddressFamilies');
  row('RestrictAddressFamilies=~AF_UNIX', 25, 1, restricted((af) => af === 'AF_UNIX') ? 0 : 1, 'RestrictAddressFamilies');
  row('RestrictAddressFamilies=~AF_NETLINK', 200, 1, restricted((af) => af === 'AF_NETLINK') ? 0 : 1, 'RestrictAddressFamilies');
  row('RestrictAddressFamilies=~AF_PACKET', 1000, 1, restricted((af) => af === 'AF_PACKET') ? 0 : 1, 'RestrictAddressFamilies');
  row('RestrictAddressFamilies=~…', 1250, 1, restricted(other) ? 0 : 1, 'RestrictAddressFamilies');
  row('SystemCallArchitectures=', 1000, 10, i.syscallArchs.size === 0 ? 10 : i.syscallArchs.has('native') ? 0 : 8, 'SystemCallArchitectures');
  const groups: Array<[string, number]> = [
    ['@swap', 1000], ['@obsolete', 250], ['@clock', 1000], ['@cpu-emulation', 250], ['@debug', 1000], ['@mount', 1000],
    ['@module', 1000], ['@raw-io', 1000], ['@reboot', 1000], ['@privileged', 700], ['@resources', 700],
  ];
  for (const [g, weight] of groups) row(`SystemCallFilter=~${g}`, weight, 10, syscallBadness(i, g), 'SystemCallFilter');
  let ip: number;
  if (i.ipFilters) ip = 0;
  else if (!(i.ipDenyV4All && i.ipDenyV6All)) ip = 10;
  else if (i.ipAllowOther) ip = 5;
  else if (i.ipAllowLocalhost) ip = 2;
  else ip = 0;
  row('IPAddressDeny=', 1000, 10, ip, 'IPAddressDeny');
  row('DeviceAllow=', 1000, 10, i.devicePolicy === 'strict' || i.devicePolicy === 'closed' ? (i.deviceAllow > 0 ? 5 : 0) : 10, 'DeviceAllow');
  row('AmbientCapabilities=', 500, 1, i.ambientCapabilities !== 0n ? 1 : 0, 'AmbientCapabilities');

  let badnessSum = 0;
  let weightSum = 0;
  for (const r of rows) {
    if (r.badness === undefined) continue;
    badnessSum += r.cost;
    weightSum += r.weight;
  }
  const exposure = Math.ceil((badnessSum * 100) / weightSum);
  const band = BANDS.find(([min]) => exposure >= min)![1];
  return { exposure, score: `${Math.floor(exposure / 10)}.${exposure % 10}`, band, rows, badnessSum, weightSum };
}

function syscallBadness(i: SecurityInfo, group: string): number {
  if (!i.syscallFilter || (!i.syscallAllowList && i.syscallFilter.size === 0)) return 10;
  const members = SYSCALL_GROUPS[group]!;
  const bad = [...members].some((s) => i.syscallFilter!.has(s) === i.syscallAllowList);
  if (i.syscallAllowList) return bad ? 9 : 0;
  return bad ? 10 : 0;
}

function isEmptyOrRoot(p: string): boolean {
  return p === '' || /^\/+$/.test(p);
}
