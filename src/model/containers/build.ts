import type { Notice } from '../../core/finding.js';
import type { Span } from '../../core/position.js';
import { makeSourceText, type SourceText } from '../../core/source.js';
import { readText } from '../../discover/read.js';
import type { DiscoveredFile } from '../../discover/types.js';
import { parseDockerignore, type Dockerignore } from '../../parse/dockerfile/dockerignore.js';
import { parseDockerfile, type ParsedDockerfile } from '../../parse/dockerfile/parse.js';
import { looksLikeCompose } from '../../parse/compose/parse.js';
import { lastDefinitions, parseDotenv } from '../../parse/dotenv.js';
import { splitShell } from '../../parse/shell-words.js';
import { pathRole, recognizeShell } from '../appserver/command.js';
import type { ExternalCommandLine } from '../appserver/types.js';
import type { ModelSources } from '../build.js';
import { buildProject, dirOf, planProjects, readComposeFiles, scalarStart, type ComposeSources } from './compose.js';
import { copySourcesOf, launchScriptsOf, runsOf, scriptInImage, sensitiveIn, type RepoView } from './analyse.js';
import { buildStages } from './dockerfile.js';
import type { ComposeProject, ComposeService, ContainerEnvLayer, DockerBuildContext, DockerCommand, DockerfileModel, DockerStage } from './types.js';
import { filesByPath } from '../files.js';

export interface Containers {
  dockerfiles: DockerfileModel[];
  composeProjects: ComposeProject[];
  /** Command lines that may start application servers, for the app-server builder. */
  commandLines: ExternalCommandLine[];
  /**
   * Start scripts read here (an extension-less `start` is no kind the source cache reads) that
   * command lines point into: the app-server builder must be able to read them too.
   */
  scriptTexts: ReadonlyMap<string, SourceText>;
}

/** The model's sources, also able to read the start scripts the containers part found. */
export function withContainerScripts(sources: ModelSources, containers: Containers): ModelSources {
  return {
    byPath: sources.byPath,
    configuredRole: (p) => sources.configuredRole(p),
    text: (p) => sources.text(p) ?? containers.scriptTexts.get(p),
    python: (p) => sources.python(p),
  };
}

/**
 * The containers part of the model: Dockerfiles and compose projects, tied together (which
 * service builds which Dockerfile, with which context, target and build args), the environment
 * each service's container starts with, and the command lines handed to the app-server builder.
 */
