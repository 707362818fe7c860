import type { Span } from '../core/position.js';
import { apacheSectionAt, apacheWsgiScripts } from '../parse/apache.js';
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

/** The Apache files the nginx builder set aside (see buildNginxConfigs). */
export function buildApacheSites(paths: string[], sources: ModelSources): ApacheSite[] {
  const sites: ApacheSite[] = [];
  for (const path of paths) {
    const src = sources.text(path);
    const section = src && apacheSectionAt(src.text);
    if (!src || !section) continue;
    sites.push({
      file: path,
      section: { tag: section.tag, span: src.lines.lineSpan(path, section.line) },
      wsgiScripts: apacheWsgiScripts(src.text).map((w) => ({ script: w.script, span: src.lines.lineSpan(path, w.line) })),
    });
  }
  return sites;
}
