import { MemoryBackplane, type BackplaneEnvelope, type BackplaneMessage } from '../../src';
import { decodeNodeMessage, encodeNodeMessage, sentBy } from '../../src/backplanes/node-codec';
import { KIND, TARGET, change, delivery, header, lengthPrefixed } from './node-bytes';

const text = (json: string): Buffer => Buffer.from(json);
const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

const messages: [string, BackplaneMessage][] = [
  ['a text delivery to everyone', { type: 'deliver', target: { type: 'all' }, frame: text('{"event":"e","message":1}'), binary: false }],
  [
    'a delivery to a route',
    { type: 'deliver', target: { type: 'route', route: '/ws/chat/:id' }, frame: text('{"event":"e","message":null}'), binary: false },
  ],
  [
    'a delivery to a room, except its sender, in multi-byte UTF-8',
    {
      type: 'deliver',
      target: { type: 'room', room: '房间-café' },
      except: 'n1.7',
      frame: text('{"event":"ünï","message":"🎉 \\" | . 房间"}'),
      binary: false,
    },
  ],
  [
    'a delivery to one connection',
    { type: 'deliver', target: { type: 'connection', id: 'n2.42' }, frame: text('{"event":"e","message":[],"id":3}'), binary: false },
  ],
  [
    'a binary frame of every byte value',
    { type: 'deliver', target: { type: 'room', room: 'r' }, except: 'n1.1', frame: everyByte, binary: true },
  ],
  ['an empty binary frame', { type: 'deliver', target: { type: 'all' }, frame: Buffer.alloc(0), binary: true }],
  ['a binary frame that looks like a text one', { type: 'deliver', target: { type: 'all' }, frame: text('{"event":"x"}'), binary: true }],
  [
    'an empty target and except id',
    { type: 'deliver', target: { type: 'room', room: '' }, except: '', frame: text('{"event":""}'), binary: false },
  ],
  ['a join', { type: 'join', id: 'n2.1', room: 'lobby', version: 7 }],
  ['a leave', { type: 'leave', id: 'n2.1', room: '房间', version: Number.MAX_SAFE_INTEGER }],
  ['a metadata change', { type: 'metadata', id: 'n2.1', metadata: { name: 'zoë', nested: { list: [1, 'two', null] } }, version: 2 }],
  ['a disconnect with a reason of 123 bytes', { type: 'disconnect', id: 'n2.1', code: 4000, reason: 'é'.repeat(61) + 'x' }],
  ['a disconnect with 1000 and no reason', { type: 'disconnect', id: 'n2.1', code: 1000, reason: '' }],
];

describe('node codec: round trip', () => {
  it.each(messages)('%s', (_what, msg) => {
    const envelope: BackplaneEnvelope = { node: 'node-1', seq: 5, msg };
    expect(decodeNodeMessage(encodeNodeMessage(envelope))).toEqual(envelope);
  });

  it.each([
    ['1', 1],
    ['2^32 - 1, the last in the low half', 2 ** 32 - 1],
    ['2^32, the first in the high half', 2 ** 32],
    ['as a node numbers from the clock', Date.now() * 1000 + 12345],
    ['2^53 - 1, the largest', Number.MAX_SAFE_INTEGER],
  ])('carries sequence number %s', (_what, seq) => {
    const envelope: BackplaneEnvelope = { node: 'n', seq, msg: messages[0][1] };
    expect(decodeNodeMessage(encodeNodeMessage(envelope))?.seq).toBe(seq);
  });

  it('carries node ids of 1 to 64 bytes, multi-byte UTF-8 included', () => {
    for (const node of ['n', 'x'.repeat(64), 'nœud.1', 'é'.repeat(32)]) {
      expect(decodeNodeMessage(encodeNodeMessage({ node, seq: 1, msg: messages[0][1] }))?.node).toBe(node);
    }
  });

  it('is never given a node id it cannot carry: a backplane refuses one at construction', () => {
    for (const nodeId of ['', 'n'.repeat(65), 'é'.repeat(33), 'lone \ud800 surrogate']) {
      expect(() => new MemoryBackplane({ nodeId })).toThrow(/^SB_BACKPLANE_MISCONFIGURED: backplane nodeId must be 1 to 64 bytes of UTF-8/);
    }
    expect(new MemoryBackplane({ nodeId: 'é'.repeat(32) }).nodeId).toBe('é'.repeat(32));
  });

  it('writes the frame verbatim at the end, after the header it documents', () => {
    const frame = text('{"event":"e","message":"a\\"b"}');
    const encoded = encodeNodeMessage({
      node: 'ab',
      seq: 2 ** 32 + 3,
      msg: { type: 'deliver', target: { type: 'room', room: 'r' }, except: 'x', frame, binary: false },
    });
    expect(encoded).toEqual(
      Buffer.concat([
        Buffer.from([1, KIND.deliver, 2]),
        text('ab'),
        Buffer.from([0, 0, 0, 1, 0, 0, 0, 3, 2, TARGET.room]),
        lengthPrefixed('r'),
        lengthPrefixed('x'),
        frame,
      ]),
    );
  });

  it('hands the frame over as a view of the received bytes, not a copy, from a Buffer or a plain Uint8Array', () => {
    const encoded = encodeNodeMessage({ node: 'n', seq: 1, msg: messages[4][1] });
    // What advanced IPC serialisation may deliver: a Uint8Array, here at an offset into a larger buffer.
    const backing = new Uint8Array(encoded.length + 10);
    backing.set(encoded, 7);
    const view = new Uint8Array(backing.buffer, 7, encoded.length);
    for (const payload of [encoded, view]) {
      const decoded = decodeNodeMessage(payload);
      const msg = decoded?.msg as Extract<BackplaneMessage, { type: 'deliver' }>;
      expect(msg.frame).toEqual(everyByte);
      expect(msg.frame.buffer).toBe(payload.buffer);
    }
  });
});

