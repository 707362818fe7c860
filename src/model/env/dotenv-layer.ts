import { lastDefinitions, parseDotenv, type DotenvParse } from '../../parse/dotenv.js';
import type { DotenvDialect, EnvEntry, EnvLayer, EnvSourceRole } from './types.js';

/** The dialect assumed when nobody says who reads the file: python-dotenv is the most common reader. */
export const DEFAULT_DOTENV_DIALECT: DotenvDialect = 'python-dotenv';

/**
 * An env file as a layer. Its values depend on who reads it, so each lookup names the reader's
 * dialect and the file is parsed once per dialect. When the reader is fixed by how the file is
 * used (a compose `env_file:`, a systemd `EnvironmentFile=`), `fixedDialect` always wins.
 */
export function dotenvLayer(path: string, text: string, role: EnvSourceRole, fixedDialect?: DotenvDialect): EnvLayer & DotenvLayerExtras {
  const parses = new Map<DotenvDialect, { parse: DotenvParse; byName: Map<string, EnvEntry>; last: EnvEntry[] }>();
  const parsed = (requested?: DotenvDialect) => {
    const dialect = fixedDialect ?? requested ?? DEFAULT_DOTENV_DIALECT;
    let hit = parses.get(dialect);
    if (!hit) {
      const parse = parseDotenv(path, text, dialect);
      const last = lastDefinitions(parse.entries);
      hit = { parse, last, byName: new Map(last.map((e) => [e.name, e])) };
      parses.set(dialect, hit);
    }
    return hit;
  };
  return {
    name: path,
    kind: 'dotenv',
    role,
    file: path,
    fixedDialect,
    lookup: (name, dialect) => parsed(dialect).byName.get(name),
    entries: (dialect) => [...parsed(dialect).last],
    parse: (dialect) => parsed(dialect).parse,
  };
}

export interface DotenvLayerExtras {
  /** The reader that always applies to this file, if its use fixes one. */
  readonly fixedDialect?: DotenvDialect;
  /** The full parse (every definition, duplicates included, and the problems) for a dialect. */
  parse(dialect?: DotenvDialect): DotenvParse;
}
