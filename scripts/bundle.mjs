// Builds dist/audit-deploy.cjs: the CLI, its libraries and every rule in one CommonJS-shaped script, so
// that start-up loads one file instead of a hundred-odd, then its V8 code cache (see bin/audit-deploy.js
// and the README's Performance section). A script rather than an ES module because only scripts can be
// compiled with a code cache on Node 20 (vm.Script cachedData).
// Rules are found by listing rules/<domain>/ exactly as the engine's registry does, so adding a
// rule file is still all it takes. Native modules (tree-sitter) stay external.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
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

// dockerfile-ast is bundled, so that its code is compiled into the code cache with ours instead of from
// source on every run that reads a Dockerfile (its require took ~30 ms). It is still loaded on first
// use: the source's createRequire(...)('dockerfile-ast') becomes a plain require, which esbuild turns
// into a call of the bundled module's lazy initialiser.
const LAZY_BUNDLED = ['dockerfile-ast', 'yaml'];
const lazyRequires = {
  name: 'lazy-bundled-requires',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8');
      for (const name of LAZY_BUNDLED) contents = contents.split(`createRequire(import.meta.url)('${name}')`).join(`require('${name}')`);
      return { contents, loader: 'js' };
    });
  },
};

// The yaml library's two debugging hooks: its CST parser reads process.env.LOG_TOKENS for every token and
// its composer process.env.LOG_STREAM for every document, and when either is set prints to standard
// output, which corrupts a JSON or SARIF report. Each read of process.env crosses into C++ (about 0.4 us
// even in optimised code; the bench monorepo's 100 small YAML files hold about 20,000 tokens). The bundle
// reads them as false; src/parse/yaml-lib.ts clears the two variables where the library runs unbundled.
const YAML_DEBUG_HOOKS = /\bnode_process\.env\.(LOG_TOKENS|LOG_STREAM)\b/g;
const yamlDebugHooks = {
  name: 'yaml-debug-hooks',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/](parse[\\/]parser|compose[\\/]composer)\.js$/ }, (args) => {
      const published = readFileSync(args.path, 'utf8');
      const contents = published.replace(YAML_DEBUG_HOOKS, 'false');
      if (contents === published) console.warn(`${relative(root, args.path)}: no LOG_TOKENS/LOG_STREAM read found; left as published`);
      return { contents, loader: 'js' };
    });
  },
};

