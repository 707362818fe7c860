import { isPlaceholderValue } from '../env/placeholder.js';
import { trimChars } from '../../core/trim.js';

/**
 * Secret detectors that work on any text: known token formats, private key blocks, credentials in
 * URLs, and high-entropy values under secret-like names. Every regular expression here runs in
 * linear time: bounded quantifiers over character classes, no nested quantifiers over the same
 * characters, no backtracking alternations inside repetition.
 */

export interface TokenFormat {
  id: string;
  /** Human name, e.g. "GitHub personal access token". */
  name: string;
  /** Global regex; group 1 is the secret. */
  pattern: RegExp;
  /** The line must also match (e.g. a name mentioning the service). */
  lineMustMatch?: RegExp;
}

export const TOKEN_FORMATS: TokenFormat[] = [
  { id: 'aws-access-key-id', name: 'AWS access key id', pattern: /(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])/g },
  {
    id: 'aws-secret-access-key',
    name: 'AWS secret access key',
    pattern: /(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g,
    lineMustMatch: /aws.{0,24}secret|secret.?access.?key/i,
  },
  { id: 'github-token', name: 'GitHub token', pattern: /(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,251})(?![A-Za-z0-9_])/g },
  { id: 'github-fine-grained-token', name: 'GitHub fine-grained token', pattern: /(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9_]{60,250})(?![A-Za-z0-9_])/g },
  { id: 'gitlab-token', name: 'GitLab personal access token', pattern: /(?<![A-Za-z0-9_-])(glpat-[A-Za-z0-9_-]{20,60})(?![A-Za-z0-9_-])/g },
  { id: 'slack-token', name: 'Slack token', pattern: /(?<![A-Za-z0-9-])(xox[baprs]-[A-Za-z0-9-]{10,250})(?![A-Za-z0-9-])/g },
  { id: 'slack-webhook', name: 'Slack webhook URL', pattern: /(https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,20}\/B[A-Z0-9]{6,20}\/[A-Za-z0-9]{16,40})/g },
  { id: 'stripe-live-key', name: 'Stripe live secret key', pattern: /(?<![A-Za-z0-9_])((?:sk|rk)_live_[A-Za-z0-9]{20,247})(?![A-Za-z0-9_])/g },
  { id: 'google-api-key', name: 'Google API key', pattern: /(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/g },
  { id: 'sendgrid-api-key', name: 'SendGrid API key', pattern: /(?<![A-Za-z0-9_-])(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g },
  { id: 'twilio-api-key', name: 'Twilio API key', pattern: /(?<![A-Za-z0-9])(SK[0-9a-fA-F]{32})(?![A-Za-z0-9])/g, lineMustMatch: /twilio/i },
  { id: 'npm-token', name: 'npm access token', pattern: /(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g },
  { id: 'pypi-token', name: 'PyPI API token', pattern: /(?<![A-Za-z0-9_-])(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,250})(?![A-Za-z0-9_-])/g },
  { id: 'openai-key', name: 'OpenAI API key', pattern: /(?<![A-Za-z0-9_-])(sk-(?:proj-[A-Za-z0-9_-]{40,200}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}))(?![A-Za-z0-9_-])/g },
];

