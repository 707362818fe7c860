import { buildSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readText } from '../src/discover/read.js';
import type { DiscoveredFile } from '../src/discover/types.js';
import { discover } from '../src/discover/walk.js';
import { buildModel } from '../src/model/build.js';
import { makeSourceText } from '../src/core/source.js';
import { scanTarget, type SecretFileRole } from '../src/model/secrets/scan.js';
import { CopiedNode, unflatten, type FlatTree, type PyNode } from '../src/parse/py-tree.js';
import { ParseAhead } from '../src/parse/python-ahead.js';
import { COPY_TREE_MAX_CHARS, flatParse, parsePython, type ParsedPython } from '../src/parse/python.js';
import { fixturePythonFiles } from './support/fixture-python.js';

/**
 * Parse-ahead (src/parse/python-ahead.ts): Python files parsed on a second thread must give exactly
 * the parse the main thread makes, whatever the file holds, and a worker that fails or stalls must
 * leave the parsing to the main thread. The worker runs from its real source, bundled for the test
 * (the CLI's own bundle is tested end to end in cli.test.ts).
 */
const REPO = resolve(import.meta.dirname, '..');
let workerScript: string;
let brokenScript: string;
let silentScript: string;
let closeDriver: string;
let dir: string;

beforeAll(() => {
  // Inside the repository's node_modules, so that the bundle's require('tree-sitter') resolves.
  const out = join(REPO, 'node_modules', '.cache', 'audit-deploy-tests');
  mkdirSync(out, { recursive: true });
  workerScript = join(out, `python-ahead-worker-${process.pid}.cjs`);
  buildSync({ entryPoints: [join(REPO, 'src', 'parse', 'python-ahead-worker.ts')], outfile: workerScript, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['tree-sitter', 'tree-sitter-python'], logLevel: 'error' });
  brokenScript = join(out, `python-ahead-broken-${process.pid}.cjs`);
  writeFileSync(brokenScript, "throw new Error('the parser cannot load here');\n");
  silentScript = join(out, `python-ahead-silent-${process.pid}.cjs`);
  writeFileSync(silentScript, "setTimeout(() => {}, 60000);\n");
  closeDriver = join(out, `parse-ahead-close-driver-${process.pid}.mjs`);
  buildSync({ entryPoints: [join(REPO, 'test', 'support', 'parse-ahead-close-driver.ts')], outfile: closeDriver, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['tree-sitter', 'tree-sitter-python'], logLevel: 'error' });
  dir = mkdtempSync(join(tmpdir(), 'audit-deploy-parse-ahead-'));
});
afterAll(() => {
  for (const f of [workerScript, brokenScript, silentScript, closeDriver]) rmSync(f, { force: true });
  rmSync(dir, { recursive: true, force: true });
});

/** Two trees agree on every node: type, range, flags, fields, children (iteratively: deep trees are fine). */
function treeDifference(a: PyNode, b: PyNode): string | undefined {
  const stack: Array<[PyNode, PyNode, string]> = [[a, b, '']];
  while (stack.length > 0) {
    const [x, y, path] = stack.pop()!;
    if (x.type !== y.type || x.startIndex !== y.startIndex || x.endIndex !== y.endIndex) return `${path}: ${x.type}@${x.startIndex}-${x.endIndex} vs ${y.type}@${y.startIndex}-${y.endIndex}`;
    if (x.isNamed !== y.isNamed || x.isMissing !== y.isMissing || x.hasError !== y.hasError) return `${path}: flags`;
    if (x.text !== y.text) return `${path}: text`;
    if (x.children.length !== y.children.length) return `${path}: ${x.children.length} vs ${y.children.length} children`;
    if (x instanceof CopiedNode && y instanceof CopiedNode && x.childFields.join() !== y.childFields.join()) return `${path}: fields`;
    x.children.forEach((c, i) => {
      if (c.parent !== x || y.children[i]!.parent !== y) throw new Error(`${path}/${i}: parent`);
      stack.push([c, y.children[i]!, `${path}/${i}`]);
    });
  }
  return undefined;
}

function sameParse(here: ParsedPython, there: ParsedPython): string | undefined {
  if (JSON.stringify(here.problems) !== JSON.stringify(there.problems)) return 'problems';
  if (JSON.stringify(here.unread) !== JSON.stringify(there.unread)) return 'unread';
  return treeDifference(here.root, there.root);
}

