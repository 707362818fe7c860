// Builds dist/audit-deploy.mjs: the CLI, its libraries and every rule in one ES module, so that
// start-up loads one file instead of a hundred-odd (see the README's Performance section).
// Rules are found by listing rules/<domain>/ exactly as the engine's registry does, so adding a
// rule file is still all it takes. Native modules (tree-sitter) stay external.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeMetafile, build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const RULE_FILE = /^[A-Z]+\d+[-\w]*\.js$/;

const ruleFiles = [];
for (const domain of readdirSync(join(dist, 'rules'), { withFileTypes: true })) {
  if (!domain.isDirectory()) continue;
  for (const f of readdirSync(join(dist, 'rules', domain.name)).sort()) {
    // Only rules whose source still exists: dist/ may hold the output of a deleted rule file.
    const source = join(root, 'rules', domain.name, f.replace(/\.js$/, '.ts'));
    if (RULE_FILE.test(f) && existsSync(source)) ruleFiles.push(join(dist, 'rules', domain.name, f));
  }
}
ruleFiles.sort();

const entry = join(dist, 'bundle-entry.mjs');
const spec = (p) => './' + relative(dist, p).split('\\').join('/');
writeFileSync(
  entry,
  [
    `import { useBundledRules } from ${JSON.stringify(spec(join(dist, 'src/engine/registry.js')))};`,
    ...ruleFiles.map((f, i) => `import rule${i} from ${JSON.stringify(spec(f))};`),
    `useBundledRules([${ruleFiles.map((_, i) => `rule${i}`).join(', ')}]);`,
    `export { main } from ${JSON.stringify(spec(join(dist, 'src/cli/main.js')))};`,
    '',
  ].join('\n'),
);

const result = await build({
  metafile: Boolean(process.env.BUNDLE_ANALYZE),
  entryPoints: [entry],
  outfile: join(dist, 'audit-deploy.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['tree-sitter', 'tree-sitter-python', '@babel/parser', 'dockerfile-ast'],
  // CommonJS dependencies inside an ES module bundle still call require() for Node built-ins.
  banner: { js: "import { createRequire as __auditDeployRequire } from 'node:module'; const require = __auditDeployRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
});
if (process.env.BUNDLE_ANALYZE) console.log(await analyzeMetafile(result.metafile, { verbose: false }));
rmSync(entry);
console.log(`bundled ${ruleFiles.length} rules into dist/audit-deploy.mjs`);
