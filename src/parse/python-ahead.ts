/**
 * Parse-ahead: Python files read and parsed on a second thread, for repositories with many of them.
 *
 * Why: the model builders are synchronous and single-threaded, and tree-sitter parses Python at
 * about 4 MB/s, while copying its tree out through the cursor costs as much again (about 1.8 us a
 * node). The files to parse are known right after discovery (settings modules, URLconfs, gunicorn
 * configurations), so the worker (python-ahead-worker.ts) parses them in the order the builders are
 * expected to ask, and hands each tree over flattened (one transferable buffer), which the main
 * thread turns into nodes in about a tenth of the time. On the 50-project benchmark monorepo that
 * took about 180 ms off the main thread.
 *
 * The audit's result cannot depend on the worker, only its speed: a tree is used only for exactly the
 * text the main thread holds; a file the worker has not read yet is read on the main thread as
 * before; whatever the worker does not deliver (it failed, it made no progress for STALL_LIMIT_MS,
 * the file is not in its plan) is parsed on the main thread. Nor does the main thread wait for a file
 * the worker has not started: each planned file has a shared claim, taken by compare-and-exchange by
 * whichever thread gets to it first, so the main thread waits only for a file being parsed right then.
 *
 * Its Python done (by the time the Django projects are built), the worker would sit idle for the rest
 * of the audit, so it then takes the secrets scan's reading and scanning too, from the first file on,
 * while the main thread, when it gets there, scans from the last file back until they meet
 * (src/model/build.ts, scanSecretsWithHelp). On the benchmark monorepo the worker had scanned all of
 * its 4,400 files before the main thread got there: the scan's stage went from about 130 ms to 6 ms.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { MessagePort, Worker } from 'node:worker_threads';
import { monotonicMs } from '../core/clock.js';
import type { Notice } from '../core/finding.js';
import type { FlatTree } from './py-tree.js';
import { CLAIM_FREE, CLAIM_MAIN, CLAIM_WORKER, FAILED, NATIVE_BUSY, NATIVE_CLOSED, NATIVE_FREE, NATIVE_STOP, RUNNING, SIGNAL_NATIVE, SIGNAL_POSTED, SIGNAL_SCAN_LIMIT, SIGNAL_SLOTS, SIGNAL_STATE, type ParseAheadPlan, type ParseAheadResult, type ParseAheadWorkerData, type ScanAheadResult } from './python-ahead-protocol.js';

type WorkerThreads = typeof import('node:worker_threads');

/**
 * Fewer Python files to parse than this and the worker is not started: a new V8 isolate with
 * tree-sitter loaded again costs more than the main thread spends on them.
 */
export const PARSE_AHEAD_MIN_FILES = 40;

/** How long the main thread waits for the worker to make any progress before parsing everything itself. */
const STALL_LIMIT_MS = 5000;

/**
 * How long close() waits for the worker to leave native code. Asked to stop, a parse reads no more
 * text and ends within milliseconds; tree-sitter's own time limit (PARSE_TIME_LIMIT_MS, 10 s) bounds
 * a parse that is slow over the text it already has.
 */
const NATIVE_EXIT_LIMIT_MS = 12_000;

export interface ParseAheadOptions {
  /** The worker's script (default: the one beside this module). */
  script?: string;
  /** Default STALL_LIMIT_MS (tests shorten it). */
  stallLimitMs?: number;
}

export type ParseAheadMode = 'auto' | 'always' | 'never';

