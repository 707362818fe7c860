#!/usr/bin/env node
// Benchmark: `node -e 0` (the floor) against audit-deploy on the bundled sample and on a generated
// monorepo (about 20,000 files, 50 Django projects with nginx, systemd, compose, Dockerfile and
// Kubernetes files, and a node_modules tree to skip), interleaved so that machine noise hits all
// alike. Prints medians, the ratio to the floor and peak memory. Reports only: speed is not
// asserted in tests (see README "Performance").
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 21);
const cli = join(root, 'bin', 'audit-deploy.js');
const sample = join(root, 'fixtures', 'sample-shop');
const hasTime = existsSync('/usr/bin/time');
const monorepo = process.env.BENCH_MONOREPO ?? join(tmpdir(), 'audit-deploy-bench-monorepo');
const monoRuns = Number(process.env.BENCH_MONOREPO_RUNS ?? 7);
// Always regenerated, so the figures are about the tree the generator makes today.
const gen = spawnSync(process.execPath, [join(root, 'bench', 'gen-monorepo.mjs'), monorepo], { encoding: 'utf8' });
if (gen.status !== 0) throw new Error(`generating the monorepo failed: ${gen.stderr}`);
console.log(gen.stdout.trim());

const subjects = [
  { name: 'node -e 0', args: ['-e', '0'], runs },
  { name: 'audit-deploy fixtures/sample-shop', args: [cli, sample, '--format', 'json'], runs },
  { name: 'audit-deploy <monorepo, 20k files>', args: [cli, monorepo, '--format', 'json'], runs: monoRuns },
];

function once(args) {
  const cmd = hasTime ? '/usr/bin/time' : process.execPath;
  const argv = hasTime ? ['-f', '%M', process.execPath, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const kb = hasTime ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { ms, kb };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

if (!existsSync(join(root, 'dist'))) {
  console.error('dist/ is missing: run `npm run build` (npm ci does it) first');
  process.exit(2);
}

const samples = subjects.map(() => ({ ms: [], kb: [] }));
for (let i = 0; i < 2; i++) subjects.forEach((s) => once(s.args)); // warm the file cache
for (let i = 0; i < runs; i++) {
  subjects.forEach((s, j) => {
    if (i >= s.runs) return;
    const r = once(s.args);
    samples[j].ms.push(r.ms);
    samples[j].kb.push(r.kb);
  });
}

const floor = median(samples[0].ms);
console.log(`audit-deploy benchmark: ${runs} interleaved runs (${monoRuns} on the monorepo), node ${process.version}, ${process.platform}/${process.arch}`);
subjects.forEach((s, j) => {
  const med = median(samples[j].ms);
  const peak = Math.max(...samples[j].kb);
  const mem = Number.isFinite(peak) ? `  peak RSS ${(peak / 1024).toFixed(1)} MB` : '';
  console.log(`  ${s.name.padEnd(40)} median ${med.toFixed(1).padStart(7)} ms  (${(med / floor).toFixed(2)}x node -e 0)${mem}`);
});
