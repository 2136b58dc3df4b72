import { randomBytes } from 'node:crypto';
import type { ConnectionInfo } from '../../src';
import { ownerOf } from '../../src/protocol/connection-id';
import { call, settle } from '../support/node-calls';
import type { Frame, TestClient } from '../support/test-client';
import { useTwoNodes, type TwoNodeFactory } from '../support/two-nodes';
import { eventually } from '../support/wait';

const unique = (name: string): string => `${name}-${randomBytes(3).toString('hex')}`;

const count = (client: TestClient, event: string, message: unknown): number =>
  client.framesOf(event).filter((f) => JSON.stringify(f.message) === JSON.stringify(message)).length;

/**
 * The contract every backplane keeps: the same observable result for every
 * emitter row and every realtime-service call, wherever the sender and the
 * receivers live. Clients are spread across two nodes on purpose.
 */
export function backplaneContract(name: string, factory: TwoNodeFactory): void {
  describe(`backplane contract: ${name}`, () => {
    const fixture = useTwoNodes(factory);
    const { on } = fixture;
    const joined = async (client: TestClient, room: string): Promise<TestClient> => {
      await client.request('joinRoom', room);
      return client;
    };

    it('gives every connection a cluster-unique id that names the node holding it', async () => {
      const [a0, b0, a1] = [await on(0), await on(0), await on(1)];
      expect(new Set([a0.id, b0.id, a1.id]).size).toBe(3);
      expect(ownerOf(a0.id)).toBe(ownerOf(b0.id));
      expect(ownerOf(a1.id)).not.toBe(ownerOf(a0.id));
      expect((await a0.request('status')).message.serverInstanceId).toBe(ownerOf(a0.id));
      expect((await a1.request('status')).message.serverInstanceId).toBe(ownerOf(a1.id));
      expect(await call<ConnectionInfo>(a0, 'getConnectionInfo', a1.id)).toMatchObject({
        id: a1.id,
        serverInstanceId: ownerOf(a1.id),
        route: '/ws',
      });
    });

    it('emitter.emit() reaches every connection of the route on both nodes exactly once, and no other route', async () => {
      const sender = await on(0);
      const route = [sender, await on(0), await on(1), await on(1)];
      const others = [await on(0, '/ws/other'), await on(1, '/ws/other')];
      const tag = unique('all');
      await sender.request('everyone', tag);
      await settle(sender, [...route, ...others]);
      for (const client of route) expect(client.framesOf('everyone')).toEqual([{ event: 'everyone', message: tag, sender: sender.id }]);
      for (const client of others) expect(client.framesOf('everyone')).toEqual([]);
    });

    it('emitter.emitExceptSender() reaches the route on both nodes minus the sender', async () => {
      const sender = await on(1);
      const rest = [await on(0), await on(1), await on(0)];
      const tag = unique('else');
      await sender.request('everyoneElse', tag);
      await settle(sender, [sender, ...rest]);
      for (const client of rest)
        expect(client.framesOf('everyoneElse')).toEqual([{ event: 'everyoneElse', message: tag, sender: sender.id }]);
      expect(sender.framesOf('everyoneElse')).toEqual([]);
    });

    it('room(r).emit() reaches each member on both nodes exactly once, the sender included, outsiders not', async () => {
      const room = unique('room');
      const sender = await joined(await on(0), room);
      const members = [sender, await joined(await on(0), room), await joined(await on(1), room), await joined(await on(1), room)];
      const outsiders = [await on(0), await on(1)];
      await sender.request('room', { room, text: 'hi' });
      await settle(sender, [...members, ...outsiders]);
      for (const client of members) expect(client.framesOf('room')).toEqual([{ event: 'room', message: 'hi', sender: sender.id, room }]);
      for (const client of outsiders) expect(client.framesOf('room')).toEqual([]);
    });

    it('publishes one backplane message per broadcast and per direct send, whatever the number of receivers', async () => {
      const room = unique('room');
      const sender = await on(0);
      const receivers = [await joined(await on(1), room), await joined(await on(1), room), await joined(await on(1), room)];
      const published = async (): Promise<number> => (await sender.request('status')).message.backplane.published;
      const before = await published();
      await sender.request('room', { room, text: 'once' });
      expect((await published()) - before).toBe(1);
      await sender.request('direct', { to: receivers[0].id, text: 'just one' });
      expect((await published()) - before).toBe(2);
      await settle(sender, receivers);
      for (const client of receivers) expect(count(client, 'room', 'once')).toBe(1);
      expect(receivers[0].framesOf('direct')).toEqual([{ event: 'direct', message: 'just one', sender: sender.id }]);
    });

    it('room(r).emit() from a non-member on the other node reaches the members and not the sender', async () => {
      const room = unique('room');
      const members = [await joined(await on(0), room), await joined(await on(0), room)];
      const sender = await on(1);
      await sender.request('room', { room, text: 'knock' });
      await settle(sender, [sender, ...members]);
      for (const client of members) expect(count(client, 'room', 'knock')).toBe(1);
      expect(sender.framesOf('room')).toEqual([]);
    });

    it('room(r).emit() of a Buffer reaches the members on both nodes as one binary frame with the same bytes', async () => {
      const room = unique('room');
      const [sender, here, there] = [await on(0), await on(0), await on(1)];
      for (const client of [here, there]) await joined(client, room);
      const bytes = Array.from({ length: 256 }, (_, n) => 255 - n);
      await sender.request('roomBinary', { room, bytes });
      for (const client of [here, there]) expect([...(await client.nextBinary())]).toEqual(bytes);
      await settle(sender, [here, there]);
      for (const client of [here, there]) expect(client.received.filter((r) => r.kind === 'binary')).toHaveLength(1);
    });

    it('room(r).emitExceptSender() reaches the members on both nodes but the sender', async () => {
      const room = unique('room');
      const sender = await joined(await on(1), room);
      const members = [await joined(await on(0), room), await joined(await on(1), room)];
      await sender.request('roomElse', { room, text: 'go' });
      await settle(sender, [sender, ...members]);
      for (const client of members)
        expect(client.framesOf('roomElse')).toEqual([{ event: 'roomElse', message: 'go', sender: sender.id, room }]);
      expect(sender.framesOf('roomElse')).toEqual([]);
    });

    it('to(id).emit() reaches exactly that connection on the other node', async () => {
      const sender = await on(0);
      const [target, bystander0, bystander1] = [await on(1), await on(0), await on(1)];
      await sender.request('direct', { to: target.id, text: 'just you' });
      await settle(sender, [sender, target, bystander0, bystander1]);
      expect(target.framesOf('direct')).toEqual([{ event: 'direct', message: 'just you', sender: sender.id }]);
      for (const client of [sender, bystander0, bystander1]) expect(client.framesOf('direct')).toEqual([]);
    });

    it('reply() reaches the sender only', async () => {
      const sender = await on(1);
      const others = [await on(0), await on(1)];
      await sender.request('replyMe', 'pong');
      await settle(sender, [sender, ...others]);
      expect(sender.framesOf('replied')).toEqual([{ event: 'replied', message: 'pong', sender: sender.id }]);
      for (const client of others) expect(client.framesOf('replied')).toEqual([]);
    });

    it('emitTo() reaches a connection on the other node and reports 1; an unknown id reports 0', async () => {
      const [caller, target, bystander] = [await on(0), await on(1), await on(1)];
      expect(await call(caller, 'emitTo', target.id, 'srv', { n: 1 })).toBe(1);
      await settle(caller, [target, bystander]);
      expect(target.framesOf('srv')).toEqual([{ event: 'srv', message: { n: 1 } }]);
      expect(bystander.framesOf('srv')).toEqual([]);
      expect(await call(caller, 'emitTo', `${ownerOf(target.id)}.zzzz`, 'srv', 'x')).toBe(0);
    });

    it('emitToAll() reaches every connection on both nodes and every route exactly once', async () => {
      const caller = await on(1);
      const everyone = [caller, await on(0), await on(1), await on(0, '/ws/other'), await on(1, '/ws/other')];
      const tag = unique('all');
      // Connections of earlier tests leave the registry after their close; the count is exact once they have.
      let registered = -1;
      await eventually(
        async () => (registered = (await call<ConnectionInfo[]>(caller, 'getAllConnections')).length) === everyone.length,
        3000,
        () => `the registry to hold exactly this test's ${everyone.length} connections (it holds ${registered})`,
      );
      expect(await call<number>(caller, 'emitToAll', 'news', tag)).toBe(everyone.length);
      await settle(caller, everyone);
      for (const client of everyone) expect(client.framesOf('news')).toEqual([{ event: 'news', message: tag }]);
    });

    it('emitToRoom() with except reaches every member on both nodes but that one, and counts them', async () => {
      const room = unique('room');
      const caller = await on(0);
      const members = [await joined(await on(0), room), await joined(await on(1), room), await joined(await on(1), room)];
      const excepted = members[1];
      expect(await call(caller, 'emitToRoom', room, 'roomNews', 'x', { except: excepted.id })).toBe(2);
      await settle(caller, [caller, ...members]);
      for (const client of [members[0], members[2]])
        expect(client.framesOf('roomNews')).toEqual([{ event: 'roomNews', message: 'x', room }]);
      expect(excepted.framesOf('roomNews')).toEqual([]);
      expect(caller.framesOf('roomNews')).toEqual([]);
    });

    it('joinRoom() and leaveRoom() work on a connection the other node holds', async () => {
      const room = unique('room');
      const [caller, target] = [await on(0), await on(1)];
      expect(await call(caller, 'joinRoom', target.id, room)).toBe(true);
      for (const via of [caller, target]) expect(await call(via, 'getRoomMembers', room)).toEqual([target.id]);
      expect((await call<ConnectionInfo>(caller, 'getConnectionInfo', target.id)).rooms).toEqual([room]);
      expect((await target.request('whoami')).message.rooms).toEqual([room]);
      await caller.request('room', { room, text: 'in' });
      await settle(caller, [target]);
      expect(count(target, 'room', 'in')).toBe(1);

      expect(await call(caller, 'leaveRoom', target.id, room)).toBe(true);
      for (const via of [caller, target]) expect(await call(via, 'getRoomMembers', room)).toEqual([]);
      expect((await target.request('whoami')).message.rooms).toEqual([]);
      await caller.request('room', { room, text: 'out' });
      await settle(caller, [target]);
      expect(count(target, 'room', 'out')).toBe(0);
      expect(await call(caller, 'joinRoom', `${ownerOf(target.id)}.zzzz`, room)).toBe(false);
    });

    it("joinRoom() keeps another node's connection to the room rules and its route's maxRoomsPerConnection", async () => {
      const [caller, target] = [await on(0), await on(1, '/ws/other')];
      const [a, b] = [unique('a'), unique('b')];
      expect(await call(caller, 'joinRoom', target.id, a)).toBe(true);
      expect(await call(caller, 'joinRoom', target.id, b)).toBe(true);
      expect(await call(caller, 'joinRoom', target.id, b)).toBe(true);
      await expect(call(caller, 'joinRoom', target.id, unique('c'))).rejects.toThrow(/"code":"SB_TOO_MANY_ROOMS"/);
      await expect(call(caller, 'joinRoom', target.id, 'not a room')).rejects.toThrow(/"code":"SB_INVALID_ROOM"/);
      expect([...(await call<ConnectionInfo>(caller, 'getConnectionInfo', target.id)).rooms].sort()).toEqual([a, b].sort());
      expect([...(await target.request('whoami')).message.rooms].sort()).toEqual([a, b].sort());
    });

    it('maxConnectionsPerIp counts the connections from one address on every node', async () => {
      // /ws/capped takes 2 from one address: one on each node, so neither node alone is full.
      const [a, b] = [await on(0, '/ws/capped'), await on(1, '/ws/capped')];
      for (const node of [0, 1] as const) {
        expect(await fixture.nodes.refusal(node, '/ws/capped')).toEqual({ status: 503, body: 'Too many connections from this address\n' });
      }
      // Other routes count on their own.
      await on(0);
      await b.close();
      // The place comes back once the closed connection has left the registry.
      await eventually(async () => (await call(a, 'getConnectionInfo', b.id)) === null, 5000, `${b.id} to leave the registry`);
      const next = await on(0, '/ws/capped');
      expect(await next.request('whoami')).toMatchObject({ event: 'whoami' });
      expect(await a.request('whoami')).toMatchObject({ event: 'whoami' });
    });

    it('getAllConnections() and getRoomMembers() see connections on every node; getLocalConnections() only its own', async () => {
      const room = unique('room');
      const [a0, a1, b1] = [await joined(await on(0), room), await joined(await on(1), room), await on(1)];
      for (const via of [a0, a1]) {
        const all = await call<ConnectionInfo[]>(via, 'getAllConnections');
        for (const client of [a0, a1, b1]) {
          expect(all.find((c) => c.id === client.id)).toMatchObject({ serverInstanceId: ownerOf(client.id), route: '/ws' });
        }
        expect((await call<string[]>(via, 'getRoomMembers', room)).sort()).toEqual([a0.id, a1.id].sort());
      }
      const local = (await call<ConnectionInfo[]>(a0, 'getLocalConnections')).map((c) => c.id);
      expect(local).toContain(a0.id);
      expect(local).not.toContain(a1.id);
    });

    it('updateConnectionMetadata() merges into a connection the other node holds; every node and the owner see it', async () => {
      const [caller, target] = [await on(0), await on(1)];
      expect(await call(caller, 'updateConnectionMetadata', target.id, { role: 'admin', tags: ['a'] })).toBe(true);
      expect(await call(caller, 'updateConnectionMetadata', target.id, { level: 2 })).toBe(true);
      const expected = { role: 'admin', tags: ['a'], level: 2 };
      for (const via of [caller, target])
        expect((await call<ConnectionInfo>(via, 'getConnectionInfo', target.id)).metadata).toEqual(expected);
      // The owner applies the change through the backplane; the marker is behind it.
      await settle(caller, [target]);
      expect((await target.request('whoami')).message.metadata).toEqual(expected);
      expect(await call(caller, 'updateConnectionMetadata', `${ownerOf(target.id)}.zzzz`, { x: 1 })).toBe(false);
    });

    it('updateConnectionMetadata() removes the keys a patch sets to null, on every node and the owner', async () => {
      const [caller, target] = [await on(0), await on(1)];
      expect(await call(caller, 'updateConnectionMetadata', target.id, { role: 'admin', mood: 'busy' })).toBe(true);
      expect(await call(caller, 'updateConnectionMetadata', target.id, { mood: null, level: 3 })).toBe(true);
      const expected = { role: 'admin', level: 3 };
      for (const via of [caller, target])
        expect((await call<ConnectionInfo>(via, 'getConnectionInfo', target.id)).metadata).toEqual(expected);
      await settle(caller, [target]);
      expect((await target.request('whoami')).message.metadata).toEqual(expected);
    });

    it('concurrent metadata changes from both nodes leave the owner with what the registry holds', async () => {
      const target = await on(1);
      const callers = [await on(0), await on(0), await on(1), await on(1)];
      // Each change reaches the registry in some order; the owner hears of the remote ones later, in another.
      await Promise.all(
        callers.flatMap((caller, c) =>
          Array.from({ length: 8 }, (_, i) => call(caller, 'updateConnectionMetadata', target.id, { last: `${c}.${i}`, [`c${c}`]: i })),
        ),
      );
      const registry = (await call<ConnectionInfo>(callers[0], 'getConnectionInfo', target.id)).metadata;
      expect(registry).toMatchObject({ c0: 7, c1: 7, c2: 7, c3: 7 });
      for (const caller of callers) await settle(caller, [target]);
      expect((await target.request('whoami')).message.metadata).toEqual(registry);
    });

    it('concurrent joins and leaves from both nodes leave the owner in the rooms the registry lists', async () => {
      const target = await on(1);
      const callers = [await on(0), await on(0), await on(1), await on(1)];
      const rooms = [unique('room'), unique('room')];
      // Every caller flips the target in and out of both rooms at once; each ends on a different change.
      await Promise.all(
        callers.flatMap((caller, c) =>
          Array.from({ length: 8 }, (_, i) =>
            call(caller, (i + c) % 2 === 0 ? 'joinRoom' : 'leaveRoom', target.id, rooms[Math.floor(i / 2) % rooms.length]),
          ),
        ),
      );
      for (const caller of callers) await settle(caller, [target]);
      const listed = [...(await call<ConnectionInfo>(callers[0], 'getConnectionInfo', target.id)).rooms].sort();
      expect([...(await target.request('whoami')).message.rooms].sort()).toEqual(listed);
      for (const room of rooms)
        expect((await call<string[]>(callers[0], 'getRoomMembers', room)).includes(target.id)).toBe(listed.includes(room));
    });

    it('disconnect() closes a connection the other node holds and it leaves the registry', async () => {
      const room = unique('room');
      const [caller, target] = [await on(0), await joined(await on(1), room)];
      expect(await call(caller, 'disconnect', target.id, 'bye')).toBe(true);
      expect(await target.closed).toEqual({ code: 1000, reason: 'bye' });
      await eventually(async () => (await call(caller, 'getConnectionInfo', target.id)) === null, 3000, `${target.id} left the registry`);
      expect(await call(caller, 'getRoomMembers', room)).toEqual([]);
      expect(await call(caller, 'disconnect', target.id)).toBe(false);
    });

    it('delivers 1,000 numbered frames from one sender to one room in order, once each, on both nodes', async () => {
      const room = unique('seq');
      const sender = await joined(await on(0), room);
      const receivers = [sender, await joined(await on(0), room), await joined(await on(1), room), await joined(await on(1), room)];
      const total = 1000;
      // Batches with an acknowledged last frame keep the server's per-connection queue short.
      for (let n = 0; n < total; n++) {
        const frame: Record<string, unknown> = { event: 'seq', message: { room, n } };
        if (n % 100 === 99) await sender.request('seq', { room, n });
        else sender.send(frame);
      }
      await settle(sender, receivers);
      const expected = Array.from({ length: total }, (_, n) => n);
      for (const client of receivers) expect(client.framesOf('seq').map((f: Frame) => f.message)).toEqual(expected);
    });
  });
}
