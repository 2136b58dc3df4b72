// The broadcast write path (src/gateways/frame-writer.ts) writes framed
// bytes straight to a socket's TCP stream when ws' sender is idle, reading
// ws internals to know when it is. ws is pinned to an exact version; this
// spec fails when an upgrade changes what those internals look like, so the
// upgrade is a deliberate act and never a silent fall back to the slow path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { SENDER_IDLE, wsInternalsMismatch } from '../../src/gateways/frame-writer';
import { REPO } from '../support/repo';
import { within } from '../support/wait';

describe('the ws internals the direct write path relies on', () => {
  let server: WebSocketServer | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('are those of the ws version package.json pins exactly', () => {
    const pinned = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies
      .ws;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const installed = (JSON.parse(readFileSync(require.resolve('ws/package.json'), 'utf8')) as { version: string }).version;
    expect(installed).toBe(pinned);
  });

  it('have the expected shape on a server socket, and the sender reads idle between sends', async () => {
    const wss = (server = new WebSocketServer({ port: 0 }));
    await within(new Promise((resolve) => wss.once('listening', resolve)), 3000, 'the ws server to listen');
    const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
    const socket = await within(accepted, 3000, 'the server to accept the socket');
    try {
      expect(socket.extensions).toBe('');
      expect(wsInternalsMismatch(socket)).toEqual([]);
      const sender = (socket as unknown as { _sender: { _state: number; _queue: unknown[] } })._sender;
      expect(sender._state).toBe(SENDER_IDLE);
      const got = new Promise<string>((resolve) => client.once('message', (data) => resolve(String(data))));
      socket.send('hello');
      expect(await within(got, 3000, 'the client to get the frame')).toBe('hello');
      expect(sender._state).toBe(SENDER_IDLE);
      expect(sender._queue).toEqual([]);
    } finally {
      client.terminate();
    }
  });

  it('are reported part by part when they are missing', () => {
    const bare = { extensions: '' } as unknown as WebSocket;
    expect(wsInternalsMismatch(bare)).toEqual([
      '_socket.write()',
      '_socket.cork()',
      '_socket.uncork()',
      '_socket.writableLength',
      '_sender._state',
      '_sender._queue',
      '_sender._firstFragment',
    ]);
  });
});