export function buildContainers(files: DiscoveredFile[], sources: ModelSources, notices: Notice[]): Containers {
  const paths = new Set(files.map((f) => f.path));
  const csources: ComposeSources = {
    text: (p) => sources.text(p),
    has: (p) => paths.has(p),
    configuredRole: (p) => sources.configuredRole(p),
    paths,
  };

  // Compose files: by name, and other YAML with compose services at the top.
  const composePaths: string[] = [];
  for (const f of files) {
    if (f.kind === 'compose') composePaths.push(f.path);
    else if (f.kind === 'yaml-candidate' && !/(?:^|\/)\.(?:github|gitlab|circleci)\//.test(f.path) && !/\.gitlab-ci\.ya?ml$/.test(f.path)) {
      const src = sources.text(f.path);
      if (src && looksLikeCompose(src)) composePaths.push(f.path);
    }
  }
  const composeFiles = readComposeFiles(composePaths, csources);
  for (const f of composeFiles.values()) {
    if (f.template) notices.push({ kind: 'unsupported', file: f.file, message: `${f.file}: holds template syntax ({{ }} or {% %}); not read as a compose file until rendered` });
  }
  const composeProjects = planProjects(composeFiles, csources).map((plan) => buildProject(plan, composeFiles, csources));

  // Dockerfiles, with the contexts compose builds them in.
  const parsed = new Map<string, ParsedDockerfile>();
  for (const f of files) {
    if (f.kind !== 'dockerfile') continue;
    const src = sources.text(f.path);
    if (src) parsed.set(f.path, parseDockerfile(src));
  }
  const uses = new Map<string, Array<{ project: ComposeProject; service: ComposeService }>>();
  for (const project of composeProjects) {
    for (const service of project.services) {
      const df = service.build?.dockerfile;
      if (!df || !parsed.has(df)) continue;
      uses.set(df, [...(uses.get(df) ?? []), { project, service }]);
    }
  }
  // Scripts a Dockerfile starts (an extension-less `entrypoint`) are no kind the source cache reads: read them here.
  const byPath = filesByPath(files);
  const extra = new Map<string, SourceText | undefined>();
  const repo: RepoView = {
    paths,
    text: (p) => {
      const cached = sources.text(p);
      if (cached) return cached;
      if (!extra.has(p)) {
        const f = byPath.get(p);
        const r = f && f.size <= 1_000_000 ? readText(f) : undefined;
        extra.set(p, r?.text !== undefined ? makeSourceText(p, r.text) : undefined);
      }
      return extra.get(p);
    },
  };
  const rootAbs = rootOf(files);
  if (rootAbs) repo.rootAbs = rootAbs;
  const dockerfiles: DockerfileModel[] = [];
  for (const [path, p] of parsed) {
    dockerfiles.push(dockerfileModel(path, p, uses.get(path) ?? [], sources, repo));
  }
  const dockerfileByPath = new Map(dockerfiles.map((d) => [d.file, d]));

  // Each service: its Dockerfile stage and the environment layers of its container.
  for (const project of composeProjects) {
    for (const service of project.services) {
      const df = service.build?.dockerfile ? dockerfileByPath.get(service.build.dockerfile) : undefined;
      let stage: DockerStage | undefined;
      if (df) {
        const target = service.build?.target?.value.toLowerCase();
        stage = target ? df.stages.find((s) => s.name === target) : df.stages[df.stages.length - 1];
        service.dockerfile = { file: df.file, ...(stage ? { stage: stage.index } : {}) };
      }
      service.envLayers = envLayers(service, stage, df, sources);
    }
  }

  const lines = commandLines(dockerfiles, composeProjects, sources, repo);
  const scriptTexts = new Map<string, SourceText>();
  for (const [p, t] of extra) if (t) scriptTexts.set(p, t);
  return { dockerfiles, composeProjects, commandLines: lines, scriptTexts };
}

/** The absolute root of the tree, from any discovered file. */
function rootOf(files: DiscoveredFile[]): string | undefined {
  const f = files[0];
  if (!f || !f.absPath.endsWith(f.path)) return undefined;
  return f.absPath.slice(0, f.absPath.length - f.path.length).replace(/[\\/]$/, '') || '/';
}

function dockerfileModel(path: string, parsed: ParsedDockerfile, users: Array<{ project: ComposeProject; service: ComposeService }>, sources: ModelSources, repo: RepoView): DockerfileModel {
  const paths = repo.paths;
  const dir = dirOf(path);
  // Build args of the first service that builds it (they decide ARG defaults); each context keeps its own.
  const firstArgs = users[0] ? argValues(users[0].service) : {};
  const stages = buildStages(parsed, firstArgs);
  const dockerignoreFor = (context: string | undefined): Dockerignore | undefined => {
    const beside = `${path}.dockerignore`;
    const inContext = context === undefined ? undefined : context ? `${context}/.dockerignore` : '.dockerignore';
    for (const candidate of [beside, inContext]) {
      if (!candidate || !paths.has(candidate)) continue;
      const src = sources.text(candidate);
      if (src) return parseDockerignore(src);
    }
    return undefined;
  };
  const contexts: DockerBuildContext[] = [];
  for (const { project, service } of users) {
    const c: DockerBuildContext = { origin: 'compose', service: { project: project.name, name: service.name, span: service.build!.span }, buildArgs: argValues(service), sensitive: [] };
    if (service.build!.context !== undefined) c.dir = service.build!.context;
    const di = dockerignoreFor(c.dir);
    if (di) c.dockerignore = di;
    if (c.dir !== undefined) c.sensitive = sensitiveIn(c.dir, di, repo);
    const target = service.build?.target?.value.toLowerCase();
    if (target) {
      const st = stages.find((s) => s.name === target);
      if (st) c.target = st.index;
    }
    contexts.push(c);
  }
  if (contexts.length === 0) {
    for (const d of dir === '' ? [''] : [dir, '']) {
      const di = dockerignoreFor(d);
      const c: DockerBuildContext = { origin: 'assumed', dir: d, sensitive: sensitiveIn(d, di, repo) };
      if (di) c.dockerignore = di;
      contexts.push(c);
    }
  }
  const last = stages.length - 1;
  const targets = contexts.length > 0 && contexts.every((c) => c.origin === 'compose' && c.target !== undefined)
    ? [...new Set(contexts.map((c) => c.target!))].sort((a, b) => a - b)
    : last >= 0 ? [last] : [];
  const shipped = new Set<number>();
  for (const t of targets) {
    for (let s: DockerStage | undefined = stages[t]; s; s = s.baseStage !== undefined ? stages[s.baseStage] : undefined) {
      if (shipped.has(s.index)) break;
      shipped.add(s.index);
    }
  }

  // Role: the configuration, then the compose projects that build it, then its path.
  let role = sources.configuredRole(path);
  let roleReason = role ? `the configuration says ${path} is for ${role}` : '';
  if (!role && users.length > 0) {
    const prod = users.find((u) => u.project.role === 'production');
    role = prod ? 'production' : 'development';
    roleReason = prod ? `built by service ${prod.service.name} of ${prod.project.name} (production)` : `built only by development compose projects (${[...new Set(users.map((u) => u.project.name))].join(', ')})`;
  }
  if (!role) {
    role = pathRole(path);
    roleReason = role === 'development' ? `the path ${path} names a development setup` : `no development word in ${path}`;
  }
  const model: DockerfileModel = {
    file: path,
    dir,
    role,
    roleReason,
    parsed,
    stages,
    targets,
    shippedStages: [...shipped].sort((a, b) => a - b),
    contexts,
    copySources: [],
    problems: parsed.problems,
  };
  const src = sources.text(path);
  if (src) for (const s of stages) s.runs = runsOf(s, src);
  for (const t of targets) {
    const s = stages[t];
    if (s) s.launchScripts = launchScriptsOf(s, stages, model, repo);
  }
  model.copySources = copySourcesOf(model, repo);
  return model;
}

