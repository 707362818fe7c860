import type { Notice } from '../../core/finding.js';
import type { DiscoveredFile } from '../../discover/types.js';
import { parseUnitFile, type ParsedUnitFile, type UnitAssignment } from '../../parse/systemd/unit.js';
import type { ModelSources } from '../build.js';
import { KNOWN_KEYS } from './known-keys.js';
import type { SystemdEntry, SystemdProblem, SystemdUnit, SystemdUnitType } from './types.js';

/**
 * systemd units from the discovered files, drop-ins applied the way systemd applies them
 * (systemd.unit(5), "Description" and the drop-in paragraphs):
 *
 * - Drop-ins are the `*.conf` files of `<unit>.d/` beside the unit file, and of the directories
 *   systemd also reads for it: `<template>@.service.d/` for an instance, `foo-.service.d/` for each
 *   dash prefix of the name, and the type-wide `service.d/`. A file name in a more specific
 *   directory hides the same name in a less specific one; all are applied in lexical order of
 *   their file names, after the unit file.
 * - An empty assignment of a list-valued key (`ExecStart=`, `Environment=`, `ListenStream=` ...)
 *   removes the entries before it. Dependencies (`After=`, `Wants=` ...) are not reset that way.
 * - Sections the unit type does not have are ignored, with systemd's warning; keys systemd 252
 *   does not know are kept but noted.
 */
/**
 * Files named like units that are another program's: Avahi's service definitions
 * (/etc/avahi/services/*.service, XML) and D-Bus activation files ([D-BUS Service]). Judged as
 * systemd units, each line was an "assignment outside of section" and the unit had no ExecStart=.
 */
function notASystemdUnit(text: string, parsed: ParsedUnitFile): string | undefined {
  if (text.trimStart().startsWith('<')) return 'an XML file (an Avahi service definition, or the like), not a systemd unit';
  if (parsed.sections.some((s) => s.name === 'D-BUS Service')) return 'a D-Bus activation file ([D-BUS Service]), not a systemd unit';
  return undefined;
}

