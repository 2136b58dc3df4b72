// Global guards (APP_GUARD) in a Switchboard app, tested with the real
// @nestjs/throttler: they guard every message handler in a `ws` context and
// never the upgrade request; a gateway's own guards guard the upgrade.
import { Injectable, UseGuards, type CallHandler, type CanActivate, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { tap, type Observable } from 'rxjs';
import { SkipThrottle, Throttle, ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { Gateway, Message, On, SwitchboardModule, WsController, type WsConnection } from '../../src';
import { useApp } from '../support/test-app';
import { TestClient } from '../support/test-client';

/** Messages each handler takes per client in a minute, under the global ThrottlerGuard. */
const LIMIT = 3;

/** Counts the calls that reached a handler, so a refused frame is seen not to run it. */
@Injectable()
class Calls {
  readonly counts = new Map<string, number>();
  hit(event: string): void {
    this.counts.set(event, (this.counts.get(event) ?? 0) + 1);
  }
}

/** Records what a global guard saw of each message: its context type, client and data. */
@Injectable()
class SeenByGlobalGuard implements CanActivate {
  readonly seen: unknown[] = [];
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'ws') return true;
    const ws = context.switchToWs();
    const client = ws.getClient<WsConnection>();
    this.seen.push({
      client: client.id,
      data: ws.getData(),
      pattern: ws.getPattern(),
      ip: context.switchToHttp().getRequest<WsConnection>().ip,
    });
    return true;
  }
}

/** A global interceptor written for HTTP, which sets a response header: on a message there is none to set, and that is fine. */
@Injectable()
class ResponseTimeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const started = Date.now();
    const response = context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>();
    return next.handle().pipe(tap(() => response.setHeader('X-Response-Time', `${Date.now() - started}ms`)));
  }
}

const perConnection = (_request: unknown, context: ExecutionContext): string => context.switchToWs().getClient<WsConnection>().id;

@WsController()
class LimitedController {
  constructor(private readonly calls: Calls) {}

  /** No message at all: what crashed ThrottlerGuard, which set headers on it. */
  @On('ping')
  ping(): string {
    this.calls.hit('ping');
    return 'pong';
  }

  @On('echo')
  echo(@Message() message: unknown): unknown {
    this.calls.hit('echo');
    return message;
  }

  @On('mine')
  @Throttle({ default: { limit: 2, ttl: 60_000, getTracker: perConnection } })
  mine(): string {
    return 'mine';
  }

  @On('free')
  @SkipThrottle()
  free(): string {
    return 'free';
  }
}

@Gateway('/ws', { controllers: [LimitedController] })
class LimitedGateway {}

/** A gateway that throttles connection attempts itself: two per client address. */
@Gateway('/ws/few', { controllers: [LimitedController] })
@UseGuards(ThrottlerGuard)
@Throttle({ default: { limit: 2, ttl: 60_000 } })
class FewConnectionsGateway {}

/** Lets in upgrade requests that carry `x-key: open`. */
@Injectable()
class KeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers['x-key'] === 'open';
  }
}

/** A guard on the gateway's beforeConnect method guards its upgrade, as one on the class does. */
@Gateway('/ws/keyed', { controllers: [LimitedController] })
class KeyedGateway {
  @UseGuards(KeyGuard)
  beforeConnect(): void {}
}

/** Connects from another loopback address, so throttler sees another client. */
const fromOtherAddress = { localAddress: '127.0.0.2' };

describe('global guards (APP_GUARD) with @nestjs/throttler', () => {
  const fixture = useApp(() => ({
    imports: [SwitchboardModule.forRoot(), ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: LIMIT }] })],
    providers: [
      Calls,
      SeenByGlobalGuard,
      LimitedController,
      LimitedGateway,
      FewConnectionsGateway,
      KeyedGateway,
      KeyGuard,
      { provide: APP_GUARD, useClass: ThrottlerGuard },
      { provide: APP_GUARD, useExisting: SeenByGlobalGuard },
      { provide: APP_INTERCEPTOR, useClass: ResponseTimeInterceptor },
    ],
  }));
  const calls = (event: string): number => fixture.server.app.get(Calls).counts.get(event) ?? 0;

  it('does not run global guards on the upgrade: more connections than the limit all open', async () => {
    const clients = await Promise.all(Array.from({ length: LIMIT + 2 }, () => fixture.connect()));
    expect(new Set(clients.map((c) => c.id)).size).toBe(LIMIT + 2);
  });

  it('runs them on each message in a ws context: client, data and pattern, and the client address as ip', async () => {
    const guard = fixture.server.app.get(SeenByGlobalGuard);
    const client = await fixture.connect();
    await client.request('free', { n: 1 });
    expect(guard.seen.at(-1)).toEqual({ client: client.id, data: { n: 1 }, pattern: 'free', ip: '127.0.0.1' });
  });

  it('refuses messages over the limit with RATE_LIMITED and the frame id, without running the handler (the message may be absent)', async () => {
    const client = await fixture.connect();
    for (let i = 0; i < LIMIT; i++) expect((await client.request('ping')).message).toBe('pong');
    expect(await client.request('ping')).toEqual({
      event: 'exception',
      message: { status: 'error', code: 'RATE_LIMITED', message: 'ThrottlerException: Too Many Requests' },
      id: expect.any(String),
    });
    expect(calls('ping')).toBe(LIMIT);
    // The connection stays open, and a handler that skips the throttler still answers.
    expect((await client.request('free')).message).toBe('free');
  });

  it('counts per client address by default, as for HTTP: another connection from the same address shares the budget', async () => {
    const [a, b] = [await fixture.connect(), await fixture.connect()];
    for (let i = 0; i < LIMIT; i++) await a.request('echo', i);
    expect((await b.request('echo', 'b')).message.code).toBe('RATE_LIMITED');
    const elsewhere = await fixture.connect('/ws', fromOtherAddress);
    expect((await elsewhere.request('echo', 'elsewhere')).message).toBe('elsewhere');
  });

  it('counts per connection with a getTracker that returns the connection id', async () => {
    const [a, b] = [await fixture.connect(), await fixture.connect()];
    await a.request('mine');
    await a.request('mine');
    expect((await a.request('mine')).message.code).toBe('RATE_LIMITED');
    expect((await b.request('mine')).message).toBe('mine');
  });

  it("runs a gateway's own ThrottlerGuard on the upgrade: HTTP 429 past its limit, per client address", async () => {
    await fixture.connect('/ws/few');
    await fixture.connect('/ws/few');
    expect(await TestClient.refusedStatus(fixture.server.ws('/ws/few'))).toBe(429);
    await fixture.connect('/ws/few', fromOtherAddress);
  });

  it("runs the guards on a gateway's beforeConnect method on the upgrade", async () => {
    expect(await TestClient.refusedStatus(fixture.server.ws('/ws/keyed'))).toBe(403);
    await fixture.connect('/ws/keyed', { headers: { 'x-key': 'open' } });
  });
});
