/**
 * Differential test of the static URL resolver (src/model/urlconf.ts) against real Django's
 * django.urls.resolve() on generated URLconfs: path() routes with converters, re_path() regexes
 * anchored or not, include() chains with path and regex prefixes, and request paths made from the
 * routes (and mutated: slash dropped or added, converter values broken, prefixes changed).
 * Every path the static resolver answers (match / no match) must agree with Django.
 *
 *   AUDIT_DEPLOY_URLCONF_SEED   seed (default 20261201)
 *   AUDIT_DEPLOY_URLCONF_CASES  number of URLconfs (default 60)
 * Needs a Python with Django (AUDIT_DEPLOY_DJANGO_PYTHONS, as the settings differential test);
 * with CI or AUDIT_DEPLOY_DJANGO_REQUIRED set, a missing Django fails instead of skipping.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePython } from '../src/parse/python.js';
import { readUrlConf, resolvePath } from '../src/model/urlconf.js';
import { djangoInterpreters } from './differential/django.js';
import { Rng } from './differential/rng.js';

const SEED = Number(process.env.AUDIT_DEPLOY_URLCONF_SEED ?? 20261201);
const COUNT = Number(process.env.AUDIT_DEPLOY_URLCONF_CASES ?? 60);
const interpreters = djangoInterpreters();
const python = interpreters.available[0]?.python;
const required = !!process.env.CI || !!process.env.AUDIT_DEPLOY_DJANGO_REQUIRED;

const WORDS = ['health', 'healthz', 'ready', 'live', '-', 'api', 'v1', 'status', 'ops', 'ping', 'x.y', 'a-b'];
const CONVERTERS: Array<[string, () => string, () => string]> = [
  ['int', () => '42', () => 'x1'],
  ['slug', () => 'a-b_c', () => 'a.b'],
  ['str', () => 'anything', () => 'a/b'],
  ['path', () => 'a/b/c', () => ''],
  ['uuid', () => '0b7e5f9c-1f7a-4c1e-9d8e-6f1a2b3c4d5e', () => 'not-a-uuid'],
];

interface Route {
  /** Python source of the pattern call. */
  src: string;
  /** Sample request path fragments that should match, and near misses. */
  samples: string[];
}

/** One path() route: segments of words and converters, with or without a trailing slash. */
function pathRoute(rng: Rng, include?: string): Route {
  const n = rng.int(0, 3);
  let route = '';
  let good = '';
  let bad = '';
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.3)) {
      const [type, ok, ko] = rng.pick(CONVERTERS);
      route += `<${type}:p${i}>`;
      good += ok();
      bad += ko();
    } else {
      const w = rng.pick(WORDS);
      route += w;
      good += w;
      bad += w;
    }
    if (i < n - 1 || rng.chance(0.7)) {
      route += '/';
      good += '/';
      bad += '/';
    }
  }
  const call = include ? `path(${JSON.stringify(route)}, include(${JSON.stringify(include)}))` : `path(${JSON.stringify(route)}, view)`;
  return { src: call, samples: [good, bad, good.replace(/\/$/, ''), `${good}/`, `x${good}`] };
}

/** One re_path() route: anchored or not, optional slash, alternation, a character class. */
function regexRoute(rng: Rng, include?: string): Route {
  const w = rng.pick(WORDS.filter((x) => !x.includes('.')));
  const alt = rng.pick(WORDS.filter((x) => !x.includes('.') && x !== w));
  const body = rng.pick([`${w}/`, `${w}/?`, `(?:${w}|${alt})/`, `${w}/(?P<n>[0-9]+)/`, `${w}`, `${w}-[a-z]+/`]);
  const start = rng.chance(0.8) ? '^' : '';
  const end = include ? '' : rng.chance(0.7) ? '$' : '';
  const pattern = `${start}${body}${end}`;
  const call = include ? `re_path(r${JSON.stringify(pattern)}, include(${JSON.stringify(include)}))` : `re_path(r${JSON.stringify(pattern)}, view)`;
  const good = `${w}/`;
  return { src: call, samples: [good, w, `${alt}/`, `${w}/12/`, `${w}-abc/`, `zz${good}`, `${good}tail`] };
}

interface Case {
  name: string;
  modules: Record<string, string>;
  paths: string[];
}

