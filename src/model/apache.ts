import type { Span } from '../core/position.js';
import { apacheWsgiScripts } from '../parse/apache.js';
import type { ModelSources } from './build.js';

/**
 * Apache httpd configuration files the repository holds. audit-deploy does not check Apache's
 * settings; it records the files, and which WSGI applications mod_wsgi serves from them, so that
 * rules know a Django project deployed that way is not left to runserver.
 */
export interface ApacheSite {
  file: string;
  /** The first section tag (`<VirtualHost>`), which tells the file is Apache's. */
  section: { tag: string; span: Span };
  /** WSGIScriptAlias targets: the WSGI files mod_wsgi loads. */
  wsgiScripts: Array<{ script: string; span: Span }>;
}

/** A file the nginx builder set aside as Apache's, with the section that told it so. */
export interface ApacheFile {
  path: string;
  section: { line: number; tag: string };
}

export function buildApacheSites(files: ApacheFile[], sources: ModelSources): ApacheSite[] {
  const sites: ApacheSite[] = [];
  for (const { path, section } of files) {
    const src = sources.text(path);
    if (!src) continue;
    sites.push({
      file: path,
      section: { tag: section.tag, span: src.lines.lineSpan(path, section.line) },
      wsgiScripts: apacheWsgiScripts(src.text).map((w) => ({ script: w.script, span: src.lines.lineSpan(path, w.line) })),
    });
  }
  return sites;
}
