import type ChildProcess from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export class DiffBaseError extends Error {}

// Loaded on first use: node:child_process pulls in net, dgram and the stream modules, a few ms of
// start-up that only --diff-base needs.
let childProcess: typeof ChildProcess | undefined;
const cp = (): typeof ChildProcess => (childProcess ??= createRequire(import.meta.url)('node:child_process') as typeof ChildProcess);

/**
 * A copy of the audited directory as it was at git revision `ref`, extracted with `git archive`
 * into a temporary directory: the work tree, the index and HEAD are never touched. The caller
 * audits `dir` and then calls `dispose()`.
 */
export function checkoutBase(auditedDir: string, ref: string): { dir: string; dispose: () => void } {
  const cwd = resolve(auditedDir);
  const git = (args: string[]) => cp().execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  let prefix: string;
  let commit: string;
  try {
    git(['rev-parse', '--show-toplevel']);
    prefix = git(['rev-parse', '--show-prefix']);
  } catch {
    throw new DiffBaseError(`${auditedDir} is not inside a git repository`);
  }
  try {
    commit = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new DiffBaseError(`unknown git revision "${ref}" (fetch it first, e.g. git fetch origin ${ref} --depth=1)`);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'audit-deploy-base-'));
  const dispose = () => rmSync(tmp, { recursive: true, force: true });
  // The tree of the audited directory only (prefix), so paths in both reports are alike.
  const treeish = prefix ? `${commit}:${prefix.replace(/\/$/, '')}` : commit;
  const archive = cp().spawnSync('git', ['archive', '--format=tar', treeish], { cwd, maxBuffer: 1 << 30 });
  if (archive.status !== 0) {
    dispose();
    const why = archive.stderr?.toString().trim();
    // The directory may not exist at the base: an empty tree then.
    if (/not a valid object name|does not exist|path not found/i.test(why ?? '')) {
      const empty = mkdtempSync(join(tmpdir(), 'audit-deploy-base-'));
      return { dir: empty, dispose: () => rmSync(empty, { recursive: true, force: true }) };
    }
    throw new DiffBaseError(`git archive ${ref} failed: ${why}`);
  }
  const untar = cp().spawnSync('tar', ['-x', '-f', '-', '-C', tmp], { input: archive.stdout });
  if (untar.status !== 0) {
    dispose();
    throw new DiffBaseError(`cannot unpack ${ref}: ${untar.stderr?.toString().trim()}`);
  }
  return { dir: tmp, dispose };
}