/** Writes each text as a file of `dir` and returns the discovered files, in order. */
function filesOf(texts: Array<{ name: string; content: string | Buffer }>): DiscoveredFile[] {
  const sub = mkdtempSync(join(dir, 'case-'));
  return texts.map(({ name, content }, i) => {
    const path = `f${i}-${name.replace(/[^\w.]+/g, '_').slice(-60)}`;
    writeFileSync(join(sub, path), content);
    return { path, absPath: join(sub, path), kind: 'python', size: Buffer.byteLength(content) };
  });
}

describe('parse-ahead: the worker parses as the main thread does', () => {
  it('gives the same read and the same tree for every fixture Python file and for hostile texts', () => {
    const deepBrackets = 'X = ' + '('.repeat(250) + '1' + ')'.repeat(250) + '\n';
    const deepChain = 'X = ' + Array.from({ length: 3200 }, () => 'a').join(' + ') + '\n';
    const deepAndOr = 'X = ' + Array.from({ length: 3200 }, () => 'a').join(' and ') + '\n';
    const big = 'A = 1\n'.repeat(Math.ceil(COPY_TREE_MAX_CHARS / 6) + 10);
    const texts: Array<{ name: string; content: string | Buffer }> = [
      ...fixturePythonFiles().map((f) => ({ name: f.name, content: f.text })),
      { name: 'broken.py', content: 'DEBUG = (\nX = [1, 2\ndef f(:\n  pass\n' },
      { name: 'missing.py', content: 'x = f(1, 2\ny = 3\n' },
      { name: 'unicode.py', content: "NAME = 'café 🎉'\nOTHER = \"ü\" + 'x'\n# ✓\n" },
      { name: 'empty.py', content: '' },
      { name: 'bom.py', content: '\ufeffDEBUG = False\n' },
      { name: 'crlf.py', content: 'DEBUG = False\r\nALLOWED_HOSTS = ["a"]\r\n' },
      { name: 'latin1.py', content: Buffer.from('NAME = "caf\xe9"\n', 'latin1') },
      { name: 'utf16.py', content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('DEBUG = True\n', 'utf16le')]) },
      { name: 'binary.py', content: Buffer.from([0x44, 0x00, 0x01, 0x02]) },
      { name: 'deep-brackets.py', content: deepBrackets },
      { name: 'deep-chain.py', content: deepChain },
      { name: 'deep-and-or.py', content: deepAndOr },
      { name: 'comment-run.py', content: '#\n'.repeat(3000) + 'DEBUG = True\n' },
      { name: 'big.py', content: big },
    ];
    const files = filesOf(texts);
    const ahead = ParseAhead.start({ script: workerScript })!;
    expect(ahead).toBeDefined();
    try {
      // A one-file scan after the Python: once it is answered, every tree has been posted, so that no
      // file below is claimed for the main thread for want of the worker getting to it first.
      const [sentinel] = filesOf([{ name: 'sentinel.sh', content: 'true\n' }]);
      ahead.submit({ files, scan: [{ file: { ...sentinel!, kind: 'shell-script' }, role: 'other' }] });
      expect(ahead.awaitScanned(1)).toBe(true);
      let fromWorker = 0;
      for (const f of files) {
        const mine = readText(f);
        if (mine.text === undefined) continue;
        const flat = ahead.flatTree(f.path, mine.text);
        // A tree for every file the worker can flatten (not too deep, not too big to copy).
        expect(flat !== undefined, f.path).toBe(flatParse(mine.text) !== undefined);
        // Without a tree from the worker, the main thread parses as it always did.
        if (!flat) continue;
        fromWorker++;
        const d = sameParse(parsePython(f.path, mine.text), parsePython(f.path, mine.text, { flat }));
        expect(d, f.path).toBeUndefined();
      }
      expect(fromWorker).toBeGreaterThan(files.length - 10);
      // Everything has arrived by now: the worker's read is the main thread's read (text and notice alike).
      for (const f of files) expect(ahead.read(f.path), f.path).toEqual({ path: f.path, ...readText(f) });
    } finally {
      ahead.close();
    }
  });

  it('leaves a file the worker has not started to the main thread, and the worker then skips it', () => {
    // Slow to parse, so that the worker is still on the first ones when the main thread asks for the last.
    const files = filesOf(Array.from({ length: 12 }, (_, i) => ({ name: `m${i}.py`, content: `X${i} = [${'(1, "a"), '.repeat(4000)}]\n` })));
    const last = files[files.length - 1]!;
    const [sentinel] = filesOf([{ name: 'sentinel.sh', content: 'true\n' }]);
    const ahead = ParseAhead.start({ script: workerScript })!;
    try {
      ahead.submit({ files, scan: [{ file: { ...sentinel!, kind: 'shell-script' }, role: 'other' }] });
      const t0 = performance.now();
      // Not waited for: the main thread parses it (undefined: no tree from the worker). The bound is
      // half the stall limit (5 s), far above the millisecond this takes, so a busy machine passes it.
      expect(ahead.flatTree(last.path, readText(last).text!)).toBeUndefined();
      expect(performance.now() - t0).toBeLessThan(2500);
      expect(ahead.awaitScanned(1)).toBe(true);
      // The worker skipped it and parsed every other file.
      expect(ahead.read(last.path)).toBeUndefined();
      for (const f of files.slice(0, 2)) expect(ahead.flatTree(f.path, readText(f).text!), f.path).toBeDefined();
    } finally {
      ahead.close();
    }
  });

  it('uses a tree only for the text it was made of', () => {
    const [file] = filesOf([{ name: 'settings.py', content: 'DEBUG = False\n' }]);
    const ahead = ParseAhead.start({ script: workerScript })!;
    try {
      ahead.submit({ files: [file!] });
      // The file changed between the worker's read and the main thread's.
      expect(ahead.flatTree(file!.path, 'DEBUG = True\n')).toBeUndefined();
      // Not in the plan: parsed here, nothing to wait for.
      expect(ahead.flatTree('other.py', 'X = 1\n')).toBeUndefined();
    } finally {
      ahead.close();
    }
  });

  it('leaves parsing to the main thread when the worker cannot load or does not answer', () => {
    const [file] = filesOf([{ name: 'settings.py', content: 'DEBUG = False\n' }]);
    for (const script of [brokenScript, silentScript, join(dir, 'no-such-worker.cjs')]) {
      const ahead = ParseAhead.start({ script, stallLimitMs: 1500 });
      if (!ahead) continue; // could not even be started: parsed here
      try {
        ahead.submit({ files: [file!], scan: [{ file: { ...file!, kind: 'python' }, role: 'other' }] });
        // A file the worker never took is parsed here at once; the scan it never answers is given up
        // on after the stall limit, and at once after that. "At once" is bounded by half the stall
        // limit (it takes about a millisecond), so that a busy machine cannot fail it.
        const t0 = performance.now();
        expect(ahead.flatTree(file!.path, 'DEBUG = False\n')).toBeUndefined();
        expect(performance.now() - t0).toBeLessThan(750);
        const t1 = performance.now();
        expect(ahead.awaitScanned(1)).toBe(false);
        expect(performance.now() - t1).toBeLessThan(6000);
        const t2 = performance.now();
        expect(ahead.awaitScanned(1)).toBe(false);
        expect(performance.now() - t2).toBeLessThan(750);
      } finally {
        ahead.close();
      }
    }
  });

  it('a flat tree survives being posted between threads (plain numbers and strings)', () => {
    const text = 'import os\nDEBUG = os.environ.get("DEBUG") == "1"\nclass A:\n    x: int = 1\n';
    const [file] = filesOf([{ name: 'a.py', content: text }]);
    const ahead = ParseAhead.start({ script: workerScript })!;
    try {
      const [sentinel] = filesOf([{ name: 'sentinel.sh', content: 'true\n' }]);
      ahead.submit({ files: [file!], scan: [{ file: { ...sentinel!, kind: 'shell-script' }, role: 'other' }] });
      expect(ahead.awaitScanned(1)).toBe(true);
      const flat = ahead.flatTree(file!.path, text) as FlatTree;
      expect(flat.nodes).toBeInstanceOf(Int32Array);
      expect(treeDifference(unflatten(flat, text), parsePython('a.py', text).root)).toBeUndefined();
    } finally {
      ahead.close();
    }
  });
});

