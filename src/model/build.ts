import ignore from 'ignore';
import type { Notice } from '../core/finding.js';
import { formatLimit, namesList, type TimeBudget } from '../engine/budget.js';
import { makeSourceText, type SourceText } from '../core/source.js';
import { readText, type ReadResult } from '../discover/read.js';
import type { DiscoveredFile } from '../discover/types.js';
import { discover } from '../discover/walk.js';
import { parsePython, type ParsedPython } from '../parse/python.js';
import { PARSE_AHEAD_MIN_FILES, ParseAhead, type ParseAheadMode } from '../parse/python-ahead.js';
import { detectDjangoVersion, parseDependencies } from '../parse/requirements.js';
import { chooseProductionModule, findProjectRoots, isNonProductionProjectRoot, looksLikeDjangoSettings, moduleNameOf } from './django-project.js';
import { dotenvLayer } from './env/dotenv-layer.js';
import { envFileRole } from './env/roles.js';
import { LayeredEnv, type DotenvDialect, type EnvEntry, type EnvLayer, type EnvSourceRole } from './env/types.js';
import { asStringList } from './python-value.js';
import { evaluateSettings, type ModuleResolver, type ModuleSource, type UnseenModule } from './settings/evaluate.js';
import type { EvaluatedSettings, ParseProblem } from './settings-types.js';
import { extractModelClasses, setsDefaultAutoField } from './django-models.js';
import type { DeploymentModel, DjangoProject, ImplicitPkModel } from './types.js';
import { extractUrlRoutes } from './urls.js';
import { readUrlConf } from './urlconf.js';
import { buildAppServers } from './appserver/build.js';
import { appModuleOf } from './appserver/query.js';
import { serviceEnvironments, type ServiceEnvironment } from './deployment/service-env.js';
import { envCandidates, scanEnvUsage } from './deployment/env-usage.js';
import { filesByPath, filesOfKind, filesUnder, moduleFilesUnder } from './files.js';
import { kubernetesEnvironments } from './deployment/k8s-env.js';
import { buildBackingServices } from './deployment/backing.js';
import { buildContainers, withContainerScripts } from './containers/build.js';
import { buildApacheSites, type ApacheFile } from './apache.js';
import { buildNginxConfigs } from './nginx/build.js';
import { buildSystemdUnits } from './systemd/build.js';
import { buildK8s } from './k8s/build.js';
import { buildWorkflows } from './workflows/build.js';
import { buildScripts } from './scripts/build.js';
import { findBackupSchedules } from './scripts/backups.js';
import { scanTarget, secretScanTargets, type SecretHit, type SecretScanTarget } from './secrets/scan.js';
import { buildPackageJsons, buildPm2Files } from './pm2/build.js';
import { buildTerraform } from './terraform/build.js';

export interface BuildOptions {
  /** DJANGO_SETTINGS_MODULE to treat as production (the --settings flag). */
  settings?: string;
  maxFileBytes?: number;
  /** gitignore-style patterns of files that describe production, whatever their names say (configuration). */
  production?: string[];
  /** gitignore-style patterns of files for development only, whatever their names say (configuration). */
  development?: string[];
  /** The audit's time budget: once spent, no further file is read (see ModelSources.skipped). */
  budget?: TimeBudget;
  /**
   * Python parsed on a second thread (see parse/python-ahead.ts): 'auto' (the default) once
   * discovery has found PARSE_AHEAD_MIN_FILES files to parse, 'always' or 'never' (tests compare them).
   */
  parseAhead?: ParseAheadMode;
}

/** Where the evaluator pretends the repository is deployed, for BASE_DIR arithmetic. */
export const DEPLOY_ROOT = '/app';

const TEXT_KINDS = new Set<DiscoveredFile['kind']>([
  'python', 'django-settings', 'django-urls', 'django-wsgi', 'django-asgi', 'django-manage',
  'requirements', 'pyproject', 'pipfile', 'pipfile-lock', 'poetry-lock', 'uv-lock', 'setup-py', 'setup-cfg', 'dotenv',
  'nginx', 'conf-candidate', 'systemd-unit', 'systemd-dropin', 'gunicorn-config', 'uwsgi-config', 'ini-candidate', 'procfile',
  'dockerfile', 'dockerignore', 'compose', 'github-workflow', 'yaml-candidate', 'pm2', 'package-json', 'shell-script',
  'script-candidate', 'terraform', 'crontab', 'docs',
]);

/**
 * What a part of the model builder (Django, nginx, systemd, app servers) reads its files through:
 * each file is read and decoded once, each Python file parsed once, and unreadable or undecodable
 * files become notices rather than exceptions.
 */
