import { InProcessRegistry } from '../../src/backplanes/in-process-registry';
import { connectionRecord } from '../support/connection-record';

/**
 * The registry the memory bus and a cluster's primary keep, on its own: the
 * contract suites reach it only through a backplane, and the primary's half
 * (`removeNode`) only in a forked process.
 */
describe('InProcessRegistry', () => {
  let registry: InProcessRegistry;
  beforeEach(() => {
    registry = new InProcessRegistry();
  });

  it('lists what was added, with no rooms, and forgets what was removed', () => {
    registry.add(connectionRecord('n1.1', { user: 'ada' }));
    registry.add(connectionRecord('n1.2'));
    expect(registry.size).toBe(2);
    expect(registry.get('n1.1')).toEqual({ ...connectionRecord('n1.1', { user: 'ada' }), rooms: [] });
    expect(registry.all().map((c) => c.id)).toEqual(['n1.1', 'n1.2']);
    registry.remove('n1.1');
    expect(registry.get('n1.1')).toBeNull();
    expect(registry.size).toBe(1);
    // Removing an unknown id is not an error.
    registry.remove('n1.9');
    expect(registry.size).toBe(1);
  });

  it('keeps a room while any member is left, and drops a leaving member only', () => {
    for (const id of ['n1.1', 'n1.2', 'n1.3']) {
      registry.add(connectionRecord(id));
      registry.join(id, 'lobby');
    }
    registry.leave('n1.2', 'lobby');
    expect(registry.members('lobby')).toEqual(['n1.1', 'n1.3']);
    registry.remove('n1.1');
    expect(registry.members('lobby')).toEqual(['n1.3']);
    expect(registry.get('n1.3')?.rooms).toEqual(['lobby']);
    registry.leave('n1.3', 'lobby');
    expect(registry.members('lobby')).toEqual([]);
    // Joining again after the room emptied starts it afresh.
    registry.join('n1.3', 'lobby');
    expect(registry.members('lobby')).toEqual(['n1.3']);
  });

  it('counts one version per change to rooms or metadata, and 0 / null for an unknown id', () => {
    registry.add(connectionRecord('n1.1', { a: 1 }));
    expect(registry.join('n1.1', 'r1')).toBe(1);
    expect(registry.join('n1.1', 'r2')).toBe(2);
    expect(registry.leave('n1.1', 'r1')).toBe(3);
    expect(registry.patch('n1.1', { b: 2, a: null })).toEqual({ metadata: { b: 2 }, version: 4 });
    expect(registry.get('n1.1')).toMatchObject({ rooms: ['r2'], metadata: { b: 2 } });
    expect(registry.join('n1.9', 'r1')).toBe(0);
    expect(registry.leave('n1.9', 'r1')).toBe(0);
    expect(registry.patch('n1.9', { a: 1 })).toBeNull();
    expect(registry.members('r1')).toEqual([]);
  });

  it('adding an id again replaces it: its old rooms go and its version starts over', () => {
    registry.add(connectionRecord('n1.1'));
    registry.join('n1.1', 'lobby');
    registry.add({ ...connectionRecord('n1.1', { again: true }), serverInstanceId: 'n2' });
    expect(registry.size).toBe(1);
    expect(registry.members('lobby')).toEqual([]);
    expect(registry.get('n1.1')).toMatchObject({ rooms: [], metadata: { again: true } });
    expect(registry.join('n1.1', 'lobby')).toBe(1);
    // It belongs to the node that added it last.
    expect(registry.removeNode('n1')).toBe(0);
    expect(registry.removeNode('n2')).toBe(1);
  });

  it("removeNode takes every connection of that node, with their rooms, and no other node's", () => {
    for (const id of ['n1.1', 'n1.2', 'n1.3', 'n2.1']) registry.add({ ...connectionRecord(id), address: '10.0.0.1' });
    for (const id of ['n1.1', 'n1.2', 'n2.1']) registry.join(id, 'lobby');
    expect(registry.countFrom('/ws', '10.0.0.1')).toBe(4);
    expect(registry.removeNode('n1')).toBe(3);
    expect(registry.all().map((c) => c.id)).toEqual(['n2.1']);
    expect(registry.members('lobby')).toEqual(['n2.1']);
    // A dead node's connections no longer count against their address.
    expect(registry.countFrom('/ws', '10.0.0.1')).toBe(1);
    // A node that comes back owns only what it adds from then on.
    registry.add(connectionRecord('n1.4'));
    expect(registry.removeNode('n1')).toBe(1);
    expect(registry.removeNode('n1')).toBe(0);
    expect(registry.size).toBe(1);
  });

  it('hands out copies: changing a returned room list does not change the registry', () => {
    registry.add(connectionRecord('n1.1'));
    registry.join('n1.1', 'lobby');
    (registry.members('lobby') as string[]).push('n9.9');
    (registry.get('n1.1')?.rooms as string[]).push('other');
    expect(registry.members('lobby')).toEqual(['n1.1']);
    expect(registry.get('n1.1')?.rooms).toEqual(['lobby']);
  });
});
