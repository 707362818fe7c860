/**
 * Literal regexes recheck finds super-linear (test/regex-linear.test.ts) that are still in the code,
 * keyed by "file /pattern/flags", with why each is tolerated:
 * - "bounded: ...": its input cannot be long;
 * - "pending": a known gap of issue 7, super-linear (mostly quadratic) on a long value or line from a
 *   repository file; to be rewritten like the regexes the test already compares (hand-written scans,
 *   a lookbehind that starts a run only once, a line-bound class instead of \s).
 * The list only shrinks: a regex that is not on it must be linear, and an entry whose regex is gone
 * fails the test until it is removed.
 */
export const KNOWN_SUPERLINEAR: ReadonlyMap<string, string> = new Map([
  ["rules/systemd/SYS017-ignored-setting.ts /in section \\[([^\\]]+)\\]/", "bounded: a message the unit parser wrote (one section name)"],
  ["src/cli/main.ts /\\d+$/", "bounded: a rule id typed on the command line"],
  ["src/engine/registry.ts /^[A-Z]+\\d+[-\\w]*\\.(?:ts|js)$/", "bounded: the names of the tool's own rule files"],
  ["src/model/containers/analyse.ts /\\b(?:gosu|su-exec|setpriv|runuser|chpst\\s+-u|s6-setuidgid|setuidgid)\\b|\\bsu\\b[^\\n]*\\s-c\\b|\\bexec\\s+su\\b/", "pending"],
  ["src/model/containers/analyse.ts /\\buntil\\b[^\\n]*;\\s*do\\b|\\bwhile\\s+!\\s|\\bwaiting for (?:the )?(?:db|database|postgres(?:ql)?|mysql|mariadb|redis|rabbitmq|broker)\\b|\\bpg_isready\\b|wait-for(?:-it)?\\b|\\bwait_for\\w*|\\bdockerize\\b[^\\n]*-wait\\b|\\bnc\\s+-z\\b|\\bmysqladmin\\b[^\\n]*\\bping\\b|\\bredis-cli\\b[^\\n]*\\bping\\b|psycopg2?\\.connect|\\bwait_for_db\\b|\\bwaitforit\\b|\\bsuccessfully\\s+connected\\b/i", "pending"],
  ["src/model/deployment/backing.ts /[a-z][a-z0-9+.-]*:\\/\\/(?:([^@/?#\\s]*)@)?([^/?#\\s]*)[^?#\\s]*(\\?[^#\\s]*)?/i", "pending"],
  ["src/model/deployment/backing.ts /\\$\\{[^}]*\\}/g", "pending"],
  ["src/model/deployment/backing.ts /\\.config_from_object\\(([^)]*)\\)/g", "pending"],
  ["src/model/deployment/backing.ts /\\/+$/", "pending"],
  ["src/model/deployment/backing.ts /celery[\\w]*\\.py$/i", "pending"],
  ["src/model/deployment/container-fs.ts /\\/+$/", "pending"],
  ["src/model/deployment/env-usage.ts /\\s*\\($/", "pending"],
  ["src/model/deployment/env-usage.ts /^[ \\t]*from[ \\t]+(\\.*)([A-Za-z_][\\w.]*)?[ \\t]+import[ \\t]+\\*/gm", "pending"],
  ["src/model/nginx/effective.ts /(?:^|\\/)(?:sites-enabled|sites-available|conf\\.d|vhosts?\\.d|vhosts|servers|http\\.d)\\/[^/]*[*?[][^/]*$/", "pending"],
  ["src/model/scripts/backups.ts /\\b(?:pg_dump(?:all)?|pg_basebackup|mysqldump|mariadb-dump|mongodump|dbbackup|pgbackrest|barman|wal-g|restic\\s+backup|borg\\s+create|backup[\\w.-]*\\.sh|db[-_]?backup|backup[-_]?db|backup[-_]?database|postgres-backup)\\b/i", "pending"],
  ["src/model/secrets/detect.ts /\\b([a-z][a-z0-9+.-]{1,20}):\\/\\/([^\\s:@/'\"<>`]{0,128}):([^\\s@/'\"<>`]{1,256})@([^\\s/'\"<>:`?#]{1,253})/gi", "pending"],
  ["src/model/settings/env-libs.ts /\\/+$/", "bounded: the evaluator's own deploy root (/app)"],
  ["src/model/settings/format.ts /\\.?0+$/", "bounded: a number as toFixed/toExponential wrote it (at most ~120 characters)"],
  ["src/model/settings/format.ts /\\[([^\\]]*)\\]|\\.(\\w+)/g", "pending"],
  ["src/model/settings/format.ts /^([^.[]*)(.*)$/", "pending"],
  ["src/model/settings/interpreter.ts /\\/+$/", "bounded: the evaluator's own deploy root (/app)"],
  ["src/model/settings/literals.ts /['\"]+$/", "bounded: a string literal's opening token (prefix letters and quotes)"],
  ["src/parse/dotenv.ts /^(['\"`])([\\s\\S]*)\\1$/gm", "pending"],
  ["src/parse/nginx/dump.ts /^# configuration file (\\/[^\\r\\n]*?):[ \\t]*\\r?$/gm", "pending"],
  ["src/parse/pm2.ts /\\s*\\(\\d+:\\d+\\)$/", "bounded: @babel/parser's error message"],
  ["src/parse/requirements.ts /(['\"])((?:\\\\.|(?!\\1)[^\\\\\\r\\n])*)\\1|#[^\\r\\n]*/g", "pending"],
  ["src/parse/requirements.ts /-\\d.*$/", "bounded: an egg name ([A-Za-z0-9._-]*), which holds no line break, so the first -digit matches"],
  ["src/parse/requirements.ts /^(===|==|~=|>=|<=|!=|>|<|\\^|~)?\\s*(.+)$/", "pending"],
  ["src/parse/systemd/exec.ts /\\$(?:\\$|\\{([^}]*)\\})/g", "pending"],
  ["src/parse/systemd/unit.ts /^\\.include[ \\t]+(.*)$/", "pending"],
  ["src/parse/uwsgi/ini.ts /%\\([^)]*\\)|\\$\\([^)]*\\)|@\\([^)]*\\)|%[A-Za-z0-9]|%\\[[^\\]]*\\]/g", "pending"],
  ["src/report/common.ts /\\/+$/", "bounded: the audited root path (a file-system path, at most PATH_MAX)"],
  ["src/report/rule-docs.ts /\\d+$/", "bounded: the tool's own rule ids"],
]);
