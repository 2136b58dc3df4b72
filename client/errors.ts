/**
 * Codes of errors the client raises itself. Errors from the server's
 * `exception` frames keep the server's code (`UNKNOWN_EVENT`,
 * `VALIDATION_FAILED`, `INVALID_ROOM` …; see docs/reference.md, Error codes).
 */
export const ClientErrorCode = {
  /** A request or room change got no reply within its timeout. */
  TIMEOUT: 'TIMEOUT',
  /** The connection closed after a request was sent and before its reply arrived. */
  DISCONNECTED: 'DISCONNECTED',
  /** `close()` was called, or the client stopped reconnecting, while this was pending. */
  CLOSED: 'CLOSED',
  /** The offline queue was full; see `queue.overflow`. */
  QUEUE_FULL: 'QUEUE_FULL',
  /** `leaveRoom()` was called before the pending `joinRoom()` of the same room completed. */
  CANCELLED: 'CANCELLED',
  /** The server refused the WebSocket handshake with HTTP 401 or 403; the client does not retry. */
  HANDSHAKE_REJECTED: 'HANDSHAKE_REJECTED',
  /** One connection attempt failed (refused, unreachable, or no `connected` frame in time). */
  CONNECT_FAILED: 'CONNECT_FAILED',
  /** `reconnect.maxAttempts` attempts in a row failed; the client stopped. */
  RECONNECT_FAILED: 'RECONNECT_FAILED',
  /** The server sent a text frame that is not a JSON object with a string `event`. */
  BAD_FRAME: 'BAD_FRAME',
  /** A handler registered with `on()` or a lifecycle callback threw. */
  LISTENER_FAILED: 'LISTENER_FAILED',
} as const;

export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Everything the client rejects with or reports to `onError`. */
export class SwitchboardClientError extends Error {
  override readonly name = 'SwitchboardClientError';

  constructor(
    /** A `ClientErrorCode`, or the code of the server's `exception` frame. */
    readonly code: ClientErrorCode | (string & {}),
    message: string,
    /** Extra detail: the `exception` body's `fields`, the handshake `status`, the error a listener threw. */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}
