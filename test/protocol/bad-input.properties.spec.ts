// Property-based (fast-check): arbitrary input at each boundary (the client
// frame decoder, room names, metadata patches, the envelope between nodes)
// never throws past it, and what it lets through has the shape the code
// behind it relies on. A failure prints the smallest input that breaks it.
import fc from 'fast-check';
import { checkRoomName } from '../../src';
import { mergeMetadata } from '../../src/backplanes/connection-info';
import { decodeNodeMessage, encodeNodeMessage } from '../../src/backplanes/node-codec';
import { decodeFrame } from '../../src/protocol/decode-frame';
import { metadataPatchProblem } from '../../src/services/metadata-patch';

const LIMITS = { maxDepth: 8 };

/** Text a hostile or broken client might send: any string, any JSON, JSON-ish objects with the frame's keys. */
const frameText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.json(),
  fc
    .record(
      {
        event: fc.oneof(fc.string(), fc.anything()),
        message: fc.anything(),
        data: fc.anything(),
        id: fc.oneof(fc.string(), fc.double(), fc.anything()),
        room: fc.anything(),
        __proto__: fc.anything(),
      },
      { requiredKeys: [] },
    )
    .map((frame) => JSON.stringify(frame) ?? 'undefined'),
  fc.nat({ max: 40 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
);

describe('decodeFrame, for any text or bytes', () => {
  it('never throws; what it accepts is an event frame with a non-empty string event and a string or finite id', () => {
    fc.assert(
      fc.property(frameText, (text) => {
        const decoded = decodeFrame(text, false, LIMITS);
        if (!decoded.ok) {
          expect(decoded.code).toBe('BAD_FRAME');
          return;
        }
        expect(decoded.frame.kind).toBe('event');
        if (decoded.frame.kind !== 'event') return;
        expect(typeof decoded.frame.event === 'string' && decoded.frame.event.length > 0).toBe(true);
        const { id } = decoded.frame;
        expect(id === undefined || typeof id === 'string' || Number.isFinite(id)).toBe(true);
        expect(decoded.frame.room === undefined || typeof decoded.frame.room === 'string').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what nests deeper than maxDepth without parsing it', () => {
    fc.assert(
      fc.property(fc.integer({ min: LIMITS.maxDepth + 1, max: 10_000 }), (depth) => {
        const decoded = decodeFrame(`{"event":"e","message":${'['.repeat(depth)}${']'.repeat(depth)}}`, false, LIMITS);
        expect(decoded).toMatchObject({ ok: false, code: 'BAD_FRAME' });
      }),
      { numRuns: 200 },
    );
  });

  it('takes any bytes of a binary frame as they are', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        const decoded = decodeFrame(Buffer.from(bytes), true, LIMITS);
        expect(decoded.ok && decoded.frame.kind === 'binary' && decoded.frame.data.equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });
});

describe('checkRoomName, for any value', () => {
  it('never throws; a name it accepts is a non-empty string within the length, with no control, format, space or unassigned character, and no mark first', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.anything()),
        fc.nat({ max: 64 }),
        (room, max) => {
          if (checkRoomName(room, max) !== undefined) return;
          expect(typeof room).toBe('string');
          const name = room as string;
          expect(name.length > 0 && name.length <= max).toBe(true);
          expect(name).not.toMatch(/[\p{C}\p{Z}\s]/u);
          expect(name).not.toMatch(/^\p{M}/u);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('metadata patches, for any JSON a request or frame could carry', () => {
  /** Objects as JSON.parse makes them: `__proto__`, `constructor` and `prototype` arrive as own keys. */
  const parsedObject = fc
    .dictionary(
      fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', 'toString')),
      fc.oneof(fc.jsonValue(), fc.constant(null)),
    )
    .map(
      (entries) =>
        JSON.parse(
          `{${Object.entries(entries)
            .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
            .join(',')}}`,
        ) as unknown,
    );
  const patch = fc.oneof(
    parsedObject,
    fc.jsonValue().map((v) => v as unknown),
  );

  it('are refused, or merged without touching any prototype', () => {
    fc.assert(
      fc.property(patch, parsedObject, (candidate, current) => {
        const problem = metadataPatchProblem(candidate);
        // Merged anyway, as a registry does with what another node sent: it must still not set a prototype.
        const base = (typeof current === 'object' && current && !Array.isArray(current) ? current : {}) as Record<string, unknown>;
        const merged = mergeMetadata(
          mergeMetadata({}, base),
          typeof candidate === 'object' && candidate ? (candidate as Record<string, unknown>) : {},
        );
        expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
        expect(Object.prototype.hasOwnProperty.call(merged, '__proto__')).toBe(false);
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
        if (problem === undefined) {
          expect(typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate)).toBe(true);
          for (const key of ['__proto__', 'constructor', 'prototype']) expect(Object.keys(candidate as object)).not.toContain(key);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the envelope between nodes, for any bytes', () => {
  const envelope = fc.record({
    node: fc.string({ minLength: 1, maxLength: 20 }),
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    msg: fc.oneof(
      fc
        .record({
          target: fc.oneof(
            fc.constant({ type: 'all' as const }),
            fc.record({ type: fc.constant('room' as const), room: fc.string({ minLength: 1 }) }),
            fc.record({ type: fc.constant('connection' as const), id: fc.string({ minLength: 1 }) }),
          ),
          // A text delivery carries a frame as clients get it; a binary one any bytes.
          text: fc
            .record({ event: fc.string({ minLength: 1 }), message: fc.jsonValue() })
            .map((frame) => Buffer.from(JSON.stringify(frame))),
          bytes: fc.uint8Array().map((bytes) => Buffer.from(bytes)),
          binary: fc.boolean(),
        })
        .map(({ target, text, bytes, binary }) => ({ type: 'deliver' as const, target, frame: binary ? bytes : text, binary })),
      fc.record({
        type: fc.constantFrom('join' as const, 'leave' as const),
        id: fc.string(),
        room: fc.string(),
        version: fc.integer({ min: 1 }),
      }),
      fc.record({
        type: fc.constant('disconnect' as const),
        id: fc.string(),
        // Codes a server may send, and reasons a close frame can carry: the decoder refuses others (ws would throw on them).
        code: fc.oneof(fc.constantFrom(1000, 1001, 1008, 1011, 1012, 1013), fc.integer({ min: 3000, max: 4999 })),
        reason: fc.string({ maxLength: 30 }),
      }),
    ),
  });

  it('never throws on garbage, and reads nothing out of it but a well-formed message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.anything()), (payload) => {
        const bytes = payload instanceof Uint8Array ? Buffer.from(payload) : payload;
        const decoded = decodeNodeMessage(bytes);
        if (decoded === undefined) return;
        expect(typeof decoded.node === 'string' && decoded.node.length > 0).toBe(true);
        expect(Number.isSafeInteger(decoded.seq) && decoded.seq > 0).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads back what it wrote, and never throws on any byte of it changed or cut off', () => {
    fc.assert(
      fc.property(envelope, fc.nat(), fc.nat({ max: 255 }), (sent, at, byte) => {
        const bytes = encodeNodeMessage(sent);
        if (Buffer.byteLength(sent.node) <= 64) expect(decodeNodeMessage(bytes)).toEqual(sent);
        const changed = Buffer.from(bytes);
        changed[at % changed.length] = byte;
        decodeNodeMessage(changed);
        decodeNodeMessage(bytes.subarray(0, at % bytes.length));
      }),
      { numRuns: 2000 },
    );
  });
});
