// Issue #12, part 3: one connection's backlog cannot hold the server. Frames
// are handled one per connection per turn of the event loop, so a neighbour's
// frame that arrives while a backlog is being worked through is handled next,
// not after it; and a byte budget beside the frame budget refuses a
// connection that sends more bytes than `byteRateLimit`/`byteBurst` allow.
import { Injectable } from '@nestjs/common';
import { Gateway, Message, On, SwitchboardModule, WsController } from '../../src';
import { useApp } from '../support/test-app';
import { within } from '../support/wait';

const BACKLOG = 150;

/** The order frames reached their handlers in, and a signal when the backlog's first one did. */
@Injectable()
class HandledLog {
  readonly order: string[] = [];
  private firstWork?: () => void;
  readonly firstWorkHandled = new Promise<void>((resolve) => (this.firstWork = resolve));

  record(what: string): void {
    this.order.push(what);
    if (what === 'work 0') this.firstWork?.();
  }
}

@WsController()
class FairController {
  constructor(private readonly log: HandledLog) {}

  @On('work')
  work(@Message() n: number): number {
    this.log.record(`work ${n}`);
    return n;
  }

  @On('echo')
  echo(@Message() message: unknown): unknown {
    this.log.record(`echo ${String(message)}`);
    return message;
  }
}

@Gateway('/ws', { controllers: [FairController] })
class FairGateway {}

@Gateway('/ws/bytes', { controllers: [FairController], limits: { byteRateLimit: 1, byteBurst: 64 * 1024, rateLimitCloseAfter: 3 } })
class ByteBudgetGateway {}

describe('fairness between connections', () => {
  const fixture = useApp(() => ({
    imports: [SwitchboardModule.forRoot()],
    providers: [HandledLog, FairController, FairGateway, ByteBudgetGateway],
  }));

  it(`handles a neighbour's frame next, not behind another connection's backlog of ${BACKLOG} frames, and loses none of the backlog`, async () => {
    const noisy = await fixture.connect();
    const quiet = await fixture.connect();
    const log = fixture.server.app.get(HandledLog);
    // Written in one go, the backlog reaches the server in one read.
    for (let n = 0; n < BACKLOG; n++) noisy.send({ event: 'work', message: n, id: n });
    await within(log.firstWorkHandled, 5000, 'the backlog to start being handled');
    // The server is now working through the backlog; the neighbour's frame arrives in the middle of it.
    const answer = quiet.request('echo', 'quiet');

    expect(await answer).toMatchObject({ event: 'echo', message: 'quiet' });
    const position = log.order.indexOf('echo quiet');
    // Were the backlog handled in the turn that read it, the neighbour would come after all of it (position 150).
    expect(position).toBeGreaterThan(0);
    expect(position).toBeLessThanOrEqual(5);
    await noisy.next((f) => f.id === BACKLOG - 1, 5000, `the reply to work ${BACKLOG - 1}`);
    expect(log.order.filter((w) => w.startsWith('work'))).toEqual(Array.from({ length: BACKLOG }, (_, n) => `work ${n}`));
    const replies = noisy.received.flatMap((r) => (r.kind === 'text' && r.frame.event === 'work' ? [r.frame.message] : []));
    expect(replies).toEqual(Array.from({ length: BACKLOG }, (_, n) => n));
  });

  it('refuses frames past the byte budget with RATE_LIMITED and their id, and closes with 1008 when it goes on', async () => {
    const client = await fixture.connect('/ws/bytes');
    const other = await fixture.connect('/ws/bytes');
    const big = 'x'.repeat(30 * 1024);
    // 64 KiB of budget, refilled at 1 byte a second: two 30 KiB frames pass, the third does not.
    for (let i = 0; i < 2; i++) expect(await client.request('echo', big)).toMatchObject({ event: 'echo', message: big });
    expect(await client.request('echo', big)).toEqual({
      event: 'exception',
      message: { status: 'error', code: 'RATE_LIMITED', message: 'too many bytes; slow down' },
      id: expect.anything(),
    });
    // A small frame still fits in what is left.
    expect(await client.request('echo', 'small')).toMatchObject({ event: 'echo', message: 'small' });
    for (let i = 0; i < 3; i++) client.send({ event: 'echo', message: big });
    expect((await within(client.closed, 3000, 'the 1008 close')).code).toBe(1008);
    // The refusals before the one that closed it were each answered.
    expect(client.framesOf('exception')).toHaveLength(2);
    // The budget is per connection.
    expect(await other.request('echo', big)).toMatchObject({ event: 'echo', message: big });
  });
});
