// The broadcast write path the bench drove: one frame built per broadcast,
// written straight to each socket and batched per tick. These tests pin what
// users must not notice: every frame arrives, once, in the order the server
// sent it, whatever else the handler wrote to the same socket in that tick.
import { Connection, Emitter, Gateway, Message, On, SwitchboardModule, WsController, type WsConnection, type WsEmitter } from '../../src';
import { useApp } from '../support/test-app';
import type { TestClient } from '../support/test-client';

const ROOM = 'burst-room';
/** Enough ~200-byte frames in one tick to pass the 16 KiB a corked socket may hold. */
const BURST = 400;
const text = (i: number): string => `frame ${i} ${'x'.repeat(180)}`;

@WsController()
class BurstController {
  /** One tick: BURST room frames, a reply to the sender every 50, a raw socket write in the middle. */
  @On('burst')
  burst(@Emitter() emitter: WsEmitter, @Connection() connection: WsConnection): string {
    const room = emitter.room(ROOM);
    for (let i = 0; i < BURST; i++) {
      room.emit('b', text(i));
      if (i % 50 === 49) emitter.reply('r', i);
      if (i === BURST / 2) connection.socket.send(JSON.stringify({ event: 'raw', message: i }));
    }
    return 'done';
  }

  /** One room frame, then a frame written on the raw socket, in the same tick. */
  @On('oneThenRaw')
  oneThenRaw(@Emitter() emitter: WsEmitter, @Connection() connection: WsConnection): void {
    emitter.room(ROOM).emit('b', text(0));
    connection.socket.send(JSON.stringify({ event: 'raw', message: 'after' }));
  }

  /** One room frame, then the sender's connection closes, in the same tick. */
  @On('lastWord')
  lastWord(@Emitter() emitter: WsEmitter, @Connection() connection: WsConnection): void {
    emitter.room(ROOM).emit('last', 'bye');
    connection.close(4000, 'said goodbye');
  }

  @On('binary')
  binary(@Emitter() emitter: WsEmitter, @Message() message: string): void {
    emitter.room(ROOM).emit('bin', Buffer.from(message));
  }
}

@Gateway('/ws', { controllers: [BurstController] })
class BurstGateway {}

/** The events (and the messages of `b` frames) a client received, in arrival order. */
function arrivals(client: TestClient): string[] {
  return client.received.flatMap((r) => {
    if (r.kind !== 'text' || r.frame.event === 'connected' || r.frame.event === 'joinRoom') return [];
    return [r.frame.event === 'b' ? String(r.frame.message).split(' ').slice(0, 2).join(' ') : `${r.frame.event}:${r.frame.message}`];
  });
}

describe('the broadcast write path', () => {
  const fixture = useApp(() => ({
    imports: [SwitchboardModule.forRoot({ limits: { rateLimit: 10_000, rateBurst: 10_000 } })],
    providers: [BurstController, BurstGateway],
  }));

  async function members(n: number): Promise<TestClient[]> {
    const clients: TestClient[] = [];
    for (let i = 0; i < n; i++) {
      const client = await fixture.connect();
      await client.request('joinRoom', ROOM);
      clients.push(client);
    }
    return clients;
  }

  it('keeps every frame of a burst in order, with replies and raw socket writes where the handler made them', async () => {
    const [sender, other] = await members(2);
    expect(await sender.request('burst')).toMatchObject({ event: 'burst', message: 'done' });
    await other.next((f) => f.event === 'b' && String(f.message).startsWith(`frame ${BURST - 1} `), 5000, 'the last frame of the burst');

    const frames = Array.from({ length: BURST }, (_, i) => `frame ${i}`);
    const expected: string[] = [];
    frames.forEach((frame, i) => {
      expected.push(frame);
      if (i === BURST / 2) expected.push(`raw:${i}`);
      if (i % 50 === 49) expected.push(`r:${i}`);
    });
    expect(arrivals(sender)).toEqual([...expected, 'burst:done']);
    expect(arrivals(other)).toEqual(frames);
  });

  it('keeps a raw socket write made right after a broadcast behind it', async () => {
    const [sender] = await members(1);
    sender.send({ event: 'oneThenRaw' });
    await sender.next((f) => f.event === 'raw');
    expect(arrivals(sender)).toEqual(['frame 0', 'raw:after']);
  });

  it('delivers a single broadcast in the tick after a burst (nothing stays corked)', async () => {
    const [sender, other] = await members(2);
    await sender.request('burst');
    await other.next((f) => f.event === 'b' && String(f.message).startsWith(`frame ${BURST - 1} `), 5000, 'the last frame of the burst');
    await sender.request('binary', 'after the burst');
    expect((await other.nextBinary()).toString()).toBe('after the burst');
  });

  it('sends a broadcast made just before a close ahead of the close frame', async () => {
    const [leaver, stayer] = await members(2);
    leaver.send({ event: 'lastWord' });
    expect(await leaver.next((f) => f.event === 'last')).toMatchObject({ message: 'bye', room: ROOM });
    expect(await leaver.closed).toEqual({ code: 4000, reason: 'said goodbye' });
    expect(await stayer.next((f) => f.event === 'last')).toMatchObject({ message: 'bye', sender: leaver.id });
  });

  it('sends binary broadcasts as binary frames with the same bytes', async () => {
    const [sender, other] = await members(2);
    await sender.request('binary', 'bytes on the wire');
    for (const client of [sender, other]) expect((await client.nextBinary()).toString()).toBe('bytes on the wire');
  });
});
