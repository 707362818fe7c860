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
  | 'other';

export interface DiscoveredFile {
  /** Repo-relative POSIX path. */
  path: string;
  /** Absolute path on disk. */
  absPath: string;
  kind: FileKind;
  size: number;
}
