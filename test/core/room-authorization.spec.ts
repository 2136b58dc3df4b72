import { Logger } from '@nestjs/common';
import { LocalHub } from '../../src/services/local-hub';
import { GuardLog, JoinGate, RoomPolicy, joinsTestModule } from '../fixtures/joins-test.module';
import { useApp } from '../support/test-app';
import type { Frame, TestClient } from '../support/test-client';
import { eventually } from '../support/wait';

/** Sends `joinRoom` with an id and expects the `exception` with that id and `code`. */
async function refusedJoin(client: TestClient, room: string, code = 'FORBIDDEN'): Promise<Frame> {
  const answer = await client.request('joinRoom', room);
  expect(answer).toEqual({ event: 'exception', message: { status: 'error', code, message: expect.any(String) }, id: answer.id });
  return answer;
}

/**
 * `probe` sends to `room` through its own handler and waits for the reply: a
 * room frame for a member is written before the reply, so once the reply is
 * here, `probe` has every room frame it will ever get from that send.
 */
async function sayFrom(probe: TestClient, room: string, text: string): Promise<void> {
  expect(await probe.request('say', { room, text })).toMatchObject({ event: 'say', message: null });
}

describe('client joinRoom frames are authorized per route', () => {
  const fixture = useApp(() => joinsTestModule());
  const connect = (path: string) => fixture.connect(path);
  const policy = () => fixture.server.app.get(RoomPolicy);

  it('an injectable authorizer (async, with an injected service) allows its rooms and refuses others with FORBIDDEN and the id', async () => {
    const ann = await connect('/ws/policy?user=ann');
    const bob = await connect('/ws/policy?user=bob');
    expect(await ann.request('joinRoom', 'private:ann')).toMatchObject({ event: 'joinRoom', message: { room: 'private:ann' } });
    const refused = await refusedJoin(bob, 'private:ann');
    expect(refused.message.message).toBe('not allowed to join "private:ann"');
    expect(policy().asked).toEqual(expect.arrayContaining(['ann→private:ann', 'bob→private:ann']));
    expect((await bob.request('rooms')).message).toEqual([]);
    expect((await bob.request('members', 'private:ann')).message).toEqual([ann.id]);

    // Sent to the room by the refused client itself: the member gets it, the refused one does not.
    await sayFrom(bob, 'private:ann', 'knock knock');
    expect(await ann.next((f) => f.event === 'said')).toEqual({
      event: 'said',
      message: 'knock knock',
      sender: bob.id,
      room: 'private:ann',
    });
    // And sent by the member: the refused client's probe after it proves nothing came.
    await sayFrom(ann, 'private:ann', 'second');
    expect((await ann.next((f) => f.event === 'said')).message).toBe('second');
    await bob.request('rooms');
    expect(bob.framesOf('said')).toEqual([]);

    // Rooms the authorizer allows still join as before.
    expect(await bob.request('joinRoom', 'public:lobby')).toMatchObject({ message: { room: 'public:lobby' } });
  });

  it('an authorizer that throws answers INTERNAL (logged, no details sent); a WsException keeps its code; neither joins', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const ann = await connect('/ws/policy?user=ann');
      const crashed = await refusedJoin(ann, 'boom:1', 'INTERNAL');
      expect(crashed.message.message).toBe('Internal server error');
      expect(errors).toHaveBeenCalledWith('authorizing joinRoom "boom:1" on /ws/policy failed', expect.stringContaining('hunter2'));
      const closed = await refusedJoin(ann, 'ws-error:1', 'ROOM_CLOSED');
      expect(closed.message.message).toBe('closed for cleaning');
      expect((await ann.request('members', 'boom:1')).message).toEqual([]);
      expect((await ann.request('rooms')).message).toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });

  it('a plain function authorizer decides too; anything but true refuses', async () => {
    const c = await connect('/ws/fn');
    await refusedJoin(c, 'fn:refused');
    await refusedJoin(c, 'fn:forgot');
    expect(await c.request('joinRoom', 'fn:allowed')).toMatchObject({ message: { room: 'fn:allowed' } });
    expect((await c.request('rooms')).message).toEqual(['fn:allowed']);
  });

  it('the room name is checked first: an invalid room is INVALID_ROOM and the authorizer is not asked', async () => {
    const c = await connect('/ws/policy?user=cy');
    await refusedJoin(c, 'two words', 'INVALID_ROOM');
    expect(policy().asked.filter((a) => a.startsWith('cy'))).toEqual([]);
  });

  it('clientJoins: false refuses every client joinRoom; leaveRoom and server-side joins still work', async () => {
    const c = await connect('/ws/no-joins');
    const refused = await refusedJoin(c, 'lobby');
    expect(refused.message.message).toBe('/ws/no-joins does not let clients join rooms');
    expect((await c.request('members', 'lobby')).message).toEqual([]);
    expect(await c.request('leaveRoom', 'lobby')).toMatchObject({ event: 'leaveRoom', message: { room: 'lobby' } });

    expect((await c.request('serverJoin', { id: c.id, room: 'lobby' })).message).toBe(true);
    expect((await c.request('rooms')).message).toEqual(['lobby']);
    await sayFrom(c, 'lobby', 'joined by the server');
    expect(c.framesOf('said')).toEqual([{ event: 'said', message: 'joined by the server', sender: c.id, room: 'lobby' }]);
  });

  it('server-side joins skip the authorizer', async () => {
    const ann = await connect('/ws/policy?user=ann');
    const bob = await connect('/ws/policy?user=bob');
    await refusedJoin(bob, 'private:ann');
    expect((await ann.request('serverJoin', { id: bob.id, room: 'private:ann' })).message).toBe(true);
    await sayFrom(ann, 'private:ann', 'welcome');
    expect(await bob.next((f) => f.event === 'said')).toMatchObject({ message: 'welcome', room: 'private:ann' });
  });

  it('guards on a controller of the route apply to its joins, as a ws context whose handler is joinRoom', async () => {
    const log = fixture.server.app.get(GuardLog);
    const c = await connect('/ws/locked');
    const refused = await refusedJoin(c, 'user:42:private');
    expect(refused.message.message).toBe('Forbidden resource');
    expect(log.seen).toContainEqual({
      type: 'ws',
      pattern: 'joinRoom',
      data: 'user:42:private',
      client: c.id,
      handler: 'joinRoom',
      controller: 'LockedController',
    });
    expect((await c.request('members', 'user:42:private')).message).toEqual([]);
    await sayFrom(c, 'user:42:private', 'probe');
    expect(c.framesOf('said')).toEqual([]);

    // A route whose controllers have no guards joins as before.
    const open = await connect('/ws/open');
    expect(await open.request('joinRoom', 'user:42:private')).toMatchObject({ message: { room: 'user:42:private' } });
  });

  it("a gateway's own canJoin runs with its injected service, after the joins.authorize option: both must allow", async () => {
    const ann = await connect('/ws/own?user=ann');
    expect(await ann.request('joinRoom', 'private:ann')).toMatchObject({ message: { room: 'private:ann' } });
    expect(await ann.request('joinRoom', 'public:x')).toMatchObject({ message: { room: 'public:x' } });
    await refusedJoin(ann, 'private:bob');
    const before = policy().asked.length;
    await refusedJoin(ann, 'public:vetoed');
    expect(policy().asked.length).toBe(before);
    expect((await ann.request('rooms')).message).toEqual(['private:ann', 'public:x']);
  });

  it('a client that leaves while its join is being authorized is not joined afterwards', async () => {
    const gate = fixture.server.app.get(JoinGate);
    const hub = fixture.server.app.get(LocalHub);
    const c = await connect('/ws/gated');
    c.send({ event: 'joinRoom', message: 'gated:late' });
    await eventually(() => gate.waiting.length === 1, 2000, 'the join to reach the authorizer');
    const connection = hub.get(c.id)!;
    await c.close();
    await eventually(() => hub.get(c.id) === undefined, 2000, 'the server to forget the connection');
    gate.waiting.splice(0).forEach((pass) => pass());
    await new Promise((resolve) => setImmediate(resolve));
    expect([...connection.rooms]).toEqual([]);
  });
});
