import { MemoryBackplane, MemoryBus } from '../../src';
import { ownerOf } from '../../src/services/connection-id';
import { clusterAppModule } from '../fixtures/cluster-app.module';
import { startApp, type RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';

/**
 * Metadata changes made on two nodes can reach the connection's owner in
 * either order; the owner keeps the newest by the registry's version. A peer
 * node on the same bus plays the other node, so the order is the test's.
 */
describe("the owner's copy of a connection's metadata", () => {
  const bus = new MemoryBus();
  const peer = new MemoryBackplane({ bus });
  let server: RunningApp;
  let client: TestClient;

  beforeAll(async () => {
    server = await startApp(clusterAppModule(new MemoryBackplane({ bus })));
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

  const metadataOf = async (c: TestClient) => (await c.request('whoami')).message.metadata as Record<string, unknown>;
  const patch = (c: TestClient, metadata: Record<string, unknown>) =>
    c.request('rt', { call: 'updateConnectionMetadata', args: [c.id, metadata] });

  it('ignores a change older than the one it holds, however late it arrives', async () => {
    await patch(client, { n: 1 });
    await patch(client, { n: 2 });
    const owner = ownerOf(client.id) ?? '';
    // Both reach the owner before the next frame from the client does: the bus delivers on a microtask.
    peer.send({ type: 'metadata', id: client.id, metadata: { n: 'newer' }, version: 3 }, owner);
    peer.send({ type: 'metadata', id: client.id, metadata: { n: 'older' }, version: 2 }, owner);
    expect(await metadataOf(client)).toEqual({ n: 'newer' });
  });

});