export interface ModelSources {
  readonly byPath: ReadonlyMap<string, DiscoveredFile>;
  /**
   * What the project's configuration says a file is for ('production' or 'development'), or
   * undefined when it says nothing and the file's name and place decide.
   */
  configuredRole(path: string): 'production' | 'development' | undefined;
  text(path: string): SourceText | undefined;
  python(path: string): ParsedPython | undefined;
  /** Files left unread because the time budget was spent (sorted); empty when the model is complete. */
  skipped?(): string[];
  /**
   * Why a file the deployment has cannot be read here, or undefined: discovery saw the path but
   * could not read it (a link to nothing or to outside the tree, an unreadable, binary or oversized
   * file), or only its template is committed (`config.py_dpkg_dist`, `settings_local.py.sample`,
   * `local_settings.example.py`), the file itself being made at install time.
   */
  unseenContent?(path: string): { kind: 'unreadable' | 'template'; why: string } | undefined;
}

/**
 * Reads each file at most once and parses each Python file at most once, whichever project or
 * environment asks for it.
 */
class SourceCache implements ModelSources {
  private readonly texts = new Map<string, SourceText | null>();
  private readonly parsed = new Map<string, ParsedPython>();
  readonly byPath: Map<string, DiscoveredFile>;

  private readonly productionPaths = ignore();
  private readonly developmentPaths = ignore();
  private readonly hasConfiguredRoles: boolean;
  private readonly unread = new Set<string>();

  constructor(
    files: DiscoveredFile[],
    private readonly notices: Notice[],
    private readonly maxBytes?: number,
    roles: { production?: string[]; development?: string[] } = {},
    private readonly budget?: TimeBudget,
    private readonly ahead?: ParseAhead,
    /** Every file discovery found, of any kind (templates of missing modules are 'other'). */
    private readonly allFiles: readonly DiscoveredFile[] = files,
  ) {
    this.byPath = new Map(files.map((f) => [f.path, f]));
    this.productionPaths.add(roles.production ?? []);
    this.developmentPaths.add(roles.development ?? []);
    this.hasConfiguredRoles = (roles.production?.length ?? 0) + (roles.development?.length ?? 0) > 0;
  }

  configuredRole(path: string): 'production' | 'development' | undefined {
    // Asked for every file: without configured patterns there is nothing to match.
    if (!this.hasConfiguredRoles) return undefined;
    // Development wins: saying a file is only for development is the safer statement.
    if (this.developmentPaths.ignores(path)) return 'development';
    if (this.productionPaths.ignores(path)) return 'production';
    return undefined;
  }

  /** The role of an env file: the configuration's word first, then the file's name. */
  envRole(path: string): EnvSourceRole {
    return this.configuredRole(path) ?? envFileRole(path);
  }

  text(path: string): SourceText | undefined {
    if (!this.texts.has(path)) {
      const file = this.byPath.get(path);
      // A safe point: between files. Once the budget is spent, nothing more is read.
      if (file && this.budget?.expired()) {
        this.unread.add(path);
        return undefined;
      }
      let src: SourceText | null = null;
      if (file) {
        const { text, notice } = this.ahead?.read(path) ?? readText(file, this.maxBytes);
        if (notice) this.notices.push(notice);
        if (text !== undefined) src = makeSourceText(path, text);
      }
      this.texts.set(path, src);
    }
    return this.texts.get(path) ?? undefined;
  }

  python(path: string): ParsedPython | undefined {
    let p = this.parsed.get(path);
    if (!p) {
      const src = this.text(path);
      if (!src) return undefined;
      p = parsePython(path, src.text, { flat: this.ahead?.flatTree(path, src.text) });
      this.parsed.set(path, p);
      // A file Python reads but the audit does not (not a syntax error, which GEN001 reports): a limit hit.
      if (p.unread && p.unread.kind !== 'syntax') this.notices.push({ kind: 'limit', file: path, span: p.unread.span, message: `${path}:${p.unread.span.start.line}: ${p.unread.message}` });
    }
    return p;
  }

  skipped(): string[] {
    return [...this.unread].sort();
  }

  private unreadable?: Set<string>;

  unseenContent(path: string): { kind: 'unreadable' | 'template'; why: string } | undefined {
    this.unreadable ??= new Set(this.notices.filter((n) => n.file !== undefined && SEEN_BUT_UNREAD.has(n.kind)).map((n) => n.file!));
    if (this.unreadable.has(path)) return { kind: 'unreadable', why: `${path} is in the repository but could not be read` };
    if (!path.endsWith('.py')) return undefined;
    const all = filesByPath(this.allFiles);
    const stem = path.slice(0, -3);
    for (const template of [...TEMPLATE_SUFFIXES.map((s) => `${path}${s}`), ...TEMPLATE_INFIXES.map((s) => `${stem}${s}.py`)]) {
      if (all.has(template)) return { kind: 'template', why: `only its template ${template} is in the repository` };
    }
    return undefined;
  }

  /** Whether text() was asked for the file already (whatever the answer). */
  asked(path: string): boolean {
    return this.texts.has(path) || this.unread.has(path);
  }

