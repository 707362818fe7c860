import { readFileSync } from 'node:fs';
import type { Notice } from '../core/finding.js';
import type { DiscoveredFile } from './types.js';

export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;

export interface ReadResult {
  text?: string;
  notice?: Notice;
}

/**
 * A file's text, decoded the way an editor would: UTF-8 (BOM stripped), UTF-16 when it starts
 * with a UTF-16 BOM, otherwise Latin-1 with a notice. Binary, oversized and unreadable files give
 * a notice and no text. Never throws.
 */
export function readText(file: DiscoveredFile, maxBytes: number = DEFAULT_MAX_BYTES): ReadResult {
  if (file.size > maxBytes) return { notice: tooLarge(file.path, file.size, maxBytes) };
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.absPath);
  } catch (err) {
    return { notice: { kind: 'unreadable', file: file.path, message: `${file.path}: cannot be read (${errorCode(err)})` } };
  }
  // The file may have grown since discovery.
  if (bytes.length > maxBytes) return { notice: tooLarge(file.path, bytes.length, maxBytes) };
  return decodeBytes(file.path, bytes);
}

/** Decode bytes already in memory (exported for callers that read files themselves). */
export function decodeBytes(path: string, bytes: Uint8Array): ReadResult {
  const utf16 = utf16Encoding(bytes);
  if (utf16) return { text: new TextDecoder(utf16).decode(bytes.subarray(2)) };
  if (bytes.includes(0)) {
    return { notice: { kind: 'binary', file: path, message: `${path}: binary file (contains NUL bytes); skipped` } };
  }
  const body = hasUtf8Bom(bytes) ? bytes.subarray(3) : bytes;
  try {
    return { text: utf8Decoder().decode(body) };
  } catch {
    // Not reused after a failure, whatever state the error left it in.
    strictUtf8 = undefined;
    return {
      text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'),
      notice: { kind: 'encoding', file: path, message: `${path}: not valid UTF-8; read as Latin-1` },
    };
  }
}

// One decoder for every file (a fresh one per file cost ~5 us each): a decode call without
// { stream: true } starts from a clean state and flushes at its end.
let strictUtf8: TextDecoder | undefined;
function utf8Decoder(): TextDecoder {
  return (strictUtf8 ??= new TextDecoder('utf-8', { fatal: true }));
}

function hasUtf8Bom(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

function utf16Encoding(b: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (b.length < 2) return undefined;
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  return undefined;
}

function tooLarge(path: string, size: number, maxBytes: number): Notice {
  return { kind: 'too-large', file: path, message: `${path}: ${size} bytes is over the ${maxBytes}-byte limit; skipped` };
}

export function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}
