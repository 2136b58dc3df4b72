import { coreTestModule } from '../fixtures/core-test.module';
import { startApp, useApp, type RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import { RealtimeService } from '../../src';
import { openNonReadingSocket, RawFrameReader } from '../support/raw-socket';
import { eventually, within } from '../support/wait';

/** How long a client closed for reading too slowly has before the server cuts its socket (client-connection.ts). */
const SLOW_CLIENT_GRACE_MS = 1000;

describe('bad input gets a clear error and nothing else', () => {
  const fixture = useApp(() =>
    coreTestModule({
      limits: {
        maxPayload: 4096,
        maxDepth: 8,
        maxRoomsPerConnection: 3,
        maxRoomNameLength: 16,
        allowedOrigins: ['https://good.example'],
      },
    }),
  );
  const connect = fixture.connect.bind(fixture);

  /** Sends a bad frame, expects an exception with `code`, then proves the connection still works. */
  async function expectException(client: TestClient, bad: string | Record<string, unknown>, code: string) {
    if (typeof bad === 'string') client.sendRaw(bad, false);
    else client.send(bad);
    const exception = await client.next((f) => f.event === 'exception', 3000, `an exception for ${JSON.stringify(bad)}`);
    expect(exception.message).toMatchObject({ status: 'error', code, message: expect.any(String) });
    expect(await client.request('echo', 'still works')).toMatchObject({ message: 'still works' });
    return exception;
  }

  it.each([
    ['malformed JSON', '{"event": "echo",'],
    ['a JSON array', '["echo", 1]'],
    ['a JSON string', '"echo"'],
    ['null', 'null'],
    ['a missing event', '{"message": 1}'],
    ['a numeric event', '{"event": 42}'],
    ['an empty event', '{"event": ""}'],
    ['an object id', '{"event": "echo", "id": {"x": 1}}'],
  ])('answers %s with BAD_FRAME and keeps the connection open', async (_what, frame) => {
    await expectException(await connect(), frame, 'BAD_FRAME');
  });

  it('keeps the id of a frame whose event is bad, so the client can correlate the error', async () => {
    const a = await connect();
    a.send({ event: 7, id: 'x1' });
    expect(await a.next((f) => f.id === 'x1')).toMatchObject({ event: 'exception', message: { code: 'BAD_FRAME' } });
  });

  it('rejects JSON nested deeper than the limit with BAD_FRAME, before any handler runs', async () => {
    const deep = `{"event":"echo","message":${'['.repeat(20)}${']'.repeat(20)}}`;
    await expectException(await connect(), deep, 'BAD_FRAME');
  });

  it('puts the id of a frame refused for its depth on the BAD_FRAME, so a request fails at once instead of timing out', async () => {
    const a = await connect();
    const deep = `{"event":"echo","message":${'{"a":'.repeat(20)}1${'}'.repeat(20)},"id":"deep-1"}`;
    const ex = await expectException(a, deep, 'BAD_FRAME');
    expect(ex).toMatchObject({ id: 'deep-1', message: { message: 'frame nests deeper than 8 levels' } });
  });

  it.each(['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'answers the unknown event %s with UNKNOWN_EVENT and runs no handler',
    async (event) => {
      const a = await connect();
      const ex = await expectException(a, { event, message: 1, id: 'u1' }, 'UNKNOWN_EVENT');
      expect(ex.id).toBe('u1');
    },
  );

  it('answers a DTO validation failure with VALIDATION_FAILED naming the failing fields', async () => {
    const a = await connect();
    const ex = await expectException(a, { event: 'intro', message: { name: 'x', age: -1 }, id: 'v1' }, 'VALIDATION_FAILED');
    expect(Object.keys(ex.message.fields).sort()).toEqual(['age', 'name']);
    expect(ex.message.fields.age[0]).toMatch(/age must not be less than 0/);
    expect(await a.request('intro', { name: 'Ann', age: 3 })).toMatchObject({ message: { ok: true, isDto: true, name: 'Ann' } });
  });

  it("maps Nest's plain ValidationPipe failures to VALIDATION_FAILED with its messages", async () => {
    const ex = await expectException(
      await connect(),
      { event: 'plainValidation', message: { name: 1, age: 1 }, id: 'p1' },
      'VALIDATION_FAILED',
    );
    expect(ex.message.message).toMatch(/name must be a string/);
  });

  it('hides the details of an unexpected handler error behind INTERNAL', async () => {
    const ex = await expectException(await connect(), { event: 'crash', id: 'c1' }, 'INTERNAL');
    expect(ex.message.message).toBe('Internal server error');
    expect(JSON.stringify(ex)).not.toContain('hunter2');
  });

  it("passes a WsException's own code and message to the client", async () => {
    const ex = await expectException(await connect(), { event: 'wsError', id: 'w1' }, 'NOT_ALLOWED_HERE');
    expect(ex.message.message).toBe('not here');
  });

  it('maps a rejected promise with an HTTP exception to its code', async () => {
    const ex = await expectException(await connect(), { event: 'reject', id: 'f1' }, 'FORBIDDEN');
    expect(ex.message.message).toBe('members only');
  });

  it('answers a frame a guard refuses with FORBIDDEN', async () => {
    const muted = await connect('/ws/private?token=muted');
    await expectException(muted, { event: 'speak', message: 'hi', id: 'g1' }, 'FORBIDDEN');
    const member = await connect('/ws/private?token=good');
    expect(await member.request('speak', 'hi')).toMatchObject({ message: 'hi' });
  });

  it.each([
    ['an empty name', ''],
    ['a name too long', 'x'.repeat(17)],
    ['a name with spaces', 'two words'],
    ['a name with control characters', 'a\u0000b'],
    ['a name with a bidi override', 'ab\u202ecd'],
    ['a non-string', { room: 'x' }],
  ])('refuses to join a room with %s (INVALID_ROOM)', async (_what, room) => {
    const a = await connect();
    await expectException(a, { event: 'joinRoom', message: room, id: 'j1' }, 'INVALID_ROOM');
    expect((await a.request('whoami')).message.rooms).toEqual([]);
  });

  it('joins rooms named in any script, marks included, and delivers to them', async () => {
    const [a, b] = [await connect(), await connect()];
    for (const room of ['हिन्दी', 'ห้อง', 'cafe\u0301']) {
      for (const client of [a, b]) expect(await client.request('joinRoom', room)).toMatchObject({ message: { room } });
    }
    expect((await a.request('whoami')).message.rooms.sort()).toEqual(['cafe\u0301', 'ห้อง', 'हिन्दी'].sort());
  });

  it('refuses a room over the per-connection cap with TOO_MANY_ROOMS and does not join it', async () => {
    const a = await connect();
    for (const room of ['a', 'b', 'c']) await a.request('joinRoom', room);
    await expectException(a, { event: 'joinRoom', message: 'd', id: 'j4' }, 'TOO_MANY_ROOMS');
    expect((await a.request('whoami')).message.rooms.sort()).toEqual(['a', 'b', 'c']);
    expect(await a.request('joinRoom', 'a')).toMatchObject({ event: 'joinRoom' });
  });

  it('closes a connection that sends a frame over maxPayload with 1009, leaving others untouched', async () => {
    const [a, b] = [await connect(), await connect()];
    a.send({ event: 'echo', message: 'x'.repeat(5000) });
    expect((await within(a.closed, 3000, 'the 1009 close')).code).toBe(1009);
    expect(await b.request('echo', 'fine')).toMatchObject({ message: 'fine' });
  });

  it('answers a handshake from an Origin not on the allowlist with HTTP 403', async () => {
    expect(await TestClient.refusedStatus(fixture.server.ws('/ws'), { origin: 'https://evil.example' })).toBe(403);
    const ok = await connect('/ws', { origin: 'https://good.example' });
    expect(await ok.request('echo', 1)).toMatchObject({ message: 1 });
  });
});

describe('flow limits', () => {
  let server: RunningApp;
  afterEach(() => server?.close());

  it('answers a flood with RATE_LIMITED, then closes with 1008 at the rateLimitCloseAfter-th refusal in a row', async () => {
    // One token per 100 s: however slowly a loaded machine delivers the 30 frames, exactly the burst gets through.
    const rateLimitCloseAfter = 10;
    server = await startApp(coreTestModule({ limits: { rateLimit: 0.01, rateBurst: 5, rateLimitCloseAfter } }));
    const a = await TestClient.connect(server.ws('/ws'));
    const other = await TestClient.connect(server.ws('/ws'));
    for (let i = 0; i < 30; i++) a.send({ event: 'echo', message: i });
    expect(await a.next((f) => f.event === 'exception')).toMatchObject({ message: { code: 'RATE_LIMITED' } });
    expect((await within(a.closed, 3000, 'the 1008 close')).code).toBe(1008);
    expect(a.framesOf('echo').map((f) => f.message)).toEqual([0, 1, 2, 3, 4]);
    // The refusals before the one that closed it were each answered.
    expect(a.framesOf('exception')).toHaveLength(rateLimitCloseAfter - 1);
    expect(await other.request('echo', 'unaffected')).toMatchObject({ message: 'unaffected' });
    await other.close();
  });

  it('puts the id of a refused request on its RATE_LIMITED frame, so the request fails at once', async () => {
    server = await startApp(coreTestModule({ limits: { rateLimit: 2, rateBurst: 2, rateLimitCloseAfter: 100 } }));
    const a = await TestClient.connect(server.ws('/ws'));
    for (let i = 0; i < 2; i++) a.send({ event: 'echo', message: i });
    expect(await a.request('echo', 'one too many')).toMatchObject({
      event: 'exception',
      message: { code: 'RATE_LIMITED' },
      id: expect.anything(),
    });
    await a.close();
  });

  it('terminates a peer that stops answering pings after the heartbeat timeout', async () => {
    server = await startApp(coreTestModule({ limits: { heartbeatInterval: 100 } }));
    const silent = await TestClient.connect(server.ws('/ws'), { autoPong: false });
    const healthy = await TestClient.connect(server.ws('/ws'));
    const closed = await within(silent.closed, 3000, 'the silent peer to be terminated');
    expect(closed.code).toBe(1006);
    expect(await healthy.request('echo', 'alive')).toMatchObject({ message: 'alive' });
    await healthy.close();
  });

  it('closes a client that stops reading with 1013 once its send buffer passes the high-water mark, and cuts it 1 s later', async () => {
    const highWaterMark = 256 * 1024;
    server = await startApp(coreTestModule({ limits: { highWaterMark } }));
    const realtime = server.app.get(RealtimeService);
    const { socket, id } = await openNonReadingSocket(server.port, '/ws');
    const reader = new RawFrameReader(socket);
    const bystander = await TestClient.connect(server.ws('/ws'));
    const chunk = 'z'.repeat(60_000);
    // At most 64 MiB are offered; once the kernel's socket buffers and the
    // high-water mark are full, the policy must refuse the next frame.
    let accepted = 0;
    while (accepted < 1100 && (await realtime.emitTo(id, 'bulk', chunk)) === 1) {
      accepted++;
      if (accepted % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const firedAt = Date.now();
    expect(accepted).toBeLessThan(1100);
    expect(accepted).toBeGreaterThan(highWaterMark / chunk.length);

    // The client reads again: every frame the server took comes first, then the close frame if it got
    // through before the cut; the client never answers it, so the server cuts the TCP stream 1 s after
    // the policy fired (SLOW_CLIENT_GRACE_MS), not earlier and not at ws' own 30 s close timeout.
    reader.resume();
    const endedAt = await within(reader.ended, SLOW_CLIENT_GRACE_MS * 3, () => `the server to cut the slow client; ${reader.state()}`);
    if (reader.close) {
      expect(reader.close).toMatchObject({ code: 1013, reason: 'client reads too slowly' });
      expect(reader.texts.filter((f) => f.event === 'bulk')).toHaveLength(accepted);
      expect(reader.texts.every((f) => f.event === 'bulk' && f.message === chunk)).toBe(true);
    }
    process.stdout.write(
      `[figures] slow client: ${accepted} frames taken, close frame ${reader.close ? `${reader.close.code} read ${reader.close.at - firedAt} ms` : 'not read'}` +
        ` and TCP cut ${endedAt - firedAt} ms after the policy fired\n`,
    );
    expect(endedAt - firedAt).toBeGreaterThanOrEqual(SLOW_CLIENT_GRACE_MS - 20);
    expect(endedAt - firedAt).toBeLessThanOrEqual(SLOW_CLIENT_GRACE_MS * 1.5);
    await eventually(async () => (await realtime.getConnectionInfo(id)) === null, 3000, 'the slow client leaves the registry');
    expect(await bystander.request('echo', 'unaffected')).toMatchObject({ message: 'unaffected' });
    socket.destroy();
    await bystander.close();
  });
});
