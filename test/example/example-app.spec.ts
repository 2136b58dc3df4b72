import type { INestApplication } from '@nestjs/common';
import { ChatServer } from '../support/chat-server';
import { TestClient } from '../support/test-client';
import { eventually, within } from '../support/wait';

describe('the example chat app', () => {
  let app: INestApplication;
  let ws: (path: string) => string;
  let http: (path: string) => string;
  const clients: TestClient[] = [];
  const connect = async (path: string, options = {}) => {
    const client = await TestClient.connect(ws(path), options);
    clients.push(client);
    return client;
  };
  const json = async (path: string, init?: RequestInit) => {
    const response = await fetch(http(path), init);
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    ({ app, ws, http } = await new ChatServer().start());
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => app.close());

  it('speaks the Dox shapes on /ws: {event, message, room} in, {event, message, sender, room} out, plus the offset of its history room', async () => {
    const [ann, bob] = [await connect('/ws'), await connect('/ws')];
    // Exactly what the Dox browser client sends: joinRoom with the room as the message.
    ann.send({ event: 'joinRoom', message: 'chat', room: 'chat' });
    bob.send({ event: 'joinRoom', message: 'chat', room: 'chat' });
    await ann.request('leaveRoom', 'not-a-member');
    await bob.request('leaveRoom', 'not-a-member');
    bob.send({ event: 'intro', message: 'Mingalaba!', room: 'chat' });
    const intro = await ann.next((f) => f.event === 'intro');
    // `chat` keeps history: its frames carry their offset, which the Dox client ignores.
    expect(intro).toEqual({ event: 'intro', message: 'Mingalaba!', sender: bob.id, room: 'chat', offset: expect.any(Number) });
    bob.send({ event: 'noti', message: { n: 1 }, room: 'chat' });
    for (const client of [ann, bob]) {
      expect(await client.next((f) => f.event === 'noti')).toEqual({
        event: 'noti',
        message: { n: 1 },
        sender: bob.id,
        room: 'chat',
        offset: intro.offset! + 1,
      });
    }
    // intro excludes its sender: noti came after it from the same sender, so an intro to bob would be here by now.
    expect(bob.framesOf('intro')).toEqual([]);
  });

  it('joins the room in the path on /ws/chat/:roomId and tells everyone who is there', async () => {
    const ann = await connect('/ws/chat/lobby?name=Ann');
    const joined = await ann.next((f) => f.event === 'room_joined');
    expect(joined.message).toEqual({ roomId: 'lobby', members: [{ id: ann.id, name: 'Ann' }], memberCount: 1 });
    const bob = await connect('/ws/chat/lobby?name=Bob');
    expect((await bob.next((f) => f.event === 'room_joined')).message.memberCount).toBe(2);
    expect(await ann.next((f) => f.event === 'user_joined')).toMatchObject({
      message: { id: bob.id, name: 'Bob', memberCount: 2 },
      room: 'lobby',
    });

    expect((await bob.request('message', { text: 'hi all' })).message).toEqual({ sent: true });
    for (const client of [ann, bob]) {
      expect(await client.next((f) => f.event === 'message')).toMatchObject({
        message: { from: bob.id, name: 'Bob', text: 'hi all', timestamp: expect.any(String) },
        sender: bob.id,
        room: 'lobby',
      });
    }
    bob.send({ event: 'typing', message: true });
    expect(await ann.next((f) => f.event === 'typing')).toMatchObject({ message: { from: bob.id, name: 'Bob', typing: true } });

    await bob.close();
    expect(await ann.next((f) => f.event === 'user_left')).toMatchObject({ message: { id: bob.id, name: 'Bob', memberCount: 1 } });
  });

  it('refuses a room path that is not a valid room name with HTTP 400, before any connection exists', async () => {
    expect(await TestClient.refusedStatus(ws(`/ws/chat/${'x'.repeat(65)}`))).toBe(400);
    expect(await TestClient.refusedStatus(ws('/ws/chat/two%20words'))).toBe(400);
    expect((await json('/api/ws/connections')).body.total).toBe(0);
  });

  it('keeps rooms of different paths apart', async () => {
    const ann = await connect('/ws/chat/a');
    const bob = await connect('/ws/chat/b');
    await ann.request('message', { text: 'only a' });
    await bob.request('message', { text: 'only b' });
    expect((await bob.next((f) => f.event === 'message')).message.text).toBe('only b');
    expect(bob.framesOf('message')).toHaveLength(1);
  });

  it('serves the realtime service over HTTP', async () => {
    const ann = await connect('/ws/chat/ops?name=Ann');
    await ann.next((f) => f.event === 'room_joined');
    expect((await json('/api/rooms/ops')).body).toEqual({ roomId: 'ops', members: [ann.id], memberCount: 1 });

    const all = (await json('/api/ws/connections')).body;
    expect(all.total).toBe(1);
    expect(all.local).toEqual([ann.id]);

    expect((await json(`/api/ws/connections/${ann.id}`)).body).toMatchObject({ id: ann.id, rooms: ['ops'], metadata: { name: 'Ann' } });
    expect((await json('/api/ws/connections/nobody.1')).status).toBe(404);

    const put = await json(`/api/ws/connections/${ann.id}/metadata`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mood: 'busy' }),
    });
    expect(put).toEqual({ status: 200, body: { updated: true } });
    const notAnObject = await json(`/api/ws/connections/${ann.id}/metadata`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(['mood']),
    });
    expect(notAnObject.status).toBe(400);
    const prototypeKey = await json(`/api/ws/connections/${ann.id}/metadata`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"__proto__": {"admin": true}}',
    });
    expect(prototypeKey).toMatchObject({ status: 400, body: { message: expect.stringContaining('"__proto__" are not allowed') } });
    expect((await json(`/api/ws/connections/${ann.id}`)).body.metadata).toEqual({ name: 'Ann', mood: 'busy' });

    const broadcast = await json('/api/broadcast', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'maintenance at noon' }),
    });
    expect(broadcast.body).toEqual({ sent: true, recipients: 1 });
    expect(await ann.next((f) => f.event === 'broadcast')).toMatchObject({ message: { message: 'maintenance at noon' } });

    const info = (await json('/api/ws/server-info')).body;
    expect(info).toMatchObject({
      localConnections: 1,
      allConnections: 1,
      hasLocalConnections: true,
      backplane: { name: 'memory', healthy: true },
    });

    const removed = await json(`/api/ws/connections/${ann.id}`, { method: 'DELETE' });
    expect(removed.body).toEqual({ connectionId: ann.id, serverInstance: info.serverInstanceId, wasLocal: true });
    expect((await within(ann.closed, 3000, 'the admin disconnect')).reason).toBe('Admin action');
    await eventually(async () => (await json('/api/ws/connections')).body.total === 0, 3000, 'the registry is empty');
  });

  it('guards /ws/private with a bearer token: 401 without one, the user with one', async () => {
    expect(await TestClient.refusedStatus(ws('/ws/private'))).toBe(401);
    expect(await TestClient.refusedStatus(ws('/ws/private'), { headers: { authorization: 'Bearer wrong' } })).toBe(401);
    const viaHeader = await connect('/ws/private', { headers: { authorization: 'Bearer alice-token' } });
    expect((await viaHeader.request('whoami')).message).toEqual({ id: viaHeader.id, user: 'alice' });
    const viaQuery = await connect('/ws/private?token=bob-token');
    expect((await viaQuery.request('whoami')).message.user).toBe('bob');
  });
});
