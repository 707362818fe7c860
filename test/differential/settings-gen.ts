import type { CaseContext } from './case-context.js';
import { pyStr, seqExpr, strExpr, type PyModule } from './python-src.js';
import { boolExpr, choiceExpr, envSafe, intExpr, secretKeyValue } from './value-shapes.js';

/*
 * One generator per setting (or group of settings) the mirrored checks read. Each writes its
 * statements into the case's modules through the context.
 */

const MW = {
  security: 'django.middleware.security.SecurityMiddleware',
  session: 'django.contrib.sessions.middleware.SessionMiddleware',
  common: 'django.middleware.common.CommonMiddleware',
  csrf: 'django.middleware.csrf.CsrfViewMiddleware',
  auth: 'django.contrib.auth.middleware.AuthenticationMiddleware',
  messages: 'django.contrib.messages.middleware.MessageMiddleware',
  xframe: 'django.middleware.clickjacking.XFrameOptionsMiddleware',
} as const;
const MW_ORDER: string[] = [MW.security, MW.session, MW.common, MW.csrf, MW.auth, MW.messages, MW.xframe];
/** The middleware whose presence the checks test, by exact string membership. */
const CHECKED_MW: string[] = [MW.security, MW.session, MW.csrf, MW.xframe];

const APP = {
  admin: 'django.contrib.admin',
  auth: 'django.contrib.auth',
  contenttypes: 'django.contrib.contenttypes',
  sessions: 'django.contrib.sessions',
  messages: 'django.contrib.messages',
  staticfiles: 'django.contrib.staticfiles',
} as const;

export function generateDebug(ctx: CaseContext): void {
  if (ctx.rng.chance(0.1)) return;
  const { rng } = ctx;
  ctx.assign('DEBUG', (m) => {
    if (rng.chance(0.08)) {
      // Set in code, then read back: `setdefault` only fills the variable when it is unset.
      const n = ctx.envName('DEBUG', 'DJANGO_DEBUG');
      ctx.maybeSetEnv(n, ['True', 'False'], 0.5);
      m.add(`os.environ.setdefault('${n}', '${rng.pick(['True', 'False'])}')`);
      return `os.environ['${n}'] == 'True'`;
    }
    if (rng.chance(0.05)) {
      const n = ctx.envName('DEBUG', 'DJANGO_DEBUG');
      ctx.setEnv(n, rng.pick(['1', '']));
      return `'${n}' in os.environ`;
    }
    if (rng.chance(0.25)) {
      const n = ctx.envName('DEBUG', 'DJANGO_DEBUG');
      ctx.maybeSetEnv(n, ['False', 'True', '0', '1', '', 'false']);
      return rng.pick([
        `os.environ.get('${n}', 'False')`,
        `os.environ.get('${n}', '') != ''`,
        `os.getenv('${n}', 'false').lower() == 'true'`,
        `os.environ.get('${n}', '0') not in ('0', 'false', 'False', '')`,
      ]);
    }
    return boolExpr(ctx, m, 'DEBUG');
  });
}

/** INSTALLED_APPS: only django.contrib apps (Django must set up with nothing else installed). */
export function generateInstalledApps(ctx: CaseContext): void {
  const { rng } = ctx;
  const auth = rng.chance(0.75);
  const admin = auth && rng.chance(0.3);
  const sessions = rng.chance(0.65);
  ctx.apps.auth = auth;
  ctx.apps.admin = admin;
  ctx.apps.sessions = sessions;
  const wanted = [
    ...(admin ? [APP.admin] : []),
    ...(auth ? [APP.auth] : []),
    APP.contenttypes,
    ...(sessions ? [APP.sessions] : []),
    ...(rng.chance(0.7) ? [APP.messages] : []),
    APP.staticfiles,
  ];
  // The AppConfig path installs sessions too, but Django's check tests the exact module name.
  const sessionsSpelling = rng.chance(0.15) ? 'django.contrib.sessions.apps.SessionsConfig' : APP.sessions;
  const items = wanted.map((a) => (a === APP.sessions ? sessionsSpelling : a));
  // Conditional code may add an app, never one already installed (Django refuses duplicate labels).
  const extras = sessions ? ['django.contrib.sites', 'django.contrib.humanize'] : [APP.sessions, 'django.contrib.sites'];
  buildSequence(ctx, 'INSTALLED_APPS', items, sessionsSpelling, extras);
}