  /**
   * The read text() would make of a file not asked for yet, made now but not kept: the caller hands it
   * to adopt() later, so that reads made out of order are still kept and reported in order. Undefined
   * when the time budget is spent (the file is then left unread, as text() leaves it).
   */
  readDetached(path: string): ReadResult | undefined {
    const file = this.byPath.get(path);
    if (!file || this.budget?.expired()) {
      if (file) this.unread.add(path);
      return undefined;
    }
    return readText(file, this.maxBytes);
  }

  /**
   * Keeps a read made elsewhere (readDetached, the parse-ahead worker) as the file's one read, as if
   * text() had made it now: its notice is reported, its text kept for every later reader.
   */
  adopt(path: string, read: ReadResult, src?: SourceText): SourceText | undefined {
    if (read.notice) this.notices.push(read.notice);
    const kept = read.text === undefined ? null : src?.text === read.text ? src : makeSourceText(path, read.text);
    this.texts.set(path, kept);
    return kept ?? undefined;
  }

  /** Syntax problems of every Python file parsed so far. */
  syntaxProblems(): ParseProblem[] {
    return [...this.parsed.values()].flatMap((p) => p.problems.filter((q) => q.kind === 'syntax'));
  }
}

/** What ProjectResolver.fileOf answered, per file list and root list. */
const RESOLVED = new WeakMap<ReadonlyMap<string, DiscoveredFile>, Map<string, Map<string, string | undefined>>>();

/** Dotted module names resolve against the project root first, then the repository root. */
/** Discovery's notices for a path it saw but could not read (see ModelSources.unseenContent). */
const SEEN_BUT_UNREAD = new Set<Notice['kind']>(['unreadable', 'symlink', 'too-large', 'binary']);
/** Committed templates of a module made at install time: `x.py.sample`, `x.py_dpkg_dist` (Debian's packaging). */
const TEMPLATE_SUFFIXES = ['.example', '.sample', '.dist', '_dpkg_dist', '.template', '.tmpl', '.default', '.in', '.j2', '.tpl'];
/** ... and `x.example.py`, `x_sample.py`. */
const TEMPLATE_INFIXES = ['.example', '_example', '-example', '.sample', '_sample', '.dist', '_dist', '.template', '_template', '.default', '_default'];

export class ProjectResolver implements ModuleResolver {
  /** Answers per root list (each project and staging or service evaluation makes its own resolver). */
  private readonly answers: Map<string, string | undefined>;

  constructor(private readonly cache: Pick<ModelSources, 'byPath' | 'python' | 'unseenContent'>, private readonly roots: string[]) {
    let byRoots = RESOLVED.get(cache.byPath);
    if (!byRoots) RESOLVED.set(cache.byPath, (byRoots = new Map()));
    const key = roots.join('\0');
    let answers = byRoots.get(key);
    if (!answers) byRoots.set(key, (answers = new Map()));
    this.answers = answers;
  }

  fileOf(module: string): string | undefined {
    // Asked for every service's app of every project on a monorepo: the file list never changes.
    if (this.answers.has(module)) return this.answers.get(module);
    const file = this.find(module);
    this.answers.set(module, file);
    return file;
  }

  private find(module: string, has: (path: string) => boolean = (path) => this.cache.byPath.has(path)): string | undefined {
    const rel = module.split('.').join('/');
    for (const root of this.roots) {
      for (const candidate of [`${rel}.py`, `${rel}/__init__.py`]) {
        const path = root ? `${root}/${candidate}` : candidate;
        if (has(path)) return path;
      }
    }
    return undefined;
  }

  unseen(module: string): UnseenModule | undefined {
    const unseen = this.cache.unseenContent;
    if (!unseen) return undefined;
    let found: ReturnType<typeof unseen>;
    const path = this.find(module, (p) => (found = unseen.call(this.cache, p)) !== undefined);
    return path && found ? { path, ...found } : undefined;
  }

  /** Every Python module under the roots, for django-split-settings include() globs. */
  modules(): string[] {
    const names = new Set<string>();
    for (const path of this.cache.byPath.keys()) {
      if (!path.endsWith('.py')) continue;
      for (const root of this.roots) {
        if (root !== '' && !path.startsWith(root + '/')) continue;
        const name = moduleNameOf(path, root);
        if (name) names.add(name);
      }
    }
    return [...names].sort();
  }

  resolve(module: string): ModuleSource | undefined {
    const file = this.fileOf(module);
    if (!file) return undefined;
    const parsed = this.cache.python(file);
    return parsed ? { module, file, parsed } : undefined;
  }
}

export async function buildModel(rootAbs: string, opts: BuildOptions = {}): Promise<DeploymentModel> {
  return (await buildModelWithSources(rootAbs, opts)).model;
}

/**
 * The model and the sources it was read through, for later stages of the run that need file text
 * (inline suppressions) without reading every file a second time.
 */
