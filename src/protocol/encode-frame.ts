import { BuiltInEvent, type FrameId, type OutboundFrame, type WireFrame } from './frames';

/**
 * A frame ready for the socket: its bytes (UTF-8 JSON for a text frame, the
 * message's own bytes for a binary one) and which of the two it is, so no
 * writer has to ask again.
 */
export interface EncodedFrame {
  readonly bytes: Buffer;
  readonly binary: boolean;
}

/**
 * Maps the typed frame to the wire shape; the only place that knows the JSON
 * layout. `event` is the first key of every shape, so every text frame starts
 * with `{"event":"`: a node checks frames from other nodes by that start.
 */
export function toWire(frame: OutboundFrame): WireFrame {
  switch (frame.kind) {
    case 'connected':
      return { event: BuiltInEvent.CONNECTED, message: { id: frame.id } };
    case 'exception':
      return withId({ event: BuiltInEvent.EXCEPTION, message: frame.error }, frame.id);
    case 'event': {
      const wire: { -readonly [K in keyof WireFrame]: WireFrame[K] } = {
        event: frame.event,
        message: frame.message === undefined ? null : frame.message,
      };
      if (frame.sender !== undefined) wire.sender = frame.sender;
      if (frame.room !== undefined) wire.room = frame.room;
      if (frame.id !== undefined) wire.id = frame.id;
      return wire;
    }
  }
}

/**
 * Serialises a frame exactly once. A message that is binary (a Buffer or any
 * typed array) goes out as a binary frame holding just its bytes; everything
 * else is a JSON text frame.
 */
export function encodeFrame(frame: OutboundFrame): EncodedFrame {
  if (frame.kind === 'event') {
    const bytes = asBinary(frame.message);
    if (bytes) return { bytes, binary: true };
  }
  return { bytes: Buffer.from(JSON.stringify(toWire(frame))), binary: false };
}

const CLOSE_BRACE = 0x7d;

/**
 * A text frame with `"offset":N` added as its last key: a history room's
 * publication as members get it. Done on the encoded bytes, once per node
 * and publication, so the frame travels and is kept without it; a frame
 * that is not a JSON object is returned as it is.
 */
export function withOffset(frame: Buffer, offset: number): Buffer {
  if (frame[frame.length - 1] !== CLOSE_BRACE) return frame;
  const tail = Buffer.from(`,"offset":${offset}}`);
  return Buffer.concat([frame.subarray(0, frame.length - 1), tail], frame.length - 1 + tail.length);
}

/** The bytes of a binary message, or undefined when the message is not binary. */
export function asBinary(message: unknown): Buffer | undefined {
  if (Buffer.isBuffer(message)) return message;
  if (ArrayBuffer.isView(message)) return Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (message instanceof ArrayBuffer) return Buffer.from(message);
  return undefined;
}

function withId(wire: WireFrame, id: FrameId | undefined): WireFrame {
  return id === undefined ? wire : { ...wire, id };
}