export function generateMiddleware(ctx: CaseContext): void {
  const { rng } = ctx;
  if (rng.chance(0.05)) return;
  const present = new Set(MW_ORDER.filter((mw) => !CHECKED_MW.includes(mw) || rng.chance(0.7)));
  let items = MW_ORDER.filter((mw) => present.has(mw));
  if (rng.chance(0.08)) {
    // A near miss: the checks compare strings exactly, so a trailing space means "absent".
    const victim = rng.pick(items.filter((i) => CHECKED_MW.includes(i)).concat([MW.security]));
    items = items.map((i) => (i === victim ? `${i} ` : i));
  }
  buildSequence(ctx, 'MIDDLEWARE', items, rng.pick(CHECKED_MW), [MW.security, MW.xframe, MW.csrf]);
}

/**
 * Build a list setting that ends up holding `items` (plus or minus what conditional code adds), in
 * one of the shapes projects use: a list or tuple display, concatenation, `+=`, `.append`, `.insert`,
 * `.remove`, a filtering comprehension, conditional mutation, and a split between base and production.
 */
function buildSequence(ctx: CaseContext, setting: string, items: string[], pivot: string, extras: string[]): void {
  const { rng } = ctx;
  const lit = (m: PyModule, xs: string[], tuple: boolean) => seqExpr(xs.map((x) => (rng.chance(0.1) ? strExpr(rng, m, x) : pyStr(x))), tuple);
  const withoutPivot = items.filter((i) => i !== pivot);
  const hasPivot = items.includes(pivot);
  const first = ctx.base;
  const second = ctx.module();
  const shape = rng.pick(['list', 'tuple', 'concat', 'iadd', 'append', 'insert', 'remove', 'comprehension', 'conditional', 'tuple-iadd'] as const);
  const define = (m: PyModule, code: string) => {
    m.add(`${setting} = ${code}`);
    m.defined.add(setting);
  };
  const m = ctx.module();
  switch (shape) {
    case 'tuple':
      return define(m, lit(m, items, true));
    case 'concat': {
      const cut = rng.int(0, items.length);
      const head = m.local(lit(m, items.slice(0, cut), false), setting.toLowerCase());
      return define(m, `${head} + ${lit(m, items.slice(cut), false)}`);
    }
    case 'iadd':
    case 'append':
    case 'insert':
    case 'tuple-iadd': {
      // Start without the pivot and add it afterwards (possibly in production.py).
      const tuple = shape === 'tuple-iadd';
      define(first, lit(first, withoutPivot, tuple));
      if (!hasPivot) return;
      const at = items.indexOf(pivot);
      if (shape === 'append') second.add(`${setting}.append(${pyStr(pivot)})`);
      else if (shape === 'insert') second.add(`${setting}.insert(${at}, ${pyStr(pivot)})`);
      else second.add(`${setting} += ${seqExpr([pyStr(pivot)], tuple)}`);
      return;
    }
    case 'remove': {
      // Define one entry too many, then remove it.
      const junk = hasPivot ? extras.find((e) => !items.includes(e)) ?? 'no.such.entry' : pivot;
      define(first, lit(first, [...items, junk], false));
      second.add(`${setting}.remove(${pyStr(junk)})`);
      return;
    }
    case 'comprehension': {
      const all = hasPivot ? items : [...items, pivot];
      const source = m.local(lit(m, all, rng.chance(0.5)), setting.toLowerCase());
      const keep = hasPivot ? `item != ${pyStr('no.such.entry')}` : `item != ${pyStr(pivot)}`;
      return define(m, `[item for item in ${source} if ${keep}]`);
    }
    case 'conditional': {
      // Add an extra entry under a decidable condition; Django says whether it was added.
      define(first, lit(first, items, false));
      const extra = pyStr(rng.pick(extras));
      const call = rng.chance(0.5) ? `${setting}.append(${extra})` : `${setting}.insert(0, ${extra})`;
      second.add(`if ${ctx.condition(second)}:`, `    ${call}`);
      return;
    }
    default:
      return define(m, lit(m, items, false));
  }
}

