import type { Span } from '../../core/position.js';
import type { DiscoveredFile } from '../../discover/types.js';
import type { ModelSources } from '../build.js';
import type { EnvLayer } from '../env/types.js';
import type { DjangoProject } from '../types.js';

/**
 * Who else could read the variables production env sources define (issue 5, "keys defined in
 * production env files that nothing reads"): every place in the repository that names one of them
 * (a settings module, a start script's `$VAR`, a compose `${VAR}`, a unit's ExecStart, a workflow),
 * and every place that reads the environment without naming the variable (so that nothing can be
 * said to be unread). Built once per run, only for the names production env sources define.
 */
export interface EnvUsage {
  /** Where each candidate name occurs outside env files and documentation, definitions included (rules subtract them). */
  references: ReadonlyMap<string, readonly Span[]>;
  /**
   * Code that reads variables whose names are not written out, or hands the whole environment on:
   * `os.environ.items()`, `**os.environ`, `os.getenv(name)`, `env(f"...")`, pydantic BaseSettings,
   * django-configurations, dynaconf. Test files are left out.
   */
  dynamic: Array<{ span: Span; why: string }>;
  /** Source files in other languages, and scripts no part of the model reads: their environment reads are not looked at. */
  otherLanguages: string[];
  /** Directories that hold a package.json (a JavaScript build reads `.env*` files there). */
  packageDirs: ReadonlySet<string>;
}

const SKIPPED_KINDS = new Set<DiscoveredFile['kind']>(['dotenv', 'docs']);
const PYTHON_KINDS = new Set<DiscoveredFile['kind']>(['python', 'django-settings', 'django-urls', 'django-wsgi', 'django-asgi', 'django-manage', 'gunicorn-config', 'setup-py']);
const OTHER_LANGUAGE = /\.(?:m?js|cjs|jsx|ts|tsx|go|rb|php|java|kt|rs|ex|exs|cs)$/;
const VENDORED = /(?:^|\/)(?:node_modules|vendor|static|staticfiles|assets|dist|build|public)\//;
const TEST_FILE = /(?:^|\/)(?:tests?\/|test_[^/]*\.py$|[^/]*_tests?\.py$|conftest\.py$)/;

/** The env layers production settings are evaluated against, minus image ENV (base images set PATH, LANG ...). */
export function consideredLayers(project: DjangoProject): EnvLayer[] {
  return project.envLayers.filter((l) => l.kind === 'dotenv' || l.kind === 'compose' || l.kind === 'systemd');
}

export function envCandidates(projects: readonly DjangoProject[]): Set<string> {
  const out = new Set<string>();
  for (const p of projects) for (const l of consideredLayers(p)) for (const e of l.entries()) if (e.name.length <= 200 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name)) out.add(e.name);
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function scanEnvUsage(files: readonly DiscoveredFile[], sources: ModelSources, candidates: ReadonlySet<string>): EnvUsage {
  const references = new Map<string, Span[]>();
  const dynamic: EnvUsage['dynamic'] = [];
  const otherLanguages: string[] = [];
  const packageDirs = new Set<string>();
  for (const f of files) {
    if (f.kind === 'package-json') packageDirs.add(f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '');
    else if (OTHER_LANGUAGE.test(f.path) && !VENDORED.test(f.path)) otherLanguages.push(f.path);
    // Extensionless or shell files no part of the model reads (a deploy helper in bin/): unseen readers.
    else if (f.kind === 'other' && /(?:^|\/)[^./]+$|\.(?:sh|bash)$/.test(f.path) && !VENDORED.test(f.path) && !sources.text(f.path)) otherLanguages.push(f.path);
  }
  if (candidates.size === 0) return { references, dynamic, otherLanguages, packageDirs };
  const paths = new Set(files.map((f) => f.path));
  // Longest names first so that an alternation never stops at a shorter name's prefix.
  const names = [...candidates].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const pattern = new RegExp(`(?<![A-Za-z0-9_])(?:${names.map(escape).join('|')})(?![A-Za-z0-9_])`, 'g');
  for (const f of files) {
    // Files of the model, and the start scripts images run (read through the containers part).
    if (SKIPPED_KINDS.has(f.kind) || (!sources.byPath.has(f.path) && f.kind !== 'other')) continue;
    const src = sources.text(f.path);
    if (!src || src.text.length > 2_000_000) continue;
    for (const m of src.text.matchAll(pattern)) {
      const list = references.get(m[0]) ?? [];
      list.push(src.lines.span(f.path, m.index, m.index + m[0].length));
      references.set(m[0], list);
    }
    if (PYTHON_KINDS.has(f.kind) && !TEST_FILE.test(f.path)) {
      for (const d of dynamicReads(src.text)) dynamic.push({ span: src.lines.span(f.path, d.at, d.at + d.length), why: d.why });
      for (const d of unseenStarImports(f.path, src.text, paths)) dynamic.push({ span: src.lines.span(f.path, d.at, d.at + d.length), why: d.why });
    }
  }
  return { references, dynamic, otherLanguages, packageDirs };
}

/** A Python string literal (no f-string) at `i`, then a `,` `)` or `]`: a name written out. */
function literalArgument(text: string, i: number): boolean {
  let j = i;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\n' || text[j] === '\r')) j++;
  let k = j;
  while (k < text.length && /[rRbBuU]/.test(text[k]!)) k++;
  if (k - j > 2) return false;
  const q = text[k];
  if (q !== '"' && q !== "'") return false;
  const end = text.indexOf(q, k + 1);
  if (end < 0 || text.slice(k + 1, end).includes('\n') || text.slice(k + 1, end).includes('\\')) return false;
  let n = end + 1;
  while (n < text.length && (text[n] === ' ' || text[n] === '\t' || text[n] === '\n' || text[n] === '\r')) n++;
  return text[n] === ',' || text[n] === ')' || text[n] === ']';
}