function generate(rng: Rng, index: number): Case {
  const name = `case${index}`;
  const modules: Record<string, string> = {};
  const paths = new Set<string>(['/', '/health/', '/health', '/api/v1/status/']);
  const moduleSource = (mod: string, depth: number): string[] => {
    const routes: Route[] = [];
    const count = rng.int(1, 4);
    for (let i = 0; i < count; i++) {
      if (depth < 2 && rng.chance(0.3)) {
        const child = `${mod}_${i}`;
        const r = rng.chance(0.6) ? pathRoute(rng, `${name}.${child}`) : regexRoute(rng, `${name}.${child}`);
        routes.push(r);
        const inner = moduleSource(child, depth + 1);
        // Paths through the include: prefix samples joined with the child's own samples.
        for (const prefix of r.samples.slice(0, 2)) for (const rest of inner) paths.add(`/${prefix}${rest}`);
      } else routes.push(rng.chance(0.6) ? pathRoute(rng) : regexRoute(rng));
    }
    modules[mod] = `from django.urls import include, path, re_path\n\n\ndef view(request, **kwargs):\n    return None\n\n\nurlpatterns = [\n${routes.map((r) => `    ${r.src},`).join('\n')}\n]\n`;
    const samples = routes.flatMap((r) => r.samples);
    for (const s of samples) paths.add(`/${s}`);
    return samples;
  };
  moduleSource('root', 0);
  return { name, modules, paths: [...paths] };
}

const work = mkdtempSync(join(tmpdir(), 'audit-deploy-urlconf-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!python && !required)('URL resolver against real Django', () => {
  it(`agrees with django.urls.resolve (${interpreters.available.map((i) => i.version).join(', ') || 'no Django'}) on ${COUNT} generated URLconfs`, () => {
    expect(python, `no Python with Django: ${interpreters.skipped.map((s) => `${s.python}: ${s.reason}`).join('; ')}`).toBeDefined();
    const rng = new Rng(SEED);
    const cases = Array.from({ length: COUNT }, (_, i) => generate(rng, i));
    for (const c of cases) {
      mkdirSync(join(work, c.name), { recursive: true });
      writeFileSync(join(work, c.name, '__init__.py'), '');
      for (const [m, text] of Object.entries(c.modules)) writeFileSync(join(work, c.name, `${m}.py`), text);
    }
    const specFile = join(work, 'spec.json');
    writeFileSync(specFile, JSON.stringify({ cases: cases.map((c) => ({ urlconf: `${c.name}.root`, paths: c.paths })) }));
    const driver = join(import.meta.dirname, 'urlconf-differential.py');
    const disagreements: string[] = [];
    let compared = 0;
    let unknown = 0;
    for (const interp of interpreters.available) {
    const django = JSON.parse(execFileSync(interp.python, [driver, work, specFile], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Record<string, Record<string, boolean | string>>;
    for (const c of cases) {
      const conf = readUrlConf(`${c.name}.root`, {
        fileOf: (m) => (m.startsWith(`${c.name}.`) && c.modules[m.slice(c.name.length + 1)] !== undefined ? `${c.name}/${m.slice(c.name.length + 1)}.py` : undefined),
        python: (f) => parsePython(f, c.modules[f.split('/')[1]!.replace(/\.py$/, '')]!),
      })!;
      for (const p of c.paths) {
        const theirs = django[`${c.name}.root`]![p];
        if (typeof theirs !== 'boolean') continue;
        const ours = resolvePath(conf, p, { debug: false });
        if (ours.kind === 'unknown') {
          unknown++;
          continue;
        }
        compared++;
        if ((ours.kind === 'match') !== theirs) disagreements.push(`Django ${interp.version}: ${c.name} ${p}: Django ${theirs ? 'resolves' : '404'}, audit-deploy ${ours.kind}\n${Object.entries(c.modules).map(([m, t]) => `--- ${m}\n${t}`).join('\n')}`);
      }
    }
    }
    expect(disagreements.slice(0, 3)).toEqual([]);
    expect(compared).toBeGreaterThan(COUNT * 10);
    // The generated patterns are all readable statically: nothing should be left unknown.
    expect(unknown).toBe(0);
  }, 120_000);
});

if (!python) console.warn(`URL resolver differential test not run: ${interpreters.skipped.map((s) => `${s.python}: ${s.reason}`).join('; ')}`);