describe('parse-ahead: closing the worker', () => {
  it('never takes the process down, whenever it is closed (loading, parsing, scanning, done)', () => {
    // Terminated inside native code, the worker aborts the process ("terminate called after throwing an
    // instance of 'Napi::Error'"): while tree-sitter loads, and while it parses (the binding calls back
    // into JavaScript for each chunk of the text). One small file: the closes land while the worker
    // starts and loads the parser. Thirty slow files (about 10 ms each): most land inside a parse.
    const [small] = filesOf([{ name: 'settings.py', content: 'DEBUG = False\n' }]);
    const python = filesOf(Array.from({ length: 30 }, (_, i) => ({ name: `m${i}.py`, content: `X${i} = [${'(1, "a", {"k": f"v{x}"}), '.repeat(1500)}]\n` })));
    const delays = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 35, 50, 70, 100, 140, 200, 300, 450];
    for (const folder of [dirname(small!.absPath), dirname(python[0]!.absPath)]) {
      const run = spawnSync(process.execPath, [closeDriver, workerScript, folder, delays.join(',')], { encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr, folder).toBe('');
      expect({ status: run.status, signal: run.signal, stdout: run.stdout }, folder).toEqual({ status: 0, signal: null, stdout: `closed ${delays.length + 1}\n` });
    }
  });
});

