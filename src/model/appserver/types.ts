import type { Span } from '../../core/position.js';

/**
 * One application server instance (gunicorn, uWSGI, ...) as production starts it.
 * (Issue 3 fills this in: where it is started, its effective options with provenance.)
 */
export interface AppServerInstance {
  server: 'gunicorn' | 'uwsgi' | 'uvicorn' | 'daphne' | 'runserver' | 'other';
  /** Where it is configured or started (config file, ExecStart line, Procfile line, ...). */
  span: Span;
}
