/**
 * The slice of the WHATWG `WebSocket` the client uses. Browsers' global
 * `WebSocket` and the `ws` package both satisfy it, so the client needs no
 * DOM or Node typings and no Node built-ins.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  /** Set to `'arraybuffer'`, so binary frames arrive as an `ArrayBuffer` in browsers and in Node alike. */
  binaryType?: string;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  /**
   * The HTTP status of a refused handshake (401, 403 …), set before `close`
   * by transports that can see it. The Node entry's transport does; browsers
   * hide the status from scripts, so there a refusal looks like close 1006.
   */
  readonly handshakeStatus?: number;
}

/** A `WebSocket` constructor: `new WebSocket(url, protocols)`. */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** `readyState` value of an open socket (the same in every implementation). */
export const OPEN = 1;

/** The global `WebSocket` of browsers, Deno, Bun and Node 22+, if there is one. */
export function globalWebSocket(): WebSocketConstructorLike | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
}
