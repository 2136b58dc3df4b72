import { connect, type ClientOptions, type SwitchboardClient } from '../../client/node';
import { MemoryBackplane, MemoryBus } from '../../src';
import { ChatServer } from '../support/chat-server';
import { within } from '../support/wait';
import { nextCall, Recorder } from './support/recorder';

const FAST = { initialDelay: 20, maxDelay: 100 };

/**
 * Texts of the chat room's `message` broadcasts. (A plain emit of `message`
 * also gets the handler's return value back as a `message` frame without a
 * room; those are not broadcasts.)
 */
const roomMessages = (seen: Recorder) => seen.frames.filter((f) => f.event === 'message' && f.room === 'q').map((f) => f.message.text);

/**
 * Restarts of the example app on the same port: what clients see during a
 * deploy. Each test owns its servers.
 */
describe('client SDK across server restarts', () => {
  const clients: SwitchboardClient[] = [];
  const servers: ChatServer[] = [];
  const open = (url: string, options: ClientOptions = {}): SwitchboardClient => {
    const client = connect(url, { reconnect: FAST, ...options });
    clients.push(client);
    return client;
  };
  const serve = (server: ChatServer): Promise<ChatServer> => {
    servers.push(server);
    return server.start();
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('rejoins its rooms and delivers what was queued exactly once, in order, to a peer on another node', async () => {
    // Two nodes sharing one bus: the observer's node stays up while the sender's restarts.
    const bus = new MemoryBus();
    const stable = await serve(new ChatServer(() => ({ backplane: new MemoryBackplane({ bus }) })));
    const restarting = await serve(new ChatServer(() => ({ backplane: new MemoryBackplane({ bus }) })));
    const observer = open(stable.ws('/ws'));
    const sender = open(restarting.ws('/ws'));
    await Promise.all([observer.joinRoom('chat'), sender.joinRoom('chat')]);
    const seenByObserver = new Recorder(observer);
    const seenBySender = new Recorder(sender);
    const firstId = sender.id;
    sender.emit('noti', 'before');
    await seenByObserver.waitFor((f) => f.message === 'before', 'the frame sent before the restart');

    const disconnected = nextCall(sender.onDisconnected.bind(sender), 'onDisconnected');
    const reconnecting = nextCall(sender.onReconnecting.bind(sender), 'onReconnecting');
    await restarting.stop();
    expect(await disconnected).toEqual([1001, expect.any(String)]);
    const [attempt, delay] = await reconnecting;
    // 1001 (going away) retries promptly: within promptDelay (100 ms), not the backoff.
    expect(attempt).toBe(1);
    expect(delay).toBeLessThan(100);
    expect(sender.state).toBe('reconnecting');

    const queued = ['q1', 'q2', 'q3', 'q4', 'q5'].map((text) => sender.emit('noti', text));
    expect(queued).toEqual([true, true, true, true, true]);
    expect(sender.queued).toBe(5);

    const reconnected = nextCall(sender.onConnected.bind(sender), 'onConnected after the restart', 5000);
    await restarting.start();
    const [secondId] = await reconnected;
    expect(secondId).not.toBe(firstId);
    expect(sender.rooms).toEqual(['chat']);
    expect(sender.queued).toBe(0);
    sender.emit('noti', 'after');

    const expected = ['before', 'q1', 'q2', 'q3', 'q4', 'q5', 'after'];
    await seenByObserver.waitFor((f) => f.message === 'after', 'the frame sent after the restart');
    expect(seenByObserver.messages('noti')).toEqual(expected);
    expect(seenByObserver.frames.filter((f) => f.message !== 'before').map((f) => f.sender)).toEqual(Array(6).fill(secondId));
    // The sender hears its own room emits only because it rejoined the room on the new connection.
    await seenBySender.waitFor((f) => f.message === 'after', 'the sender receiving its own frame in the room');
    expect(seenBySender.messages('noti')).toEqual(expected);
    const room = (await (await fetch(stable.http('/api/rooms/chat'))).json()) as { members: string[] };
    expect(room.members.sort()).toEqual([observer.id, secondId].sort());
  });

  it('a full queue under drop-newest keeps the first frames and refuses the rest', async () => {
    const server = await serve(new ChatServer());
    const client = open(server.ws('/ws/chat/q?name=Q'), { queue: { size: 3 } });
    await client.ready();
    const errors: string[] = [];
    client.onError((e) => errors.push(`${e.code}: ${e.message}`));
    await server.stop();
    expect(client.state).not.toBe('connected');
    const accepted = ['m1', 'm2', 'm3', 'm4', 'm5'].map((text) => client.emit('message', { text }));
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(errors).toEqual(Array(2).fill(expect.stringMatching(/^QUEUE_FULL: .*"message" was dropped$/)));

    const seen = new Recorder(client);
    await server.start();
    await client.ready(5000);
    await client.request('message', { text: 'marker' });
    await seen.waitFor((f) => f.message?.text === 'marker', 'the marker message');
    expect(roomMessages(seen)).toEqual(['m1', 'm2', 'm3', 'marker']);
  });

  it('sends queued frames before anything its connected listeners send', async () => {
    const server = await serve(new ChatServer());
    const client = open(server.ws('/ws/chat/q?name=Q'));
    await client.ready();
    let reconnected = false;
    client.onStateChange((state) => {
      if (state === 'connected' && reconnected) client.emit('message', { text: 'from onStateChange' });
    });
    client.onConnected(() => reconnected && client.emit('message', { text: 'from onConnected' }));
    await server.stop();
    reconnected = true;
    for (const text of ['q1', 'q2']) client.emit('message', { text });

    const seen = new Recorder(client);
    await server.start();
    await client.ready(5000);
    await client.request('message', { text: 'marker' });
    await seen.waitFor((f) => f.message?.text === 'marker', 'the marker message');
    expect(roomMessages(seen)).toEqual(['q1', 'q2', 'from onStateChange', 'from onConnected', 'marker']);
  });

  it('reconnectNow() skips the wait between attempts: back within a second where the backoff said seconds more', async () => {
    const server = await serve(new ChatServer());
    const client = open(server.ws('/ws/chat/q?name=Q'), { reconnect: { initialDelay: 60_000, maxDelay: 60_000, promptDelay: 10 } });
    await client.ready();
    expect(client.reconnectNow()).toBe(false);
    // Backoff delays are random below 60 s: wait for one that is long, so that only reconnectNow() can explain a quick return.
    const longWait = within(
      new Promise<number>((resolve) => client.onReconnecting((_attempt, delay) => delay >= 5000 && resolve(delay))),
      15_000,
      'a reconnect scheduled 5 s or more ahead',
    );
    await server.stop();
    await longWait;
    await server.start();
    expect(client.reconnectNow()).toBe(true);
    // An attempt is under way: a second call does not start another.
    expect(client.reconnectNow()).toBe(false);
    await client.ready(1000);
    expect(client.state).toBe('connected');
  });

  it('a full queue under drop-oldest keeps the newest frames and reports each dropped one', async () => {
    const server = await serve(new ChatServer());
    const client = open(server.ws('/ws/chat/q?name=Q'), { queue: { size: 3, overflow: 'drop-oldest' } });
    await client.ready();
    const errors: string[] = [];
    client.onError((e) => e.code === 'QUEUE_FULL' && errors.push(e.message));
    await server.stop();
    const accepted = ['m1', 'm2', 'm3', 'm4', 'm5'].map((text) => client.emit('message', { text }));
    expect(accepted).toEqual([true, true, true, true, true]);
    expect(errors).toEqual([expect.stringContaining('"message" was dropped'), expect.stringContaining('"message" was dropped')]);

    const seen = new Recorder(client);
    await server.start();
    await client.ready(5000);
    await client.request('message', { text: 'marker' });
    await seen.waitFor((f) => f.message?.text === 'marker', 'the marker message');
    expect(roomMessages(seen)).toEqual(['m3', 'm4', 'm5', 'marker']);
  });

  it('a request that times out while queued says so and is never sent', async () => {
    const server = await serve(new ChatServer());
    const client = open(server.ws('/ws/chat/q?name=Q'));
    await client.ready();
    await server.stop();
    const error = await client.request('message', { text: 'stale' }, { timeout: 100 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(
        /^request "message" \(id \d+\) timed out after 100 ms: it was still queued, not sent \(state reconnecting\); it will not be sent$/,
      ),
    });
    expect(client.queued).toBe(0);

    const seen = new Recorder(client);
    await server.start();
    await client.ready(5000);
    await client.request('message', { text: 'marker' });
    await seen.waitFor((f) => f.message?.text === 'marker', 'the marker message');
    expect(roomMessages(seen)).toEqual(['marker']);
  });

  it('a request made while offline is sent after the reconnect and answered', async () => {
    const server = await serve(new ChatServer());
    const client = open(server.ws('/ws/chat/q?name=Q'));
    await client.ready();
    const stopped = server.stop();
    await nextCall(client.onDisconnected.bind(client), 'onDisconnected');
    await stopped;
    const answered = client.request('message', { text: 'queued request' });
    await server.start();
    expect(await answered).toEqual({ sent: true });
  });

  it('the attempt count resets only after a connection stayed up for stableAfter', async () => {
    const server = await serve(new ChatServer());
    const resets = open(server.ws('/ws'), { reconnect: { ...FAST, stableAfter: 0 } });
    const keeps = open(server.ws('/ws'), { reconnect: { ...FAST, stableAfter: 60_000 } });
    // The attempt numbers of each outage, one list per disconnection.
    const outages = new Map<SwitchboardClient, number[][]>();
    for (const client of [resets, keeps]) {
      const list: number[][] = [];
      outages.set(client, list);
      client.onDisconnected(() => list.push([]));
      client.onReconnecting((attempt) => list[list.length - 1].push(attempt));
    }
    for (let outage = 0; outage < 2; outage++) {
      await Promise.all([resets.ready(), keeps.ready()]);
      await server.stop();
      await server.start();
    }
    await Promise.all([resets.ready(5000), keeps.ready(5000)]);
    const firstAttempts = (client: SwitchboardClient) => outages.get(client)!.map((attempts) => attempts[0]);
    expect(firstAttempts(resets)).toEqual([1, 1]);
    const [first, second] = firstAttempts(keeps);
    expect(first).toBe(1);
    expect(second).toBeGreaterThan(1);
  });

  it('close 1008 (rate limit) stops the client', async () => {
    const server = await serve(new ChatServer(() => ({ limits: { rateLimit: 1, rateBurst: 1, rateLimitCloseAfter: 3 } })));
    const client = open(server.ws('/ws'));
    await client.ready();
    const disconnected = nextCall(client.onDisconnected.bind(client), 'onDisconnected');
    for (let i = 0; i < 10; i++) client.emit('noti', i);
    expect((await disconnected)[0]).toBe(1008);
    expect(client.state).toBe('closed');
  });
});
