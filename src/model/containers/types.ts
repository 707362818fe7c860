import type { Span } from '../../core/position.js';
import type { Dockerignore } from '../../parse/dockerfile/dockerignore.js';
import type { DfFrom, DfInstruction, DfProblem, DfWord, ParsedDockerfile } from '../../parse/dockerfile/parse.js';
import type { Interpolated } from '../../parse/compose/interpolate.js';
import type { YMap, YNode, YamlProblem } from '../../parse/compose/yaml.js';

/**
 * Containers in the deployment model: Dockerfiles (stages, the image that runs, its user,
 * command, environment and build context) and docker compose projects (files merged as compose
 * merges them, services with interpolated values and the environment each container gets, with
 * where every value comes from). Rules read these; they never look at YAML or Dockerfile syntax.
 */

export type ContainerRole = 'production' | 'development';

/** A value with where it is written. */
export interface Located<T> {
  value: T;
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Dockerfiles

/** A CMD or ENTRYPOINT: exec form (JSON array: the program is PID 1) or shell form (`/bin/sh -c`). */
export interface DockerCommand {
  keyword: 'CMD' | 'ENTRYPOINT';
  form: 'exec' | 'shell';
  /** Exec form: the array's strings, each with its span. */
  words?: DfWord[];
  /** Shell form: the text `/bin/sh -c` receives, with the source offset of each character. */
  text?: { value: string; offsets: number[] };
  instruction: DfInstruction;
  /** Set when the stage inherits it from the stage it is built on. */
  inheritedFrom?: number;
}

export interface DockerEnvVar {
  name: string;
  /** The value as Docker stores it; `${VAR}` references resolved from earlier ENV/ARG when they can be. */
  value: string | null;
  /** Variables in the value that could not be resolved (build args without defaults, the base image's own ENV). */
  unresolved: string[];
  /** The ENV (or ARG) property that set it. */
  span: Span;
  nameSpan: Span;
  valueSpan?: Span;
  keyword: 'ENV' | 'ARG';
  /** The stage it was set in (a stage inherits ENV from the stage it is built on). */
  stage: number;
}

export interface DockerImageRef {
  /** As written, e.g. `python:${PY}-slim`. */
  written: string;
  /** With ARG defaults (and compose build args) substituted; undefined when a variable has no value. */
  resolved?: string;
  /** Variables with no known value. */
  unresolved: string[];
  /** Variables whose value came from a build arg or an ARG default (the build may pass another). */
  fromArgs: string[];
  /** Parsed from `resolved` (or `written` when nothing needed resolving). */
  registry?: string;
  repository?: string;
  tag?: string;
  digest?: string;
}

/** A shell word with its span (quotes removed, expansions kept as written). */
export interface ShellWordAt {
  value: string;
  span: Span;
  quoted: boolean;
}

/** One simple command of a RUN (or shell-form CMD) script. */
export interface DockerShellCommand {
  words: ShellWordAt[];
  /** What ends it: `&&`, `||`, `;`, `|`, `&`, a line break. */
  separator?: string;
  /** Written in a heredoc body (`RUN <<EOF`). */
  heredoc?: boolean;
}

export interface DockerRun {
  instruction: DfInstruction;
  stage: number;
  /** Exec form (`RUN ["pip", "install", "x"]`): one command, no shell. */
  exec: boolean;
  commands: DockerShellCommand[];
  /** `--mount=` flag values (`type=cache,target=/root/.cache/pip`). */
  mounts: string[];
}

/** A script the image starts with (ENTRYPOINT or CMD program), found in the repository through the COPY that put it there. */
export interface DockerLaunchScript {
  /** The path inside the image. */
  containerPath: string;
  /** The repository file. */
  file: string;
  /** Started as the ENTRYPOINT or by the CMD (a compose `entrypoint:`/`command:` replaces it). */
  via: 'ENTRYPOINT' | 'CMD';
  /** It switches to another user (gosu, su-exec, setpriv, runuser, chpst, s6-setuidgid, su -c). */
  dropsPrivileges: boolean;
  /** It waits for its dependencies (pg_isready, wait-for-it, dockerize -wait, nc -z, a retry loop). */
  waitsForDependencies: boolean;
}

export interface DockerStage {
  index: number;
  /** `AS name`, lower-cased as Docker does. */
  name?: string;
  from: DfFrom;
  image: DockerImageRef;
  /** The earlier stage this one is built on (`FROM builder`), if any. */
  baseStage?: number;
  /** `scratch`. */
  scratch: boolean;
  instructions: DfInstruction[];
  /** The last USER in this stage or the stages it is built on. */
  user?: Located<string> & { stage: number };
  workdir?: Located<string> & { stage: number };
  cmd?: DockerCommand;
  entrypoint?: DockerCommand;
  /** The last HEALTHCHECK (`none` for `HEALTHCHECK NONE`), inherited from base stages too. */
  healthcheck?: { span: Span; none: boolean; stage: number };
  /** ENV (and ARG) in effect at the end of the stage, base stages included, last definition of each name. */
  env: DockerEnvVar[];
  /** ARG defaults in effect (global ARGs re-declared in the stage, and the stage's own). */
  args: DockerEnvVar[];
  exposes: Located<string>[];
  /** The stage's RUN instructions, split into shell commands with spans. */
  runs: DockerRun[];
  /** Scripts its ENTRYPOINT/CMD run, when the repository holds them. */
  launchScripts: DockerLaunchScript[];
}

/** A COPY/ADD source looked up in the build contexts. */
export interface DockerCopySource {
  instruction: DfInstruction;
  stage: number;
  value: string;
  span: Span;
  /** Context directories ('' = root) in which nothing matches it (or only files .dockerignore leaves out). */
  missingIn: string[];
  /** Context directories looked in. */
  checkedIn: string[];
  /** When missing only because .dockerignore leaves it out: the pattern. */
  ignoredBy?: Span;
}

/** Where a Dockerfile is built from: the build context directory in the repository and who says so. */
export interface DockerBuildContext {
  /** Repo-relative directory ('' = root); undefined when it is outside the repository or a URL. */
  dir?: string;
  /** `compose` (a service's build.context), or `assumed` (the Dockerfile's own directory, or the root). */
  origin: 'compose' | 'assumed';
  /** The .dockerignore that applies (`<dockerfile>.dockerignore` beside the Dockerfile wins, else `<context>/.dockerignore`). */
  dockerignore?: Dockerignore;
  /** The compose service that builds it this way. */
  service?: { project: string; name: string; span: Span };
  /** Build args the service passes (`build.args`). */
  buildArgs?: Record<string, string | null>;
  /** The stage the service builds (`build.target`), as an index. */
  target?: number;
  /**
   * Secret-bearing paths in the context: `.git` (a context at the repository root) and env files
   * (`.env`, `.env.production`, `.envs/`), with whether .dockerignore leaves them out.
   */
  sensitive: Array<{ path: string; excluded: boolean; pattern?: Span }>;
}

export interface DockerfileModel {
  file: string;
  /** Its directory, repo-relative ('' = root). */
  dir: string;
  role: ContainerRole;
  /** Why this role: the path, or the compose projects that build it. */
  roleReason: string;
  parsed: ParsedDockerfile;
  stages: DockerStage[];
  /**
   * The stages that become images that run: the `build.target`s of the compose services that
   * build this file when every one names a target, else the last stage.
   */
  targets: number[];
  /** The stages whose layers end up in a target image (the targets and the stages they are built on). */
  shippedStages: number[];
  contexts: DockerBuildContext[];
  /** COPY/ADD sources of every stage (heredocs, URLs, `--from` and `$VAR` sources left out). */
  copySources: DockerCopySource[];
  problems: DfProblem[];
}

// ---------------------------------------------------------------------------------------------
// Compose

/** A string value of a compose file after interpolation, with how it was computed. */
export interface ComposeValue {
  /** The interpolated value (numbers and booleans as compose prints them). */
  value: string;
  span: Span;
  /** The text as written, when interpolation changed it. */
  written?: string;
  interp?: Interpolated;
  /** The file it is written in. */
  file: string;
}

export interface ComposeEnvVar {
  name: string;
  /** null for a bare `KEY` (taken from the shell environment of `docker compose`: unknown). */
  value: ComposeValue | null;
  /** The whole entry (`KEY: value`, or the list item `KEY=value`). */
  span: Span;
  nameSpan: Span;
}

export interface ComposeEnvFile {
  /** As written. */
  path: string;
  /** The repository file, when it is in the repository. */
  file?: string;
  span: Span;
  required: boolean;
  /** `format: raw`: values read verbatim. */
  raw: boolean;
}

export interface ComposePort {
  /** The entry as written (short syntax) or rebuilt (long syntax). */
  text: string;
  span: Span;
  /** Host IP it binds to; undefined = every interface. */
  hostIp?: string;
  /** Host port (or range); undefined = not published to a fixed port (ephemeral). */
  published?: string;
  /** Container port (or range). */
  target: string;
  protocol: string;
  /** Values came through interpolation the host environment may change. */
  interpolated: boolean;
}

export interface ComposeVolume {
  type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'unknown';
  source?: string;
  target?: string;
  readOnly: boolean;
  span: Span;
  text: string;
}

export interface ComposeDependency {
  service: string;
  /** `service_started` (the default, also for the short list form), `service_healthy`, `service_completed_successfully`. */
  condition: string;
  span: Span;
  /** Written in the long form. */
  long: boolean;
}

export interface ComposeCommand {
  /** List form (exec) or a string compose splits into words itself (no shell involved). */
  form: 'list' | 'string';
  /** The words, for the list form. */
  words?: ComposeValue[];
  /** The string, for the string form. */
  string?: ComposeValue;
  span: Span;
  /** The words as compose passes them (string form split shell-like), interpolated. */
  argv: string[];
}

export interface ComposeBuild {
  /** Repo-relative directory; undefined when outside the repository or a remote context. */
  context?: string;
  contextWritten: string;
  span: Span;
  /** The Dockerfile in the repository, when found. */
  dockerfile?: string;
  dockerfileWritten?: string;
  target?: ComposeValue;
  args: Record<string, ComposeValue | null>;
}

export interface ComposeHealthcheck {
  span: Span;
  disabled: boolean;
  test?: string[];
}

/** One layer of a container's environment, lowest precedence first. */
export interface ContainerEnvLayer {
  kind: 'dockerfile' | 'env_file' | 'environment';
  /** The file it comes from. */
  file: string;
  /** Variables with values (null: declared without one; known only on the host). */
  vars: Array<{ name: string; value: string | null; span: Span; valueSpan?: Span }>;
  /** False when the layer's full content is not known (an env_file outside the repository, a Dockerfile ENV depending on the base image). */
  complete: boolean;
  /** What keeps it incomplete, for messages. */
  openBy?: string;
}

export interface ContainerEnvVar {
  name: string;
  value: string | null;
  span: Span;
  valueSpan?: Span;
  layer: ContainerEnvLayer['kind'];
  file: string;
  /** Interpolation details when the value came through compose interpolation. */
  interp?: Interpolated;
}

export interface ComposeService {
  name: string;
  /** The service's key in the first file that defines it. */
  nameSpan: Span;
  /** The files that define or override it, in merge order. */
  files: string[];
  /** The merged mapping (for rules that need a key this model does not name). */
  node: YMap;
  image?: ComposeValue;
  build?: ComposeBuild;
  command?: ComposeCommand;
  entrypoint?: ComposeCommand;
  environment: ComposeEnvVar[];
  envFiles: ComposeEnvFile[];
  ports: ComposePort[];
  volumes: ComposeVolume[];
  user?: ComposeValue;
  privileged?: { value: boolean; span: Span };
  restart?: ComposeValue;
  /** `deploy.restart_policy.condition` (swarm and compose honour it). */
  deployRestart?: ComposeValue;
  healthcheck?: ComposeHealthcheck;
  dependsOn: ComposeDependency[];
  networkMode?: ComposeValue;
  /** `profiles:`: started only when a profile is asked for. */
  profiles: string[];
  /** The Dockerfile it is built from and the stage, when in the repository. */
  dockerfile?: { file: string; stage?: number };
  /**
   * The environment the container starts with, lowest precedence first: the image's ENV (from
   * the Dockerfile in the repository), then env_file files in order, then `environment:`.
   */
  envLayers: ContainerEnvLayer[];
}

export interface ComposeFile {
  file: string;
  dir: string;
  /** The top-level `version:` key. */
  version?: ComposeValue;
  /** The top-level `name:`. */
  name?: string;
  problems: YamlProblem[];
  /** Parsed without fatal problems. */
  ok: boolean;
  /** Templated (Jinja/Helm `{{ }}`, `{% %}`): not read as compose. */
  template?: boolean;
  root?: YNode;
  /** Its top-level networks include an external one or one with a fixed `name:`. */
  sharedNetwork?: boolean;
}

export interface ComposeProject {
  /** e.g. `docker-compose.yml + docker-compose.override.yml`, or `production.yml`. */
  name: string;
  dir: string;
  /** The files in the order compose merges them (`-f a -f b`). */
  files: string[];
  role: ContainerRole;
  roleReason: string;
  /** The project `.env` used for interpolation, when in the repository. */
  projectEnv?: string;
  services: ComposeService[];
  /** Top-level `version:` of each file that has one. */
  versions: ComposeValue[];
  problems: Array<YamlProblem | DfProblem>;
  /** A file of it joins a network other projects can join too (external, or with a fixed `name:`); true when a file could not be read. */
  sharedNetwork?: boolean;
}

