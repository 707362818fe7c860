import { defineRule } from '../../src/engine/rule.js';
import type { DockerCommand } from '../../src/model/containers/types.js';
import { baseName, DOCKERFILE_REF, targets } from './DKR0.common.js';

/**
 * The first `$NAME` or `${NAME}` / `${NAME<op>...}` (op one of `:?+=-`) in a word, as the regex
 * /\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+=-][^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)/ finds it, by one scan
 * (issue 7: the regex rescans to the end from every `${NAME:` that no `}` follows).
 */
export function firstVariable(word: string): string | undefined {
  const nameStart = (c: string | undefined) => c !== undefined && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_');
  const nameChar = (c: string | undefined) => nameStart(c) || (c !== undefined && c >= '0' && c <= '9');
  let closed = true;
  for (let i = word.indexOf('$'); i >= 0; i = word.indexOf('$', i + 1)) {
    let k = i + 1;
    if (nameStart(word[k])) {
      while (nameChar(word[k])) k++;
      return word.slice(i, k);
    }
    if (word[k] !== '{' || !nameStart(word[k + 1])) continue;
    k += 2;
    while (nameChar(word[k])) k++;
    if (word[k] === '}') return word.slice(i, k + 1);
    if (!closed || word[k] === undefined || !':?+=-'.includes(word[k]!)) continue;
    const end = word.indexOf('}', k + 1);
    if (end >= 0) return word.slice(i, end + 1);
    closed = false;
  }
  return undefined;
}

const SHELL = /^(?:ba|da|z|k|a)?sh$/;
/** Launchers that pass their arguments on untouched. */
const PASS_THROUGH = new Set(['tini', 'dumb-init', 'tini-static', 'catatonit']);

/** Whether the program that receives the words expands variables itself: a shell with -c. */
function shellExpands(words: string[]): boolean {
  const i = words.findIndex((w) => SHELL.test(baseName(w)));
  return i >= 0 && words.slice(i + 1).some((w) => (/^-\w*$/.test(w) && w.includes('c')));
}

export default defineRule({
  meta: {
    id: 'DKR016',
    name: 'ExecFormVariableNotExpanded',
    title: '$VARIABLE in an exec-form CMD/ENTRYPOINT is passed literally',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports a word of an exec-form (JSON array) CMD or ENTRYPOINT of the running image that holds `$NAME` or `${NAME}` when nothing in between expands it: the program is not a shell run with -c, and there is no entrypoint script in front of the command (only pass-through init shims such as tini). Compose files are not judged: compose interpolates `${NAME}` itself.",
      whyIsThisBad:
        "Docker starts exec-form commands without a shell, so no variable substitution happens: gunicorn receives the text `0.0.0.0:$PORT` or uvicorn `--workers ${WORKERS}` and refuses to start, or binds somewhere unexpected. The container then crash-loops on every deployment while the Dockerfile looks right.",
      example: 'CMD ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:$PORT"]',
      useInstead: 'CMD ["sh", "-c", "exec gunicorn shop.wsgi --bind 0.0.0.0:${PORT:-8000}"]\n# or let gunicorn read it: ENV GUNICORN_CMD_ARGS="--bind=0.0.0.0:8000"',
    },
    fix: "Write the value itself, run the command through `sh -c 'exec ...'` so the shell expands it, or pass it the way the program reads its settings from the environment (gunicorn's GUNICORN_CMD_ARGS and PORT, uvicorn's UVICORN_* variables, WEB_CONCURRENCY).",
    references: [`${DOCKERFILE_REF}#shell-and-exec-form`, `${DOCKERFILE_REF}#cmd`, 'https://docs.gunicorn.org/en/stable/settings.html#bind'],
    tags: ['docker', 'correctness'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    for (const stage of targets(df)) {
      const ep = stage.entrypoint;
      const cmd = stage.cmd;
      // An entrypoint script may expand its arguments (eval, envsubst): the CMD words are not judged then.
      const epWords = ep?.form === 'exec' ? (ep.words ?? []).map((w) => w.value) : [];
      const epIsProgram = !ep || (ep.form === 'exec' && epWords.length > 0 && !/\.sh$|entrypoint|^\/start/i.test(epWords[0]!) && !PASS_THROUGH.has(baseName(epWords[0]!)));
      const epPassThrough = ep?.form === 'exec' && epWords.length > 0 && PASS_THROUGH.has(baseName(epWords[0]!));
      const candidates: DockerCommand[] = [];
      if (ep?.form === 'exec') candidates.push(ep);
      if (cmd?.form === 'exec' && (!ep || epPassThrough || (epIsProgram && ep.form === 'exec'))) candidates.push(cmd);
      const all = [...(ep?.form === 'exec' ? epWords : []), ...(cmd?.form === 'exec' ? (cmd.words ?? []).map((w) => w.value) : [])];
      if (shellExpands(all)) continue;
      for (const c of candidates) {
        if (c.inheritedFrom !== undefined && c.inheritedFrom !== stage.index && df.targets.includes(c.inheritedFrom)) continue;
        for (const w of c.words ?? []) {
          const m = firstVariable(w.value);
          if (m === undefined) continue;
          ctx.report({
            message: `${c.keyword} in exec form runs without a shell: the program receives "${w.value}" as written, ${m} is never replaced by its value`,
            span: w.span,
            target: `${c.keyword}:${stage.index}:${w.value}`,
          });
        }
      }
    }
  },
});
