import type { BackoffOptions } from './backoff';
import type { OverflowPolicy } from './bounded-queue';
import type { WebSocketConstructorLike } from './websocket-like';

/** When and how the client reconnects. */
export interface ReconnectOptions extends BackoffOptions {
  /** Reconnect after the connection drops or an attempt fails. Default `true`. */
  readonly enabled: boolean;
  /** Failed attempts in a row after which the client stops (state `closed`). Default `Infinity`. */
  readonly maxAttempts: number;
  /** A connection that stayed up this long, in ms, resets the attempt count (and so the backoff). Default 5 000. */
  readonly stableAfter: number;
  /** Upper bound of the first retry's delay after close 1001 (going away) or 1012 (service restart), in ms. Default 100. */
  readonly promptDelay: number;
  /**
   * Close codes after which the client does not reconnect. Default
   * `[1000, 1008]`: the server ended the session on purpose
   * (`RealtimeService.disconnect()`), or for a policy violation (rate limit).
   * A handshake refused with HTTP 401 or 403 never retries either.
   */
  readonly stopOnCodes: readonly number[];
}

/** The queue that holds emits and requests made while the client is not connected. */
export interface QueueOptions {
  /** Most frames held; 0 disables queueing (emits while offline are dropped). Default 100. */
  readonly size: number;
  /**
   * What a full queue does with one more frame. `drop-newest` (default)
   * refuses it: `emit()` returns false and `request()` rejects with
   * `QUEUE_FULL`. `drop-oldest` discards the oldest queued frame instead
   * (reported to `onError`, or rejecting that request).
   */
  readonly overflow: OverflowPolicy;
}

/** Options of `connect()`. Every field is optional; defaults are listed on each. */
export interface ClientOptions {
  /** The WebSocket implementation. Default: the global `WebSocket`; in the Node entry `ws` when installed, else Node 22+'s global one. */
  readonly WebSocket?: WebSocketConstructorLike;
  /** Subprotocols offered in the handshake. Default none. */
  readonly protocols?: string | string[];
  /** Default timeout of `request()`, `joinRoom()` and `leaveRoom()`, in ms. Default 10 000. */
  readonly requestTimeout?: number;
  /** How long one attempt may take to open and receive the `connected` frame, in ms. Default 10 000. */
  readonly connectTimeout?: number;
  /** Reconnection; `false` turns it off. Defaults: see `ReconnectOptions`. */
  readonly reconnect?: Partial<ReconnectOptions> | false;
  /** The offline queue. Defaults: see `QueueOptions`. */
  readonly queue?: Partial<QueueOptions>;
  /** Dox client name for `reconnect.maxAttempts`. */
  readonly maxRetries?: number;
  /** Dox client name for `reconnect.initialDelay`, in ms. */
  readonly retryAfter?: number;
}

/** Defaults of `ReconnectOptions`. */
export const DEFAULT_RECONNECT: ReconnectOptions = {
  enabled: true,
  initialDelay: 500,
  maxDelay: 10_000,
  factor: 2,
  maxAttempts: Infinity,
  stableAfter: 5_000,
  promptDelay: 100,
  stopOnCodes: [1000, 1008],
};

/** Defaults of `QueueOptions`. */
export const DEFAULT_QUEUE: QueueOptions = { size: 100, overflow: 'drop-newest' };

/** Default request and connect timeouts, in ms. */
export const DEFAULT_TIMEOUTS = { requestTimeout: 10_000, connectTimeout: 10_000 } as const;

/** Options with every default applied. */
export interface ResolvedClientOptions {
  readonly WebSocket: WebSocketConstructorLike;
  readonly protocols?: string | string[];
  readonly requestTimeout: number;
  readonly connectTimeout: number;
  readonly reconnect: ReconnectOptions;
  readonly queue: QueueOptions;
}

/** Merges the defaults once; throws (at `connect()`) when no WebSocket implementation is available. */
export function resolveOptions(options: ClientOptions, fallback: WebSocketConstructorLike | undefined): ResolvedClientOptions {
  const WebSocket = options.WebSocket ?? fallback;
  if (!WebSocket) {
    throw new TypeError(
      '@switchboard/client: no WebSocket implementation found. Pass `WebSocket` in the options; in Node before 22, install the `ws` package (npm install ws).',
    );
  }
  const dox: Partial<ReconnectOptions> = {
    ...(options.maxRetries !== undefined && { maxAttempts: options.maxRetries }),
    ...(options.retryAfter !== undefined && { initialDelay: options.retryAfter }),
  };
  const reconnect = options.reconnect === false ? { enabled: false } : options.reconnect;
  return {
    WebSocket,
    protocols: options.protocols,
    requestTimeout: options.requestTimeout ?? DEFAULT_TIMEOUTS.requestTimeout,
    connectTimeout: options.connectTimeout ?? DEFAULT_TIMEOUTS.connectTimeout,
    reconnect: { ...DEFAULT_RECONNECT, ...dox, ...reconnect },
    queue: { ...DEFAULT_QUEUE, ...options.queue },
  };
}
