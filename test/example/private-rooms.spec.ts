import type { INestApplication } from '@nestjs/common';
import { ChatServer } from '../support/chat-server';
import { TestClient } from '../support/test-client';

describe('the example /ws/private route: user:<name> rooms', () => {
  let app: INestApplication;
  let ws: (path: string) => string;
  const clients: TestClient[] = [];
  const connectTo = async (path: string) => {
    const client = await TestClient.connect(ws(path));
    clients.push(client);
    return client;
  };
  const connect = (token: string) => connectTo(`/ws/private?token=${token}`);
  const expectForbidden = async (client: TestClient, room: string) => {
    const refused = await client.request('joinRoom', room);
    expect(refused).toEqual({
      event: 'exception',
      message: { status: 'error', code: 'FORBIDDEN', message: expect.any(String) },
      id: refused.id,
    });
  };

  beforeAll(async () => {
    ({ app, ws } = await new ChatServer().start());
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await app.close();
  });

  it('lets a user join user:<own name>, refuses every other user:* room, and keeps notices private', async () => {
    const alice = await connect('alice-token');
    const bob = await connect('bob-token');
    expect(await bob.request('joinRoom', 'user:bob')).toMatchObject({ event: 'joinRoom', message: { room: 'user:bob' } });
    for (const room of ['user:alice', 'user:bob2', 'user:']) await expectForbidden(bob, room);
    // Rooms outside user:* are not restricted.
    expect(await bob.request('joinRoom', 'lobby')).toMatchObject({ message: { room: 'lobby' } });
    expect(await alice.request('joinRoom', 'user:alice')).toMatchObject({ message: { room: 'user:alice' } });

    // A notice for alice reaches alice and not bob, whose own request is answered after anything sent to his rooms.
    expect(await bob.request('notify', { to: 'alice', text: 'psst' })).toMatchObject({ event: 'notify', message: null });
    expect(await alice.next((f) => f.event === 'notice')).toEqual({
      event: 'notice',
      message: { from: 'bob', text: 'psst' },
      sender: bob.id,
      room: 'user:alice',
    });
    expect(bob.framesOf('notice')).toEqual([]);
    expect(await alice.request('notify', { to: 'bob', text: 'hi bob' })).toMatchObject({ message: null });
    expect(await bob.next((f) => f.event === 'notice')).toMatchObject({ message: { from: 'alice', text: 'hi bob' }, room: 'user:bob' });
  });

  it('keeps user:* rooms private on the other routes too, which share the rooms', async () => {
    const alice = await connect('alice-token');
    expect(await alice.request('joinRoom', 'user:alice')).toMatchObject({ message: { room: 'user:alice' } });
    const dox = await connectTo('/ws');
    const chat = await connectTo('/ws/chat/lobby?name=Eve');
    for (const snoop of [dox, chat]) {
      for (const room of ['user:alice', 'user:undefined']) await expectForbidden(snoop, room);
    }
    expect(await dox.request('joinRoom', 'chat')).toMatchObject({ message: { room: 'chat' } });
    // The room path is joined by the server, past the authorizer: the handshake refuses it instead.
    expect(await TestClient.refusedStatus(ws('/ws/chat/user:alice'))).toBe(403);

    const bob = await connect('bob-token');
    expect(await bob.request('notify', { to: 'alice', text: 'only for alice' })).toMatchObject({ message: null });
    expect((await alice.next((f) => f.event === 'notice')).message).toEqual({ from: 'bob', text: 'only for alice' });
    await dox.request('leaveRoom', 'chat');
    await chat.request('leaveRoom', 'nothing');
    expect([...dox.framesOf('notice'), ...chat.framesOf('notice')]).toEqual([]);
  });
});

describe('the example against cross-site WebSocket hijacking', () => {
  let server: ChatServer;
  const previous = process.env.ALLOWED_ORIGINS;
  beforeAll(async () => {
    process.env.ALLOWED_ORIGINS = 'https://chat.example, https://admin.example';
    server = await new ChatServer().start();
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.ALLOWED_ORIGINS;
    else process.env.ALLOWED_ORIGINS = previous;
    await server.stop();
  });

  it('refuses a page of another site with 403 even with a valid token, and lets in its own page and the sites in ALLOWED_ORIGINS', async () => {
    const url = server.ws('/ws/private?token=alice-token');
    expect(await TestClient.refusal(url, { origin: 'https://evil.example' })).toMatchObject({ status: 403, body: 'Origin not allowed\n' });
    for (const origin of [`http://127.0.0.1:${server.port}`, 'https://chat.example', 'https://admin.example']) {
      const client = await TestClient.connect(url, { origin });
      expect(await client.request('whoami')).toMatchObject({ event: 'whoami' });
      await client.close();
    }
  });
});
