import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** A real WebSocket server that never answers requests: what a client sees when a reply does not come. */
export interface SilentServer {
  readonly url: string;
  /** Text frames received, in order. */
  readonly received: string[];
  /** Cuts every connection without a close frame (close 1006 on the client). */
  dropClients(): void;
  close(): Promise<void>;
}

/** `greet`: send the `connected` frame like Switchboard does; without it the client never gets past connecting. */
export async function startSilentServer(greet: boolean): Promise<SilentServer> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const received: string[] = [];
  let next = 1;
  wss.on('connection', (socket) => {
    socket.on('message', (data) => received.push(data.toString()));
    if (greet) socket.send(JSON.stringify({ event: 'connected', message: { id: `silent-${next++}` } }));
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`,
    received,
    dropClients: () => {
      for (const client of wss.clients) client.terminate();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
