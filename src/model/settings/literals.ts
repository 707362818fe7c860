import type { PyNode } from '../../parse/python.js';

export interface StringPrefix {
  raw: boolean;
  bytes: boolean;
  format: boolean;
}

/** Prefix letters of a string node (`rb"..."`, `f'...'`, `u"..."`). */
export function stringPrefix(node: PyNode): StringPrefix {
  const start = node.children.find((c) => c.type === 'string_start')?.text ?? '"';
  // No prefix letters (most literals): nothing to look for.
  if (start[0] === '"' || start[0] === "'") return { raw: false, bytes: false, format: false };
  const letters = start.replace(/['"]+$/, '').toLowerCase();
  return { raw: letters.includes('r'), bytes: letters.includes('b'), format: letters.includes('f') || letters.includes('t') };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Decodes backslash escapes as Python does for a non-raw literal. `\N{...}` is kept as written. */
export function decodeEscapes(text: string, bytes: boolean): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const n = text[i + 1]!;
    if (n === '\n') {
      i += 1;
      continue;
    }
    if (n === '\r') {
      i += text[i + 2] === '\n' ? 2 : 1;
      continue;
    }
    if (n in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[n];
      i += 1;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
    if (octal) {
      out += String.fromCodePoint(parseInt(octal[0], 8));
      i += octal[0].length;
      continue;
    }
    const hexLen = n === 'x' ? 2 : !bytes && n === 'u' ? 4 : !bytes && n === 'U' ? 8 : 0;
    if (hexLen > 0) {
      const hex = text.slice(i + 2, i + 2 + hexLen);
      if (hex.length === hexLen && /^[0-9a-fA-F]+$/.test(hex)) {
        const cp = parseInt(hex, 16);
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
        i += 1 + hexLen;
        continue;
      }
    }
    // Unknown escapes keep their backslash, as Python does.
    out += c;
  }
  return out;
}

/** The literal text of a string_content part, with `{{`/`}}` folded for f-strings. */
export function decodeContent(text: string, prefix: StringPrefix): string {
  let s = prefix.raw ? text : decodeEscapes(text, prefix.bytes);
  if (prefix.format) s = s.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  return s;
}

/** Python integer literal (with `_`, 0x/0o/0b); undefined when it does not fit a double exactly. */
export function parseIntLiteral(text: string): number | undefined {
  const t = text.replace(/_/g, '').toLowerCase();
  let v: number;
  if (t.startsWith('0x')) v = parseInt(t.slice(2), 16);
  else if (t.startsWith('0o')) v = parseInt(t.slice(2), 8);
  else if (t.startsWith('0b')) v = parseInt(t.slice(2), 2);
  else v = parseInt(t.replace(/l$/, ''), 10);
  return Number.isFinite(v) ? v : undefined;
}

export function parseFloatLiteral(text: string): number | undefined {
  const t = text.replace(/_/g, '').toLowerCase();
  if (t.endsWith('j')) return undefined;
  const v = Number(t.endsWith('.') ? t.slice(0, -1) : t);
  return Number.isNaN(v) ? undefined : v;
}
