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
// Always regenerated, so the figures are about the tree the generator makes today. A half-size
// monorepo (25 projects) shows how time grows with the number of deployment files: linear growth
// makes the 50-project run cost twice the 25-project one, once Node's start-up is taken off both.
const halfMonorepo = `${monorepo}-half`;
for (const [dir, projects] of [[monorepo, 50], [halfMonorepo, 25]]) {
  const gen = spawnSync(process.execPath, [join(root, 'bench', 'gen-monorepo.mjs'), dir, String(projects)], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`generating the monorepo failed: ${gen.stderr}`);
  console.log(gen.stdout.trim());
}

const subjects = [
  { name: 'node -e 0', args: ['-e', '0'], runs },
  { name: 'audit-deploy fixtures/sample-shop', args: [cli, sample, '--format', 'json'], runs },
  { name: 'audit-deploy <monorepo, 20k files>', args: [cli, monorepo, '--format', 'json'], runs: monoRuns },
  { name: 'audit-deploy <half monorepo, 25 projects>', args: [cli, halfMonorepo, '--format', 'json'], runs: monoRuns },
];

function once(args) {
  const cmd = hasTime ? '/usr/bin/time' : process.execPath;
  const argv = hasTime ? ['-f', '%M %U %S', process.execPath, ...args] : args;
  const t0 = process.hrtime.bigint();
  // The report itself is not kept (a monorepo's JSON outgrows spawnSync's default buffer).
  const r = spawnSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [kb, user, sys] = hasTime ? r.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
  // CPU time (user + system) as well as wall time: on a busy machine it is the steadier figure.
  return { ms, kb, cpu: (user + sys) * 1000 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

if (!existsSync(join(root, 'dist'))) {
  console.error('dist/ is missing: run `npm run build` (npm ci does it) first');
  process.exit(2);
}

const samples = subjects.map(() => ({ ms: [], kb: [], cpu: [] }));
for (let i = 0; i < 2; i++) subjects.forEach((s) => once(s.args)); // warm the file cache
for (let i = 0; i < runs; i++) {
  subjects.forEach((s, j) => {
    // A subject with fewer runs (the monorepos) runs at evenly spread turns, so that every subject
    // meets the machine's changing load alike.
    if (samples[j].ms.length >= s.runs || i * s.runs < samples[j].ms.length * runs) return;
    const r = once(s.args);
    samples[j].ms.push(r.ms);
    samples[j].kb.push(r.kb);
    samples[j].cpu.push(r.cpu);
  });
}

const floor = median(samples[0].ms);
console.log(`audit-deploy benchmark: ${runs} interleaved runs (${monoRuns} on the monorepo), node ${process.version}, ${process.platform}/${process.arch}`);
subjects.forEach((s, j) => {
  const med = median(samples[j].ms);
  const peak = Math.max(...samples[j].kb);
  const mem = Number.isFinite(peak) ? `  peak RSS ${(peak / 1024).toFixed(1)} MB` : '';
  const cpu = median(samples[j].cpu);
  const cpuText = Number.isFinite(cpu) ? `  cpu ${cpu.toFixed(0).padStart(5)} ms` : '';
  console.log(`  ${s.name.padEnd(42)} median ${med.toFixed(1).padStart(7)} ms  (${(med / floor).toFixed(2)}x node -e 0)${cpuText}${mem}`);
});
// Each turn runs `node -e 0` and then the sample, a moment apart: the ratio within a turn does not move
// with the machine's speed from one minute to the next the way the two medians can. Both are shown; the
// line above stays the headline.
const paired = samples[1].ms.map((ms, i) => ms / samples[0].ms[i]);
const quartile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
console.log(`  sample within each turn: median ${median(paired).toFixed(2)}x node -e 0 (quartiles ${quartile(paired, 0.25).toFixed(2)}x-${quartile(paired, 0.75).toFixed(2)}x over ${paired.length} turns)`);
const full = median(samples[2].ms) - floor;
const half = median(samples[3].ms) - floor;
console.log(`  growth: 50 projects cost ${(full / half).toFixed(2)}x what 25 cost, Node's start-up taken off both (2.00 is linear)`);
