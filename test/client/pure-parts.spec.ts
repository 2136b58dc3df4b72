import { backoffDelay } from '../../client/backoff';
import { BoundedQueue } from '../../client/bounded-queue';
import { DEFAULT_RECONNECT, resolveOptions } from '../../client/options';
import { decideAfterClose } from '../../client/reconnect-policy';
import { decodeJoinReply } from '../../client/room-history';
import { RoomPositions } from '../../client/room-positions';
import { decodeServerFrame } from '../../client/wire';
import type { WebSocketConstructorLike } from '../../client/websocket-like';

describe('backoffDelay (full jitter)', () => {
  const options = { initialDelay: 500, maxDelay: 10_000, factor: 2 };
  const almostOne = () => 0.999_999;

  it('draws from [0, initialDelay × factor^(attempt-1)), capped at maxDelay', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, options, almostOne))).toEqual([499, 999, 1999, 3999, 7999, 9999, 9999]);
    expect(backoffDelay(7, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(1000);
  });
});

describe('decideAfterClose', () => {
  const decide = (code: number, handshakeStatus?: number, enabled = true) =>
    decideAfterClose({ code, reason: '', handshakeStatus }, { ...DEFAULT_RECONNECT, enabled });

  it('never retries a refused handshake, close 1000 or 1008', () => {
    expect(decide(1006, 401)).toMatchObject({
      retry: false,
      why: 'refused',
      explanation: 'the server refused the handshake with HTTP 401',
    });
    expect(decide(1006, 403)).toMatchObject({ retry: false, why: 'refused' });
    expect(decide(1008)).toMatchObject({ retry: false, why: 'stop-code' });
    expect(decide(1000)).toMatchObject({ retry: false, why: 'stop-code' });
  });

  it('retries promptly after 1001 and 1012, with backoff after anything else', () => {
    expect(decide(1001)).toEqual({ retry: true, prompt: true });
    expect(decide(1012)).toEqual({ retry: true, prompt: true });
    expect(decide(1006)).toEqual({ retry: true, prompt: false });
    expect(decide(1011)).toEqual({ retry: true, prompt: false });
    expect(decide(1006, 500)).toEqual({ retry: true, prompt: false });
    expect(decide(1006, undefined, false)).toMatchObject({ retry: false, why: 'disabled' });
  });
});

describe('BoundedQueue', () => {
  const fill = (queue: BoundedQueue<number>) => [1, 2, 3, 4].map((n) => queue.push(n));

  it('drop-newest refuses what does not fit', () => {
    const queue = new BoundedQueue<number>(2, 'drop-newest');
    expect(fill(queue)).toEqual([{ accepted: true }, { accepted: true }, { accepted: false, dropped: 3 }, { accepted: false, dropped: 4 }]);
    expect(queue.drain()).toEqual([1, 2]);
  });

  it('drop-oldest makes room by discarding the oldest', () => {
    const queue = new BoundedQueue<number>(2, 'drop-oldest');
    expect(fill(queue)).toEqual([{ accepted: true }, { accepted: true }, { accepted: true, dropped: 1 }, { accepted: true, dropped: 2 }]);
    expect(queue.drain()).toEqual([3, 4]);
  });

  it('size 0 holds nothing under either policy', () => {
    for (const policy of ['drop-newest', 'drop-oldest'] as const) {
      const queue = new BoundedQueue<number>(0, policy);
      expect(queue.push(1)).toEqual({ accepted: false, dropped: 1 });
      expect(queue.size).toBe(0);
    }
  });
});

describe('resolveOptions', () => {
  const Fake = class {} as unknown as WebSocketConstructorLike;

  it('merges defaults once and maps the Dox names', () => {
    const resolved = resolveOptions({ maxRetries: 18, retryAfter: 2000, queue: { size: 5 } }, Fake);
    expect(resolved.reconnect).toEqual({ ...DEFAULT_RECONNECT, maxAttempts: 18, initialDelay: 2000 });
    expect(resolved.queue).toEqual({ size: 5, overflow: 'drop-newest' });
    expect(resolveOptions({ reconnect: false }, Fake).reconnect.enabled).toBe(false);
  });

  it('says what to do when there is no WebSocket implementation', () => {
    expect(() => resolveOptions({}, undefined)).toThrow(/no WebSocket implementation found. Pass `WebSocket` in the options/);
  });
});

