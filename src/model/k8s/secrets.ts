import { isPlaceholderValue } from '../env/placeholder.js';

/** Variable and key names that hold credentials (matched on the upper-cased name, `-` and `.` read as `_`). */
const SECRET_NAME =
  /(?:^|_)(?:SECRET|SECRETS|SECRET_KEY|PASSWORD|PASSWD|PASS|PWD|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY|AUTH_KEY|CREDENTIALS?|SIGNING_KEY|ENCRYPTION_KEY|CLIENT_SECRET|WEBHOOK_SECRET|DSN)(?:$|_)/;
const NOT_SECRET_NAME = /(?:_FILE|_PATH|_DIR|_LENGTH|_MIN_LENGTH|_ALGORITHM|_BACKEND|_HEADER|_NAME|_EXPIRY|_EXPIRES|_LIFETIME|_TIMEOUT|_TTL|_ENABLED|_REQUIRED|_URL_PATH|_VALIDATORS|_RESET_TIMEOUT_DAYS|_HASHERS)$/;
/** scheme://user:password@host */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i;
/**
 * Filled in elsewhere: $(VAR) (Kubernetes dependent variables), ${VAR}, $VAR, {{ }}, {VAR} and
 * __VAR__ / %VAR% template slots, SOPS ciphertext.
 */
const REFERENCE = /\$\(\w+\)|\$\{\w+|^\$[A-Za-z_]\w*$|\{\{|^\{[A-Za-z_][\w.-]*\}$|^__[A-Za-z0-9_]+__$|^%[A-Za-z_]\w*%$|^ENC\[[A-Z0-9_]+,/;

/** A value that stands for one filled in at deploy time (a placeholder or a reference). */
export function isStandInValue(value: string): boolean {
  const v = value.trim();
  return isPlaceholderValue(v) || REFERENCE.test(v);
}

export interface LiteralSecret {
  /** 'url': a password inside a URL; 'literal': the whole value is the secret. */
  kind: 'url' | 'literal';
  /** The secret itself: for redaction, never for printing. */
  secret: string;
}

export function isSecretName(name: string): boolean {
  const n = name.toUpperCase().replace(/[-.]/g, '_');
  return SECRET_NAME.test(n) && !NOT_SECRET_NAME.test(n);
}

/**
 * A credential written literally: a URL with a password, or the value of a secret-named
 * variable. Placeholders (changeme, <your-key>, ${VAR}), references, booleans and tiny values are not.
 */
export function literalSecret(name: string, value: string): LiteralSecret | undefined {
  const v = value.trim();
  if (v === '' || isPlaceholderValue(v) || REFERENCE.test(v)) return undefined;
  const url = URL_PASSWORD.exec(v);
  if (url) {
    const pw = url[1]!;
    if (isPlaceholderValue(pw) || REFERENCE.test(pw) || /^(?:pass(?:word)?|\*+|x+)$/i.test(pw)) return undefined;
    return { kind: 'url', secret: pw };
  }
  if (!isSecretName(name)) return undefined;
  if (v.length < 4 || /^(?:true|false|yes|no|on|off|none|null|\d{1,3})$/i.test(v)) return undefined;
  return { kind: 'literal', secret: v };
}