export async function buildModelWithSources(rootAbs: string, opts: BuildOptions = {}): Promise<{ model: DeploymentModel; sources: ModelSources }> {
  const mode = opts.parseAhead ?? 'auto';
  // Started as early as it is known to pay, so that the worker loads while discovery goes on.
  let ahead = mode === 'always' ? ParseAhead.start() : undefined;
  let toParse = 0;
  const onFile = mode === 'auto' ? (f: DiscoveredFile) => {
    if (isParsedAhead(f) && ++toParse === PARSE_AHEAD_MIN_FILES) ahead = ParseAhead.start();
  } : undefined;
  try {
    const { files, notices } = discover(rootAbs, { maxFileBytes: opts.maxFileBytes, onFile });
    const projectRoots = findProjectRoots(files);
    const cache = new SourceCache(files.filter((f) => TEXT_KINDS.has(f.kind)), notices, opts.maxFileBytes, opts, opts.budget, ahead, files);
    const secretTargets = secretScanTargets(files.filter((f) => cache.byPath.has(f.path)), cache);
    ahead?.submit({ files: parseAheadPlan(files, projectRoots), scan: secretTargets.map(({ file, role }) => ({ file: { path: file.path, absPath: file.absPath, size: file.size, kind: file.kind }, role })), maxBytes: opts.maxFileBytes });
    return buildFromFiles(rootAbs, files, notices, projectRoots, opts, cache, secretTargets, ahead);
  } finally {
    ahead?.close();
  }
}

function buildFromFiles(
  rootAbs: string,
  files: DiscoveredFile[],
  notices: Notice[],
  projectRoots: string[],
  opts: BuildOptions,
  cache: SourceCache,
  secretTargets: SecretScanTarget[],
  ahead: ParseAhead | undefined,
): { model: DeploymentModel; sources: ModelSources } {
  const djangoProjects: DjangoProject[] = [];
  const evaluators = new Map<DjangoProject, ProjectEvaluator>();
  for (const root of projectRoots) {
    const built = buildProject(root, files, cache, opts, notices);
    if (built) {
      djangoProjects.push(built.project);
      evaluators.set(built.project, built.evaluator);
    }
  }
  const apacheFiles: ApacheFile[] = [];
  const nginx = buildNginxConfigs(files, cache, notices, apacheFiles);
  const apacheSites = buildApacheSites(apacheFiles, cache);
  const systemdUnits = buildSystemdUnits(files, cache, notices);
  const containers = buildContainers(files, cache, notices);
  const appServers = buildAppServers(files, withContainerScripts(cache, containers), { systemdUnits, commandLines: containers.commandLines }, notices);
  const k8s = buildK8s(files, cache, notices);
  const workflows = buildWorkflows(files, cache, notices);
  const scripts = buildScripts(files, cache, notices);
  const backupSchedules = findBackupSchedules(files.filter((f) => cache.byPath.has(f.path)), cache);
  const pm2Files = buildPm2Files(files, cache);
  const packageJsons = buildPackageJsons(files, cache);
  const terraform = buildTerraform(files, cache, notices);
  const secrets = scanSecretsWithHelp(secretTargets, cache, ahead);
  const services = [
    ...serviceEnvironments(appServers, systemdUnits, containers.composeProjects, cache),
    ...kubernetesEnvironments({ objects: k8s.objects, kustomizations: k8s.kustomizations, dockerfiles: containers.dockerfiles, appServers, files }, cache),
  ];
  const apps = services.map((service) => appModuleOf(service.instance));
  const djangoServiceVariants = djangoProjects.flatMap((p) => settingsPerService(p, evaluators.get(p)!, services, apps));
  const envUsage = scanEnvUsage(files, withContainerScripts(cache, containers), envCandidates([...djangoProjects, ...djangoServiceVariants]));
  const backingServices = buildBackingServices(files, cache, containers.composeProjects, notices, k8s.objects);
  const model: DeploymentModel = {
    root: rootAbs,
    files,
    djangoProjects,
    djangoServiceVariants,
    envUsage,
    nginx,
    apacheSites,
    systemdUnits,
    appServers,
    dockerfiles: containers.dockerfiles,
    composeProjects: containers.composeProjects,
    k8sObjects: k8s.objects,
    k8sFiles: k8s.files,
    k8sKustomizations: k8s.kustomizations,
    workflows,
    scripts,
    backupSchedules,
    pm2Files,
    packageJsons,
    terraformModules: terraform.modules,
    secrets,
    backingServices,
    parseProblems: dedupeProblems([...cache.syntaxProblems(), ...terraform.problems]),
    notices,
  };
  const unread = cache.skipped();
  if (unread.length > 0) {
    notices.push({
      kind: 'limit',
      file: unread[0],
      message: `time limit (${formatLimit(opts.budget!.limitMs)}) reached while reading the repository: ${unread.length} file${unread.length === 1 ? '' : 's'} not read (${namesList(unread)}); every check that would have passed is reported unknown`,
    });
  }
  return { model, sources: cache };
}

