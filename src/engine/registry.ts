import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Rule } from './rule.js';

/**
 * Rules live one per file under rules/<domain>/ and are found by listing that tree, so adding a
 * rule never means touching the engine. The rules tree sits at the same relative place from this
 * module whether we run from TypeScript sources (vitest) or from dist/ (the built CLI).
 */
const here = dirname(fileURLToPath(import.meta.url));
const RULES_DIR = join(here, '..', '..', 'rules');
const RULE_FILE = /^[A-Z]+\d+[-\w]*\.(?:ts|js)$/;
const OWN_EXT = fileURLToPath(import.meta.url).endsWith('.ts') ? '.ts' : '.js';

let cached: Promise<Rule[]> | undefined;

/**
 * The single-file CLI build (scripts/bundle.mjs) imports every rule file at build time, from the
 * same directory listing, and hands them over here: loading one bundle is much faster than
 * importing some hundred modules one by one.
 */
export function useBundledRules(rules: Rule[]): void {
  cached = Promise.resolve(checkedAndSorted(rules, rules.map((r) => `bundled ${r.meta.id}`)));
}

export function rulesDirectory(): string {
  return RULES_DIR;
}

/** Every rule, sorted by id. Duplicate ids are a programming error and throw. */
export function loadRules(): Promise<Rule[]> {
  cached ??= importRules();
  return cached;
}

function ruleFiles(): string[] {
  const out: string[] = [];
  for (const domain of readdirSync(RULES_DIR, { withFileTypes: true })) {
    if (!domain.isDirectory()) continue;
    const dir = join(RULES_DIR, domain.name);
    for (const f of readdirSync(dir)) {
      if (RULE_FILE.test(f) && f.endsWith(OWN_EXT) && !f.endsWith('.d.ts')) out.push(join(dir, f));
    }
  }
  return out.sort();
}

async function importRules(): Promise<Rule[]> {
  const files = ruleFiles();
  const modules = await Promise.all(files.map((f) => import(pathToFileURL(f).href) as Promise<{ default?: Rule }>));
  return checkedAndSorted(modules.map((m) => m.default as Rule), files);
}

function checkedAndSorted(candidates: Array<Rule | undefined>, origins: string[]): Rule[] {
  const rules: Rule[] = [];
  const seen = new Map<string, string>();
  candidates.forEach((rule, i) => {
    if (!rule || !rule.meta || typeof rule.check !== 'function') {
      throw new Error(`${origins[i]}: a rule file must default-export defineRule({...})`);
    }
    const prev = seen.get(rule.meta.id);
    if (prev) throw new Error(`duplicate rule id ${rule.meta.id} in ${prev} and ${origins[i]}`);
    seen.set(rule.meta.id, origins[i]!);
    rules.push(rule);
  });
  return rules.sort((a, b) => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0));
}
