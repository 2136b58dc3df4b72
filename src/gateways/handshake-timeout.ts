import type { Server } from 'node:http';

/** Node's `http.Server` with the interval of its connection checker, which @types/node does not list. */
type CheckedServer = Server & { connectionsCheckingInterval?: number };

/** The default interval of Node's check for expired requests, in ms. */
const NODE_CHECK_INTERVAL_MS = 30_000;

/**
 * Bounds how long a client may take to send its handshake request, from
 * connecting: the HTTP server's `headersTimeout` is lowered to `ms` (never
 * raised), and the check that enforces it, which Node runs every 30 s by
 * default and starts when the server listens, is made to run every quarter
 * of it. Without this, a socket that connects and sends nothing lives 60 to
 * 90 s. It applies to the app's plain HTTP requests too: 10 s is plenty for
 * request headers.
 */
export function limitHandshakeTime(server: Server, ms: number): void {
  if (!(server.headersTimeout > 0 && server.headersTimeout <= ms)) server.headersTimeout = ms;
  const checked = server as CheckedServer;
  const every = Math.max(100, Math.floor(ms / 4));
  // Read by Node when the server starts listening; a server listening already keeps its interval.
  if ((checked.connectionsCheckingInterval ?? NODE_CHECK_INTERVAL_MS) > every) checked.connectionsCheckingInterval = every;
}