/**
 * The secrets scan (src/model/secrets/scan.ts), shared with the parse-ahead worker when there is one:
 * the worker scans from the first file on once its Python is parsed, this thread from the last file
 * back, until they meet. Each file is still read once, and what the two found is taken in the scan's
 * order, so the secrets, the notices and the texts kept are those of the scan done here alone. A
 * worker's answer counts only for the very text this thread holds when the file was read before.
 */
function scanSecretsWithHelp(targets: SecretScanTarget[], cache: SourceCache, ahead: ParseAhead | undefined): SecretHit[] {
  type Own = { hits: SecretHit[]; read?: ReadResult; src?: SourceText };
  const mine: Array<Own | undefined> = [];
  let from = targets.length;
  if (ahead) {
    while (from > 0 && ahead.scannedCount() < from) {
      from--;
      ahead.keepScanFrom(from);
      const target = targets[from]!;
      const path = target.file.path;
      if (cache.asked(path)) {
        const src = cache.text(path);
        mine[from] = { hits: src ? scanTarget(target, src) : [] };
        continue;
      }
      const read = cache.readDetached(path);
      const src = read?.text === undefined ? undefined : makeSourceText(path, read.text);
      mine[from] = { hits: src ? scanTarget(target, src) : [], read, src };
    }
    // The worker's share: [0, from). Whatever it does not deliver is scanned below as if alone.
    ahead.awaitScanned(from);
  }
  const out: SecretHit[] = [];
  targets.forEach((target, i) => {
    const path = target.file.path;
    const own = mine[i];
    if (own) {
      if (own.read) cache.adopt(path, own.read, own.src);
      out.push(...own.hits);
      return;
    }
    const answer = ahead?.scanned(i);
    if (answer?.path === path && !cache.asked(path)) {
      cache.adopt(path, answer);
      out.push(...(answer.secrets ?? []));
      return;
    }
    const src = cache.text(path);
    if (!src) return;
    out.push(...(answer?.path === path && answer.text === src.text && answer.secrets ? answer.secrets : scanTarget(target, src)));
  });
  return out;
}

/** The kinds of Python file the parse-ahead worker parses: settings modules, URLconfs, gunicorn configurations. */
function isParsedAhead(f: DiscoveredFile): boolean {
  return f.kind === 'django-settings' || f.kind === 'django-urls' || (f.kind === 'gunicorn-config' && f.path.endsWith('.py'));
}

/**
 * The Python files the builders below are expected to parse, in about the order they ask: per
 * project its settings modules and URLconfs (evaluation follows imports and include()s there), then
 * gunicorn configurations (the app-server builder). A file asked for outside this list is simply
 * parsed on the main thread.
 */
function parseAheadPlan(files: DiscoveredFile[], projectRoots: string[]): DiscoveredFile[] {
  const plan: DiscoveredFile[] = [];
  const seen = new Set<string>();
  const add = (f: DiscoveredFile) => {
    if (seen.has(f.path)) return;
    seen.add(f.path);
    plan.push(f);
  };
  for (const root of projectRoots) {
    const mine = filesUnder(files, root);
    for (const f of mine) if (f.kind === 'django-settings') add(f);
    for (const f of mine) if (f.kind === 'django-urls') add(f);
  }
  for (const f of files) if (f.kind === 'gunicorn-config' && isParsedAhead(f)) add(f);
  return plan;
}

function within(root: string, path: string): boolean {
  return root === '' || path.startsWith(root + '/');
}

const DEPENDENCY_KINDS = ['requirements', 'pyproject', 'pipfile', 'pipfile-lock', 'poetry-lock', 'uv-lock', 'setup-py', 'setup-cfg'] as const;

/** Evaluates a project's settings under other environment layers (a service's own environment). */
interface ProjectEvaluator {
  evaluate(layers: EnvLayer[], environmentName: string, module: string): EvaluatedSettings;
  /** What the production evaluation's environment was asked, keyed by dialect and name, and answered. */
  productionAsked: ReadonlyMap<string, EnvEntry | undefined>;
  /** The file of a dotted module, if the project has it. */
  fileOf(module: string): string | undefined;
  /**
   * Whether fileOf may answer a file inside the project for a module of this path (`shop/wsgi` for
   * shop.wsgi): a module file of the project's own, or a path that lies under the project's folder.
   * False means fileOf answers nothing inside it (see settingsPerService).
   */
  mayHoldModule(path: string): boolean;
}

