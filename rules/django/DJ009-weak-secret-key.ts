import { defineRule } from '../../src/engine/rule.js';
import {
  CHECKS_REFERENCE, DEPLOY_CHECKLIST, DJANGO_DOCS, judgeSecretKey, reportUndecided, settingFact, sourceNote, sourceRelated,
} from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ009',
    name: 'WeakSecretKey',
    title: 'SECRET_KEY is missing, short, repetitive or a startproject key',
    severity: 'blocker',
    section: 'security',
    docs: {
      whatItDoes:
        "Applies Django's security.W009 test to the production SECRET_KEY: it must be set and non-empty, have at least 50 characters and at least 5 distinct ones, and (Django 3.2+) not start with 'django-insecure-'.",
      whyIsThisBad:
        'The secret key signs sessions, password-reset links, CSRF tokens and everything passed through django.core.signing. A short, guessable or published key (such as the one startproject wrote into the repository) lets an attacker forge any of them and take over accounts.',
      example: "SECRET_KEY = 'django-insecure-3k$v0...'",
      useInstead: "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']  # 50+ random characters, kept out of the repository",
    },
    fix: "Generate a new key (python -c 'from django.core.management.utils import get_random_secret_key; print(get_random_secret_key())'), store it in the production environment or a secret store, and read it with os.environ['DJANGO_SECRET_KEY']. Rotate through SECRET_KEY_FALLBACKS if sessions must survive.",
    references: [`${DJANGO_DOCS}/ref/settings/#secret-key`, `${DEPLOY_CHECKLIST}#secret-key`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'secrets'],
    djangoCheck: 'security.W009',
  },
  scope: 'django',
  check(project, ctx) {
    const key = settingFact(project, 'SECRET_KEY');
    const value = key.value ?? { kind: 'str', value: '' };
    const verdict = judgeSecretKey(value, project, true);
    if (verdict.passes === true) return;
    if (verdict.passes === undefined) {
      if (value.kind === 'unknown') {
        reportUndecided({ ctx, question: 'whether SECRET_KEY is strong enough', facts: [key], target: 'SECRET_KEY', fallbackSpan: key.span });
      } else {
        ctx.unknown({ message: `Cannot tell whether Django accepts SECRET_KEY: it ${verdict.reason}`, span: key.span, variables: [], target: 'SECRET_KEY' });
      }
      return;
    }
    const message = key.binding
      ? `SECRET_KEY ${verdict.reason}${sourceNote(key.value, { secret: true })}: an attacker who can guess or read it can forge sessions, password-reset links and signed data`
      : 'SECRET_KEY is not set: Django raises ImproperlyConfigured as soon as it needs the key to sign sessions, CSRF tokens or password-reset links';
    ctx.report({
      message,
      span: key.span,
      target: 'SECRET_KEY',
      related: sourceRelated(key.value, { secret: true }),
    });
  },
});