export function generateSecretKey(ctx: CaseContext): void {
  const { rng } = ctx;
  // An unset or empty key makes Django 3.2's auth crash at start-up, before any check runs.
  if (!ctx.apps.auth && rng.chance(0.08)) {
    if (rng.chance(0.5)) return;
    return ctx.assign('SECRET_KEY', (m) => (rng.chance(0.5) ? "''" : `os.environ.get('${ctx.envName('SECRET_KEY')}', '')`));
  }
  ctx.assign('SECRET_KEY', (m) => secretKeyExpr(ctx, m, 'SECRET_KEY'));
}

function secretKeyExpr(ctx: CaseContext, m: PyModule, purpose: string): string {
  const { rng } = ctx;
  const literal = () => strExpr(rng, m, secretKeyValue(ctx, true));
  const fromEnv = () => {
    let v = secretKeyValue(ctx, false);
    if (!envSafe(v)) v = v.replace(/[^A-Za-z0-9_-]/g, 'x');
    return v;
  };
  const name = () => ctx.envName(purpose, `DJANGO_${purpose}`);
  switch (rng.pick(['literal', 'literal', 'required', 'get-default', 'getenv-or', 'helper'] as const)) {
    case 'required': {
      const n = name();
      ctx.setEnv(n, fromEnv());
      return `os.environ['${n}']`;
    }
    case 'get-default': {
      const n = name();
      if (rng.chance(0.5)) ctx.setEnv(n, fromEnv());
      return `os.environ.get('${n}', ${literal()})`;
    }
    case 'getenv-or': {
      const n = name();
      if (rng.chance(0.5)) ctx.setEnv(n, fromEnv());
      return `os.getenv('${n}', '') or ${literal()}`;
    }
    case 'helper': {
      const n = name();
      // `os.environ[name]` inside try/except KeyError: an unset variable is unknown to audit-deploy, so it is always set.
      m.use('get_secret');
      ctx.setEnv(n, fromEnv());
      return rng.chance(0.5) ? `get_secret('${n}')` : `get_secret('${n}', ${literal()})`;
    }
    default:
      return literal();
  }
}

export function generateSecretKeyFallbacks(ctx: CaseContext): void {
  const { rng } = ctx;
  if (rng.chance(0.65)) return;
  ctx.assign('SECRET_KEY_FALLBACKS', (m) => {
    switch (rng.pick(['literal', 'literal', 'empty', 'env-split', 'env-filtered', 'previous'] as const)) {
      case 'empty':
        return rng.pick(['[]', '()']);
      case 'env-split': {
        // Unset gives [''], an empty (so weak) fallback key.
        const n = ctx.envName('OLD_SECRET_KEYS', 'SECRET_KEY_FALLBACKS');
        if (rng.chance(0.5)) ctx.setEnv(n, [fromEnvKey(ctx), fromEnvKey(ctx)].join(','));
        return `os.environ.get('${n}', '').split(',')`;
      }
      case 'env-filtered': {
        const n = ctx.envName('OLD_SECRET_KEYS', 'SECRET_KEY_FALLBACKS');
        if (rng.chance(0.6)) ctx.setEnv(n, fromEnvKey(ctx));
        return `[key for key in os.environ.get('${n}', '').split(',') if key]`;
      }
      case 'previous':
        if (ctx.visible(m, 'SECRET_KEY')) return '[SECRET_KEY]';
        return '[]';
      default: {
        const keys = Array.from({ length: rng.int(1, 3) }, () => strExpr(rng, m, secretKeyValue(ctx, true)));
        return seqExpr(keys, rng.chance(0.3));
      }
    }
  });
}

function fromEnvKey(ctx: CaseContext): string {
  return secretKeyValue(ctx, false).replace(/[^A-Za-z0-9_-]/g, 'x');
}

const HOSTS = ['example.com', 'www.example.com', '.example.org', 'api.example.net', 'localhost'];

