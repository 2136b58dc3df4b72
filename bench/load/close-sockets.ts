import type { WebSocket } from 'ws';

/** Closes every socket and resolves once each has closed; one that takes longer than `graceMs` to close is terminated. */
export function closeSockets(sockets: readonly WebSocket[], graceMs = 2000): Promise<void> {
  return Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            socket.terminate();
            resolve();
          }, graceMs);
          socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          socket.close();
        }),
    ),
  ).then(() => undefined);
}
