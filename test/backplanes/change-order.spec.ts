import { MemoryBackplane, MemoryBus } from '../../src';
import { ownerOf } from '../../src/protocol/connection-id';
import { clusterAppModule } from '../fixtures/cluster-app.module';
import { startApp, type RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import { within } from '../support/wait';

/** A memory backplane that holds room joins for the room `gated` until the test lets them through. */
class GatedBackplane extends MemoryBackplane {
  entered?: () => void;
  released?: Promise<void>;

  override async addToRoom(id: string, room: string): Promise<number> {
    if (room === 'gated' && this.released) {
      this.entered?.();
      await this.released;
    }
    return super.addToRoom(id, room);
  }
}

/**
 * Changes to one connection made on two nodes reach its owner in either
 * order; the owner applies them in the registry's order. A peer node on the
 * same bus makes real registry changes and sends their notices when the test
 * says, so the order is the test's.
 */
describe("the owner's view of a connection changed from two nodes", () => {
  const bus = new MemoryBus();
  const backplane = new GatedBackplane({ bus });
  const peer = new MemoryBackplane({ bus });
  let server: RunningApp;
  let client: TestClient;

  beforeAll(async () => {
    server = await startApp(clusterAppModule(backplane));
    await peer.start(() => undefined);
  });
  beforeEach(async () => {
    client = await TestClient.connect(server.ws('/ws'));
  });
  afterEach(() => client.close());
  afterAll(async () => {
    await peer.stop();
    await server.close();
  });

  const owner = () => ownerOf(client.id) ?? '';
  // The bus delivers a notice on a microtask: before the server reads the client's next frame.
  const view = async () => (await client.request('whoami')).message as { rooms: string[]; metadata: Record<string, unknown> };
  const registry = async () => (await peer.getConnection(client.id))!;

  it('keeps metadata the registry changed later than a remote change whose notice comes last', async () => {
    const remote = (await peer.updateMetadata(client.id, { n: 'remote' }))!;
    await client.request('rt', { call: 'updateConnectionMetadata', args: [client.id, { n: 'local' }] });
    peer.send({ type: 'metadata', id: client.id, ...remote }, owner());
    expect((await view()).metadata).toEqual({ n: 'local' });
    expect((await registry()).metadata).toEqual({ n: 'local' });
  });

  it('stays in a room it joined after a remote leave whose notice comes last', async () => {
    const version = await peer.removeFromRoom(client.id, 'lobby');
    await client.request('joinRoom', 'lobby');
    peer.send({ type: 'leave', id: client.id, room: 'lobby', version }, owner());
    expect((await view()).rooms).toEqual(['lobby']);
    expect((await registry()).rooms).toEqual(['lobby']);
  });

  it('still refuses that late leave after the connection passed through hundreds of other rooms', async () => {
    const version = await peer.removeFromRoom(client.id, 'home');
    await client.request('joinRoom', 'home');
    // Versions of left rooms are forgotten past a bound; those of the rooms it is in are kept.
    for (let i = 0; i < 300; i++) {
      await client.request('joinRoom', `passing-${i}`);
      await client.request('leaveRoom', `passing-${i}`);
    }
    peer.send({ type: 'leave', id: client.id, room: 'home', version }, owner());
    expect((await view()).rooms).toEqual(['home']);
  });

  it('ends in a room when a remote leave lands while its own join is on the way to the registry', async () => {
    backplane.released = new Promise<void>((release) => {
      backplane.entered = () =>
        void (async () => {
          // The join is applied here and waits for the registry; the leave runs in the registry first.
          const version = await peer.removeFromRoom(client.id, 'gated');
          peer.send({ type: 'leave', id: client.id, room: 'gated', version }, owner());
          await new Promise<void>((resolve) => queueMicrotask(resolve));
          release();
        })();
    });
    try {
      await within(client.request('joinRoom', 'gated'), 3000, 'the gated join');
    } finally {
      backplane.released = undefined;
    }
    expect((await registry()).rooms).toEqual(['gated']);
    expect((await view()).rooms).toEqual(['gated']);
  });
});