function argValues(service: ComposeService): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(service.build?.args ?? {})) out[k] = v ? v.value : null;
  return out;
}

/** Dockerfile ENV < env_file (in order) < environment, as the container gets them. */
function envLayers(service: ComposeService, stage: DockerStage | undefined, df: DockerfileModel | undefined, sources: ModelSources): ContainerEnvLayer[] {
  const layers: ContainerEnvLayer[] = [];
  if (stage && df) {
    const unresolved = stage.env.some((e) => e.unresolved.length > 0);
    let root: DockerStage = stage;
    while (root.baseStage !== undefined && df.stages[root.baseStage]) root = df.stages[root.baseStage]!;
    const layer: ContainerEnvLayer = {
      kind: 'dockerfile',
      file: df.file,
      vars: stage.env.filter((e) => e.keyword === 'ENV').map((e) => ({ name: e.name, value: e.value, span: e.span, ...(e.valueSpan ? { valueSpan: e.valueSpan } : {}) })),
      complete: root.scratch && !unresolved,
      openBy: `the base image ${root.image.resolved ?? root.image.written}`,
    };
    if (layer.complete) delete layer.openBy;
    layers.push(layer);
  }
  for (const ef of service.envFiles) {
    if (!ef.file) {
      layers.push({ kind: 'env_file', file: ef.path, vars: [], complete: false, openBy: `env_file ${ef.path} (not in the repository)` });
      continue;
    }
    const src = sources.text(ef.file);
    if (!src) {
      layers.push({ kind: 'env_file', file: ef.file, vars: [], complete: false, openBy: `env_file ${ef.file} (unreadable)` });
      continue;
    }
    const entries = lastDefinitions(parseDotenv(ef.file, src.text, 'compose').entries);
    layers.push({
      kind: 'env_file',
      file: ef.file,
      vars: entries.map((e) => ({ name: e.name, value: e.value, span: e.span, ...(e.valueSpan ? { valueSpan: e.valueSpan } : {}) })),
      complete: entries.every((e) => e.value !== null),
      ...(entries.some((e) => e.value === null) ? { openBy: `the host environment (${ef.file} names variables without values)` } : {}),
    });
  }
  if (service.environment.length > 0) {
    const bare = service.environment.filter((e) => e.value === null);
    const file = service.environment[0]!.span.file;
    const layer: ContainerEnvLayer = {
      kind: 'environment',
      file,
      vars: service.environment.map((e) => ({ name: e.name, value: e.value ? e.value.value : null, span: e.span, ...(e.value ? { valueSpan: e.value.span } : {}) })),
      complete: bare.length === 0 && service.environment.every((e) => !e.value?.interp),
    };
    if (!layer.complete) layer.openBy = bare.length ? `the host environment (${bare.map((b) => b.name).join(', ')})` : 'the host environment or the project .env (interpolated values)';
    layers.push(layer);
  }
  return layers;
}