function buildProject(root: string, files: DiscoveredFile[], cache: SourceCache, opts: BuildOptions, notices: Notice[]): { project: DjangoProject; evaluator: ProjectEvaluator } | undefined {
  const mine = filesUnder(files, root);
  const resolver = new ProjectResolver(cache, root === '' ? [''] : [root, '']);

  const settingsModules = new Map<string, string>();
  for (const f of mine) {
    if (f.kind !== 'django-settings') continue;
    const module = moduleNameOf(f.path, root);
    if (module) settingsModules.set(module, f.path);
  }

  const envLayers = productionEnvLayers(root, files, cache);
  const entryPoints = mine
    .filter((f) => f.kind === 'django-wsgi' || f.kind === 'django-asgi')
    .map((f) => cache.text(f.path))
    .filter((s): s is SourceText => s !== undefined);

  if (!opts.settings && isNonProductionProjectRoot(root)) {
    if (settingsModules.size > 0) {
      notices.push({ kind: 'info', message: `${root}: a documentation, example or test project (by its path); not judged as production (pass --settings to audit it)`, file: root });
    }
    return undefined;
  }

  const production = chooseProductionModule({
    projectRoot: root,
    cliSettings: opts.settings,
    envLayers,
    entryPoints,
    settingsModules,
    fileOf: (m) => resolver.fileOf(m),
    isFragment: (m) => isSettingsFragment(m, resolver, cache),
    looksLikeSettings: (m) => {
      const src = cache.text(settingsModules.get(m)!);
      return src === undefined || looksLikeDjangoSettings(src.text);
    },
  });
  if (!production) {
    if (settingsModules.size > 0) {
      notices.push({
        kind: 'info',
        message: `${root || '.'}: could not tell which settings module production uses (${[...settingsModules.keys()].sort().join(', ')}); pass --settings`,
        file: root || '.',
      });
    }
    return undefined;
  }

  const loadDotenv = (repoRelPath: string, dialect: DotenvDialect): EnvLayer | undefined => {
    const file = cache.byPath.get(repoRelPath);
    if (!file) return undefined;
    const role = cache.envRole(repoRelPath);
    if (role === 'example' || role === 'test') return undefined;
    const src = cache.text(repoRelPath);
    return src ? dotenvLayer(repoRelPath, src.text, role, dialect) : undefined;
  };

  const evaluate = (env: LayeredEnv, environmentName: string, withFiles: boolean, module = production.module): EvaluatedSettings =>
    evaluateSettings({
      module,
      resolver,
      env,
      environmentName,
      loadDotenv: withFiles ? loadDotenv : undefined,
      deployRoot: DEPLOY_ROOT,
    });

  // Every variable the production evaluation asked for, with the answer: a service whose environment
  // answers all of them alike evaluates to the same settings (see settingsPerService).
  const productionEnv = new RecordingEnv(envLayers);
  const settings = evaluate(productionEnv, 'production', true);
  // The evaluator's limits (steps, loop iterations, import and call depth) leave values unknown; say where they were hit.
  for (const p of settings.problems) {
    if (p.kind === 'evaluation' && isEvaluatorLimit(p.message)) notices.push({ kind: 'limit', file: p.file, span: p.span, message: `${p.file}:${p.span.start.line}: ${p.message}` });
  }
  const unsetEnvSettings = evaluate(new LayeredEnv([]), 'unset', false);

  const depFiles = DEPENDENCY_KINDS.flatMap((kind) => filesOfKind(files, kind))
    .filter((f) => within(root, f.path) || !f.path.includes('/'))
    // The discovery order (by path), whatever the kind.
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => ({ path: f.path, kind: f.kind, text: cache.text(f.path)?.text }))
    .filter((f): f is { path: string; kind: DiscoveredFile['kind']; text: string } => f.text !== undefined);
  const requirements = parseDependencies(depFiles);
  const djangoVersion = detectDjangoVersion(requirements);

  const { routes, urlFiles } = urlRoutesOf(settings, resolver, mine, root, cache);
  const silenced = settings.get('SILENCED_SYSTEM_CHECKS');
  const silencedChecks = new Set(silenced ? (asStringList(silenced.value) ?? []) : []);

  const evaluator: ProjectEvaluator = {
    evaluate: (layers, name, module) => evaluate(new LayeredEnv(layers), name, true, module),
    productionAsked: productionEnv.asked,
    fileOf: (m) => resolver.fileOf(m),
    mayHoldModule: moduleHolder(root, files),
  };
  const project: DjangoProject = {
    root,
    production,
    settings,
    unsetEnvSettings,
    envLayers,
    djangoVersion,
    requirements,
    urlRoutes: routes,
    urlFiles,
    urlConf: urlConfOf(settings, resolver, cache),
    implicitPkModels: implicitPkModelsOf(settings, mine, root, cache),
    silencedChecks,
  };
  return { project, evaluator };
}

/**
 * The project's settings as each production service that runs it sees them, when that differs
 * from the project-wide production evaluation: a compose `environment: DEBUG=1` or a unit's
 * `Environment=DEBUG=true` turns a safe `env.bool("DEBUG", False)` into DEBUG on. A service whose
 * environment is not complete in the repository keeps the project's production env files beneath
 * its own layers, as the part the repository does not show.
 */
