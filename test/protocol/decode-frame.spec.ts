import { checkRoomName, decodeFrame, encodeFrame, jsonDepth } from '../../src/protocol';

const limits = { maxDepth: 4 };

describe('decodeFrame', () => {
  it('reads the Dox shape and the Nest shape', () => {
    expect(decodeFrame('{"event":"a","message":1,"room":"r","id":3}', false, limits)).toEqual({
      ok: true,
      frame: { kind: 'event', event: 'a', message: 1, room: 'r', id: 3 },
    });
    expect(decodeFrame(Buffer.from('{"event":"a","data":{"x":1}}'), false, limits)).toMatchObject({
      ok: true,
      frame: { message: { x: 1 } },
    });
  });

  it('ignores a room that is not a string, and reads a null id as no id', () => {
    expect(decodeFrame('{"event":"a","message":1,"room":5}', false, limits)).toEqual({
      ok: true,
      frame: { kind: 'event', event: 'a', message: 1, room: undefined, id: undefined },
    });
    expect(decodeFrame('{"event":"a","room":{"x":1},"id":null}', false, limits)).toMatchObject({
      ok: true,
      frame: { room: undefined, id: undefined },
    });
  });

  it('prefers message over data when both are present', () => {
    expect(decodeFrame('{"event":"a","message":1,"data":2}', false, limits)).toMatchObject({ frame: { message: 1 } });
  });

  it('passes binary frames through as Buffers', () => {
    const bytes = Buffer.from([0, 255]);
    expect(decodeFrame(bytes, true, limits)).toEqual({ ok: true, frame: { kind: 'binary', data: bytes } });
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['a number', '1'],
    ['no event', '{}'],
    ['an id that is an object', '{"event":"a","id":{}}'],
    ['an id that is too long', `{"event":"a","id":"${'x'.repeat(200)}"}`],
    ['too deep', '{"event":"a","message":[[[[[]]]]]}'],
  ])('refuses %s as BAD_FRAME', (_what, text) => {
    expect(decodeFrame(text, false, limits)).toMatchObject({ ok: false, code: 'BAD_FRAME', reason: expect.any(String) });
  });
});

describe('jsonDepth', () => {
  it('counts nesting and ignores brackets inside strings', () => {
    expect(jsonDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(jsonDepth('{"a":"\\"[[["}')).toBe(1);
    expect(jsonDepth('42')).toBe(0);
  });
});

describe('checkRoomName', () => {
  it('accepts letters, digits and _ - . : @ / #, in any script', () => {
    for (const name of ['chat', 'team-1', 'a.b:c@d/e#f', 'café', '房间']) expect(checkRoomName(name, 128)).toBeUndefined();
  });
  it('refuses empty, long, spaced, control-character and non-string names', () => {
    for (const name of ['', 'x'.repeat(129), 'a b', 'a\nb', 5, null]) expect(checkRoomName(name, 128)).toEqual(expect.any(String));
  });
});

describe('encodeFrame', () => {
  const text = (frame: Parameters<typeof encodeFrame>[0]): unknown => {
    const { bytes, binary } = encodeFrame(frame);
    expect(binary).toBe(false);
    return JSON.parse(bytes.toString());
  };
  it('writes the wire shapes of SPEC section 2', () => {
    expect(text({ kind: 'connected', id: 'n.1' })).toEqual({ event: 'connected', message: { id: 'n.1' } });
    expect(text({ kind: 'event', event: 'e', message: undefined, sender: 's', room: 'r' })).toEqual({
      event: 'e',
      message: null,
      sender: 's',
      room: 'r',
    });
    expect(text({ kind: 'exception', error: { status: 'error', code: 'X', message: 'm' }, id: 1 })).toEqual({
      event: 'exception',
      message: { status: 'error', code: 'X', message: 'm' },
      id: 1,
    });
  });
  it('starts every text frame with its event, which is how nodes check frames from other nodes', () => {
    const frames = [
      encodeFrame({ kind: 'connected', id: 'n.1' }),
      encodeFrame({ kind: 'exception', error: { status: 'error', code: 'X', message: 'm' }, id: 'q' }),
      encodeFrame({ kind: 'event', event: 'e', message: { a: 1 }, sender: 's', room: 'r', id: 2 }),
    ];
    for (const { bytes } of frames) expect(bytes.toString()).toMatch(/^\{"event":"[^"]+",.*\}$/);
  });
  it('sends binary messages as their bytes', () => {
    expect(encodeFrame({ kind: 'event', event: 'e', message: new Uint8Array([1, 2]) })).toEqual({
      bytes: Buffer.from([1, 2]),
      binary: true,
    });
  });
});

describe('decodeFrame: a joinRoom rejoining a history room', () => {
  const join = (extra: Record<string, unknown>) =>
    decodeFrame(JSON.stringify({ event: 'joinRoom', message: 'chat', id: 7, ...extra }), false, limits);
  const limits = { maxDepth: 8 };

  it('reads `since` and `previous`', () => {
    expect(join({ since: { epoch: 'e1', offset: 12 }, previous: 'n.3' })).toEqual({
      ok: true,
      frame: {
        kind: 'event',
        event: 'joinRoom',
        message: 'chat',
        room: undefined,
        id: 7,
        since: { epoch: 'e1', offset: 12 },
        previous: 'n.3',
      },
    });
    // Other events keep whatever top-level keys they carry to themselves.
    const other = decodeFrame(JSON.stringify({ event: 'chat', since: 'yesterday' }), false, limits);
    expect(other.ok && other.frame).toEqual({ kind: 'event', event: 'chat', message: undefined, room: undefined, id: undefined });
  });

  it.each([
    ['a string', 'x'],
    ['null', null],
    ['an array', [1]],
    ['no offset', { epoch: 'e' }],
    ['a negative offset', { epoch: 'e', offset: -1 }],
    ['a fractional offset', { epoch: 'e', offset: 0.5 }],
    ['an offset past 2^53', { epoch: 'e', offset: 2 ** 60 }],
    ['an offset as a string', { epoch: 'e', offset: '3' }],
    ['an empty epoch', { epoch: '', offset: 1 }],
    ['an epoch of 65 characters', { epoch: 'e'.repeat(65), offset: 1 }],
  ])('refuses `since` as %s with BAD_FRAME and the id', (_what, since) => {
    expect(join({ since })).toEqual({
      ok: false,
      code: 'BAD_FRAME',
      reason: '"since" must be {"epoch": <string>, "offset": <whole number ≥ 0>}, the position the client saw last',
      id: 7,
    });
  });

  it.each([
    ['a number', 3],
    ['an empty string', ''],
    ['129 characters', 'x'.repeat(129)],
  ])('refuses `previous` as %s', (_what, previous) => {
    expect(join({ previous })).toMatchObject({ ok: false, code: 'BAD_FRAME', id: 7 });
  });
});