// tree-sitter and its Python grammar: their JavaScript is bundled (so it comes from the code cache
// instead of being compiled from source on every run) and their native addons are loaded from where
// node-gyp-build finds them at build time, which skips its search of build/ and prebuilds/ on every
// run: about 5 ms of start-up in all. The addon's place is relative to the package, found through
// the bundle's own require at run time; should the file not be there (dist/ moved to another
// machine), node-gyp-build searches as before. A package whose loader does not read as expected
// stays external, loaded as published.
const requireHere = createRequire(import.meta.url);
const NATIVE_LOADERS = [
  {
    name: 'tree-sitter',
    file: 'index.js',
    loader: /const binding = typeof process\.versions\.bun === "string" \?[\s\S]*?require\('node-gyp-build'\)\(__dirname\);/,
    replacement: (rel) => `const binding = __auditDeployNative('tree-sitter', ${JSON.stringify(rel)});`,
  },
  {
    name: 'tree-sitter-python',
    file: 'bindings/node/index.js',
    loader: /module\.exports =\s*typeof process\.versions\.bun === "string"[\s\S]*?: require\("node-gyp-build"\)\(root\);/,
    replacement: (rel) => `module.exports = __auditDeployNative('tree-sitter-python', ${JSON.stringify(rel)});`,
  },
];
const nativeBundled = [];
for (const native of NATIVE_LOADERS) {
  try {
    const dir = dirname(requireHere.resolve(`${native.name}/package.json`));
    const source = readFileSync(join(dir, native.file), 'utf8');
    const addon = requireHere('node-gyp-build').resolve(dir);
    if (native.loader.test(source)) nativeBundled.push({ ...native, path: join(dir, native.file), contents: source.replace(native.loader, native.replacement(relative(dir, addon).split('\\').join('/'))) });
    else console.warn(`${native.name}: its loader is not the expected one; left external`);
  } catch (err) {
    console.warn(`${native.name}: ${err.message}; left external`);
  }
}
const nativeLoaders = {
  name: 'native-addon-loaders',
  setup(b) {
    for (const native of nativeBundled) b.onLoad({ filter: new RegExp(`${native.path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }, () => ({ contents: native.contents, loader: 'js' }));
  },
};
const NATIVE_HELPER = `function __auditDeployNative(pkg, rel) {
  const path = require('node:path');
  const dir = path.dirname(require.resolve(pkg + '/package.json'));
  try {
    return require(path.join(dir, rel));
  } catch (err) {
    if (!err || err.code !== 'MODULE_NOT_FOUND') throw err;
    return require('node-gyp-build')(dir);
  }
}`;

const result = await build({
  plugins: [lazyRequires, nativeLoaders, yamlDebugHooks],
  banner: { js: NATIVE_HELPER },
  metafile: Boolean(process.env.BUNDLE_ANALYZE),
  entryPoints: [entry],
  outfile: join(dist, 'audit-deploy.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: [...NATIVE_LOADERS.filter((n) => !nativeBundled.some((b) => b.name === n.name)).map((n) => n.name), '@babel/parser'],
  // The launcher's wrapper passes the bundle's own URL under this name (createRequire, version lookup).
  define: { 'import.meta.url': '__auditDeployModuleUrl' },
  logLevel: 'warning',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
});
if (process.env.BUNDLE_ANALYZE) console.log(await analyzeMetafile(result.metafile, { verbose: false }));
// The launcher reads the bundle as Latin-1, half the time of UTF-8 decoding (~4 ms of a 200 ms run),
// which gives the same text only while the bundle is ASCII. esbuild escapes non-ASCII characters
// everywhere but in regular expression literals: write those with \u escapes.
const nonAscii = /[^\x00-\x7f]/.exec(readFileSync(join(dist, 'audit-deploy.cjs'), 'latin1'));
if (nonAscii) {
  const text = readFileSync(join(dist, 'audit-deploy.cjs'), 'latin1');
  throw new Error(`dist/audit-deploy.cjs must be ASCII (the launcher reads it as Latin-1); found a non-ASCII byte near: ${text.slice(Math.max(0, nonAscii.index - 60), nonAscii.index + 20)}`);
}
rmSync(entry);
rmSync(join(dist, 'audit-deploy.mjs'), { force: true }); // the ES module bundle of earlier builds
console.log(`bundled ${ruleFiles.length} rules into dist/audit-deploy.cjs`);

// The parse-ahead worker (src/parse/python-ahead.ts): its own small script beside the bundle, started only
// by audits of repositories with many Python files to parse.
await build({
  entryPoints: [join(dist, 'src', 'parse', 'python-ahead-worker.js')],
  outfile: join(dist, 'python-ahead-worker.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['tree-sitter', 'tree-sitter-python'],
  logLevel: 'warning',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
});
console.log('bundled the parse-ahead worker into dist/python-ahead-worker.cjs');

// The code cache: audits of the bundled sample and of fixtures that hold every other kind of file the
// audit reads (compose, nginx, systemd, Dockerfile, Kubernetes, GitHub workflows, cross-file wiring), in
// one process through the launcher's own loader (scripts/warm-code-cache.cjs says why).
const WARM_REPOSITORIES = ['sample-shop', 'cmp-unhardened-stack', 'ngx-site-shop', 'sd-digitalocean-gunicorn', 'k8s-shop-naive', 'dkr-unhardened-image', 'gha-naive-deploy', 'xf-proxy-mismatch'];
const warm = spawnSync(process.execPath, [join(root, 'scripts', 'warm-code-cache.cjs'), ...WARM_REPOSITORIES.map((name) => join(root, 'fixtures', name))], {
  cwd: root,
  env: { ...process.env, NO_COLOR: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const cached = existsSync(join(dist, 'audit-deploy.cjs.v8cache'));
console.log(cached ? 'wrote dist/audit-deploy.cjs.v8cache' : `no code cache written (exit ${warm.status}); start-up will compile the bundle`);
