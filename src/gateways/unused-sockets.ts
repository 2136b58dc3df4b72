import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The HTTP server's connections that have not sent a byte yet. Browsers open
 * such connections ahead of need (preconnect), and Node's `server.close()`
 * waits for them until its headers timeout (60 s by default), so an app that
 * drains in milliseconds would otherwise take a minute to close, and a
 * cluster worker would be killed by the primary's shutdown timeout instead.
 * And one that sends nothing at all is never timed out by Node (its
 * `headersTimeout` counts from the first byte): it is closed once
 * `silentTimeout` has passed.
 */
export class UnusedSockets {
  private readonly sockets = new Set<Socket>();
  private closing = false;

  /** @param silentTimeout how long, in ms, a connection may stay without sending a byte. */
  constructor(
    private readonly server: Server,
    private readonly silentTimeout: number,
  ) {}

  /** Starts tracking the server's new connections. */
  attach(): void {
    this.server.on('connection', this.track);
    this.server.on('request', this.watch);
  }

  /**
   * Stops the server from accepting (so a draining worker's share of new
   * connections goes to the others), then closes the connections that never
   * sent a request. Connections in use are left to finish; Node closes the
   * idle keep-alive ones itself.
   */
  stopAccepting(): void {
    this.closing = true;
    this.server.off('connection', this.track);
    // Requests may still arrive on open keep-alive connections until the server has closed.
    this.server.once('close', () => this.server.off('request', this.watch));
    // Nest's own close() comes later and waits for the same 'close' event.
    if (this.server.listening) this.server.close();
    for (const socket of this.sockets) if (socket.bytesRead === 0) socket.destroy();
    this.sockets.clear();
  }

  private readonly track = (socket: Socket): void => {
    this.sockets.add(socket);
    const timer = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, this.silentTimeout);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      this.sockets.delete(socket);
    });
  };

  // A response that ends after the close began leaves its connection idle in
  // keep-alive for up to keepAliveTimeout; close it as soon as it is idle.
  private readonly watch = (_request: IncomingMessage, response: ServerResponse): void => {
    response.once('finish', this.closeIfIdle);
  };

  private readonly closeIfIdle = (): void => {
    if (this.closing) setImmediate(() => this.server.closeIdleConnections());
  };
}