export function generateAllowedHosts(ctx: CaseContext): void {
  const { rng } = ctx;
  if (rng.chance(0.08)) return;
  const envHosts = () => {
    const n = ctx.envName('ALLOWED_HOSTS', 'DJANGO_ALLOWED_HOSTS', 'HOSTS');
    if (rng.chance(0.65)) ctx.setEnv(n, rng.pick(['example.com', 'example.com,www.example.com', '', '*', 'a.example.com, b.example.com']));
    return n;
  };
  const shape = rng.pick(['literal', 'literal', 'empty', 'star', 'blank', 'tuple', 'split', 'split-strip', 'helper', 'required', 'fstring', 'extend'] as const);
  if (shape === 'extend') {
    // Empty in base, filled in production (or not, when the variable is unset).
    ctx.base.add('ALLOWED_HOSTS = []');
    ctx.base.defined.add('ALLOWED_HOSTS');
    const m = ctx.prod;
    const n = envHosts();
    m.add(rng.chance(0.5) ? `ALLOWED_HOSTS += [h for h in os.environ.get('${n}', '').split(',') if h]` : `ALLOWED_HOSTS.extend(os.environ.get('${n}', 'example.com').split(','))`);
    return;
  }
  ctx.assign('ALLOWED_HOSTS', (m) => {
    switch (shape) {
      case 'empty':
        return rng.pick(['[]', '()', 'list()']);
      case 'star':
        return "['*']";
      case 'blank':
        return "['']";
      case 'tuple':
        return seqExpr(rng.subset(HOSTS, 0.5).map((h) => strExpr(rng, m, h)), true);
      case 'split':
        return `os.environ.get('${envHosts()}', '').split(',')`;
      case 'split-strip':
        return `[h.strip() for h in os.environ.get('${envHosts()}', '').split(',') if h.strip()]`;
      case 'helper':
        m.use('env_list');
        return `env_list('${envHosts()}'${rng.chance(0.5) ? ", 'localhost'" : ''})`;
      case 'required': {
        const n = ctx.envName('ALLOWED_HOSTS', 'DJANGO_ALLOWED_HOSTS');
        ctx.setEnv(n, rng.pick(['example.com', 'example.com,www.example.com', '*']));
        return `os.environ['${n}'].split(',')`;
      }
      case 'fstring': {
        const domain = m.local(pyStr(rng.pick(['example.com', 'example.org'])), 'domain');
        return rng.pick([`[f'{${domain}}', f'www.{${domain}}']`, `['.' + ${domain}]`, `['%s' % ${domain}]`]);
      }
      default:
        return seqExpr(rng.subset(HOSTS, 0.5).map((h) => strExpr(rng, m, h)), false);
    }
  });
}

export function generateHsts(ctx: CaseContext): void {
  const { rng } = ctx;
  if (rng.chance(0.8)) ctx.assign('SECURE_HSTS_SECONDS', (m) => intExpr(ctx, m, 'SECURE_HSTS_SECONDS'));
  if (rng.chance(0.6)) ctx.assign('SECURE_HSTS_INCLUDE_SUBDOMAINS', (m) => boolExpr(ctx, m, 'SECURE_HSTS_INCLUDE_SUBDOMAINS'));
  if (rng.chance(0.5)) ctx.assign('SECURE_HSTS_PRELOAD', (m) => boolExpr(ctx, m, 'SECURE_HSTS_PRELOAD', ['SECURE_HSTS_INCLUDE_SUBDOMAINS']));
  if (ctx.split && ctx.base.defined.has('SECURE_HSTS_PRELOAD') && !ctx.prod.defined.has('SECURE_HSTS_PRELOAD') && rng.chance(0.3)) {
    // Deleting the star-imported name in production.py brings back Django's default.
    ctx.prod.add('del SECURE_HSTS_PRELOAD');
  }
}

