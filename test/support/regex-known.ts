/**
 * Literal regexes recheck finds super-linear (test/regex-linear.test.ts) that are still in the code,
 * keyed by "file /pattern/flags", with why each is tolerated:
 * "bounded: ...": its input cannot be long, or (detect.ts) its runs are capped. No regex is "pending"
 * any more: the quadratic ones were rewritten (hand-written scans, a lookbehind that starts a run only
 * once, a line-bound class instead of \s ...) and test/regex-linear.test.ts compares each rewrite with
 * its original regex. The list only shrinks: a regex that is not on it must be linear, and an entry whose regex is gone
 * fails the test until it is removed.
 */
export const KNOWN_SUPERLINEAR: ReadonlyMap<string, string> = new Map([
  ["rules/systemd/SYS017-ignored-setting.ts /in section \\[([^\\]]+)\\]/", "bounded: a message the unit parser wrote (one section name)"],
  ["src/cli/main.ts /\\d+$/", "bounded: a rule id typed on the command line"],
  ["src/engine/registry.ts /^[A-Z]+\\d+[-\\w]*\\.(?:ts|js)$/", "bounded: the names of the tool's own rule files"],
  ["src/model/secrets/detect.ts /\\b([a-z][a-z0-9+.-]{1,20}):\\/\\/([^\\s:@/'\"<>`]{0,128}):([^\\s@/'\"<>`]{1,256})@([^\\s/'\"<>:`?#]{1,253})/gi", "bounded: every run is capped ({1,20}, {0,128}, {1,256}, {1,253}) and stops at a character it excludes, so each start costs at most ~650 steps: linear with that constant (200,000 hostile characters take a few ms)"],
  ["src/model/settings/env-libs.ts /\\/+$/", "bounded: the evaluator's own deploy root (/app)"],
  ["src/model/settings/format.ts /\\.?0+$/", "bounded: a number as toFixed/toExponential wrote it (at most ~120 characters)"],
  ["src/model/settings/interpreter.ts /\\/+$/", "bounded: the evaluator's own deploy root (/app)"],
  ["src/model/settings/literals.ts /['\"]+$/", "bounded: a string literal's opening token (prefix letters and quotes)"],
  ["src/parse/pm2.ts /\\s*\\(\\d+:\\d+\\)$/", "bounded: @babel/parser's error message"],
  ["src/parse/requirements.ts /-\\d.*$/", "bounded: an egg name ([A-Za-z0-9._-]*), which holds no line break, so the first -digit matches"],
  ["src/report/rule-docs.ts /\\d+$/", "bounded: the tool's own rule ids"],
]);

/**
 * Regexes recheck cannot decide with the test's step limits (its verdicts do not depend on time), keyed
 * like KNOWN_SUPERLINEAR, with why each is linear. An undecided regex not listed here fails the test.
 */
export const KNOWN_UNDECIDED: ReadonlyMap<string, string> = new Map([]);