/** Published example values (AWS documentation) and obvious fillers. */
const EXAMPLE_VALUES = new Set(['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIAI44QH8DHBEXAMPLE', 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY']);

/** A value that only looks like a token: documentation examples, runs of one character, redactions. */
export function isFillerToken(value: string): boolean {
  if (EXAMPLE_VALUES.has(value)) return true;
  if (/example|EXAMPLE|dummy|DUMMY|fake|FAKE|sample|SAMPLE|placeholder|PLACEHOLDER|redacted|REDACTED/.test(value)) return true;
  if (/(.)\1{7}/.test(value)) return true;
  if (/\*{3}|\.{3}|x{6}|X{6}/.test(value)) return true;
  if (/0123456789|abcdefghij|ABCDEFGHIJ|1234567890/i.test(value)) return true;
  return false;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...value].length;
  let h = 0;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Upper-case snake form of a key: `secretKey` -> SECRET_KEY, `db.password` -> DB_PASSWORD. */
export function normaliseName(name: string): string {
  return trimChars(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_'), '_').toUpperCase();
}

const SECRET_NAME = /(?:^|_)(?:SECRET|SECRETS|SECRET_KEY|PASSWORD|PASSWD|PASS|PWD|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY|AUTH_KEY|AUTH|CREDENTIALS?|SIGNING_KEY|ENCRYPTION_KEY|SALT|WEBHOOK_SECRET|DSN)(?:$|_)/;
const NOT_SECRET_NAME =
  /(?:_FILE|_PATH|_DIR|_LENGTH|_MIN_LENGTH|_MAX_LENGTH|_ALGORITHM|_ALGORITHMS|_BACKEND|_BACKENDS|_HEADER|_NAME|_EXPIRY|_EXPIRES|_LIFETIME|_TIMEOUT|_TTL|_ENABLED|_REQUIRED|_METHOD|_METHODS|_VALIDATORS|_HASHERS|_CLASS|_CLASSES|_ID|_USER|_USERNAME|_HOST|_PORT|_URL|_URI|_ENDPOINT|_FIELD|_PARAM|_PREFIX|_TYPE|_MODEL|_VIEW|_SERIALIZER|_COOKIE|_DAYS|_HOURS|_SECONDS|_RESET_TIMEOUT_DAYS|_POLICY|_VAR|_ENV|_KEY_ID|_VERSION|_MODE|_FORMAT|_LOCATION|_REGION|_SCOPE|_SCOPES|_AUDIENCE|_ISSUER|_STORE|_PROVIDER|_CHARS)$|^(?:AUTH_USER_MODEL|AUTHENTICATION_BACKENDS|AUTH_PASSWORD_VALIDATORS|PASSWORD_HASHERS|NO_AUTH|AUTH_TYPE)$/;

export function isSecretLikeName(name: string): boolean {
  const n = normaliseName(name);
  return SECRET_NAME.test(n) && !NOT_SECRET_NAME.test(n);
}

/** A value worth calling a secret under a secret-like name: long, varied, not a word, path, reference or placeholder. */
export function looksRandom(value: string): boolean {
  const v = value;
  if (v.length < 16 || v.length > 4096) return false;
  if (/\s/.test(v)) return false;
  if (isPlaceholderValue(v) || isFillerToken(v)) return false;
  if (/\$\{?[A-Za-z_]|\{\{|\{%|%\(|<%|\$\(/.test(v)) return false;
  // A Python format field ({name}, {obj.attr}, {make_key()}): an f-string or str.format template, filled in at run time.
  if (/\{[A-Za-z_][\w.]*(?:\(\w*\))?\}/.test(v)) return false;
  if (/^(?:\.{0,2}\/|~\/|[A-Za-z]:\\|https?:\/\/|file:)/.test(v)) return false;
  if (/^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+$/.test(v) && !/\d/.test(v)) return false; // module paths, hostnames
  if (/^[a-z]+(?:[-_][a-z]+)+$/.test(v)) return false; // kebab/snake words
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) && /^0{8}/.test(v)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(v)).length;
  const hex = /^[0-9a-f]+$/i.test(v);
  if (hex && v.length < 32) return false;
  if (!hex && classes < 2) return false;
  if (shannonEntropy(v) < (hex ? 3.0 : 3.5)) return false;
  const decoded = decodeBase64Text(v);
  if (decoded !== undefined && (isPlaceholderValue(decoded) || /^[\w .:@/-]{0,40}$/.test(decoded) && /change|secret|password|example|your|test|dummy/i.test(decoded))) return false;
  return true;
}

function decodeBase64Text(v: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || v.length % 4 !== 0) return undefined;
  const text = Buffer.from(v, 'base64').toString('utf8');
  return /^[\x20-\x7e]*$/.test(text) ? text : undefined;
}

/** scheme://user:password@host; group 2 the password, group 3 the host. */
export const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]{1,20}):\/\/([^\s:@/'"<>`]{0,128}):([^\s@/'"<>`]{1,256})@([^\s/'"<>:`?#]{1,253})/gi;

/** Host parts that mean "this machine" or a service name on a private network (compose, k8s). */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return /^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|::1|host\.docker\.internal)$/.test(h) || !h.includes('.');
}

/** A URL password that stands for "fill in": `pass`, `password`, `${DB_PASSWORD}`, `<password>`, `***`. */
export function isPlaceholderPassword(pw: string, user: string): boolean {
  if (isPlaceholderValue(pw) || isFillerToken(pw)) return true;
  if (/^(?:pass(?:word)?|passwd|pwd|secret|pw|p|xxx+|\*+|\.+|-+|_+|none|null|user(?:name)?|dbpass(?:word)?|db_?password|yourpassword|mypassword|mysecretpassword)$/i.test(pw)) return true;
  if (/\$|%\(|%[sd]|\{\{|\{[\w.]*\}|<|>/.test(pw)) return true;
  if (pw.toLowerCase() === user.toLowerCase() && /^(?:user|username|admin|test|guest)$/i.test(pw)) return true;
  return false;
}

export const PRIVATE_KEY_BEGIN = /-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----/g;
