import { connectionIdFactory, ownerOf } from '../../src/protocol/connection-id';

describe('connection ids', () => {
  it('are <node>.<counter in base 36>, counting from 1 per node', () => {
    const next = connectionIdFactory('n1');
    const ids = Array.from({ length: 36 }, next);
    expect(ids.slice(0, 3)).toEqual(['n1.1', 'n1.2', 'n1.3']);
    expect(ids[35]).toBe('n1.10');
    expect(connectionIdFactory('n2')()).toBe('n2.1');
  });

  it('name their owner: the part before the first dot', () => {
    expect(ownerOf('abc.7')).toBe('abc');
    expect(ownerOf('abc.7.9')).toBe('abc');
    expect(ownerOf('.7')).toBeUndefined();
    expect(ownerOf('nodot')).toBeUndefined();
    expect(ownerOf('')).toBeUndefined();
  });
});
