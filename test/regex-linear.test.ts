import { resolve } from 'node:path';
import fc from 'fast-check';
import { checkSync } from 'recheck';
import { describe, expect, it } from 'vitest';
import { COPY_COMMAND, MIGRATION_CHECK, SSH_COMMAND, dottedPaths, expressions } from '../rules/actions/GHA0.common.js';
import { SHELL_CHECKOUT } from '../rules/actions/GHA005-untrusted-checkout-privileged.js';
import { XTRACE } from '../rules/actions/GHA006-secret-printed-to-log.js';
import { redisConfigTarget } from '../rules/compose/CMP011-redis-without-password.js';
import { bracketed } from '../rules/django/DJ116-default-sender-address.js';
import { hasHealthSegment } from '../rules/django/DJ128-no-health-check-url.js';
import { cacheTarget } from '../rules/docker/DKR006-pip-cache-kept.js';
import { firstVariable } from '../rules/docker/DKR016-exec-form-variable.js';
import { VARIABLE as K8S_IMAGE_VARIABLE } from '../rules/k8s/K8S004-image-tag-mutable.js';
import { urlHasPassword } from '../src/cli/audit.js';
import { DROPS_PRIVILEGES, WAITS } from '../src/model/containers/analyse.js';
import { celeryModule, configFromObjectCalls, replaceBraced, urlParts } from '../src/model/deployment/backing.js';
import { STAR_IMPORT } from '../src/model/deployment/env-usage.js';
import { isServerCollection } from '../src/model/nginx/effective.js';
import { BACKUP_COMMAND, EXEC_BACKUP } from '../src/model/scripts/backups.js';
import { fieldPath } from '../src/model/settings/format.js';
import { nextNpmLine, unquoteLines } from '../src/parse/dotenv.js';
import { configurationMarkers } from '../src/parse/nginx/dump.js';
import { CLAUSE, pyLiterals } from '../src/parse/requirements.js';
import { variablesIn } from '../src/parse/systemd/exec.js';
import { INCLUDE } from '../src/parse/systemd/unit.js';
import { replaceUwsgiPlaceholders } from '../src/parse/uwsgi/ini.js';
import { isPyFloatLiteral, isPyZeroLiteral } from '../src/model/settings/builtins.js';
import { replacePercentDirectives } from '../src/model/settings/format.js';
import { cutFromFirst, cutSpacedHashComment, trimChars, trimEndChars } from '../src/core/trim.js';
import { findMarker } from '../src/engine/suppress.js';
import { isWrappedPlaceholder } from '../src/model/env/placeholder.js';
import { hasTemplateSyntax } from '../src/parse/compose/parse.js';
import { replaceBraceReferences } from '../src/parse/dotenv.js';
import { procfileEntry } from '../src/parse/procfile.js';
import { setupCfgKeyValue, stripHashComment, stripSpacedHashComment } from '../src/parse/requirements.js';
import { regexInventory } from './support/regex-inventory.js';
import { KNOWN_SUPERLINEAR, KNOWN_UNDECIDED } from './support/regex-known.js';

/**
 * Issue 7: "Regular expressions run in linear time; an adversarial-input test bounds them."
 *
 * 1. Every regular expression in src/ and rules/ is found by parsing the sources (@babel/parser) and
 *    checked by recheck, a ReDoS analyser (automaton analysis, fuzzing where that cannot decide; it
 *    runs offline, in-process or through its bundled native binary). A `vulnerable` verdict fails
 *    the test unless the regex is in KNOWN_SUPERLINEAR (test/support/regex-known.ts), with the reason
 *    it is tolerated (listed regexes are not re-analysed; the list must not hold gone regexes).
 *    The verdicts do not depend on the machine's load: recheck runs with no time limits, only its
 *    step limits (RECHECK_OPTIONS), and a fixed seed; an `unknown` verdict fails the test unless the
 *    regex is in KNOWN_UNDECIDED with the reason it is linear.
 * 2. A regex built at run time must be in DYNAMIC with the reason its pattern is safe to build.
 * 3. Each regex this test made us rewrite has its replacement compared with the original on random
 *    input (same results), and timed on the input that made the original slow.
 */
const ROOT = resolve(import.meta.dirname, '..');

