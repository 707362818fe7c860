import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv from 'ajv-draft-04';

/** The official SARIF 2.1.0 schema, kept in shared/ beside the repository (as in CI). */
export const SARIF_SCHEMA_PATH = join(resolve(import.meta.dirname, '..', '..'), '..', 'shared', 'sarif-schema-2.1.0.json');

/** RFC 3986 characters: unreserved, reserved, and percent-encoded octets. */
export const URI_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})*$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** A validator for SARIF 2.1.0 documents, with strict checks of the schema's URI and date formats. */
export function makeSarifValidator() {
  // ajv-draft-04 is CommonJS: under NodeNext its default import is module.exports, whose `default` is the class.
  const ajv = new Ajv.default({ allErrors: true, strict: false });
  // Our own strict format checks (ajv-formats is not installed): they are what we want to enforce anyway.
  ajv.addFormat('uri', (s: string) => SCHEME.test(s) && URI_CHARS.test(s));
  // A relative reference may not have a ':' in its first segment (it would read as a scheme).
  ajv.addFormat('uri-reference', (s: string) => URI_CHARS.test(s) && (SCHEME.test(s) || !/^[^/?#]*:/.test(s)));
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(s));
  return ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_PATH, 'utf8')));
}
