import { LineIndex } from './position.js';

/** A discovered file's decoded text, read once and shared by every stage. */
export interface SourceText {
  /** Repo-relative POSIX path. */
  path: string;
  text: string;
  lines: LineIndex;
}

export function makeSourceText(path: string, text: string): SourceText {
  return { path, text, lines: new LineIndex(text) };
}