/** Regexes built at run time, by file and call, with why building them is safe. */
const DYNAMIC: Array<{ file: string; code: RegExp; why: string }> = [
  { file: 'src/model/nginx/version.ts', code: /new RegExp\(String\.raw/, why: 'built from constant patterns (NGINX_IMAGE, TAG)' },
  { file: 'src/model/settings/builtins.ts', code: /new RegExp\(`/, why: "built from the constant set of Python's whitespace characters" },
  { file: 'src/parse/nginx/template.ts', code: /new RegExp\(PLACEHOLDER\.source/, why: 'a constant pattern with the g flag' },
  { file: 'src/parse/requirements.ts', code: /new RegExp\(`/, why: 'built from constant section and keyword names' },
  { file: 'src/report/redact.ts', code: /new RegExp\(usable\.map\(escapeRegExp\)/, why: 'an alternation of escaped literal secrets' },
  { file: 'rules/actions/GHA006-secret-printed-to-log.ts', code: /new RegExp\(/, why: 'a constant pattern, or a variable name with every non-word character removed' },
  { file: 'src/model/deployment/env-usage.ts', code: /new RegExp\(`\(\?<!\[A-Za-z0-9_\]\)\(\?:\$\{names\.map\(escape\)/, why: 'an alternation of escaped variable names' },
  { file: 'src/model/urlconf.ts', code: /new RegExp\(`\^\(\?:\$\{re\.source\}\)\$`/, why: "a re_path() regex already compiled by untrustedRegExp, wrapped in an unquantified group (same flags, the linear engine's included)" },
  { file: 'src/core/untrusted-regex.ts', code: /new RegExp\(source, flags( \+ 'l')?\)/, why: "a regex from the audited repository (nginx location, re_path(), CORS origins, kustomize names): run by V8's linear-time engine, or by the backtracking one only when boundedShape bounds it (test/untrusted-regex.test.ts)" },
  { file: 'rules/django/DJ0.deploy-semantics.ts', code: /new RegExp\(`\^\[\$\{PY_WHITESPACE\}/, why: "built from the constant set of Python's whitespace characters" },
];

const { literals, dynamic, files } = regexInventory(ROOT);

/**
 * recheck's parameters: every time limit off (the overall timeout and the attack, incubation and
 * seeding timeouts; the recall validation stays off, its default), so that only its step limits bound
 * the analysis (attackLimit, incubationLimit, seedingLimit, maxAttackStringSize, maxIteration,
 * maxNFASize ..., all defaults) and the fuzzer's seed is fixed: the same verdicts on a loaded machine.
 * About 90 s for the ~900 distinct regexes on the shared 2-core box.
 */
const RECHECK_OPTIONS = { timeout: null, attackTimeout: null, incubationTimeout: null, seedingTimeout: null, randomSeed: 7 } as const;

describe('the regex inventory', () => {
  it('finds the regexes of every source file', () => {
    expect(files).toBeGreaterThan(200);
    expect(literals.length).toBeGreaterThan(500);
  });

  it('the lists of known super-linear and undecided regexes hold only regexes still in the code', () => {
    const present = new Set(literals.map((r) => `${r.file} /${r.pattern}/${r.flags}`));
    expect([...KNOWN_SUPERLINEAR.keys(), ...KNOWN_UNDECIDED.keys()].filter((k) => !present.has(k))).toEqual([]);
  });

  it('every regex built at run time is accounted for', () => {
    const unexplained = dynamic.filter((d) => !DYNAMIC.some((k) => k.file === d.file && k.code.test(d.code)));
    expect(unexplained.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual([]);
  });
});

describe('every literal regex runs in linear time (recheck)', () => {
  it('has no vulnerable regex outside the reviewed list', () => {
    const seen = new Map<string, { pattern: string; flags: string; where: string[]; keys: string[] }>();
    for (const r of literals) {
      const listed = `${r.file} /${r.pattern}/${r.flags}`;
      if (KNOWN_SUPERLINEAR.has(listed)) continue;
      const key = `${r.pattern}\0${r.flags}`;
      const e = seen.get(key) ?? { pattern: r.pattern, flags: r.flags, where: [], keys: [] };
      e.where.push(`${r.file}:${r.line}`);
      e.keys.push(listed);
      seen.set(key, e);
    }
    const vulnerable: string[] = [];
    const undecided: string[] = [];
    const started = Date.now();
    for (const r of seen.values()) {
      // recheck does not know the d flag (match indices), which does not change what a regex matches.
      const res = checkSync(r.pattern, r.flags.replace('d', ''), RECHECK_OPTIONS);
      if (res.status === 'safe') continue;
      const shown = `/${r.pattern}/${r.flags}`;
      if (res.status === 'unknown') {
        if (!r.keys.some((k) => KNOWN_UNDECIDED.has(k))) undecided.push(`${r.where.join(', ')} ${shown} (${res.error.kind})`);
        continue;
      }
      vulnerable.push(`${r.where.join(', ')} ${shown}: ${res.complexity.type}, attack ${res.attack.pattern.slice(0, 80)}`);
    }
    console.info(`recheck: ${seen.size} distinct regexes in ${Date.now() - started} ms`);
    expect(vulnerable).toEqual([]);
    expect(undecided).toEqual([]);
  }, 900_000);
});

/** A string made of the characters a regex cares about, so that random tests reach its branches. */
const textOf = (alphabet: string, maxLength = 40) =>
  fc.array(fc.constantFrom(...alphabet.split('')), { maxLength }).map((a) => a.join(''));

/** Time one call; generous bounds, as the machine may be loaded. */
function timed(f: () => unknown): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const BIG = 200_000;
const BOUND_MS = 2_000;

describe('rewritten regexes: same results as the originals, linear on hostile input', () => {
  it('suppression marker', () => {
    const original = /(#|\/\/|;)\s*audit-deploy:\s*ignore\[([^\]]*)\](?:\s*--\s*(.*?))?\s*$/;
    const parts = fc.array(fc.constantFrom('#', '//', ';', ' ', '\t', '\r', 'audit-deploy:', 'ignore[', 'DJ018', ',', ']', '--', 'x', ' reason', '/'), { maxLength: 14 }).map((a) => a.join(''));
    fc.assert(
      fc.property(parts, (line) => {
        const a = original.exec(line);
        const b = findMarker(line);
        expect(b === undefined ? null : [b.index, b[0], b[1], b[2], b[3]]).toEqual(a === null ? null : [a.index, a[0], a[1], a[2], a[3]]);
      }),
      { numRuns: 3000 },
    );
    // Found by the property above (CI, seed 1084682127): "audit-deploy:" at the start of the line, then a marker.
    for (const line of ['audit-deploy:#audit-deploy:ignore[]', 'audit-deploy: x # audit-deploy: ignore[DJ018] -- why']) {
      const a = original.exec(line)!;
      const b = findMarker(line);
      expect(b && [b.index, b[0], b[1], b[2], b[3]]).toEqual([a.index, a[0], a[1], a[2], a[3]]);
    }
    expect(timed(() => findMarker(';audit-deploy:ignore['.repeat(BIG / 20) + ']--' + '\t'.repeat(BIG) + 'x'))).toBeLessThan(BOUND_MS);
  });

  it('wrapped placeholders', () => {
    const original = /^(?:!{2,}.*!{2,}|<[^<>]+>|\{\{.*\}\}|\[\[.*\]\]|%\([^)]*\)s|__[A-Z0-9_]+__)$/s;
    fc.assert(fc.property(textOf('!<>{}[]%()s_A0 \n'), (v) => {
      expect(isWrappedPlaceholder(v)).toBe(original.test(v));
    }), { numRuns: 5000 });
    expect(timed(() => isWrappedPlaceholder('!!' + '!'.repeat(BIG) + '!!'.repeat(BIG) + '}}'))).toBeLessThan(BOUND_MS);
  });

  it('Procfile entries', () => {
    const original = /^([A-Za-z0-9_-]+):[ \t]*(.*?)[ \t]*$/;
    fc.assert(fc.property(textOf('a-_0: \t\r\u2028x:'), (line) => {
      expect(procfileEntry(line) ?? null).toEqual(original.exec(line) ? [...original.exec(line)!] : null);
    }), { numRuns: 5000 });
    expect(timed(() => procfileEntry('-:' + '\t'.repeat(BIG) + '\t'.repeat(BIG) + '\n'))).toBeLessThan(BOUND_MS);
  });

  it('setup.cfg key = value', () => {
    const original = /^([^=:]+?)\s*[=:]\s*(.*)$/;
    fc.assert(fc.property(textOf('ab =:\t\u2028\r'), (line) => {
      expect(setupCfgKeyValue(line) ?? null).toEqual(original.exec(line) ? [...original.exec(line)!] : null);
    }), { numRuns: 5000 });
    expect(timed(() => setupCfgKeyValue('\t' + '\t'.repeat(BIG) + ':' + '\t'.repeat(BIG) + '\u0000\n'))).toBeLessThan(BOUND_MS);
  });

  it('compose template syntax', () => {
    const original = /\{\{[^}]*\}\}|\{%[^%]*%\}/;
    fc.assert(fc.property(textOf('{}%x'), (t) => {
      expect(hasTemplateSyntax(t)).toBe(original.test(t));
    }), { numRuns: 5000 });
    expect(timed(() => hasTemplateSyntax('{{'.repeat(BIG) + '{%'.repeat(BIG) + '%}'))).toBeLessThan(BOUND_MS);
  });

  it('python-dotenv ${NAME:-default} expansion', () => {
    const original = /\$\{([^}:]*)(?::-([^}]*))?\}/g;
    const f = (name: string, dflt: string | undefined) => `<${name}|${dflt ?? 'U'}>`;
    fc.assert(
      fc.property(textOf('${}:-ab'), (v) => {
        expect(replaceBraceReferences(v, f)).toBe(v.replace(original, (_m, n: string, d: string | undefined) => f(n, d)));
      }),
      { numRuns: 5000 },
    );
    expect(timed(() => replaceBraceReferences('-${'.repeat(BIG) + '-:${}', f))).toBeLessThan(BOUND_MS);
  });

  it('whitespace before a dotenv comment (lookbehind form)', () => {
    const original = /\s+#[^\r\n]*/;
    const linear = /(?<!\s)\s+#[^\r\n]*/;
    fc.assert(fc.property(textOf(' \t\n#ab\r'), (v) => {
      expect(v.replace(linear, '')).toBe(v.replace(original, ''));
    }), { numRuns: 5000 });
    expect(timed(() => ('\t'.repeat(BIG) + 'x\t#').replace(linear, ''))).toBeLessThan(BOUND_MS);
  });

  it('requirements comments and per-requirement options', () => {
    const pairs: Array<[RegExp, (s: string) => string, string]> = [
      [/(^|\s)#.*$/, stripHashComment, ' \t\n\r\u2028#ax'],
      [/\s+#.*$/, stripSpacedHashComment, ' \t\n\r\u2028#ax'],
      [/\s+--?[A-Za-z][\s\S]*$/, (s) => s.replace(/(?<!\s)\s+--?[A-Za-z][\s\S]*$/, ''), ' \t\n-ax1'],
    ];
    for (const [original, linear, alphabet] of pairs) {
      fc.assert(fc.property(textOf(alphabet), (v) => {
        expect(linear(v)).toBe(v.replace(original, ''));
      }), { numRuns: 5000 });
    }
    expect(timed(() => stripHashComment('#' + '\t#'.repeat(BIG) + '\n#'))).toBeLessThan(BOUND_MS);
    expect(timed(() => stripSpacedHashComment('\t'.repeat(BIG) + '\u0000\t#'))).toBeLessThan(BOUND_MS);
    expect(timed(() => ('\t'.repeat(BIG) + 'x').replace(/(?<!\s)\s+--?[A-Za-z][\s\S]*$/, ''))).toBeLessThan(BOUND_MS);
  });

  it('Python int and float literal syntax', () => {
    const zero = /^0+(_?0)*$/;
    fc.assert(fc.property(textOf('00_1'), (v) => {
      expect(isPyZeroLiteral(v)).toBe(zero.test(v));
    }), { numRuns: 5000 });
    const float = /^[+-]?((\d(_?\d)*)?\.?\d(_?\d)*|\d(_?\d)*\.)([eE][+-]?\d(_?\d)*)?$/;
    fc.assert(fc.property(textOf('0159_.eE+-x', 12), (v) => {
      expect(isPyFloatLiteral(v)).toBe(float.test(v));
    }), { numRuns: 20000 });
    const decimal = /^-?(\d+\.?\d*|\.\d+)$/;
    const linear = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;
    fc.assert(fc.property(textOf('01.-x', 10), (v) => {
      expect(linear.test(v)).toBe(decimal.test(v));
    }), { numRuns: 5000 });
    expect(timed(() => isPyZeroLiteral('0'.repeat(BIG) + '\u0000'))).toBeLessThan(BOUND_MS);
    expect(timed(() => isPyFloatLiteral('0_' + '00_'.repeat(BIG) + '\u0000'))).toBeLessThan(BOUND_MS);
    expect(timed(() => linear.test('0'.repeat(BIG) + '-'))).toBeLessThan(BOUND_MS);
  });

  it('Python %-format directives', () => {
    const original = /%(\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;
    const show = (...g: Array<string | undefined>) => `<${g.map((x) => (x === undefined ? 'U' : x)).join('|')}>`;
    fc.assert(fc.property(textOf('%()a#0- +*19.hlLdsx%', 24), (v) => {
      const viaRegex = v.replace(original, (_m, _k, key, flags, width, prec, conv) => show(key, flags, width, prec, conv));
      expect(replacePercentDirectives(v, (...g) => show(...g))).toBe(viaRegex);
    }), { numRuns: 20000 });
    expect(timed(() => replacePercentDirectives('*%('.repeat(BIG / 4) + ' E)' + '0'.repeat(BIG / 4) + ')E', () => ''))).toBeLessThan(BOUND_MS);
  });

  it('trailing and surrounding runs of characters', () => {
    for (const [chars, original] of [['/', /\/+$/], [' \t', /[ \t]+$/]] as Array<[string, RegExp]>) {
      fc.assert(fc.property(textOf(`${chars}ax\n`), (v) => {
        expect(trimEndChars(v, chars)).toBe(v.replace(original, ''));
      }), { numRuns: 3000 });
      expect(timed(() => trimEndChars(chars[0]!.repeat(BIG) + 'x' + chars[0]!, chars))).toBeLessThan(BOUND_MS);
    }
    fc.assert(fc.property(textOf('_ax'), (v) => {
      expect(trimChars(v, '_')).toBe(v.replace(/^_+|_+$/g, ''));
    }), { numRuns: 3000 });
    expect(timed(() => trimChars('x' + '_'.repeat(BIG) + 'x_', '_'))).toBeLessThan(BOUND_MS);
  });

  it('cutting at a character to the end of the text', () => {
    fc.assert(fc.property(textOf(':ax\n\r\u2028'), (v) => {
      expect(cutFromFirst(v, ':')).toBe(v.replace(/:.*$/, ''));
    }), { numRuns: 5000 });
    fc.assert(fc.property(textOf(' \t#ax\n\r'), (v) => {
      expect(cutSpacedHashComment(v)).toBe(v.replace(/\s#.*$/, ''));
    }), { numRuns: 5000 });
    expect(timed(() => cutFromFirst(':'.repeat(BIG) + '\n:', ':'))).toBeLessThan(BOUND_MS);
    expect(timed(() => cutSpacedHashComment('\t#'.repeat(BIG) + '\n#'))).toBeLessThan(BOUND_MS);
  });

  it('short option clusters (-c, -xv ...)', () => {
    const cases: Array<[RegExp, (w: string) => boolean, string]> = [
      [/^-[a-z]*c[a-z]*$/, (w) => /^-[a-z]*$/.test(w) && w.includes('c'), '-acC0'],
      [/^-[a-zA-Z]*v[a-zA-Z]*$/, (w) => /^-[a-zA-Z]*$/.test(w) && w.includes('v'), '-avV0'],
      [/^-\w*c\w*$/, (w) => /^-\w*$/.test(w) && w.includes('c'), '-ac_0 '],
    ];
    for (const [original, linear, alphabet] of cases) {
      fc.assert(fc.property(textOf(alphabet, 8), (w) => {
        expect(linear(w)).toBe(original.test(w));
      }), { numRuns: 3000 });
      expect(timed(() => linear('-' + 'c'.repeat(BIG) + '\u0000'))).toBeLessThan(BOUND_MS);
    }
  });

  it('URL with a password', () => {
    const original = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i;
    const parts = fc.array(fc.constantFrom('a', 'B', '+', '://', ':', '/', '@', ' ', 'u', 'p', '1', '\n'), { maxLength: 14 }).map((a) => a.join(''));
    fc.assert(fc.property(parts, (v) => {
      expect(urlHasPassword(v)).toBe(original.test(v));
    }), { numRuns: 5000 });
    expect(timed(() => urlHasPassword('A://' + ':+'.repeat(BIG)))).toBeLessThan(BOUND_MS);
  });

  it('line-anchored keys in a whole file (backups, nginx templates)', () => {
    const pairs: Array<[RegExp, RegExp, string]> = [
      [/^\s*kind:\s*CronJob\b/m, /^[^\S\n\r\u2028\u2029]*kind:\s*CronJob\b/m, ' \t\n\rkind:CronJobx\u2028'],
      [/^\s*schedule\s*:/m, /^[^\S\n\r\u2028\u2029]*schedule\s*:/m, ' \t\n\rschedule:x\u2028'],
      [/(?:^|\n)\s*server\s*\{/, /(?:^|\n)[^\S\n]*server\s*\{/, ' \t\n\rserver{x'],
      [/(?:^|\n)\s*(?:server|upstream|location\s+\S+)\s*\{/, /(?:^|\n)[^\S\n]*(?:server|upstream|location\s+\S+)\s*\{/, ' \t\n\rserver{location/x'],
    ];
    for (const [original, linear, alphabet] of pairs) {
      const words = fc.array(fc.constantFrom(...alphabet.split(''), 'kind:', 'CronJob', 'schedule', 'server', 'upstream', 'location'), { maxLength: 16 }).map((a) => a.join(''));
      fc.assert(fc.property(words, (t) => {
      expect(linear.test(t)).toBe(original.test(t));
    }), { numRuns: 3000 });
      expect(timed(() => linear.test('\n'.repeat(BIG) + '{\n' + ' \t'.repeat(BIG)))).toBeLessThan(BOUND_MS);
    }
  });

  // Words a random text is built from, so that the random tests reach the regexes' branches.
  const textFrom = (words: string[], maxLength = 16) => fc.array(fc.constantFrom(...words), { maxLength }).map((a) => a.join(''));
  const found = (m: { index: number; 0: string } | null) => (m === null ? null : [m.index, m[0]]);

  it('GitHub Actions expressions and the references in them', () => {
    const original = /\$\{\{([\s\S]*?)\}\}/g;
    fc.assert(fc.property(textFrom(['${{', '$', '{', '}', '}}', ' a ', '\n']), (t) => {
      expect(expressions(t)).toEqual([...t.matchAll(original)].map((m) => ({ inner: m[1]!.trim(), from: m.index, to: m.index + m[0].length })));
    }), { numRuns: 5000 });
    const paths = /[A-Za-z_][\w-]*(?:\.[\w*-]+|\[[^\]]*\])+/g;
    fc.assert(fc.property(textOf('aZ_1-.*[] \'x', 30), (t) => {
      expect(dottedPaths(t)).toEqual([...t.matchAll(paths)].map((m) => m[0]));
    }), { numRuns: 20000 });
    expect(timed(() => expressions('${{'.repeat(BIG)))).toBeLessThan(BOUND_MS);
    expect(timed(() => dottedPaths('a-'.repeat(BIG)))).toBeLessThan(BOUND_MS);
    expect(timed(() => dottedPaths('a['.repeat(BIG)))).toBeLessThan(BOUND_MS);
    expect(timed(() => dottedPaths('a.'.repeat(BIG)))).toBeLessThan(BOUND_MS);
  });

  it('deploy commands: ssh, scp/rsync (GHA0.common)', () => {
    const ssh = /(?:^|[\s;&|(`])ssh\s+(?![^\n]*\bgit@github\.com)[^\s\n][^\n]*/m;
    const copy = /(?:^|[\s;&|(`])(?:scp|rsync)\s[^\n]*\s[\w.${}-]+@[\w.${}-]+:/m;
    fc.assert(fc.property(textFrom(['ssh', ' ', '\t', '\n', '\r', ';', '(', 'git@github.com', 'x', 'agit@github.com']), (t) => {
      expect(found(SSH_COMMAND.exec(t))).toEqual(found(ssh.exec(t)));
    }), { numRuns: 10000 });
    fc.assert(fc.property(textFrom(['scp', 'rsync', ' ', '\n', '\r', ';', 'u@h:', 'u', '@', ':', '${x}', 'x']), (t) => {
      expect(found(COPY_COMMAND.exec(t))).toEqual(found(copy.exec(t)));
    }), { numRuns: 10000 });
    expect(timed(() => SSH_COMMAND.exec('ssh\n' + '\t\r'.repeat(BIG)))).toBeLessThan(BOUND_MS);
    expect(timed(() => SSH_COMMAND.exec(' ssh x'.repeat(BIG / 6) + ' git@github.com'))).toBeLessThan(BOUND_MS);
    expect(timed(() => SSH_COMMAND.exec('x\n ssh x'.repeat(BIG / 8) + ' git@github.com'))).toBeLessThan(BOUND_MS);
    expect(timed(() => COPY_COMMAND.exec('@y:\rscp\r'.repeat(BIG / 8) + '@y:&scp\n\ty@$:'))).toBeLessThan(BOUND_MS);
    expect(timed(() => COPY_COMMAND.exec(' scp x'.repeat(BIG / 6)))).toBeLessThan(BOUND_MS);
    expect(timed(() => COPY_COMMAND.exec(' scp x\n'.repeat(BIG / 7)))).toBeLessThan(BOUND_MS);
  });

  it('migration checks (GHA0.common)', () => {
    const original = /manage\.py\s+makemigrations\b[^\n]*--check|manage\.py\s+migrate\b[^\n]*--(?:check|plan)\b|\bmakemigrations\b[^\n]*--check/;
    fc.assert(fc.property(textFrom(['manage.py', ' ', '\n', 'makemigrations', 'migrate', '--check', '--plan', '--planx', 'x', '-']), (t) => {
      expect(MIGRATION_CHECK.test(t)).toBe(original.test(t));
    }), { numRuns: 10000 });
    expect(timed(() => MIGRATION_CHECK.test('makemigrations '.repeat(BIG / 15)))).toBeLessThan(BOUND_MS);
    expect(timed(() => MIGRATION_CHECK.test('manage.py migrate '.repeat(BIG / 18)))).toBeLessThan(BOUND_MS);
    expect(timed(() => MIGRATION_CHECK.test('manage.py' + ' '.repeat(BIG) + 'x'))).toBeLessThan(BOUND_MS);
  });

  it("fetching the pull request's code in a shell step (GHA005)", () => {
    const original = /\bgh\s+pr\s+checkout\b|\bgit\s+(?:fetch|checkout|switch|pull)\b[^\n]*(?:refs\/pull\/|\$\{\{[^}]*(?:head\.sha|head\.ref|head_ref|head_sha|head_branch|merge_commit_sha)[^}]*\}\})/;
    fc.assert(fc.property(textFrom(['git', ' ', 'fetch', 'pull', 'gh pr checkout', 'refs/pull/', '${{', '}}', '}', 'head.sha', 'head_ref', 'x', '\n']), (t) => {
      expect(found(SHELL_CHECKOUT.exec(t))).toEqual(found(original.exec(t)));
    }), { numRuns: 20000 });
    expect(timed(() => SHELL_CHECKOUT.exec('git fetch ${{ '.repeat(BIG / 14)))).toBeLessThan(BOUND_MS);
    expect(timed(() => SHELL_CHECKOUT.exec('git fetch ${{ head.sha\n'.repeat(BIG / 23)))).toBeLessThan(BOUND_MS);
    expect(timed(() => SHELL_CHECKOUT.exec('git fetch x\n'.repeat(BIG / 12) + '}'))).toBeLessThan(BOUND_MS);
  });

  it('shell tracing (GHA006)', () => {
    const original = /(?:^|[\s;&|])set\s+-[a-wyz]*x[a-z]*\b|(?:^|[\s;&|])set\s+-o\s+xtrace\b|\bbash\s+-[a-z]*x[a-z]*\b/m;
    fc.assert(fc.property(textFrom(['set', 'bash', ' ', '\n', '-', 'x', 'e', '0', '-o', 'xtrace', ';']), (t) => {
      expect(found(XTRACE.exec(t))).toEqual(found(original.exec(t)));
    }), { numRuns: 10000 });
    expect(timed(() => XTRACE.exec('bash\n-c' + 'x'.repeat(BIG) + '0'))).toBeLessThan(BOUND_MS);
  });

  it('deploy-time placeholders in an image (K8S004)', () => {
    const original = /\$\{|\$\(|\{\{|<[^>]*>|%\w+%|__\w+__|^\$\w+/;
    fc.assert(fc.property(textOf('<>${}(%_a0 :'), (t) => {
      expect(K8S_IMAGE_VARIABLE.test(t)).toBe(original.test(t));
    }), { numRuns: 10000 });
    expect(timed(() => K8S_IMAGE_VARIABLE.test('{' + '_0__%<'.repeat(BIG / 6) + '__0__%'))).toBeLessThan(BOUND_MS);
  });

  it('Dockerfile: variables in exec form (DKR016), cache mounts (DKR006)', () => {
    const variable = /\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+=-][^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)/;
    fc.assert(fc.property(textOf('${}Az_0:-+= x'), (w) => {
      expect(firstVariable(w)).toBe(variable.exec(w)?.[0]);
    }), { numRuns: 20000 });
    const cache = /target=[^,]*(?:pip|\.cache)/;
    fc.assert(fc.property(textFrom(['target=', ',', 'pip', '.cache', 'cache', '/', 'x', '=']), (m) => {
      expect(cacheTarget(m)).toBe(cache.test(m));
    }), { numRuns: 5000 });
    expect(timed(() => firstVariable('${A+'.repeat(BIG / 4)))).toBeLessThan(BOUND_MS);
    expect(timed(() => firstVariable('${A' + 'A'.repeat(BIG) + ' '))).toBeLessThan(BOUND_MS);
    expect(timed(() => cacheTarget('target='.repeat(BIG / 7)))).toBeLessThan(BOUND_MS);
  });

  it('Redis configuration mounts (CMP011)', () => {
    const original = /(?:redis|valkey|keydb)[^/]*\.conf$|users\.acl$|\/usr\/local\/etc\/redis\/?$/;
    fc.assert(fc.property(textFrom(['redis', 'valkey', 'keydb', '/', '.conf', 'users.acl', '/usr/local/etc/redis', '.', 'x', '\n']), (t) => {
      expect(redisConfigTarget(t)).toBe(original.test(t));
    }), { numRuns: 10000 });
    expect(timed(() => redisConfigTarget('redis'.repeat(BIG / 5) + 'x'))).toBeLessThan(BOUND_MS);
  });

  it('Django: sender address (DJ116), health-check routes (DJ128)', () => {
    const address = /<([^>]*)>\s*$/;
    fc.assert(fc.property(textOf('<>a@ \n\t\u2028'), (v) => {
      expect(bracketed(v)).toBe(address.exec(v)?.[1]);
    }), { numRuns: 10000 });
    const health = /(?:^|[/^])(?:[\w-]*[-_])?(?:health|healthz|healthcheck|health-check|health_check|ping|ready|readyz|readiness|live|livez|liveness|status|heartbeat|alive)(?:[-_][\w-]*)?(?:\/|\$|$)/i;
    fc.assert(fc.property(textFrom(['health', 'Health', 'z', 'check', 'ping', '-', '_', '/', '^', '$', 'x', '.', '<', '>', '\n']), (r) => {
      expect(hasHealthSegment(r)).toBe(health.test(r));
    }), { numRuns: 20000 });
    expect(timed(() => bracketed('<'.repeat(BIG) + 'x>'))).toBeLessThan(BOUND_MS);
    expect(timed(() => bracketed('<'.repeat(BIG) + '> x'))).toBeLessThan(BOUND_MS);
    expect(timed(() => hasHealthSegment('/' + 'a-'.repeat(BIG / 2) + '!'))).toBeLessThan(BOUND_MS);
    expect(timed(() => hasHealthSegment('/' + 'health-'.repeat(BIG / 7) + '!'))).toBeLessThan(BOUND_MS);
  });

  const groups = (m: RegExpExecArray | RegExpMatchArray | null) => (m === null ? null : [m.index, ...m]);

  it('launch scripts: dropping privileges, waiting for dependencies', () => {
    const drops = /\b(?:gosu|su-exec|setpriv|runuser|chpst\s+-u|s6-setuidgid|setuidgid)\b|\bsu\b[^\n]*\s-c\b|\bexec\s+su\b/;
    fc.assert(fc.property(textFrom(['su', ' ', '\n', '\t', '-c', '-', 'c', 'x', 'gosu', 'exec', 'su-exec']), (t) => {
      expect(DROPS_PRIVILEGES.test(t)).toBe(drops.test(t));
    }), { numRuns: 10000 });
    const waits = /\buntil\b[^\n]*;\s*do\b|\bwhile\s+!\s|\bwaiting for (?:the )?(?:db|database|postgres(?:ql)?|mysql|mariadb|redis|rabbitmq|broker)\b|\bpg_isready\b|wait-for(?:-it)?\b|\bwait_for\w*|\bdockerize\b[^\n]*-wait\b|\bnc\s+-z\b|\bmysqladmin\b[^\n]*\bping\b|\bredis-cli\b[^\n]*\bping\b|psycopg2?\.connect|\bwait_for_db\b|\bwaitforit\b|\bsuccessfully\s+connected\b/i;
    fc.assert(fc.property(textFrom(['until', 'UNTIL', ';', ' ', '\n', 'do', 'done', 'dockerize', '-wait', 'mysqladmin', 'redis-cli', 'ping', 'xping', 'x', 'while ! ']), (t) => {
      expect(WAITS.test(t)).toBe(waits.test(t));
    }), { numRuns: 10000 });
    expect(timed(() => DROPS_PRIVILEGES.test('c\u0000su-'.repeat(BIG / 5)))).toBeLessThan(BOUND_MS);
    expect(timed(() => WAITS.test('N' + 'W\tDOCKERIZE._'.repeat(BIG / 13) + '\n'))).toBeLessThan(BOUND_MS);
    expect(timed(() => WAITS.test('until x '.repeat(BIG / 8)))).toBeLessThan(BOUND_MS);
    expect(timed(() => WAITS.test('until ;\n'.repeat(BIG / 8)))).toBeLessThan(BOUND_MS);
  });

  it('backing services: Celery modules and calls, URLs with ${...}', () => {
    const celery = /celery[\w]*\.py$/i;
    fc.assert(fc.property(textFrom(['celery', 'CELERY', '.py', '.PY', '/', '_', 'x', '.', '-']), (p) => {
      expect(celeryModule(p)).toBe(celery.test(p));
    }), { numRuns: 10000 });
    const call = /\.config_from_object\(([^)]*)\)/g;
    fc.assert(fc.property(textFrom(['.config_from_object(', '(', ')', 'x', "'s'", '\n']), (t) => {
      expect(configFromObjectCalls(t).map((m) => [m.index, m[0], m[1]])).toEqual([...t.matchAll(call)].map((m) => [m.index, m[0], m[1]]));
    }), { numRuns: 5000 });
    const braced = /\$\{[^}]*\}/g;
    fc.assert(fc.property(textOf('${}a:?\n'), (t) => {
      expect(replaceBraced(t, '$V')).toBe(t.replace(braced, '$V'));
    }), { numRuns: 5000 });
    const url = /[a-z][a-z0-9+.-]*:\/\/(?:([^@/?#\s]*)@)?([^/?#\s]*)[^?#\s]*(\?[^#\s]*)?/i;
    fc.assert(fc.property(textFrom(['a', 'Z', '1', '+', '.', '-', ':', '://', '/', '@', '?', '#', ' ', 'u:p@h', '$V']), (t) => {
      const m = url.exec(t);
      expect(urlParts(t)).toEqual(m === null ? null : [m[0], m[1], m[2], m[3]]);
    }), { numRuns: 20000 });
    expect(timed(() => celeryModule('CELERY'.repeat(BIG / 6) + '.CELERY.PY'))).toBeLessThan(BOUND_MS);
    expect(timed(() => configFromObjectCalls('.config_from_object('.repeat(BIG / 20)))).toBeLessThan(BOUND_MS);
    expect(timed(() => replaceBraced('${'.repeat(BIG), '$V'))).toBeLessThan(BOUND_MS);
    expect(timed(() => urlParts('A'.repeat(BIG)))).toBeLessThan(BOUND_MS);
    expect(timed(() => urlParts('1://'.repeat(BIG / 4)))).toBeLessThan(BOUND_MS);
  });

  it('environment reads: star imports, call names', () => {
    const original = /^[ \t]*from[ \t]+(\.*)([A-Za-z_][\w.]*)?[ \t]+import[ \t]+\*/gm;
    fc.assert(fc.property(textFrom(['from', 'import', ' ', '\t', '\n', '.', 'x', 'a.b', '*', '_']), (t) => {
      const seen = [...t.matchAll(STAR_IMPORT)].map((m) => [m.index, m[0], m[1] ?? '', m[2]]);
      expect(seen).toEqual([...t.matchAll(original)].map((m) => [m.index, m[0], m[1], m[2]]));
    }), { numRuns: 20000 });
    fc.assert(fc.property(textOf('ab \t\n\u00a0\u3000'), (name) => {
      const call = `${name}(`;
      expect(call.slice(0, -1).trimEnd()).toBe(call.replace(/\s*\($/, ''));
    }), { numRuns: 3000 });
    expect(timed(() => [...('from\t' + '\t'.repeat(BIG) + 'from\tt\timport\t*\nfrom\t\timport\t*').matchAll(STAR_IMPORT)])).toBeLessThan(BOUND_MS);
    expect(timed(() => [...('from' + ' '.repeat(BIG) + 'x').matchAll(STAR_IMPORT)])).toBeLessThan(BOUND_MS);
  });

  it('nginx: server-block include directories, `nginx -T` file markers', () => {
    const collection = (p: string) => /(?:^|\/)(?:sites-enabled|sites-available|conf\.d|vhosts?\.d|vhosts|servers|http\.d)\/[^/]*[*?[][^/]*$/.test(p) || /(?:^|\/)(?:sites-enabled|vhosts)\/\*?$/.test(p);
    fc.assert(fc.property(textFrom(['sites-enabled', 'conf.d', 'vhost.d', 'vhosts', '/', '*', '?', '[', 'x', '.conf', '\n']), (p) => {
      expect(isServerCollection(p)).toBe(collection(p));
    }), { numRuns: 10000 });
    const marker = /^# configuration file (\/[^\r\n]*?):[ \t]*\r?$/gm;
    fc.assert(fc.property(textFrom(['# configuration file /', 'a', ':', ' ', '\t', '\r', '\n', '\u2028', '/x:']), (t) => {
      expect(configurationMarkers(t).map((m) => [m.index, m[0], m[1]])).toEqual([...t.matchAll(marker)].map((m) => [m.index, m[0], m[1]]));
    }), { numRuns: 20000 });
    expect(timed(() => isServerCollection('conf.d/' + '*'.repeat(BIG) + '/'))).toBeLessThan(BOUND_MS);
    expect(timed(() => isServerCollection('/conf.d'.repeat(BIG / 7) + '/x'))).toBeLessThan(BOUND_MS);
    expect(timed(() => configurationMarkers('# configuration file / '.repeat(BIG / 23) + 'f\n# configuration file /:'))).toBeLessThan(BOUND_MS);
    expect(timed(() => configurationMarkers('# configuration file /' + ': '.repeat(BIG / 2) + 'x'))).toBeLessThan(BOUND_MS);
    expect(timed(() => configurationMarkers('# configuration file /a\u2028'.repeat(BIG / 24)))).toBeLessThan(BOUND_MS);
  });

  it('backup commands', () => {
    const original = /\b(?:pg_dump(?:all)?|pg_basebackup|mysqldump|mariadb-dump|mongodump|dbbackup|pgbackrest|barman|wal-g|restic\s+backup|borg\s+create|backup[\w.-]*\.sh|db[-_]?backup|backup[-_]?db|backup[-_]?database|postgres-backup)\b/i;
    const words = textFrom(['backup', 'BACKUP', '.sh', '.SH', '.', '-', '_', 'x', ' ', 'db', 'Exec', 'ExecStart', '=', '\n', 'pg_dump']);
    fc.assert(fc.property(words, (t) => {
      expect(BACKUP_COMMAND.test(t)).toBe(original.test(t));
    }), { numRuns: 20000 });
    const exec = new RegExp(`^\\s*Exec\\w*\\s*=.*(?:${original.source})`, 'i');
    fc.assert(fc.property(words, (t) => {
      expect(EXEC_BACKUP.test(t)).toBe(exec.test(t));
    }), { numRuns: 20000 });
    expect(timed(() => BACKUP_COMMAND.test('P.BACKUP.'.repeat(BIG / 9) + '\u0000'))).toBeLessThan(BOUND_MS);
    expect(timed(() => EXEC_BACKUP.test('ExecStart=' + 'backup.'.repeat(BIG / 7)))).toBeLessThan(BOUND_MS);
  });

  it('Python str.format field names', () => {
    const head = /^([^.[]*)(.*)$/;
    const parts = /\[([^\]]*)\]|\.(\w+)/g;
    fc.assert(fc.property(textOf('a0.[]_\n '), (f) => {
      const m = f.match(head);
      expect(fieldPath(f)).toEqual(m === null ? undefined : [m[1], [...m[2]!.matchAll(parts)].map((p) => p[1])]);
    }), { numRuns: 20000 });
    expect(timed(() => fieldPath('\u0000'.repeat(BIG) + '.\n'))).toBeLessThan(BOUND_MS);
    expect(timed(() => fieldPath('x' + '['.repeat(BIG) + '.0'))).toBeLessThan(BOUND_MS);
  });

  it('dotenv (npm) lines: no rescanning of blank lines', () => {
    const original = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$/dgm;
    const all = (re: RegExp, t: string) => {
      const out: unknown[] = [];
      re.lastIndex = 0;
      for (let m = re.exec(t); m; m = re.exec(t)) {
        out.push([m.index, ...m, m.indices]);
        if (m[0].length === 0) re.lastIndex++;
      }
      return out;
    };
    const viaNext = (t: string) => {
      const out: unknown[] = [];
      for (let m = nextNpmLine(t, 0); m; m = nextNpmLine(t, m.index + Math.max(1, m[0].length))) out.push([m.index, ...m, m.indices]);
      return out;
    };
    fc.assert(fc.property(textFrom(['A', 'export ', '=', ':', ' ', '\t', '\n', '\r', "'", '"', '`', '#', 'x', '\\', '\u2028', '\n\n', ' \n'], 24), (t) => {
      expect(viaNext(t)).toEqual(all(original, t));
    }), { numRuns: 30000 });
    expect(timed(() => viaNext('\n \n'.repeat(BIG / 3)))).toBeLessThan(BOUND_MS);
    expect(timed(() => viaNext('A\n\n'.repeat(BIG / 3)))).toBeLessThan(BOUND_MS);
    expect(timed(() => viaNext('A=\n\n\n'.repeat(BIG / 5)))).toBeLessThan(BOUND_MS);
    expect(timed(() => viaNext('x' + '\n'.repeat(BIG)))).toBeLessThan(BOUND_MS);
  });

  it('dotenv (npm) quoted values', () => {
    const original = /^(['"`])([\s\S]*)\1$/gm;
    fc.assert(fc.property(textOf('\'"`a\n\r\u2028'), (t) => {
      expect(unquoteLines(t)).toBe(t.replace(original, '$2'));
    }), { numRuns: 20000 });
    expect(timed(() => unquoteLines('"\u0000\u0000\n'.repeat(BIG / 4)))).toBeLessThan(BOUND_MS);
  });

  it('requirements: string literals in setup.py, version clauses', () => {
    const lit = /(['"])((?:\\.|(?!\1)[^\\\r\n])*)\1|#[^\r\n]*/g;
    const viaRegex = (t: string, from: number, to: number) => {
      const out: unknown[] = [];
      lit.lastIndex = from;
      for (let m = lit.exec(t); m && m.index < to; m = lit.exec(t)) out.push([m.index, m[0], m[1], m[2]]);
      return out;
    };
    fc.assert(fc.property(textOf('\'"\\#a\n\r\u2028', 30), fc.nat(30), fc.nat(30), (t, a, b) => {
      expect(pyLiterals(t, a, b).map((m) => [m.index, m[0], m[1], m[2]])).toEqual(viaRegex(t, a, b));
    }), { numRuns: 30000 });
    const clause = /^(===|==|~=|>=|<=|!=|>|<|\^|~)?\s*(.+)$/;
    fc.assert(fc.property(textOf('=~><!^ \t\n1.*'), (c) => {
      expect(groups(CLAUSE.exec(c.trim()))).toEqual(groups(clause.exec(c.trim())));
    }), { numRuns: 20000 });
    expect(timed(() => pyLiterals('"' + '\\"'.repeat(BIG) + '\\', 0, BIG))).toBeLessThan(BOUND_MS);
    expect(timed(() => pyLiterals('"\''.repeat(BIG), 0, 2 * BIG))).toBeLessThan(BOUND_MS);
    expect(timed(() => CLAUSE.exec('^' + '\t'.repeat(BIG) + '\nx\n1'))).toBeLessThan(BOUND_MS);
  });

  it('systemd: ${NAME} in command lines, .include', () => {
    const variables = /\$(?:\$|\{([^}]*)\})/g;
    fc.assert(fc.property(textOf('${}a'), (t) => {
      expect(variablesIn(t)).toEqual([...t.matchAll(variables)].filter((m) => m[1] !== undefined).map((m) => m[1]));
    }), { numRuns: 10000 });
    const include = /^\.include[ \t]+(.*)$/;
    fc.assert(fc.property(textFrom(['.include', ' ', '\t', 'x', '\n', '/a']), (t) => {
      expect(groups(INCLUDE.exec(t))).toEqual(groups(include.exec(t)));
    }), { numRuns: 10000 });
    expect(timed(() => variablesIn('${'.repeat(BIG) + '$$'))).toBeLessThan(BOUND_MS);
    expect(timed(() => INCLUDE.exec('.include\t' + '\t'.repeat(BIG) + '\n'))).toBeLessThan(BOUND_MS);
  });

  it('uWSGI placeholders', () => {
    const original = /%\([^)]*\)|\$\([^)]*\)|@\([^)]*\)|%[A-Za-z0-9]|%\[[^\]]*\]/g;
    const by = (m: string) => `<${m}>`;
    fc.assert(fc.property(textOf('%$@()[]a0 '), (t) => {
      expect(replaceUwsgiPlaceholders(t, by)).toBe(t.replace(original, by));
    }), { numRuns: 20000 });
    expect(timed(() => replaceUwsgiPlaceholders('@('.repeat(BIG), by))).toBeLessThan(BOUND_MS);
    expect(timed(() => replaceUwsgiPlaceholders('%['.repeat(BIG), by))).toBeLessThan(BOUND_MS);
  });
});
