import { randomBytes } from 'node:crypto';
import { call } from '../support/node-calls';
import type { Frame, TestClient } from '../support/test-client';
import { useTwoNodes, type TwoNodeFactory } from '../support/two-nodes';

/** What the fixture's history rooms keep (test/fixtures/cluster-app.module.ts). */
const HISTORY_SIZE = 50;

const historyRoom = (): string => `h:${randomBytes(3).toString('hex')}`;

/** The `seq` frames a client got, as `[n, offset]`. */
const seqs = (client: TestClient): [unknown, unknown][] => client.framesOf('seq').map((f: Frame) => [f.message, f.offset]);

/**
 * Room history on every backplane (issue #13): offsets one per publication
 * in the order members get them, and a rejoin `since` a position that gets
 * exactly what it missed, on any node.
 */
export function historyContract(name: string, factory: TwoNodeFactory): void {
  describe(`room history: ${name}`, () => {
    const fixture = useTwoNodes(factory);
    const { on } = fixture;
    const join = async (client: TestClient, room: string, extra: Record<string, unknown> = {}): Promise<Frame> => {
      const reply = await client.request('joinRoom', room, extra);
      expect(reply.event).toBe('joinRoom');
      return reply;
    };
    /** Publishes `seq` n for each n in `range` to `room` from `sender`; the last one acknowledged. */
    const publish = async (sender: TestClient, room: string, from: number, to: number): Promise<void> => {
      for (let n = from; n < to; n++) sender.send({ event: 'seq', message: { room, n } });
      await sender.request('seq', { room, n: to });
    };
    const waitFor = (client: TestClient, n: number) =>
      client.next((f) => f.event === 'seq' && f.message === n, 5000, `seq ${n} on ${client.id}`);

    it('answers a join with the epoch and top offset, and numbers publications from both nodes 1 by 1 in the order every member gets them', async () => {
      const room = historyRoom();
      const [a, b] = [await on(0), await on(1)];
      const first = await join(a, room);
      expect(first.message).toEqual({ room, epoch: expect.any(String), offset: 0 });
      const second = await join(b, room);
      expect(second.message).toEqual({ room, epoch: first.message.epoch, offset: 0 });
      // Two publishers on two nodes at once, three ways to publish.
      await Promise.all([publish(a, room, 1, 10), publish(b, room, 101, 110), call(b, 'emitToRoom', room, 'seq', 'rt')]);
      await Promise.all(
        [a, b].map((c) =>
          waitFor(c, 10)
            .then(() => waitFor(c, 110))
            .then(() => waitFor(c, 'rt' as never)),
        ),
      );
      for (const client of [a, b]) {
        const offsets = client.framesOf('seq').map((f) => f.offset);
        expect(offsets).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
      }
      expect(seqs(a)).toEqual(seqs(b));
      const third = await join(await on(0), room);
      expect(third.message).toEqual({ room, epoch: first.message.epoch, offset: 21 });
    });

    it('a member that drops mid-stream and rejoins on the other node gets every frame it missed once, in order, then live ones with no gap', async () => {
      const room = historyRoom();
      const sender = await on(0);
      const away = await on(1);
      const { epoch } = (await join(away, room)).message;
      await publish(sender, room, 1, 10);
      await waitFor(away, 10);
      await away.close();
      await publish(sender, room, 11, 30);
      const back = await on(0);
      // Live publications race the rejoin: whichever side of the seam they land on, each arrives once.
      const live = publish(sender, room, 31, 40);
      const reply = await join(back, room, { since: { epoch, offset: 10 }, previous: away.id });
      await live;
      expect(reply.message).toMatchObject({ room, epoch, recovered: true });
      expect(reply.message.missed).toBeGreaterThanOrEqual(20);
      await waitFor(back, 40);
      expect(seqs(back)).toEqual(Array.from({ length: 30 }, (_, i) => [i + 11, i + 11]));
      // The reply came before the first missed frame.
      const order = back.received.flatMap((r) => (r.kind === 'text' ? [r.frame.event] : []));
      expect(order.indexOf('joinRoom')).toBeLessThan(order.indexOf('seq'));
    });

    it('does not send an except-sender publisher its own frames back when it rejoins', async () => {
      const room = historyRoom();
      const [publisher, other] = [await on(0), await on(1)];
      const { epoch } = (await join(publisher, room)).message;
      await join(other, room);
      await publisher.close();
      const stranger = await on(1);
      await stranger.request('roomElse', { room, text: 'to all' });
      const back = await on(1);
      // The publisher's frames that left it out were sent before it dropped: a server-side except on its old id.
      await call(other, 'emitToRoom', room, 'roomElse', 'not to the publisher', { except: publisher.id });
      await other.next((f) => f.message === 'not to the publisher', 5000, 'the except-publisher frame on the other member');
      const reply = await join(back, room, { since: { epoch, offset: 0 }, previous: publisher.id });
      expect(reply.message).toMatchObject({ recovered: true, missed: 1 });
      await back.next((f) => f.event === 'roomElse', 5000, 'the missed frame');
      expect(back.framesOf('roomElse').map((f) => f.message)).toEqual(['to all']);
    });

    it('answers recovered:false with the current position when the history no longer holds what was missed, or the epoch is unknown', async () => {
      const room = historyRoom();
      const sender = await on(0);
      const { epoch } = (await join(sender, room)).message;
      await publish(sender, room, 1, HISTORY_SIZE + 10);
      await waitFor(sender, HISTORY_SIZE + 10);
      const top = HISTORY_SIZE + 10;
      const late = await on(1);
      expect((await join(late, room, { since: { epoch, offset: 5 } })).message).toEqual({ room, epoch, offset: top, recovered: false });
      const other = await on(1);
      expect((await join(other, room, { since: { epoch: 'not-this-one', offset: top } })).message).toEqual({
        room,
        epoch,
        offset: top,
        recovered: false,
      });
      const ahead = await on(0);
      expect((await join(ahead, room, { since: { epoch, offset: top + 5 } })).message).toMatchObject({ recovered: false });
      // A room never published to: its stream begins now, with an epoch of its own.
      const fresh = historyRoom();
      expect((await join(await on(1), fresh, { since: { epoch, offset: 3 } })).message).toEqual({
        room: fresh,
        epoch: expect.any(String),
        offset: 0,
        recovered: false,
      });
      // The one just inside the history is recovered.
      const edge = await on(1);
      expect((await join(edge, room, { since: { epoch, offset: top - HISTORY_SIZE } })).message).toEqual({
        room,
        epoch,
        offset: top,
        recovered: true,
        missed: HISTORY_SIZE,
      });
      await waitFor(edge, top);
      expect(edge.framesOf('seq').map((f) => f.message)).toEqual(
        Array.from({ length: HISTORY_SIZE }, (_, i) => top - HISTORY_SIZE + 1 + i),
      );
      for (const client of [late, other, ahead]) expect(client.framesOf('seq')).toEqual([]);
    });

    it('answers a rejoin `since` of a room the connection is already in with recovered:false, and sends no copies', async () => {
      const room = historyRoom();
      const [sender, member] = [await on(0), await on(1)];
      const { epoch } = (await join(member, room)).message;
      await join(sender, room);
      await publish(sender, room, 1, 3);
      await waitFor(member, 3);
      expect((await join(member, room, { since: { epoch, offset: 0 } })).message).toEqual({ room, epoch, offset: 3, recovered: false });
      await publish(sender, room, 4, 4);
      await waitFor(member, 4);
      expect(seqs(member)).toEqual([1, 2, 3, 4].map((n) => [n, n]));
    });

    it('keeps no volatile frame: it reaches the members with no offset, and a rejoin does not get it back', async () => {
      const room = historyRoom();
      const [sender, away, member] = [await on(0), await on(1), await on(1)];
      const { epoch } = (await join(away, room)).message;
      await join(member, room);
      await away.close();
      await sender.request('roomVolatile', { room, text: 'typing' });
      await call(sender, 'emitToRoom', room, 'roomVolatile', 'also typing', { volatile: true });
      await publish(sender, room, 1, 1);
      await waitFor(member, 1);
      expect(member.framesOf('roomVolatile')).toEqual([
        { event: 'roomVolatile', message: 'typing', sender: sender.id, room },
        { event: 'roomVolatile', message: 'also typing', room },
      ]);
      const back = await on(0);
      expect((await join(back, room, { since: { epoch, offset: 0 }, previous: away.id })).message).toEqual({
        room,
        epoch,
        offset: 1,
        recovered: true,
        missed: 1,
      });
      await waitFor(back, 1);
      expect(back.framesOf('roomVolatile')).toEqual([]);
    });

    it('refuses a malformed `since` or `previous` with BAD_FRAME and its id, and leaves rooms without history as they were', async () => {
      const client = await on(0);
      const room = historyRoom();
      for (const since of [
        'x',
        5,
        null,
        [],
        { epoch: 'e' },
        { epoch: 'e', offset: -1 },
        { epoch: 'e', offset: 1.5 },
        { epoch: 'e', offset: 2 ** 60 },
        { epoch: 7, offset: 1 },
        { epoch: '', offset: 1 },
      ]) {
        const reply = await client.request('joinRoom', room, { since });
        expect(reply).toMatchObject({ event: 'exception', message: { code: 'BAD_FRAME' } });
      }
      const badPrevious = await client.request('joinRoom', room, { since: { epoch: 'e', offset: 1 }, previous: 42 });
      expect(badPrevious).toMatchObject({ event: 'exception', message: { code: 'BAD_FRAME' } });
      // None of them joined.
      expect((await client.request('whoami')).message.rooms).toEqual([]);
      // A room without history: the reply and the frames stay as before, `since` or not.
      const plain = `plain-${randomBytes(3).toString('hex')}`;
      expect((await client.request('joinRoom', plain, { since: { epoch: 'e', offset: 3 } })).message).toEqual({ room: plain });
      await client.request('seq', { room: plain, n: 1 });
      const frame = await client.next((f) => f.event === 'seq', 5000, 'the plain room frame');
      expect(frame).toEqual({ event: 'seq', message: 1, room: plain, sender: client.id });
    });
  });
}
