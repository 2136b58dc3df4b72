// "Frames waiting for their handlers: 256 per connection, beyond it
// RATE_LIMITED" (README, Limits and bad input). Frames of one connection are
// handled one at a time, so while a handler is held the frames behind it
// wait in the connection's inbox; the 257th waiting one is refused at once,
// with its id, and the 256 that waited are handled in order once it is free.
// The server stops reading a socket once more than 32 frames wait, so the
// cap is reached by the frames it has already read: the test sends them all
// in one write, as a client's burst arrives.
import { Injectable } from '@nestjs/common';
import { Gateway, Message, On, SwitchboardModule, WsController } from '../../src';
import { useApp } from '../support/test-app';

/** The documented cap. */
const WAITING_CAP = 256;
/** Frames sent behind the held one: the cap plus some that must be refused. */
const SENT = WAITING_CAP + 44;

/** Holds the `hold` handler until the test opens it. */
@Injectable()
class Gate {
  private opened = false;
  private waiters: (() => void)[] = [];
  started = false;

  async wait(): Promise<void> {
    this.started = true;
    if (!this.opened) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  open(): void {
    this.opened = true;
    this.waiters.splice(0).forEach((wake) => wake());
  }
}

@WsController()
class HoldController {
  constructor(private readonly gate: Gate) {}

  @On('hold')
  async hold(): Promise<string> {
    await this.gate.wait();
    return 'released';
  }

  @On('echo')
  echo(@Message() message: unknown): unknown {
    return message;
  }
}

@Gateway('/ws', { controllers: [HoldController] })
class HoldGateway {}

describe('frames waiting for their handlers', () => {
  const fixture = useApp(() => ({
    // The rate limit is far above what the test sends, so only the waiting cap can refuse a frame.
    imports: [SwitchboardModule.forRoot({ limits: { rateLimit: 100_000, rateBurst: 100_000, rateLimitCloseAfter: 100_000 } })],
    providers: [Gate, HoldController, HoldGateway],
  }));

  it(`are capped at ${WAITING_CAP} per connection: the next ones get RATE_LIMITED with their id, the waiting ones are handled in order`, async () => {
    const client = await fixture.connect();
    const gate = fixture.server.app.get(Gate);
    client.sendInOneWrite([
      { event: 'hold', id: 'hold' },
      ...Array.from({ length: SENT }, (_, i) => ({ event: 'echo', message: i + 1, id: `e${i + 1}` })),
    ]);

    // Frames are taken in order, so the refusal of the last one means every frame has been received.
    const last = await client.next((f) => f.id === `e${SENT}`, 5000, `the refusal of frame e${SENT}`);
    expect(last).toEqual({
      event: 'exception',
      message: { status: 'error', code: 'RATE_LIMITED', message: 'too many messages waiting for their handlers' },
      id: `e${SENT}`,
    });
    expect(gate.started).toBe(true);
    const answered = () => client.received.flatMap((r) => (r.kind === 'text' && r.frame.id !== undefined ? [r.frame] : []));
    // While the handler is held: exactly the frames past the cap were refused, none was handled.
    expect(answered().map((f) => f.id)).toEqual(Array.from({ length: SENT - WAITING_CAP }, (_, i) => `e${WAITING_CAP + 1 + i}`));
    expect(answered().every((f) => f.event === 'exception' && f.message.code === 'RATE_LIMITED')).toBe(true);

    gate.open();
    await client.next((f) => f.id === `e${WAITING_CAP}`, 5000, `the reply to e${WAITING_CAP}, the last frame that waited`);
    const replies = answered().filter((f) => f.event !== 'exception');
    expect(replies[0]).toEqual({ event: 'hold', message: 'released', id: 'hold' });
    expect(replies.slice(1)).toEqual(Array.from({ length: WAITING_CAP }, (_, i) => ({ event: 'echo', message: i + 1, id: `e${i + 1}` })));

    // The connection stayed open and takes frames again once its inbox is empty.
    expect(await client.request('echo', 'after')).toMatchObject({ event: 'echo', message: 'after' });
  });
});