describe('parse-ahead: the secrets scan shared with the worker', () => {
  const token = 'ghp_' + 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5';
  const scanFiles = () =>
    filesOf([
      { name: '.env.production', content: `SECRET_KEY=q8Zr2LmX9vKp4TnW7yBc3HdF6gJs1Ae5\nGITHUB_TOKEN=${token}\n` },
      { name: 'deploy.sh', content: `#!/bin/sh\ncurl https://deploy:S3cr3tPassw0rdXyZ@db.internal/\n` },
      { name: 'blob.sh', content: Buffer.from([0x23, 0x21, 0, 1, 2]) },
      { name: 'latin1.sh', content: Buffer.from([0x65, 0xe9, 0x0a]) },
      { name: 'README.md', content: `example: ${token}\n` },
    ]).map((file, i) => ({ file: { ...file, kind: (['dotenv', 'shell-script', 'shell-script', 'shell-script', 'docs'] as const)[i]! }, role: (['production', 'other', 'other', 'other', 'docs'] as SecretFileRole[])[i]! }));

  it('answers each file, in order, with the read the main thread makes and the secrets found in it', () => {
    const scan = scanFiles();
    const ahead = ParseAhead.start({ script: workerScript })!;
    try {
      ahead.submit({ files: [], scan });
      expect(ahead.awaitScanned(scan.length)).toBe(true);
      expect(ahead.scannedCount()).toBe(scan.length);
      scan.forEach((target, i) => {
        const read = readText(target.file as DiscoveredFile);
        const secrets = read.text === undefined ? undefined : scanTarget(target, makeSourceText(target.file.path, read.text));
        expect(ahead.scanned(i), target.file.path).toEqual({ scan: true, path: target.file.path, ...read, secrets });
      });
      // Found something worth the test: the token and the URL password, the binary file's notice.
      expect(ahead.scanned(0)!.secrets!.map((h) => h.detector)).toContain('github-token');
      expect(ahead.scanned(1)!.secrets!.map((h) => h.kind)).toEqual(['url']);
      expect(ahead.scanned(2)!.notice?.kind).toBe('binary');
    } finally {
      ahead.close();
    }
  });

  it('stops before the files the main thread has taken', () => {
    const scan = scanFiles();
    // Python first, so that the worker is still parsing when the main thread takes the last three.
    const python = filesOf(Array.from({ length: 20 }, (_, i) => ({ name: `m${i}.py`, content: `X${i} = [${'1, '.repeat(2000)}]\n` })));
    const ahead = ParseAhead.start({ script: workerScript })!;
    try {
      ahead.submit({ files: python, scan });
      ahead.keepScanFrom(2);
      expect(ahead.awaitScanned(2)).toBe(true);
      // The worker has finished: nothing more is coming.
      expect(ahead.awaitScanned(3)).toBe(false);
      expect(ahead.scannedCount()).toBe(2);
      expect(ahead.scanned(1)!.path).toBe(scan[1]!.file.path);
    } finally {
      ahead.close();
    }
  });
});

