import { describe, expect, it } from 'vitest';
import { formatText } from '../src/report/text.js';
import { firstSentence } from '../src/report/common.js';
import { DB_PASSWORD, makeCleanResult, makeResult, ROOT, SECRET_KEY_VALUE, SECRETS, span } from './report-fixtures.js';

const ANSI = /\u001b\[/;

const EXPECTED = `Readiness: 12% — NOT READY (threshold 80%)
  3 failed · 1 unknown · 1 passed · 1 n/a · 1 silenced

Project
  .: acme.settings.production (acme/settings/production.py), Django 4.2
    settings chosen because DJANGO_SETTINGS_MODULE in acme/wsgi.py
    environment from deploy/my env/.env.production

acme/settings/production.py
  acme/settings/production.py:5:14  BLOCKER  DJ005  SECRET_KEY 'dj****op (46 chars)' is committed and starts with django-insecure-
      fix: Generate a new key with get_random_secret_key() and load it from the environment.
  acme/settings/production.py:12:1  BLOCKER  DJ018  DEBUG is True in acme.settings.production
      ↳ deploy/my env/.env.production:3:7 DEBUG=true set here
      fix: Set DEBUG = False in the production settings, e.g. from an environment variable.

deploy/my env/.env.production
  deploy/my env/.env.production:1:1  HIGH     EN003  deploy/my env/.env.production is committed and sets DATABASE_PASSWORD=hu****r2 (14 chars)
      fix: Remove the file from the repository and rotate its credentials.

Could not determine (1)
  acme/settings/production.py:30:1  HIGH     DJ012  SECURE_HSTS_SECONDS comes from HSTS_SECONDS, which no production source sets
      depends on: HSTS_SECONDS

Notices (3)
  too-large: media/dump.sql: skipped media/dump.sql (over 1048576 bytes)
  info: could not tell which settings module production uses in legacy
  encoding: acme/settings/base.py:7:3: invalid UTF-8 replaced

Checklist items not passed
  -25.0 pts  BLOCKER  DJ005  SECRET_KEY is weak or committed  [security]
  -25.0 pts  BLOCKER  DJ018  DEBUG is on in production  [security]
  -18.8 pts  HIGH     DJ012  HSTS is not enabled (could not determine)  [security]
  -18.8 pts  HIGH     EN003  A production .env file is committed  [configuration]
`;

describe('formatText', () => {
  it('prints the headline first, then findings by file, unknowns, notices and the costly items', () => {
    expect(formatText(makeResult(), { color: false, secrets: SECRETS })).toBe(EXPECTED);
  });

  it('never prints a known secret or the absolute root, with or without colour', () => {
    for (const color of [false, true]) {
      const out = formatText(makeResult(), { color, secrets: SECRETS });
      expect(out).not.toContain(SECRET_KEY_VALUE);
      expect(out).not.toContain(DB_PASSWORD);
      expect(out).not.toContain(ROOT);
    }
  });

  it('without the secrets list it still hides the root but prints what the rule wrote', () => {
    const out = formatText(makeResult(), { color: false });
    expect(out).toContain(SECRET_KEY_VALUE);
    expect(out).not.toContain(ROOT);
  });

  it('uses colour only when asked', () => {
    expect(formatText(makeResult(), { color: false })).not.toMatch(ANSI);
    const coloured = formatText(makeResult(), { color: true, secrets: SECRETS });
    expect(coloured).toMatch(ANSI);
    expect(coloured.startsWith('\u001b[1mReadiness: 12% — \u001b[31mNOT READY\u001b[39m (threshold 80%)')).toBe(true);
    // Stripping the escapes gives exactly the plain report.
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(EXPECTED);
  });

  it('is deterministic and independent of the input finding order', () => {
    const a = formatText(makeResult(), { color: true, secrets: SECRETS });
    const shuffled = makeResult();
    shuffled.findings.reverse();
    shuffled.notices = [...shuffled.notices];
    expect(formatText(shuffled, { color: true, secrets: SECRETS })).toBe(a);
  });

  it('a clean run says READY, lists no findings and says when no project was found', () => {
    expect(formatText(makeCleanResult(), { color: false })).toBe(
      'Readiness: 100% — READY (threshold 80%)\n  0 failed · 0 unknown · 2 passed · 1 n/a\n\nNo Django project found.\n',
    );
  });

  it('prints n/a and NO DATA when nothing applies', () => {
    const r = makeCleanResult();
    r.readiness = { ...r.readiness, score: null, status: 'NO DATA', counts: { pass: 0, fail: 0, unknown: 0, na: 3, silenced: 0 } };
    expect(formatText(r, { color: false }).split('\n')[0]).toBe('Readiness: n/a — NO DATA (threshold 80%)');
  });

  it('names a notice file once when its message starts with it', () => {
    const r = makeResult();
    r.notices = [
      { kind: 'unreadable', file: 'static/app.js', message: 'static/app.js: symbolic link cannot be resolved (ENOENT); skipped' },
      { kind: 'info', file: 'gunicorn.conf.py', span: span('gunicorn.conf.py', 3, 1, 3, 9, 40), message: 'gunicorn.conf.py: name x is not defined' },
      { kind: 'info', file: 'deploy/site.conf', message: 'deploy/site.conf.bak is not read' },
    ];
    const block = formatText(r, { color: false }).split('\n').filter((l) => l.startsWith('  unreadable:') || l.startsWith('  info:'));
    expect(block).toEqual([
      '  unreadable: static/app.js: symbolic link cannot be resolved (ENOENT); skipped',
      '  info: gunicorn.conf.py:3:1: name x is not defined',
      '  info: deploy/site.conf: deploy/site.conf.bak is not read',
    ]);
  });

  it('marks an assumed Django version', () => {
    const r = makeResult();
    r.projects[0] = { ...r.projects[0]!, djangoVersion: '5.2', djangoVersionAssumed: true, envSources: [] };
    const lines = formatText(r, { color: false }).split('\n');
    expect(lines[4]).toBe('  .: acme.settings.production (acme/settings/production.py), Django 5.2 (assumed)');
    expect(lines[6]).toBe('');
  });
});

describe('firstSentence', () => {
  it('cuts at the first sentence end followed by a capital', () => {
    expect(firstSentence('Set DEBUG = False. Then redeploy.')).toBe('Set DEBUG = False.');
    expect(firstSentence('Use settings.DEBUG, e.g. from env. Done.')).toBe('Use settings.DEBUG, e.g. from env.');
    expect(firstSentence('  One line\n  wrapped here  ')).toBe('One line wrapped here');
    expect(firstSentence('Why? Because.')).toBe('Why?');
    expect(firstSentence('Set STATIC_ROOT (e.g. BASE_DIR / "x"), then run it. Later.')).toBe('Set STATIC_ROOT (e.g. BASE_DIR / "x"), then run it.');
    expect(firstSentence('Use a tracker, i.e. Sentry. Or mail.')).toBe('Use a tracker, i.e. Sentry.');
  });
});
