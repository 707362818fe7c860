/**
 * The body of an OpenResty `*_by_lua_block { ... }`: Lua, not nginx syntax. Braces are counted
 * outside Lua strings ('...', "...", [[...]], [=[...]=]) and comments (-- and --[[...]]), so
 * `{ a = "}" }` is one block, as lua-nginx-module's own reader sees it.
 */

/**
 * Scan from just after the opening `{` at `from`. Returns the offset of the matching `}`, or
 * undefined when the text ends first.
 */
export function scanLuaBlock(text: string, from: number, end: number): number | undefined {
  let depth = 1;
  let i = from;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x2d /* - */ && text.charCodeAt(i + 1) === 0x2d && i + 1 < end) {
      const long = longBracketLevel(text, i + 2, end);
      if (long !== undefined) {
        const close = findLongClose(text, i + 2 + long + 2, end, long);
        if (close === undefined) return undefined;
        i = close;
        continue;
      }
      while (i < end && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
      i++;
      while (i < end && text.charCodeAt(i) !== c) {
        if (text.charCodeAt(i) === 0x5c /* \ */) i++;
        i++;
      }
      if (i >= end) return undefined;
      i++;
      continue;
    }
    if (c === 0x5b /* [ */) {
      const long = longBracketLevel(text, i, end);
      if (long !== undefined) {
        const close = findLongClose(text, i + long + 2, end, long);
        if (close === undefined) return undefined;
        i = close;
        continue;
      }
    }
    if (c === 0x7b /* { */) depth++;
    else if (c === 0x7d /* } */) {
      depth--;
      if (depth === 0) return i;
    }
    i++;
  }
  return undefined;
}

/** `[[` gives 0, `[==[` gives 2; anything else undefined. */
function longBracketLevel(text: string, at: number, end: number): number | undefined {
  if (text.charCodeAt(at) !== 0x5b) return undefined;
  let level = 0;
  let i = at + 1;
  while (i < end && text.charCodeAt(i) === 0x3d /* = */) {
    level++;
    i++;
  }
  return i < end && text.charCodeAt(i) === 0x5b ? level : undefined;
}

/** Offset just after the `]=*]` of the given level, searching from `from`. */
function findLongClose(text: string, from: number, end: number, level: number): number | undefined {
  const close = `]${'='.repeat(level)}]`;
  const at = text.indexOf(close, from);
  return at < 0 || at + close.length > end ? undefined : at + close.length;
}
