import { describe, expect, it } from 'vitest';
import { makeSanitizer } from '../src/report/common.js';
import { makeScrubber, redactSecret, scrubText } from '../src/report/redact.js';

describe('redactSecret', () => {
  it('keeps the first and last two characters of a long secret plus its length', () => {
    const key = 'dj' + 'x'.repeat(46) + 'ab';
    expect(key.length).toBe(50);
    expect(redactSecret(key)).toBe('dj****ab (50 chars)');
  });

  it('shows edges from exactly 12 characters', () => {
    expect(redactSecret('abcdefghijkl')).toBe('ab****kl (12 chars)');
  });

  it('shows only the length below 12 characters', () => {
    expect(redactSecret('abcdefghijk')).toBe('**** (11 chars)');
    expect(redactSecret('hunter2')).toBe('**** (7 chars)');
    expect(redactSecret('x')).toBe('**** (1 char)');
    expect(redactSecret('')).toBe('**** (0 chars)');
  });

  it('counts and keeps whole code points', () => {
    const s = '🔑🔑' + 'a'.repeat(10) + '🗝️';
    // '🗝️' is U+1F5DD U+FE0F: two code points.
    expect(redactSecret(s)).toBe('🔑🔑****🗝️ (14 chars)');
  });

  it('never contains the secret itself', () => {
    const secret = 'p4ssw0rd-that-is-quite-long';
    expect(redactSecret(secret)).not.toContain(secret);
    expect(redactSecret(secret)).not.toContain('that');
  });
});

describe('scrubText', () => {
  it('replaces every occurrence of every known secret', () => {
    const key = 'django-insecure-abcdefghijklmnop';
    const text = `key=${key}; again ${key}; db=hunter2hunter2.`;
    expect(scrubText(text, [key, 'hunter2hunter2'])).toBe(
      'key=dj****op (32 chars); again dj****op (32 chars); db=hu****r2 (14 chars).',
    );
  });

  it('redacts the longer secret whole when one secret contains another', () => {
    expect(scrubText('x=abcdefghijklmnop', ['efgh', 'abcdefghijklmnop'])).toBe('x=ab****op (16 chars)');
    expect(scrubText('x=abcdefghijklmnop', ['abcdefghijklmnop', 'efgh'])).toBe('x=ab****op (16 chars)');
  });

  it('treats regular-expression characters in secrets literally', () => {
    expect(scrubText('pw: a.b*c+d?(e)[f]$^|\\ end', ['a.b*c+d?(e)[f]$^|\\'])).toBe('pw: a.****|\\ (18 chars) end');
    expect(scrubText('pw: aXb*c+d?(e)[f]$^|\\ end', ['a.b*c+d?(e)[f]$^|\\'])).toBe('pw: aXb*c+d?(e)[f]$^|\\ end');
  });

  it('ignores empty and very short values, and leaves text without secrets unchanged', () => {
    expect(scrubText('a b c abc', ['', 'a', 'abc'])).toBe('a b c abc');
    expect(scrubText('nothing here', ['s3cr3t-value'])).toBe('nothing here');
    expect(scrubText('nothing here', [])).toBe('nothing here');
  });

  it('scrubs with a compiled scrubber the same way', () => {
    const scrub = makeScrubber(['s3cr3t-value']);
    expect(scrub('a s3cr3t-value b')).toBe('a s3****ue (12 chars) b');
    expect(scrub('again s3cr3t-value')).toBe('again s3****ue (12 chars)');
  });
});

describe('makeSanitizer', () => {
  it('makes the absolute root relative and scrubs secrets', () => {
    const clean = makeSanitizer('/srv/app/', ['topsecretvalue']);
    expect(clean('could not read /srv/app/media/x.bin')).toBe('could not read media/x.bin');
    expect(clean('audited /srv/app')).toBe('audited .');
    expect(clean('pw topsecretvalue')).toBe('pw to****ue (14 chars)');
  });

  it('leaves paths alone when the root is the filesystem root', () => {
    expect(makeSanitizer('/')('/etc/passwd')).toBe('/etc/passwd');
  });
});
