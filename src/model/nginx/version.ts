import { LineIndex } from '../../core/position.js';
import { readText } from '../../discover/read.js';
import type { DiscoveredFile } from '../../discover/types.js';
import type { NginxVersion } from './types.js';

/**
 * The nginx release a repository deploys, read from the image tags it pins: a Dockerfile
 * `FROM nginx:1.24-alpine` (also nginxinc/nginx-unprivileged, bitnami/nginx, a registry prefix or
 * `--platform`), or a compose file `image: nginx:1.25`. Floating tags (latest, alpine, stable,
 * mainline) and digests say nothing; two different pinned releases make it unknown. Development
 * files (dev/local/test in the path) do not count.
 */
export function detectNginxVersion(files: readonly DiscoveredFile[], read: (f: DiscoveredFile) => string | undefined = readFile): NginxVersion | undefined {
  const found: NginxVersion[] = [];
  for (const f of files) {
    const kind = imageFileKind(f.path);
    if (!kind || isDevelopmentPath(f.path)) continue;
    if (f.size > 512 * 1024) continue;
    const text = read(f);
    if (text === undefined) continue;
    found.push(...versionsIn(f.path, text, kind));
  }
  const distinct = new Set(found.map((v) => `${v.major}.${v.minor}.${v.patch ?? 'x'}`));
  return distinct.size === 1 ? found[0] : undefined;
}

function readFile(f: DiscoveredFile): string | undefined {
  return readText(f).text;
}

function imageFileKind(path: string): 'dockerfile' | 'compose' | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (/^(?:Dockerfile|Containerfile)(?:[._-][\w.-]+)?$/i.test(base) || /\.(?:dockerfile|containerfile)$/i.test(base)) return 'dockerfile';
  if (/^(?:docker-)?compose(?:[._-][\w.-]+)?\.ya?ml$/i.test(base)) return 'compose';
  return undefined;
}

function isDevelopmentPath(path: string): boolean {
  return /(?:^|[/._-])(?:dev|devel|development|local|test|tests|testing|ci)(?:[/._-]|$)/i.test(path);
}

/** Image references of nginx: the name, optionally behind a registry/namespace path. */
const NGINX_IMAGE = String.raw`(?:[\w.-]+(?::\d+)?/)*(?:nginx|nginx-unprivileged|nginx-alpine)`;
const TAG = String.raw`:v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-.][\w.-]*)?`;
const FROM_LINE = new RegExp(String.raw`^\s*FROM\s+(?:--[\w-]+=\S+\s+)*(${NGINX_IMAGE}${TAG})(?:\s|$)`, 'i');
const IMAGE_LINE = new RegExp(String.raw`^\s*(?:-\s*)?image:\s*["']?(${NGINX_IMAGE}${TAG})["']?\s*(?:#.*)?$`, 'i');

function versionsIn(path: string, text: string, kind: 'dockerfile' | 'compose'): NginxVersion[] {
  const lines = new LineIndex(text);
  const out: NginxVersion[] = [];
  const re = kind === 'dockerfile' ? FROM_LINE : IMAGE_LINE;
  for (let line = 1; line <= lines.lineCount; line++) {
    const lineText = lines.lineText(line);
    const m = re.exec(lineText);
    if (!m) continue;
    const ref = m[1]!;
    const col = lineText.indexOf(ref) + 1;
    const from = lines.offsetAt(line, col);
    const text = m[4] === undefined ? `${m[2]}.${m[3]}` : `${m[2]}.${m[3]}.${m[4]}`;
    out.push({
      text,
      major: Number(m[2]),
      minor: Number(m[3]),
      ...(m[4] === undefined ? {} : { patch: Number(m[4]) }),
      source: `${kind === 'dockerfile' ? 'FROM' : 'image:'} ${ref} in ${path}`,
      span: lines.span(path, from, from + ref.length),
    });
  }
  return out;
}
