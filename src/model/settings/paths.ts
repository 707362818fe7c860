/** POSIX path arithmetic as os.path and pathlib do it (no file-system access). */
import { trimEndChars } from '../../core/trim.js';

/** os.path.normpath. */
export function normpath(p: string): string {
  if (p === '') return '.';
  const initial = p.startsWith('/') ? (p.startsWith('//') && !p.startsWith('///') ? '//' : '/') : '';
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (!initial && out.length === 0) || (out.length > 0 && out[out.length - 1] === '..')) out.push(part);
    else if (out.length > 0) out.pop();
  }
  const joined = initial + out.join('/');
  return joined || '.';
}

/** os.path.abspath with a working directory (the deploy root). */
export function abspath(p: string, cwd: string): string {
  return normpath(p.startsWith('/') ? p : join(cwd, p));
}

/** os.path.join. */
export function join(first: string, ...rest: string[]): string {
  let out = first;
  for (const part of rest) {
    if (part.startsWith('/')) out = part;
    else if (out === '' || out.endsWith('/')) out += part;
    else out += `/${part}`;
  }
  return out;
}

/** os.path.dirname. */
export function dirname(p: string): string {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  if (head && head !== '/'.repeat(head.length)) head = trimEndChars(head, '/');
  return head;
}

/** os.path.basename. */
export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export function splitext(p: string): [string, string] {
  const base = basename(p);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return [p, ''];
  const cut = p.length - base.length + dot;
  return [p.slice(0, cut), p.slice(cut)];
}

/** pathlib's string form: collapses `//`, drops `.` parts and trailing slashes, keeps `..`. */
export function purePath(p: string): string {
  if (p === '') return '.';
  const abs = p.startsWith('/');
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  const s = (abs ? '/' : '') + parts.join('/');
  return s || (abs ? '/' : '.');
}

/** pathlib `a / b`. */
export function pathJoin(a: string, b: string): string {
  if (b.startsWith('/')) return purePath(b);
  return purePath(a === '.' ? b : `${a}/${b}`);
}

/** pathlib `.parent`: lexical, so `..` parts are kept (as pathlib does). */
export function pathParent(p: string): string {
  const s = purePath(p);
  if (s === '/' || s === '.') return s;
  const i = s.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : s.slice(0, i);
}

export function pathName(p: string): string {
  const s = purePath(p);
  if (s === '/' || s === '.') return '';
  return s.slice(s.lastIndexOf('/') + 1);
}

/** A repo-relative path for an absolute path under the deploy root, if it is one. */
export function repoRelative(abs: string, deployRoot: string): string | undefined {
  const n = normpath(abs);
  const root = normpath(deployRoot);
  if (n === root) return '';
  if (n.startsWith(`${root}/`)) return n.slice(root.length + 1);
  return undefined;
}
