import type { CaseContext } from './case-context.js';
import { pyStr, SAFE_ALPHABET, strExpr, type PyModule } from './python-src.js';

/*
 * Expression shapes for the kinds of values the mirrored checks read. Each returns Python source
 * that is fully decidable from the case: any environment variable it reads without a default is
 * set, and every name it refers to is bound by then. What the value turns out to be is for Django
 * to say; the shapes only have to be varied and valid.
 */

const BOOL_ENV_VALUES = ['True', 'False', 'true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''];

/** Something a boolean setting might be assigned: real booleans, truthy look-alikes, env reads. */
export function boolExpr(ctx: CaseContext, m: PyModule, setting: string, peers: readonly string[] = []): string {
  const { rng } = ctx;
  const shapes = ['literal', 'literal', 'literal', 'eq-true', 'getenv-eq', 'lower-in', 'raw-get', 'int-cast', 'helper', 'required', 'derived', 'ternary', 'alias'] as const;
  const name = () => ctx.envName(setting, `DJANGO_${setting}`, setting.replace(/^SECURE_/, ''));
  switch (rng.pick(shapes)) {
    case 'eq-true': {
      const n = name();
      ctx.maybeSetEnv(n, ['True', 'true', 'False', '1']);
      return `os.environ.get('${n}', '${rng.pick(['True', 'False'])}') == 'True'`;
    }
    case 'getenv-eq': {
      const n = name();
      ctx.maybeSetEnv(n, ['0', '1', 'true']);
      return `os.getenv('${n}', '${rng.pick(['0', '1'])}') == '1'`;
    }
    case 'lower-in': {
      const n = name();
      ctx.maybeSetEnv(n, BOOL_ENV_VALUES);
      return `os.environ.get('${n}', '${rng.pick(['false', 'true'])}').lower() in ('1', 'true', 'yes', 'on')`;
    }
    case 'raw-get': {
      // The raw string: "False" is truthy, which is the classic mistake.
      const n = name();
      ctx.maybeSetEnv(n, ['False', 'True', '0', '']);
      return `os.environ.get('${n}', ${rng.pick(['False', 'True', "''"])})`;
    }
    case 'int-cast': {
      const n = name();
      ctx.maybeSetEnv(n, ['0', '1', '2']);
      return `bool(int(os.environ.get('${n}', '${rng.pick(['0', '1'])}')))`;
    }
    case 'helper': {
      // The helpers read `os.environ.get(name)` without a default: audit-deploy calls that unknown when
      // the variable is unset (the deployment may define it), so the generator always sets it.
      const n = name();
      ctx.setEnv(n, rng.pick(BOOL_ENV_VALUES));
      m.use('env_bool');
      return rng.chance(0.5) ? `env_bool('${n}')` : `env_bool('${n}', default=${rng.pick(['True', 'False'])})`;
    }
    case 'required': {
      const n = name();
      ctx.setEnv(n, rng.pick(['True', 'true', 'False', '1']));
      return rng.chance(0.5) ? `os.environ['${n}'] == 'True'` : `os.environ['${n}'].lower() == 'true'`;
    }
    case 'derived':
      if (setting !== 'DEBUG' && ctx.visible(m, 'DEBUG')) return rng.pick(['not DEBUG', 'DEBUG is False', 'bool(DEBUG) is False']);
      return boolLiteral(ctx);
    case 'ternary':
      return `${rng.pick(['True', '1'])} if ${ctx.condition(m)} else ${rng.pick(['False', '0', 'None'])}`;
    case 'alias': {
      const peer = peers.find((p) => ctx.visible(m, p));
      return peer ?? boolLiteral(ctx);
    }
    default:
      return boolLiteral(ctx);
  }
}

function boolLiteral(ctx: CaseContext): string {
  // Biased towards real booleans, with the look-alikes `is True` tells apart.
  return ctx.rng.pick(['True', 'True', 'True', 'False', 'False', '1', '0', "'True'", "'False'", "''", 'None', "'yes'"]);
}

/** SECURE_HSTS_SECONDS-like values: ints, numeric strings ("0" is truthy), arithmetic, env reads. */
export function intExpr(ctx: CaseContext, m: PyModule, setting: string): string {
  const { rng } = ctx;
  const n = () => ctx.envName('HSTS_SECONDS', `DJANGO_${setting}`, 'HSTS');
  switch (rng.pick(['literal', 'literal', 'string', 'arith', 'int-env', 'getenv', 'helper', 'ternary'] as const)) {
    case 'string':
      return rng.pick(["'0'", "'31536000'", "''", "'3600'"]);
    case 'arith':
      return rng.pick(['60 * 60 * 24 * 365', '3600 * 24', '0 * 3600', '2 ** 10', '31536000 // 12']);
    case 'int-env': {
      const name = n();
      ctx.maybeSetEnv(name, ['0', '3600', '31536000']);
      return `int(os.environ.get('${name}', ${rng.pick(["'0'", "'31536000'", '0', '3600'])}))`;
    }
    case 'getenv': {
      const name = n();
      ctx.maybeSetEnv(name, ['0', '31536000', '']);
      return `os.getenv('${name}', '${rng.pick(['0', '3600'])}')`;
    }
    case 'helper': {
      const name = n();
      ctx.setEnv(name, rng.pick(['0', '60', '31536000']));
      m.use('env_int');
      return `env_int('${name}', ${rng.pick(['0', '31536000'])})`;
    }
    case 'ternary':
      return `${rng.pick(['31536000', '3600'])} if ${ctx.condition(m)} else 0`;
    default:
      return rng.pick(['0', '31536000', '3600', '1', 'None', '0.0', '-1', 'False']);
  }
}

/**
 * A string setting chosen from `values` (valid, near-miss and invalid spellings): written through
 * one of the string shapes, or read from the environment with a default.
 */
export function choiceExpr(ctx: CaseContext, m: PyModule, setting: string, values: readonly string[], envName: () => string): string {
  const { rng } = ctx;
  const value = rng.pick(values);
  const envSafe = value.trim() === value && value !== '';
  if (envSafe && rng.chance(0.25)) {
    const name = envName();
    const other = rng.pick(values.filter((v) => v.trim() === v && v !== ''));
    if (rng.chance(0.6)) {
      ctx.setEnv(name, value);
      return `os.environ.get('${name}', ${pyStr(other)})`;
    }
    return `os.getenv('${name}', ${strExpr(rng, m, value)})`;
  }
  return strExpr(rng, m, value);
}

/** Secret-key-like strings on either side of each W009 limit (length 50, 5 unique, the insecure prefix). */
export function secretKeyValue(ctx: CaseContext, allowUnicode: boolean): string {
  const { rng } = ctx;
  const kinds = ['random', 'random', 'random', 'exact50', 'short49', 'short', 'low-unique', 'five-unique', 'insecure', 'insecure-short'];
  if (allowUnicode) kinds.push('unicode-short', 'unicode-ok');
  switch (rng.pick(kinds)) {
    case 'exact50':
      return rng.string(50, SAFE_ALPHABET);
    case 'short49':
      return rng.string(49, SAFE_ALPHABET);
    case 'short':
      return rng.string(rng.int(1, 30), SAFE_ALPHABET);
    case 'low-unique':
      return 'abcd'.repeat(rng.int(13, 20));
    case 'five-unique':
      return 'abcde'.repeat(rng.int(10, 14));
    case 'insecure':
      return 'django-insecure-' + rng.string(50, SAFE_ALPHABET);
    case 'insecure-short':
      return 'django-insecure-' + rng.string(rng.int(5, 30), SAFE_ALPHABET);
    case 'unicode-short':
      // 48 code points but 51 UTF-16 units: Django counts code points.
      return rng.string(45, SAFE_ALPHABET) + '😀é🔑';
    case 'unicode-ok':
      // 50 code points, 52 UTF-16 units.
      return rng.string(47, SAFE_ALPHABET) + '😀é🔑';
    default:
      return rng.string(rng.int(50, 70), SAFE_ALPHABET);
  }
}

/** True when `s` can be written to a .env file unquoted-or-double-quoted and read back unchanged. */
export function envSafe(s: string): boolean {
  return /^[\x21-\x7e]*$/.test(s) && !/["'#$\\`=]/.test(s);
}