// ---------------------------------------------------------------------------------------------
// Command lines for the app-server builder

function commandLines(dockerfiles: DockerfileModel[], projects: ComposeProject[], sources: ModelSources, repo: RepoView): ExternalCommandLine[] {
  const out: ExternalCommandLine[] = [];
  const seen = new Set<string>();
  const push = (c: ExternalCommandLine) => {
    const k = `${c.file}:${c.span.start.offset}:${c.role}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(c);
  };

  // Services that replace a Dockerfile's CMD for every use of it.
  const overridden = new Map<string, boolean>();
  for (const p of projects) {
    for (const s of p.services) {
      const df = s.dockerfile?.file;
      if (!df) continue;
      overridden.set(df, (overridden.get(df) ?? true) && s.command !== undefined);
    }
  }

  for (const df of dockerfiles) {
    if (overridden.get(df.file)) continue;
    const src = sources.text(df.file);
    if (!src) continue;
    for (const t of df.targets) {
      const stage = df.stages[t];
      if (!stage) continue;
      const environment = {
        vars: stage.env.filter((e) => e.keyword === 'ENV' && e.value !== null).map((e) => ({ name: e.name, value: e.value!, span: e.span })),
        complete: false,
        openBy: 'the container environment (docker run -e, compose environment/env_file, the orchestrator)',
      };
      const base: Omit<ExternalCommandLine, 'span'> = {
        origin: 'dockerfile',
        file: df.file,
        role: df.role,
        web: true,
        environment,
        processName: stage.name ?? df.file,
      };
      const wd = workingDirectory(df, stage);
      if (wd !== undefined) base.workingDirectory = wd;
      const ep = stage.entrypoint;
      const cmd = stage.cmd;
      if (ep?.form === 'exec' && ep.words && ep.words.length > 0 && cmd?.form === 'exec' && cmd.words) {
        const words = [...ep.words, ...cmd.words];
        if (recognizesWords(words.map((w) => w.value))) {
          push({ ...base, words, span: spanOver(ep.instruction.span, cmd.instruction.span) });
          continue;
        }
      }
      for (const c of [ep, cmd]) {
        if (!c || (c === cmd && ep?.form === 'shell')) continue;
        const line = fromDockerCommand(c, base, src.text);
        if (line) push(line);
      }
      // Start scripts (`ENTRYPOINT ["/start"]`) that run the server themselves.
      for (const script of stage.launchScripts) for (const line of serverLinesIn(script.file, base, repo)) push(line);
    }
  }

  for (const p of projects) {
    for (const s of p.services) {
      for (const c of [s.entrypoint, s.command]) {
        if (!c) continue;
        const file = (c.string ?? c.words?.[0])?.file ?? c.span.file;
        const src = sources.text(file);
        if (!src) continue;
        const environment = serviceEnvironment(s);
        const base: Omit<ExternalCommandLine, 'span'> = { origin: 'compose', file, role: p.role, web: true, environment, processName: s.name };
        // `command: /start`: the script the image holds (cookiecutter-django) runs the server.
        const df = s.dockerfile ? dockerfiles.find((d) => d.file === s.dockerfile!.file) : undefined;
        const stage = df && s.dockerfile?.stage !== undefined ? df.stages[s.dockerfile.stage] : undefined;
        const argv = c.argv;
        const program = argv[0] && /^(?:ba|da)?sh$/.test(argv[0].slice(argv[0].lastIndexOf('/') + 1)) && argv[1] && !argv[1].startsWith('-') ? argv[1] : argv[0];
        if (df && stage && program && /^(?:\/|\.\/)|\.sh$/.test(program)) {
          const found = scriptInImage(program, stage, df.stages, df, repo);
          if (found) for (const line of serverLinesIn(found.file, base, repo)) push(line);
        }
        if (c.form === 'list' && c.words) {
          if (c.words.length === 0) continue;
          push({ ...base, words: c.words.map((w) => ({ value: w.value, span: w.span })), span: c.span });
        } else if (c.string) {
          const start = scalarStart(c.string, src);
          const text = start !== undefined ? c.string.written ?? c.string.value : c.string.value;
          push({ ...base, shell: { text, start: start ?? c.string.span.start.offset }, span: c.span });
        }
      }
    }
  }
  return out;
}

/**
 * The commands of a start script that run an application server, as command lines. A development
 * server next to a production one, or under a condition (`if [ "$DEBUG" ]`), is left out: which
 * one runs depends on the environment.
 */
function serverLinesIn(file: string, base: Omit<ExternalCommandLine, 'span' | 'file'>, repo: RepoView): ExternalCommandLine[] {
  const src = repo.text(file);
  if (!src) return [];
  const split = splitShell(src.text, { base: 0 });
  const hits: Array<{ start: number; end: number; server: string }> = [];
  let conditional = false;
  for (const c of split.commands) {
    const first = c.words[0]?.value;
    if (first && /^(?:if|then|else|elif|case|while|until)$/.test(first)) conditional = true;
    const rec = recognizeShell([c]);
    if (!rec || c.words.length === 0) continue;
    hits.push({ start: c.words[0]!.start, end: c.words[c.words.length - 1]!.end, server: rec.server });
  }
  const production = hits.filter((h) => h.server !== 'runserver');
  const keep = production.length > 0 ? production : conditional ? [] : hits;
  return keep.map((h) => ({ ...base, file, shell: { text: src.text.slice(h.start, h.end), start: h.start }, span: src.lines.span(file, h.start, h.end) }));
}

function recognizesWords(words: string[]): boolean {
  const text = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  return recognizeShell(splitShell(text).commands) !== undefined;
}

function spanOver(a: Span, b: Span): Span {
  return a.start.offset <= b.start.offset ? { file: a.file, start: a.start, end: b.end.offset > a.end.offset ? b.end : a.end } : spanOver(b, a);
}

function fromDockerCommand(c: DockerCommand, base: Omit<ExternalCommandLine, 'span'>, text: string): ExternalCommandLine | undefined {
  if (c.form === 'exec') {
    if (!c.words || c.words.length === 0) return undefined;
    return { ...base, words: c.words.map((w) => ({ value: w.value, span: w.span })), span: c.instruction.span };
  }
  const t = c.instruction.text;
  if (!t || t.offsets.length === 0) return undefined;
  const start = t.offsets[0]!;
  const end = t.offsets[t.offsets.length - 1]! + 1;
  const contiguous = end - start === t.value.length;
  // A continued command: the source text itself, whose `\` line breaks the shell splitter joins.
  return { ...base, shell: { text: contiguous ? t.value : text.slice(start, end), start }, span: c.instruction.span };
}

/** The repository directory the container's WORKDIR holds, when `COPY . <WORKDIR>` (or `COPY . .`) puts the build context there. */
function workingDirectory(df: DockerfileModel, stage: DockerStage): string | undefined {
  const wd = stage.workdir?.value;
  const ctx = df.contexts.find((c) => c.origin === 'compose')?.dir ?? df.contexts[0]?.dir;
  if (!wd || ctx === undefined) return undefined;
  for (const ins of stage.instructions) {
    if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
    if (ins.flags.some((f) => f.name === 'from')) continue;
    const words = ins.json ?? ins.args;
    if (words.length !== 2) continue;
    const srcW = words[0]!;
    const dest = words[1]!;
    if (srcW.value !== '.' && srcW.value !== './') continue;
    const d = dest.value.replace(/\/$/, '') || '/';
    if (d === '.' || d === wd.replace(/\/$/, '')) return ctx;
  }
  return undefined;
}

function serviceEnvironment(s: ComposeService): ExternalCommandLine['environment'] {
  const vars: Array<{ name: string; value: string; span: Span }> = [];
  for (const layer of s.envLayers) for (const v of layer.vars) if (v.value !== null) vars.push({ name: v.name, value: v.value, span: v.valueSpan ?? v.span });
  const open = s.envLayers.filter((l) => !l.complete).map((l) => l.openBy).filter((x): x is string => !!x);
  return { vars, complete: false, openBy: open.length ? [...new Set(open)].join(', ') : 'the host environment of docker compose' };
}
