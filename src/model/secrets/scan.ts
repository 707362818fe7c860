import type { Span } from '../../core/position.js';
import type { SourceText } from '../../core/source.js';
import type { DiscoveredFile, FileKind } from '../../discover/types.js';
import type { ModelSources } from '../build.js';
import { envFileRole } from '../env/roles.js';
import { isWeakPassword } from '../containers/query.js';
import {
  isFillerToken,
  isLocalHost,
  isPlaceholderPassword,
  isSecretLikeName,
  looksRandom,
  PRIVATE_KEY_BEGIN,
  TOKEN_FORMATS,
  URL_CREDENTIALS,
} from './detect.js';

/**
 * Secrets written in the repository's files, found without knowing the file's syntax beyond lines
 * and `name = value` shapes. Rules SEC001-SEC003 report them; every value found is also handed to
 * the reporters' scrubber (DeploymentModel.secrets), so it never reaches an output in full.
 */

/** What the file is for, as far as secrets are concerned. */
export type SecretFileRole = 'production' | 'development' | 'docs' | 'other';

export interface SecretHit {
  file: string;
  fileKind: FileKind;
  fileRole: SecretFileRole;
  /** 'token': a known token format; 'private-key': a PEM/OpenSSH private key block; 'url': a password in a URL; 'named': a random-looking value under a secret-like name. */
  kind: 'token' | 'private-key' | 'url' | 'named';
  /** Detector id (e.g. "github-token"), or the key name for 'named'. */
  detector: string;
  /** Human description: "GitHub token", "password of a postgres:// URL". */
  description: string;
  /** The secret: for redaction and scrubbing only, never printed. */
  value: string;
  /** Where the secret is written. */
  span: Span;
  /** The name it is assigned to on its line, when there is one (SECRET_KEY, password ...). */
  name?: string;
  /** Whether the line is a systemd `Environment=` line (SYS rules judge those). */
  environmentLine?: boolean;
}

/** File kinds scanned. Lock files, requirement lists and Dockerfiles (DKR rules) are not. */
const SCANNED = new Set<FileKind>([
  'python', 'django-settings', 'django-urls', 'django-wsgi', 'django-asgi', 'django-manage', 'dotenv', 'nginx', 'conf-candidate',
  'systemd-unit', 'systemd-dropin', 'gunicorn-config', 'uwsgi-config', 'ini-candidate', 'procfile', 'compose', 'github-workflow',
  'yaml-candidate', 'pm2', 'package-json', 'shell-script', 'script-candidate', 'terraform', 'crontab', 'docs', 'setup-cfg', 'pyproject',
]);

/** Paths of tests and examples: their secrets are fakes by intent. */
const TEST_PATH = /(?:^|\/)(?:tests?|testing|__tests__|spec|specs|fixtures?|testdata|test[-_]data|examples?|samples?|mocks?|e2e)(?:\/|$)|(?:^|\/)(?:test_[^/]*|[^/]*_test|[^/]*\.test|[^/]*\.spec|conftest)\.[a-z]+$/i;
const DEV_WORDS = new Set(['dev', 'develop', 'development', 'local', 'test', 'tests', 'testing', 'ci', 'example', 'examples', 'sample', 'demo', 'debug']);

/** Paths of templates and examples; the regex runs only on paths holding one of the words (it is costly to compile). */
const TEMPLATE_PATH = /(?:^|[/._-])(?:example|sample|template|dist|tpl)(?:[/._-]|$)/i;
const TEMPLATE_WORDS = ['example', 'sample', 'template', 'dist', 'tpl'];

export function secretFileRole(file: DiscoveredFile, configured?: 'production' | 'development'): SecretFileRole | 'skip' {
  if (TEST_PATH.test(file.path)) return 'skip';
  if (file.kind === 'docs') return 'docs';
  if (configured) return configured;
  if (file.kind === 'dotenv') {
    const role = envFileRole(file.path);
    if (role === 'example' || role === 'test') return 'skip';
    if (role === 'production' || role === 'staging') return 'production';
    // A plain committed `.env` is where real secrets live; `.env.local`/`.env.development` hold development ones.
    const base = file.path.split('/').pop()!;
    return base === '.env' ? 'other' : 'development';
  }
  const lower = file.path.toLowerCase();
  const words = lower.split(/[/._-]+/);
  if (TEMPLATE_WORDS.some((w) => lower.includes(w)) && TEMPLATE_PATH.test(file.path)) return 'skip';
  if (words.some((w) => DEV_WORDS.has(w))) return 'development';
  if (words.some((w) => w === 'production' || w === 'prod' || w === 'staging' || w === 'live')) return 'production';
  return 'other';
}

