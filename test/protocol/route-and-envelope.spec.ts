import { decodeEnvelope, encodeEnvelope } from '../../src/backplanes/backplane-message';
import { compileRoute } from '../../src/gateways/route-matcher';

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

describe('backplane envelopes', () => {
  it('round-trip', () => {
    const envelope = { v: 1 as const, node: 'n1', msg: { type: 'deliver' as const, target: { type: 'room' as const, room: 'r' }, frame: '{"event":"e"}' } };
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });
  it.each([
    ['garbage', 'not json'],
    ['another version', '{"v":2,"node":"n","msg":{"type":"join","id":"a","room":"r"}}'],
    ['no node', '{"v":1,"msg":{"type":"join","id":"a","room":"r"}}'],
    ['an unknown type', '{"v":1,"node":"n","msg":{"type":"shutdown"}}'],
    ['a bad target', '{"v":1,"node":"n","msg":{"type":"deliver","target":{"type":"everyone"},"frame":"{}"}}'],
    ['a frame that is not a string', '{"v":1,"node":"n","msg":{"type":"deliver","target":{"type":"all"},"frame":{}}}'],
    ['a frame that is not a protocol frame', '{"v":1,"node":"n","msg":{"type":"deliver","target":{"type":"all"},"frame":"{}"}}'],
    ['a binary frame that is not base64', '{"v":1,"node":"n","msg":{"type":"deliver","target":{"type":"all"},"frame":"%%","binary":true}}'],
    ['a close code ws refuses', '{"v":1,"node":"n","msg":{"type":"disconnect","id":"a","code":1005,"reason":""}}'],
  ])('drop %s', (_what, raw) => {
    expect(decodeEnvelope(raw)).toBeUndefined();
  });
});
