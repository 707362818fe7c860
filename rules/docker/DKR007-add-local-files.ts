import { defineRule } from '../../src/engine/rule.js';
import { BEST_PRACTICES, DOCKERFILE_REF, production } from './DKR0.common.js';

const REMOTE = /^(?:https?|git|ssh):\/\/|^git@/;
const ARCHIVE = /\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tar\.lz|gz|bz2|xz)$/i;

export default defineRule({
  meta: {
    id: 'DKR007',
    name: 'AddForLocalFiles',
    title: 'ADD used to copy local files',
    severity: 'low',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports ADD whose sources are ordinary files or directories of the build context. ADD of a URL or a git repository, and ADD of a local tar archive (which it extracts), are what ADD is for and are not reported.',
      whyIsThisBad:
        'ADD does more than copy: a source that is (or later becomes) a tar archive is unpacked into the image, and a source that is a URL is downloaded. Using it for plain files hides that behaviour from reviewers; COPY does exactly one thing and is what Docker recommends.',
      example: 'ADD . /app\nADD requirements.txt /app/',
      useInstead: 'COPY . /app\nCOPY requirements.txt /app/',
    },
    fix: 'Replace ADD with COPY for files of the build context (flags such as --chown and --chmod work the same).',
    references: [`${DOCKERFILE_REF}#add`, `${BEST_PRACTICES}#add-or-copy`, 'https://github.com/hadolint/hadolint/wiki/DL3020'],
    tags: ['docker', 'maintainability'],
  },
  scope: 'dockerfile',
  check(df, ctx) {
    if (!production(df, ctx)) return;
    for (const stage of df.stages) {
      for (const ins of stage.instructions) {
        if (ins.keyword !== 'ADD' || ins.heredocs.length > 0) continue;
        const words = ins.json ?? ins.args;
        if (words.length < 2) continue;
        const sources = words.slice(0, -1).map((w) => w.value);
        if (sources.some((s) => REMOTE.test(s) || ARCHIVE.test(s))) continue;
        ctx.report({ message: `ADD ${sources.join(' ')} copies local files: use COPY, which never extracts archives or fetches URLs`, span: ins.keywordSpan, target: `add:${sources.join(' ')}` });
      }
    }
  },
});
