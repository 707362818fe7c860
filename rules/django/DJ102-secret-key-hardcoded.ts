import { defineRule } from '../../src/engine/rule.js';
import type { PyValue } from '../../src/model/python-value.js';
import { pyLen, settingFact } from './DJ0.deploy-semantics.js';
import { DEPLOY_CHECKLIST, envReadsIn, plural, SETTINGS_DOCS } from './DJ1.production.js';

/** Words that mark a value someone meant to replace. Only used to word the message. */
const PLACEHOLDER = /change|replace|your[-_ ]?secret|secret[-_ ]?key|placeholder|dummy|example|insecure|not[-_ ]?secret|todo|fixme|x{4,}|^(?:secret|test|dev|key)$/i;

type Literal = { kind: 'str' | 'bytes'; value: string };

/** A key written in the source: a str/bytes value that no environment variable contributed to. */
function literalKey(v: PyValue): Literal | undefined {
  if ((v.kind === 'str' || v.kind === 'bytes') && v.value.length > 0 && envReadsIn(v).length === 0) return v;
  return undefined;
}

export default defineRule({
  meta: {
    id: 'DJ102',
    name: 'SecretKeyHardcoded',
    title: 'SECRET_KEY is written in the production settings source',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        'Reports a production SECRET_KEY that is a literal in the settings code rather than read from the environment, a secret store or a file outside the repository. It fires whatever the literal looks like: a strong-looking key in version control is as exposed as a placeholder.',
      whyIsThisBad:
        'Everyone who can read the repository, its forks, CI logs or a leaked copy has the key that signs sessions, password-reset tokens and signed cookies, and can forge them. A key in the source also cannot be rotated without a code change.',
      example: "SECRET_KEY = 'k7#p2...'",
      useInstead: "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']",
    },
    fix: 'Generate a new key (the committed one must be considered leaked), put it in the production environment or secret store, and read it with os.environ["DJANGO_SECRET_KEY"] (no default). Keep the old key in SECRET_KEY_FALLBACKS only as long as existing sessions must survive.',
    references: [`${SETTINGS_DOCS}#secret-key`, `${DEPLOY_CHECKLIST}#secret-key`],
    tags: ['django', 'security', 'secrets'],
  },
  scope: 'django',
  check(project, ctx) {
    const key = settingFact(project, 'SECRET_KEY');
    const v = key.binding?.value;
    if (!v) return;
    const alternatives = v.kind === 'unknown' ? v.alternatives ?? [] : [v];
    const literals = alternatives.map(literalKey);
    if (literals.length === 0 || literals.every((l) => l === undefined)) return;
    const first = literals.find((l) => l !== undefined)!;
    const looks = PLACEHOLDER.test(first.value) ? ', and it looks like a placeholder' : '';
    const where = `${key.span.file}:${key.span.start.line}`;
    if (v.kind === 'unknown') {
      ctx.unknown({
        message: `SECRET_KEY may be a literal written at ${where} (${plural(pyLen(first.value), 'character')}${looks}), depending on which branch runs`,
        span: key.span,
        variables: [...new Set(v.variables)].sort(),
        target: 'SECRET_KEY',
      });
      return;
    }
    ctx.report({
      message: `SECRET_KEY is a ${first.kind === 'bytes' ? 'bytes' : 'string'} literal of ${plural(pyLen(first.value), 'character')} written in ${where}${looks}: anyone who can read the repository can forge sessions, password-reset links and signed data`,
      span: key.span,
      target: 'SECRET_KEY',
    });
  },
});
