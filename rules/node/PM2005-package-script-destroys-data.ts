import { defineRule } from '../../src/engine/rule.js';
import { makeSourceText } from '../../src/core/source.js';
import { buildScript } from '../../src/model/scripts/build.js';
import { destroys } from '../../src/model/scripts/destructive.js';

/** Scripts npm, hosting platforms or deploy tooling run on the way to production. */
const PRODUCTION_SCRIPT = /^(?:start|prestart|poststart|deploy|predeploy|postdeploy|release|prerelease|postrelease|install|preinstall|postinstall|heroku-postbuild|vercel-build|render-build|build|prebuild|postbuild|migrate|migrate:prod|migrate:production|(?:start|deploy|release|build):(?:prod|production))$/;

export default defineRule({
  meta: {
    id: 'PM2005',
    name: 'PackageScriptDestroysData',
    title: 'A package.json script run in production destroys data',
    severity: 'high',
    section: 'database',
    docs: {
      whatItDoes:
        'Reports package.json scripts that npm, hosting platforms or deploy tooling run on the way to production (start, prestart, deploy, release, postinstall, heroku-postbuild, build, *:prod ...) when they run a command that deletes data: `prisma migrate reset`, `prisma db push --force-reset` or `--accept-data-loss`, `sequelize db:drop`, `typeorm schema:drop`, `manage.py flush`, `dropdb`, `docker compose down -v`. Scripts with other names (db:reset, dev, test) are not reported.',
      whyIsThisBad:
        'These scripts run on every deploy, install or start: `npm start` on a platform, `postinstall` on every `npm ci`. A reset there wipes the production database each time the app boots or is rebuilt, usually discovered only after the data is gone.',
      example: '"scripts": { "start": "prisma migrate reset --force && node dist/server.js" }',
      useInstead: '"scripts": { "start": "prisma migrate deploy && node dist/server.js", "db:reset": "prisma migrate reset" }',
    },
    fix: 'Apply migrations with the non-destructive command (`prisma migrate deploy`, `sequelize db:migrate`, `typeorm migration:run`) in production scripts, and keep resets in a separately named development script.',
    references: ['https://docs.npmjs.com/cli/using-npm/scripts#life-cycle-scripts', 'https://www.prisma.io/docs/orm/prisma-migrate/workflows/development-and-production', 'https://www.prisma.io/docs/orm/reference/prisma-cli-reference#db-push'],
    tags: ['node', 'database', 'data-loss'],
  },
  scope: 'packageJson',
  check(pkg, ctx) {
    for (const s of pkg.scripts) {
      if (!PRODUCTION_SCRIPT.test(s.name)) continue;
      const script = buildScript(makeSourceText(pkg.file, s.command));
      for (const c of script.commands) {
        const what = destroys(c);
        if (!what) continue;
        ctx.report({ message: `package.json script "${s.name}": ${what}`, span: s.pairSpan, target: `script:${s.name}` });
        break;
      }
    }
  },
});
