/**
 * Stable codes carried by `exception` frames. Clients may switch on them; they
 * never change meaning between versions.
 */
export const ErrorCode = {
  /** The frame is not valid JSON, not an object, nests too deep, or has no string `event`. */
  BAD_FRAME: 'BAD_FRAME',
  /** No handler is registered for the frame's event on this route. */
  UNKNOWN_EVENT: 'UNKNOWN_EVENT',
  /** A validation pipe rejected the message; `fields` says which properties failed. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** A guard refused the frame, the route refused a client `joinRoom`, or the handler threw a 403. */
  FORBIDDEN: 'FORBIDDEN',
  /** The handler threw a 401. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The handler threw a 404. */
  NOT_FOUND: 'NOT_FOUND',
  /** The connection sends faster than its rate limit allows. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The room name is empty, too long or has characters outside the allowed set. */
  INVALID_ROOM: 'INVALID_ROOM',
  /** The connection is already in as many rooms as the limit allows. */
  TOO_MANY_ROOMS: 'TOO_MANY_ROOMS',
  /** A `WsException` or HTTP exception thrown by application code without a code of its own. */
  ERROR: 'ERROR',
  /** Anything else that went wrong in a handler; details are logged on the server, never sent. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
