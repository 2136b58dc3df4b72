import { MemoryBackplane, MemoryBus, RealtimeService } from '../../src';
import { coreTestModule } from '../fixtures/core-test.module';
import { useApp, type RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import { startNodeApps } from '../support/two-nodes';
import { eventually, within } from '../support/wait';

describe('RealtimeService (one process)', () => {
  const fixture = useApp(() => coreTestModule());
  const connect = fixture.connect.bind(fixture);
  const realtime = () => fixture.server.app.get(RealtimeService);

  it('emitTo() reaches one connection without a sender field and reports whether it existed', async () => {
    const [a, b] = [await connect(), await connect()];
    expect(await realtime().emitTo(a.id, 'private', { n: 1 })).toBe(1);
    expect(await a.next((f) => f.event === 'private')).toEqual({ event: 'private', message: { n: 1 } });
    expect(await realtime().emitTo('nobody.1', 'private', {})).toBe(0);
    await realtime().emitToAll('marker');
    await b.next((f) => f.event === 'marker');
    expect(b.framesOf('private')).toEqual([]);
  });

  it('emitToAll() reaches every connection on every route and counts them', async () => {
    const [a, b, c] = [await connect(), await connect('/ws/other'), await connect('/ws/private?token=good')];
    expect(await realtime().emitToAll('news', 'hello')).toBe(3);
    // Alone on its bus, the node has nobody to publish to.
    expect(realtime().status().backplane.published).toBe(0);
    for (const client of [a, b, c]) expect(await client.next((f) => f.event === 'news')).toEqual({ event: 'news', message: 'hello' });
  });

  it('emitToRoom() reaches the members with the room field, minus `except`', async () => {
    const [a, b, c] = [await connect(), await connect(), await connect()];
    await realtime().joinRoom(a.id, 'ops');
    await realtime().joinRoom(b.id, 'ops');
    expect(await realtime().emitToRoom('ops', 'alert', 'disk', { except: b.id })).toBe(1);
    expect(await a.next((f) => f.event === 'alert')).toEqual({ event: 'alert', message: 'disk', room: 'ops' });
    await realtime().emitToAll('marker');
    for (const client of [b, c]) {
      await client.next((f) => f.event === 'marker');
      expect(client.framesOf('alert')).toEqual([]);
    }
  });

  it('joinRoom() / leaveRoom() change what the connection receives and what getRoomMembers() lists', async () => {
    const a = await connect();
    expect(await realtime().joinRoom(a.id, 'blue')).toBe(true);
    expect(await realtime().getRoomMembers('blue')).toEqual([a.id]);
    expect((await a.request('whoami')).message.rooms).toEqual(['blue']);
    expect(await realtime().leaveRoom(a.id, 'blue')).toBe(true);
    expect(await realtime().getRoomMembers('blue')).toEqual([]);
    expect(await realtime().emitToRoom('blue', 'x')).toBe(0);
    expect(await realtime().joinRoom('nobody.1', 'blue')).toBe(false);
  });

  it('getConnectionInfo() describes a connection, and null once it is gone', async () => {
    const a = await connect('/ws/rooms/r/u');
    await a.request('joinRoom', 'green');
    const info = await realtime().getConnectionInfo(a.id);
    expect(info).toEqual({
      id: a.id,
      serverInstanceId: realtime().serverInstanceId,
      connectTime: expect.any(String),
      route: '/ws/rooms/:roomId/:userId',
      rooms: ['green'],
      metadata: {},
    });
    await a.close();
    // The client sees its close before the server has processed it.
    await eventually(async () => (await realtime().getConnectionInfo(a.id)) === null, 3000, 'the closed connection leaves the registry');
    expect(await realtime().getRoomMembers('green')).toEqual([]);
  });

  it('getAllConnections() and getLocalConnections() list every open connection', async () => {
    const [a, b] = [await connect(), await connect('/ws/other')];
    const all = (await realtime().getAllConnections()).map((c) => c.id).sort();
    expect(all).toEqual([a.id, b.id].sort());
    expect(
      realtime()
        .getLocalConnections()
        .map((c) => c.id)
        .sort(),
    ).toEqual(all);
  });

  it('updateConnectionMetadata() merges a patch that handlers and getConnectionInfo() then see', async () => {
    const a = await connect();
    expect(await realtime().updateConnectionMetadata(a.id, { name: 'Ann', tier: 1 })).toBe(true);
    expect(await realtime().updateConnectionMetadata(a.id, { tier: 2 })).toBe(true);
    expect((await realtime().getConnectionInfo(a.id))?.metadata).toEqual({ name: 'Ann', tier: 2 });
    expect((await a.request('whoami')).message.metadata).toEqual({ name: 'Ann', tier: 2 });
    expect(await realtime().updateConnectionMetadata('nobody.1', { x: 1 })).toBe(false);
  });

  it('disconnect() closes the connection with code 1000 and the reason', async () => {
    const a = await connect();
    expect(await realtime().disconnect(a.id, 'Admin action')).toBe(true);
    expect(await within(a.closed, 3000, 'the close')).toEqual({ code: 1000, reason: 'Admin action' });
    await eventually(async () => (await realtime().getConnectionInfo(a.id)) === null, 3000, 'the closed connection leaves the registry');
    expect(await realtime().disconnect(a.id)).toBe(false);
  });

  it('disconnect() cuts a reason to the 123 bytes a close frame holds, on a character boundary', async () => {
    const [a, b] = [await connect(), await connect()];
    // 41 three-byte characters make 123 bytes; a 42nd would not fit.
    const wide = '€'.repeat(45);
    expect(await realtime().disconnect(a.id, wide)).toBe(true);
    expect(await within(a.closed, 3000, 'the close')).toEqual({ code: 1000, reason: '€'.repeat(41) });
    const exact = 'x'.repeat(123);
    expect(await realtime().disconnect(b.id, exact)).toBe(true);
    expect(await within(b.closed, 3000, 'the close')).toEqual({ code: 1000, reason: exact });
  });
});

describe('RealtimeService on two memory nodes: what goes to the backplane', () => {
  let apps: RunningApp[];
  const clients: TestClient[] = [];
  beforeAll(async () => {
    const bus = new MemoryBus();
    apps = await startNodeApps([new MemoryBackplane({ bus }), new MemoryBackplane({ bus })]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(apps.map((app) => app.close()));
  });

  it("publishes a send to the other node's connection once, and nothing for one of its own or an id that names no node", async () => {
    const [local, remote] = [await TestClient.connect(apps[0].ws('/ws')), await TestClient.connect(apps[1].ws('/ws'))];
    clients.push(local, remote);
    const realtime = apps[0].app.get(RealtimeService);
    const published = () => realtime.status().backplane.published;
    const before = published();
    expect(await realtime.emitTo(local.id, 'direct', 'here')).toBe(1);
    expect(await realtime.emitTo('no-node-in-this-id', 'direct', 'nowhere')).toBe(0);
    expect(published()).toBe(before);
    expect(await realtime.emitTo(remote.id, 'direct', 'there')).toBe(1);
    expect(await remote.next((f) => f.event === 'direct')).toMatchObject({ message: 'there' });
    expect(published()).toBe(before + 1);
  });
});
