import { isUtf8 } from 'node:buffer';
import type { BackplaneEnvelope, BackplaneMessage, DeliveryTarget } from './backplane-message';

// What nodes send each other, on every transport: one Buffer per message,
// numbers big-endian, strings UTF-8.
//
//   0      u8    codec version: 1, or 2 when signed (see below)
//   1      u8    kind: 1 deliver, 2 join, 3 leave, 4 metadata, 5 disconnect
//   2      u8    n: length of the sender's node id, 1 to 64
//   3      n     the sender's node id
//   3+n    u32   sequence number, high part   } seq = high * 2^32 + low,
//   7+n    u32   sequence number, low part    } 1 to 2^53 - 1
//   11+n         the body
//
// deliver:  u8 flags (1: binary frame, 2: an except id follows; no other bit),
//           u8 target (0 all, 1 route, 2 room, 3 connection),
//           the route, room or connection id (none for all) as u32 length + bytes,
//           the except id as u32 length + bytes when flagged,
//           then the frame, verbatim, to the end.
// others:   a JSON object to the end: {id, room, version} for join and leave,
//           {id, metadata, version} for metadata, {id, code, reason} for disconnect.
//           They are rare (a room or metadata change of another node's connection).
//
// Signed (version 2, when the nodes share a secret): the same, then 32 bytes
// of HMAC-SHA256 over every byte before them (`node-signer.ts`), which the
// receiver checks before it reads anything else.

/** The first byte of every unsigned message; a node drops any other version. */
export const NODE_CODEC_VERSION = 1;
/** The first byte of a signed message. */
export const SIGNED_NODE_CODEC_VERSION = 2;
/** The length of the signature at the end of a signed message. */
export const SIGNATURE_BYTES = 32;
/** The longest node id the format carries, in UTF-8 bytes. */
export const MAX_NODE_ID_BYTES = 64;

type Kind = BackplaneMessage['type'];
type Change = Exclude<BackplaneMessage, { type: 'deliver' }>;
const KIND_BYTE: { readonly [K in Kind]: number } = { deliver: 1, join: 2, leave: 3, metadata: 4, disconnect: 5 };
const KIND_OF: readonly (Kind | undefined)[] = [undefined, 'deliver', 'join', 'leave', 'metadata', 'disconnect'];
const TARGET_BYTE: { readonly [T in DeliveryTarget['type']]: number } = { all: 0, route: 1, room: 2, connection: 3 };
const TARGET_OF: readonly DeliveryTarget['type'][] = ['all', 'route', 'room', 'connection'];
const BINARY = 1;
const EXCEPT = 2;
const HEADER_BYTES = 11;
const HIGH = 2 ** 32;
/** The high part of the largest safe integer is 2^21 - 1. */
const MAX_HIGH = 2 ** 21 - 1;
const TEXT_START = Buffer.from('{"event":"');
const CLOSE_BRACE = 0x7d;
const ALL: DeliveryTarget = { type: 'all' };

/**
 * Writes a message into one Buffer: the frame of a delivery is copied in as
 * it is, once. When `signed`, the message is marked so and ends with room for
 * the signature, which `NodeSigner.sign` fills in.
 */
export function encodeNodeMessage({ node, seq, msg }: BackplaneEnvelope, signed = false): Buffer {
  const nodeBytes = Buffer.byteLength(node);
  const version = signed ? SIGNED_NODE_CODEC_VERSION : NODE_CODEC_VERSION;
  const tail = signed ? SIGNATURE_BYTES : 0;
  if (msg.type !== 'deliver') {
    const body = JSON.stringify(changeBody(msg));
    const out = Buffer.allocUnsafe(HEADER_BYTES + nodeBytes + Buffer.byteLength(body) + tail);
    out.write(body, writeHeader(out, version, KIND_BYTE[msg.type], node, nodeBytes, seq));
    return out;
  }
  const key = targetKey(msg.target);
  const out = Buffer.allocUnsafe(HEADER_BYTES + nodeBytes + 2 + stringBytes(key) + stringBytes(msg.except) + msg.frame.length + tail);
  let at = writeHeader(out, version, KIND_BYTE.deliver, node, nodeBytes, seq);
  out[at++] = (msg.binary ? BINARY : 0) | (msg.except === undefined ? 0 : EXCEPT);
  out[at++] = TARGET_BYTE[msg.target.type];
  at = writeString(out, at, key);
  at = writeString(out, at, msg.except);
  msg.frame.copy(out, at);
  return out;
}

