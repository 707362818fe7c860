import { describe, expect, it } from 'vitest';
import { lineOf, run, val } from './evaluator-helpers.js';

describe('os.environ / os.getenv', () => {
  it('reads a production env source and records the read with its source line', () => {
    const s = run('import os\nSECRET_KEY = os.environ.get("SECRET_KEY", "dev")\n', { OTHER: '1', SECRET_KEY: 's3cr3t' });
    expect(val(s, 'SECRET_KEY')).toBe('s3cr3t');
    expect(s.envReads).toHaveLength(1);
    const r = s.envReads[0]!;
    expect(r).toMatchObject({ name: 'SECRET_KEY', library: 'os.environ', decidedBy: 'env-source', raw: 's3cr3t' });
    expect(r.source!.layer).toBe('.env.production');
    expect(r.source!.span.start.line).toBe(2);
    expect(r.call.start).toEqual({ line: 2, column: 14, offset: 23 });
    const origin = s.get('SECRET_KEY')!.value.origin!;
    expect(origin.env).toEqual([r]);
    expect(origin.span!.start.column).toBe(14);
  });

  it('falls back to the code default when no source defines it', () => {
    const s = run('import os\nDEBUG = os.getenv("DEBUG", "1") == "1"\n', { OTHER: 'x' });
    expect(val(s, 'DEBUG')).toBe(true);
    expect(s.envReads[0]).toMatchObject({ name: 'DEBUG', library: 'os.getenv', decidedBy: 'default' });
    expect(s.get('DEBUG')!.value.origin!.env![0]!.name).toBe('DEBUG');
  });

  it('without a default and without a source the value is unknown, depending on the variable', () => {
    const s = run('import os\nSECRET_KEY = os.environ.get("SECRET_KEY")\n', { OTHER: 'x' });
    expect(val(s, 'SECRET_KEY')).toEqual({ unknown: ['SECRET_KEY'] });
    expect(s.envReads[0]!.decidedBy).toBe('unknown');
  });

  it('in the "unset" environment, os.environ.get without a default is None', () => {
    const s = run('import os\nSECRET_KEY = os.environ.get("SECRET_KEY")\n');
    expect(val(s, 'SECRET_KEY')).toBe(null);
    expect(s.environment).toBe('unset');
    expect(s.envReads[0]!.decidedBy).toBe('default');
  });

  it('os.environ[...] missing is unknown and required-missing', () => {
    const s = run('import os\nSECRET_KEY = os.environ["SECRET_KEY"]\nB = 1\n', { OTHER: 'x' });
    expect(val(s, 'SECRET_KEY')).toEqual({ unknown: ['SECRET_KEY'] });
    expect(s.envReads[0]).toMatchObject({ name: 'SECRET_KEY', library: 'os.environ', decidedBy: 'required-missing' });
    expect(val(s, 'B')).toBe(1);
  });

  it('string truthiness: "False" from the environment is truthy', () => {
    const s = run('import os\nDEBUG = os.environ.get("DEBUG", False)\nON = bool(DEBUG)\n', { DEBUG: 'False' });
    expect(val(s, 'DEBUG')).toBe('False');
    expect(val(s, 'ON')).toBe(true);
  });

  it('a declared-without-value entry (null) is unknown', () => {
    const s = run('import os\nX = os.environ.get("X", "d")\n', { X: null });
    expect(val(s, 'X')).toEqual({ unknown: ['X'] });
    expect(s.envReads[0]).toMatchObject({ decidedBy: 'env-source', raw: null });
  });

  it('membership, setdefault and assignment', () => {
    const s = run(`
import os
HAS = "A" in os.environ
HAS_NOT = "NOPE" in os.environ
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")
os.environ.setdefault("A", "ignored")
MOD = os.environ["DJANGO_SETTINGS_MODULE"]
A = os.environ["A"]
os.environ["FORCED"] = "yes"
FORCED = os.getenv("FORCED")
`, { A: 'from-env' });
    expect(val(s, 'HAS')).toBe(true);
    expect(val(s, 'HAS_NOT')).toEqual({ unknown: ['NOPE'] });
    expect(val(s, 'MOD')).toBe('x.settings');
    expect(val(s, 'A')).toBe('from-env');
    expect(val(s, 'FORCED')).toBe('yes');
  });

  it('membership of an unset variable is False in the unset environment', () => {
    expect(val(run('import os\nX = "NOPE" in os.environ\n'), 'X')).toBe(false);
  });

  it('ALLOWED_HOSTS from an empty default splits into [""]', () => {
    expect(val(run('import os\nALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "").split(",")\n'), 'ALLOWED_HOSTS')).toEqual(['']);
  });

  it('provenance survives casts and boolean operators', () => {
    const s = run('import os\nHSTS = int(os.getenv("HSTS", "0")) or 3600\nLOW = os.getenv("MODE", "X").lower()\n', { HSTS: '0' });
    expect(val(s, 'HSTS')).toBe(3600);
    expect(s.get('HSTS')!.value.origin!.env!.map((r) => r.name)).toEqual(['HSTS']);
    expect(val(s, 'LOW')).toBe('x');
    expect(s.get('LOW')!.value.origin!.env!.map((r) => r.name)).toEqual(['MODE']);
  });

  it('unknowns propagate with their deciding variables', () => {
    const s = run('import os\nHOSTS = os.environ["HOSTS"].split(",")\nURL = "https://" + os.environ["HOST"] + "/x"\nF = f"{os.environ[\'A\']}-{os.environ[\'B\']}"\n', { OTHER: '1' });
    expect(val(s, 'HOSTS')).toEqual({ unknown: ['HOSTS'] });
    expect(val(s, 'URL')).toEqual({ unknown: ['HOST'] });
    expect(val(s, 'F')).toEqual({ unknown: ['A', 'B'] });
  });
});

