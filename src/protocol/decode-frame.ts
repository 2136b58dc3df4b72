import { ErrorCode } from './error-codes';
import { BuiltInEvent, type FrameId, type InboundFrame } from './frames';
import { topLevelId } from './top-level-id';

/** Limits applied while decoding, before any handler sees the frame. */
export interface DecodeLimits {
  /** Deepest nesting of objects and arrays accepted in a text frame. */
  readonly maxDepth: number;
}

export type DecodeResult =
  | { readonly ok: true; readonly frame: InboundFrame }
  | { readonly ok: false; readonly code: ErrorCode; readonly reason: string; readonly id?: FrameId };

/**
 * Decodes one client frame. Never throws: every malformed input becomes a
 * `BAD_FRAME` result that the dispatcher turns into an `exception` frame.
 */
export function decodeFrame(data: Buffer | string, isBinary: boolean, limits: DecodeLimits): DecodeResult {
  if (isBinary) {
    return { ok: true, frame: { kind: 'binary', data: typeof data === 'string' ? Buffer.from(data) : data } };
  }
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const depth = jsonDepth(text);
  if (depth > limits.maxDepth) {
    // Not parsed, but its id is read, so a client's request fails at once instead of timing out.
    return bad(`frame nests deeper than ${limits.maxDepth} levels`, readId(topLevelId(text)));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return bad('frame is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return bad('frame must be a JSON object with an "event" property');
  }
  const raw = parsed as Record<string, unknown>;
  const id = readId(raw.id);
  // `"id": null` is how some clients say "no id".
  if (raw.id !== undefined && raw.id !== null && id === undefined) {
    return bad('"id" must be a string or a finite number');
  }
  if (typeof raw.event !== 'string' || raw.event.length === 0) {
    return bad('"event" must be a non-empty string', id);
  }
  // `room` is informational (SPEC 2): anything but a string is ignored, never refused.
  // Nest's own clients send `data`; Dox clients send `message`.
  const message = Object.prototype.hasOwnProperty.call(raw, 'message') ? raw.message : raw.data;
  const frame = { kind: 'event' as const, event: raw.event, message, room: typeof raw.room === 'string' ? raw.room : undefined, id };
  if (raw.event !== BuiltInEvent.JOIN_ROOM || (raw.since === undefined && raw.previous === undefined)) return { ok: true, frame };
  const since = readSince(raw.since);
  if (typeof since === 'string') return bad(since, id);
  if (
    raw.previous !== undefined &&
    (typeof raw.previous !== 'string' || raw.previous.length === 0 || raw.previous.length > MAX_ID_LENGTH)
  ) {
    return bad(`"previous" must be the connection id the client had before, a string of 1 to ${MAX_ID_LENGTH} characters`, id);
  }
  return { ok: true, frame: { ...frame, since, previous: raw.previous as string | undefined } };
}

/** The longest epoch the protocol carries. */
const MAX_EPOCH_LENGTH = 64;
/** The longest connection id `previous` may name. */
const MAX_ID_LENGTH = 128;

/** A joinRoom's `since`, or why it is not one. */
function readSince(value: unknown): { epoch: string; offset: number } | undefined | string {
  if (value === undefined) return undefined;
  const why = '"since" must be {"epoch": <string>, "offset": <whole number ≥ 0>}, the position the client saw last';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return why;
  const { epoch, offset } = value as Record<string, unknown>;
  if (typeof epoch !== 'string' || epoch.length === 0 || epoch.length > MAX_EPOCH_LENGTH) return why;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return why;
  return { epoch, offset };
}

/**
 * The id of a text frame, found by a scan instead of a parse: for a frame
 * refused unread (rate limits), whose refusal still carries the id the
 * client's request waits for.
 */
export function scanFrameId(text: string): FrameId | undefined {
  return readId(topLevelId(text));
}

function bad(reason: string, id?: FrameId): DecodeResult {
  return { ok: false, code: ErrorCode.BAD_FRAME, reason, id };
}

function readId(value: unknown): FrameId | undefined {
  if (typeof value === 'string' && value.length <= 128) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The maximum nesting depth of a JSON text, found by one scan that skips
 * strings. Run before `JSON.parse` so a hostile frame never costs a parse of
 * thousands of nested levels (or a stack overflow).
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) max = depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return max;
}
