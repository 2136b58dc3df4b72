import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A TCP proxy on 127.0.0.1 in front of `port`. */
export interface LazyProxy {
  readonly port: number;
  /**
   * Ends every connection through the proxy at once, both ways: the browser
   * and the server each see theirs end without a close frame, as when the
   * network under them goes. New connections are forwarded as before.
   */
  cut(): void;
  close(): Promise<void>;
}

/**
 * Forwards each connection to `127.0.0.1:port`, but opens the upstream
 * connection only when the browser sends its first bytes: Chromium's
 * speculative preconnects, which it may never use, never reach the server.
 * The cluster's primary hands connections to the workers in turn, so with
 * this in front each tab's WebSocket is the only connection it makes there.
 * A tab that reaches its server through one can lose its network: `cut()`.
 */
export async function startLazyProxy(port: number): Promise<LazyProxy> {
  const sockets = new Set<Socket>();
  const keep = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  };
  const server = createServer((downstream) => {
    keep(downstream).once('data', (first: Buffer) => {
      downstream.pause();
      const upstream = keep(connect(port, '127.0.0.1'));
      upstream.write(first);
      downstream.pipe(upstream).pipe(downstream);
      downstream.resume();
      upstream.once('close', () => downstream.destroy());
      downstream.once('close', () => upstream.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
