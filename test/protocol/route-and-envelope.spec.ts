import { decodeEnvelope, encodeEnvelope } from '../../src/backplanes/backplane-message';
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

describe('backplane envelopes', () => {
  it('round-trip', () => {
    const envelope = { v: 1 as const, node: 'n1', msg: { type: 'deliver' as const, target: { type: 'room' as const, room: 'r' }, frame: '{"event":"e"}' } };
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
    const change = { v: 1 as const, node: 'n1', msg: { type: 'join' as const, id: 'n2.1', room: 'r', version: 7 } };
    expect(decodeEnvelope(encodeEnvelope(change))).toEqual(change);
  });
  it.each([
    ['garbage', 'not json'],
    ['another version', '{"v":2,"node":"n","msg":{"type":"join","id":"a","room":"r","version":1}}'],
    ['no node', '{"v":1,"msg":{"type":"join","id":"a","room":"r","version":1}}'],
    ['a room change without a version', '{"v":1,"node":"n","msg":{"type":"join","id":"a","room":"r"}}'],
    ['a room change of version 0', '{"v":1,"node":"n","msg":{"type":"leave","id":"a","room":"r","version":0}}'],
    ['a metadata change with a fractional version', '{"v":1,"node":"n","msg":{"type":"metadata","id":"a","metadata":{},"version":1.5}}'],
    ['a metadata change with a version as a string', '{"v":1,"node":"n","msg":{"type":"metadata","id":"a","metadata":{},"version":"2"}}'],
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
