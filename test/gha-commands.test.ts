import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headThenTail } from '../rules/actions/GHA0.common.js';

// The deploy-command patterns of rules/actions/GHA0.common.ts, as regexes (quadratic on a long line
// of heads) and as headThenTail matchers (linear). Same answers on any single line.
const SEP = '\n|;&';
const CASES: Array<{ name: string; regex: RegExp; matcher: ReturnType<typeof headThenTail>; words: string[] }> = [
  { name: 'kubectl', regex: /\bkubectl\s+(?:[^\n|;&]*\s)?(?:apply|set\s+image|rollout\s+restart|replace|create|patch)\b/, matcher: headThenTail(/\bkubectl\s/, /\s(?:apply|set\s+image|rollout\s+restart|replace|create|patch)\b/g, SEP), words: ['kubectl', 'apply', 'set', 'image', 'rollout', 'restart', 'patch', 'applyx', '-f', 'x'] },
  { name: 'helm', regex: /\bhelm\s+(?:[^\n|;&]*\s)?(?:upgrade|install)\b/, matcher: headThenTail(/\bhelm\s/, /\s(?:upgrade|install)\b/g, SEP), words: ['helm', 'upgrade', 'install', 'xhelm', 'helmx', '--wait'] },
  { name: 'git push heroku', regex: /\bgit\s+push\s+(?:[^\n]*\s)?(?:heroku|dokku)\b/, matcher: headThenTail(/\bgit\s+push\s/, /\s(?:heroku|dokku)\b/g, '\n'), words: ['git', 'push', 'heroku', 'dokku', 'main', 'herokux'] },
  { name: 'git push heroku.com', regex: /\bgit\s+push\s+[^\n]*(?:heroku\.com|dokku@)/, matcher: headThenTail(/\bgit\s+push\s/, /(?:heroku\.com|dokku@)/g, '\n'), words: ['git', 'push', 'heroku.com', 'dokku@', 'https://git.heroku.com/x.git'] },
  { name: 'fab deploy', regex: /\bfab\s+[^\n]*\bdeploy\b/, matcher: headThenTail(/\bfab\s/, /\bdeploy\b/g, '\n'), words: ['fab', 'deploy', 'deployx', 'prod', 'fabric'] },
  { name: 'vercel --prod', regex: /\bvercel\s+[^\n]*--prod\b/, matcher: headThenTail(/\bvercel\s/, /--prod\b/g, '\n'), words: ['vercel', '--prod', '--production', 'deploy'] },
];
const GLUE = [' ', '  ', '\t', '|', ';', '&', '&&', ' | ', '\r', '-', '.', '\u00a0'];

describe('deploy-command matchers: the regexes\' answers in linear time', () => {
  for (const c of CASES) {
    it(`${c.name}: same match (place and text) as the regex on random single lines`, () => {
      fc.assert(
        fc.property(fc.array(fc.oneof(fc.constantFrom(...c.words), fc.constantFrom(...GLUE)), { maxLength: 24 }), (parts) => {
          const line = parts.join('');
          const a = c.regex.exec(line);
          const b = c.matcher.exec(line);
          expect(b && { index: b.index, text: b[0] }).toEqual(a && { index: a.index, text: a[0] });
        }),
        { numRuns: 4000, seed: 7 },
      );
    });
  }
  it('treats lines as separate commands (the regexes let a newline join two commands)', () => {
    expect(CASES[0]!.regex.test('kubectl version\napply')).toBe(true);
    expect(CASES[0]!.matcher.exec('kubectl version\napply')).toBeNull();
    expect(CASES[0]!.matcher.exec('echo ok\nkubectl -n prod apply -f k8s/')).toEqual({ index: 8, 0: 'kubectl -n prod apply' });
  });
  it('stays fast on a hostile line (400,000 characters of heads)', () => {
    for (const c of CASES) {
      const hostile = `${c.words[0]} `.repeat(400_000 / (c.words[0]!.length + 1));
      const t = performance.now();
      c.matcher.exec(hostile);
      expect(performance.now() - t, c.name).toBeLessThan(2000);
    }
  });
});