/** Code that looks like settings but is not: lower-case names, class bodies, dead branches, uncalled functions. */
export function generateDecoys(ctx: CaseContext): void {
  const { rng } = ctx;
  if (rng.chance(0.7)) return;
  const m = ctx.prod;
  const decoys = [
    ['debug = True'],
    ['secure_ssl_redirect = False'],
    ['class DevSettings:', '    DEBUG = True', "    ALLOWED_HOSTS = []"],
    ['if False:', '    SESSION_COOKIE_SECURE = False'],
    ['def development_overrides():', '    DEBUG = True', '    return DEBUG'],
    ['for _name in []:', "    X_FRAME_OPTIONS = 'SAMEORIGIN'"],
  ];
  for (const d of rng.subset(decoys, 0.4)) m.add(...d);
}

/** The boolean settings the checks read, with how often a project sets each. */
const BOOL_SETTINGS: Array<[string, number, string[]]> = [
  ['SECURE_SSL_REDIRECT', 0.7, []],
  ['SECURE_CONTENT_TYPE_NOSNIFF', 0.3, []],
  ['SESSION_COOKIE_SECURE', 0.7, ['SECURE_SSL_REDIRECT']],
  ['SESSION_COOKIE_HTTPONLY', 0.3, []],
  ['CSRF_COOKIE_SECURE', 0.7, ['SESSION_COOKIE_SECURE', 'SECURE_SSL_REDIRECT']],
  ['CSRF_USE_SESSIONS', 0.2, []],
];

export function generateBooleans(ctx: CaseContext): void {
  const { rng } = ctx;
  const chosen = BOOL_SETTINGS.filter(([, p]) => rng.chance(p));
  for (let i = 0; i < chosen.length; i++) {
    const [setting, , peers] = chosen[i]!;
    const next = chosen[i + 1];
    if (next && rng.chance(0.12)) {
      // Two settings in one statement: `A = B = value` or `A, B = x, y`.
      const m = ctx.module();
      if (rng.chance(0.5)) m.add(`${setting} = ${next[0]} = ${boolExpr(ctx, m, setting)}`);
      else m.add(`${setting}, ${next[0]} = ${boolExpr(ctx, m, setting)}, ${boolExpr(ctx, m, next[0])}`);
      m.defined.add(setting);
      m.defined.add(next[0]);
      i++;
      continue;
    }
    ctx.assign(setting, (m) => boolExpr(ctx, m, setting, peers));
  }
}

/**
 * The `try: from .local import * except ImportError: pass` tail. Usually local.py is absent; when it
 * is present Django imports it, so its overrides count.
 */
export function generateLocalOverrides(ctx: CaseContext, localFile: string): string | undefined {
  const { rng } = ctx;
  if (rng.chance(0.85)) return undefined;
  ctx.prod.add('try:', '    from .local import *  # noqa: F401,F403', 'except ImportError:', '    pass');
  if (rng.chance(0.6)) return undefined;
  const override = rng.pick(['DEBUG = True', 'DEBUG = False', "ALLOWED_HOSTS = ['*']", 'SESSION_COOKIE_SECURE = False', 'SECURE_SSL_REDIRECT = True']);
  return `# ${localFile}: developer overrides\n${override}\n`;
}

export function generateXFrameOptions(ctx: CaseContext): void {
  if (ctx.rng.chance(0.5)) return;
  ctx.assign('X_FRAME_OPTIONS', (m) =>
    ctx.rng.chance(0.05) ? 'None' : choiceExpr(ctx, m, 'X_FRAME_OPTIONS', ['DENY', 'DENY', 'deny', 'Deny', 'SAMEORIGIN', 'sameorigin', ' DENY'], () =>
      ctx.envName('X_FRAME_OPTIONS', 'DJANGO_X_FRAME_OPTIONS'),
    ),
  );
}

const REFERRER_STRINGS = [
  'same-origin',
  'no-referrer',
  'strict-origin-when-cross-origin',
  'no-referrer-when-downgrade',
  'unsafe-url',
  'no-referrer, strict-origin-when-cross-origin',
  'origin,same-origin',
  'same-origin,',
  'Same-Origin',
  'never',
  '',
];