const WHOLE_ENVIRONMENT = /\bos\.environ\b/g;
const NAMED_CALL = /\b(?:os\.getenv|getenv|env(?:\.(?!read_env\b)[a-z_]+)?|config)\s*\(/g;
const IMPLICIT = /\b(?:BaseSettings|Dynaconf|LazySettings)\b|^[ \t]*(?:from|import)[ \t]+(?:configurations|dynaconf|pydantic_settings|environ_config|goodconf|everett)\b|\.prefixed\s*\(|\bimport_module\s*\(|\bexec(?:file)?\s*\(/gm;

/** Places in Python text where the environment is read by names not written out. */
export function dynamicReads(text: string): Array<{ at: number; length: number; why: string }> {
  const out: Array<{ at: number; length: number; why: string }> = [];
  if (!/environ|getenv|env|config|Settings|Dynaconf|prefixed|import_module|exec/.test(text)) return out;
  for (const m of text.matchAll(WHOLE_ENVIRONMENT)) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const call = /^\s*\.\s*(get|setdefault|pop)\s*\(/.exec(after);
    if (call && literalArgument(text, m.index + m[0].length + call[0].length)) continue;
    const sub = /^\s*\[/.exec(after);
    if (sub && literalArgument(text, m.index + m[0].length + sub[0].length)) continue;
    out.push({ at: m.index, length: m[0].length, why: 'os.environ used as a whole or with a name not written out' });
  }
  // [^\n\r\u2028\u2029]: with the m flag every line terminator starts a line, so the run stops at all of them (linear).
  if (/^[ \t]*from[ \t]+os[ \t]+import[ \t][^\n\r\u2028\u2029]*\benviron\b/m.test(text)) {
    for (const m of text.matchAll(/(?<![.\w])environ\b(?!\s*\.\s*(?:Env|Path)\b)/g)) {
      const after = text.slice(m.index + m[0].length, m.index + m[0].length + 40);
      const call = /^\s*\.\s*(get|setdefault|pop)\s*\(/.exec(after);
      if (call && literalArgument(text, m.index + m[0].length + call[0].length)) continue;
      const sub = /^\s*\[/.exec(after);
      if (sub && literalArgument(text, m.index + m[0].length + sub[0].length)) continue;
      const line = text.slice(text.lastIndexOf('\n', m.index) + 1, m.index);
      if (/^[ \t]*from[ \t]+os[ \t]+import\b/.test(line)) continue;
      out.push({ at: m.index, length: m[0].length, why: 'environ (from os) used as a whole or with a name not written out' });
    }
  }
  for (const m of text.matchAll(NAMED_CALL)) {
    // A call with no argument (`config()`, `env()`) reads nothing by name here.
    const rest = text.slice(m.index + m[0].length, m.index + m[0].length + 20);
    if (/^\s*\)/.test(rest)) continue;
    if (/^\s*[A-Za-z_]\w*\s*=/.test(rest)) continue; // keyword arguments: environ.Env(DEBUG=(bool, False))
    if (!literalArgument(text, m.index + m[0].length)) out.push({ at: m.index, length: m[0].length - 1, why: `${m[0].slice(0, -1).trimEnd()}() with a name not written out` });
  }
  for (const m of text.matchAll(IMPLICIT)) out.push({ at: m.index, length: m[0].length, why: `${m[0].trim()} reads variables by names derived from code` });
  return out;
}

/**
 * /^[ \t]*from[ \t]+(\.*)([A-Za-z_][\w.]*)?[ \t]+import[ \t]+\*\/gm without splitting a run of blanks two ways
 * (issue 7: quadratic on a long one): the module part, when there is one, follows the whole run; without
 * one, two blanks at least; group 1 is undefined (not '') when there is neither dots nor a name.
 */
export const STAR_IMPORT = /^[ \t]*from(?:[ \t]+(?=[.A-Za-z_])(\.*)([A-Za-z_][\w.]*)?|[ \t](?=[ \t]))[ \t]+import[ \t]+\*/gm;

/**
 * `from module import *` of a module the repository does not hold (a local_settings.py kept on the
 * server, a package's settings): it may read any variable.
 */
export function unseenStarImports(file: string, text: string, paths: ReadonlySet<string>): Array<{ at: number; length: number; why: string }> {
  const out: Array<{ at: number; length: number; why: string }> = [];
  if (!text.includes('import')) return out;
  for (const m of text.matchAll(STAR_IMPORT)) {
    const dotsText = m[1] ?? '';
    const dots = dotsText.length;
    const rel = (m[2] ?? '').split('.').filter(Boolean).join('/');
    let found: boolean;
    if (dots > 0) {
      const parts = file.split('/').slice(0, -1);
      const base = parts.slice(0, Math.max(0, parts.length - (dots - 1))).join('/');
      const stem = [base, rel].filter(Boolean).join('/');
      // `from .. import *` of a package without __init__.py: a namespace package, which exports nothing.
      found = rel === '' || paths.has(`${stem}.py`) || paths.has(`${stem}/__init__.py`);
    } else {
      found = [...paths].some((p) => p === `${rel}.py` || p === `${rel}/__init__.py` || p.endsWith(`/${rel}.py`) || p.endsWith(`/${rel}/__init__.py`));
    }
    if (!found) out.push({ at: m.index, length: m[0].length, why: `star import of ${dotsText}${m[2] ?? ''}, which the repository does not hold` });
  }
  return out;
}
