/**
 * What the two sides of parse-ahead share (python-ahead.ts on the main thread, python-ahead-worker.ts
 * on the second): the messages and the shared signal's layout. Kept apart from the worker's module so
 * that the CLI, which only starts the worker, does not load node:worker_threads until it does.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Notice } from '../core/finding.js';
import type { DiscoveredFile } from '../discover/types.js';
import type { SecretFileRole, SecretHit } from '../model/secrets/scan.js';
import type { FlatTree } from './py-tree.js';

export const SIGNAL_POSTED = 0;
export const SIGNAL_STATE = 1;
/** The secrets-scan files from this index on are the main thread's: the worker stops before them. */
export const SIGNAL_SCAN_LIMIT = 2;
/**
 * Whether the worker is in tree-sitter's native code (loading it, parsing): NATIVE_FREE, NATIVE_BUSY,
 * NATIVE_STOP or NATIVE_CLOSED. A worker terminated there takes the whole process down ("terminate
 * called after throwing an instance of 'Napi::Error'"): while parsing, the binding calls back into
 * JavaScript for each chunk of the text, and when that call fails (the thread is being terminated) it
 * throws a C++ exception through the C parser; loading the binding aborted the same way. So the main
 * thread terminates the worker only once it has closed this gate (python-ahead.ts, close()).
 */
export const SIGNAL_NATIVE = 3;
/** Int32 slots in the shared signal. */
export const SIGNAL_SLOTS = 4;

/**
 * Who parses each file of the plan (ParseAheadPlan.claims, one slot a file): nobody yet, the main
 * thread (which got to it first: the worker skips it), or the worker (the main thread waits for it).
 */
export const CLAIM_FREE = 0;
export const CLAIM_MAIN = 1;
export const CLAIM_WORKER = 2;
/** Not in native code: the worker may enter it (compare-and-exchange to NATIVE_BUSY). */
export const NATIVE_FREE = 0;
/** In native code: the main thread may not terminate the worker now. */
export const NATIVE_BUSY = 1;
/** In native code, asked to stop: the parse's input ends at once, and the worker closes the gate when out. */
export const NATIVE_STOP = 2;
/** Closed for good: the worker enters no native code again and may be terminated at any time. */
export const NATIVE_CLOSED = 3;

export const RUNNING = 0;
export const FINISHED = 1;
export const FAILED = 2;

/**
 * What the main thread sends: the files to parse, in the order it will probably ask for them; then
 * the files to scan for secrets (src/model/secrets/scan.ts), in the order of the scan.
 */
export interface ParseAheadPlan {
  files: Array<Pick<DiscoveredFile, 'path' | 'absPath' | 'size'>>;
  /** Shared, one slot per file: CLAIM_FREE, CLAIM_MAIN or CLAIM_WORKER (set by submit). */
  claims?: Int32Array;
  scan?: ScanAheadTarget[];
  maxBytes?: number;
}

/** A file to scan for secrets, with what the scan needs to know of it. */
export interface ScanAheadTarget {
  file: Pick<DiscoveredFile, 'path' | 'absPath' | 'size' | 'kind'>;
  role: SecretFileRole;
}

/**
 * One scanned file (the plan's scan list is answered in order, one message a file): its text and
 * read notice as for a parsed file, and the secrets found in that text (undefined: not scanned,
 * because the text was not readable or is over the scan's size limit).
 */
export interface ScanAheadResult {
  scan: true;
  path: string;
  text?: string;
  notice?: Notice;
  secrets?: SecretHit[];
}

/**
 * One file: its text (undefined: not readable as text), read notice, and flat tree ('timeout': the
 * parser's time limit was reached; undefined: parse it on the main thread).
 */
export interface ParseAheadResult {
  path: string;
  text?: string;
  notice?: Notice;
  flat?: FlatTree | 'timeout';
}

export interface ParseAheadWorkerData {
  port: MessagePort;
  signal: Int32Array;
  parseAhead: true;
}
