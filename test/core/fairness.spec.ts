// Issue #12, part 3: one connection's backlog cannot hold the server. A
// connection's waiting frames are handled in slices (32 frames or 256 KiB,
// or up to the first frame answered with an error), one slice per turn of the
// event loop, and its socket is paused while more than a slice waits; so a
// neighbour's frame that arrives in the middle of a backlog is handled next,
// not after it. And a byte budget beside the frame budget refuses a
// connection that sends more bytes than `byteRateLimit`/`byteBurst` allow.
import { Injectable } from '@nestjs/common';
import { Connection, Gateway, Message, On, SwitchboardModule, WsController, type WsConnection } from '../../src';
import type { ClientConnection } from '../../src/gateways/client-connection';
import { LocalHub } from '../../src/services/local-hub';
import { useApp } from '../support/test-app';
import { within } from '../support/wait';

const BACKLOG = 150;
const SLICE = 32;

/** What the handlers saw: the order frames reached them, whether the socket was paused, and a signal at the backlog's first frame. */
@Injectable()
class HandledLog {
  readonly order: string[] = [];
  readonly pausedAt = new Map<number, boolean>();
  /** Frames still waiting on the noisy connection when the quiet one's echo was handled. */
  noisyWaiting?: number;
  noisyId?: string;
  bigStarted?: () => void;
  readonly bigPaused = new Map<number, boolean>();
  private firstWork?: () => void;
  readonly firstWorkHandled = new Promise<void>((resolve) => (this.firstWork = resolve));

  /** The server's connections, set by the test (the module does not export its hub). */
  hub?: LocalHub<ClientConnection>;

  record(what: string): void {
    this.order.push(what);
    if (what === 'work 0') this.firstWork?.();
  }
}

@WsController()
class FairController {
  constructor(private readonly log: HandledLog) {}

  @On('work')
  work(@Message() n: number, @Connection() connection: WsConnection): number {
    this.log.record(`work ${n}`);
    this.log.pausedAt.set(n, connection.socket.isPaused);
    return n;
  }

  @On('big')
  big(@Message() message: { n: number }, @Connection() connection: WsConnection): number {
    this.log.record(`big ${message.n}`);
    this.log.bigPaused.set(message.n, connection.socket.isPaused);
    if (message.n === 0) this.log.bigStarted?.();
    return message.n;
  }

  @On('echo')
  echo(@Message() message: unknown): unknown {
    this.log.record(`echo ${String(message)}`);
    const noisy = this.log.noisyId === undefined ? undefined : this.log.hub?.get(this.log.noisyId);
    this.log.noisyWaiting = noisy?.inbox.frames.length;
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

  it(`handles a neighbour's frame within two slices of another connection's backlog of ${BACKLOG} frames, and loses none of the backlog`, async () => {
    const noisy = await fixture.connect();
    const quiet = await fixture.connect();
    const log = fixture.server.app.get(HandledLog);
    // Written in one go, the backlog reaches the server in one read.
    for (let n = 0; n < BACKLOG; n++) noisy.send({ event: 'work', message: n, id: n });
    await within(log.firstWorkHandled, 5000, 'the backlog to start being handled');
    // The server is now working through the backlog; the neighbour's frame arrives in the middle of it.
    expect(await quiet.request('echo', 'quiet')).toMatchObject({ event: 'echo', message: 'quiet' });
    const position = log.order.indexOf('echo quiet');
    // Were the backlog handled in the turn that read it, the neighbour would come after all of it (position 150).
    // A slice yields to the next turn's check phase: the slice read with the backlog and the one after it may both
    // come before the poll that reads the neighbour, so it waits two slices at most.
    expect(position).toBeGreaterThan(0);
    expect(position).toBeLessThanOrEqual(2 * SLICE + 1);

    await noisy.next((f) => f.id === BACKLOG - 1, 5000, `the reply to work ${BACKLOG - 1}`);
    expect(log.order.filter((w) => w.startsWith('work'))).toEqual(Array.from({ length: BACKLOG }, (_, n) => `work ${n}`));
    const replies = noisy.received.flatMap((r) => (r.kind === 'text' && r.frame.event === 'work' ? [r.frame.message] : []));
    expect(replies).toEqual(Array.from({ length: BACKLOG }, (_, n) => n));
    // While more than a slice waited, the socket was paused; once the backlog was done, it reads again.
    expect(log.pausedAt.get(SLICE + 8)).toBe(true);
    expect(await noisy.request('work', -1)).toMatchObject({ event: 'work', message: -1 });
    expect(log.pausedAt.get(-1)).toBe(false);
  });

  it('works through a backlog of garbage one frame a turn, so a neighbour never waits behind it', async () => {
    const noisy = await fixture.connect();
    const quiet = await fixture.connect();
    const log = fixture.server.app.get(HandledLog);
    log.noisyId = noisy.id;
    log.hub = fixture.server.app.get(LocalHub);
    for (let n = 0; n < BACKLOG; n++) noisy.sendRaw('{"event":', false);
    await noisy.next((f) => f.event === 'exception', 5000, 'the first BAD_FRAME');
    expect(await quiet.request('echo', 'beside garbage')).toMatchObject({ message: 'beside garbage' });
    // A slice of 32 good frames would have left at most 118 waiting; one bad frame a turn leaves nearly all.
    expect(log.noisyWaiting).toBeGreaterThan(BACKLOG - SLICE);
    await noisy.next((f) => f.event === 'exception' && noisy.framesOf('exception').length === BACKLOG, 10_000, 'every BAD_FRAME');
    expect(noisy.framesOf('exception').every((f) => f.message.code === 'BAD_FRAME')).toBe(true);
  });

  it('reads at most a slice of bytes from one connection a turn: a neighbour waits a few large frames, not all of them', async () => {
    const BIG = 20;
    const noisy = await fixture.connect();
    const quiet = await fixture.connect();
    const log = fixture.server.app.get(HandledLog);
    const started = new Promise<void>((resolve) => (log.bigStarted = resolve));
    // 20 frames of 60 KB: 1.2 MB, far more than one read; a slice is 256 KiB, about 4 of them.
    const pad = 'x'.repeat(60_000);
    for (let n = 0; n < BIG; n++) noisy.send({ event: 'big', message: { n, pad }, id: n });
    await within(started, 5000, 'the first large frame to be handled');
    expect(await quiet.request('echo', 'between')).toMatchObject({ message: 'between' });
    const before = log.order.slice(0, log.order.indexOf('echo between')).filter((w) => w.startsWith('big')).length;
    // Read as fast as TCP delivers, all 20 would come first (libuv reads up to 2 MB from a socket in one go); a slice
    // of bytes a turn (5 of these frames, plus what ws holds of one more read) lets the neighbour in within two.
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThanOrEqual(12);
    await noisy.next((f) => f.id === BIG - 1, 5000, `the reply to big ${BIG - 1}`);
    expect(log.order.filter((w) => w.startsWith('big'))).toEqual(Array.from({ length: BIG }, (_, n) => `big ${n}`));
    // However TCP cut the stream into reads, the 5th frame brought the bytes read past a slice (256 KiB): the socket
    // stopped reading, and frames were handled while it was paused.
    expect([...log.bigPaused.values()].filter(Boolean).length).toBeGreaterThan(0);
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