/** The bytes of what a transport handed over (a Buffer, or a Uint8Array over the same memory), or undefined for anything else. */
export function bytesOf(payload: unknown): Buffer | undefined {
  // Advanced IPC serialisation may hand a Buffer over as a plain Uint8Array.
  if (!(payload instanceof Uint8Array)) return undefined;
  return Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
}

/**
 * True when `bytes` says it comes from the node whose UTF-8 id is `node`:
 * read from the header alone, so a node skips its own messages (Redis
 * echoes every broadcast to its sender) without checking or decoding them.
 */
export function sentBy(bytes: Buffer, node: Buffer): boolean {
  return bytes[2] === node.length && bytes.length >= 3 + node.length && node.compare(bytes, 3, 3 + node.length) === 0;
}

/** The sequence number in the header of a message this node encoded (`encodeNodeMessage`). */
export function sequenceOf(bytes: Buffer): number {
  const at = 3 + bytes[2];
  return bytes.readUInt32BE(at) * HIGH + bytes.readUInt32BE(at + 4);
}

/**
 * Reads what arrived from another node, checking everything as it reads, in
 * one pass. Returns undefined for anything that is not a well-formed message
 * of this version: garbage and forged frames are dropped, never delivered as
 * they came. A delivery's frame is a view into `payload`, not a copy. The
 * signature of a signed message is skipped here: check it first.
 */
export function decodeNodeMessage(payload: unknown): BackplaneEnvelope | undefined {
  let bytes = bytesOf(payload);
  if (bytes?.[0] === SIGNED_NODE_CODEC_VERSION) bytes = bytes.subarray(0, Math.max(0, bytes.length - SIGNATURE_BYTES));
  else if (bytes?.[0] !== NODE_CODEC_VERSION) return undefined;
  if (bytes.length <= HEADER_BYTES) return undefined;
  const kind = KIND_OF[bytes[1]];
  const nodeEnd = 3 + bytes[2];
  if (kind === undefined || nodeEnd === 3 || nodeEnd > 3 + MAX_NODE_ID_BYTES || bytes.length < nodeEnd + 8) return undefined;
  const node = text(bytes, 3, nodeEnd);
  const high = bytes.readUInt32BE(nodeEnd);
  const seq = high * HIGH + bytes.readUInt32BE(nodeEnd + 4);
  if (node === undefined || high > MAX_HIGH || seq === 0) return undefined;
  const msg = kind === 'deliver' ? decodeDelivery(bytes, nodeEnd + 8) : decodeChange(kind, bytes.subarray(nodeEnd + 8));
  return msg && { node, seq, msg };
}

function writeHeader(out: Buffer, version: number, kind: number, node: string, nodeBytes: number, seq: number): number {
  out[0] = version;
  out[1] = kind;
  out[2] = nodeBytes;
  out.write(node, 3);
  out.writeUInt32BE(Math.floor(seq / HIGH), 3 + nodeBytes);
  out.writeUInt32BE(seq % HIGH, 7 + nodeBytes);
  return HEADER_BYTES + nodeBytes;
}

function targetKey(target: DeliveryTarget): string | undefined {
  switch (target.type) {
    case 'all':
      return undefined;
    case 'route':
      return target.route;
    case 'room':
      return target.room;
    case 'connection':
      return target.id;
  }
}

const stringBytes = (value: string | undefined): number => (value === undefined ? 0 : 4 + Buffer.byteLength(value));

function writeString(out: Buffer, at: number, value: string | undefined): number {
  if (value === undefined) return at;
  const length = out.write(value, at + 4);
  out.writeUInt32BE(length, at);
  return at + 4 + length;
}

function changeBody(msg: Change): object {
  switch (msg.type) {
    case 'join':
    case 'leave':
      return { id: msg.id, room: msg.room, version: msg.version };
    case 'metadata':
      return { id: msg.id, metadata: msg.metadata, version: msg.version };
    case 'disconnect':
      return { id: msg.id, code: msg.code, reason: msg.reason };
  }
}

