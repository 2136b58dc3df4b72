// RoomHistory, the in-process history of one room (issue #13): offsets one
// per publication, the latest `size` kept for `ttl` ms, and what a read
// after an offset gives back; `coversSince`, which decides whether a rejoin
// is recovered from such a read.
import { HISTORY_POSITION_TTL_MS, RoomHistories } from '../../src/backplanes/room-histories';
import { RoomHistory } from '../../src/backplanes/room-history';
import { coversSince, type StreamPosition } from '../../src/backplanes/room-stream';

const payload = (text: string) => Buffer.from(text);

describe('RoomHistory', () => {
  let clock = 0;
  const history = (size = 5, ttl = 1000) => new RoomHistory({ size, ttl }, 'e1', () => clock);
  /** What a rejoin `since` gets: undefined when not recovered, else the texts it missed. */
  const recover = (room: RoomHistory, since: StreamPosition): string[] | undefined => {
    const { epoch, offset, publications } = room.read(since.offset);
    const read = { position: { epoch, offset }, publications };
    return coversSince(read, since) ? publications.map((p) => p.payload.toString()) : undefined;
  };
  beforeEach(() => (clock = 1_000_000));

  it('numbers publications 1, 2, 3 … and reads back those after an offset with their offsets', () => {
    const room = history();
    expect(room.read()).toEqual({ epoch: 'e1', offset: 0, publications: [] });
    expect(['a', 'b', 'c'].map((t) => room.append(payload(t)))).toEqual([1, 2, 3]);
    expect(room.read(1)).toEqual({
      epoch: 'e1',
      offset: 3,
      publications: [
        { offset: 2, payload: payload('b') },
        { offset: 3, payload: payload('c') },
      ],
    });
    // Without an offset, only the position.
    expect(room.read()).toEqual({ epoch: 'e1', offset: 3, publications: [] });
  });

  it('recovers every publication after a position, in order, and nothing at the top', () => {
    const room = history();
    for (const t of ['a', 'b', 'c', 'd']) room.append(payload(t));
    expect(recover(room, { epoch: 'e1', offset: 1 })).toEqual(['b', 'c', 'd']);
    expect(recover(room, { epoch: 'e1', offset: 4 })).toEqual([]);
    expect(recover(room, { epoch: 'e1', offset: 0 })).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps the latest `size`: a position before them is not recovered, the one just before them is', () => {
    const room = history(3);
    for (const t of ['a', 'b', 'c', 'd', 'e']) room.append(payload(t));
    expect(room.size).toBe(3);
    expect(recover(room, { epoch: 'e1', offset: 1 })).toBeUndefined();
    expect(recover(room, { epoch: 'e1', offset: 2 })).toEqual(['c', 'd', 'e']);
  });

  it('keeps each publication `ttl` ms: after it, a position before it is not recovered', () => {
    const room = history(10, 1000);
    room.append(payload('old'));
    clock += 600;
    room.append(payload('new'));
    clock += 500;
    expect(room.size).toBe(1);
    expect(recover(room, { epoch: 'e1', offset: 0 })).toBeUndefined();
    expect(recover(room, { epoch: 'e1', offset: 1 })).toEqual(['new']);
    clock += 1000;
    expect(room.size).toBe(0);
    // Everything expired: a client at the top has missed nothing, one below it cannot know what it missed.
    expect(recover(room, { epoch: 'e1', offset: 2 })).toEqual([]);
    expect(recover(room, { epoch: 'e1', offset: 1 })).toBeUndefined();
    expect(room.append(payload('next'))).toBe(3);
  });

  it('does not recover across epochs, or from an offset the room never reached', () => {
    const room = history();
    room.append(payload('a'));
    expect(recover(room, { epoch: 'e0', offset: 1 })).toBeUndefined();
    expect(recover(room, { epoch: 'e0', offset: 0 })).toBeUndefined();
    expect(recover(room, { epoch: 'e1', offset: 2 })).toBeUndefined();
  });

  it('stays correct over many trims: offsets stay consecutive and the last `size` are kept', () => {
    const room = history(4, 1_000_000);
    for (let i = 1; i <= 1000; i++) room.append(payload(String(i)));
    expect(recover(room, { epoch: 'e1', offset: 996 })).toEqual(['997', '998', '999', '1000']);
    expect(recover(room, { epoch: 'e1', offset: 995 })).toBeUndefined();
  });

  it('keeps a publication exactly `ttl` ms, and a read drops what expired without being asked for the size first', () => {
    const room = history(10, 1000);
    room.append(payload('a'));
    clock += 1000;
    expect(room.read(0).publications.map((p) => p.payload.toString())).toEqual(['a']);
    clock += 1;
    expect(room.read(0).publications).toEqual([]);
  });

  it("keeps a copy of each payload, not the caller's buffer", () => {
    const room = history();
    const bytes = Buffer.from('abc');
    room.append(bytes);
    bytes.write('xyz');
    expect(room.read(0).publications[0].payload.toString()).toBe('abc');
  });

  it('starts a new epoch each time one is made without one', () => {
    expect(new RoomHistory({ size: 1, ttl: 1 }).epoch).not.toBe(new RoomHistory({ size: 1, ttl: 1 }).epoch);
  });
});

