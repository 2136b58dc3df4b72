import { ownerOf } from '../../src/protocol/connection-id';
import { startExampleCluster } from '../support/example-cluster';
import { TestClient } from '../support/test-client';
import { eventually, within } from '../support/wait';

/** `npm start` runs examples/chat/cluster.ts (built); here it runs from source through the same entry. */
describe('the example app in cluster mode (npm start)', () => {
  it('serves on two workers over the IPC backplane with no external service, and drains on SIGTERM', async () => {
    const { port, primary } = await startExampleCluster();
    try {
      // Connections go to the workers in turn: a few connections reach both.
      const clients: TestClient[] = [];
      for (let attempt = 0; attempt < 6 && new Set(clients.map((c) => ownerOf(c.id))).size < 2; attempt++) {
        const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
        if (clients.length === 0 || ownerOf(client.id) !== ownerOf(clients[0].id)) clients.push(client);
        else await client.close();
      }
      expect(clients).toHaveLength(2);
      // The HTTP requests go to the workers in turn too; the connections closed above leave the registry
      // asynchronously, so both workers are asked until each counts exactly the two that stay.
      let infos: Record<string, any>[] = [];
      await eventually(
        async () => {
          infos = await Promise.all(
            [0, 1].map(async () => (await fetch(`http://127.0.0.1:${port}/api/ws/server-info`)).json() as Promise<Record<string, any>>),
          );
          return new Set(infos.map((i) => i.serverInstanceId)).size === 2 && infos.every((i) => i.allConnections === 2);
        },
        3000,
        () => `both workers to count the 2 open connections cluster-wide; last answers: ${JSON.stringify(infos)}`,
      );
      // Signed by default: the primary gave its workers a secret of their own.
      for (const info of infos) expect(info.backplane).toMatchObject({ name: 'cluster', healthy: true, signed: true, forged: 0 });
      for (const client of clients) await client.request('joinRoom', 'chat');
      clients[0].send({ event: 'noti', message: 'across workers' });
      expect(await clients[1].next((f) => f.event === 'noti')).toMatchObject({ message: 'across workers', sender: clients[0].id });

      primary.signal('SIGTERM');
      for (const client of clients) expect((await within(client.closed, 5000, 'the drain to close the client')).code).toBe(1001);
      // Once its pipes closed, everything the cluster printed has been read too.
      expect((await within(primary.closed, 8000, 'the example primary to exit')).code).toBe(0);
      expect(primary.output()).toContain('all workers stopped; primary exits');
    } finally {
      primary.kill();
    }
  }, 30_000);
});