function settingsPerService(project: DjangoProject, evaluator: ProjectEvaluator, services: ServiceEnvironment[], apps: ReadonlyArray<ReturnType<typeof appModuleOf>>): DjangoProject[] {
  const out: DjangoProject[] = [];
  for (let i = 0; i < services.length; i++) {
    const service = services[i]!;
    const app = apps[i];
    if (!app) continue;
    // A unit or kustomize overlay named for staging is staging's (src/model/environments.ts), not the gate's.
    if (isStagingService(service)) continue;
    // Every project is asked about every service (a monorepo: tens of thousands of pairs); most
    // pairs are told apart here without building and looking up the module's candidate files.
    if (!evaluator.mayHoldModule(app.path)) continue;
    const appFile = evaluator.fileOf(app.module);
    if (!appFile || !within(project.root, appFile)) continue;
    const layers = service.complete ? service.layers : [...project.envLayers, ...service.layers];
    const chosen = new LayeredEnv(layers).lookup('DJANGO_SETTINGS_MODULE');
    const module = chosen?.value && evaluator.fileOf(chosen.value) ? chosen.value : project.production.module;
    // The evaluation is a function of the environment's answers: when this service's environment
    // answers every question the production evaluation asked the same way, its settings are the
    // production settings and the (costly) evaluation is skipped, as its result would be below.
    if (module === project.production.module && !service.complete && answersAlike(evaluator.productionAsked, new LayeredEnv(layers))) continue;
    const settings = evaluator.evaluate(layers, service.name, module);
    // A service whose whole environment is in the repository is kept even when it changes no value:
    // it is where a variable nobody provides makes the application fail to start.
    if (module === project.production.module && sameEnvReads(settings, project.settings) && !service.complete) continue;
    out.push({
      ...project,
      production:
        module === project.production.module
          ? project.production
          : { module, file: evaluator.fileOf(module)!, reason: `DJANGO_SETTINGS_MODULE in ${chosen!.layer}`, span: chosen!.span },
      settings,
      envLayers: layers,
      service: { name: service.name, span: service.span, complete: service.complete },
    });
  }
  return out;
}

/**
 * ProjectEvaluator.mayHoldModule for a project: ProjectResolver looks a module up as `<root>/<path>.py`
 * and `<root>/<path>/__init__.py`, then as `<path>.py` and `<path>/__init__.py` from the repository
 * root. Only a project file of the first two forms can lie inside the project, or one of the last two
 * when the path is under the project's folder or is the folder itself (its `__init__.py`).
 */
export function moduleHolder(root: string, files: readonly DiscoveredFile[]): (path: string) => boolean {
  if (root === '') return () => true;
  const prefix = `${root}/`;
  const own = moduleFilesUnder(files, root);
  return (path) => own.has(path) || path.startsWith(prefix) || path === root;
}

/**
 * A service whose unit file, compose file or kustomize overlay is named for staging (`deploy/staging/`,
 * `k8s/overlays/staging`, `gunicorn-stg.service`), by the words env files are judged by.
 */
export function isStagingService(service: ServiceEnvironment): boolean {
  // Asked for every project and service pair: answered once per service.
  let staging = stagingServiceMemo.get(service);
  if (staging === undefined) {
    staging = envFileRole(`${service.span.file}/${service.name}`.replace(/[\s(),]+/g, '/')) === 'staging';
    stagingServiceMemo.set(service, staging);
  }
  return staging;
}

const stagingServiceMemo = new WeakMap<ServiceEnvironment, boolean>();

/** A LayeredEnv that remembers every lookup and its answer. */
class RecordingEnv extends LayeredEnv {
  readonly asked = new Map<string, EnvEntry | undefined>();
  override lookup(name: string, dialect?: DotenvDialect): EnvEntry | undefined {
    const hit = super.lookup(name, dialect);
    this.asked.set(`${dialect ?? ''}\0${name}`, hit);
    return hit;
  }
}

function answersAlike(asked: ReadonlyMap<string, EnvEntry | undefined>, env: LayeredEnv): boolean {
  for (const [key, before] of asked) {
    const cut = key.indexOf('\0');
    const dialect = key.slice(0, cut) as DotenvDialect | '';
    const now = env.lookup(key.slice(cut + 1), dialect === '' ? undefined : dialect);
    if ((before === undefined) !== (now === undefined) || (before && now && before.value !== now.value)) return false;
  }
  return true;
}

/** Two evaluations read the same variables with the same outcomes: their settings are the same. */
function sameEnvReads(a: EvaluatedSettings, b: EvaluatedSettings): boolean {
  const key = (s: EvaluatedSettings) => s.envReads.map((r) => `${r.name}\0${r.decidedBy}\0${r.raw ?? '\u0001'}`).join('\n');
  return key(a) === key(b);
}

/**
 * Models of the project's own installed apps that rely on the automatic primary key (what
 * Django's models.W042 is about), read from models.py or a models/ package without importing it.
 */
