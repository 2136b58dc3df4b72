// What docs/client.md promises about stopping, closing,
// the offline queue, subprotocols and prompt retries, each against a real
// Switchboard app over real sockets, through the Node entry (`client/node`,
// which uses `ws` and sees the HTTP status of a refused handshake).
import { connect, type ClientOptions, type SwitchboardClient } from '../../client/node';
import { ProbeLog, probeModule } from '../fixtures/probe-app.module';
import { ChatServer } from '../support/chat-server';
import { startApp, type RunningApp } from '../support/test-app';
import { eventually, within } from '../support/wait';
import { Recorder } from './support/recorder';
import { Timeline } from './support/timeline';

/** Small reconnect delays, so the bounds below (derived from them) stay short. */
const FAST = { initialDelay: 20, maxDelay: 40, promptDelay: 20 } as const;
/**
 * What one connection attempt against 127.0.0.1 may take on a loaded CI
 * machine: TCP connect (or refusal), upgrade, `connected` frame. Every bound
 * below is the configured delays plus this per attempt.
 */
const PER_ATTEMPT = 1000;
/** Requests that must settle for another reason than their own timeout get this one, far beyond any wait below. */
const NEVER = 60_000;
/** How long a promise that should settle "at once" (no timer involved) gets. */
const AT_ONCE = 1000;

/** Resolves with what `promise` rejected with (or fails the wait saying it resolved). */
const rejectionOf = (promise: Promise<unknown>): Promise<any> =>
  promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );

/** The texts of the chat room `q`'s `message` broadcasts a client saw. */
const roomMessages = (seen: Recorder): string[] =>
  seen.frames.filter((f) => f.event === 'message' && f.room === 'q').map((f) => f.message.text);

const clients: SwitchboardClient[] = [];
const open = (url: string, options: ClientOptions): { client: SwitchboardClient; timeline: Timeline } => {
  const client = connect(url, options);
  clients.push(client);
  return { client, timeline: new Timeline(client) };
};
const closeClients = (): Promise<unknown> => Promise.all(clients.splice(0).map((c) => c.close()));