function decodeDelivery(bytes: Buffer, from: number): BackplaneMessage | undefined {
  const flags = bytes[from];
  const type = TARGET_OF[bytes[from + 1]];
  // Past the end, both bytes read undefined: the flags then fail the test below.
  if (!(flags >= 0 && (flags & ~(BINARY | EXCEPT)) === 0) || type === undefined) return undefined;
  const reader = { at: from + 2 };
  const target = type === 'all' ? ALL : toTarget(type, readString(bytes, reader));
  if (!target) return undefined;
  const except = flags & EXCEPT ? readString(bytes, reader) : undefined;
  if (flags & EXCEPT && except === undefined) return undefined;
  const frame = bytes.subarray(reader.at);
  const binary = (flags & BINARY) !== 0;
  if (!binary && !isTextFrame(frame)) return undefined;
  return { type: 'deliver', target, except, frame, binary };
}

function toTarget(type: Exclude<DeliveryTarget['type'], 'all'>, key: string | undefined): DeliveryTarget | undefined {
  if (key === undefined) return undefined;
  if (type === 'route') return { type, route: key };
  if (type === 'room') return { type, room: key };
  return { type, id: key };
}

/** A u32 length and that many bytes of UTF-8 at `reader.at`, which moves past them; undefined if they are not all there. */
function readString(bytes: Buffer, reader: { at: number }): string | undefined {
  if (bytes.length < reader.at + 4) return undefined;
  const start = reader.at + 4;
  const end = start + bytes.readUInt32BE(reader.at);
  if (end > bytes.length) return undefined;
  reader.at = end;
  return text(bytes, start, end);
}

function text(bytes: Buffer, start: number, end: number): string | undefined {
  return isUtf8(bytes.subarray(start, end)) ? bytes.toString('utf8', start, end) : undefined;
}

/**
 * A text frame clients may be sent, checked without parsing it again: every
 * text frame the server encodes is a JSON object whose first key is `event`,
 * a string (`toWire`), so it starts with `{"event":"` and ends with `}`. That
 * and valid UTF-8 are enough because these bytes only ever go to clients, as
 * one WebSocket text frame: UTF-8 is what the protocol demands of a text frame
 * (a client closes the connection on anything else), and the client SDK drops
 * (and reports, as `BAD_FRAME`) a frame it cannot parse. A forged frame that passes is no worse than a
 * well-formed one, which anyone who can publish on the transport can send.
 */
function isTextFrame(frame: Buffer): boolean {
  return (
    frame.length >= TEXT_START.length + 2 &&
    frame[frame.length - 1] === CLOSE_BRACE &&
    TEXT_START.compare(frame, 0, TEXT_START.length) === 0 &&
    isUtf8(frame)
  );
}

function decodeChange(type: Change['type'], body: Buffer): Change | undefined {
  let value: unknown;
  try {
    value = isUtf8(body) ? JSON.parse(body.toString()) : undefined;
  } catch {
    return undefined;
  }
  if (!isObject(value) || typeof value.id !== 'string') return undefined;
  const { id, room, metadata, version, code, reason } = value;
  switch (type) {
    case 'join':
    case 'leave':
      return typeof room === 'string' && isVersion(version) ? { type, id, room, version } : undefined;
    case 'metadata':
      return isObject(metadata) && isVersion(version) ? { type, id, metadata, version } : undefined;
    case 'disconnect':
      // ws throws on a reason over 123 bytes, and on any close code but these.
      return isCloseCode(code) && typeof reason === 'string' && Buffer.byteLength(reason) <= 123 ? { type, id, code, reason } : undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A registry version: counts changes from 1. */
const isVersion = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/** A close code a server may send (RFC 6455 section 7.4): ws refuses any other, by throwing. */
function isCloseCode(v: unknown): v is number {
  if (typeof v !== 'number' || !Number.isInteger(v)) return false;
  return (v >= 1000 && v <= 1014 && v !== 1004 && v !== 1005 && v !== 1006) || (v >= 3000 && v <= 4999);
}
