// HistoryRooms (issue #13): which rooms keep history, the first gateway rule
// that matches deciding, answered once per room name.
import { resolveHistory } from '../../src/options/history-options';
import { HistoryRooms } from '../../src/services/history-rooms';

describe('HistoryRooms', () => {
  it('answers with the first matching rule, names and patterns, and nothing for other rooms', () => {
    const rooms = new HistoryRooms();
    expect(rooms.any).toBe(false);
    expect(rooms.limitsOf('chat')).toBeUndefined();
    rooms.add(resolveHistory('/a', { rooms: ['chat', /^game:/g], size: 10 })!);
    rooms.add(resolveHistory('/b', { rooms: (room) => room.startsWith('g'), ttl: 5 })!);
    expect(rooms.any).toBe(true);
    expect(rooms.limitsOf('chat')).toEqual({ size: 10, ttl: 300_000 });
    // A global pattern answers the same every time (no lastIndex carried over).
    expect([rooms.limitsOf('game:1'), rooms.limitsOf('game:2'), rooms.limitsOf('game:3')]).toEqual(
      Array(3).fill({ size: 10, ttl: 300_000 }),
    );
    expect(rooms.limitsOf('go')).toEqual({ size: 1000, ttl: 5 });
    expect(rooms.limitsOf('lobby')).toBeUndefined();
  });

  it('asks the rules once per room name', () => {
    const rooms = new HistoryRooms();
    const asked: string[] = [];
    rooms.add(resolveHistory('/a', { rooms: (room) => (asked.push(room), room === 'kept') })!);
    for (let i = 0; i < 3; i++) {
      rooms.limitsOf('kept');
      rooms.limitsOf('other');
    }
    expect(asked).toEqual(['kept', 'other']);
  });
});
