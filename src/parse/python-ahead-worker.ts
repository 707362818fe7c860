/**
 * The second thread's side of parse-ahead (see python-ahead.ts): reads and parses, in the order
 * given, the Python files the model builders are expected to parse, and posts each file's text and
 * read notice with its flattened syntax tree. It reads with the main thread's own reader (same
 * decoding, limits and notices); the main thread uses a tree only for the very text it holds, so a
 * file that changed between two reads is simply parsed again there. Then, the Python done, it scans
 * the files the secrets scan reads (the same reader and scanner), from the first on, posting each
 * file's text with the secrets found in it, until it reaches the files the main thread took.
 *
 * workerData holds the port to post on and a shared Int32Array (SIGNAL_POSTED: how many messages
 * were posted; SIGNAL_STATE: RUNNING, FINISHED or FAILED; SIGNAL_SCAN_LIMIT: where the main thread's
 * share of the scan begins), which lets the main thread wait for a tree synchronously (Atomics.wait)
 * inside its synchronous model builders.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { makeSourceText } from '../core/source.js';
import { readText } from '../discover/read.js';
import type { DiscoveredFile } from '../discover/types.js';
import { scanTarget } from '../model/secrets/scan.js';
import { CLAIM_FREE, CLAIM_WORKER, FAILED, FINISHED, NATIVE_BUSY, NATIVE_CLOSED, NATIVE_FREE, NATIVE_STOP, SIGNAL_NATIVE, SIGNAL_POSTED, SIGNAL_SCAN_LIMIT, SIGNAL_STATE, type ParseAheadPlan, type ParseAheadResult, type ParseAheadWorkerData, type ScanAheadResult } from './python-ahead-protocol.js';

function run(): void {
  const { port, signal } = workerData as ParseAheadWorkerData;
  // The port stays open: closing it could drop messages the main thread has not taken yet.
  const posted = (): void => {
    Atomics.add(signal, SIGNAL_POSTED, 1);
    Atomics.notify(signal, SIGNAL_POSTED);
  };
  const finish = (state: number): void => {
    Atomics.store(signal, SIGNAL_STATE, state);
    Atomics.notify(signal, SIGNAL_POSTED);
  };
  // Native code only between these two (see SIGNAL_NATIVE): false from either means the main thread
  // is shutting the worker down, and it does nothing more.
  const enterNative = (): boolean => Atomics.compareExchange(signal, SIGNAL_NATIVE, NATIVE_FREE, NATIVE_BUSY) === NATIVE_FREE;
  const leaveNative = (): boolean => {
    if (Atomics.compareExchange(signal, SIGNAL_NATIVE, NATIVE_BUSY, NATIVE_FREE) === NATIVE_BUSY) return true;
    Atomics.store(signal, SIGNAL_NATIVE, NATIVE_CLOSED);
    Atomics.notify(signal, SIGNAL_NATIVE);
    return false;
  };
  const stopped = (): boolean => Atomics.load(signal, SIGNAL_NATIVE) === NATIVE_STOP;
  parentPort!.once('message', async (plan: ParseAheadPlan) => {
    try {
      if (!enterNative()) return finish(FINISHED);
      // Loaded here rather than imported above, so that a parser that cannot load (the native
      // module) is a failure the main thread hears of at once, not a worker that never answers.
      const { flatParse } = await import('./python.js').catch((err: unknown) => {
        leaveNative();
        throw err;
      });
      if (!leaveNative()) return finish(FINISHED);
      for (let i = 0; i < plan.files.length; i++) {
        // A file the main thread got to first is its own: skipped here.
        if (plan.claims && Atomics.compareExchange(plan.claims, i, CLAIM_FREE, CLAIM_WORKER) !== CLAIM_FREE) continue;
        const file = plan.files[i]!;
        const { text, notice } = readText(file as DiscoveredFile, plan.maxBytes);
        let flat: ReturnType<typeof flatParse>;
        if (text !== undefined) {
          if (!enterNative()) return finish(FINISHED);
          try {
            flat = flatParse(text, stopped);
          } catch (err) {
            leaveNative();
            throw err;
          }
          if (!leaveNative()) return finish(FINISHED);
        }
        const result: ParseAheadResult = { path: file.path, text, notice, flat };
        port.postMessage(result, flat && flat !== 'timeout' ? [flat.nodes.buffer as ArrayBuffer] : []);
        posted();
      }
      // Then the secrets scan, from its first file on, until the main thread (which scans from the
      // last file back) says the rest is its own.
      const scan = plan.scan ?? [];
      for (let i = 0; i < scan.length && i < Atomics.load(signal, SIGNAL_SCAN_LIMIT); i++) {
        const target = scan[i]!;
        const { text, notice } = readText(target.file as DiscoveredFile, plan.maxBytes);
        const secrets = text === undefined ? undefined : scanTarget(target, makeSourceText(target.file.path, text));
        const result: ScanAheadResult = { scan: true, path: target.file.path, text, notice, secrets };
        port.postMessage(result);
        posted();
      }
      finish(FINISHED);
    } catch {
      finish(FAILED);
    }
  });
}

// Runs only as the parse-ahead worker (the CLI bundle does not include this module: the main thread's
// side imports only python-ahead-protocol.ts).
if (!isMainThread && (workerData as { parseAhead?: boolean } | null | undefined)?.parseAhead === true) {
  try {
    run();
  } catch {
    const { signal } = workerData as ParseAheadWorkerData;
    Atomics.store(signal, SIGNAL_STATE, FAILED);
    Atomics.notify(signal, SIGNAL_POSTED);
  }
}