describe('if/else merging', () => {
  it('known conditions take one branch', () => {
    const s = run('import os\nif os.getenv("ENV", "prod") == "prod":\n    DEBUG = False\nelse:\n    DEBUG = True\n', { OTHER: '1' });
    expect(val(s, 'DEBUG')).toBe(false);
    expect(s.get('DEBUG')!.span.start.line).toBe(3);
  });

  it('an undecidable condition merges different values into an unknown with alternatives', () => {
    const s = run('import os\nif os.environ.get("STAGE") == "prod":\n    DEBUG = False\nelse:\n    DEBUG = True\nSAME = 1\nif os.environ.get("STAGE"):\n    SAME = 1\n', { OTHER: '1' });
    const d = s.get('DEBUG')!.value;
    expect(d.kind).toBe('unknown');
    if (d.kind !== 'unknown') return;
    expect(d.reason).toBe('depends on os.environ.get("STAGE") == "prod"');
    expect(d.variables).toEqual(['STAGE']);
    expect(d.alternatives).toEqual([{ kind: 'bool', value: false }, { kind: 'bool', value: true }]);
    expect(s.get('DEBUG')!.history.map((h) => h.start.line)).toEqual([3, 5]);
    expect(val(s, 'SAME')).toBe(1);
  });

  it('elif chains and a name bound on one path only', () => {
    const s = run('import os\nM = os.environ.get("M")\nif M == "a":\n    X = 1\nelif M == "b":\n    X = 2\nelse:\n    X = 3\nif M:\n    ONLY = True\n', { OTHER: '1' });
    expect(val(s, 'X')).toEqual({ unknown: ['M'], alternatives: [1, 2, 3] });
    expect(val(s, 'ONLY')).toEqual({ unknown: ['M'] });
  });

  it('alternatives keep later operations decidable when all agree', () => {
    const s = run('import os\nif os.environ.get("A"):\n    X = "on"\nelse:\n    X = "ON"\nY = X.upper() == "ON"\nZ = X == "on"\n', { OTHER: '1' });
    expect(val(s, 'Y')).toBe(true);
    expect(val(s, 'Z')).toEqual({ unknown: ['A'], alternatives: [true, false] });
  });

  it('a raising branch is dropped: after `if not KEY: raise`, KEY stays the env value', () => {
    const s = run('import os\nfrom django.core.exceptions import ImproperlyConfigured\nSECRET_KEY = os.environ.get("SECRET_KEY")\nif not SECRET_KEY:\n    raise ImproperlyConfigured("set it")\nDEBUG = False\n', { OTHER: '1' });
    expect(val(s, 'SECRET_KEY')).toEqual({ unknown: ['SECRET_KEY'] });
    expect(val(s, 'DEBUG')).toBe(false);
    expect(s.problems).toEqual([]);
  });

  it('merged dicts with the same keys merge entry by entry', () => {
    const s = run('import os\nD = {"A": 1, "B": 2}\nif os.environ.get("X"):\n    D["B"] = 3\n', { OTHER: '1' });
    expect(val(s, 'D')).toEqual({ A: 1, B: { unknown: ['X'], alternatives: [3, 2] } });
  });

  it('conditional expressions and `or` with an unknown left side', () => {
    const s = run('import os\nA = "x" if os.environ.get("C") else "y"\nB = os.environ.get("B") or "fallback"\n', { OTHER: '1' });
    expect(val(s, 'A')).toEqual({ unknown: ['C'], alternatives: ['x', 'y'] });
    expect(val(s, 'B')).toEqual({ unknown: ['B'], alternatives: [{ unknown: ['B'] }, 'fallback'] });
  });

  it('a loop over unknown items makes what it assigns and mutates unknown', () => {
    const s = run('import os\nAPPS = ["a"]\nfor app in os.environ["EXTRA"].split(","):\n    APPS.append(app)\n', { OTHER: '1' });
    expect(val(s, 'APPS')).toEqual({ unknown: ['EXTRA'] });
    expect(lineOf(s.get('APPS')!.span)).toBe('settings.py:3');
  });
});

describe('helper functions', () => {
  const helper = `
import os
def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")
DEBUG = env_bool("DEBUG")
SSL = env_bool("SSL", default=True)
`;
  it('env_bool() with a value in the env source', () => {
    const s = run(helper, { DEBUG: ' Yes ', SSL: '0' });
    expect(val(s, 'DEBUG')).toBe(true);
    expect(val(s, 'SSL')).toBe(false);
  });

  it('env_bool() in the unset environment returns the defaults', () => {
    const s = run(helper);
    expect(val(s, 'DEBUG')).toBe(false);
    expect(val(s, 'SSL')).toBe(true);
  });

  it('env_bool() with nothing known merges both returns, keeping the variable', () => {
    const s = run(helper, { OTHER: '1' });
    expect(val(s, 'DEBUG')).toEqual({ unknown: ['DEBUG'], alternatives: [false, { unknown: ['DEBUG'] }] });
    expect(s.get('DEBUG')!.value.origin!.env!.map((r) => r.name)).toContain('DEBUG');
  });
});
