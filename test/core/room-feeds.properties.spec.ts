// Property-based (fast-check): whatever a transport does to a history room's
// numbered publications on their way to a node (drops some, delivers some
// twice, holds some back and delivers them late, interleaves with the node's
// own history reads), the node's members get every publication up to the
// highest that reached it, exactly once, in offset order. Real RoomFeeds,
// LocalHub, MemoryBackplane and RoomHistory; the member records its frames.
import fc from 'fast-check';
import { MemoryBackplane, MemoryBus } from '../../src';
import type { BackplaneMessage } from '../../src/backplanes/backplane-message';
import { decodeNodeMessage, encodeNodeMessage } from '../../src/backplanes/node-codec';
import { HistoryRooms } from '../../src/services/history-rooms';
import type { HubConnection } from '../../src/services/hub-connection';
import { LocalHub } from '../../src/services/local-hub';
import type { PreparedFrame } from '../../src/services/prepared-frame';
import { RoomFeeds } from '../../src/services/room-feeds';
import { eventually } from '../support/wait';

type Delivery = Extract<BackplaneMessage, { type: 'deliver' }>;
const ROOM = 'r';
const LIMITS = { size: 1000, ttl: 1e9 };

/** What happens to one publication on its way: delivered, lost, delivered twice, or held back to the end. */
const fate = fc.constantFrom('deliver', 'deliver', 'deliver', 'lose', 'twice', 'late');

/** A member that records the `message` of each frame it is written, and nothing else. */
function member(): { connection: HubConnection; got: number[] } {
  const got: number[] = [];
  const connection = {
    id: 'n.1',
    route: '/ws',
    rooms: new Set<string>(),
    writeFrame(frame: PreparedFrame): boolean {
      got.push((JSON.parse(frame.bytes.toString()) as { message: number }).message);
      return true;
    },
  } as unknown as HubConnection;
  return { connection, got };
}

describe('RoomFeeds (properties)', () => {
  it('delivers every publication up to the highest that arrived, once each, in order, whatever the transport did', async () => {
    // Each run: up to 41 publications; a failing run waits out its bound once, then fast-check shrinks it.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fate, { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }),
        fc.infiniteStream(fc.nat()),
        async (fates, yields, shuffle) => {
          const bus = new MemoryBus();
          const backplane = new MemoryBackplane({ bus });
          const rooms = new HistoryRooms();
          rooms.add({ matches: (room) => room === ROOM, ...LIMITS });
          const hub = new LocalHub();
          const feeds = new RoomFeeds(hub, backplane, rooms);
          const { connection, got } = member();
          hub.add(connection);
          hub.join(connection, ROOM);

          // The publications, numbered and kept as the memory backplane keeps them.
          const history = bus.histories.of(ROOM, LIMITS);
          const published: { message: Delivery; position: { epoch: string; offset: number } }[] = [];
          for (let n = 1; n <= fates.length + 1; n++) {
            const msg: Delivery = {
              type: 'deliver',
              target: { type: 'room', room: ROOM },
              frame: Buffer.from(JSON.stringify({ event: 'm', message: n, room: ROOM })),
              binary: false,
            };
            const offset = history.append(encodeNodeMessage({ node: 'x', seq: n, msg }));
            const decoded = decodeNodeMessage(history.read(offset - 1).publications[0].payload)!.msg as Delivery;
            published.push({ message: decoded, position: { epoch: history.epoch, offset } });
          }

          // The order the transport hands them over in.
          // The first arrives as it should: from it on, this node follows the room (a member's join reads what came before).
          const arrivals: typeof published = [published[0]];
          const late: typeof published = [];
          fates.forEach((f, i) => {
            const p = published[i + 1];
            if (f === 'deliver') arrivals.push(p);
            else if (f === 'twice') arrivals.push(p, p);
            else if (f === 'late') late.push(p);
          });
          const it = shuffle[Symbol.iterator]();
          while (late.length > 0) arrivals.push(late.splice(it.next().value % late.length, 1)[0]);

          for (const [i, { message, position }] of arrivals.entries()) {
            feeds.receive(message, position);
            // Sometimes the node's history reads get to run between two arrivals.
            if (yields[i % yields.length]) await new Promise((resolve) => setImmediate(resolve));
          }
          const highest = Math.max(...arrivals.map((a) => a.position.offset));
          const expected = Array.from({ length: highest }, (_, i) => i + 1);
          await eventually(
            () => got.length >= expected.length,
            500,
            () => `the member got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)} (fates ${fates.join(',')})`,
          );
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);
});