describe('coversSince', () => {
  const read = (offset: number, offsets: number[]) => ({
    position: { epoch: 'e', offset },
    publications: offsets.map((o) => ({ offset: o })),
  });

  it('needs every offset after `since`, none missing in between', () => {
    expect(coversSince(read(3, [2, 3]), { epoch: 'e', offset: 1 })).toBe(true);
    expect(coversSince(read(3, [3]), { epoch: 'e', offset: 1 })).toBe(false);
    // A publication left out of the read (unreadable) breaks it too.
    expect(coversSince(read(3, [2]), { epoch: 'e', offset: 1 })).toBe(false);
    expect(coversSince(read(3, []), { epoch: 'e', offset: 3 })).toBe(true);
    // As many as wanted, but not the ones after `since`.
    expect(coversSince(read(3, [3, 4]), { epoch: 'e', offset: 1 })).toBe(false);
    expect(coversSince(read(3, [2, 3]), { epoch: 'x', offset: 1 })).toBe(false);
  });
});

describe('RoomHistories', () => {
  const limits = { size: 10, ttl: 1000 };

  it('keeps one history per room and forgets a room only when it kept nothing for longer than its position lives', () => {
    let clock = 0;
    const histories = new RoomHistories(() => clock);
    const chat = histories.of('chat', limits);
    expect(histories.of('chat', limits)).toBe(chat);
    chat.append(Buffer.from('a'));
    histories.of('quiet', limits);
    clock += 2000;
    histories.sweep();
    // Both kept nothing after their ttl, but a day has not passed: their positions stay.
    expect(histories.size).toBe(2);
    expect(histories.of('chat', limits).read()).toEqual({ epoch: chat.epoch, offset: 1, publications: [] });
    clock += HISTORY_POSITION_TTL_MS;
    histories.of('busy', limits).append(Buffer.from('b'));
    histories.sweep();
    expect(histories.size).toBe(1);
    // A room forgotten starts a new epoch.
    expect(histories.of('chat', limits).epoch).not.toBe(chat.epoch);
  });

  it('does not forget a room that still keeps publications, however old its last one', () => {
    let clock = 0;
    const histories = new RoomHistories(() => clock);
    const long = { size: 10, ttl: 2 * HISTORY_POSITION_TTL_MS };
    histories.of('long', long).append(Buffer.from('a'));
    clock += HISTORY_POSITION_TTL_MS + 1;
    histories.sweep();
    expect(histories.size).toBe(1);
    // Its position lives as long as its ttl, when that is longer than a day: to the millisecond.
    clock += HISTORY_POSITION_TTL_MS - 1;
    histories.sweep();
    expect(histories.size).toBe(1);
    clock += 1;
    histories.sweep();
    expect(histories.size).toBe(0);
  });

  it('sweeps every minute between start() and stop()', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const histories = new RoomHistories();
      histories.of('quiet', limits);
      histories.start();
      histories.start();
      jest.advanceTimersByTime(HISTORY_POSITION_TTL_MS + 60_000);
      expect(histories.size).toBe(0);
      histories.of('quiet', limits);
      histories.stop();
      jest.advanceTimersByTime(2 * HISTORY_POSITION_TTL_MS);
      expect(histories.size).toBe(1);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
