import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Node as YamlNode } from 'yaml';
import { isAlias, isMap, isScalar, isSeq, newLineCounter, parseDocument } from '../parse/yaml-lib.js';
import { SEVERITY_ORDER, type Severity } from '../core/finding.js';
import { readToml, TomlError, tomlTable, type TomlValue } from '../parse/toml.js';
import { ConfigError, emptyConfig, type Attestation, type AuditConfig } from './types.js';

export const CONFIG_FILE_NAMES = ['.audit-deploy.yml', '.audit-deploy.yaml'];

/**
 * The configuration that applies to an audited directory: `--config FILE` when given; else the
 * nearest `.audit-deploy.yml` / `.audit-deploy.yaml`, or pyproject.toml with a
 * `[tool.audit-deploy]` table, from the directory upward to the git root (a pyproject.toml without
 * that table is passed over, as Ruff does). No file found: the defaults.
 */
export function loadConfig(auditedDir: string, explicitFile?: string): AuditConfig {
  if (explicitFile) {
    const abs = resolve(explicitFile);
    if (!existsSync(abs)) throw new ConfigError(explicitFile, '', 'no such configuration file');
    return abs.endsWith('.toml') ? fromPyproject(abs, explicitFile, true)! : fromYaml(abs, explicitFile);
  }
  let dir = resolve(auditedDir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const f = join(dir, name);
      if (isFile(f)) return fromYaml(f, displayPath(f, auditedDir));
    }
    const pyproject = join(dir, 'pyproject.toml');
    if (isFile(pyproject)) {
      const c = fromPyproject(pyproject, displayPath(pyproject, auditedDir), false);
      if (c) return c;
    }
    const parent = dirname(dir);
    if (existsSync(join(dir, '.git')) || parent === dir) return emptyConfig();
    dir = parent;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function displayPath(abs: string, auditedDir: string): string {
  const rel = relative(resolve(auditedDir), abs);
  return rel.split('\\').join('/') || abs;
}

function readFile(abs: string, shown: string): string {
  try {
    return readFileSync(abs, 'utf8');
  } catch (err) {
    throw new ConfigError(shown, '', `cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// ------------------------------------------------------------------------------------------------
// YAML

function fromYaml(abs: string, shown: string): AuditConfig {
  const text = readFile(abs, shown);
  const lines = newLineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const where = (node: YamlNode | null | undefined): string => {
    const offset = node?.range?.[0];
    if (offset === undefined) return '';
    const p = lines.linePos(offset);
    return `${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const p = lines.linePos(e.pos[0]);
    throw new ConfigError(shown, `${p.line}:${p.col}`, `invalid YAML: ${e.message.split('\n')[0]}`);
  }
  if (doc.contents === null) return { ...emptyConfig(), file: shown };
  const plain = toPlain(doc.contents, where);
  return validate(plain, shown, abs);
}

/** Plain values with each mapping's key positions kept for messages. */
interface Located {
  value: unknown;
  /** Where the value is. */
  where: string;
  /** Where its key is, for values of a mapping. */
  keyWhere?: string;
}

function toPlain(node: unknown, where: (n: YamlNode | null | undefined) => string): Located {
  if (isMap(node)) {
    const out: Record<string, Located> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      out[key] = { ...toPlain(pair.value, where), keyWhere: where(pair.key as YamlNode) };
    }
    return { value: out, where: where(node) };
  }
  if (isSeq(node)) return { value: node.items.map((i) => toPlain(i, where)), where: where(node) };
  if (isScalar(node)) return { value: node.value, where: where(node) };
  // Anchors and aliases have no use in a configuration this small; refusing them keeps it plain.
  if (isAlias(node)) return { value: { alias: true }, where: where(node) };
  return { value: node ?? null, where: '' };
}

// ------------------------------------------------------------------------------------------------
// pyproject.toml

function fromPyproject(abs: string, shown: string, required: boolean): AuditConfig | undefined {
  const text = readFile(abs, shown);
  let table;
  try {
    table = tomlTable(readToml(text), 'tool', 'audit-deploy');
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    // A broken pyproject.toml is only our business when it is the configuration we were told to use.
    if (required) throw new ConfigError(shown, '', 'invalid TOML');
    return undefined;
  }
  if (!table) {
    if (required) throw new ConfigError(shown, '', 'no [tool.audit-deploy] table');
    return undefined;
  }
  const lineOf = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return `${line}:${offset - before.lastIndexOf('\n')}`;
  };
  const plain = tomlToPlain(table, lineOf);
  return validate(plain, `${shown} [tool.audit-deploy]`, abs);
}

function tomlToPlain(v: TomlValue, lineOf: (offset: number) => string): Located {
  switch (v.kind) {
    case 'string':
      return { value: v.value, where: lineOf(v.from) };
    case 'raw': {
      const raw = v.value.trim();
      const value = raw === 'true' ? true : raw === 'false' ? false : /^[+-]?\d+(\.\d+)?$/.test(raw.replace(/_/g, '')) ? Number(raw.replace(/_/g, '')) : raw;
      return { value, where: lineOf(v.from) };
    }
    case 'array':
      return { value: v.items.map((i) => tomlToPlain(i, lineOf)), where: lineOf(v.from) };
    case 'tables':
      return { value: v.items.map((i) => tomlToPlain(i, lineOf)), where: lineOf(v.from) };
    case 'table': {
      const out: Record<string, Located> = {};
      for (const [k, e] of v.entries) out[k] = { ...tomlToPlain(e.value, lineOf), keyWhere: lineOf(e.keyFrom) };
      return { value: out, where: lineOf(v.from) };
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Validation: every key known, every value of the right shape; errors name the key and the file.

const KEYS = [
  'select', 'ignore', 'severity', 'per-path-ignores', 'min-score', 'fail-on', 'settings',
  'production', 'development', 'attest', 'baseline', 'max-time',
] as const;

// Rule ids and prefixes: letters then digits (DJ018), or with a digit inside the prefix (K8S001).
const RULE_REF = /^[A-Z][A-Z0-9]*$/;
const MANUAL_ID = /^MAN\d{3}$/;

function validate(root: Located, file: string, abs: string): AuditConfig {
  const config: AuditConfig = { ...emptyConfig(), file };
  const fail = (where: string, message: string): never => {
    throw new ConfigError(file.replace(/ \[tool\.audit-deploy\]$/, ''), where, message);
  };
  if (!isRecord(root.value)) return fail(root.where, 'the configuration must be a mapping of keys to values');
  for (const [key, entry] of Object.entries(root.value)) {
    const at = entry.where || entry.keyWhere || '';
    const keyAt = entry.keyWhere ?? at;
    switch (key as (typeof KEYS)[number]) {
      case 'select':
      case 'ignore':
        config[key as 'select' | 'ignore'] = ruleList(entry, key, fail);
        break;
      case 'severity': {
        if (!isRecord(entry.value)) fail(at, '"severity" must map rule ids to blocker, high, medium or low');
        for (const [id, sev] of Object.entries(entry.value as Record<string, Located>)) {
          if (!/^[A-Z][A-Z0-9]*\d$/.test(id)) fail(sev.keyWhere ?? sev.where, `"severity": "${id}" is not a rule id (like NGX010)`);
          if (!SEVERITY_ORDER.includes(sev.value as Severity)) fail(sev.where, `"severity.${id}" must be one of ${SEVERITY_ORDER.join(', ')}, not ${JSON.stringify(sev.value)}`);
          config.severity[id] = sev.value as Severity;
        }
        break;
      }
      case 'per-path-ignores': {
        if (!isRecord(entry.value)) fail(at, '"per-path-ignores" must map path patterns to lists of rule ids');
        for (const [pattern, rules] of Object.entries(entry.value as Record<string, Located>)) {
          config.perPathIgnores.push({ pattern, rules: ruleList(rules, `per-path-ignores."${pattern}"`, fail) });
        }
        break;
      }
      case 'min-score': {
        const n = entry.value;
        if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 100) fail(at, `"min-score" must be a number from 0 to 100, not ${JSON.stringify(n)}`);
        config.minScore = n as number;
        break;
      }
      case 'fail-on':
        if (!SEVERITY_ORDER.includes(entry.value as Severity)) fail(at, `"fail-on" must be one of ${SEVERITY_ORDER.join(', ')}, not ${JSON.stringify(entry.value)}`);
        config.failOn = entry.value as Severity;
        break;
      case 'settings':
        if (typeof entry.value !== 'string' || !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(entry.value)) {
          fail(at, `"settings" must be a dotted module name like config.settings.production, not ${JSON.stringify(entry.value)}`);
        }
        config.settings = entry.value as string;
        break;
      case 'production':
      case 'development':
        config[key as 'production' | 'development'] = stringList(entry, key, fail);
        break;
      case 'attest':
        config.attestations = attestations(entry, fail);
        break;
      case 'max-time': {
        const n = entry.value;
        if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) fail(at, `"max-time" must be a number of seconds above 0, not ${JSON.stringify(n)}`);
        config.maxTime = n as number;
        break;
      }
      case 'baseline':
        if (typeof entry.value !== 'string' || entry.value === '') fail(at, '"baseline" must be a file path');
        config.baseline = resolve(dirname(abs), entry.value as string);
        break;
      default:
        fail(keyAt, `unknown key "${key}" (known keys: ${KEYS.join(', ')})`);
    }
  }
  return config;
}

type Fail = (where: string, message: string) => never;

function isRecord(v: unknown): v is Record<string, Located> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(entry: Located, key: string, fail: Fail): string[] {
  const items = Array.isArray(entry.value) ? (entry.value as Located[]) : typeof entry.value === 'string' ? [entry] : undefined;
  if (!items) return fail(entry.where, `"${key}" must be a list of strings`);
  return items.map((i) => (typeof i.value === 'string' && i.value !== '' ? i.value : fail(i.where, `"${key}" must hold only non-empty strings, not ${JSON.stringify(i.value)}`)));
}

function ruleList(entry: Located, key: string, fail: Fail): string[] {
  const items = Array.isArray(entry.value) ? (entry.value as Located[]) : typeof entry.value === 'string' ? [entry] : undefined;
  if (!items) return fail(entry.where, `"${key}" must be a list of rule ids or prefixes`);
  return items.map((i) => {
    if (typeof i.value !== 'string' || !RULE_REF.test(i.value)) fail(i.where, `"${key}": ${JSON.stringify(i.value)} is not a rule id or prefix (like DJ018, NGX or DJ1)`);
    return i.value as string;
  });
}

function attestations(entry: Located, fail: Fail): Record<string, Attestation> {
  if (!isRecord(entry.value)) return fail(entry.where, '"attest" must map checklist item ids (MAN001 ...) to their status');
  const out: Record<string, Attestation> = {};
  for (const [id, item] of Object.entries(entry.value)) {
    if (!MANUAL_ID.test(id)) fail(item.keyWhere ?? item.where, `"attest": "${id}" is not a manual checklist item id (MAN001 ...; \`audit-deploy checklist\` lists them)`);
    // Short form: `MAN001: done`.
    if (typeof item.value === 'string') {
      out[id] = { status: attestationStatus(item, `attest.${id}`, fail) };
      continue;
    }
    if (!isRecord(item.value)) fail(item.where, `"attest.${id}" must be a status (done, not-done, n/a) or a mapping with status, by, date, note`);
    const fields = item.value as Record<string, Located>;
    const a: Attestation = { status: 'done' };
    if (!fields.status) fail(item.where, `"attest.${id}" needs a status (done, not-done, n/a)`);
    for (const [k, v] of Object.entries(fields)) {
      if (k === 'status') a.status = attestationStatus(v, `attest.${id}.status`, fail);
      else if (k === 'by' || k === 'note') {
        if (typeof v.value !== 'string') fail(v.where, `"attest.${id}.${k}" must be a string`);
        a[k] = v.value as string;
      } else if (k === 'date') {
        const d = v.value instanceof Date ? v.value.toISOString().slice(0, 10) : String(v.value);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) fail(v.where, `"attest.${id}.date" must be a date like 2026-11-30`);
        a.date = d;
      } else fail(v.keyWhere ?? v.where, `unknown key "attest.${id}.${k}" (known: status, by, date, note)`);
    }
    out[id] = a;
  }
  return out;
}

function attestationStatus(v: Located, key: string, fail: Fail): Attestation['status'] {
  const s = v.value;
  if (s === 'done' || s === 'not-done' || s === 'n/a') return s;
  return fail(v.where, `"${key}" must be done, not-done or n/a, not ${JSON.stringify(s)}`);
}
