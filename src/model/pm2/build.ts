import type { SourceText } from '../../core/source.js';
import type { DiscoveredFile } from '../../discover/types.js';
import { parseJsonWithPositions, type JsonMember, type JsonNode, type JsonObject } from '../../parse/json-positions.js';
import { parsePm2, type JsLiteral, type JsProp } from '../../parse/pm2.js';
import type { ModelSources } from '../build.js';
import type { PackageJsonFile, Pm2App, Pm2File, Pm2Value } from './types.js';

const DEV_WORDS = /(?:^|[/._-])(?:dev|develop|development|local|test|tests|testing|example|examples|sample|demo)(?:[/._-]|$)/i;

/** pm2 ecosystem files (JavaScript or JSON; YAML pm2 files are not read). */
export function buildPm2Files(files: readonly DiscoveredFile[], sources: ModelSources): Pm2File[] {
  const out: Pm2File[] = [];
  for (const f of files) {
    if (f.kind !== 'pm2' || /\.ya?ml$/i.test(f.path)) continue;
    const src = sources.text(f.path);
    if (!src) continue;
    const configured = sources.configuredRole(f.path);
    const role = configured ?? (DEV_WORDS.test(f.path) ? 'development' : 'production');
    out.push(buildPm2File(src, role));
  }
  return out;
}

export function buildPm2File(src: SourceText, role: 'production' | 'development' = 'production'): Pm2File {
  const parsed = parsePm2(src.text, src.path.endsWith('.json'));
  const span = (a: number, b: number) => src.lines.span(src.path, a, b);
  const apps: Pm2App[] = parsed.apps.map((app) => {
    const options = new Map<string, Pm2Value>();
    const envBlocks: Pm2App['envBlocks'] = [];
    for (const p of app.props) {
      if (/^env(?:_\w+)?$/.test(p.key) && p.object) {
        envBlocks.push({
          name: p.key,
          span: span(p.valueStart, p.valueEnd),
          entries: p.object.map((e: JsProp) => ({ name: e.key, value: e.value, span: span(e.valueStart, e.valueEnd), pairSpan: span(e.start, e.end) })),
        });
        continue;
      }
      options.set(p.key, { value: p.value, span: span(p.valueStart, p.valueEnd), pairSpan: span(p.start, p.end) });
    }
    return { span: span(app.start, app.end), options, envBlocks };
  });
  return { file: src.path, apps, problems: parsed.problems.map((p) => ({ message: p.message, span: span(p.start, p.end) })), role };
}

/** package.json files with their `scripts`. */
export function buildPackageJsons(files: readonly DiscoveredFile[], sources: ModelSources): PackageJsonFile[] {
  const out: PackageJsonFile[] = [];
  for (const f of files) {
    if (f.kind !== 'package-json' || f.path.split('/').includes('node_modules')) continue;
    const src = sources.text(f.path);
    if (!src) continue;
    const span = (a: number, b: number) => src.lines.span(src.path, a, b);
    const pj = parsePackageJson(src.text);
    out.push({
      file: f.path,
      scripts: pj.scripts.map((s) => ({ name: s.key, command: typeof s.value === 'string' ? s.value : '', span: span(s.valueStart, s.valueEnd), pairSpan: span(s.start, s.end) })).filter((s) => s.command !== ''),
      problems: pj.problems.map((p) => ({ message: p.message, span: span(p.start, p.end) })),
    });
  }
  return out;
}

function parsePackageJson(text: string): { scripts: JsProp[]; problems: Array<{ message: string; start: number; end: number }> } {
  // Strict JSON, as npm reads it; @babel/parser (pm2 files) is not loaded for it.
  const parsed = parseJsonWithPositions(text);
  if (parsed.problem) return { scripts: [], problems: [{ message: `cannot be parsed: ${parsed.problem.message}`, start: parsed.problem.offset, end: parsed.problem.offset + 1 }] };
  if (parsed.root?.kind !== 'object') return { scripts: [], problems: [] };
  const scripts = parsed.root.members.find((m) => m.key === 'scripts')?.value;
  return { scripts: scripts?.kind === 'object' ? scripts.members.map((m) => jsonProp(m, text)) : [], problems: [] };
}

/** A JSON member in the shape the pm2 reader gives JavaScript properties (same offsets, same literal values). */
function jsonProp(m: JsonMember, text: string): JsProp {
  const v = m.value;
  const prop: JsProp = { key: m.key, value: jsonLiteral(v, text), start: m.start, end: m.end, keyStart: m.keyStart, valueStart: v.start, valueEnd: v.end };
  if (v.kind === 'object') prop.object = v.members.map((x) => jsonProp(x, text));
  if (v.kind === 'array') prop.objects = v.items.filter((x): x is JsonObject => x.kind === 'object').map((x) => ({ props: x.members.map((y) => jsonProp(y, text)), start: x.start, end: x.end }));
  return prop;
}

function jsonLiteral(v: JsonNode, text: string): JsLiteral {
  if (v.kind === 'string' || v.kind === 'number' || v.kind === 'boolean' || v.kind === 'null') return v.value;
  if (v.kind === 'array' && v.items.every((x) => x.kind === 'string')) return v.items.map((x) => (x as { value: string }).value);
  return { unknown: text.slice(v.start, v.end).slice(0, 200) };
}
