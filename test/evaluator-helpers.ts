import type { Span } from '../src/core/position.js';
import { LineIndex } from '../src/core/position.js';
import type { DotenvDialect, EnvEntry, EnvLayer } from '../src/model/env/types.js';
import { LayeredEnv } from '../src/model/env/types.js';
import { evaluateSettings, makeResolver } from '../src/model/settings/evaluate.js';
import type { EvaluatedSettings } from '../src/model/settings-types.js';
import type { PyValue } from '../src/model/python-value.js';

/** A tiny EnvLayer over KEY=value lines (no dialect differences), with real line spans. */
export function layer(name: string, vars: Record<string, string | null>, file = name): EnvLayer {
  const lines = Object.entries(vars).map(([k, v]) => `${k}=${v ?? ''}`);
  const idx = new LineIndex(lines.join('\n'));
  const entries: EnvEntry[] = Object.entries(vars).map(([k, v], i) => ({
    name: k,
    value: v,
    span: idx.lineSpan(file, i + 1),
    layer: name,
  }));
  return {
    name,
    kind: 'dotenv',
    role: 'production',
    file,
    lookup: (n: string, _d?: DotenvDialect) => [...entries].reverse().find((e) => e.name === n),
    entries: () => entries,
  };
}

export interface EvalInput {
  files: Record<string, string>;
  module?: string;
  env?: Record<string, string | null>;
  environmentName?: string;
  dotenvFiles?: Record<string, Record<string, string | null>>;
  limits?: { maxSteps?: number; maxDepth?: number };
}

export function evaluate(input: EvalInput): EvaluatedSettings {
  const files = Object.entries(input.files).map(([path, text]) => ({ path, text }));
  const env = input.env ? new LayeredEnv([layer('.env.production', input.env)]) : new LayeredEnv([]);
  return evaluateSettings({
    module: input.module ?? 'settings',
    resolver: makeResolver(files),
    env,
    environmentName: input.environmentName ?? (input.env ? 'production' : 'unset'),
    loadDotenv: input.dotenvFiles
      ? (p: string) => (input.dotenvFiles![p] ? layer(p, input.dotenvFiles![p]!, p) : undefined)
      : undefined,
    deployRoot: '/app',
    limits: input.limits,
  });
}

/** Evaluate one settings.py source. */
export function run(source: string, env?: Record<string, string | null>, extra: Partial<EvalInput> = {}): EvaluatedSettings {
  return evaluate({ files: { 'settings.py': source }, env, ...extra });
}

/** The value of a setting, stripped of origin, for exact comparisons. */
export function val(s: EvaluatedSettings, name: string): unknown {
  const b = s.get(name);
  return b ? plain(b.value) : undefined;
}

export function plain(v: PyValue): unknown {
  switch (v.kind) {
    case 'none':
      return null;
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
      return v.value;
    case 'path':
      return { path: v.value };
    case 'bytes':
      return { bytes: v.value };
    case 'list':
      return v.items.map(plain);
    case 'tuple':
      return { tuple: v.items.map(plain) };
    case 'set':
      return { set: v.items.map(plain) };
    case 'dict':
      return Object.fromEntries(v.entries.map((e) => [e.key.kind === 'str' ? e.key.value : JSON.stringify(plain(e.key)), plain(e.value)]));
    case 'object':
      return { object: v.qualifiedName ?? v.typeName };
    case 'unknown':
      return { unknown: v.variables, ...(v.alternatives ? { alternatives: v.alternatives.map(plain) } : {}) };
  }
}

export function lineOf(span: Span | undefined): string | undefined {
  return span ? `${span.file}:${span.start.line}` : undefined;
}