function implicitPkModelsOf(settings: EvaluatedSettings, mine: DiscoveredFile[], root: string, cache: SourceCache): ImplicitPkModel[] | undefined {
  // With DEFAULT_AUTO_FIELD set, models.W042 warns about no model: no need to parse every models.py.
  if (settings.get('DEFAULT_AUTO_FIELD')) return [];
  const binding = settings.get('INSTALLED_APPS');
  const installed = binding ? asStringList(binding.value) : undefined;
  if (!installed) return undefined;
  const out: ImplicitPkModel[] = [];
  for (const f of mine) {
    const m = /^(?:(.*)\/)?models(?:\.py|\/[^/]+\.py)$/.exec(f.path);
    if (!m || m[1] === undefined) continue;
    const appDir = m[1];
    const app = moduleNameOf(`${appDir}/__init__.py`, root);
    if (!app || !installed.some((entry) => entry === app || entry.startsWith(`${app}.apps.`))) continue;
    const appsModule = cache.byPath.has(`${appDir}/apps.py`) ? cache.python(`${appDir}/apps.py`) : undefined;
    if (appsModule && setsDefaultAutoField(appsModule)) continue;
    const parsed = cache.python(f.path);
    if (!parsed) continue;
    for (const model of extractModelClasses(parsed)) {
      if (!model.abstract && model.implicitPrimaryKey) out.push({ app, model: model.name, span: model.span });
    }
  }
  return out;
}

/** A problem the settings evaluator reports when one of its limits stops it (src/model/settings/interpreter.ts). */
function isEvaluatorLimit(message: string): boolean {
  return message.startsWith('evaluation step limit (') || message.startsWith('loop did not finish within') || message.includes('depth limit (') || message.startsWith('include depth limit');
}

/** Code that makes a package's __init__.py the settings module itself rather than an empty marker. */
const SETTINGS_CODE = /^(?:include\(|[A-Z][A-Z0-9_]*\s*=)/m;

/** A module inside a package whose __init__.py is itself the settings (django-split-settings). */
function isSettingsFragment(module: string, resolver: ProjectResolver, cache: SourceCache): boolean {
  const parts = module.split('.');
  for (let n = parts.length - 1; n >= 1; n--) {
    const file = resolver.fileOf(parts.slice(0, n).join('.'));
    if (file?.endsWith('__init__.py') && SETTINGS_CODE.test(cache.text(file)?.text ?? '')) return true;
  }
  return false;
}

/** Production .env-style files of the project (its own folder first, then the repository root). */
function productionEnvLayers(root: string, files: DiscoveredFile[], cache: SourceCache): EnvLayer[] {
  const layers: EnvLayer[] = [];
  const candidates = filesOfKind(files, 'dotenv')
    .filter((f) => within(root, f.path) || !f.path.includes('/') || f.path.startsWith('.envs/'))
    .filter((f) => cache.envRole(f.path) === 'production')
    // Repository-level files first so the project's own files win.
    .sort((a, b) => a.path.split('/').length - b.path.split('/').length || (a.path < b.path ? -1 : 1));
  for (const f of candidates) {
    const src = cache.text(f.path);
    if (src) layers.push(dotenvLayer(f.path, src.text, 'production'));
  }
  return layers;
}

function urlRoutesOf(settings: EvaluatedSettings, resolver: ProjectResolver, mine: DiscoveredFile[], root: string, cache: SourceCache) {
  const rootConf = settings.get('ROOT_URLCONF');
  const urlFiles = new Set<string>();
  if (rootConf && rootConf.value.kind === 'str') {
    const f = resolver.fileOf(rootConf.value.value);
    if (f) urlFiles.add(f);
  }
  if (urlFiles.size === 0) for (const f of mine) if (f.kind === 'django-urls') urlFiles.add(f.path);
  if (urlFiles.size === 0) return { routes: undefined, urlFiles: [] };
  // Follow include('app.urls') targets so a health route in an app's urls counts.
  const routes = [];
  const queue = [...urlFiles];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const parsed = cache.python(file);
    if (!parsed) continue;
    // A URLconf whose tree was not read: the routes are not known (not none).
    if (parsed.unread) return { routes: undefined, urlFiles: [...seen].sort() };
    for (const r of extractUrlRoutes(parsed)) {
      routes.push(r);
      if (r.route.startsWith('include:')) {
        const target = resolver.fileOf(r.route.slice('include:'.length));
        if (target && within(root, target)) queue.push(target);
      }
    }
  }
  return { routes, urlFiles: [...seen].sort() };
}

/** The URLconf production resolves paths against (ROOT_URLCONF), when the setting and its module are known. */
function urlConfOf(settings: EvaluatedSettings, resolver: ProjectResolver, cache: SourceCache) {
  const rootConf = settings.get('ROOT_URLCONF');
  if (!rootConf || rootConf.value.kind !== 'str') return undefined;
  return readUrlConf(rootConf.value.value, { fileOf: (m) => resolver.fileOf(m), python: (f) => cache.python(f) });
}

function dedupeProblems(problems: ParseProblem[]): ParseProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.file}:${p.span.start.offset}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

