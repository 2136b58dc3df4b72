import { Module } from '@nestjs/common';
import { DisconnectLog, coreTestModule } from '../fixtures/core-test.module';
import { Connection, Gateway, On, SwitchboardModule, WsController, type DisconnectInfo, type WsConnection } from '../../src';
import { startApp, useApp, type RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import { within } from '../support/wait';

/** How long the on-disconnect test keeps its connection open, so the reported duration has a floor worth checking. */
const LIFETIME_MS = 50;

describe('hooks', () => {
  const fixture = useApp(() => coreTestModule());
  const connect = fixture.connect.bind(fixture);

  describe('before-connect', () => {
    it('rejects a handshake without a token with HTTP 401 and makes no connection', async () => {
      expect(await TestClient.refusedStatus(fixture.server.ws('/ws/private'))).toBe(401);
    });

    it('rejects a hook returning false, or throwing ForbiddenException, with HTTP 403', async () => {
      expect(await TestClient.refusedStatus(fixture.server.ws('/ws/private?token=wrong'))).toBe(403);
      expect(await TestClient.refusedStatus(fixture.server.ws('/ws/private?token=banned'))).toBe(403);
    });

    it('accepts a bearer token in the authorization header and hands the attached data to handlers', async () => {
      const a = await connect('/ws/private', { headers: { authorization: 'Bearer good' } });
      expect((await a.request('whoami')).message.data).toEqual({ user: 'alice', role: 'member' });
    });

    it('accepts a token in the query string', async () => {
      const a = await connect('/ws/private?token=good');
      expect((await a.request('whoami')).message.data.user).toBe('alice');
    });

    it('runs guards on the gateway class against the upgrade request, and keeps what they set on request.user', async () => {
      expect(await TestClient.refusedStatus(fixture.server.ws('/ws/guarded'))).toBe(403);
      expect(await TestClient.refusedStatus(fixture.server.ws('/ws/guarded'), { headers: { 'x-api-key': 'nope' } })).toBe(403);
      const a = await connect('/ws/guarded', { headers: { 'x-api-key': 'k1' } });
      expect((await a.request('whoami')).message.data).toEqual({ user: { apiKey: 'k1' } });
    });
  });

  describe('on-disconnect', () => {
    it('is called with the connection info, its rooms, the close code and how long it lived', async () => {
      const opening = Date.now();
      const a = await TestClient.connect(fixture.server.ws('/ws/private?token=good'));
      const connectedAt = Date.now();
      await a.request('joinRoom', 'goodbye');
      // A lifetime the duration must at least cover (what is measured, not a wait for anything).
      await new Promise((resolve) => setTimeout(resolve, LIFETIME_MS));
      const closing = Date.now();
      a.socket.close(4000, 'bye now');
      const info: DisconnectInfo = await fixture.server.app.get(DisconnectLog).waitFor(a.id, 3000);
      const reportedAt = Date.now();
      expect(info).toMatchObject({
        id: a.id,
        route: '/ws/private',
        rooms: ['goodbye'],
        code: 4000,
        reason: 'bye now',
        serverInstanceId: expect.any(String),
      });
      // The server's clock for it starts between the client opening and getting `connected`, and stops
      // between the client closing and the hook reporting: so the duration lies within what the test saw.
      expect(Date.parse(info.connectTime)).toBeGreaterThanOrEqual(opening);
      expect(Date.parse(info.connectTime)).toBeLessThanOrEqual(connectedAt);
      expect(info.durationMs).toBeGreaterThanOrEqual(closing - connectedAt);
      expect(info.durationMs).toBeLessThanOrEqual(reportedAt - opening);
    });
  });
});

describe('global and decorator hooks', () => {
  const events: string[] = [];

  @WsController()
  class PingController {
    @On('ping')
    ping(@Connection() connection: WsConnection) {
      return { data: connection.data, metadata: connection.metadata };
    }
  }

  @Gateway('/hooked', {
    controllers: [PingController],
    hooks: {
      beforeConnect: (ctx) => ({ fromGateway: ctx.query.v ?? null }),
      onConnect: (connection) => {
        if (connection.query.fail) throw new Error('setup failed on purpose');
        events.push(`gateway-connect:${connection.id}`);
        connection.emit('welcome', { id: connection.id });
      },
      onDisconnect: (info) => void events.push(`gateway-disconnect:${info.id}`),
    },
  })
  class HookedGateway {}

  @Module({
    imports: [
      SwitchboardModule.forRoot({
        hooks: {
          beforeConnect: () => ({ fromGlobal: true }),
          onConnect: (connection) => void events.push(`global-connect:${connection.id}`),
        },
      }),
    ],
    providers: [PingController, HookedGateway],
  })
  class HookedModule {}

  let server: RunningApp;
  beforeAll(async () => {
    server = await startApp(HookedModule);
  });
  afterAll(() => server.close());

  it('runs global hooks before the gateway hooks, merging the data both attach', async () => {
    const a = await TestClient.connect(server.ws('/hooked?v=7'));
    expect(await a.next((f) => f.event === 'welcome')).toEqual({ event: 'welcome', message: { id: a.id } });
    expect((await a.request('ping')).message.data).toEqual({ fromGlobal: true, fromGateway: '7' });
    // Other tests' connections record events too: only this connection's count, whatever ran before.
    expect(events.filter((e) => e.endsWith(`:${a.id}`))).toEqual([`global-connect:${a.id}`, `gateway-connect:${a.id}`]);
    await a.close();
  });

  it('closes with 1011 a connection whose on-connect hook throws, and handles none of its frames', async () => {
    const a = await TestClient.connect(server.ws('/hooked?fail=1'));
    a.send({ event: 'ping', id: 1 });
    expect((await within(a.closed, 3000, 'the close after the failed hook')).code).toBe(1011);
    expect(a.received.flatMap((r) => (r.kind === 'text' ? [r.frame.event] : []))).toEqual(['connected']);
  });

  it('sends the connected frame before anything an on-connect hook sends', async () => {
    const a = await TestClient.connect(server.ws('/hooked'));
    const texts = a.received.flatMap((r) => (r.kind === 'text' ? [r.frame.event] : []));
    expect(texts[0]).toBe('connected');
    await a.next((f) => f.event === 'welcome');
    await a.close();
  });
});