describe('node codec: what it drops', () => {
  const valid = delivery();
  const toClient = (frame: string | Buffer): Buffer => delivery({ target: TARGET.connection, key: lengthPrefixed('n2.1'), frame });
  const reason124 = 'é'.repeat(62);

  it('reads the hand-written default as a valid delivery (so each case below breaks one thing)', () => {
    expect(decodeNodeMessage(valid)).toMatchObject({ node: 'mallory', seq: 1, msg: { type: 'deliver', target: { type: 'all' } } });
    expect(decodeNodeMessage(toClient('{"event":"x"}'))).toMatchObject({ msg: { target: { type: 'connection', id: 'n2.1' } } });
    expect(decodeNodeMessage(change('join', { id: 'a', room: 'r', version: 1 }))).toMatchObject({ msg: { type: 'join' } });
    expect(Buffer.byteLength(reason124)).toBe(124);
  });

  it.each<[string, unknown]>([
    ['a string', valid.toString('latin1')],
    [
      'the old JSON envelope',
      JSON.stringify({ v: 1, node: 'n', msg: { type: 'deliver', target: { type: 'all' }, frame: '{"event":"e"}' } }),
    ],
    ['an object', { type: 'Buffer', data: [...valid] }],
    ['an array of numbers', [...valid]],
    ['null', null],
    ['undefined', undefined],
    ['a DataView', new DataView(valid.buffer, valid.byteOffset, valid.byteLength)],
    // The header.
    ['an empty buffer', Buffer.alloc(0)],
    ['version 0', delivery({}, { version: 0 })],
    ['version 2', delivery({}, { version: 2 })],
    ['kind 0', delivery({}, { kind: 0 })],
    ['kind 6', delivery({}, { kind: 6 })],
    ['kind 255', delivery({}, { kind: 255 })],
    ['an empty node id', delivery({}, { node: '' })],
    ['a node id of 65 bytes', delivery({}, { node: 'n'.repeat(65) })],
    ['a node id length past the end', header({ nodeLength: 60 })],
    ['a node id that is not UTF-8', delivery({}, { node: Buffer.from([0x6e, 0xff]) })],
    ['sequence number 0', delivery({}, { seq: 0 })],
    ['a sequence number past 2^53 - 1', delivery({}, { seqHigh: 2 ** 21 })],
    ['a header cut in the sequence number', header().subarray(0, 14)],
    // A delivery's body.
    ['a delivery with no body', header()],
    ['a delivery cut after its flags', delivery().subarray(0, 19)],
    ['unknown flag bits', delivery({ flags: 4 })],
    ['the high flag bit', delivery({ flags: 0x80 })],
    ['an unknown target', delivery({ target: 4 })],
    ['a room target with no room', delivery({ target: TARGET.room, frame: Buffer.alloc(0) })],
    ['a room whose length runs past the end', delivery({ target: TARGET.room, key: lengthPrefixed('lobby', 1000) })],
    ['a room that is not UTF-8', delivery({ target: TARGET.room, key: lengthPrefixed(Buffer.from([0xc3])) })],
    ['an except flag with no except id', delivery({ flags: 2, frame: Buffer.alloc(0) })],
    ['an except id whose length runs past the end', delivery({ except: lengthPrefixed('n1.1', 99) })],
    // A text frame no client may be sent.
    ['a text frame that is not JSON', toClient('not json')],
    ['a text frame without an event', toClient('{"no":"event"}')],
    ['a text frame whose event is not a string', toClient('{"event":5}')],
    ['a text frame with the event key second', toClient('{"message":1,"event":"e"}')],
    ['a text frame cut short', toClient('{"event":"e","message":1')],
    ['an empty text frame', toClient('')],
    ['a text frame of the prefix and a brace', toClient('{"event":"}')],
    ['a text frame that is not UTF-8', toClient(Buffer.concat([text('{"event":"'), Buffer.from([0xff]), text('"}')]))],
    [
      'a text frame with a lone surrogate in UTF-8',
      toClient(Buffer.concat([text('{"event":"'), Buffer.from([0xed, 0xa0, 0x80]), text('"}')])),
    ],
    // Room and metadata changes, disconnects.
    ['a change whose body is not JSON', change('join', 'not json')],
    ['a change whose body is not UTF-8', change('join', Buffer.from([0x7b, 0xff, 0x7d]))],
    ['a change whose body is an array', change('join', [1])],
    ['a change whose body is null', change('join', null)],
    ['a change without an id', change('join', { room: 'r', version: 1 })],
    ['a change with an id that is not a string', change('leave', { id: 7, room: 'r', version: 1 })],
    ['a join without a room', change('join', { id: 'a', version: 1 })],
    ['a join without a version', change('join', { id: 'a', room: 'r' })],
    ['a leave of version 0', change('leave', { id: 'a', room: 'r', version: 0 })],
    ['a leave of version -1', change('leave', { id: 'a', room: 'r', version: -1 })],
    ['a join of version 2^53', change('join', { id: 'a', room: 'r', version: 2 ** 53 })],
    ['a metadata change with a fractional version', change('metadata', { id: 'a', metadata: {}, version: 1.5 })],
    ['a metadata change with a version as a string', change('metadata', { id: 'a', metadata: {}, version: '2' })],
    ['metadata that is an array', change('metadata', { id: 'a', metadata: [], version: 1 })],
    ['metadata that is null', change('metadata', { id: 'a', metadata: null, version: 1 })],
    ['metadata that is a string', change('metadata', { id: 'a', metadata: 'x', version: 1 })],
    ['a disconnect without code and reason', change('disconnect', { id: 'a' })],
    ['a close code ws refuses (1005)', change('disconnect', { id: 'a', code: 1005, reason: '' })],
    ['close code 1004', change('disconnect', { id: 'a', code: 1004, reason: '' })],
    ['close code 1006', change('disconnect', { id: 'a', code: 1006, reason: '' })],
    ['close code 999', change('disconnect', { id: 'a', code: 999, reason: '' })],
    ['close code 1015', change('disconnect', { id: 'a', code: 1015, reason: '' })],
    ['close code 2999', change('disconnect', { id: 'a', code: 2999, reason: '' })],
    ['close code 5000', change('disconnect', { id: 'a', code: 5000, reason: '' })],
    ['close code 5', change('disconnect', { id: 'a', code: 5, reason: 'x' })],
    ['a fractional close code', change('disconnect', { id: 'a', code: 4000.5, reason: '' })],
    ['a close code as a string', change('disconnect', { id: 'a', code: '1000', reason: '' })],
    ['a reason of 124 bytes', change('disconnect', { id: 'a', code: 4000, reason: reason124 })],
    ['a reason that is not a string', change('disconnect', { id: 'a', code: 4000, reason: 1 })],
  ])('%s', (_what, payload) => {
    expect(decodeNodeMessage(payload)).toBeUndefined();
  });

  // Transports deliver messages whole; this is about forged lengths. (A text frame cut just after an
  // inner `}` would pass the text check, and its client would drop it: see isTextFrame.)
  it('drops every message cut short, of each kind (a binary frame cut within itself is just shorter)', () => {
    const whole = [
      ...messages
        .filter(([, msg]) => !(msg.type === 'deliver' && msg.binary))
        .map(([, msg]) => encodeNodeMessage({ node: 'n', seq: 9, msg })),
      toClient('{"event":"x"}'),
    ];
    for (const bytes of whole) {
      for (let length = 0; length < bytes.length; length++)
        expect([length, decodeNodeMessage(bytes.subarray(0, length))]).toEqual([length, undefined]);
    }
    const binary = encodeNodeMessage({ node: 'n', seq: 9, msg: messages[4][1] });
    const frameStart = binary.length - everyByte.length;
    for (let length = 0; length < frameStart; length++)
      expect([length, decodeNodeMessage(binary.subarray(0, length))]).toEqual([length, undefined]);
    expect(decodeNodeMessage(binary.subarray(0, frameStart))).toMatchObject({ msg: { frame: Buffer.alloc(0), binary: true } });
  });
});

describe('sentBy', () => {
  const from = (node: string): Buffer =>
    encodeNodeMessage({ node, seq: 1, msg: { type: 'leave', id: `${node}.1`, room: 'r', version: 2 } });

  it('tells a message of the given node by its header alone, and no other', () => {
    expect(sentBy(from('n1'), Buffer.from('n1'))).toBe(true);
    expect(sentBy(from('n10'), Buffer.from('n1'))).toBe(false);
    expect(sentBy(from('n1'), Buffer.from('n10'))).toBe(false);
    expect(sentBy(from('m1'), Buffer.from('n1'))).toBe(false);
    expect(sentBy(from('n1').subarray(0, 4), Buffer.from('n1'))).toBe(false);
  });
});
