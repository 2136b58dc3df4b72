import type { INestApplication } from '@nestjs/common';
import WebSocket from 'ws';
import { ChatServer } from '../support/chat-server';
import { eventually, within } from '../support/wait';

type DoxApp = {
  onConnected(cb: () => void): void;
  on(event: string, cb: (message: unknown, sender?: string, room?: string) => void): void;
  emit(event: string, message: unknown): void;
  joinRoom(room: string): void;
};

/**
 * Loads the published Dox browser client unchanged. It expects a browser: a
 * global `window` it assigns itself to, and a global `WebSocket` (ws provides
 * the same interface).
 */
function loadDoxClient(): (url: string, config?: { maxRetries: number; retryAfter: number }) => DoxApp {
  const g = globalThis as Record<string, unknown>;
  g.window ??= globalThis;
  g.WebSocket ??= WebSocket;
  // Loaded after the globals it reads at load time are set, so not an import at the top.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@dartondox/websocket').default;
}

describe('the Dox browser client (@dartondox/websocket), unchanged, against the example app', () => {
  let app: INestApplication;
  let url: string;
  let http: (path: string) => string;

  beforeAll(async () => {
    const example = await new ChatServer().start();
    app = example.app;
    url = example.ws('/ws');
    http = example.http;
  });
  afterAll(() => app.close());

  it('connects, joins the chat room and exchanges intro and noti as in the Dox docs', async () => {
    const DoxWebSocket = loadDoxClient();
    const ann = DoxWebSocket(url, { maxRetries: 1, retryAfter: 60_000 });
    const bob = DoxWebSocket(url, { maxRetries: 1, retryAfter: 60_000 });
    const annGot: unknown[][] = [];
    const bobGot: unknown[][] = [];
    const connected = (client: DoxApp) => new Promise<void>((resolve) => client.onConnected(() => resolve()));
    const annReady = connected(ann);
    const bobReady = connected(bob);
    ann.on('intro', (...args) => annGot.push(['intro', ...args]));
    ann.on('noti', (...args) => annGot.push(['noti', ...args]));
    bob.on('noti', (...args) => bobGot.push(['noti', ...args]));
    bob.on('intro', (...args) => bobGot.push(['intro', ...args]));
    await within(Promise.all([annReady, bobReady]), 3000, 'both Dox clients to get their connected frame');

    ann.joinRoom('chat');
    bob.joinRoom('chat');
    // The Dox client has no acknowledgements: watch the room fill up through the HTTP API.
    await eventually(
      async () => ((await (await fetch(http('/api/rooms/chat'))).json()) as { memberCount: number }).memberCount === 2,
      3000,
      'both Dox clients are members of chat',
    );
    const notis = (list: unknown[][], n: number) =>
      eventually(() => list.filter((e) => e[0] === 'noti').length >= n, 3000, `${n} noti frames`);

    bob.emit('intro', 'Mingalaba!');
    bob.emit('noti', 'after intro');
    // Frames from one sender arrive in order: once both have the noti, any intro is there too.
    await Promise.all([notis(annGot, 1), notis(bobGot, 1)]);

    expect(annGot).toEqual([
      ['intro', 'Mingalaba!', expect.any(String), 'chat'],
      ['noti', 'after intro', expect.any(String), 'chat'],
    ]);
    expect(annGot[0][2]).toBe(annGot[1][2]);
    expect(bobGot).toEqual([['noti', 'after intro', annGot[0][2], 'chat']]);
    for (const client of [ann, bob]) (client as unknown as { websocket: WebSocket }).websocket.close();
  });
});
