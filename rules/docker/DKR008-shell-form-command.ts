import { defineRule } from '../../src/engine/rule.js';
import type { DockerCommand, DockerStage } from '../../src/model/containers/types.js';
import { DOCKERFILE_REF, production, targets } from './DKR0.common.js';

/**
 * Whether `/bin/sh -c TEXT` stays the parent of the program. dash (Debian's /bin/sh), bash and
 * busybox ash exec a lone simple command directly, so only scripts with several commands (`&&`,
 * `;`, `|`, `&`) keep the shell as PID 1, unless the long-running one is started with `exec`.
 */
function shellStays(cmd: DockerCommand): boolean {
  const ins = cmd.instruction;
  const text = ins.text?.value ?? '';
  if (text.trim() === '') return false;
  const commands = splitForForm(text);
  if (commands.length <= 1) return false;
  const last = commands[commands.length - 1]!;
  return !/^\s*exec\s/.test(last);
}

/** Split a shell text at top-level `&&`, `||`, `;`, `|`, `&` (quotes respected). */
function splitForForm(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === q) q = undefined;
      else if (c === '\\' && q === '"') cur += text[i++] ?? '';
      cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      q = c;
      cur += c;
      continue;
    }
    if (c === '\\') {
      cur += c + (text[++i] ?? '');
      continue;
    }
    if (c === ';' || c === '|' || c === '&') {
      if (text[i + 1] === c) i++;
      if (cur.trim()) out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

function describe(stage: DockerStage, cmd: DockerCommand): string {
  const ignoresCmd = cmd.keyword === 'ENTRYPOINT' && stage.cmd ? '; a shell-form ENTRYPOINT also ignores CMD and the arguments of docker run / compose command' : '';
  return `${cmd.keyword} in shell form runs several commands under /bin/sh -c, so the shell is PID 1 and does not pass SIGTERM on: docker stop waits and then SIGKILLs the server, with no graceful shutdown${ignoresCmd}`;
}

export default defineRule({
  meta: {
    id: 'DKR008',
    name: 'ShellFormCommand',
    title: 'Shell-form CMD/ENTRYPOINT keeps /bin/sh as PID 1',
    severity: 'medium',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports a shell-form CMD or ENTRYPOINT (not a JSON array) of the running image whose script holds several commands (`&&`, `;`, `|`, `&`) and does not start the last one with `exec`. A lone command in shell form is not reported: dash, bash and busybox ash replace themselves with it, so it is PID 1 anyway.",
      whyIsThisBad:
        "With several commands /bin/sh stays as PID 1 and the server runs as its child. `docker stop` and Kubernetes send SIGTERM to PID 1; sh ignores it and does not forward it, so gunicorn never starts its graceful shutdown: after the grace period (10 s by default) everything is SIGKILLed mid-request. A shell-form ENTRYPOINT additionally ignores CMD and any command given at run time.",
      example: 'CMD python manage.py migrate && gunicorn shop.wsgi --bind 0.0.0.0:8000',
      useInstead: 'CMD python manage.py migrate && exec gunicorn shop.wsgi --bind 0.0.0.0:8000\n# or: COPY start.sh / and CMD ["/start.sh"], ending start.sh with exec gunicorn ...',
    },
    fix: 'Use the exec (JSON array) form, or put the steps in a script run in exec form whose last line uses `exec` to replace the shell with the server; prefix the last command with `exec` when the shell form must stay.',
    references: [`${DOCKERFILE_REF}#shell-and-exec-form`, 'https://docs.docker.com/reference/build-checks/json-args-recommended/', 'https://docs.gunicorn.org/en/stable/signals.html'],
    tags: ['docker', 'reliability', 'signals'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    if (!production(df, ctx)) return;
    for (const stage of targets(df)) {
      const ep = stage.entrypoint;
      const candidates: DockerCommand[] = [];
      if (ep?.form === 'shell') candidates.push(ep);
      else if (stage.cmd?.form === 'shell') candidates.push(stage.cmd);
      for (const c of candidates) {
        if (!shellStays(c)) continue;
        ctx.report({ message: describe(stage, c), span: c.instruction.keywordSpan, target: `${c.keyword}:${stage.index}` });
      }
    }
  },
});
