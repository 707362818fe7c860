import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeSourceText } from '../src/core/source.js';
import { runAudit } from '../src/cli/audit.js';
import { isSecretLikeName, looksRandom, TOKEN_FORMATS, URL_CREDENTIALS } from '../src/model/secrets/detect.js';
import { scanText } from '../src/model/secrets/scan.js';
import { makeScrubber } from '../src/report/redact.js';

const scan = (text: string, kind: Parameters<typeof scanText>[1] = 'dotenv', role: Parameters<typeof scanText>[2] = 'other') =>
  scanText(makeSourceText('f', text), kind, role).map((h) => `${h.kind}:${h.detector}@${h.span.start.line}:${h.span.start.column}`);

describe('secret detection', () => {
  it('finds token formats on their exact column', () => {
    expect(scan('A=1\nTOKEN="ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5"\n')).toEqual(['token:github-token@2:8']);
    expect(scan('key: AIzaSyB3kL9mP2qR7sT4vW8xY1zA5bC6dE0fG2h')).toEqual(['token:google-api-key@1:6']);
  });
  it('skips documentation examples, fillers and placeholders', () => {
    expect(scan('AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nT=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nSECRET_KEY=change-me\nAPI_KEY=${API_KEY}\nPASSWORD=<your-password>')).toEqual([]);
  });
  it('formats gated on their line (AWS secret keys, Twilio) need the line to say so; every match of a format is found', () => {
    const key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzK3pQ9vR2m'; // 40 characters
    // The scan first asks the whole text whether any line can say it: the answer must be the line's.
    expect(scan(`A=1\naws_secret_access_key = ${key}\n`)).toEqual(['token:aws-secret-access-key@2:25']);
    expect(scan(`A=1\nAWS_SECRET=${key}`)).toEqual(['token:aws-secret-access-key@2:12']);
    expect(scan(`A=1\nchecksum = ${key}\n# aws secret lives elsewhere\n`)).toEqual([]);
    expect(scan(`sid=SK0123456789abcdef0123456789abcdef\nTWILIO_KEY=SKa1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6`)).toEqual(['token:twilio-api-key@2:12']);
    expect(scan('T1=ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5\nT2=ghp_Zy8Xw7Vu6Ts5Rq4Po3Nm2Lk1Jh0Gf9Ed8Cb7\n')).toEqual(['token:github-token@1:4', 'token:github-token@2:4']);
  });
  it('URL passwords: placeholders, local development hosts and guessable passwords are left out', () => {
    expect(scan('DATABASE_URL=postgres://user:password@host/db\nR=redis://:${REDIS_PASSWORD}@redis:6379\nD=postgres://app:Kx7Lm2Pq9Rt4@localhost/db', 'dotenv', 'development')).toEqual([]);
    expect(scan('D=postgres://app:Kx7Lm2Pq9Rt4@db.corp.net/db')).toEqual(['url:postgres-url@1:18']);
  });
  it('f-string and str.format templates are not secrets: their fields are filled in at run time', () => {
    // lava-server's postinst.py writes its generated settings from f-strings like these.
    const py = 'GEN.write_text(\n    f\"\"\"\nSECRET_KEY: "{get_random_secret_key()}"\nPASSWORD: "{get_random_string()}"\nAPI_TOKEN = "{settings.API_TOKEN_VALUE}"\n\"\"\"\n)\n';
    expect(scan(py, 'other', 'other')).toEqual([]);
    expect(looksRandom('{get_random_secret_key()}')).toBe(false);
    expect(looksRandom('prefix-{token_value}-Kx7Lm2Pq9')).toBe(false);
    // Braces around what cannot be a Python name or call do not make a template.
    expect(looksRandom('q3Lk9vZ2{pR7t-X1mB8}nC4dF6h')).toBe(true);
    expect(looksRandom('q3Lk9vZ2{7tX1mB8}nC4dF6h')).toBe(true);
  });
  it('names and randomness', () => {
    expect(['SECRET_KEY', 'dbPassword', 'stripe.apiKey', 'GITHUB_TOKEN', 'client_secret'].every(isSecretLikeName)).toBe(true);
    expect(['PASSWORD_RESET_TIMEOUT', 'SECRET_KEY_FILE', 'AUTH_USER_MODEL', 'TOKEN_TTL', 'API_KEY_ID', 'CSRF_COOKIE_NAME'].some(isSecretLikeName)).toBe(false);
    expect(looksRandom('q3Lk9vZ2pR7tX1mB8nC4dF6h')).toBe(true);
    expect(looksRandom('django.contrib.auth.hashers')).toBe(false);
    expect(looksRandom('aaaaaaaaaaaaaaaaaaaaaaa')).toBe(false);
    expect(looksRandom(Buffer.from('changeme-please-now').toString('base64'))).toBe(false);
  });
  it('regular expressions stay linear on adversarial input', () => {
    const inputs = ['a'.repeat(200_000), 'postgres://' + ':'.repeat(100_000), 'x://' + 'a:'.repeat(50_000) + '@', 'AKIA'.repeat(50_000), 'SG.' + '_'.repeat(100_000)];
    const t0 = Date.now();
    for (const s of inputs) {
      for (const f of TOKEN_FORMATS) [...s.matchAll(f.pattern)];
      [...s.matchAll(URL_CREDENTIALS)];
      scanText(makeSourceText('f', s), 'docs', 'docs');
    }
    expect(Date.now() - t0).toBeLessThan(3000);
  });
  it('every secret found in a fixture is scrubbed from the whole JSON result', async () => {
    const result = await runAudit({ root: join(import.meta.dirname, '..', 'fixtures', 'sec-leaks') });
    const json = makeScrubber(result.secrets)(JSON.stringify({ findings: result.findings, notices: result.notices }));
    const ids = result.findings.filter((f) => f.ruleId.startsWith('SEC')).length;
    expect(ids).toBeGreaterThanOrEqual(9);
    for (const s of result.secrets.filter((x) => x.length >= 8)) expect(json.includes(s), `secret leaked: ${s.slice(0, 3)}...`).toBe(false);
    // Messages themselves never carry the value, even unscrubbed.
    const raw = JSON.stringify(result.findings.map((f) => f.message));
    expect(raw).not.toMatch(/ghp_[A-Za-z0-9]{36}|sk_live_[A-Za-z0-9]{20}|AKIA[A-Z2-7]{16}/);
  });
});
