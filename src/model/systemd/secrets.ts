import { isPlaceholderValue } from '../env/placeholder.js';
import { environmentAssignments, type EnvironmentAssignment } from './query.js';
import type { SystemdUnit } from './types.js';

/** Variable names that hold credentials (matched on the upper-cased name). */
const SECRET_NAME = /(?:^|_)(?:SECRET|SECRET_KEY|PASSWORD|PASSWD|PASS|PWD|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY|AUTH_KEY|CREDENTIALS?|SIGNING_KEY|ENCRYPTION_KEY)(?:$|_)/;
const NOT_SECRET_NAME = /(?:_FILE|_PATH|_DIR|_LENGTH|_MIN_LENGTH|_ALGORITHM|_BACKEND|_HEADER|_NAME|_EXPIRY|_EXPIRES|_LIFETIME|_TIMEOUT|_TTL)$/;
/** scheme://user:password@host URLs. */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i;

export interface EnvironmentSecret {
  assignment: EnvironmentAssignment;
  /** 'url': a password inside a URL; 'literal': the whole value is the secret. */
  kind: 'url' | 'literal';
  /** The secret itself (the password of a URL): for redaction, never for printing. */
  secret: string;
}

/**
 * Credentials written literally in a service's Environment= lines: values of variables named like
 * secrets, and passwords embedded in URLs. Placeholders, variable references and specifiers are
 * not secrets.
 */
export function environmentSecrets(unit: SystemdUnit): EnvironmentSecret[] {
  if (unit.type !== 'service') return [];
  const out: EnvironmentSecret[] = [];
  for (const a of environmentAssignments(unit)) {
    const value = a.value;
    if (value === '' || isPlaceholderValue(value) || /\$\{?\w|%[a-zA-Z]/.test(value)) continue;
    const url = URL_PASSWORD.exec(value);
    if (url) {
      if (!isPlaceholderValue(url[1]!) && !/^(?:pass(?:word)?|\*+)$/i.test(url[1]!)) out.push({ assignment: a, kind: 'url', secret: url[1]! });
      continue;
    }
    const name = a.name.toUpperCase();
    if (!SECRET_NAME.test(name) || NOT_SECRET_NAME.test(name)) continue;
    if (value.length < 4 || /^(?:true|false|yes|no|on|off|none|null|\d{1,3})$/i.test(value)) continue;
    out.push({ assignment: a, kind: 'literal', secret: value });
  }
  return out;
}