export function buildSystemdUnits(files: DiscoveredFile[], sources: ModelSources, notices: Notice[]): SystemdUnit[] {
  const dropInsByDir = new Map<string, DiscoveredFile[]>();
  for (const f of files) {
    if (f.kind !== 'systemd-dropin') continue;
    const dir = dirname(f.path);
    const list = dropInsByDir.get(dir) ?? [];
    list.push(f);
    dropInsByDir.set(dir, list);
  }
  const parsed = new Map<string, ParsedUnitFile | undefined>();
  const parse = (path: string): ParsedUnitFile | undefined => {
    if (!parsed.has(path)) {
      const src = sources.text(path);
      parsed.set(path, src ? parseUnitFile(path, src.text) : undefined);
    }
    return parsed.get(path);
  };

  const units: SystemdUnit[] = [];
  for (const f of files) {
    if (f.kind !== 'systemd-unit') continue;
    const main = parse(f.path);
    if (!main) continue;
    const foreign = notASystemdUnit(sources.text(f.path)!.text, main);
    if (foreign) {
      notices.push({ kind: 'info', file: f.path, message: `${foreign}; not checked` });
      continue;
    }
    const name = basename(f.path);
    const type = unitType(name);
    const dropIns = dropInFilesFor(name, dirname(f.path), dropInsByDir);
    const unit: SystemdUnit = {
      name,
      type,
      file: f.path,
      span: sources.text(f.path)!.lines.lineSpan(f.path, 1),
      dropIns: [],
      entries: [],
      problems: [],
      assignments: [],
      sections: [],
      resets: [],
      template: /^[^@]+@\.[a-z]+$/.test(name),
      role: unitRole(f.path, sources),
    };
    const instance = /^[^@]+@([^.]+)\.[a-z]+$/.exec(name);
    if (instance) unit.instance = instance[1];
    addFile(unit, main, f.path);
    for (const d of dropIns) {
      const p = parse(d);
      if (!p) continue;
      unit.dropIns.push(d);
      addFile(unit, p, d);
    }
    unit.entries = applyResets(unit.assignments, unit.resets);
    units.push(unit);
  }
  return units.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function addFile(unit: SystemdUnit, parsed: ParsedUnitFile, file: string): void {
  for (const p of parsed.problems) unit.problems.push({ message: p.message, span: p.span, fatal: p.fatal, kind: 'syntax', ...(p.include !== undefined ? { name: '.include' } : {}) });
  const allowed = sectionsOf(unit.type);
  const warned = new Set<string>();
  for (const s of parsed.sections) {
    unit.sections.push({ name: s.name, span: s.span, file });
    if (allowed.includes(s.name) || s.name.startsWith('X-')) continue;
    if (warned.has(s.name)) continue;
    warned.add(s.name);
    unit.problems.push({ message: `Unknown section '${s.name}'. Ignoring.`, span: s.span, kind: 'unknown-section', name: s.name });
  }
  for (const a of parsed.assignments) {
    if (!allowed.includes(a.section)) continue;
    const entry = toEntry(a, file);
    const known = KNOWN_KEYS[a.section];
    if (known && !known.has(a.key) && !a.key.startsWith('X-')) {
      unit.problems.push({
        message: `Unknown key '${a.key}' in section [${a.section}], ignoring.`,
        span: a.keySpan,
        kind: 'unknown-key',
        name: a.key,
      });
    }
    unit.assignments.push(entry);
  }
}

function toEntry(a: UnitAssignment, file: string): SystemdEntry {
  return { section: a.section, key: a.key, value: a.value, span: a.span, valueSpan: a.valueSpan, file, keySpan: a.keySpan, valuePieces: a.valuePieces };
}

/** Entries after list resets: an empty assignment of a resettable key drops the earlier ones. */
function applyResets(assignments: SystemdEntry[], resets: SystemdEntry[]): SystemdEntry[] {
  const out: SystemdEntry[] = [];
  for (const a of assignments) {
    if (a.value === '' && isResettableList(a.section, a.key)) {
      for (let i = out.length - 1; i >= 0; i--) {
        const e = out[i]!;
        if (e.section === a.section && (e.key === a.key || (isCondition(a.key) && isCondition(e.key)))) out.splice(i, 1);
      }
      resets.push(a);
      continue;
    }
    out.push(a);
  }
  return out;
}

/**
 * Keys whose empty assignment resets the list built so far (systemd.exec(5), systemd.service(5),
 * systemd.socket(5), systemd.timer(5), systemd.unit(5)). Not listed: dependencies, which an empty
 * assignment leaves alone, and `CapabilityBoundingSet=` / `AmbientCapabilities=`, where an empty
 * assignment means "none".
 */
const RESETTABLE = new Set([
  'ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost', 'ExecStopPre',
  'Environment', 'EnvironmentFile', 'PassEnvironment', 'UnsetEnvironment',
  'SuccessExitStatus', 'RestartPreventExitStatus', 'RestartForceExitStatus',
  'ReadWritePaths', 'ReadOnlyPaths', 'InaccessiblePaths', 'ExecPaths', 'NoExecPaths', 'BindPaths', 'BindReadOnlyPaths',
  'TemporaryFileSystem', 'SupplementaryGroups', 'RuntimeDirectory', 'StateDirectory', 'CacheDirectory', 'LogsDirectory',
  'ConfigurationDirectory', 'LoadCredential', 'LoadCredentialEncrypted', 'SetCredential', 'SetCredentialEncrypted',
  'DeviceAllow', 'IPAddressAllow', 'IPAddressDeny', 'SystemCallFilter', 'SystemCallArchitectures', 'SystemCallLog',
  'RestrictAddressFamilies', 'RestrictFileSystems', 'ListenStream', 'ListenDatagram', 'ListenSequentialPacket', 'ListenFIFO',
  'ListenSpecial', 'ListenNetlink', 'ListenMessageQueue', 'ListenUSBFunction', 'Symlinks', 'OnCalendar', 'OnActiveSec',
  'OnBootSec', 'OnStartupSec', 'OnUnitActiveSec', 'OnUnitInactiveSec', 'OnClockChange', 'OnTimezoneChange',
  'PathExists', 'PathExistsGlob', 'PathChanged', 'PathModified', 'DirectoryNotEmpty', 'WantedBy', 'RequiredBy', 'Also', 'Alias',
  'Documentation',
]);

function isCondition(key: string): boolean {
  return /^(?:Condition|Assert)[A-Z]/.test(key);
}

function isResettableList(_section: string, key: string): boolean {
  return RESETTABLE.has(key) || isCondition(key);
}

const TYPE_SECTION: Record<SystemdUnitType, string | undefined> = {
  service: 'Service',
  socket: 'Socket',
  timer: 'Timer',
  path: 'Path',
  mount: 'Mount',
  target: undefined,
  other: undefined,
};

function sectionsOf(type: SystemdUnitType): string[] {
  const own = TYPE_SECTION[type];
  return own ? ['Unit', own, 'Install'] : ['Unit', 'Install'];
}

export function unitType(name: string): SystemdUnitType {
  const ext = name.slice(name.lastIndexOf('.') + 1);
  return (['service', 'socket', 'timer', 'path', 'target', 'mount'] as const).find((t) => t === ext) ?? 'other';
}

/**
 * The drop-in files systemd applies to `name`, from directories beside the unit file, in the order
 * it applies them.
 */
function dropInFilesFor(name: string, dir: string, byDir: Map<string, DiscoveredFile[]>): string[] {
  const dot = name.lastIndexOf('.');
  const stem = name.slice(0, dot);
  const suffix = name.slice(dot);
  // Least specific first: type-wide, dash prefixes (shortest first), the template, the unit itself.
  const dirs: string[] = [`${suffix.slice(1)}.d`];
  const base = stem.includes('@') ? stem.slice(0, stem.indexOf('@')) : stem;
  for (let i = 0; i < base.length; i++) if (base[i] === '-' && i > 0) dirs.push(`${base.slice(0, i + 1)}${suffix}.d`);
  if (stem.includes('@') && !stem.endsWith('@')) dirs.push(`${stem.slice(0, stem.indexOf('@') + 1)}${suffix}.d`);
  dirs.push(`${name}.d`);
  const byName = new Map<string, string>();
  for (const d of dirs) {
    const full = dir ? `${dir}/${d}` : d;
    for (const f of byDir.get(full) ?? []) byName.set(basename(f.path), f.path);
  }
  return [...byName.keys()].sort(compareBytes).map((k) => byName.get(k)!);
}

function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

const DEV_WORDS = new Set(['dev', 'devel', 'develop', 'development', 'local', 'test', 'tests', 'testing', 'example', 'examples', 'sample', 'samples', 'vagrant', 'sandbox']);

/** Development when a word of the path says so (deploy/dev/..., app-local.service); production otherwise. */
export function unitRole(path: string, sources?: ModelSources): 'production' | 'development' {
  const configured = (sources as Partial<{ configuredRole(p: string): 'production' | 'development' | undefined }> | undefined)?.configuredRole?.(path);
  if (configured) return configured;
  const words = path.toLowerCase().split(/[/._\-@]+/).filter(Boolean);
  return words.some((w) => DEV_WORDS.has(w)) ? 'development' : 'production';
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
