import type { ExceptionBody, FrameId, OutboundFrame } from '../src/protocol/server-frames';

export type { FrameId };

/** A client → server frame (wire protocol v1). */
export interface ClientFrame {
  readonly event: string;
  readonly message?: unknown;
  readonly id?: FrameId;
}

/** The body of an `exception` frame. */
export type ExceptionPayload = ExceptionBody;

/** A decoded server → client text frame: the union the server encodes from. */
export type ServerFrame = OutboundFrame;

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
