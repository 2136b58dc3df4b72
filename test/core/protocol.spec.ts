import { coreTestModule } from '../fixtures/core-test.module';
import { useApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import WebSocket from 'ws';
import { within } from '../support/wait';

describe('wire protocol v1', () => {
  const fixture = useApp(() => coreTestModule());
  const connect = fixture.connect.bind(fixture);

  it('sends {"event":"connected","message":{"id"}} before anything else, with a unique id per connection', async () => {
    const raw = new WebSocket(fixture.server.ws('/ws'));
    const first = await within(
      new Promise<string>((resolve) => raw.once('message', (data) => resolve(data.toString()))),
      3000,
      'the first frame',
    );
    raw.close();
    expect(JSON.parse(first)).toEqual({ event: 'connected', message: { id: expect.any(String) } });
    const many = await Promise.all(Array.from({ length: 20 }, () => connect()));
    expect(new Set(many.map((c) => c.id)).size).toBe(20);
  });

  it('replies with the return value, correlated by the frame id (string or number)', async () => {
    const a = await connect();
    expect(await a.request('echo', { x: 1 })).toEqual({ event: 'echo', message: { x: 1 }, id: 'r1' });
    a.send({ event: 'asyncEcho', message: 'later', id: 7 });
    expect(await a.next((f) => f.id === 7)).toEqual({ event: 'asyncEcho', message: { echoed: 'later' }, id: 7 });
  });

  it('sends the return value back without an id when the frame had none', async () => {
    const a = await connect();
    a.send({ event: 'echo', message: 'no id' });
    expect(await a.next((f) => f.event === 'echo')).toEqual({ event: 'echo', message: 'no id' });
  });

  it('lets a handler reply early with @Ack(), and then sends nothing more for that frame', async () => {
    const a = await connect();
    expect(await a.request('ackEarly')).toEqual({ event: 'ackEarly', message: 'early', id: 'r1' });
    await a.request('echo', 'marker');
    expect(a.received.filter((r) => r.kind === 'text' && r.frame.event === 'ackEarly')).toHaveLength(1);
  });

  it("accepts Nest's {event, data} shape, reading data as the message", async () => {
    const a = await connect();
    a.send({ event: 'echo', data: { nest: true }, id: 'n1' });
    expect(await a.next((f) => f.id === 'n1')).toEqual({ event: 'echo', message: { nest: true }, id: 'n1' });
  });

  it('accepts the informational room field the Dox client sends', async () => {
    const a = await connect();
    expect(await a.request('echo', 'dox', { room: 'anything' })).toMatchObject({ message: 'dox' });
  });

  it('hands the whole decoded frame, with its informational room, to @Frame()', async () => {
    const a = await connect();
    expect((await a.request('frame', 1, { room: 'lobby' })).message).toEqual({
      kind: 'event',
      event: 'frame',
      message: 1,
      room: 'lobby',
      id: 'r1',
    });
  });

  it('resolves @Message(property) to one property of the message', async () => {
    const a = await connect();
    expect((await a.request('name', { name: 'Ann', age: 3 })).message).toBe('Ann');
    expect((await a.request('name', 'not an object')).message).toBeNull();
  });

  it('joins and leaves many rooms, confirming each with the frame id', async () => {
    const a = await connect();
    expect(await a.request('joinRoom', 'r1')).toEqual({ event: 'joinRoom', message: { room: 'r1' }, id: 'r1' });
    await a.request('joinRoom', 'r2');
    await a.request('joinRoom', 'r3');
    expect((await a.request('whoami')).message.rooms.sort()).toEqual(['r1', 'r2', 'r3']);
    expect(await a.request('leaveRoom', 'r2')).toMatchObject({ event: 'leaveRoom', message: { room: 'r2' } });
    expect((await a.request('whoami')).message.rooms.sort()).toEqual(['r1', 'r3']);
    expect((await a.request('members', 'r2')).message).toEqual([]);
    expect((await a.request('members', 'r1')).message).toEqual([a.id]);
  });

  it('hands binary frames to the @OnBinary() handler as a Buffer and sends binary replies as binary frames', async () => {
    const a = await connect();
    a.sendRaw(Buffer.from([1, 2, 3, 4]));
    expect(await a.next((f) => f.event === 'binaryInfo')).toMatchObject({ message: { length: 4, isBuffer: true } });
    expect([...(await a.nextBinary())]).toEqual([4, 3, 2, 1]);
  });

  it('answers binary frames on a route without a binary handler with BAD_FRAME', async () => {
    const a = await connect('/ws/other');
    a.sendRaw(Buffer.from([1]));
    expect(await a.next((f) => f.event === 'exception')).toMatchObject({ message: { code: 'BAD_FRAME' } });
  });

  it('negotiates the first subprotocol of the gateway list the client offers', async () => {
    const a = await connect('/ws', { protocols: ['chat.v1', 'chat.v2'] });
    expect(a.socket.protocol).toBe('chat.v2');
    expect((await a.request('whoami')).message.protocol).toBe('chat.v2');
    const b = await connect('/ws', { protocols: ['chat.v1'] });
    expect((await b.request('whoami')).message.protocol).toBe('chat.v1');
    const c = await connect('/ws');
    expect((await c.request('whoami')).message.protocol).toBe('');
  });

  it('refuses with HTTP 400 a client that offers only subprotocols the route does not speak, instead of a 101 it must fail', async () => {
    const refused = (path: string, protocols?: string[]): Promise<number> =>
      TestClient.refusedStatus(fixture.server.ws(path), protocols ? { protocols } : {});
    expect(await refused('/ws', ['chat.v9'])).toBe(400);
    expect(await refused('/ws/other', ['chat.v1'])).toBe(400);
    // requireSubprotocol: offering none is refused too; the one it speaks connects.
    expect(await refused('/ws/strict')).toBe(400);
    expect(await refused('/ws/strict', ['chat.v1'])).toBe(400);
    const strict = await connect('/ws/strict', { protocols: ['other', 'strict.v1'] });
    expect(strict.socket.protocol).toBe('strict.v1');
  });

  it('puts one message listener on a socket, however many controllers share its route', async () => {
    const a = await connect();
    // /ws has two controllers; both answer on the same socket. The reply is found by its event, so its id is checked, not assumed.
    a.send({ event: 'everyone', message: 'x', id: 'both-1' });
    expect(await a.next((f) => f.event === 'everyone' && f.id !== undefined, 3000, 'the reply to everyone (id both-1)')).toEqual({
      event: 'everyone',
      message: null,
      id: 'both-1',
    });
    expect(await a.next((f) => f.event === 'everyone')).toEqual({ event: 'everyone', message: 'x', sender: a.id });
    expect((await a.request('messageListeners')).message).toBe(1);
  });

  it('exposes route parameters, decoded, to handlers', async () => {
    const a = await connect('/ws/rooms/blue%20room/u-7?x=1');
    expect((await a.request('whoami')).message).toMatchObject({
      params: { roomId: 'blue room', userId: 'u-7' },
      path: '/ws/rooms/blue%20room/u-7',
    });
  });

  it('applies Nest interceptors to handlers', async () => {
    const a = await connect();
    expect((await a.request('wrapped', 5)).message).toEqual({ wrapped: 5, event: 'wrapped' });
  });

  it('applies Nest exception filters to handlers: a filter that handles the error decides what the client gets', async () => {
    const a = await connect();
    a.send({ event: 'teapot', id: 't1' });
    expect(await a.next((f) => f.event === 'teapot')).toEqual({ event: 'teapot', message: { message: 'short and stout' }, id: 't1' });
    await a.request('echo', 'marker');
    // Replies and correlated exceptions included: the filter's frame is the only answer.
    expect(a.received.filter((r) => r.kind === 'text' && r.frame.event === 'exception')).toEqual([]);
  });

  it('refuses a path no gateway serves with HTTP 404', async () => {
    expect(await TestClient.refusedStatus(fixture.server.ws('/nowhere'))).toBe(404);
    expect(await TestClient.refusedStatus(fixture.server.ws('/ws/rooms/only-one'))).toBe(404);
  });
});
