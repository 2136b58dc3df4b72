// RoomHistory, the in-process history of one room (issue #13): offsets one
// per publication, the latest `size` kept for `ttl` ms, and what a rejoin
// `since` a position gets back.
import { RoomHistory, type HistoryEntry } from '../../src/backplanes/room-history';

const frameOf = (text: string) => (offset: number) => ({
  frame: Buffer.from(JSON.stringify({ event: 'm', message: text, offset })),
  binary: false,
});
const texts = (entries: readonly HistoryEntry[]): string[] =>
  entries.map((e) => (JSON.parse(e.frame.toString()) as { message: string }).message);

describe('RoomHistory', () => {
  let clock = 0;
  const history = (size = 5, ttl = 1000) => new RoomHistory({ size, ttl }, 'e1', () => clock);
  beforeEach(() => (clock = 1_000_000));

  it('numbers publications 1, 2, 3 … and puts the offset in the frame it keeps', () => {
    const room = history();
    expect(room.position).toEqual({ epoch: 'e1', offset: 0 });
    const entries = ['a', 'b', 'c'].map((t) => room.append(frameOf(t)));
    expect(entries.map((e) => e.offset)).toEqual([1, 2, 3]);
    expect(JSON.parse(entries[2].frame.toString())).toEqual({ event: 'm', message: 'c', offset: 3 });
    expect(room.position).toEqual({ epoch: 'e1', offset: 3 });
  });

  it('recovers every publication after a position, in order, and nothing at the top', () => {
    const room = history();
    for (const t of ['a', 'b', 'c', 'd']) room.append(frameOf(t));
    const after1 = room.recover({ epoch: 'e1', offset: 1 });
    expect(after1).toMatchObject({ recovered: true, position: { epoch: 'e1', offset: 4 } });
    expect(after1.recovered && texts(after1.missed)).toEqual(['b', 'c', 'd']);
    const atTop = room.recover({ epoch: 'e1', offset: 4 });
    expect(atTop.recovered && atTop.missed).toEqual([]);
    const fromStart = room.recover({ epoch: 'e1', offset: 0 });
    expect(fromStart.recovered && texts(fromStart.missed)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps the latest `size`: a position before them is not recovered, the one just before them is', () => {
    const room = history(3);
    for (const t of ['a', 'b', 'c', 'd', 'e']) room.append(frameOf(t));
    expect(room.size).toBe(3);
    expect(room.recover({ epoch: 'e1', offset: 1 })).toEqual({ recovered: false, position: { epoch: 'e1', offset: 5 } });
    const edge = room.recover({ epoch: 'e1', offset: 2 });
    expect(edge.recovered && texts(edge.missed)).toEqual(['c', 'd', 'e']);
  });

  it('keeps each publication `ttl` ms: after it, a position before it is not recovered', () => {
    const room = history(10, 1000);
    room.append(frameOf('old'));
    clock += 600;
    room.append(frameOf('new'));
    clock += 500;
    expect(room.size).toBe(1);
    expect(room.recover({ epoch: 'e1', offset: 0 }).recovered).toBe(false);
    const after1 = room.recover({ epoch: 'e1', offset: 1 });
    expect(after1.recovered && texts(after1.missed)).toEqual(['new']);
    clock += 1000;
    expect(room.size).toBe(0);
    // Everything expired: a client at the top has missed nothing, one below it cannot know what it missed.
    expect(room.recover({ epoch: 'e1', offset: 2 })).toMatchObject({ recovered: true, missed: [] });
    expect(room.recover({ epoch: 'e1', offset: 1 }).recovered).toBe(false);
    expect(room.append(frameOf('next')).offset).toBe(3);
  });

  it('does not recover across epochs, or from an offset the room never reached', () => {
    const room = history();
    room.append(frameOf('a'));
    expect(room.recover({ epoch: 'e0', offset: 1 })).toEqual({ recovered: false, position: { epoch: 'e1', offset: 1 } });
    expect(room.recover({ epoch: 'e1', offset: 2 })).toEqual({ recovered: false, position: { epoch: 'e1', offset: 1 } });
  });

  it('skips the publications that left out the rejoining connection', () => {
    const room = history();
    room.append(frameOf('to all'));
    room.append(frameOf('not to n1.1'), 'n1.1');
    room.append(frameOf('not to n1.2'), 'n1.2');
    const back = room.recover({ epoch: 'e1', offset: 0 }, 'n1.1');
    expect(back.recovered && texts(back.missed)).toEqual(['to all', 'not to n1.2']);
  });

  it('stays correct over many trims: offsets stay consecutive and the last `size` are kept', () => {
    const room = history(4, 1_000_000);
    for (let i = 1; i <= 1000; i++) room.append(frameOf(String(i)));
    const back = room.recover({ epoch: 'e1', offset: 996 });
    expect(back.recovered && texts(back.missed)).toEqual(['997', '998', '999', '1000']);
    expect(room.recover({ epoch: 'e1', offset: 995 }).recovered).toBe(false);
  });

  it('starts a new epoch each time one is made without one', () => {
    expect(new RoomHistory({ size: 1, ttl: 1 }).epoch).not.toBe(new RoomHistory({ size: 1, ttl: 1 }).epoch);
  });
});
