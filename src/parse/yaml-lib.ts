/**
 * The `yaml` library, loaded on first use.
 *
 * Why: its modules build their schemas and tag tables when loaded, about 3 ms of start-up that a
 * repository without YAML (or an audit that reads none before its first compose file) need not pay. The
 * bundle turns the require below into a call of the bundled module's initialiser (scripts/bundle.mjs,
 * LAZY_BUNDLED), so the library's code still comes from the code cache.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let lib: typeof Yaml | undefined;
function yaml(): typeof Yaml {
  if (lib === undefined) {
    // The library's debugging hooks print its tokens (LOG_TOKENS) and documents (LOG_STREAM) to standard
    // output when these are set, into the middle of a JSON or SARIF report. The bundle reads them as
    // false (scripts/bundle.mjs); for the library loaded unbundled (dist/src, the tests) they are
    // cleared from this process's environment (the audit starts no process that could miss them).
    delete process.env.LOG_TOKENS;
    delete process.env.LOG_STREAM;
    lib = createRequire(import.meta.url)('yaml') as typeof Yaml;
  }
  return lib;
}

export const isAlias: typeof Yaml.isAlias = (node) => yaml().isAlias(node);
export const isMap: typeof Yaml.isMap = <K, V>(node: unknown): node is Yaml.YAMLMap<K, V> => yaml().isMap<K, V>(node);
export const isPair: typeof Yaml.isPair = <K, V>(node: unknown): node is Yaml.Pair<K, V> => yaml().isPair<K, V>(node);
export const isScalar: typeof Yaml.isScalar = <T>(node: unknown): node is Yaml.Scalar<T> => yaml().isScalar<T>(node);
export const isSeq: typeof Yaml.isSeq = <T>(node: unknown): node is Yaml.YAMLSeq<T> => yaml().isSeq<T>(node);
export const parseDocument: typeof Yaml.parseDocument = (...args) => yaml().parseDocument(...args);
export const parseAllDocuments: typeof Yaml.parseAllDocuments = (...args) => yaml().parseAllDocuments(...args);
export function newLineCounter(): Yaml.LineCounter {
  return new (yaml().LineCounter)();
}
