import { SwitchboardClient } from './client';
import type { DefaultEvents } from './event-map';
import type { ClientOptions } from './options';
import { globalWebSocket } from './websocket-like';

export * from './api';

/**
 * Opens a Switchboard connection that reconnects by itself. Uses the global
 * `WebSocket` (browsers, Node 22+) unless `options.WebSocket` is given.
 *
 * @typeParam S event name → payload of what the server sends.
 * @typeParam C event name → payload (or `(message) => reply`) of what the client sends.
 */
export function connect<S extends object = DefaultEvents, C extends object = DefaultEvents>(
  url: string,
  options: ClientOptions = {},
): SwitchboardClient<S, C> {
  return new SwitchboardClient<S, C>(url, options, globalWebSocket());
}

export default connect;
