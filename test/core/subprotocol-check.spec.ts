import { offeredSubprotocols, subprotocolRefusal } from '../../src/gateways/subprotocol-check';

describe('subprotocols offered and refused', () => {
  it('reads the offered list from one header or several, trimmed, empties dropped', () => {
    expect(offeredSubprotocols(undefined)).toEqual([]);
    expect(offeredSubprotocols('a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(offeredSubprotocols(['a', 'b, ,c'])).toEqual(['a', 'b', 'c']);
    expect(offeredSubprotocols(' , ')).toEqual([]);
  });

  it('refuses an offer with none the route speaks, and no offer only when one is required', () => {
    const route = { subprotocols: ['v2', 'v1'], requireSubprotocol: false };
    expect(subprotocolRefusal(route, ['v1'])).toBeUndefined();
    expect(subprotocolRefusal(route, ['v9', 'v2'])).toBeUndefined();
    expect(subprotocolRefusal(route, [])).toBeUndefined();
    expect(subprotocolRefusal(route, ['v9'])).toBe('Unsupported subprotocol: offered v9; this route speaks v2, v1');
    expect(subprotocolRefusal({ subprotocols: [], requireSubprotocol: false }, ['v1', 'v2'])).toBe(
      'Unsupported subprotocol: offered v1, v2; this route speaks none',
    );
    expect(subprotocolRefusal({ ...route, requireSubprotocol: true }, [])).toBe('A subprotocol is required: one of v2, v1');
    expect(subprotocolRefusal({ ...route, requireSubprotocol: true }, ['v1'])).toBeUndefined();
  });
});
