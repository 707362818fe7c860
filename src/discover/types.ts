/** What a discovered file is, by name and location. Later issues add kinds (nginx, systemd, ...). */
export type FileKind =
  | 'python'
  | 'django-settings'
  | 'django-urls'
  | 'django-wsgi'
  | 'django-asgi'
  | 'django-manage'
  | 'requirements'
  | 'pyproject'
  | 'pipfile'
  | 'pipfile-lock'
  | 'poetry-lock'
  | 'uv-lock'
  | 'setup-py'
  | 'setup-cfg'
  | 'dotenv'
  /** nginx configuration, by name or place: nginx.conf, nginx/..., sites-enabled/..., *.nginx. */
  | 'nginx'
  /** A `.conf` / `.conf.template` file of no known kind: the nginx builder looks inside. */
  | 'conf-candidate'
  /** A systemd unit: .service, .socket, .timer, .path, .target, .mount. */
  | 'systemd-unit'
  /** A systemd drop-in: `<unit>.d/*.conf`. */
  | 'systemd-dropin'
  /** gunicorn.conf.py and its common variants (gunicorn_conf.py, gunicorn.py ...). */
  | 'gunicorn-config'
  /** uwsgi.ini, uwsgi*.ini, *.ini under a uwsgi/ directory. */
  | 'uwsgi-config'
  /** Another `.ini` file: the app-server builder looks for a [uwsgi] section. */
  | 'ini-candidate'
  /** Procfile, Procfile.<name> (Heroku, Dokku, honcho, foreman). */
  | 'procfile'
  /** Dockerfile, Dockerfile.<name>, <name>.Dockerfile, Containerfile. */
  | 'dockerfile'
  | 'dockerignore'
  /** docker-compose*.yml, compose*.yaml (and overrides). */
  | 'compose'
  /** .github/workflows/*.yml. */
  | 'github-workflow'
  /** Another YAML file: Kubernetes manifests and other deployment YAML are recognised by content. */
  | 'yaml-candidate'
  /** ecosystem.config.js/.cjs/.mjs/.json (pm2). */
  | 'pm2'
  | 'package-json'
  /** *.sh, *.bash. */
  | 'shell-script'
  /** An extension-less file under bin/, scripts/, deploy/ ...: a script if it starts with a shell shebang. */
  | 'script-candidate'
  /** *.tf, *.tfvars, *.tf.json. */
  | 'terraform'
  /** crontab files: crontab, *.cron, cron.d/*. */
  | 'crontab'
  /** Markdown and reStructuredText documentation (secrets pasted into docs). */
  | 'docs'
  | 'other';

export interface DiscoveredFile {
  /** Repo-relative POSIX path. */
  path: string;
  /** Absolute path on disk. */
  absPath: string;
  kind: FileKind;
  size: number;
}
