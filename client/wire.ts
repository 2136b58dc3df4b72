import type { ExceptionBody, FrameId, OutboundFrame } from '../src/protocol/server-frames';
import { isOffset, type RoomPosition } from './room-history';

export type { FrameId };

/** A client → server frame (wire protocol v1). */
export interface ClientFrame {
  readonly event: string;
  readonly message?: unknown;
  /** On a `joinRoom` after a reconnect: the room's position, from which the server resumes it. */
  readonly since?: RoomPosition;
  /** On a `joinRoom` after a reconnect: the id of the connection that was in the room before. */
  readonly previous?: string;
  readonly id?: FrameId;
}

/** The body of an `exception` frame. */
export type ExceptionPayload = ExceptionBody;

type EventFrame = Extract<OutboundFrame, { kind: 'event' }>;

/**
 * A decoded server → client text frame: the union the server encodes from,
 * where a frame of a room with history also carries its `offset` there.
 */
export type ServerFrame = Exclude<OutboundFrame, EventFrame> | (EventFrame & { readonly offset?: number });

/**
 * Decodes one text frame from the server; undefined when it is not a frame of
 * the protocol. Never throws.
 */
export function decodeServerFrame(text: string): ServerFrame | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const raw = parsed as Record<string, unknown>;
  if (typeof raw.event !== 'string') return undefined;
  const id = typeof raw.id === 'string' || typeof raw.id === 'number' ? raw.id : undefined;
  if (raw.event === 'connected') {
    const connId = (raw.message as { id?: unknown } | null)?.id;
    if (typeof connId === 'string') return { kind: 'connected', id: connId };
  }
  if (raw.event === 'exception') return { kind: 'exception', error: exceptionOf(raw.message), id };
  return {
    kind: 'event',
    event: raw.event,
    message: raw.message,
    sender: typeof raw.sender === 'string' ? raw.sender : undefined,
    room: typeof raw.room === 'string' ? raw.room : undefined,
    id,
    ...(isOffset(raw.offset) && { offset: raw.offset }),
  };
}

/** Serialises a client frame. */
export function encodeClientFrame(frame: ClientFrame): string {
  return JSON.stringify(frame);
}

function exceptionOf(message: unknown): ExceptionPayload {
  const body = (typeof message === 'object' && message !== null ? message : {}) as Record<string, unknown>;
  return {
    status: 'error',
    code: typeof body.code === 'string' ? body.code : 'ERROR',
    message: typeof body.message === 'string' ? body.message : 'the server reported an error',
    fields: typeof body.fields === 'object' && body.fields !== null ? (body.fields as ExceptionPayload['fields']) : undefined,
  };
}