describe('parse-ahead: the model is the same either way', () => {
  it('builds the same model of a repository with many projects with the worker forced on and off', async () => {
    // Twelve small Django projects: settings package, URLconfs, gunicorn configuration.
    const repo = mkdtempSync(join(dir, 'repo-'));
    for (let i = 0; i < 12; i++) {
      const p = join(repo, `svc${i}`);
      mkdirSync(join(p, `svc${i}`, 'settings'), { recursive: true });
      mkdirSync(join(p, 'app'), { recursive: true });
      writeFileSync(join(p, 'manage.py'), `import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "svc${i}.settings.production")\n`);
      writeFileSync(join(p, `svc${i}`, '__init__.py'), '');
      writeFileSync(join(p, `svc${i}`, 'settings', '__init__.py'), '');
      writeFileSync(join(p, `svc${i}`, 'settings', 'base.py'), `SECRET_KEY = "x"\nINSTALLED_APPS = ["django.contrib.admin", "app"]\nROOT_URLCONF = "svc${i}.urls"\n`);
      writeFileSync(join(p, `svc${i}`, 'settings', 'production.py'), `from .base import *\nimport os\nDEBUG = os.environ.get("DEBUG", "0") == "1"\nALLOWED_HOSTS = ["svc${i}.example.com"]\n${i % 3 === 0 ? 'X = (\n' : ''}`);
      writeFileSync(join(p, `svc${i}`, 'urls.py'), 'from django.contrib import admin\nfrom django.urls import include, path\nurlpatterns = [path("admin/", admin.site.urls), path("", include("app.urls"))]\n');
      writeFileSync(join(p, 'app', '__init__.py'), '');
      writeFileSync(join(p, 'app', 'urls.py'), 'from django.urls import path\nurlpatterns = [path("health/", lambda r: None)]\n');
      writeFileSync(join(p, 'gunicorn.conf.py'), `bind = "0.0.0.0:${8000 + i}"\nworkers = ${i + 1}\n`);
      // For the secrets scan: secrets, a binary file and a file outside UTF-8, whose notices must come in order.
      writeFileSync(join(p, '.env.production'), `SECRET_KEY=q8Zr2LmX9vKp4TnW7yBc3HdF6gJs${i}Ae5\nAPI_TOKEN=ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z${String(i).padStart(3, '0')}\n`);
      writeFileSync(join(p, 'deploy.sh'), `#!/bin/sh\npsql postgres://app:Xk${i}9vQ2mZ7rT4wY8@db.internal/app\n`);
      writeFileSync(join(p, 'blob.sh'), Buffer.from([0x23, 0x21, 0, i]));
      writeFileSync(join(p, 'notes.conf'), Buffer.from([0x65, 0xe9, 0x0a]));
      // Files only the secrets scan reads (app code, docs): their reads happen in the scan itself.
      writeFileSync(join(p, 'app', 'keys.py'), `STRIPE_KEY = "sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'.slice(i % 3)}${i}"\n`);
      writeFileSync(join(p, 'app', 'blob.py'), Buffer.from([0x23, 0, i]));
      writeFileSync(join(p, 'NOTES.md'), Buffer.concat([Buffer.from(`token ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z${String(i).padStart(3, '0')} `), Buffer.from([0xe9, 0x0a])]));
    }
    // The plan holds 12 x (3 settings modules + 2 URLconfs + 1 gunicorn configuration) = 72 files: 'auto' would start the worker too.
    expect(discover(repo).files.length).toBeGreaterThan(72);
    const strip = (m: object) => JSON.stringify(m, (k, v) => (k === 'root' && typeof v === 'string' ? undefined : v));
    const here = await buildModel(repo, { parseAhead: 'never' });
    // The model builder finds no worker script beside the TypeScript sources: give it the bundled one.
    const there = await buildModelWith(repo, workerScript);
    expect(strip(there)).toBe(strip(here));
    expect(here.djangoProjects).toHaveLength(12);
    expect(here.parseProblems.length).toBe(4);
    expect(here.secrets!.length).toBeGreaterThanOrEqual(36);
    expect(here.notices.filter((n) => n.kind === 'binary')).toHaveLength(24);
    // The scan split between the threads: the main thread takes the last N files, the worker the rest.
    for (const share of [1, 17, 1000]) expect(strip(await buildModelWith(repo, workerScript, share)), `main thread's share ${share}`).toBe(strip(here));
  });
});

/**
 * buildModel with the parse-ahead worker forced on, from the given script; with `mainShare`, the
 * main thread is made to scan that many of the secrets scan's last files itself (it is told the
 * worker has answered none until it has taken them, then that the worker will answer the rest).
 */
async function buildModelWith(repo: string, script: string, mainShare?: number) {
  const original = ParseAhead.start;
  let started = 0;
  ParseAhead.start = (options = {}) => {
    started++;
    const ahead = original.call(ParseAhead, { ...options, script });
    if (ahead && mainShare !== undefined) {
      let taken = 0;
      const keep = ahead.keepScanFrom.bind(ahead);
      ahead.keepScanFrom = (index) => {
        taken++;
        keep(index);
      };
      ahead.scannedCount = () => (taken < mainShare ? 0 : Number.MAX_SAFE_INTEGER);
    }
    return ahead;
  };
  try {
    const model = await buildModel(repo, { parseAhead: 'always' });
    expect(started).toBe(1);
    return model;
  } finally {
    ParseAhead.start = original;
  }
}
