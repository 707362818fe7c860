import { sliceWord, type ShellWord } from '../shell-words.js';
import { GUNICORN_BY_FLAG, GUNICORN_SETTINGS, type GunicornSetting } from './settings.js';

/**
 * gunicorn's command-line arguments read the way its argparse parser reads them: long options
 * (`--bind X`, `--bind=X`, and unambiguous prefixes such as `--work 4`), short options (`-b X`,
 * `-bX`, `-w=4`, grouped flags `-DR`), repeated `--bind` appended, `--` ending the options, and the
 * positional APP_MODULE anywhere.
 */
export interface GunicornArg {
  setting: GunicornSetting;
  /** The option as written (`-w`, `--workers`, `--work`). */
  flag: string;
  /** The value part, as a word with positions (absent for flags). */
  value?: ShellWord;
  /** Source offsets covering the option and its value. */
  start: number;
  end: number;
}

export interface GunicornCliParse {
  options: GunicornArg[];
  /** APP_MODULE and any other positional words. */
  positionals: ShellWord[];
  /**
   * What argparse rejects (gunicorn then exits with a usage error): `unknown` options, `ambiguous`
   * abbreviations, a `missing-value`, a flag given an `unexpected-value`.
   */
  problems: Array<{ message: string; start: number; end: number; kind: 'unknown' | 'ambiguous' | 'missing-value' | 'unexpected-value' }>;
}

const LONG_FLAGS = [...GUNICORN_BY_FLAG.keys()].filter((f) => f.startsWith('--'));

function takesValue(s: GunicornSetting): boolean {
  return s.action === 'store' || s.action === 'append';
}

function looksLikeOption(word: ShellWord): boolean {
  return word.value.length > 1 && word.value.startsWith('-') && !/^-\d+(?:\.\d+)?$/.test(word.value);
}

function longMatch(flag: string): { setting?: GunicornSetting; ambiguous?: string[] } {
  const exact = GUNICORN_BY_FLAG.get(flag);
  if (exact) return { setting: exact };
  const candidates = LONG_FLAGS.filter((f) => f.startsWith(flag));
  const settings = [...new Set(candidates.map((f) => GUNICORN_BY_FLAG.get(f)!))];
  if (settings.length === 1) return { setting: settings[0] };
  if (settings.length > 1) return { ambiguous: candidates };
  return {};
}

export function parseGunicornArgs(words: readonly ShellWord[]): GunicornCliParse {
  const options: GunicornArg[] = [];
  const positionals: ShellWord[] = [];
  const problems: GunicornCliParse['problems'] = [];
  let i = 0;
  let onlyPositionals = false;
  const needValue = (setting: GunicornSetting, flag: string, word: ShellWord): void => {
    const next = words[i + 1];
    if (!next || looksLikeOption(next)) {
      problems.push({ message: `${flag} expects a value`, start: word.start, end: word.end, kind: 'missing-value' });
      options.push({ setting, flag, start: word.start, end: word.end });
      i++;
      return;
    }
    options.push({ setting, flag, value: next, start: word.start, end: next.end });
    i += 2;
  };
  while (i < words.length) {
    const word = words[i]!;
    const v = word.value;
    if (onlyPositionals || !looksLikeOption(word) || word.expansions.some((e) => e.start === 0)) {
      positionals.push(word);
      i++;
      continue;
    }
    if (v === '--') {
      onlyPositionals = true;
      i++;
      continue;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const flag = eq >= 0 ? v.slice(0, eq) : v;
      const { setting, ambiguous } = longMatch(flag);
      if (!setting) {
        problems.push({
          message: ambiguous ? `ambiguous option ${flag} (${ambiguous.join(', ')})` : `unknown gunicorn option ${flag}`,
          start: word.start,
          end: word.end,
          kind: ambiguous ? 'ambiguous' : 'unknown',
        });
        i++;
        continue;
      }
      if (!takesValue(setting)) {
        if (eq >= 0) problems.push({ message: `${flag} takes no value`, start: word.start, end: word.end, kind: 'unexpected-value' });
        options.push({ setting, flag, start: word.start, end: word.end });
        i++;
        continue;
      }
      if (eq >= 0) {
        options.push({ setting, flag, value: sliceWord(word, eq + 1), start: word.start, end: word.end });
        i++;
        continue;
      }
      needValue(setting, flag, word);
      continue;
    }
    // Short options: `-w 4`, `-w4`, `-w=4`, `-DR`.
    let k = 1;
    let advanced = false;
    while (k < v.length) {
      const flag = `-${v[k]}`;
      const setting = GUNICORN_BY_FLAG.get(flag);
      if (!setting) {
        problems.push({ message: `unknown gunicorn option ${flag}`, start: word.start, end: word.end, kind: 'unknown' });
        break;
      }
      if (!takesValue(setting)) {
        options.push({ setting, flag, start: word.start, end: word.end });
        k++;
        continue;
      }
      let rest = k + 1;
      if (v[rest] === '=') rest++;
      if (rest < v.length) {
        options.push({ setting, flag, value: sliceWord(word, rest), start: word.start, end: word.end });
      } else {
        needValue(setting, flag, word);
        advanced = true;
      }
      break;
    }
    if (!advanced) i++;
  }
  return { options, positionals, problems };
}

/** Every gunicorn setting that the command line can set, for documentation and tests. */
export function cliSettings(): GunicornSetting[] {
  return GUNICORN_SETTINGS.filter((s) => s.cli.length > 0);
}