export class ParseAhead {
  /** The plan's files, by path: their index in the plan (and in `claims`). */
  private readonly planned = new Map<string, number>();
  private claims: Int32Array | undefined;
  private readonly results = new Map<string, ParseAheadResult>();
  /** The scan's answers, in the plan's scan order (the worker answers them in order). */
  private readonly scanResults: ScanAheadResult[] = [];
  private received = 0;
  private dead = false;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
    private readonly stallLimitMs: number,
    private readonly receiveMessageOnPort: WorkerThreads['receiveMessageOnPort'],
  ) {
    // A worker that fails (it cannot load, it throws) must never take the audit down with it.
    worker.on('error', () => {
      this.dead = true;
    });
    // The audit never waits for the worker to end.
    worker.unref();
  }

  /**
   * Starts the worker, before the files are known, so that it loads while discovery goes on.
   * Undefined when there is no worker script beside this module (tests that run the TypeScript
   * sources parse on the main thread) or the worker cannot be started.
   */
  static start(options: ParseAheadOptions = {}): ParseAhead | undefined {
    const script = options.script ?? workerScript();
    if (!script) return undefined;
    try {
      // Loaded only here: node:worker_threads costs 2-3 ms to load, and most audits never start the worker.
      const { MessageChannel, receiveMessageOnPort, Worker } = createRequire(import.meta.url)('node:worker_threads') as WorkerThreads;
      const { port1, port2 } = new MessageChannel();
      const signal = new Int32Array(new SharedArrayBuffer(SIGNAL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
      const workerData: ParseAheadWorkerData = { port: port2, signal, parseAhead: true };
      const worker = new Worker(script, { workerData, transferList: [port2], stdout: true, stderr: true });
      return new ParseAhead(worker, port1, signal, options.stallLimitMs ?? STALL_LIMIT_MS, receiveMessageOnPort);
    } catch {
      return undefined;
    }
  }

  /** Hands the worker the files to parse, in order, and then the files of the secrets scan. */
  submit(plan: ParseAheadPlan): void {
    if (this.dead) return;
    plan.files.forEach((f, i) => this.planned.set(f.path, i));
    this.claims = new Int32Array(new SharedArrayBuffer(Math.max(1, plan.files.length) * Int32Array.BYTES_PER_ELEMENT));
    Atomics.store(this.signal, SIGNAL_SCAN_LIMIT, plan.scan?.length ?? 0);
    this.worker.postMessage({ ...plan, claims: this.claims });
  }

  /** The worker's read of a file when it has already arrived (never waits). */
  read(path: string): { text?: string; notice?: Notice } | undefined {
    if (this.closed || !this.planned.has(path)) return undefined;
    this.drain();
    return this.results.get(path);
  }

  /**
   * The flat tree of `path` when the worker parsed exactly `text` ('timeout' when the parser's time
   * limit was reached there). Undefined means: parse it here. A file the worker has not started is
   * claimed for this thread (the worker then skips it) rather than waited for; only a file the worker
   * is parsing now is waited for.
   */
  flatTree(path: string, text: string): FlatTree | 'timeout' | undefined {
    const index = this.planned.get(path);
    if (index === undefined || this.closed) return undefined;
    if (!this.results.has(path)) this.drain();
    if (!this.results.has(path)) {
      if (this.dead || Atomics.compareExchange(this.claims!, index, CLAIM_FREE, CLAIM_MAIN) !== CLAIM_WORKER) return undefined;
      this.waitFor(() => this.results.has(path));
    }
    const result = this.results.get(path);
    if (!result) return undefined;
    const flat = result.flat;
    // Each file is parsed once (the caller keeps the parse): the buffer is not needed again.
    result.flat = undefined;
    return result.text === text ? flat : undefined;
  }

  /** How many of the scan's files the worker has answered so far (they are the first ones: never waits). */
  scannedCount(): number {
    if (!this.closed) this.drain();
    return this.scanResults.length;
  }

  /** The worker's answer for the scan's file at `index`, when it has come. */
  scanned(index: number): ScanAheadResult | undefined {
    return this.scanResults[index];
  }

  /** The scan's files from `index` on are the main thread's: the worker stops before them. */
  keepScanFrom(index: number): void {
    Atomics.store(this.signal, SIGNAL_SCAN_LIMIT, index);
  }

  /** Waits until the worker has answered the scan's first `count` files; false when they are not coming. */
  awaitScanned(count: number): boolean {
    if (this.closed) return false;
    this.waitFor(() => this.scanResults.length >= count);
    return this.scanResults.length >= count;
  }

  /**
   * Waits until `arrived()` holds, the worker is done or failed with every message taken, or it has
   * made no progress for the stall limit (then it is given up on: everything left is done here).
   */
  private waitFor(arrived: () => boolean): void {
    let deadline = monotonicMs() + this.stallLimitMs;
    while (!arrived() && !this.dead) {
      if (this.drain()) {
        deadline = monotonicMs() + this.stallLimitMs;
        continue;
      }
      const posted = Atomics.load(this.signal, SIGNAL_POSTED);
      const state = Atomics.load(this.signal, SIGNAL_STATE);
      if (state !== RUNNING && posted <= this.received) {
        // Finished (or failed) with every message received: nothing more is coming.
        if (state === FAILED) this.dead = true;
        break;
      }
      const left = deadline - monotonicMs();
      if (left <= 0) {
        this.dead = true;
        break;
      }
      // Until the worker posts again; a message counted but not yet on the port is looked for again shortly.
      Atomics.wait(this.signal, SIGNAL_POSTED, posted, posted > this.received ? Math.min(1, left) : left);
    }
  }

  /**
   * Stops the worker: the model is built, nothing more will be asked. The worker is terminated only
   * out of native code (see SIGNAL_NATIVE: terminated inside a parse, it would abort the process): when
   * it is parsing, it is asked to stop and waited for, which takes milliseconds.
   */
  close(): void {
    if (this.closed) return;
    this.dead = true;
    this.closed = true;
    this.results.clear();
    this.scanResults.length = 0;
    this.port.close();
    if (this.closeNativeGate()) void this.worker.terminate().catch(() => undefined);
    // Otherwise (never seen: a parse that outlasts tree-sitter's own time limit) the worker is left to
    // end its parse and then stop by itself; it is unreferenced, so the audit does not wait for it.
  }

  /** Shuts the worker out of native code for good; false when it did not leave it in time. */
  private closeNativeGate(): boolean {
    const deadline = monotonicMs() + NATIVE_EXIT_LIMIT_MS;
    for (;;) {
      const state = Atomics.compareExchange(this.signal, SIGNAL_NATIVE, NATIVE_FREE, NATIVE_CLOSED);
      if (state === NATIVE_FREE || state === NATIVE_CLOSED) return true;
      if (state === NATIVE_BUSY) {
        // Asked to stop; when it has just left native code, the gate is closed on the next round.
        Atomics.compareExchange(this.signal, SIGNAL_NATIVE, NATIVE_BUSY, NATIVE_STOP);
        continue;
      }
      const left = deadline - monotonicMs();
      if (left <= 0) return false;
      Atomics.wait(this.signal, SIGNAL_NATIVE, NATIVE_STOP, left);
    }
  }

  /** Takes every message already delivered; whether there was any. */
  private drain(): boolean {
    let any = false;
    for (let m = this.receiveMessageOnPort(this.port); m; m = this.receiveMessageOnPort(this.port)) {
      any = true;
      this.received++;
      const result = m.message as ParseAheadResult | ScanAheadResult;
      if ('scan' in result) this.scanResults.push(result);
      else this.results.set(result.path, result);
    }
    return any;
  }
}

/** The worker's script beside this module: the bundle's (dist/python-ahead-worker.cjs) or tsc's output. */
function workerScript(): string | undefined {
  for (const name of ['./python-ahead-worker.cjs', './python-ahead-worker.js']) {
    try {
      const path = fileURLToPath(new URL(name, import.meta.url));
      if (existsSync(path)) return path;
    } catch {
      // not a file URL: no worker
    }
  }
  return undefined;
}
