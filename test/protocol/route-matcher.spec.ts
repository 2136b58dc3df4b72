import { compileRoute } from '../../src/controllers/route-matcher';

describe('compileRoute', () => {
  it('matches static and parameterised paths, decoding parameters', () => {
    const route = compileRoute('/ws/chat/:roomId');
    expect(route.match('/ws/chat/lobby')).toEqual({ roomId: 'lobby' });
    expect(route.match('/ws/chat/a%2Fb/')).toEqual({ roomId: 'a/b' });
    expect(route.match('/ws/chat')).toBeUndefined();
    expect(route.match('/ws/chat/')).toBeUndefined();
    expect(route.match('/ws/chat/%E0%A4%A')).toBeUndefined();
    expect(compileRoute('/ws/').match('/ws')).toEqual({});
  });
  it('refuses malformed patterns at boot', () => {
    expect(() => compileRoute('ws')).toThrow(/SB_INVALID_ROUTE/);
    expect(() => compileRoute('/ws/:1x')).toThrow(/SB_INVALID_ROUTE/);
  });
});
