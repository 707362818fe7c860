import type { Notice } from '../../core/finding.js';
import type { DiscoveredFile } from '../../discover/types.js';
import { asMap, asScalar, get, items, pairOf, parseYamlFile, text, type YamlMap, type YamlNode, type YamlPair } from '../../parse/yaml-positions.js';
import type { ModelSources } from '../build.js';
import type { UsesRef, WfString, Workflow, WorkflowEnvEntry, WorkflowJob, WorkflowPermissions, WorkflowStep, WorkflowTrigger } from './types.js';

/** GitHub Actions workflows: every `.github/workflows/*.yml` file, with positions for everything. */
export function buildWorkflows(files: DiscoveredFile[], sources: ModelSources, _notices: Notice[]): Workflow[] {
  const out: Workflow[] = [];
  for (const f of files) {
    if (f.kind !== 'github-workflow') continue;
    const src = sources.text(f.path);
    if (!src) continue;
    const parsed = parseYamlFile(src);
    const wf: Workflow = {
      file: f.path,
      span: src.lines.lineSpan(f.path, 1),
      triggers: [],
      env: new Map(),
      jobs: [],
      problems: [...parsed.problems],
      role: sources.configuredRole(f.path) ?? 'production',
    };
    const doc = parsed.documents[0];
    const root = asMap(doc?.contents);
    if (!root) {
      if (wf.problems.length === 0) wf.problems.push({ message: 'the workflow file holds no mapping (GitHub needs `on:` and `jobs:`)', span: doc?.span ?? wf.span });
      out.push(wf);
      continue;
    }
    wf.root = root;
    wf.span = root.pairs[0]?.keySpan ?? wf.span;
    const name = wfString(pairOf(root, 'name'));
    if (name) wf.name = name;
    // YAML 1.1 readers turn a bare `on` key into true; GitHub and this model read it as "on".
    const on = pairOf(root, 'on') ?? pairOf(root, 'true');
    if (on) {
      wf.onSpan = on.span;
      wf.triggers = triggersOf(on.value);
    } else if (wf.problems.length === 0) {
      wf.problems.push({ message: 'the workflow has no `on:` (GitHub refuses a workflow without triggers)', span: wf.span });
    }
    const perms = permissionsOf(pairOf(root, 'permissions'));
    if (perms) wf.permissions = perms;
    wf.env = envOf(get(root, 'env'));
    const jobs = pairOf(root, 'jobs');
    const jobsMap = asMap(jobs?.value);
    if (!jobsMap && wf.problems.length === 0) wf.problems.push({ message: 'the workflow has no `jobs:` (GitHub refuses a workflow without jobs)', span: jobs?.span ?? wf.span });
    for (const p of jobsMap?.pairs ?? []) {
      const m = asMap(p.value);
      if (m) wf.jobs.push(jobOf(p, m));
    }
    out.push(wf);
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function wfString(p: YamlPair | undefined): WfString | undefined {
  const s = asScalar(p?.value);
  if (!p || !s || s.value === null) return undefined;
  return { value: s.text, span: s.span, pairSpan: p.span, scalar: s };
}

function triggersOf(n: YamlNode | undefined): WorkflowTrigger[] {
  if (!n) return [];
  if (n.kind === 'scalar') return n.value === null ? [] : [{ event: n.text, span: n.span }];
  if (n.kind === 'seq') return n.items.flatMap((i) => (i.kind === 'scalar' && i.value !== null ? [{ event: i.text, span: i.span }] : []));
  return n.pairs.map((p) => (p.value ? { event: p.key, span: p.keySpan, config: p.value } : { event: p.key, span: p.keySpan }));
}

function permissionsOf(p: YamlPair | undefined): WorkflowPermissions | undefined {
  if (!p) return undefined;
  const perms: WorkflowPermissions = { span: p.span, kind: 'other', scopes: new Map() };
  const v = p.value;
  if (v?.kind === 'scalar') {
    if (v.text === 'read-all' || v.text === 'write-all') perms.kind = v.text;
    // `permissions:` with no value is `{}`? GitHub rejects a null; keep 'other'.
  } else if (v?.kind === 'map') {
    perms.kind = 'map';
    for (const q of v.pairs) {
      const t = text(q.value);
      if (t !== undefined) perms.scopes.set(q.key, { value: t, span: q.span });
    }
  }
  return perms;
}

function envOf(n: YamlNode | undefined): Map<string, WorkflowEnvEntry> {
  const out = new Map<string, WorkflowEnvEntry>();
  const m = asMap(n);
  for (const p of m?.pairs ?? []) {
    const s = asScalar(p.value);
    const e: WorkflowEnvEntry = { name: p.key, value: s && s.value !== null ? s.text : '', span: p.span, nameSpan: p.keySpan };
    if (s) e.scalar = s;
    out.set(p.key, e);
  }
  return out;
}

function withOf(n: YamlNode | undefined): Map<string, WfString> {
  const out = new Map<string, WfString>();
  for (const p of asMap(n)?.pairs ?? []) {
    const w = wfString(p);
    if (w) out.set(p.key, w);
  }
  return out;
}

/** Parse a `uses:` reference. */
export function parseUses(p: YamlPair | undefined): UsesRef | undefined {
  const w = wfString(p);
  if (!w) return undefined;
  const raw = w.value.trim();
  const base = { raw, span: w.span, pairSpan: w.pairSpan };
  if (raw.startsWith('./') || raw.startsWith('../') || raw === '.') return { ...base, kind: 'local' };
  if (raw.startsWith('docker://')) return { ...base, kind: 'docker' };
  const at = raw.lastIndexOf('@');
  const target = at >= 0 ? raw.slice(0, at) : raw;
  const ref = at >= 0 ? raw.slice(at + 1) : undefined;
  const [owner, repo, ...rest] = target.split('/');
  const path = rest.join('/');
  const kind = /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) ? 'reusable' : 'action';
  const out: UsesRef = { ...base, kind };
  if (owner) out.owner = owner;
  if (repo) out.repo = repo;
  if (path) out.path = path;
  if (ref !== undefined) out.ref = ref;
  return out;
}

function jobOf(p: YamlPair, m: YamlMap): WorkflowJob {
  const job: WorkflowJob = {
    id: p.key,
    idSpan: p.keySpan,
    span: p.span,
    node: m,
    needs: [],
    with: withOf(get(m, 'with')),
    env: envOf(get(m, 'env')),
    steps: [],
  };
  const name = wfString(pairOf(m, 'name'));
  if (name) job.name = name;
  const needs = get(m, 'needs');
  for (const n of needs?.kind === 'seq' ? needs.items : needs ? [needs] : []) {
    const s = asScalar(n);
    if (s && s.value !== null) job.needs.push({ id: s.text, span: s.span });
  }
  const cond = wfString(pairOf(m, 'if'));
  if (cond) job.if = cond;
  const perms = permissionsOf(pairOf(m, 'permissions'));
  if (perms) job.permissions = perms;
  const env = pairOf(m, 'environment');
  if (env && env.value && !(env.value.kind === 'scalar' && env.value.value === null)) {
    const nameText = env.value.kind === 'scalar' ? text(env.value) : text(get(env.value, 'name'));
    job.environment = nameText !== undefined ? { name: nameText, span: env.span } : { span: env.span };
  }
  const runsOn = get(m, 'runs-on');
  const ro = text(runsOn) ?? (runsOn?.kind === 'seq' ? items(runsOn).map((i) => text(i) ?? '').join(',') : undefined);
  if (ro !== undefined) job.runsOn = ro;
  const uses = parseUses(pairOf(m, 'uses'));
  if (uses) job.uses = uses;
  const secrets = pairOf(m, 'secrets');
  if (secrets && text(secrets.value) === 'inherit') job.secretsInherit = secrets.span;
  items(get(m, 'steps')).forEach((item, index) => {
    const s = asMap(item);
    if (s) job.steps.push(stepOf(s, index));
  });
  return job;
}

function stepOf(m: YamlMap, index: number): WorkflowStep {
  const step: WorkflowStep = { index, span: m.span, node: m, with: withOf(get(m, 'with')), env: envOf(get(m, 'env')) };
  for (const key of ['id', 'name', 'run', 'shell', 'if'] as const) {
    const v = wfString(pairOf(m, key));
    if (v) step[key] = v;
  }
  const uses = parseUses(pairOf(m, 'uses'));
  if (uses) step.uses = uses;
  return step;
}
