import { defineRule } from '../../src/engine/rule.js';
import { baseName, production, programWords, instructionOrdinal } from './DKR0.common.js';

const FETCH = new Set(['curl', 'wget']);
const INTERPRETER = /^(?:sh|bash|dash|ash|zsh|ksh|python[\d.]*|perl|ruby|node|php)$/;

export default defineRule({
  meta: {
    id: 'DKR012',
    name: 'RemoteScriptPipedToShell',
    title: 'Script downloaded and piped straight into a shell',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        'Reports a RUN (in any stage of a production Dockerfile) that pipes curl or wget output into a shell or interpreter (`curl ... | sh`, `wget -qO- ... | bash`, `| python3 -`), or runs `sh -c "$(curl ...)"`.',
      whyIsThisBad:
        'Whatever the server returns at build time runs as root in the build, unreviewed and unpinned: a compromised or hijacked install script, or a truncated download, goes straight into the image. The same Dockerfile builds different images on different days.',
      example: 'RUN curl -sSL https://install.python-poetry.org | python3 -',
      useInstead: 'RUN pip install --no-cache-dir poetry==1.8.4\n# or: download a pinned release, verify its checksum, then run it',
    },
    fix: 'Install from a package manager with a pinned version, or download a specific release, check its SHA-256 against a value in the Dockerfile, and only then run it.',
    references: ['https://docs.docker.com/build/building/best-practices/#using-pipes', 'https://github.com/hadolint/hadolint/wiki/DL4006'],
    tags: ['docker', 'security', 'supply-chain'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    if (!production(df, ctx)) return;
    for (const run of df.stages.flatMap((s) => s.runs)) {
      const cmds = run.commands;
      for (let i = 0; i < cmds.length; i++) {
        const w = programWords(cmds[i]!);
        const prog = w[0] ? baseName(w[0].value) : '';
        if (FETCH.has(prog) && cmds[i]!.separator === '|') {
          const next = cmds[i + 1];
          const nw = next ? programWords(next) : [];
          const np = nw[0] ? baseName(nw[0].value) : '';
          if (INTERPRETER.test(np)) {
            ctx.report({ message: `${prog} output is piped into ${np}: a remote script runs unverified at build time`, span: w[0]!.span, target: `pipe:${instructionOrdinal(df, run.instruction)}` });
          }
        }
        if (INTERPRETER.test(prog) && w.some((x) => /\$\((?:curl|wget)\s/.test(x.value))) {
          ctx.report({ message: `${prog} runs the output of a download: a remote script runs unverified at build time`, span: w[0]!.span, target: `pipe:${instructionOrdinal(df, run.instruction)}` });
        }
      }
    }
  },
});
