// Room history inside a node (issue #13), where the transport cannot be made
// to misbehave on cue: a join whose history read is held while the room goes
// on publishing (the seam), and a node that never got some publications (the
// gap). Real apps on a real MemoryBus; the backplane subclasses only hold a
// read or drop a delivery.
import { MemoryBackplane, MemoryBus, type BackplaneStatus } from '../../src';
import type { HistoryLimits, HistoryRead, StreamPosition } from '../../src/backplanes/room-stream';
import type { RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import { startNodeApps } from '../support/two-nodes';
import { eventually } from '../support/wait';

/**
 * Holds the next history read until `release()`, before it reads (what is
 * published meanwhile is in the read too) or after (it is not), and says
 * when one is held.
 */
class GatedBackplane extends MemoryBackplane {
  private gate?: Promise<void>;
  private readFirst = false;
  private releaseRead?: () => void;
  private waiting?: () => void;

  hold(when: 'before reading' | 'after reading'): Promise<void> {
    this.readFirst = when === 'after reading';
    this.gate = new Promise((resolve) => (this.releaseRead = resolve));
    return new Promise((resolve) => (this.waiting = resolve));
  }

  release(): void {
    this.gate = undefined;
    this.releaseRead?.();
  }

  protected override async readHistory(room: string, after: number | undefined, limits: HistoryLimits): Promise<HistoryRead> {
    const early = this.readFirst ? await super.readHistory(room, after, limits) : undefined;
    if (this.gate) {
      this.waiting?.();
      await this.gate;
    }
    return early ?? super.readHistory(room, after, limits);
  }
}

/**
 * Drops the numbered publications whose offsets `lose` names, as a transport
 * that lost them would; holds back those `late` names until `deliverLate()`;
 * with `failReads`, its history reads fail as a Redis that does not answer.
 */
class LossyBackplane extends MemoryBackplane {
  lose: (offset: number) => boolean = () => false;
  late: (offset: number) => boolean = () => false;
  failReads = false;
  private readonly held: [unknown, StreamPosition][] = [];

  deliverLate(): void {
    for (const [payload, position] of this.held.splice(0)) super.onNumbered(payload, position);
  }

  protected override onNumbered(payload: unknown, position: StreamPosition): void {
    if (this.late(position.offset)) this.held.push([payload, position]);
    else if (!this.lose(position.offset)) super.onNumbered(payload, position);
  }

  protected override async readHistory(room: string, after: number | undefined, limits: HistoryLimits): Promise<HistoryRead> {
    if (this.failReads) throw new Error('the history did not answer');
    return super.readHistory(room, after, limits);
  }
}

/** Counts history reads, and holds registry joins until `release()`, so that many joins reach their history read in one turn. */
class CountingBackplane extends MemoryBackplane {
  reads = 0;
  joinsHeld = 0;
  private gate?: Promise<void>;
  private releaseJoins?: () => void;

  holdJoins(): void {
    this.gate = new Promise((resolve) => (this.releaseJoins = resolve));
  }

  release(): void {
    this.gate = undefined;
    this.releaseJoins?.();
  }

  override async addToRoom(id: string, room: string): Promise<number> {
    if (this.gate) {
      this.joinsHeld++;
      await this.gate;
    }
    return super.addToRoom(id, room);
  }

  protected override async readHistory(room: string, after: number | undefined, limits: HistoryLimits): Promise<HistoryRead> {
    this.reads++;
    return super.readHistory(room, after, limits);
  }
}

const statusOf = async (client: TestClient): Promise<BackplaneStatus> => (await client.request('status')).message.backplane;
const seqFrames = (client: TestClient) => client.framesOf('seq').map((f) => [f.message, f.offset]);

describe('room history on a node', () => {
  let apps: RunningApp[] = [];
  const clients: TestClient[] = [];
  const connect = async (app: RunningApp): Promise<TestClient> => {
    const client = await TestClient.connect(app.ws('/ws'));
    clients.push(client);
    return client;
  };
  const publish = async (sender: TestClient, room: string, from: number, to: number): Promise<void> => {
    for (let n = from; n < to; n++) sender.send({ event: 'seq', message: { room, n } });
    await sender.request('seq', { room, n: to });
  };

  /** A sender's node and a member's node whose backplane loses the offsets `lose` names, both clients in `room`. */
  const behindLossyNode = async (room: string, lose: (offset: number) => boolean) => {
    const bus = new MemoryBus();
    const lossy = new LossyBackplane({ bus });
    apps = await startNodeApps([new MemoryBackplane({ bus }), lossy]);
    const [sender, member] = [await connect(apps[0]), await connect(apps[1])];
    await sender.request('joinRoom', room);
    await member.request('joinRoom', room);
    lossy.lose = lose;
    return { sender, member, room, lossy, bus };
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(apps.map((a) => a.close()));
    apps = [];
  });

  it('a rejoin whose history read is slow gets what was published during the read once, after what it missed, in order', async () => {
    const bus = new MemoryBus();
    const gated = new GatedBackplane({ bus });
    apps = await startNodeApps([new MemoryBackplane({ bus }), gated]);
    const sender = await connect(apps[0]);
    const room = 'h:seam';
    const { epoch } = (await sender.request('joinRoom', room)).message;
    await publish(sender, room, 1, 5);
    const back = await connect(apps[1]);
    const held = gated.hold('before reading');
    const reply = back.request('joinRoom', room, { since: { epoch, offset: 2 } });
    await held;
    // Published after the join began and before the read: the node's feed delivers them while the join captures, and the read has them too.
    await publish(sender, room, 6, 9);
    gated.release();
    expect((await reply).message).toEqual({ room, epoch, offset: 9, recovered: true, missed: 7 });
    await publish(sender, room, 10, 10);
    await back.next((f) => f.event === 'seq' && f.message === 10, 3000, 'seq 10 on the rejoined client');
    expect(seqFrames(back)).toEqual([3, 4, 5, 6, 7, 8, 9, 10].map((n) => [n, n]));
  });

  it('a first join whose read is slow gets the publications made during the read, after the reply, once each', async () => {
    const bus = new MemoryBus();
    const gated = new GatedBackplane({ bus });
    apps = await startNodeApps([new MemoryBackplane({ bus }), gated]);
    const sender = await connect(apps[0]);
    const room = 'h:first';
    await sender.request('joinRoom', room);
    await publish(sender, room, 1, 2);
    const joining = await connect(apps[1]);
    const held = gated.hold('after reading');
    const reply = joining.request('joinRoom', room);
    await held;
    // The read has 1..2; these come while its answer is held, and reach the node's feed, not the joining client.
    await publish(sender, room, 3, 4);
    gated.release();
    expect((await reply).message).toMatchObject({ room, offset: 2 });
    await publish(sender, room, 5, 5);
    await joining.next((f) => f.event === 'seq' && f.message === 5, 3000, 'seq 5 on the joined client');
    expect(seqFrames(joining)).toEqual([3, 4, 5].map((n) => [n, n]));
  });

  it('rejoins that reach the history in the same turn share one read, and each gets exactly what it missed', async () => {
    const bus = new MemoryBus();
    const counting = new CountingBackplane({ bus });
    apps = await startNodeApps([new MemoryBackplane({ bus }), counting]);
    const sender = await connect(apps[0]);
    const room = 'h:shared';
    const { epoch } = (await sender.request('joinRoom', room)).message;
    await publish(sender, room, 1, 10);
    const clients = await Promise.all(Array.from({ length: 20 }, () => connect(apps[1])));
    counting.holdJoins();
    // Each rejoins from its own offset: i % 10.
    const replies = clients.map((client, i) => client.request('joinRoom', room, { since: { epoch, offset: i % 10 } }));
    await eventually(
      () => counting.joinsHeld === clients.length,
      3000,
      () => `all ${clients.length} joins held (${counting.joinsHeld})`,
    );
    counting.release();
    const answered = await Promise.all(replies);
    expect(counting.reads).toBe(1);
    for (const [i, client] of clients.entries()) {
      const from = i % 10;
      expect(answered[i].message).toEqual({ room, epoch, offset: 10, recovered: true, missed: 10 - from });
      await client.next((f) => f.event === 'seq' && f.message === 10, 3000, `seq 10 on client ${i}`);
      expect(seqFrames(client)).toEqual(Array.from({ length: 10 - from }, (_, k) => [from + 1 + k, from + 1 + k]));
    }
  });

  it('fills a gap from the history before delivering what came after it, and counts it', async () => {
    const { sender, member, room } = await behindLossyNode('h:gap', (offset) => offset === 3 || offset === 4);
    await publish(sender, room, 1, 8);
    await member.next((f) => f.event === 'seq' && f.message === 8, 3000, 'seq 8 on the member behind the lossy node');
    expect(seqFrames(member)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, n]));
    expect((await statusOf(member)).gaps).toEqual({ repaired: 1, unrecoverable: 0 });
  });

  it('drops a copy that comes after its gap was filled, once each in order, and counts one repair', async () => {
    const { sender, member, room, lossy } = await behindLossyNode('h:late', () => false);
    lossy.late = (offset) => offset === 3;
    await publish(sender, room, 1, 6);
    await member.next((f) => f.event === 'seq' && f.message === 6, 3000, 'seq 6 on the member');
    lossy.deliverLate();
    await publish(sender, room, 7, 7);
    await member.next((f) => f.event === 'seq' && f.message === 7, 3000, 'seq 7 on the member');
    expect(seqFrames(member)).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => [n, n]));
    expect((await statusOf(member)).gaps).toEqual({ repaired: 1, unrecoverable: 0 });
  });

  it('counts a gap it could not read as unrecoverable and delivers what came after it, in order', async () => {
    const { sender, member, room, lossy } = await behindLossyNode('h:unread', (offset) => offset === 3);
    lossy.failReads = true;
    await publish(sender, room, 1, 6);
    await member.next((f) => f.event === 'seq' && f.message === 6, 3000, 'seq 6 on the member');
    lossy.failReads = false;
    await publish(sender, room, 7, 7);
    await member.next((f) => f.event === 'seq' && f.message === 7, 3000, 'seq 7 on the member');
    expect(seqFrames(member)).toEqual([1, 2, 4, 5, 6, 7].map((n) => [n, n]));
    expect((await statusOf(member)).gaps).toEqual({ repaired: 0, unrecoverable: 1 });
  });

  it("takes a new epoch from offset 1 when the room's history was lost, and fills what it missed of it", async () => {
    const { sender, member, room, lossy, bus } = await behindLossyNode('h:epoch', () => false);
    await publish(sender, room, 1, 3);
    await member.next((f) => f.event === 'seq' && f.message === 3, 3000, 'seq 3 on the member');
    // The history is lost (as a restarted process loses it): the room's next publication starts a new stream.
    (bus.histories as unknown as { rooms: Map<string, unknown> }).rooms.delete(room);
    lossy.lose = (offset) => offset === 1;
    await publish(sender, room, 4, 6);
    await member.next((f) => f.event === 'seq' && f.message === 6, 3000, 'seq 6 on the member');
    expect(seqFrames(member)).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 1],
      [5, 2],
      [6, 3],
    ]);
  });

  it('skips and counts a gap the history no longer holds, delivers what it still holds, and goes on in order', async () => {
    // The fixture's history rooms keep 50: lose 2..60, and 2..10 are gone from the history when 61 arrives.
    const { sender, member, room } = await behindLossyNode('h:lost', (offset) => offset >= 2 && offset <= 60);
    await publish(sender, room, 1, 61);
    await member.next((f) => f.event === 'seq' && f.message === 61, 3000, 'seq 61 on the member behind the lossy node');
    expect(seqFrames(member)).toEqual([[1, 1], ...Array.from({ length: 50 }, (_, i) => [i + 12, i + 12])]);
    expect((await statusOf(member)).gaps).toEqual({ repaired: 0, unrecoverable: 1 });
  });
});
