import type { FrameId } from './frames';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN = new Set([0x7b, 0x5b]);
const CLOSE = new Set([0x7d, 0x5d]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** Longer string ids are not ids (see `readId`): no need to read past them. */
const MAX_ID_CHARS = 128;

/**
 * The raw value of the `"id"` key of the outermost object of a JSON text,
 * found by one scan without parsing it: for a frame refused before it is
 * parsed (nested too deep), so the refusal can still carry the id the client
 * waits for. Undefined when there is no such key or its value is neither a
 * string nor a number; the last one wins, as with `JSON.parse`.
 */
export function topLevelId(text: string): unknown {
  let depth = 0;
  let found: unknown;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return found;
      if (depth === 1 && end === i + 3 && text.startsWith('id', i + 1)) {
        const value = valueAfterColon(text, end + 1);
        if (value.ok) {
          found = value.id;
          i = value.end - 1;
          continue;
        }
      }
      i = end;
    } else if (OPEN.has(c)) {
      depth++;
    } else if (CLOSE.has(c)) {
      depth--;
    }
  }
  return found;
}

/** The index of the quote that closes the string opening at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** After a key: `:`, then a string or a number; not ok when no `:` follows (the string was a value, not a key). */
function valueAfterColon(text: string, from: number): { ok: true; id: FrameId | undefined; end: number } | { ok: false } {
  let i = skipSpace(text, from);
  if (text.charCodeAt(i) !== COLON) return { ok: false };
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === QUOTE) {
    const end = stringEnd(text, i);
    if (end < 0) return { ok: false };
    if (end - i - 1 > MAX_ID_CHARS * 6) return { ok: true, id: undefined, end: end + 1 };
    try {
      return { ok: true, id: JSON.parse(text.slice(i, end + 1)) as string, end: end + 1 };
    } catch {
      return { ok: true, id: undefined, end: end + 1 };
    }
  }
  NUMBER.lastIndex = i;
  const match = NUMBER.exec(text);
  // Any other value (null, an object) is no id, and the scan goes on into it.
  return match ? { ok: true, id: Number(match[0]), end: i + match[0].length } : { ok: true, id: undefined, end: i };
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  return i;
}