/** A file the scan reads, and its role. */
export interface SecretScanTarget {
  file: DiscoveredFile;
  role: SecretFileRole;
}

/** Texts longer than this are not scanned (generated or hostile, and the scan is per character). */
export const SCAN_MAX_CHARS = 2_000_000;

/** The files the scan reads, in the order it reads them: scanned kinds, tests and examples left out. */
export function secretScanTargets(files: readonly DiscoveredFile[], sources: Pick<ModelSources, 'configuredRole'>): SecretScanTarget[] {
  const out: SecretScanTarget[] = [];
  for (const file of files) {
    if (!SCANNED.has(file.kind)) continue;
    const role = secretFileRole(file, sources.configuredRole(file.path));
    if (role !== 'skip') out.push({ file, role });
  }
  return out;
}

/** The secrets in one target's text (none when the text is too long to scan). */
export function scanTarget(target: Pick<SecretScanTarget, 'role'> & { file: Pick<DiscoveredFile, 'kind'> }, src: SourceText): SecretHit[] {
  return src.text.length > SCAN_MAX_CHARS ? [] : scanText(src, target.file.kind, target.role);
}

/** A line's `NAME = value` / `NAME: value` / `"name": "value"` / `export NAME=value` shape. */
const ASSIGNMENT = /^[ \t]*(?:-[ \t]+)?(?:export[ \t]+|readonly[ \t]+|declare[ \t]+(?:-[a-z]+[ \t]+)?|set[ \t]+)?(["']?)([A-Za-z_][A-Za-z0-9_.-]{0,100})\1[ \t]*(?:=>|:=|=|:)[ \t]*/;
const ENV_DIRECTIVE = /^[ \t]*(?:Environment|env)[ \t]*=/i;

/** The secret-like value assigned on a line, with where it starts; undefined when the value is not a literal. */
function assignedLiteral(line: string): { name: string; value: string; at: number } | undefined {
  const m = ASSIGNMENT.exec(line);
  if (!m) return undefined;
  const name = m[2]!;
  let at = m[0].length;
  let rest = line.slice(at);
  // YAML block scalars, calls (env("X")), references and objects are not literals.
  if (/^[|>[{(]/.test(rest) || rest === '') return undefined;
  const q = rest[0];
  if (q === '"' || q === "'" || q === '`') {
    const close = rest.indexOf(q, 1);
    if (close < 0) return undefined;
    return { name, value: rest.slice(1, close), at: at + 1 };
  }
  if (/^[A-Za-z_][\w.]*\(/.test(rest)) return undefined;
  const token = /^[^\s#,;'"`)\]}]+/.exec(rest);
  if (!token) return undefined;
  rest = token[0];
  return { name, value: rest, at };
}

/**
 * The matches of a global regex over a text, as matchAll gives them, without matchAll's copy of the
 * regex per call (the scan runs ~15 regexes over every file of a repository).
 */
function execAll(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(m);
    if (m[0] === '') re.lastIndex++;
  }
  re.lastIndex = 0;
  return out;
}

export function scanText(src: SourceText, fileKind: FileKind, fileRole: SecretFileRole): SecretHit[] {
  const out: SecretHit[] = [];
  const text = src.text;
  const taken = new Set<string>();
  const add = (hit: Omit<SecretHit, 'file' | 'fileKind' | 'fileRole' | 'span'>, start: number, end: number) => {
    const key = `${start}:${end}`;
    if (taken.has(key)) return;
    // One finding per place: a token inside a URL or a named value is reported once, as the token.
    for (const k of taken) {
      const [a, b] = k.split(':').map(Number) as [number, number];
      if (start < b && a < end) return;
    }
    taken.add(key);
    const span = src.lines.span(src.path, start, end);
    const environmentLine = fileKind.startsWith('systemd') && /^\s*Environment\s*=/.test(src.lines.lineText(span.start.line));
    out.push({ file: src.path, fileKind, fileRole, span, ...hit, ...(environmentLine ? { environmentLine } : {}) });
  };
  const lineNameAt = (offset: number): string | undefined => {
    const pos = src.lines.positionAt(offset);
    const line = src.lines.lineText(pos.line);
    const m = ASSIGNMENT.exec(line);
    return m ? m[2] : undefined;
  };

  // Private key blocks.
  for (const m of text.includes('-----BEGIN ') ? execAll(PRIVATE_KEY_BEGIN, text) : []) {
    const start = m.index!;
    const endMarker = text.indexOf(`-----END ${m[1]}-----`, start);
    const blockEnd = endMarker < 0 ? Math.min(text.length, start + 4096) : endMarker + `-----END ${m[1]}-----`.length;
    const body = text.slice(start + m[0].length, endMarker < 0 ? blockEnd : endMarker);
    const base64 = body.replace(/\\n|[^A-Za-z0-9+/=]/g, '');
    if (base64.length < 64 || isFillerToken(base64) || /\.\.\.|<|\{\{|\$\{/.test(body)) continue;
    add({ kind: 'private-key', detector: 'private-key', description: `${m[1]!.toLowerCase()} block`, value: text.slice(start, blockEnd) }, start, start + m[0].length);
  }

  // Known token formats.
  for (const fmt of TOKEN_FORMATS) {
    // A format that needs its line to say something (aws ... secret) cannot match in a text that
    // never says it: the line test has no anchors, so a line matching it makes the text match it.
    if (fmt.lineMustMatch && !fmt.lineMustMatch.test(text)) continue;
    for (const m of execAll(fmt.pattern, text)) {
      const value = m[1]!;
      const start = m.index! + m[0].indexOf(value);
      if (isFillerToken(value)) continue;
      if (fmt.lineMustMatch) {
        const pos = src.lines.positionAt(start);
        if (!fmt.lineMustMatch.test(src.lines.lineText(pos.line))) continue;
        if (fmt.id === 'aws-secret-access-key' && !(/[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value))) continue;
      }
      const name = lineNameAt(start);
      add({ kind: 'token', detector: fmt.id, description: fmt.name, value, ...(name ? { name } : {}) }, start, start + value.length);
    }
  }

  // Credentials in URLs.
  for (const m of text.includes('://') ? execAll(URL_CREDENTIALS, text) : []) {
    const [, scheme, user, pw, host] = m as unknown as [string, string, string, string, string];
    if (/^(?:https?|ftp|git|ssh)$/i.test(scheme) && /^git$/i.test(user)) continue;
    if (isPlaceholderPassword(pw, user) || isPlaceholderPassword(user === '' ? pw : pw, user)) continue;
    // Guessable passwords are DJ126's and CMP003's finding (weak database/service passwords).
    if (isWeakPassword(pw)) continue;
    if (fileRole !== 'production' && isLocalHost(host)) continue;
    if (/example\.(?:com|org|net)$|\.example$|\.invalid$|\.test$|\.local$/i.test(host) && fileRole !== 'production') continue;
    const start = m.index! + m[0].lastIndexOf(`:${pw}@`) + 1;
    const name = lineNameAt(start);
    add({ kind: 'url', detector: `${scheme.toLowerCase()}-url`, description: `password of a ${scheme.toLowerCase()}:// URL`, value: pw, ...(name ? { name } : {}) }, start, start + pw.length);
  }

  // Random-looking values under secret-like names (not in docs, not in development files).
  if (fileRole !== 'docs' && fileRole !== 'development') {
    for (let line = 1; line <= src.lines.lineCount; line++) {
      const lt = src.lines.lineText(line);
      if (lt.length > 4096 || /^\s*(?:#|\/\/|;|--)/.test(lt)) continue;
      const a = assignedLiteral(lt);
      if (!a || !isSecretLikeName(a.name) || !looksRandom(a.value)) continue;
      if (ENV_DIRECTIVE.test(lt) && fileKind.startsWith('systemd')) continue;
      const start = src.lines.offsetAt(line, 1) + lt.indexOf(a.value, a.at);
      add({ kind: 'named', detector: a.name, description: `value of ${a.name}`, value: a.value, name: a.name }, start, start + a.value.length);
    }
  }
  return out;
}