describe('client SDK documented behaviour against a Switchboard app that stays up', () => {
  let server: RunningApp;
  let log: ProbeLog;

  beforeAll(async () => {
    server = await startApp(probeModule());
    log = server.app.get(ProbeLog);
  });
  afterEach(async () => {
    await closeClients();
    log.releaseAll();
  });
  afterAll(() => server?.close());

  it('close() rejects a request that was sent and not answered yet with CLOSED, at once', async () => {
    const { client } = open(server.ws('/ws/probe'), { reconnect: FAST });
    const id = await client.ready();
    const pending = rejectionOf(client.request('hold', 'h1', { timeout: NEVER }));
    await eventually(
      () => log.received.some((r) => r.event === 'hold' && r.from === id),
      AT_ONCE,
      () => `the server to receive the "hold" request of ${id}; it received ${JSON.stringify(log.received)}`,
    );

    await client.close();
    const error = await within(pending, AT_ONCE, () => `the sent request to reject after close() (state ${client.state})`);
    expect(error).toMatchObject({
      code: 'CLOSED',
      message: expect.stringMatching(/^request "hold" \(id \d+\) was abandoned: close\(\) was called$/),
    });
    expect(client.state).toBe('closed');
    // Closed for good: new requests reject at once, emits are dropped.
    await expect(client.request('note', 'late')).rejects.toMatchObject({ code: 'CLOSED', message: 'request "note": the client is closed' });
    expect(client.emit('note', 'late')).toBe(false);
  });

  it('custom stopOnCodes: the client stops after a listed code and says why', async () => {
    const { client, timeline } = open(server.ws('/ws/probe'), { reconnect: { ...FAST, stopOnCodes: [4000] } });
    await client.ready();
    client.emit('closeWith', { code: 4000, reason: 'banned for the day' });

    const stopped = await timeline.waitFor('error', () => true, 'the error that stops the client after close 4000', PER_ATTEMPT);
    expect(stopped.error).toMatchObject({
      code: 'CLOSED',
      message: 'the server closed the connection with code 4000: banned for the day; not reconnecting',
      details: { code: 4000, reason: 'banned for the day' },
    });
    expect(timeline.of('disconnected').map((h) => [h.code, h.reason])).toEqual([[4000, 'banned for the day']]);
    // The decision is made in the close handler that reported the error: had it retried, `reconnecting` would be there.
    expect(timeline.of('reconnecting')).toEqual([]);
    expect(client.state).toBe('closed');
    await expect(client.ready()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('custom stopOnCodes replace the default: close 1000, no longer listed, is retried', async () => {
    const { client, timeline } = open(server.ws('/ws/probe'), { reconnect: { ...FAST, stopOnCodes: [4000] } });
    const first = await client.ready();
    client.emit('closeWith', { code: 1000, reason: 'session over' });

    // Close 1000 is not prompt: the retry waits at most initialDelay.
    const back = await timeline.waitFor(
      'connected',
      (h) => h.id !== first,
      'a new connection after close 1000',
      FAST.initialDelay + PER_ATTEMPT,
    );
    expect(timeline.of('disconnected').map((h) => [h.code, h.reason])).toEqual([[1000, 'session over']]);
    expect(timeline.of('reconnecting').map((h) => h.attempt)).toEqual([1]);
    expect(client.id).toBe(back.id);
    expect(timeline.errorCodes()).toEqual([]);
  });

  it('the protocols option is offered on every attempt, and the server picks from it', async () => {
    const single = open(server.ws('/ws/probe'), { reconnect: FAST, protocols: 'probe.v1' });
    const both = open(server.ws('/ws/probe'), { reconnect: FAST, protocols: ['probe.v1', 'probe.v2'] });
    const none = open(server.ws('/ws/probe'), { reconnect: FAST });
    expect(await single.client.request('whoami', null)).toEqual({ id: single.client.id, protocol: 'probe.v1' });
    // The server's order of preference wins among what was offered.
    expect(await both.client.request('whoami', null)).toEqual({ id: both.client.id, protocol: 'probe.v2' });
    expect(await none.client.request('whoami', null)).toEqual({ id: none.client.id, protocol: '' });

    // After a reconnect (close 4001: neither a stop code nor prompt), the same subprotocol again.
    const first = single.client.id;
    single.client.emit('closeWith', { code: 4001, reason: 'again' });
    await single.timeline.waitFor('connected', (h) => h.id !== first, 'the reconnect after close 4001', FAST.initialDelay + PER_ATTEMPT);
    expect(await single.client.request('whoami', null)).toEqual({ id: single.client.id, protocol: 'probe.v1' });
  });

  it('close 1012 (service restart) is retried within promptDelay, not after the backoff', async () => {
    // A backoff this long would make the reconnect miss every bound below; only the prompt path fits.
    const reconnect = { initialDelay: NEVER, maxDelay: NEVER, promptDelay: 50 };
    const { client, timeline } = open(server.ws('/ws/probe'), { reconnect });
    const first = await client.ready();
    client.emit('closeWith', { code: 1012, reason: 'service restart' });

    const back = await timeline.waitFor(
      'connected',
      (h) => h.id !== first,
      'a new connection after close 1012',
      reconnect.promptDelay + PER_ATTEMPT,
    );
    const [disconnected] = timeline.of('disconnected');
    expect([disconnected.code, disconnected.reason]).toEqual([1012, 'service restart']);
    const retries = timeline.of('reconnecting');
    expect(retries).toEqual([expect.objectContaining({ attempt: 1 })]);
    expect(retries[0].delay).toBeLessThan(reconnect.promptDelay);
    expect(back.at - disconnected.at).toBeLessThan(reconnect.promptDelay + PER_ATTEMPT);
    expect(timeline.errorCodes()).toEqual([]);
  });

  it.each([
    ['throws ForbiddenException', 'banned'],
    ['returns false', 'not-a-token'],
  ])('a handshake refused with HTTP 403 (the hook %s) stops the client with HANDSHAKE_REJECTED, no retry', async (_how, token) => {
    const { client, timeline } = open(server.ws(`/ws/probe/refusing?token=${token}`), { reconnect: FAST });
    const refused = await timeline.waitFor('error', () => true, 'the error of the refused handshake', PER_ATTEMPT);
    expect(refused.error).toMatchObject({
      code: 'HANDSHAKE_REJECTED',
      message: 'the server refused the handshake with HTTP 403; not reconnecting',
      details: { status: 403 },
    });
    expect(client.state).toBe('closed');
    // Decided in the close handler that reported the error: a retry would have been scheduled, and told, there.
    expect(timeline.of('reconnecting')).toEqual([]);
    expect(timeline.of('connected')).toEqual([]);
    expect(log.handshakes.filter((t) => t === token)).toEqual([token]);
    await expect(client.ready()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('the refusing route lets a good token in (the 403s above come from its hook)', async () => {
    const { client } = open(server.ws('/ws/probe/refusing?token=good'), { reconnect: FAST });
    expect(await client.request('whoami', null)).toEqual({ id: await client.ready(), protocol: '' });
  });
});

/** The example chat app, stopped and started again on the same port, as in a deploy. */
describe('client SDK documented behaviour when the server goes away', () => {
  const servers: ChatServer[] = [];
  const serve = (server: ChatServer): Promise<ChatServer> => {
    servers.push(server);
    return server.start();
  };
  afterEach(async () => {
    await closeClients();
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  /** Stops `server` and resolves once the client has seen the disconnect (so it is `reconnecting`, and what it sends is queued). */
  const stopUnder = async (server: ChatServer, timeline: Timeline): Promise<void> => {
    const seen = timeline.of('disconnected').length;
    await server.stop();
    await timeline.waitFor(
      'disconnected',
      (h) => timeline.of('disconnected').indexOf(h) >= seen,
      'the disconnect of the stopped server',
      PER_ATTEMPT,
    );
  };

  // connectTimeout bounds an attempt that hangs instead of being refused (a server half way through shutting down).
  it.each([
    ['reconnect.maxAttempts', { reconnect: { ...FAST, maxAttempts: 3 }, connectTimeout: PER_ATTEMPT }],
    ['maxRetries (the Dox name)', { maxRetries: 3, reconnect: FAST, connectTimeout: PER_ATTEMPT }],
  ])('%s: after that many failed attempts in a row the client stops with RECONNECT_FAILED', async (_name, options: ClientOptions) => {
    const maxAttempts = 3;
    const server = await serve(new ChatServer());
    const { client, timeline } = open(server.ws('/ws'), options);
    await client.ready();
    await stopUnder(server, timeline);
    const queued = rejectionOf(client.request('noti', 'while away', { timeout: NEVER }));
    expect(client.queued).toBe(1);

    // Attempt 1 follows close 1001 within promptDelay, each later one within maxDelay; each fails within connectTimeout
    // (PER_ATTEMPT); one more PER_ATTEMPT is slack for a busy event loop.
    const bound = FAST.promptDelay + (maxAttempts - 1) * FAST.maxDelay + (maxAttempts + 1) * PER_ATTEMPT;
    const gaveUp = await timeline.waitFor('error', (h) => h.error.code === 'RECONNECT_FAILED', 'RECONNECT_FAILED', bound);
    expect(gaveUp.error.message).toBe(`gave up after ${maxAttempts} failed attempts to reach ${server.ws('/ws')}`);
    expect(timeline.of('reconnecting').map((h) => h.attempt)).toEqual([1, 2, 3]);
    expect(timeline.errorCodes()).toEqual(['CONNECT_FAILED', 'CONNECT_FAILED', 'CONNECT_FAILED', 'RECONNECT_FAILED']);
    expect(client.state).toBe('closed');
    // What was still queued is abandoned with the reason.
    expect(await within(queued, AT_ONCE, 'the queued request to reject')).toMatchObject({
      code: 'CLOSED',
      message: expect.stringMatching(/^request "noti" \(id \d+\) was abandoned: gave up after 3 failed attempts/),
    });
    expect(client.queued).toBe(0);
    await expect(client.ready()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('close() rejects a request still waiting in the offline queue with CLOSED, at once', async () => {
    const server = await serve(new ChatServer());
    const { client, timeline } = open(server.ws('/ws'), { reconnect: FAST });
    await client.ready();
    await stopUnder(server, timeline);
    const pending = rejectionOf(client.request('noti', 'queued', { timeout: NEVER }));
    expect(client.queued).toBe(1);

    await client.close();
    expect(await within(pending, AT_ONCE, () => `the queued request to reject after close() (state ${client.state})`)).toMatchObject({
      code: 'CLOSED',
      message: expect.stringMatching(/^request "noti" \(id \d+\) was abandoned: close\(\) was called$/),
    });
    expect(client.queued).toBe(0);
    expect(client.state).toBe('closed');
  });

  it('request() on a full queue under drop-newest rejects with QUEUE_FULL at once and is never sent', async () => {
    const server = await serve(new ChatServer());
    const { client, timeline } = open(server.ws('/ws/chat/q?name=Q'), { reconnect: FAST, queue: { size: 2 } });
    await client.ready();
    await stopUnder(server, timeline);

    expect(client.emit('message', { text: 'm1' })).toBe(true);
    const kept = client.request('message', { text: 'r1' }, { timeout: NEVER });
    // Awaited below; should the test fail before that, close() in afterEach rejects it, which must not surface under another test.
    kept.catch(() => undefined);
    const refused = rejectionOf(client.request('message', { text: 'r2' }, { timeout: NEVER }));
    expect(await within(refused, AT_ONCE, 'the request that did not fit to reject')).toMatchObject({
      code: 'QUEUE_FULL',
      message: 'the offline queue is full (size 2, overflow "drop-newest"): "message" was dropped',
    });
    expect(client.emit('message', { text: 'm3' })).toBe(false);
    expect(client.queued).toBe(2);
    // The request's QUEUE_FULL is carried by its promise; onError hears only of the dropped emit.
    expect(timeline.of('error').filter((h) => h.error.code === 'QUEUE_FULL')).toHaveLength(1);

    const seen = new Recorder(client);
    await server.start();
    expect(
      await within(kept, FAST.maxDelay + PER_ATTEMPT * 2, () => `the queued request to be answered after the restart; ${timeline}`),
    ).toEqual({ sent: true });
    await client.request('message', { text: 'marker' });
    await seen.waitFor((f) => f.message?.text === 'marker', 'the marker message');
    expect(roomMessages(seen)).toEqual(['m1', 'r1', 'marker']);
  });

  it('under drop-oldest a queued request pushed out of the queue rejects with QUEUE_FULL and is never sent', async () => {
    const server = await serve(new ChatServer());
    const { client, timeline } = open(server.ws('/ws/chat/q?name=Q'), { reconnect: FAST, queue: { size: 2, overflow: 'drop-oldest' } });
    await client.ready();
    await stopUnder(server, timeline);

    const pushedOut = rejectionOf(client.request('message', { text: 'r1' }, { timeout: NEVER }));
    expect(client.emit('message', { text: 'm2' })).toBe(true);
    expect(client.emit('message', { text: 'm3' })).toBe(true);
    expect(await within(pushedOut, AT_ONCE, 'the request pushed out of the queue to reject')).toMatchObject({
      code: 'QUEUE_FULL',
      message: 'the offline queue is full (size 2, overflow "drop-oldest"): "message" was dropped',
    });
    expect(timeline.of('error').filter((h) => h.error.code === 'QUEUE_FULL')).toEqual([]);

    const seen = new Recorder(client);
    await server.start();
    await client.ready(FAST.maxDelay + PER_ATTEMPT * 2);
    await client.request('message', { text: 'marker' });
    await seen.waitFor((f) => f.message?.text === 'marker', 'the marker message');
    expect(roomMessages(seen)).toEqual(['m2', 'm3', 'marker']);
  });
});