describe('decodeServerFrame', () => {
  it('types the built-in frames and keeps sender, room and id', () => {
    expect(decodeServerFrame('{"event":"connected","message":{"id":"n.1"}}')).toEqual({ kind: 'connected', id: 'n.1' });
    expect(decodeServerFrame('{"event":"x","message":1,"sender":"a","room":"r","id":3}')).toEqual({
      kind: 'event',
      event: 'x',
      message: 1,
      sender: 'a',
      room: 'r',
      id: 3,
    });
    expect(decodeServerFrame('{"event":"exception","message":{"code":"RATE_LIMITED","message":"slow down"}}')).toEqual({
      kind: 'exception',
      error: { status: 'error', code: 'RATE_LIMITED', message: 'slow down', fields: undefined },
      id: undefined,
    });
  });

  it('rejects what is not a protocol frame', () => {
    for (const text of ['nope', '[]', 'null', '"x"', '{"message":1}', '{"event":5}']) expect(decodeServerFrame(text)).toBeUndefined();
  });

  it('keeps the offset of a history room frame when it is a whole number, and only then', () => {
    expect(decodeServerFrame('{"event":"x","message":1,"room":"r","offset":42}')).toEqual({
      kind: 'event',
      event: 'x',
      message: 1,
      room: 'r',
      offset: 42,
    });
    for (const offset of ['4.5', '"42"', 'null', '1e400']) {
      expect(decodeServerFrame(`{"event":"x","room":"r","offset":${offset}}`)).not.toHaveProperty('offset');
    }
  });
});

describe('decodeJoinReply', () => {
  it('reads the position of a history room, and what a rejoin reply adds', () => {
    expect(decodeJoinReply({ room: 'r', epoch: 'e', offset: 7 })).toEqual({ epoch: 'e', offset: 7 });
    expect(decodeJoinReply({ room: 'r', epoch: 'e', offset: 7, recovered: true, missed: 3 })).toEqual({
      epoch: 'e',
      offset: 7,
      recovered: true,
      missed: 3,
    });
    expect(decodeJoinReply({ room: 'r', epoch: 'e', offset: 7, recovered: false })).toEqual({ epoch: 'e', offset: 7, recovered: false });
    // A missed count that is not a count is left out (the client then counts the offsets).
    expect(decodeJoinReply({ room: 'r', epoch: 'e', offset: 7, recovered: true, missed: -1 })).toEqual({
      epoch: 'e',
      offset: 7,
      recovered: true,
    });
  });

  it('is undefined for a room without history, or a position it cannot use', () => {
    for (const message of [
      { room: 'r' },
      null,
      'r',
      { epoch: 'e' },
      { epoch: 'e', offset: '7' },
      { epoch: 1, offset: 7 },
      { epoch: 'e', offset: 0.5 },
    ]) {
      expect(decodeJoinReply(message)).toBeUndefined();
    }
  });
});

describe('RoomPositions', () => {
  const joinedAt = (offset: number): RoomPositions => {
    const positions = new RoomPositions();
    expect(positions.joined('r', { epoch: 'e', offset }, undefined)).toBeUndefined();
    return positions;
  };

  it('keeps no position for a room without one', () => {
    const positions = new RoomPositions();
    for (const offset of [5, 5, 1]) positions.advance('r', offset);
    expect(positions.of('r')).toBeUndefined();
  });

  it("moves to each frame's offset, also one below it (the stream began again), keeping the epoch it knows", () => {
    const positions = joinedAt(10);
    positions.advance('r', 11);
    positions.advance('r', 14);
    expect(positions.of('r')).toEqual({ epoch: 'e', offset: 14 });
    expect(Object.isFrozen(positions.of('r'))).toBe(true);
    positions.advance('r', 1);
    expect(positions.of('r')).toEqual({ epoch: 'e', offset: 1 });
  });

  it('a recovered rejoin keeps the position, so the missed frames advance it; missed comes from the reply, else from the offsets', () => {
    const positions = joinedAt(10);
    const since = positions.of('r');
    expect(positions.joined('r', { epoch: 'e', offset: 13, recovered: true, missed: 2 }, since)).toEqual({
      event: 'recovered',
      message: { room: 'r', missed: 2, epoch: 'e', offset: 13 },
    });
    expect(positions.of('r')).toEqual({ epoch: 'e', offset: 10 });
    expect(positions.joined('r', { epoch: 'e', offset: 13, recovered: true }, since)).toMatchObject({ message: { missed: 3 } });
  });

  it('a rejoin not recovered (or not saying so) restarts from the reply', () => {
    for (const recovered of [false, undefined]) {
      const positions = joinedAt(10);
      expect(positions.joined('r', { epoch: 'e2', offset: 3, recovered }, positions.of('r'))).toEqual({
        event: 'notRecovered',
        message: { room: 'r', epoch: 'e2', offset: 3 },
      });
      expect(positions.of('r')).toEqual({ epoch: 'e2', offset: 3 });
    }
  });

  it('a join without `since` sets the position and tells nothing, whatever the reply says', () => {
    const positions = joinedAt(10);
    expect(positions.joined('r', { epoch: 'e', offset: 20, recovered: true, missed: 10 }, undefined)).toBeUndefined();
    expect(positions.of('r')).toEqual({ epoch: 'e', offset: 20 });
  });

  it('a reply without history, and forget(), drop the position', () => {
    const positions = joinedAt(10);
    expect(positions.joined('r', undefined, positions.of('r'))).toBeUndefined();
    expect(positions.of('r')).toBeUndefined();
    const other = joinedAt(10);
    other.forget('r');
    expect(other.of('r')).toBeUndefined();
  });
});
