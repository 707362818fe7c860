import type { Span } from '../../core/position.js';

/**
 * Application servers (gunicorn, uWSGI, uvicorn, ...) in the deployment model: what rules see.
 *
 * One instance per way production starts a server: an ExecStart= line, a Procfile entry, a
 * Dockerfile CMD or a compose `command:` (fed in by the containers part), or, when no command line
 * in the repository refers to it, a configuration file on its own (gunicorn.conf.py, uwsgi.ini):
 * it is started somewhere the repository does not show.
 *
 * Each effective option says where its value comes from (command line, environment, config file,
 * default) and whether that is certain: a default is only certain when every place that could
 * override it has been seen.
 */

export type AppServerKind = 'gunicorn' | 'uwsgi' | 'uvicorn' | 'daphne' | 'hypercorn' | 'runserver' | 'other';

/** Where the instance is started (or, for a lone config file, configured). */
export type AppServerOrigin = 'systemd' | 'procfile' | 'dockerfile' | 'compose' | 'kubernetes' | 'gunicorn-config' | 'uwsgi-config' | 'other';

/** Which layer set an option's effective value (gunicorn's precedence: default < file < GUNICORN_CMD_ARGS < command line). */
export type OptionSource = 'default' | 'config-file' | 'environment' | 'command-line';

export type OptionValue =
  /** A string; `unresolved` names the variables left as written in it (`0.0.0.0:$PORT`). */
  | { kind: 'str'; value: string; unresolved?: string[] }
  | { kind: 'int'; value: number }
  | { kind: 'bool'; value: boolean }
  /** A list (gunicorn `bind`, uWSGI `socket`...), each item with where it is written. */
  | { kind: 'list'; items: ListItem[] }
  /**
   * Not known here: an environment variable, a computation (`multiprocessing.cpu_count() * 2 + 1`),
   * a uWSGI placeholder. `text` is the value as written, `atLeast` a lower bound when one is sure.
   */
  | { kind: 'unknown'; reason: string; variables: string[]; text?: string; atLeast?: number };

export interface ListItem {
  value: string;
  span?: Span;
  /** Variables left as written in the value (`$PORT`). */
  unresolved?: string[];
}

export interface AppServerOption {
  /** The server's own name for it: gunicorn's setting name (`workers`, `bind`), uWSGI's option (`processes`, `http-socket`). */
  name: string;
  value: OptionValue;
  source: OptionSource;
  /** The assignment or command-line option that set the effective value; undefined for a default. */
  span?: Span;
  /** Just the value part when it can be told apart (`4` in `--workers 4`). */
  valueSpan?: Span;
  /** Every place that set it, in the order they apply (the effective one last). */
  history: Span[];
  /**
   * False when a layer the repository does not show could still change it: a default or a config
   * file value under a config file that is not in the repository, or a default that a platform
   * variable (WEB_CONCURRENCY, PORT) may replace. Rules stay silent (or say unknown) on uncertain values.
   */
  certain: boolean;
  /** Why it is not certain, for messages. */
  doubt?: string;
  /** The environment variables that would decide it, when those are the doubt. */
  variables?: string[];
  /** How it was written, e.g. `--reload`, `reload = True`, `py-autoreload = 1`. */
  written?: string;
}

/** A configuration file that the instance reads (or would read). */
export interface AppServerConfigRef {
  /** The reference as written (`-c gunicorn.conf.py`, `--ini uwsgi.ini`, `python:config.gunicorn`), or the implicit default. */
  reference: string;
  /** Where the reference is written; undefined for gunicorn's implicit `./gunicorn.conf.py`. */
  span?: Span;
  /** The repository file it resolves to. */
  file?: string;
  /** `joined`: read and applied; `missing`: not in the repository (its values unknown); `ambiguous`: several candidates. */
  status: 'joined' | 'missing' | 'ambiguous';
}

/** The command line that starts the instance, split into words with positions. */
export interface AppServerCommand {
  /** The whole command (the ExecStart value, the Procfile command, ...). */
  span: Span;
  /** The program word as written (`gunicorn`, `/srv/venv/bin/gunicorn`, `python -m gunicorn`). */
  program: string;
  programSpan: Span;
  /** The arguments after the program, as the server receives them (quotes removed). */
  args: Array<{ value: string; span: Span }>;
}

/** The environment the server process starts with, as far as the repository shows it. */
export interface AppServerEnvironment {
  /** Variables set, with where (systemd Environment=, ...). */
  vars: Array<{ name: string; value: string; span: Span }>;
  /**
   * True when nothing else can add variables: a systemd unit without EnvironmentFile= /
   * PassEnvironment=. False for a platform (Heroku sets PORT and WEB_CONCURRENCY) or an env file not in the repository.
   */
  complete: boolean;
  /** What else may set variables, for messages (`EnvironmentFile=/etc/app.env`, "the platform"). */
  openBy?: string;
}

export interface AppServerInstance {
  server: AppServerKind;
  origin: AppServerOrigin;
  /**
   * Where it is started or configured: the command line (ExecStart value, Procfile command) or,
   * for a lone config file, the file's first line (uWSGI: its `[uwsgi]` header).
   */
  span: Span;
  /** Repo-relative path of the file that starts it (or of the lone config file). */
  file: string;
  /** Production or development, from the files' paths (Procfile.dev, deploy/dev/..., uwsgi-local.ini). */
  role: 'production' | 'development';
  /** The Procfile process type (`web`), the unit name (`gunicorn.service`), the compose service. */
  processName?: string;
  /** True when it serves the site's HTTP traffic as far as one can tell (Procfile `web`, a unit, a lone config). */
  web: boolean;
  /** The command line that starts it; undefined for a lone config file. */
  command?: AppServerCommand;
  /** The WSGI/ASGI application (`project.wsgi:application`, uWSGI `module`/`wsgi-file`). */
  app?: { value: string; span?: Span };
  configFiles: AppServerConfigRef[];
  /** Effective options by the server's own option name. */
  options: Record<string, AppServerOption>;
  environment: AppServerEnvironment;
  /** For a systemd origin: the unit's name and file, so that rules can read the unit (User=, KillSignal=). */
  unit?: { name: string; file: string };
  /** Problems met while reading the command line or config (unknown options, broken quotes). */
  problems: AppServerProblem[];
}

export interface AppServerProblem {
  message: string;
  span: Span;
  /**
   * True when the server refuses to start because of it (argparse rejects the command line,
   * gunicorn's validator rejects a config value, the shell cannot parse the command); false or
   * absent when it is only something the model could not read (an option it does not know).
   */
  fatal?: boolean;
}

/**
 * A command line from elsewhere in the model (a Dockerfile CMD, a compose `command:`), handed to
 * the app-server builder by the part that parsed it.
 */
export interface ExternalCommandLine {
  origin: AppServerOrigin;
  /** Repo-relative path of the file that holds it. */
  file: string;
  /**
   * Either the exec-form words (Docker JSON array, compose list), each with its exact span, or a
   * shell command text with the source offset of its first character.
   */
  words?: Array<{ value: string; span: Span }>;
  shell?: { text: string; start: number };
  /** The whole command, for findings about it. */
  span: Span;
  processName?: string;
  role?: 'production' | 'development';
  web?: boolean;
  /** Environment the container or service gets, when known. */
  environment?: AppServerEnvironment;
  /** The directory the command runs in, repo-relative ('' = repository root), when known. */
  workingDirectory?: string;
}