export function generateReferrerPolicy(ctx: CaseContext): void {
  const { rng } = ctx;
  if (rng.chance(0.45)) return;
  const envName = () => ctx.envName('REFERRER_POLICY', 'DJANGO_SECURE_REFERRER_POLICY');
  ctx.assign('SECURE_REFERRER_POLICY', (m) => {
    switch (rng.pick(['string', 'string', 'string', 'none', 'list', 'tuple', 'set', 'env-split'] as const)) {
      case 'none':
        // `('x')` is a parenthesised string, not a tuple.
        return rng.pick(['None', 'None', "('no-referrer, bogus')", "('same-origin')"]);
      case 'list':
      case 'tuple':
      case 'set': {
        const items = rng.subset(['same-origin', 'origin', 'strict-origin', 'bogus', 'no-referrer ', 'unsafe-url'], 0.4);
        const codes = items.map((i) => strExpr(rng, m, i));
        const kind = rng.pick(['list', 'tuple', 'set']);
        if (kind === 'set' && codes.length > 0) return `{${codes.join(', ')}}`;
        return seqExpr(codes, kind === 'tuple');
      }
      case 'env-split': {
        // A split list is not stripped (only a string value is): " origin" is invalid.
        const n = envName();
        if (rng.chance(0.6)) ctx.setEnv(n, rng.pick(['same-origin', 'no-referrer, origin', 'origin,same-origin', 'bogus']));
        return `os.environ.get('${n}', 'same-origin').split(',')`;
      }
      default:
        return choiceExpr(ctx, m, 'SECURE_REFERRER_POLICY', REFERRER_STRINGS, envName);
    }
  });
}

export function generateCrossOriginOpenerPolicy(ctx: CaseContext): void {
  const { rng } = ctx;
  if (rng.chance(0.6)) return;
  ctx.assign('SECURE_CROSS_ORIGIN_OPENER_POLICY', (m) =>
    rng.chance(0.15)
      ? 'None'
      : choiceExpr(ctx, m, 'SECURE_CROSS_ORIGIN_OPENER_POLICY', ['same-origin', 'same-origin-allow-popups', 'unsafe-none', 'Same-Origin', 'bogus', ''], () =>
          ctx.envName('COOP', 'SECURE_CROSS_ORIGIN_OPENER_POLICY'),
        ),
  );
}

export function generateCsrfTrustedOrigins(ctx: CaseContext): void {
  const { rng } = ctx;
  if (rng.chance(0.6)) return;
  const origins = ['https://example.com', 'http://localhost:8000', 'example.com', '*.example.org', 'https://*.example.net'];
  ctx.assign('CSRF_TRUSTED_ORIGINS', (m) => {
    switch (rng.pick(['literal', 'literal', 'env', 'comprehension'] as const)) {
      case 'env': {
        const n = ctx.envName('CSRF_TRUSTED_ORIGINS', 'DJANGO_CSRF_TRUSTED_ORIGINS');
        if (rng.chance(0.6)) ctx.setEnv(n, rng.subset(origins, 0.5).join(',') || 'https://example.com');
        return `[o for o in os.environ.get('${n}', '').split(',') if o]`;
      }
      case 'comprehension':
        return `[${rng.pick(["f'https://{h}'", "'https://' + h", 'h'])} for h in ${seqExpr(['example.com', 'www.example.com'].map(pyStr), false)}]`;
      default:
        return seqExpr(rng.subset(origins, 0.5).map((o) => strExpr(rng, m, o)), rng.chance(0.2));
    }
  });
}

const SILENCEABLE = ['security.W004', 'security.W008', 'security.W009', 'security.W018', 'security.W020', 'security.W001', 'security.W012', 'security.W016', 'security.W019', 'security.E023'];

export function generateSilenced(ctx: CaseContext): void {
  const { rng } = ctx;
  if (rng.chance(0.8)) return;
  const ids = rng.subset(SILENCEABLE, 0.3);
  if (ctx.split && rng.chance(0.4)) {
    ctx.base.add(`SILENCED_SYSTEM_CHECKS = ${seqExpr(ids.map(pyStr), false)}`);
    ctx.base.defined.add('SILENCED_SYSTEM_CHECKS');
    ctx.prod.add(`SILENCED_SYSTEM_CHECKS += [${pyStr(rng.pick(SILENCEABLE))}]`);
    return;
  }
  ctx.assign('SILENCED_SYSTEM_CHECKS', () => seqExpr(ids.map(pyStr), false));
}
