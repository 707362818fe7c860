// Writes docs/rules/ from the rules' metadata (run `npm run docs` after changing a rule; a test
// fails while the committed pages are out of date). Uses the compiled modules in dist/.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { loadRules } = await import(join(root, 'dist/src/engine/registry.js'));
const { ruleDocFiles } = await import(join(root, 'dist/src/report/rule-docs.js'));
const files = ruleDocFiles(await loadRules());
const dir = join(root, 'docs', 'rules');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
for (const f of files) writeFileSync(join(root, f.path), f.text);
console.log(`wrote ${files.length} files to docs/rules/`);
