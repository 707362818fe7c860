/**
 * What the two sides of parse-ahead share (python-ahead.ts on the main thread, python-ahead-worker.ts
 * on the second): the messages and the shared signal's layout. Kept apart from the worker's module so
 * that the CLI, which only starts the worker, does not load node:worker_threads until it does.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Notice } from '../core/finding.js';
import type { DiscoveredFile } from '../discover/types.js';
import type { FlatTree } from './py-tree.js';

export const SIGNAL_POSTED = 0;
export const SIGNAL_STATE = 1;
export const RUNNING = 0;
export const FINISHED = 1;
export const FAILED = 2;

/** What the main thread sends: the files to parse, in the order it will probably ask for them. */
export interface ParseAheadPlan {
  files: Array<Pick<DiscoveredFile, 'path' | 'absPath' | 'size'>>;
  maxBytes?: number;
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
