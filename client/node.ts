import type { ClientRequest, IncomingMessage } from 'node:http';
import { SwitchboardClient } from './client';
import type { DefaultEvents } from './event-map';
import type { ClientOptions } from './options';
import { globalWebSocket, type WebSocketConstructorLike, type WebSocketLike } from './websocket-like';

export * from './api';

/** The part of the `ws` package's class this entry uses. */
interface WsSocket extends WebSocketLike {
  once(event: 'unexpected-response', listener: (request: ClientRequest, response: IncomingMessage) => void): void;
  terminate(): void;
}
type WsConstructor = new (url: string, protocols?: string | string[]) => WsSocket;

let transport: WebSocketConstructorLike | undefined;

/**
 * `ws` if the app installed it (an optional peer), plus what browsers cannot
 * offer: the HTTP status of a refused handshake, so a 401 or 403 stops the
 * client instead of retrying. Without `ws`, Node 22+'s global `WebSocket`.
 * Loaded on first use so that apps on Node 22+ need not install `ws`.
 */
function nodeTransport(): WebSocketConstructorLike | undefined {
  if (transport) return transport;
  const ws = loadWs();
  if (ws) {
    transport = class NodeWebSocket extends ws {
      override handshakeStatus?: number;

      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        this.once('unexpected-response', (_request, response) => {
          this.handshakeStatus = response.statusCode;
          response.resume();
          // Aborts the handshake; `ws` then emits `error` and `close` (1006) as it would without this listener.
          this.terminate();
        });
      }
    };
    return transport;
  }
  // Neither: resolveOptions() throws at connect() with a message that says to install `ws`.
  return (transport = globalWebSocket());
}

function loadWs(): WsConstructor | undefined {
  try {
    // A plain require: the CommonJS build has it, and the ES module build gets one from `createRequire` (see client/build.mjs).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- ws is an optional peer: loaded only when present
    const loaded = require('ws') as WsConstructor | { default: WsConstructor };
    return 'default' in loaded ? loaded.default : loaded;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * Opens a Switchboard connection that reconnects by itself (Node entry: uses
 * the `ws` package when it is installed, else the global `WebSocket` of
 * Node 22+, unless `options.WebSocket` is given).
 *
 * @typeParam S event name → payload of what the server sends.
 * @typeParam C event name → payload (or `(message) => reply`) of what the client sends.
 */
export function connect<S extends object = DefaultEvents, C extends object = DefaultEvents>(
  url: string,
  options: ClientOptions = {},
): SwitchboardClient<S, C> {
  return new SwitchboardClient<S, C>(url, options, options.WebSocket ?? nodeTransport());
}

export default connect;
