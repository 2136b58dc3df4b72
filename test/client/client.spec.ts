import { connect, SwitchboardClientError, type ClientOptions, type SwitchboardClient } from '../../client/node';
import { ChatServer } from '../support/chat-server';
import { eventually, within } from '../support/wait';
import { nextCall, Recorder } from './support/recorder';
import { startSilentServer, type SilentServer } from './support/silent-server';

/** Fast retries so a test never waits long for a reconnect. */
const FAST: ClientOptions = { reconnect: { initialDelay: 20, maxDelay: 100 } };

describe('client SDK against the example chat app', () => {
  const server = new ChatServer();
  const clients: SwitchboardClient[] = [];
  const open = (url: string, options: ClientOptions = {}): SwitchboardClient => {
    const client = connect(url, { ...FAST, ...options });
    clients.push(client);
    return client;
  };

  beforeAll(() => server.start());
  afterEach(() => Promise.all(clients.splice(0).map((c) => c.close())));
  afterAll(() => server.stop());

  it('connects, takes its id from the connected frame, and the server knows it by that id', async () => {
    const client = open(server.ws('/ws'));
    expect(client.state).toBe('connecting');
    const id = await client.ready();
    expect(client.state).toBe('connected');
    expect(client.id).toBe(id);
    const info = await fetch(server.http(`/api/ws/connections/${id}`));
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ id });
  });

  it('joinRoom is acknowledged and room emits reach every handler with sender and room', async () => {
    const [a, b] = [open(server.ws('/ws')), open(server.ws('/ws'))];
    await Promise.all([a.joinRoom('chat'), b.joinRoom('chat')]);
    expect(a.rooms).toEqual(['chat']);
    const first: unknown[][] = [];
    const second: unknown[][] = [];
    const onlyOnce: unknown[][] = [];
    b.on('noti', (...args) => first.push(args));
    b.on('noti', (...args) => second.push(args));
    b.once('noti', (...args) => onlyOnce.push(args));
    const all = new Recorder(b);

    a.emit('noti', 'one');
    a.emit('noti', { text: 'two' });
    await all.waitFor((f) => f.message?.text === 'two', 'the second noti');
    expect(first).toEqual([
      ['one', a.id, 'chat'],
      [{ text: 'two' }, a.id, 'chat'],
    ]);
    expect(second).toEqual(first);
    expect(onlyOnce).toEqual([['one', a.id, 'chat']]);
    expect(all.frames.filter((f) => f.event === 'noti')).toEqual([
      { event: 'noti', message: 'one', sender: a.id, room: 'chat' },
      { event: 'noti', message: { text: 'two' }, sender: a.id, room: 'chat' },
    ]);
  });

  it('off() removes one handler or all of an event', async () => {
    const [a, b] = [open(server.ws('/ws')), open(server.ws('/ws'))];
    await Promise.all([a.joinRoom('chat'), b.joinRoom('chat')]);
    const kept: unknown[] = [];
    const removed: unknown[] = [];
    const removedToo: unknown[] = [];
    const dropped = (message: unknown) => removed.push(message);
    b.on('noti', dropped)
      .on('noti', (m) => kept.push(m))
      .off('noti', dropped);
    b.on('intro', (m) => removedToo.push(m)).off('intro');
    const all = new Recorder(b);
    a.emit('intro', 'hello');
    a.emit('noti', 'after');
    await all.waitFor((f) => f.message === 'after', 'the noti sent after the intro');
    expect(all.messages('intro')).toEqual(['hello']);
    expect([kept, removed, removedToo]).toEqual([['after'], [], []]);
  });

  it('request() resolves with the reply that carries its id, never with a broadcast of the same event', async () => {
    const client = open(server.ws('/ws/chat/lobby?name=Ann'));
    const seen = new Recorder(client);
    const [refused, sent] = await Promise.all([client.request('message', { text: '' }), client.request('message', { text: 'hi' })]);
    expect(refused).toEqual({ sent: false, reason: 'text must be a non-empty string' });
    expect(sent).toEqual({ sent: true });
    const broadcast = await seen.waitFor((f) => f.event === 'message', 'the room broadcast of the message');
    expect(broadcast).toMatchObject({ message: { text: 'hi', name: 'Ann', from: client.id }, room: 'lobby' });
    expect(seen.messages('message')).toHaveLength(1);
  });

  it('an exception frame rejects the correlated request with the server code', async () => {
    const client = open(server.ws('/ws'));
    const error = await client.request('nope', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardClientError);
    expect(error).toMatchObject({ code: 'UNKNOWN_EVENT', message: expect.stringContaining('"nope"') });
  });

  it('a refused joinRoom rejects with the server code and the room is not remembered', async () => {
    const client = open(server.ws('/ws'));
    await expect(client.joinRoom('no spaces allowed')).rejects.toMatchObject({ code: 'INVALID_ROOM' });
    expect(client.rooms).toEqual([]);
  });

  it('an exception for a plain emit goes to onError and to on("exception")', async () => {
    const client = open(server.ws('/ws'));
    await client.ready();
    const reported = nextCall(client.onError.bind(client), 'onError');
    const seen = new Recorder(client);
    client.emit('nope');
    const [error] = await reported;
    expect(error).toMatchObject({ code: 'UNKNOWN_EVENT' });
    expect(await seen.waitFor((f) => f.event === 'exception', 'the exception event')).toMatchObject({
      message: { status: 'error', code: 'UNKNOWN_EVENT' },
    });
  });

  it('leaveRoom is acknowledged and the room is forgotten', async () => {
    const [a, b] = [open(server.ws('/ws')), open(server.ws('/ws'))];
    await Promise.all([a.joinRoom('leaving'), b.joinRoom('leaving')]);
    await b.leaveRoom('leaving');
    expect(b.rooms).toEqual([]);
    const members = (await (await fetch(server.http('/api/rooms/leaving'))).json()) as { members: string[] };
    expect(members.members).toEqual([a.id]);
  });

  it('the private route accepts a token in the query, and refuses none with 401: no retry', async () => {
    const allowed = open(server.ws('/ws/private?token=alice-token'));
    expect(await allowed.request('whoami', null)).toEqual({ id: await allowed.ready(), user: 'alice' });

    const refused = open(server.ws('/ws/private'));
    let reconnects = 0;
    refused.onReconnecting(() => reconnects++);
    const [error] = await nextCall(refused.onError.bind(refused), 'the handshake error');
    expect(error).toMatchObject({ code: 'HANDSHAKE_REJECTED', details: { status: 401 } });
    expect(refused.state).toBe('closed');
    expect(reconnects).toBe(0);
    await expect(refused.ready()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('close 1000 from the server (an admin disconnect) stops the client', async () => {
    const client = open(server.ws('/ws'));
    const id = await client.ready();
    const disconnected = nextCall(client.onDisconnected.bind(client), 'onDisconnected');
    expect((await fetch(server.http(`/api/ws/connections/${id}`), { method: 'DELETE' })).status).toBe(200);
    expect(await disconnected).toEqual([1000, 'Admin action']);
    expect(client.state).toBe('closed');
    expect(client.emit('noti', 'too late')).toBe(false);
  });
});

describe('client SDK against a server that never answers', () => {
  let silent: SilentServer;
  const clients: SwitchboardClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await silent.close();
  });

  it('a request times out with a message naming the event, its id and that it was sent', async () => {
    silent = await startSilentServer(true);
    const client = connect(silent.url, FAST);
    clients.push(client);
    await client.ready();
    const error = await client.request('slow', { n: 1 }, { timeout: 150 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/^request "slow" \(id \d+\) timed out after 150 ms: it was sent and no reply came$/),
    });
    expect(silent.received.map((f) => JSON.parse(f))).toEqual([{ event: 'slow', message: { n: 1 }, id: expect.any(Number) }]);
  });

  it('a request in flight when the connection drops rejects with DISCONNECTED at once', async () => {
    silent = await startSilentServer(true);
    const client = connect(silent.url, FAST);
    clients.push(client);
    await client.ready();
    const pending = client.request('slow', null).catch((e: unknown) => e);
    await eventually(
      () => silent.received.length === 1,
      3000,
      () => `the server received the request; it received ${JSON.stringify(silent.received)}`,
    );
    silent.dropClients();
    expect(await pending).toMatchObject({
      code: 'DISCONNECTED',
      message: expect.stringMatching(
        /^the connection closed \(code 1006\) after request "slow" \(id \d+\) was sent and before its reply arrived$/,
      ),
    });
  });

  it('close() while rooms are being rejoined resolves, and the client stays closed', async () => {
    silent = await startSilentServer(true);
    const client = connect(silent.url, FAST);
    clients.push(client);
    // Joined before the server says hello: the join goes out in the rejoin, which this server never acknowledges.
    const join = client.joinRoom('never-acknowledged').catch((e: unknown) => e);
    await eventually(
      () => silent.received.length === 1,
      3000,
      () => `the server received the join; it received ${JSON.stringify(silent.received)}`,
    );
    expect(client.state).toBe('connecting');
    const states: string[] = [];
    client.onStateChange((state) => states.push(state));
    await within(client.close(), 3000, () => `close() during the rejoin to resolve (state ${client.state}, states since: ${states})`);
    expect(states).toEqual(['closed']);
    expect(await join).toMatchObject({ code: 'CLOSED' });
  });

  it('a connection that never sends "connected" is dropped after connectTimeout and retried', async () => {
    silent = await startSilentServer(false);
    const client = connect(silent.url, { ...FAST, connectTimeout: 150 });
    clients.push(client);
    const disconnected = nextCall(client.onDisconnected.bind(client), 'onDisconnected');
    const reconnecting = nextCall(client.onReconnecting.bind(client), 'onReconnecting');
    expect(await disconnected).toEqual([1006, 'no "connected" frame within 150 ms']);
    expect((await reconnecting)[0]).toBe(1);
    expect(client.state).toBe('reconnecting');
  });
});
